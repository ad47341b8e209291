#!/usr/bin/env bash
# DataBuild beside Ninja and Snakemake on the quad fan-out workload (issue 6), in one run on this machine:
# cold builds with 2 jobs, no-ops, one input edited / touched, peak RSS; and for DataBuild the ./build.sh wrapper
# overhead, the state size, bytes of product files read by a no-op, planning 1M partitions (in memory), XxHash128
# throughput; and 10k trivial tasks through --executor slurm on tests/slurm/cluster.sh's cluster (sbatch calls, time to
# the first task running, driver CPU). Medians of --reps repetitions.
# Writes bench/results/<date>.md (--quick: <date>-quick.md). Not part of the test run.
#
# Usage: bench/run.sh [--quick | --smoke] [--slurm | --no-slurm | --slurm-only] [--reps R] [--in-place] [...]
#   --quick              1k and 10k quads only (default: adds 100k, and plans 1M partitions instead of 100k)
#   --smoke              200 and 1000 quads, one run each: checks the harness itself, not a figure to keep
#   --slurm              also the Slurm row in a --quick/--smoke run (the full run always has it; --no-slurm drops it)
#   --slurm-only         only the Slurm row (10k tasks; 1k with --smoke)
#   --reps R             repetitions per timed figure (default 3; no-ops get R+2; Snakemake at >= 10k gets 1 per figure)
#   --rounds R           rounds of the interleaved DataBuild/Ninja no-ops (default 20; 3 with --smoke); edits and
#                        touches are interleaved too, 7 rounds (2 with --smoke), at every size
#   --plan N             partitions to plan in memory (default 1M; --quick 100k, --smoke 10k)
#   --in-place           measure this checkout as it is (default: a clone of HEAD, so edits made meanwhile do not leak in)
#   --snakemake-max N    largest workload given to Snakemake (default 10000: its cold build at 100k takes hours here)
#   --snakemake-cold-max N  largest cold build timed for Snakemake (default 1000: at 10k it takes > 900 s here); above
#                        it Snakemake builds its workspace in --batch runs of 1k quads (untimed), and its no-op,
#                        edit and touch figures are labelled "seeded"
#   --snakemake-timeout  seconds before one Snakemake build is killed and reported as timed out (default 900)
# Needs ninja-build, snakemake, time, strace (installed from Debian with apt-get when absent) and the .NET SDK; the
# Slurm row needs Slurm (tests/slurm/cluster.sh; the row says so when it is not installed).
# BENCH_KEEP=1 keeps the temporary directory (workloads, logs, results.jsonl) and prints where it is.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/.." && pwd)"
quick=0 smoke=0 reps=3 rounds=20 edit_rounds=7 plan="" in_place=0 smk_max=10000 smk_cold_max=1000 smk_timeout=900 slurm="" slurm_only=0
while [[ $# -gt 0 ]]; do
  case "$1" in
    --quick) quick=1 ;;
    --smoke) smoke=1 quick=1 reps=1 rounds=3 edit_rounds=2 smk_max=1000 smk_cold_max=200 ;;
    --slurm) slurm=1 ;;
    --no-slurm) slurm=0 ;;
    --slurm-only) slurm=1 slurm_only=1 ;;
    --reps) reps="$2"; shift ;;
    --rounds) rounds="$2"; shift ;;
    --plan) plan="$2"; shift ;;
    --in-place) in_place=1 ;;
    --snakemake-max) smk_max="$2"; shift ;;
    --snakemake-cold-max) smk_cold_max="$2"; shift ;;
    --snakemake-timeout) smk_timeout="$2"; shift ;;
    -h|--help) sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
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
echo "Measuring DataBuild $commit; compiling build/ and the bench program ..." >&2
# The program ./build.sh runs once its compiles are done: the native one (build/bin/native, since round 17), waited
# for; an engine from before it has no native mode and runs the published one (waited for too).
mode="${DATABUILD_COMPILE:-native}"
if ! (cd "$work" && DATABUILD_COMPILE="$mode" "$src/build.sh" --help > "$work/help.txt" 2> "$work/logs/compile.log"); then
  if [[ "$mode" == native ]] && grep -q "is not a compile mode" "$work/logs/compile.log"; then
    mode=startup
    (cd "$work" && DATABUILD_COMPILE=startup "$src/build.sh" --help > "$work/help.txt") || exit 1
  else
    cat "$work/logs/compile.log" >&2; exit 1
  fi
