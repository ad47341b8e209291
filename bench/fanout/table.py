#!/usr/bin/env python3
"""Turns bench/run.sh's JSON lines into the markdown report: figures side by side, ratios to Ninja, the Slurm row,
and a verdict for every goal of issue 6 (met / MISSED / not measured, never silently absent).

Usage: table.py RESULTS.jsonl DATE VERSIONS MACHINE REPS PLAN_N PROBE_N PLAN_BREAKDOWN
"""
import json
import sys

results_path, date, versions, machine, reps, plan_n, probe, plan_breakdown = sys.argv[1:9]
reps, plan_n, probe = int(reps), int(plan_n), int(probe)
results = {}
with open(results_path) as f:
    for line in f:
        if line.strip():
            r = json.loads(line)
            results[r["name"]] = r
TOOLS = ("databuild", "ninja", "snakemake")


def size(n):
    n = int(n)
    if n % 1000:
        return str(n)
    return f"{n // 1000}k" if n < 1000000 else f"{n // 1000000}M"


def seconds(v):
    return f"{v:.3f} s" if v < 10 else f"{v:.1f} s"


def value(name, key="wall"):
    r = results.get(name)
    return r.get(key) if r and key in r else None


def cell(name, key="wall", unit="s"):
    r = results.get(name)
    tool, kind, n = name.split(".")
    if r is None:
        skipped = results.get(f"{tool}.skipped.{n}")
        return skipped["value"] if skipped else "not measured"
    if "timeout" in r:
        return f"> {r['timeout']:.0f} s (timed out)"
    if "error" in r:
        return f"failed: {r['error']}"
    if key not in r:
        return str(r.get("value", "not measured"))
    v = r[key]
    text = seconds(v) if unit == "s" else f"{v:.0f} {unit}"
    notes = []
    if key == "wall" and r["reps"] != (reps + 2 if kind == "noop" else reps):
        notes.append(f"{r['reps']} run{'s' if r['reps'] > 1 else ''}")
    seeded = results.get(f"{tool}.seeded.{n}")
    if seeded and kind != "cold":
        notes.append("**seeded**")
    return text + (f" ({', '.join(notes)})" if notes else "")


def ratio(num, den):
    return None if num is None or den in (None, 0) else num / den


def verdict(x, limit, fmt):
    return "not measured" if x is None else f"{'met' if x <= limit else 'MISSED'} ({fmt(x)})"


def x_ninja(kind, n, key="wall"):
    return ratio(value(f"databuild.{kind}.{n}", key), value(f"ninja.{kind}.{n}", key))


# ---- DataBuild, Ninja, Snakemake side by side ----
rows = []
sizes = sorted({int(k.split(".")[2]) for k in results if k.count(".") == 2 and k.split(".")[2].isdigit()
                and k.split(".")[0] in TOOLS})
LABEL = {"cold": "cold build, -j 2", "noop": "no-op", "edit": "one input edited (content changed)",
         "touch": "one input touched (mtime only)"}
for kind in ("cold", "noop", "edit", "touch"):
    for n in sizes:
        if not any(f"{t}.{kind}.{n}" in results for t in TOOLS):
            continue
        x = x_ninja(kind, n)
        rows.append(f"| {LABEL[kind]}, {size(n)} quads | {' | '.join(cell(f'{t}.{kind}.{n}') for t in TOOLS)} | "
                    f"{'–' if x is None else f'{x:.2f}x'} |")
for n in sizes:
    d, nj = results.get(f"databuild.noop_interleaved.{n}"), results.get(f"ninja.noop_interleaved.{n}")
    if d is None and nj is None:
        continue
    x = ratio(value(f"databuild.noop_interleaved.{n}"), value(f"ninja.noop_interleaved.{n}"))
    shown = ["not measured" if r is None else f"failed: {r['error']}" if "error" in r else seconds(r["wall"]) for r in (d, nj)]
    rows.append(f"| no-op, {size(n)} quads, interleaved ({(d or nj)['reps']} rounds, random order) | {shown[0]} | {shown[1]} | – | "
                f"{'–' if x is None else f'{x:.2f}x'} |")
