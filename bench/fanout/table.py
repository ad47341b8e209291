#!/usr/bin/env python3
"""Turns bench/run.sh's JSON lines into the markdown report: figures side by side, ratios to Ninja, the goals.

Usage: table.py RESULTS.jsonl DATE VERSIONS MACHINE REPS PLAN_N PROBE_N PLAN_BREAKDOWN
"""
import json
import sys

results_path, date, versions, machine, reps, plan_n, probe, plan_breakdown = sys.argv[1:9]
results = {}
with open(results_path) as f:
    for line in f:
        if line.strip():
            r = json.loads(line)
            results[r["name"]] = r
TOOLS = ("databuild", "ninja", "snakemake")


def size(n):
    if int(n) % 1000:
        return str(n)
    return f"{int(n) // 1000}k" if int(n) < 1000000 else f"{int(n) // 1000000}M"


def cell(name, key="wall", unit="s"):
    r = results.get(name)
    if r is None:
        tool, _, n = name.split(".")
        skipped = results.get(f"{tool}.skipped.{n}")
        return skipped["value"] if skipped else "not measured"
    if "timeout" in r:
        return f"> {r['timeout']:.0f} s (timed out)"
    if "error" in r:
        return f"failed: {r['error']}"
    v = r[key]
    text = f"{v:.3f}" if unit == "s" and v < 10 else f"{v:.1f}" if unit == "s" else f"{v:.0f}"
    return f"{text} {unit}" + ("" if r["reps"] == int(reps) or key != "wall" else f" ({r['reps']} run{'s' if r['reps'] > 1 else ''})")


def value(name, key="wall"):
    r = results.get(name)
    return r.get(key) if r and key in r else None


goals = []


def ratio(num, den, limit=None, what=None):
    if num is None or den is None or den == 0:
        if limit is not None:
            goals.append((what, f"<= {limit}x Ninja", "not measured"))
        return "–"
    x = num / den
    if limit is not None:
        goals.append((what, f"<= {limit}x Ninja", f"{'met' if x <= limit else 'MISSED'} ({x:.2f}x)"))
    return f"{x:.2f}x"


rows = []
sizes = sorted({int(k.split(".")[2]) for k in results if k.count(".") == 2 and k.split(".")[2].isdigit()})
GOAL_TIME = {("noop", 100000): 0.8, ("noop", 10000): 1.0, ("cold", 1000): 1.1}
LABEL = {"cold": "cold build, -j 2", "noop": "no-op", "edit": "one input edited (content changed)",
         "touch": "one input touched (mtime only)"}
for kind in ("cold", "noop", "edit", "touch"):
    for n in sizes:
        if not any(f"{t}.{kind}.{n}" in results for t in TOOLS):
            continue
        limit = GOAL_TIME.get((kind, n))
        label = f"{LABEL[kind]}, {size(n)} quads"
        rows.append(f"| {label} | {' | '.join(cell(f'{t}.{kind}.{n}') for t in TOOLS)} | "
                    f"{ratio(value(f'databuild.{kind}.{n}'), value(f'ninja.{kind}.{n}'), limit, label)} |")
for n in sizes:
    if f"databuild.noop.{n}" not in results:
        continue
    limit = 1.5 if n == 100000 else None
    label = f"peak RSS, no-op, {size(n)} quads"
    rows.append(f"| {label} | {' | '.join(cell(f'{t}.noop.{n}', 'rss_mb', 'MB') for t in TOOLS)} | "
                f"{ratio(value(f'databuild.noop.{n}', 'rss_mb'), value(f'ninja.noop.{n}', 'rss_mb'), limit, label)} |")
for n in sizes:
    if f"databuild.cold.{n}" in results and n in (1000, 10000):
        rows.append(f"| peak RSS, cold build, {size(n)} quads | {' | '.join(cell(f'{t}.cold.{n}', 'rss_mb', 'MB') for t in TOOLS)} | "
                    f"{ratio(value(f'databuild.cold.{n}', 'rss_mb'), value(f'ninja.cold.{n}', 'rss_mb'))} |")