fi
# ReadyToRun under build/bin/publish since 8f155bd's round; bin/Release before.
exe="$src/build/bin/native/databuild"
[[ "$mode" == native && -x "$exe" ]] || exe="$src/build/bin/publish/databuild"
[[ -x "$exe" ]] || exe="$src/build/bin/Release/net10.0/databuild"
[[ -x "$exe" ]] || { echo "error: ./build.sh compiled no databuild program under build/bin/publish or build/bin/Release/net10.0" >&2; exit 1; }
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
slurm_n=10000
if [[ $smoke -eq 1 ]]; then sizes=(200 1000); cold=" 200 "; noop=" 1000 "; edit=" 1000 "; plan_n=10000; probe=1000; slurm_n=1000
elif [[ $quick -eq 1 ]]; then sizes=(1000 10000); cold=" 1000 10000 "; noop=" 10000 "; edit=" 1000 10000 "; plan_n=100000
else sizes=(1000 10000 100000); cold=" 1000 10000 "; noop=" 10000 100000 "; edit=" 1000 10000 100000 "; plan_n=1000000; fi
[[ -z "$plan" ]] || plan_n="$plan"
[[ -n "$slurm" ]] || { [[ $quick -eq 1 ]] && slurm=0 || slurm=1; }
if [[ $slurm_only -eq 1 ]]; then sizes=(); fi
clean="rm -rf features groups all.txt"
# No build may hang the run: an hour per build is far above any figure here (DataBuild cold at 100k: a few minutes).
limit_all=3600

# seed_snakemake N DIR: Snakemake builds its own workspace (outputs and .snakemake/metadata, as a cold build leaves
# them) in --batch runs of about 1k quads each, since one cold build above --snakemake-cold-max takes too long here.
seed_snakemake() {
  local n="$1" dir="$2" batches=$(( ($1 + 999) / 1000 )) i start
  echo "  snakemake.seed.$n ($batches --batch runs, untimed)" >&2
  start=$SECONDS
  for ((i = 1; i <= batches; i++)); do
    (cd "$dir" && timeout --foreground "$smk_timeout" snakemake -q --cores 2 --batch "all_txt=$i/$batches") >> "$work/logs/snakemake.seed.$n.log" 2>&1 || return 1
  done
  # The last batch builds all.txt too; this run must then find nothing to do, else the seeding is not what a cold build leaves.
  (cd "$dir" && snakemake -n --cores 2) > "$work/logs/snakemake.seed-check.$n.log" 2>&1 || return 1
  grep -q "Nothing to be done" "$work/logs/snakemake.seed-check.$n.log" || return 1
  record "snakemake.seeded.$n" "{\"batches\": $batches, \"seconds\": $((SECONDS - start))}"
}

