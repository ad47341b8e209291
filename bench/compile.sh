#!/usr/bin/env bash
# How long a pipeline author waits for ./build.sh to compile (bench/README.md, "Compiling pipelines"):
#   fresh clone -> `./build.sh Predictions --fields 296` done (the engine and the pipelines compiled for a first,
#   JIT-compiled run, the build run; the engine's publish starts in the background);
#   then how much longer the background publish took (waited for with DATABUILD_COMPILE=startup ./build.sh --version);
#   edit one pipeline file (a parameter default in build/Pipelines.Ztf.cs) -> the program starts (`./build.sh --version`),
#   E times, alternating two defaults, the first with the compiler server possibly cold;
#   the no-op after it, as the wrapper overhead;
#   with --wait: the fresh clone once more, waiting for the publish before running (DATABUILD_COMPILE=startup);
#   with --noop N: N quads' no-op (FanoutAll) after the edits, beside Ninja's, interleaved (fanout/interleave.py), so with
#   the pipelines as an edit left them (compiled alone, JIT-compiled at run time, not precompiled with the engine).
# Usage: bench/compile.sh [--edits E] [--wait] [--noop N] [--rounds R] [--keep]   (clones HEAD of this repository into a temporary directory)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$(cd "$here/.." && pwd)"
edits=5; keep=0; rounds=20; wait=0; quads=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --edits) edits="$2"; shift 2 ;;
    --noop) quads="$2"; shift 2 ;;
    --wait) wait=1; shift ;;
    --rounds) rounds="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: bench/compile.sh [--edits E] [--wait] [--noop N] [--rounds R] [--keep]" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d)"
[[ $keep -eq 1 ]] || trap 'rm -rf "$work"' EXIT
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >>"$work/log" 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }

git clone --quiet "$src" "$work/clone"
mkdir -p "$work/run"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at start, $(date -u +%FT%TZ), HEAD $(git -C "$src" rev-parse --short HEAD)"
fresh=$(cd "$work/run" && seconds "$work/clone/build.sh" Predictions --fields 296)
echo "| fresh clone -> Predictions --fields 296 done (JIT-compiled first run) | ${fresh} s | load $(cut -d' ' -f1 /proc/loadavg) |"
grep -q "JIT-compiled" "$work/log" || { echo "error: the fresh clone's first run did not run the JIT-compiled program (log: $work/log)" >&2; exit 1; }
published=$(cd "$work/run" && seconds env DATABUILD_COMPILE=startup "$work/clone/build.sh" --version)
echo "| then the background publish of the engine, waited for | ${published} s more | load $(cut -d' ' -f1 /proc/loadavg) |"
if (( wait )); then
  git clone --quiet "$src" "$work/waited"
  mkdir -p "$work/waited-run"
  t=$(cd "$work/waited-run" && seconds env DATABUILD_COMPILE=startup "$work/waited/build.sh" Predictions --fields 296)
  echo "| fresh clone -> Predictions --fields 296 done, waiting for the publish (DATABUILD_COMPILE=startup) | ${t} s | load $(cut -d' ' -f1 /proc/loadavg) |"
fi
ztf="$work/clone/build/Pipelines.Ztf.cs"
line="$(grep -n -m1 -E '^\s*(readonly )?(int|double) [A-Za-z]+ = [0-9.]+;' "$ztf" | cut -d: -f1)"
[[ -n "$line" ]] || { echo "error: no numeric parameter default found in build/Pipelines.Ztf.cs to edit" >&2; exit 1; }
for ((i = 1; i <= edits; i++)); do
  # A different default each time: 1 then 2, 1, 2 ...
  sed -i -E "${line}s/= [0-9.]+;/= $(( i % 2 + 1 ));/" "$ztf"
  : > "$work/log"  # this edit's output only
  t=$(cd "$work/run" && seconds "$work/clone/build.sh" --version)
  grep -q "Compiling the engine" "$work/log" && { echo "error: an edit of build/Pipelines.Ztf.cs recompiled the engine (log: $work/log)" >&2; exit 1; }
  echo "| edit $i of build/Pipelines.Ztf.cs -> program started | ${t} s | load $(cut -d' ' -f1 /proc/loadavg) |"
done
noop=$(cd "$work/run" && seconds "$work/clone/build.sh" Predictions --fields 296)
echo "| no-op after the edits (./build.sh Predictions --fields 296) | ${noop} s |"
if (( quads > 0 )); then
  command -v ninja >/dev/null || { echo "error: --noop needs ninja (apt-get install ninja-build)" >&2; exit 1; }
  for tool in databuild ninja; do mkdir -p "$work/q$quads/$tool" && python3 "$here/fanout/workload.py" raw "$quads" "$work/q$quads/$tool"; done
  python3 "$here/fanout/workload.py" ninja "$quads" "$work/q$quads/ninja"
  (cd "$work/q$quads/databuild" && "$work/clone/build.sh" FanoutAll --fanout-quads "$quads" -j 2) >>"$work/log" 2>&1
  (cd "$work/q$quads/ninja" && ninja -j 2) >>"$work/log" 2>&1
  echo "load before the no-ops: $(cut -d' ' -f1-3 /proc/loadavg)"
  python3 "$here/fanout/interleave.py" --rounds "$rounds" --log "$work/log" \
    "databuild=$work/q$quads/databuild=$work/clone/build/bin/publish/databuild FanoutAll --fanout-quads $quads -j 2" \
    "ninja=$work/q$quads/ninja=ninja -j 2" | tee "$work/noop.json"
  python3 - "$work/noop.json" "$quads" <<'PY'
import json, sys
rows = {r["name"]: r for r in map(json.loads, open(sys.argv[1]))}
d, n = rows["databuild"]["wall"], rows["ninja"]["wall"]
print(f"| {sys.argv[2]} quads no-op after the edits, interleaved: DataBuild / Ninja (median) | {d:.3f} / {n:.3f} s = {d / n:.2f}x |")
PY
fi
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
