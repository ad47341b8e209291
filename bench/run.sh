#!/usr/bin/env bash
# DataBuild beside Ninja and Snakemake on the quad fan-out workload (issue 6), in one run on this machine:
# cold builds with 2 jobs, no-ops, one input edited / touched, peak RSS; and for DataBuild the ./build.sh wrapper
# overhead, the state size, bytes of product files read by a no-op, planning 1M partitions (in memory), XxHash128
# throughput and the Slurm figures when the Slurm executor exists. Medians of --reps repetitions.
# Writes bench/results/<date>.md (--quick: <date>-quick.md). Not part of the test run.
#
# Usage: bench/run.sh [--quick] [--reps R] [--in-place] [--snakemake-max N] [--snakemake-timeout S]
#   --quick              1k and 10k quads only (default: adds 100k, and plans 1M partitions instead of 100k)
#   --smoke              200 and 1000 quads, one run each: checks the harness itself, not a figure to keep
#   --reps R             repetitions per timed figure (default 3; no-ops get R+2; Snakemake cold at >= 10k gets 1)
#   --in-place           measure this checkout as it is (default: a clone of HEAD, so edits made meanwhile do not leak in)
#   --snakemake-max N    largest workload given to Snakemake (default 10000: its cold build at 100k takes hours here)
#   --snakemake-timeout  seconds before one Snakemake build is killed and reported as timed out (default 900)
# Needs ninja-build, snakemake, time, strace (installed from Debian with apt-get when absent) and the .NET SDK.
# BENCH_KEEP=1 keeps the temporary directory (workloads, logs, results.jsonl) and prints where it is.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
quick=0 smoke=0 reps=3 in_place=0 smk_max=10000 smk_timeout=900
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --smoke) smoke=1 quick=1 reps=1 smk_max=1000 ;;
    --reps) reps="$2"; shift ;;
    --in-place) in_place=1 ;;
    --snakemake-max) smk_max="$2"; shift ;;
    --snakemake-timeout) smk_timeout="$2"; shift ;;
    -h|--help) sed -n '2,18p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "error: unknown option $1 (bench/run.sh --help lists them)" >&2; exit 2 ;;
  esac
  shift
done

