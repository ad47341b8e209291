#!/usr/bin/env bash
# How long a pipeline author waits for ./build.sh to compile (bench/README.md, "Compiling pipelines"):
#   fresh clone -> `./build.sh Predictions --fields 296` done (the engine published, the pipelines compiled, the build run);
#   edit one pipeline file (a parameter default in build/Pipelines.Ztf.cs) -> the program starts (`./build.sh --version`),
#   E times, alternating two defaults, the first with the compiler server possibly cold;
#   the no-op after it, as the wrapper overhead.
# Usage: bench/compile.sh [--edits E] [--keep]   (clones HEAD of this repository into a temporary directory)
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
src="$(cd "$here/.." && pwd)"
edits=5; keep=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --edits) edits="$2"; shift 2 ;;
    --keep) keep=1; shift ;;
    *) echo "usage: bench/compile.sh [--edits E] [--keep]" >&2; exit 2 ;;
  esac
done
work="$(mktemp -d)"
[[ $keep -eq 1 ]] || trap 'rm -rf "$work"' EXIT
seconds() { local t0 t1; t0=$(date +%s.%N); "$@" >>"$work/log" 2>&1; t1=$(date +%s.%N); echo "$t1 - $t0" | bc; }

git clone --quiet "$src" "$work/clone"
mkdir -p "$work/run"
echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg) at start, $(date -u +%FT%TZ), HEAD $(git -C "$src" rev-parse --short HEAD)"
fresh=$(cd "$work/run" && seconds "$work/clone/build.sh" Predictions --fields 296)
echo "| fresh clone -> Predictions --fields 296 done | ${fresh} s |"
ztf="$work/clone/build/Pipelines.Ztf.cs"
line="$(grep -n -m1 -E '^\s*(readonly )?(int|double) [A-Za-z]+ = [0-9.]+;' "$ztf" | cut -d: -f1)"
[[ -n "$line" ]] || { echo "error: no numeric parameter default found in build/Pipelines.Ztf.cs to edit" >&2; exit 1; }
for ((i = 1; i <= edits; i++)); do
  # A different default each time: 1 then 2, 1, 2 ...
  sed -i -E "${line}s/= [0-9.]+;/= $(( i % 2 + 1 ));/" "$ztf"
  : > "$work/log"  # this edit's output only
  t=$(cd "$work/run" && seconds "$work/clone/build.sh" --version)
  grep -q "Compiling the engine" "$work/log" && { echo "error: an edit of build/Pipelines.Ztf.cs recompiled the engine (log: $work/log)" >&2; exit 1; }
  echo "| edit $i of build/Pipelines.Ztf.cs -> program started | ${t} s |"
done
noop=$(cd "$work/run" && seconds "$work/clone/build.sh" Predictions --fields 296)
echo "| no-op after the edits (./build.sh Predictions --fields 296) | ${noop} s |"
echo "load at end: $(cut -d' ' -f1-3 /proc/loadavg)"
