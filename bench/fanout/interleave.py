#!/usr/bin/env python3
"""Times several commands interleaved: R rounds, each running every command once in a fresh random order, and prints
one JSON line per command: median/min/max wall seconds and median CPU seconds (user+sys of the process and what it
waited for, from wait4).

Timing each tool in a block of its own (measure.py) lets the machine's drift, on a shared VM several milliseconds
within a minute, fall on one tool and not the other. Interleaved, every tool sees the same phases of the machine,
and the ratio of medians is what the tools cost relative to each other. Each command first runs --warmup times
untimed (a DataBuild no-op right after a build checks in full and saves its up-to-date snapshot; the next ones are
what is timed). A non-zero exit is an error.

--prepare CMD runs a shell command in each tool's directory, untimed, before each of its runs (an edit: `date +%s%N >
raw/q7`; a touch: `touch raw/q7`), so edited and touched builds are interleaved the same way. Peak RSS (ru_maxrss of
the command and its waited-for children, from wait4) is reported beside the times.

Usage: interleave.py --rounds R [--warmup W] [--prepare CMD] --log FILE NAME=DIR=CMD ARGS... [NAME=DIR=CMD ARGS...]
  (each command is one argument: its words split on spaces; a NAME=DIR= prefix names it and its working directory)
"""
import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--rounds", type=int, default=20)
    p.add_argument("--warmup", type=int, default=2)
    p.add_argument("--log", default=os.devnull)
    p.add_argument("--seed", type=int, default=None)
    p.add_argument("--prepare", default="")
    p.add_argument("commands", nargs="+")
    a = p.parse_args()
    tools = []
    for spec in a.commands:
        name, cwd, cmd = spec.split("=", 2)
        tools.append((name, cwd, cmd.split()))
    rng = random.Random(a.seed)
    walls = {name: [] for name, _, _ in tools}
    cpus = {name: [] for name, _, _ in tools}
    rss = {name: [] for name, _, _ in tools}

    def prepare(cwd):
        if a.prepare:
            subprocess.run(a.prepare, shell=True, cwd=cwd, check=True)

    with open(a.log, "ab") as log:
        for name, cwd, cmd in tools * a.warmup:
            prepare(cwd)
            if subprocess.run(cmd, cwd=cwd, stdout=log, stderr=log).returncode != 0:
                print(json.dumps({"name": name, "reps": 0, "error": f"the untimed warm-up failed, see {a.log}"}))
                sys.exit(1)
        for _ in range(a.rounds):
            order = list(tools)
            rng.shuffle(order)
            for name, cwd, cmd in order:
                prepare(cwd)
                start = time.perf_counter()
                proc = subprocess.Popen(cmd, cwd=cwd, stdout=log, stderr=log)
                _, status, usage = os.wait4(proc.pid, 0)
                wall = time.perf_counter() - start
                if os.waitstatus_to_exitcode(status) != 0:
                    print(json.dumps({"name": name, "reps": len(walls[name]),
                                      "error": f"exit code {os.waitstatus_to_exitcode(status)}, see {a.log}"}))
                    sys.exit(1)
                walls[name].append(wall)
                cpus[name].append(usage.ru_utime + usage.ru_stime)
                rss[name].append(usage.ru_maxrss / 1024)
    for name, _, _ in tools:
        w = walls[name]
        print(json.dumps({"name": name, "reps": len(w), "wall": statistics.median(w), "min": min(w), "max": max(w),
                          "cpu": statistics.median(cpus[name]), "rss_mb": statistics.median(rss[name])}))


if __name__ == "__main__":
    main()
