#!/usr/bin/env python3
"""Reads one `--executor slurm` build of bench/fanout/slurm.sh and prints its JSON line ("name": "slurm").

Sources, each the honest one for its figure:
- calls: the wrappers' log (one line per sbatch/squeue/sacct/scancel the driver ran);
- first task running: the earliest `builds.started` of the build's run in the state DB (the worker stamps it when it
  starts the node's command), minus the driver's launch time taken by slurm.sh just before starting it;
- wall, driver CPU (user + sys) and peak RSS: GNU time around the driver (the workers are slurmd's children);
- array tasks and pack: the driver's "submitted job array ..." lines.
Fails (exit 1) when the build did not build all N nodes or a feature differs from its raw file.

Usage: slurm_figures.py WORKDIR N LAUNCHED_EPOCH CALLS_LOG DRIVER_USAGE DRIVER_LOG
"""
import datetime
import filecmp
import json
import os
import re
import sqlite3
import sys

workdir, n, launched, calls_log, usage_path, driver_log = sys.argv[1:7]
n, launched = int(n), float(launched)


def epoch(iso):
    # .NET writes 7 fractional digits; Python reads at most 6.
    iso = re.sub(r"(\.\d{6})\d+", r"\1", iso)
    return datetime.datetime.fromisoformat(iso).timestamp()


db = sqlite3.connect(f"file:{os.path.join(workdir, '.databuild', 'state.db')}?mode=ro", uri=True)
run_id, run_status = db.execute("SELECT id, status FROM runs ORDER BY id DESC LIMIT 1").fetchone()
built, first_start, last_end = db.execute(
    "SELECT count(*), min(started), max(ended) FROM builds WHERE run_id = ? AND status = 'Succeeded'", (run_id,)).fetchone()
jobs = db.execute("SELECT count(*) FROM jobs WHERE run_id = ?", (run_id,)).fetchone()[0]
if built != n:
    sys.exit(f"slurm_figures.py: the Slurm build recorded {built} built nodes, expected {n} (run {run_id}: {run_status})")
for q in range(n):
    if not filecmp.cmp(os.path.join(workdir, "raw", f"q{q}"), os.path.join(workdir, "features", f"q{q}"), shallow=False):
        sys.exit(f"slurm_figures.py: features/q{q} is not a copy of raw/q{q}")

calls = {"sbatch": 0, "squeue": 0, "sacct": 0, "scancel": 0}
first_sbatch = None
with open(calls_log) as f:
    for line in f:
        parts = line.split()
        if len(parts) > 1 and parts[1] in calls:
            calls[parts[1]] += 1
            if parts[1] == "sbatch" and first_sbatch is None:
                first_sbatch = float(parts[0])

with open(usage_path) as f:
    wall, user, system, rss_kb = f.read().split()[-4:]

arrays = []
with open(driver_log) as f:
    for line in f:
        m = re.search(r"submitted job array (\d+): (\d+) \S+ node\(s\) in (\d+) task\(s\) of up to (\d+) \(pack (.*)\); script", line)
        if m:
            arrays.append({"job": int(m.group(1)), "nodes": int(m.group(2)), "tasks": int(m.group(3)), "pack": int(m.group(4)), "reason": m.group(5)})

print(json.dumps({
    "name": "slurm",
    "n": n,
    "sbatch_calls": calls["sbatch"],
    "squeue_calls": calls["squeue"],
    "sacct_calls": calls["sacct"],
    "arrays": len(arrays),
    "array_tasks": sum(a["tasks"] for a in arrays),
    "pack": max((a["pack"] for a in arrays), default=0),
    "pack_reason": arrays[0]["reason"] if arrays else "",
    "jobs_recorded": jobs,
    "first_sbatch_s": round(first_sbatch - launched, 3) if first_sbatch else None,
    "first_task_s": round(epoch(first_start) - launched, 3),
    "last_task_end_s": round(epoch(last_end) - launched, 3),
    "wall": float(wall),
    "driver_cpu": round(float(user) + float(system), 2),
    "driver_rss_mb": round(int(rss_kb) / 1024, 1),
}))