for kind, what in (("edit", "one input edited"), ("touch", "one input touched")):
    for n in sizes:
        d, nj = results.get(f"databuild.{kind}_interleaved.{n}"), results.get(f"ninja.{kind}_interleaved.{n}")
        if d is None and nj is None:
            continue
        x = ratio(value(f"databuild.{kind}_interleaved.{n}"), value(f"ninja.{kind}_interleaved.{n}"))
        shown = ["not measured" if r is None else f"failed: {r['error']}" if "error" in r
                 else f"{seconds(r['wall'])}, {r.get('rss_mb', 0):.0f} MB" for r in (d, nj)]
        rows.append(f"| {what}, {size(n)} quads, interleaved ({(d or nj)['reps']} rounds; time, peak RSS) | {shown[0]} | {shown[1]} | – | "
                    f"{'–' if x is None else f'{x:.2f}x'} |")
for kind, what in (("noop", "no-op"), ("cold", "cold build")):
    for n in sizes:
        if f"databuild.{kind}.{n}" not in results or (kind == "cold" and n not in (1000, 10000)):
            continue
        x = x_ninja(kind, n, "rss_mb")
        rows.append(f"| peak RSS, {what}, {size(n)} quads | {' | '.join(cell(f'{t}.{kind}.{n}', 'rss_mb', 'MB') for t in TOOLS)} | "
                    f"{'–' if x is None else f'{x:.2f}x'} |")
seeded_notes = [f"Snakemake at {size(n)} quads: **seeded** workspace. Its cold build is timed only up to `--snakemake-cold-max` "
                f"(at 10k one cold build took > 900 s here), so Snakemake built this workspace itself in {s['value']['batches']} "
                f"`--batch all_txt=i/{s['value']['batches']}` run(s) ({s['value']['seconds']} s, untimed): the outputs and "
                f"`.snakemake/metadata` records a cold build leaves, and `snakemake -n` then found nothing to do. Its no-op still "
                f"builds the whole DAG and checks every file and record."
                for n in sizes if (s := results.get(f"snakemake.seeded.{n}"))]

# ---- DataBuild only ----
extra = []
wrapper_sizes = [n for n in sizes if value(f"databuild-wrapper.noop.{n}") is not None and value(f"databuild.noop.{n}") is not None]
for n in sizes:
    if n in wrapper_sizes:
        wrapped, bare = value(f"databuild-wrapper.noop.{n}"), value(f"databuild.noop.{n}")
        extra.append(f"| `./build.sh` no-op, {size(n)} quads (engine binary alone: {bare:.3f} s) | {wrapped:.3f} s; "
                     f"overhead {wrapped - bare:.3f} s | <= 0.3 s overhead | {verdict(wrapped - bare, 0.3, lambda v: f'{v:.3f} s')} |")
    first = value(f"databuild-first.noop.{n}")
    if first is not None:
        extra.append(f"| first no-op after the cold build (its up-to-date snapshot, restored before each run), {size(n)} quads | "
                     f"{first:.3f} s, {value(f'databuild-first.noop.{n}', 'rss_mb'):.0f} MB | | |")
    full = value(f"databuild-full.noop.{n}")
    if full is not None:
        full_rss = value(f"databuild-full.noop.{n}", "rss_mb")
        extra.append(f"| no-op checked in full (`DATABUILD_SNAPSHOT=0`: state, graph, every stat; what a command line with no snapshot does), "
                     f"{size(n)} quads | {full:.3f} s, {full_rss:.0f} MB | | |")
    p = value(f"databuild-plan.noop.{n}")
    if p is not None:
        extra.append(f"| `--plan` on the built workspace (all up to date, real disk), {size(n)} quads | {p:.3f} s | | |")
    st = results.get(f"databuild.state_mb.{n}")
    if st:
        extra.append(f"| state database (state.db + WAL) after the runs above, {size(n)} quads | {st['value']} MB | | |")
ps = results.get(f"plan.seconds.{plan_n}")
if ps:
    g = "<= 10 s" if plan_n == 1000000 else "(1M: <= 10 s)"
    judged = verdict(ps["value"], 10, lambda v: f"{v:.2f} s") if plan_n == 1000000 else "not judged (1M only)"
    extra.append(f"| plan {size(plan_n)} partitions, in memory, empty state ({results[f'plan.nodes.{plan_n}']['value']} nodes; "
                 f"{results[f'plan.allocated_mb.{plan_n}']['value']} MB allocated, GC pauses {results[f'plan.gc_pause_s.{plan_n}']['value']} s) "
                 f"| {ps['value']:.2f} s | {g} | {judged} |")