for n in "${sizes[@]}"; do
  echo "== $n quads" >&2
  for tool in databuild ninja snakemake; do
    dir="$work/q$n/$tool"
    mkdir -p "$dir"
    python3 "$here/fanout/workload.py" raw "$n" "$dir"
    case "$tool" in
      databuild) cmd=("$exe" FanoutAll --fanout-quads "$n" -j 2); state=".databuild"; limit=$limit_all ;;
      ninja) python3 "$here/fanout/workload.py" ninja "$n" "$dir"; cmd=(ninja -j 2); state=".ninja_log .ninja_deps"; limit=$limit_all ;;
      snakemake)
        if [[ $n -gt $smk_max ]]; then record "snakemake.skipped.$n" "\"not measured: above --snakemake-max $smk_max\""; continue; fi
        python3 "$here/fanout/workload.py" snakefile "$n" "$dir"; cmd=(snakemake -q --cores 2); state=".snakemake"; limit=$smk_timeout ;;
    esac
    r=$reps; [[ $tool == snakemake && $n -ge 10000 ]] && r=1
    [[ "$cold" == *" $n "* ]] || r=1  # sizes without a cold goal: one cold build, to have something to no-op on
    if [[ $tool == snakemake && $n -gt $smk_cold_max ]]; then
      record "snakemake.cold.$n" "\"not timed: above --snakemake-cold-max $smk_cold_max (workspace seeded by --batch runs)\""
      seed_snakemake "$n" "$dir" || { record "snakemake.skipped.$n" "\"not measured: seeding by --batch runs failed, see logs/snakemake.seed.$n.log\""; continue; }
    else
      measure "$tool.cold.$n" "$dir" "$clean $state" "$limit" "$r" -- "${cmd[@]}" || continue
    fi
    if [[ "$noop" == *" $n "* ]]; then
      nr=$((reps + 2)); [[ $tool == snakemake && $n -ge 10000 ]] && nr=$reps
      if [[ $tool == databuild ]]; then
        # The first no-op after a build (issue 23): the cold build saved its up-to-date snapshot, whose files written
        # within a tick of its end are read once and the snapshot refreshed; restored before each run, every run is a
        # first one. Then the full check (state, graph, every stat: a command line with no snapshot) with snapshots
        # off, and one untimed no-op that saves the snapshot again.
        [[ -n "$(ls -A "$dir/.databuild/uptodate" 2> /dev/null)" ]] \
          || { echo "error: the DataBuild cold build at $n quads saved no up-to-date snapshot" >&2; exit 1; }
        rm -rf "$work/q$n/uptodate-after-cold" && cp -a "$dir/.databuild/uptodate" "$work/q$n/uptodate-after-cold"
        measure "databuild-first.noop.$n" "$dir" "rm -rf .databuild/uptodate && cp -a '$work/q$n/uptodate-after-cold' .databuild/uptodate" \
          "$limit" "$nr" -- "${cmd[@]}" || continue
        [[ $(grep -c "Nothing to do" "$work/logs/databuild-first.noop.$n.log") -eq $nr ]] \
          || { echo "error: a first DataBuild no-op after the cold build at $n quads was not answered by its snapshot (see logs/databuild-first.noop.$n.log)" >&2; exit 1; }
        rm -rf "$work/q$n/uptodate-after-cold"
        measure "databuild-full.noop.$n" "$dir" "" "$limit" "$nr" -- env DATABUILD_SNAPSHOT=0 "${cmd[@]}" || continue
        (cd "$dir" && "${cmd[@]}" > "$work/logs/databuild.snapshot.$n.log" 2>&1)
        grep -q "Nothing to do" "$work/logs/databuild.snapshot.$n.log" \
          || { echo "error: the untimed DataBuild no-op at $n quads found work (see logs/databuild.snapshot.$n.log)" >&2; exit 1; }
        [[ -n "$(ls -A "$dir/.databuild/uptodate" 2> /dev/null)" ]] \
          || { echo "error: the DataBuild no-op at $n quads saved no up-to-date snapshot" >&2; exit 1; }
      fi
      measure "$tool.noop.$n" "$dir" "" "$limit" "$nr" -- "${cmd[@]}" || continue
      if [[ $tool == databuild ]]; then
        measure "databuild-wrapper.noop.$n" "$dir" "" "$limit" $((reps + 2)) -- "$src/build.sh" FanoutAll --fanout-quads "$n" -j 2
        measure "databuild-plan.noop.$n" "$dir" "" "$limit" $((reps + 2)) -- "$exe" FanoutAll --fanout-quads "$n" --plan
      fi
    fi
    if [[ "$edit" == *" $n "* ]]; then
      measure "$tool.edit.$n" "$dir" 'date +%s%N > raw/q7' "$limit" "$r" -- "${cmd[@]}" || continue
      measure "$tool.touch.$n" "$dir" 'touch raw/q7' "$limit" "$r" -- "${cmd[@]}" || continue
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
  # The no-ops once more, interleaved (fanout/interleave.py): each round runs DataBuild's and Ninja's in a random
  # order, so the drift of a shared machine falls on both alike. The no-op goals are judged on this ratio.
  if [[ "$noop" == *" $n "* && -d "$work/q$n/databuild/.databuild" && -f "$work/q$n/ninja/.ninja_log" ]]; then
    echo "  interleaved no-ops, $rounds rounds" >&2
    python3 "$here/fanout/interleave.py" --rounds "$rounds" --log "$work/logs/interleaved.noop.$n.log" \
      "databuild.noop_interleaved.$n=$work/q$n/databuild=$exe FanoutAll --fanout-quads $n -j 2" \
      "ninja.noop_interleaved.$n=$work/q$n/ninja=ninja -j 2" >> "$results" \
      || echo "warning: the interleaved no-ops at $n quads failed (see logs/interleaved.noop.$n.log)" >&2
  fi
  # One input edited and touched, interleaved the same way (issue 23): each run after its untimed change.
  if [[ "$edit" == *" $n "* && -f "$work/q$n/databuild/all.txt" && -f "$work/q$n/ninja/.ninja_log" ]]; then
    for change in edit touch; do
      prep='date +%s%N > raw/q7'; [[ $change == touch ]] && prep='touch raw/q7'
      echo "  interleaved ${change}s, $edit_rounds rounds" >&2
      python3 "$here/fanout/interleave.py" --rounds "$edit_rounds" --prepare "$prep" --log "$work/logs/interleaved.$change.$n.log" \
        "databuild.${change}_interleaved.$n=$work/q$n/databuild=$exe FanoutAll --fanout-quads $n -j 2" \
        "ninja.${change}_interleaved.$n=$work/q$n/ninja=ninja -j 2" >> "$results" \
        || echo "warning: the interleaved ${change}s at $n quads failed (see logs/interleaved.$change.$n.log)" >&2
    done
  fi
  # Workspaces of 100k quads hold ~700k files: keep only what a later step reads (the probe size).
  if [[ $n -ne $probe && -z "${BENCH_KEEP:-}" ]]; then rm -rf "$work/q$n"; fi
