#!/usr/bin/env python3
"""Times one command R times and prints one JSON line: median/min/max wall seconds, median peak RSS (MB) and
median CPU seconds (user+sys) of the process tree.

Before every repetition the --prepare shell command runs (untimed): e.g. remove outputs for a cold build, or
edit one input. Wall time is perf_counter around fork..wait4; peak RSS and CPU come from wait4's rusage of the
child as GNU time (/usr/bin/time) reports it, which on Linux covers the child and every descendant it waited
for (RSS: the largest single process, e.g. Snakemake's Python, not a sum). GNU time is the parent rather than
this script because a child forked from Python carries Python's ~15 MB into its peak RSS until exec. stdout/stderr of the command go to --log. A repetition that exceeds
--timeout is killed and the result says so. A non-zero exit is an error: a failed build is not a figure.

Usage: measure.py --name NAME --cwd DIR [--reps R] [--prepare SH] [--timeout S] [--log FILE] -- CMD ARGS...
"""
import argparse
import json
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--name", required=True)
    p.add_argument("--cwd", required=True)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--prepare", default="")
    p.add_argument("--timeout", type=float, default=0)
    p.add_argument("--log", default=os.devnull)
    p.add_argument("cmd", nargs=argparse.REMAINDER)
    a = p.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    walls, rss, cpu = [], [], []
    result = {"name": a.name, "reps": 0}
    usage = os.path.join(tempfile.gettempdir(), f"measure-{os.getpid()}.usage")
    with open(a.log, "ab") as log:
        for _ in range(a.reps):
            if a.prepare:
                subprocess.run(["sh", "-c", a.prepare], cwd=a.cwd, check=True)
            start = time.perf_counter()
            proc = subprocess.Popen(["/usr/bin/time", "-f", "%M %U %S", "-o", usage, "--"] + cmd, cwd=a.cwd, stdout=log, stderr=log, start_new_session=True)
            status = None
            while status is None:
                pid, st, _ = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    status = st
                    break
                if a.timeout and time.perf_counter() - start > a.timeout:
                    os.killpg(proc.pid, signal.SIGKILL)
                    os.wait4(proc.pid, 0)
                    result.update(timeout=a.timeout)
                    print(json.dumps(result))
                    return
                time.sleep(0.0005 if time.perf_counter() - start < 1 else 0.02)
            wall = time.perf_counter() - start
            proc.returncode = os.waitstatus_to_exitcode(status)
            if proc.returncode != 0:
                result.update(error=f"exit code {proc.returncode}, see {a.log}")
                print(json.dumps(result))
                sys.exit(1)
            walls.append(wall)
            with open(usage) as f:
                kb, user, system = f.read().split()[-3:]
            rss.append(int(kb) / 1024)
            cpu.append(float(user) + float(system))
            result["reps"] += 1
    os.remove(usage)
    result.update(wall=statistics.median(walls), min=min(walls), max=max(walls),
                  rss_mb=statistics.median(rss), cpu=statistics.median(cpu))
    print(json.dumps(result))


if __name__ == "__main__":
    main()