if "hash.memory_gbs" in results:
    extra.append(f"| XxHash128 (ContentHasher), in memory | {results['hash.memory_gbs']['value']} GB/s | | |")
    extra.append(f"| XxHash128 via FileHasher, one 1 GiB file in the page cache | {results['hash.file_gbs']['value']} GB/s | | |")
    extra.append(f"| FileHasher, {results['hash.small_files']['value']} small files, empty stat cache, parallel | {results['hash.small_files_per_s']['value']} files/s | | |")
pb = results.get(f"databuild.noop_product_bytes.{probe}")
product_bytes = pb["value"] if pb and isinstance(pb["value"], int) else None
if pb:
    opens = results.get(f"databuild.noop_product_opens.{probe}", {}).get("value", "?")
    state_bytes = results.get(f"databuild.noop_state_bytes.{probe}", {}).get("value", "?")
    extra.append(f"| bytes of product files read by a no-op, {size(probe)} quads (strace -y) | {pb['value']} bytes ({opens} opens; read under .databuild/, the up-to-date snapshot and the state database: {state_bytes} bytes) | 0 | "
                 f"{'not measured' if product_bytes is None else 'met' if product_bytes == 0 else 'MISSED'} |")

# ---- Slurm ----
slurm = results.get("slurm", {"value": "not measured"})
if "sbatch_calls" in slurm:
    s = slurm
    slurm_text = (f"**{s['sbatch_calls']} sbatch call(s)** ({s['arrays']} array(s), {s['array_tasks']} array tasks of up to {s['pack']} "
                  f"nodes; pack {s['pack_reason']}); first task running {s['first_task_s']:.1f} s after the driver started "
                  f"(its sbatch at {s['first_sbatch_s'] or 0:.1f} s); last task ended at {s['last_task_end_s']:.1f} s; wall {s['wall']:.1f} s; "
                  f"driver CPU {s['driver_cpu']:.1f} s, peak RSS {s['driver_rss_mb']:.0f} MB; {s['squeue_calls']} squeue, {s['sacct_calls']} sacct calls")
    slurm_goal = verdict(s["sbatch_calls"], 10, lambda v: f"{v} sbatch call(s) for {size(s['n'])} tasks") if s["n"] == 10000 \
        else f"not judged: {size(s['n'])} tasks, not 10k"
    slurm_size = size(s["n"])
else:
    slurm_text, slurm_goal, slurm_size = slurm["value"], "not measured", "10k"
extra.append(f"| Slurm (tests/slurm/cluster.sh, one node, 2 CPUs), {slurm_size} trivial FanoutFeatures tasks (`cp`), "
             f"`--executor slurm` with default packing and polling | {slurm_text} | <= 10 sbatch calls | {slurm_goal} |")

def noop_verdict(n, limit):
    """Judged on the interleaved ratio when there is one (both tools timed in the same minutes); the ratio of the
    blocks of runs is shown beside it."""
    blocks = x_ninja("noop", n)
    inter = ratio(value(f"databuild.noop_interleaved.{n}"), value(f"ninja.noop_interleaved.{n}"))
    if inter is None:
        return verdict(blocks, limit, lambda v: f"{v:.2f}x in blocks")
    return verdict(inter, limit, lambda v: f"{v:.2f}x interleaved" + ("" if blocks is None else f"; {blocks:.2f}x in blocks"))


# ---- every goal of issue 6, in its order ----
goals = [
    ("no-op, 100k quads", "<= 0.8x Ninja", noop_verdict(100000, 0.8)),
    ("no-op, 10k quads", "<= 1.0x Ninja", noop_verdict(10000, 1.0)),
    ("cold build, 1k quads, 2 jobs", "<= 1.1x Ninja", verdict(x_ninja("cold", 1000), 1.1, lambda v: f"{v:.2f}x")),
    ("peak RSS, no-op, 100k quads", "<= 1.5x Ninja", verdict(x_ninja("noop", 100000, "rss_mb"), 1.5, lambda v: f"{v:.2f}x")),
]
if wrapper_sizes:
    n = max(wrapper_sizes)
    over = value(f"databuild-wrapper.noop.{n}") - value(f"databuild.noop.{n}")
    goals.append((f"`./build.sh` no-op overhead over the engine binary ({size(n)} quads)", "<= 0.3 s", verdict(over, 0.3, lambda v: f"{v:.3f} s")))
