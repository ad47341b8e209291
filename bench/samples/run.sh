#!/usr/bin/env bash
# What the resource sampler costs and what its samples weigh (issue 21): the SlurmDemo workload run locally, N tasks
# that each hold M MB and sleep S seconds (-j J), once with sampling off (DATABUILD_SAMPLE_SECONDS=0) and once at each
# interval given; for each, the driver's CPU seconds (user+sys, /usr/bin/time; the sampler thread lives in the
# driver) and the size of .databuild/runs/<run>/samples.tsv.gz, as bytes per task-minute.
# Usage: bench/samples/run.sh [--tasks N] [--seconds S] [--hold-mb M] [--jobs J] [--intervals "1 0.2"]
# Runs in a copy of the checkout's build/ program (./build.sh compiles it first when needed). Prints a markdown table.
set -euo pipefail
repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
tasks=8 seconds=30 hold=50 jobs=4 intervals="1 0.2"
while [[ $# -gt 0 ]]; do
  case "$1" in
    --tasks) tasks="$2"; shift ;;
    --seconds) seconds="$2"; shift ;;
    --hold-mb) hold="$2"; shift ;;
    --jobs) jobs="$2"; shift ;;
    --intervals) intervals="$2"; shift ;;
    *) echo "unknown option $1 (see the header of $0)" >&2; exit 2 ;;
  esac
  shift
done
work="$(mktemp -d /tmp/databuild-bench-samples-XXXXXX)"
trap 'rm -rf "$work"' EXIT
"$repo/build.sh" --version >/dev/null  # compiles build/ when its sources changed, outside the timed runs

echo "| interval (s) | tasks x seconds | driver CPU (s) | CPU per task-minute (ms) | samples.tsv.gz (bytes) | bytes per task-minute |"
echo "|---|---|---|---|---|---|"
for interval in 0 $intervals; do
  rm -rf "$work/ws" && mkdir -p "$work/ws"
  cd "$work/ws"
  DATABUILD_SAMPLE_SECONDS="$interval" /usr/bin/time -f "%U %S" -o "$work/time" "$repo/build/bin/publish/databuild" SlurmDemo \
    --slurm-demo-tasks "$tasks" --slurm-demo-hold-mb "$hold" --slurm-demo-seconds "$seconds" -j "$jobs" --no-progress >"$work/log" 2>&1 \
    || { cat "$work/log" >&2; exit 1; }
  cpu="$(awk '{printf "%.2f", $1 + $2}' "$work/time")"
  file="$(ls .databuild/runs/*/samples.tsv.gz 2>/dev/null | head -1 || true)"
  bytes=$([[ -n "$file" ]] && stat -c %s "$file" || echo 0)
  task_minutes="$(awk -v n="$tasks" -v s="$seconds" 'BEGIN {print n * s / 60}')"
  echo "| $([[ $interval == 0 ]] && echo "off" || echo "$interval") | $tasks x $seconds | $cpu | $(awk -v c="$cpu" -v m="$task_minutes" 'BEGIN {printf "%.0f", c * 1000 / m}') | $bytes | $(awk -v b="$bytes" -v m="$task_minutes" 'BEGIN {printf "%.0f", b / m}') |"
done
