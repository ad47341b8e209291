#!/usr/bin/env bash
# Times the example pipelines the way a new user meets them: a fresh clone, then `./build.sh Predictions
# --fields 296` (compiling build/ included), then the same with build/ compiled, then the no-op rerun; and the
# same for Sweeps and Runs. Goal (issue 4): the first, from a fresh clone, in <= 60 s on the 2-core machine.
# Writes bench/results/pipelines.md. Not part of the test run.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
git clone -q "$repo" "$work/clone"
cd "$work/clone"

seconds() { local start end; start=$(date +%s.%N); "$@" >/dev/null 2>&1; end=$(date +%s.%N); awk -v a="$start" -v b="$end" 'BEGIN { printf "%.2f\n", b - a }'; }
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }
fresh() { rm -rf data out .databuild; }

first=$(seconds ./build.sh Predictions --fields 296)
rows=("| \`./build.sh Predictions --fields 296\`, fresh clone (compiles build/; runs JIT-compiled while the engine is published in the background) | $first |")
# The rest with the published program: waits for the background publish (or publishes, if it has not started yet).
published=$(seconds env DATABUILD_COMPILE=startup ./build.sh --version)
rows+=("| the background publish: waited for after the first run | $published |")
for target in "Predictions --fields 296" "Sweeps" "Runs"; do
  cold=$(for i in 1 2 3; do fresh; seconds ./build.sh $target; done | median)
  noop=$(for i in 1 2 3; do seconds ./build.sh $target; done | median)
  rows+=("| \`./build.sh $target\`, clean working directory, build/ compiled (median of 3) | $cold |")
  rows+=("| \`./build.sh $target\`, no-op rerun (median of 3) | $noop |")
done

out="$repo/bench/results/pipelines.md"
{
  echo "# Example pipelines ($(date -u +%Y-%m-%d), $(nproc) cores, $(git rev-parse --short HEAD))"
  echo
  echo "| what | seconds |"
  echo "|---|---|"
  printf '%s\n' "${rows[@]}"
} > "$out"
cat "$out"