else:
    goals.append(("`./build.sh` no-op overhead over the engine binary", "<= 0.3 s", "not measured"))
goals.append(("plan 1M partitions", "<= 10 s",
              verdict(ps["value"], 10, lambda v: f"{v:.2f} s") if ps and plan_n == 1000000
              else f"not measured (this run planned {size(plan_n)}: {ps['value']:.2f} s)" if ps else "not measured"))
goals.append(("10k Slurm tasks", "<= 10 sbatch calls", slurm_goal))
# Issue 23 sets its goals at 10k and 100k quads; the rows of other sizes are in the table above, without a goal.
for n in (10000, 100000):
    for kind, what in (("edit", "one input edited"), ("touch", "one input touched")):
        x = ratio(value(f"databuild.{kind}_interleaved.{n}"), value(f"ninja.{kind}_interleaved.{n}"))
        if x is None:
            continue
        if kind == "edit" and n == 10000:
            # The issue sets a memory goal on this row too.
            rss = value(f"databuild.{kind}_interleaved.{n}", "rss_mb")
            goals.append((f"{what}, {size(n)} quads (issue 23)", "<= 1.0x Ninja, <= 40 MB",
                          "not measured" if rss is None else
                          f"{'met' if x <= 1.0 and rss <= 40 else 'MISSED'} ({x:.2f}x interleaved, {rss:.0f} MB)"))
        else:
            goals.append((f"{what}, {size(n)} quads (issue 23)", "<= 1.0x Ninja", verdict(x, 1.0, lambda v: f"{v:.2f}x interleaved")))
first = ratio(value("databuild-first.noop.100000"), value("ninja.noop.100000"))
first_rss = value("databuild-first.noop.100000", "rss_mb")
goals.append(("first no-op after a build, 100k quads (issue 23)", "<= 1.0x Ninja, <= 200 MB",
              "not measured" if first is None else
              f"{'met' if first <= 1.0 and first_rss <= 200 else 'MISSED'} ({first:.2f}x Ninja's no-op in blocks, {first_rss:.0f} MB)"))
cold_rss = value("databuild.cold.10000", "rss_mb")
cold_x = x_ninja("cold", 10000)
if cold_rss is not None:
    goals.append(("peak RSS, cold build, 10k quads (issue 23)", "<= 150 MB with cold time <= 1.1x Ninja",
                  "not measured" if cold_x is None else
                  f"{'met' if cold_rss <= 150 and cold_x <= 1.1 else 'MISSED'} ({cold_rss:.0f} MB, {cold_x:.2f}x)"))
goals.append(("product bytes read by a no-op", "0", "not measured" if product_bytes is None
              else "met" if product_bytes == 0 else f"MISSED ({product_bytes} bytes)"))

print(f"# Quad fan-out: DataBuild, Ninja, Snakemake ({date})\n")
print(f"{versions}; {machine}. `bench/run.sh`; medians of {reps} runs (no-ops: {reps + 2}) unless a cell says otherwise; "
      "wall seconds; peak RSS of the largest process of the tree (GNU time). DataBuild is the program `./build.sh` runs "
      "(named above), Ninja `ninja -j 2`, Snakemake `snakemake --cores 2`; all run `cp`/`cat`.\n")
if rows:
    print("| measurement | DataBuild | Ninja | Snakemake | DataBuild / Ninja |")
    print("|---|---|---|---|---|")
    print("\n".join(rows))
    for note in seeded_notes:
        print(f"\n{note}")
print("\n## DataBuild only\n")
print("| measurement | figure | goal | |")
print("|---|---|---|---|")
print("\n".join(extra))
print("\n## Goals (issue 6)\n")
print("| goal | target | result |")
print("|---|---|---|")
for what, target, result in goals:
    print(f"| {what} | {target} | {result} |")
if plan_breakdown.strip():
    print(f"\n## Planning {size(plan_n)} partitions: timeline (fanout-bench)\n")
    print("```")
    print(plan_breakdown.strip())
    print("```")