done

if [[ $slurm_only -eq 0 ]]; then
  echo "== DataBuild only" >&2
  # Bytes of product files a no-op reads: strace -y names the file behind every read(2) (see fanout/bytes_read.py).
  # The interleaved touches just before leave raw/q7 touched within a timestamp tick of the last check, so the next
  # no-op reads it once to check its content (bench/README round 10); the figure is the no-op after that one.
  traced="$work/q$probe/databuild"
  if [[ -f "$traced/all.txt" ]]; then
    (cd "$traced" && sleep 0.2 && "$exe" FanoutAll --fanout-quads "$probe" -j 2 > "$work/logs/settle-noop.log" 2>&1) || true
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
fi

# Slurm: the cluster is shared with the real-cluster tests, which hold the same lock. flock -o: the daemons that
# cluster.sh starts must not inherit the lock (they would hold it for ever).
if [[ $slurm -eq 1 ]]; then
  echo "== Slurm, $slurm_n trivial tasks (waiting for /tmp/databuild-slurm-tests.lock if tests hold the cluster)" >&2
  flock -o -w 1800 /tmp/databuild-slurm-tests.lock "$here/fanout/slurm.sh" "$exe" "$work/slurm" "$slurm_n" "$results" "$work/logs" \
    || record slurm '"not measured: the cluster lock /tmp/databuild-slurm-tests.lock stayed taken for 30 min (tests running?)"'
  if [[ -z "${BENCH_KEEP:-}" ]]; then rm -rf "$work/slurm"; fi
else
  record slurm '"not measured in a --quick run (bench/run.sh --slurm adds it)"'
fi
touch "$work/logs/plan.log"

date="$(date -u +%Y-%m-%d)"
suffix=""; [[ $quick -eq 1 ]] && suffix="-quick"; [[ $smoke -eq 1 ]] && suffix="-smoke"; [[ $slurm_only -eq 1 ]] && suffix="$suffix-slurm"
out="$repo/bench/results/$date$suffix.md"
# Never over an earlier run's figures of the same day (they are cited in bench/README.md): -2, -3, ...
for n in 2 3 4 5 6 7 8 9; do [[ -e "$out" ]] || break; out="$repo/bench/results/$date$suffix-$n.md"; done
[[ -e "$out" ]] && out="$repo/bench/results/$date$suffix-$(date -u +%H%M%S).md"
versions="DataBuild $commit (.NET $(dotnet --version), program \`${exe#$src/}\`), $(ninja --version | sed 's/^/Ninja /'), Snakemake $(snakemake --version)"
machine="$(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ *//')), $(free -g | awk '/Mem:/ { print $2 }') GiB"
python3 "$here/fanout/table.py" "$results" "$date" "$versions" "$machine" "$reps" "$plan_n" "$probe" "$(cat "$work/logs/plan.log" | grep -v '^RESULT')" > "$out"
cat "$out"
echo "Written to ${out#$repo/}" >&2