# ---- tools ----
missing=()
command -v ninja >/dev/null || missing+=(ninja-build)
command -v snakemake >/dev/null || missing+=(snakemake)
[[ -x /usr/bin/time ]] || missing+=(time)
command -v strace >/dev/null || missing+=(strace)
command -v python3 >/dev/null || missing+=(python3)
if [[ ${#missing[@]} -gt 0 ]]; then
  echo "Installing from Debian (apt-get): ${missing[*]}" >&2
  sudo=(); [[ $(id -u) -eq 0 ]] || sudo=(sudo)
  "${sudo[@]}" apt-get update -qq && "${sudo[@]}" apt-get install -y -qq "${missing[@]}" >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/databuild-bench.XXXXXX")"
trap '[[ -n "${BENCH_KEEP:-}" ]] && echo "kept $work" >&2 || rm -rf "$work"' EXIT
mkdir -p "$work/logs"
results="$work/results.jsonl"
: > "$results"

if [[ $in_place -eq 1 ]]; then
  src="$repo"
  commit="$(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD -- targets build && echo "" || echo "+uncommitted")"
else
  git clone -q "$repo" "$work/clone"
  src="$work/clone"
  commit="$(git -C "$src" rev-parse --short HEAD)"
  mkdir -p "$src/bench/fanout/PlanBench"
  cp "$here"/fanout/PlanBench/*.cs "$here"/fanout/PlanBench/*.csproj "$src/bench/fanout/PlanBench/"
fi
exe="$src/build/bin/Release/net10.0/databuild"
echo "Measuring DataBuild $commit; compiling build/ and the bench program ..." >&2
(cd "$work" && "$src/build.sh" --help > "$work/help.txt")
dotnet build "$src/bench/fanout/PlanBench/DataBuild.Bench.Fanout.csproj" -c Release --nologo -v quiet -clp:NoSummary \
  -o "$work/fanout-bench" > "$work/logs/fanout-bench-build.log" 2>&1 || { cat "$work/logs/fanout-bench-build.log" >&2; exit 1; }

record() { echo "{\"name\": \"$1\", \"value\": $2}" >> "$results"; }
# measure NAME DIR PREPARE TIMEOUT REPS -- CMD...: appends one JSON line; returns 1 when the command failed or timed out.
measure() {
  local name="$1" dir="$2" prepare="$3" timeout="$4" n="$5"; shift 6
  echo "  $name (x$n)" >&2
  local line
  line="$(python3 "$here/fanout/measure.py" --name "$name" --cwd "$dir" --reps "$n" --prepare "$prepare" --timeout "$timeout" --log "$work/logs/$name.log" -- "$@")" || true
  echo "$line" >> "$results"
  [[ "$line" == *'"wall"'* ]]
}

probe=10000  # the no-op whose file reads are traced, and whose raw files are hashed
if [[ $smoke -eq 1 ]]; then sizes=(200 1000); cold=" 200 "; noop=" 1000 "; edit=" 1000 "; plan_n=10000; probe=1000
elif [[ $quick -eq 1 ]]; then sizes=(1000 10000); cold=" 1000 10000 "; noop=" 10000 "; edit=" 10000 "; plan_n=100000
else sizes=(1000 10000 100000); cold=" 1000 10000 "; noop=" 10000 100000 "; edit=" 100000 "; plan_n=1000000; fi
clean="rm -rf features groups all.txt"

for n in "${sizes[@]}"; do
  echo "== $n quads" >&2
  for tool in databuild ninja snakemake; do
    dir="$work/q$n/$tool"
    mkdir -p "$dir"
    python3 "$here/fanout/workload.py" raw "$n" "$dir"
    case "$tool" in
      databuild) cmd=("$exe" FanoutAll --fanout-quads "$n" -j 2); state=".databuild"; limit=0 ;;
      ninja) python3 "$here/fanout/workload.py" ninja "$n" "$dir"; cmd=(ninja -j 2); state=".ninja_log .ninja_deps"; limit=0 ;;
      snakemake)
        if [[ $n -gt $smk_max ]]; then record "snakemake.skipped.$n" "\"not measured: above --snakemake-max $smk_max\""; continue; fi
        python3 "$here/fanout/workload.py" snakefile "$n" "$dir"; cmd=(snakemake -q --cores 2); state=".snakemake"; limit=$smk_timeout ;;
    esac
    r=$reps; [[ $tool == snakemake && $n -ge 10000 ]] && r=1
    [[ "$cold" == *" $n "* ]] || r=1  # sizes without a cold goal: one cold build, to have something to no-op on
    measure "$tool.cold.$n" "$dir" "$clean $state" "$limit" "$r" -- "${cmd[@]}" || continue
    if [[ "$noop" == *" $n "* ]]; then
      measure "$tool.noop.$n" "$dir" "" "$limit" $((reps + 2)) -- "${cmd[@]}" || continue
      if [[ $tool == databuild ]]; then
        measure "databuild-wrapper.noop.$n" "$dir" "" 0 $((reps + 2)) -- "$src/build.sh" FanoutAll --fanout-quads "$n" -j 2
        measure "databuild-plan.noop.$n" "$dir" "" 0 $((reps + 2)) -- "$exe" FanoutAll --fanout-quads "$n" --plan
      fi
    fi
    if [[ "$edit" == *" $n "* ]]; then
      measure "$tool.edit.$n" "$dir" 'date +%s%N > raw/q7' "$limit" "$reps" -- "${cmd[@]}" || continue
      measure "$tool.touch.$n" "$dir" 'touch raw/q7' "$limit" "$reps" -- "${cmd[@]}" || continue
    fi
    if [[ $tool == databuild ]]; then
      record "databuild.state_mb.$n" "$(du -cb "$dir"/.databuild/state.db* | tail -1 | awk '{ printf "%.1f", $1 / 1e6 }')"
    fi
  done
  # The same graph must give the same product: all.txt is every raw file of that directory, in quad order.
  for tool in databuild ninja snakemake; do
    [[ -f "$work/q$n/$tool/all.txt" ]] || continue
    python3 "$here/fanout/workload.py" check "$n" "$work/q$n/$tool" \
      || { echo "error: $tool's all.txt at $n quads is not the concatenation of raw/ in quad order" >&2; exit 1; }
  done
done

echo "== DataBuild only" >&2
# Bytes of product files a no-op reads: strace -y names the file behind every read(2) (see fanout/bytes_read.py).
traced="$work/q$probe/databuild"
if [[ -f "$traced/all.txt" ]]; then
  if (cd "$traced" && strace -f -y -qq -e trace=openat,read,pread64,readv,preadv,preadv2 -o "$work/noop.strace" \
      "$exe" FanoutAll --fanout-quads "$probe" -j 2 > "$work/logs/strace-noop.log" 2>&1); then
    counts="$(python3 "$here/fanout/bytes_read.py" "$work/noop.strace" "$traced")"
    for kv in $counts; do record "databuild.noop_${kv%%=*}.$probe" "${kv#*=}"; done
  else
    record "databuild.noop_product_bytes.$probe" '"not measured: the traced no-op failed (ptrace not permitted?)"'
  fi
  rm -f "$work/noop.strace"
fi

echo "  planning $plan_n partitions in memory, XxHash128 throughput" >&2
"$work/fanout-bench/fanout-bench" plan "$plan_n" > "$work/logs/plan.log"
for kv in $(grep '^RESULT' "$work/logs/plan.log" | cut -d' ' -f2-); do record "plan.${kv%%=*}.$plan_n" "${kv#*=}"; done
"$work/fanout-bench/fanout-bench" hash "$work/q$probe/databuild" > "$work/logs/hash.log"
for kv in $(grep '^RESULT' "$work/logs/hash.log" | cut -d' ' -f2-); do record "hash.${kv%%=*}" "${kv#*=}"; done

# Slurm: only with the engine's Slurm executor (being written); never a made-up figure.
if grep -q -- 'slurm' "$work/help.txt" && grep -q -- '--executor' "$work/help.txt"; then
  record slurm '"not measured: the Slurm executor exists but bench/run.sh does not drive tests/slurm/cluster.sh yet"'
else
  record slurm '"not measured: slurm executor not available (./build.sh --help lists no --executor slurm)"'
fi

date="$(date -u +%Y-%m-%d)"
suffix=""; [[ $quick -eq 1 ]] && suffix="-quick"; [[ $smoke -eq 1 ]] && suffix="-smoke"
out="$repo/bench/results/$date$suffix.md"
versions="DataBuild $commit (.NET $(dotnet --version)), $(ninja --version | sed 's/^/Ninja /'), Snakemake $(snakemake --version)"
machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/ { print $2 }') GiB"
python3 "$here/fanout/table.py" "$results" "$date" "$versions" "$machine" "$reps" "$plan_n" "$probe" "$(cat "$work/logs/plan.log" | grep -v '^RESULT')" > "$out"
cat "$out"
echo "Written to ${out#$repo/}" >&2
