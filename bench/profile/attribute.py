#!/usr/bin/env python3
"""Attributes `perf record -g` samples of a ReadyToRun .NET program to its managed methods.

perf cannot name precompiled (ReadyToRun) code: it sees addresses inside the .dll files. Publishing with
-p:PublishReadyToRunEmitSymbols=true writes a <Assembly>.ni.r2rmap next to each precompiled .dll (RVA, size, method);
this script turns perf's dso-relative addresses into RVAs through each PE section table and names the methods.
The framework's own .dll files have no r2rmap; a self-contained, trimmed publish recompiles them, which gives one for
System.Private.CoreLib too (its code is then ours, compiled the same way).

    perf record -g -F 20000 -o perf.data -- sh -c 'for i in $(seq 20); do <publish dir>/databuild ... >/dev/null; done'
    bench/profile/attribute.py perf.data <publish dir> [--thread NAME] [--top N] [--callees METHOD] [--callers METHOD]

Prints, for the samples of threads whose name starts with NAME (default: the main thread, named after the program):
each method's inclusive share (samples with it anywhere on the stack), then the innermost managed method of each
sample with what it called (coreclr, the kernel, a stub). --callees/--callers show what one method spends its
samples in, or from where it is reached.
"""
import argparse
import bisect
import collections
import os
import re
import struct
import subprocess


def sections(dll):
    head = open(dll, "rb").read(4096)
    pe = struct.unpack_from("<I", head, 0x3C)[0]
    count = struct.unpack_from("<H", head, pe + 6)[0]
    table = pe + 24 + struct.unpack_from("<H", head, pe + 20)[0]
    result = []
    for i in range(count):
        _, rva, raw_size, raw_at = struct.unpack_from("<IIII", head, table + 40 * i + 8)
        result.append((raw_at, raw_size, rva))
    return result


def load_maps(directory):
    maps = {}
    for name in os.listdir(directory):
        if not name.endswith(".ni.r2rmap"):
            continue
        dll = os.path.join(directory, name[: -len(".ni.r2rmap")] + ".dll")
        rows = []
        for line in open(os.path.join(directory, name)):
            parts = line.rstrip("\n").split(" ", 2)
            if len(parts) == 3 and not parts[0].startswith("FFFFFF"):
                rows.append((int(parts[0], 16), int(parts[1], 16), parts[2]))
        rows.sort()
        maps[dll] = (sections(dll), [r[0] for r in rows], rows, os.path.basename(dll)[:-4])
    return maps


def method(maps, dso, offset):
    """perf prints a dso-relative address for a mapped file: its file offset, turned into an RVA here."""
    if dso not in maps:
        return None
    secs, starts, rows, assembly = maps[dso]
    for raw_at, raw_size, rva in secs:
        if raw_at <= offset < raw_at + raw_size:
            i = bisect.bisect_right(starts, offset - raw_at + rva) - 1
            return f"{assembly}!{rows[i][2]}" if i >= 0 else f"{assembly}!?"
    return f"{assembly}!?"


def samples(data, maps, thread):
    text = subprocess.run(["perf", "script", "-i", data, "-F", "comm,tid,ip,dso"], capture_output=True, text=True).stdout
    comm, frames = None, []
    for line in text.splitlines() + [""]:
        if line and not line[0].isspace():
            comm, frames = line.rsplit(None, 1)[0].strip(), []
        elif line.strip():
            ip = line.split()[0]
            dso = line[line.rfind("(") + 1 : line.rfind(")")]
            frames.append((method(maps, dso, int(ip, 16)), "runtime stubs" if "doublemapper" in dso else dso.rsplit("/", 1)[-1]))
        elif comm is not None and frames:
            if comm.startswith(thread):
                yield frames
            comm, frames = None, []


def short(name):
    return name if len(name) < 150 else name[:147] + "..."


def main():
    p = argparse.ArgumentParser()
    p.add_argument("data")
    p.add_argument("publish")
    p.add_argument("--thread", default="databuild")
    p.add_argument("--top", type=int, default=40)
    p.add_argument("--callees")
    p.add_argument("--callers")
    a = p.parse_args()
    maps = load_maps(a.publish)
    total, inclusive, leaf, below, around = 0, collections.Counter(), collections.Counter(), collections.defaultdict(collections.Counter), collections.Counter()
    for frames in samples(a.data, maps, a.thread):
        total += 1
        names = [m for m, _ in frames if m]
        for m in set(names):
            inclusive[m] += 1
        if not names:
            leaf[f"<no managed frame> {frames[0][1]}"] += 1
            continue
        k = next(i for i, (m, _) in enumerate(frames) if m)
        leaf[names[0]] += 1
        below[names[0]][frames[k - 1][1] if k > 0 else "itself"] += 1
        target = a.callees or a.callers
        if target:
            for i, (m, dso) in enumerate(frames):
                if m and target in m:
                    if a.callees:
                        around[(frames[i - 1][0] or frames[i - 1][1]) if i > 0 else "itself"] += 1
                    else:
                        around[" <- ".join(short(x.split("!", 1)[1].split("(")[0])[-70:] for x, _ in frames[i:i + 6] if x)] += 1
                    break
    print(f"{total} samples of threads named {a.thread}*")
    if a.callees or a.callers:
        for name, n in around.most_common(a.top):
            print(f"{n:7d} {100 * n / total:5.1f}%  {short(name)}")
        return
    print("--- inclusive")
    for name, n in inclusive.most_common(a.top):
        print(f"{n:7d} {100 * n / total:5.1f}%  {short(name)}")
    print("--- innermost managed method (and what it called)")
    for name, n in leaf.most_common(a.top // 2):
        print(f"{n:7d} {100 * n / total:5.1f}%  {short(name)}  {dict(below[name].most_common(3))}")


if __name__ == "__main__":
    main()
