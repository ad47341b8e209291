#!/usr/bin/env python3
"""The quad fan-out workload, one graph for every tool (issue 6).

raw/q<I> -> features/q<I> (cp, one task per quad) -> groups/g<G> (cat of each 64 quads, in quad order)
-> all.txt (cat of the groups, in group order). The DataBuild side is build/Pipelines.Fanout.cs (argv cp/cat,
via `sh -c` for the redirect exactly like Ninja and Snakemake); this file writes the inputs and the Ninja and
Snakemake versions of the same graph.

Usage: workload.py raw N DIR | ninja N DIR | snakefile N DIR | check N DIR (all.txt == raw/q0..q<N-1> concatenated)
"""
import os
import sys

GROUP = 64  # FanoutGroupSize in build/Pipelines.Fanout.cs


def groups(n):
    return (n + GROUP - 1) // GROUP


def raw(n, d):
    os.makedirs(os.path.join(d, "raw"), exist_ok=True)
    for q in range(n):
        with open(os.path.join(d, "raw", f"q{q}"), "w") as f:
            f.write(f"quad {q}\n")


def ninja(n, d):
    lines = [
        "rule cp\n  command = cp $in $out\n",
        "rule cat\n  command = cat $in > $out\n",
    ]
    lines += [f"build features/q{q}: cp raw/q{q}\n" for q in range(n)]
    for g in range(groups(n)):
        ins = " ".join(f"features/q{q}" for q in range(g * GROUP, min(n, (g + 1) * GROUP)))
        lines.append(f"build groups/g{g}: cat {ins}\n")
    lines.append("build all.txt: cat " + " ".join(f"groups/g{g}" for g in range(groups(n))) + "\n")
    lines.append("default all.txt\n")
    with open(os.path.join(d, "build.ninja"), "w") as f:
        f.writelines(lines)


SNAKEFILE = '''# The quad fan-out workload at {n} quads (bench/fanout/workload.py).
N = {n}
G = {group}

wildcard_constraints:
    q = "[0-9]+",
    g = "[0-9]+"

rule all_txt:
    input: expand("groups/g{{g}}", g=range((N + G - 1) // G))
    output: "all.txt"
    shell: "cat {{input}} > {{output}}"

rule group:
    input: lambda w: [f"features/q{{q}}" for q in range(int(w.g) * G, min(N, (int(w.g) + 1) * G))]
    output: "groups/g{{g}}"
    shell: "cat {{input}} > {{output}}"

rule feature:
    input: "raw/q{{q}}"
    output: "features/q{{q}}"
    shell: "cp {{input}} {{output}}"
'''


def snakefile(n, d):
    with open(os.path.join(d, "Snakefile"), "w") as f:
        f.write(SNAKEFILE.format(n=n, group=GROUP))


def check(n, d):
    with open(os.path.join(d, "all.txt"), "rb") as f:
        actual = f.read()
    expected = []
    for q in range(n):
        with open(os.path.join(d, "raw", f"q{q}"), "rb") as f:
            expected.append(f.read())
    if actual != b"".join(expected):
        sys.exit(f"{d}/all.txt is not raw/q0..q{n - 1} concatenated")


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("raw", "ninja", "snakefile", "check"):
        sys.exit(__doc__)
    {"raw": raw, "ninja": ninja, "snakefile": snakefile, "check": check}[sys.argv[1]](int(sys.argv[2]), sys.argv[3])