extra = []
for n in sizes:
    wrapped, bare = value(f"databuild-wrapper.noop.{n}"), value(f"databuild.noop.{n}")
    if wrapped is not None and bare is not None:
        over = wrapped - bare
        extra.append(f"| `./build.sh` no-op, {size(n)} quads (engine binary alone: {bare:.3f} s) | {wrapped:.3f} s; overhead {over:.3f} s | <= 0.3 s overhead | {'met' if over <= 0.3 else 'MISSED'} |")
        if n == max(s for s in sizes if value(f"databuild-wrapper.noop.{s}") is not None):
            goals.append((f"./build.sh no-op overhead ({size(n)})", "<= 0.3 s", f"{'met' if over <= 0.3 else 'MISSED'} ({over:.3f} s)"))
    p = value(f"databuild-plan.noop.{n}")
    if p is not None:
        extra.append(f"| `--plan` on the built workspace (all up to date, real disk), {size(n)} quads | {p:.3f} s | | |")
    st = results.get(f"databuild.state_mb.{n}")
    if st:
        extra.append(f"| state database (state.db + WAL) after the runs above, {size(n)} quads | {st['value']} MB | | |")
pn = int(plan_n)
ps = results.get(f"plan.seconds.{pn}")
if ps:
    g = "<= 10 s" if pn == 1000000 else "(1M: <= 10 s)"
    verdict = ("met" if ps["value"] <= 10 else "MISSED") if pn == 1000000 else "not judged (quick run)"
    extra.append(f"| plan {size(pn)} partitions, in memory, empty state ({results[f'plan.nodes.{pn}']['value']} nodes; "
                 f"{results[f'plan.allocated_mb.{pn}']['value']} MB allocated, GC pauses {results[f'plan.gc_pause_s.{pn}']['value']} s) "
                 f"| {ps['value']:.2f} s | {g} | {verdict} |")
    goals.append((f"plan {size(pn)} partitions", "<= 10 s (at 1M)", f"{verdict} ({ps['value']:.2f} s)"))
if "hash.memory_gbs" in results:
    extra.append(f"| XxHash128 (ContentHasher), in memory | {results['hash.memory_gbs']['value']} GB/s | | |")
    extra.append(f"| XxHash128 via FileHasher, one 1 GiB file in the page cache | {results['hash.file_gbs']['value']} GB/s | | |")
    extra.append(f"| FileHasher, {results['hash.small_files']['value']} small files, empty stat cache, parallel | {results['hash.small_files_per_s']['value']} files/s | | |")
pb = results.get(f"databuild.noop_product_bytes.{probe}")
if pb:
    opens = results.get(f"databuild.noop_product_opens.{probe}", {}).get("value", "?")
    state_bytes = results.get(f"databuild.noop_state_bytes.{probe}", {}).get("value", "?")
    ok = pb["value"] == 0 if isinstance(pb["value"], int) else None
    extra.append(f"| bytes of product files read by a no-op, {size(probe)} quads (strace -y) | {pb['value']} bytes ({opens} opens; state DB: {state_bytes} bytes) | 0 | "
                 f"{'met' if ok else 'not measured' if ok is None else 'MISSED'} |")
    goals.append(("product bytes read by a no-op", "0", "met" if ok else "not measured" if ok is None else f"MISSED ({pb['value']} bytes)"))
slurm = results.get("slurm", {}).get("value", "not measured")
extra.append(f"| Slurm, 10k trivial tasks: sbatch calls, time to first task running, driver CPU | {slurm} | <= 10 sbatch calls | not measured |")
goals.append(("10k Slurm tasks", "<= 10 sbatch calls", "not measured"))

print(f"# Quad fan-out: DataBuild, Ninja, Snakemake ({date})\n")
print(f"{versions}; {machine}. `bench/run.sh`; medians of {reps} runs (no-ops: {int(reps) + 2}) unless a cell says otherwise; "
      "wall seconds; peak RSS of the largest process of the tree (GNU time). DataBuild is the engine binary "
      "(`build/bin/Release/net10.0/databuild`), Ninja `ninja -j 2`, Snakemake `snakemake --cores 2`; all run `cp`/`cat`.\n")
print("| measurement | DataBuild | Ninja | Snakemake | DataBuild / Ninja |")
print("|---|---|---|---|---|")
print("\n".join(rows))
print("\n## DataBuild only\n")
print("| measurement | figure | goal | |")
print("|---|---|---|---|")
print("\n".join(extra))
print("\n## Goals\n")
print("| goal | target | result |")
print("|---|---|---|")
for what, target, verdict in goals:
    print(f"| {what} | {target} | {verdict} |")
print(f"\n## Planning {size(pn)} partitions: timeline (fanout-bench)\n")
print("```")
print(plan_breakdown.strip())
print("```")
