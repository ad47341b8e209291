#!/usr/bin/env bash
# What the resource sampler costs and what its samples weigh (issue 21): the SlurmDemo workload run locally, N tasks
# that each hold M MB and sleep S seconds (-j J), once with sampling off (DATABUILD_SAMPLE_SECONDS=0) and once at each
# interval given; for each, the CPU time of the driver's sampler thread ("DataBuild process sampler", read from
# /proc/<driver>/task/*/stat while the build runs: it also reads each task's VmHWM every 200 ms, sampling or not), the
# driver's CPU seconds (user+sys, /usr/bin/time; noisy on a loaded machine) and the size of
# .databuild/runs/<run>/samples.tsv.gz, as bytes per task-minute.
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

echo "| interval (s) | tasks x seconds | sampler thread CPU (ms) | per task-minute (ms) | share of one core | driver CPU (s) | samples.tsv.gz (bytes) | bytes per task-minute |"
echo "|---|---|---|---|---|---|---|---|"
for interval in 0 $intervals; do
  rm -rf "$work/ws" && mkdir -p "$work/ws"
  cd "$work/ws"
  DATABUILD_SAMPLE_SECONDS="$interval" /usr/bin/time -f "%U %S" -o "$work/time" "$repo/build/bin/publish/databuild" SlurmDemo \
    --slurm-demo-tasks "$tasks" --slurm-demo-hold-mb "$hold" --slurm-demo-seconds "$seconds" -j "$jobs" --no-progress >"$work/log" 2>&1 &
  waiter=$!
  ticks=0
  while kill -0 "$waiter" 2>/dev/null; do
    driver="$(pgrep -P "$waiter" -x databuild || true)"
    for stat in /proc/${driver:-none}/task/*/stat; do
      [[ -r "$stat" ]] || continue
      # Field 2 is "(comm)": the thread's name, cut to 15 characters by the kernel.
      if grep -q "(DataBuild proce)" "$stat" 2>/dev/null; then
        now="$(sed 's/.*) //' "$stat" 2>/dev/null | awk '{print $12 + $13}')" && [[ -n "$now" ]] && ticks="$now"
      fi
    done
    sleep 0.5
  done
  wait "$waiter" || { cat "$work/log" >&2; exit 1; }
  hz="$(getconf CLK_TCK)"
  cpu="$(awk '{printf "%.2f", $1 + $2}' "$work/time")"
  file="$(ls .databuild/runs/*/samples.tsv.gz 2>/dev/null | head -1 || true)"
  bytes=$([[ -n "$file" ]] && stat -c %s "$file" || echo 0)
  task_minutes="$(awk -v n="$tasks" -v s="$seconds" 'BEGIN {print n * s / 60}')"
  sampler_ms="$(awk -v t="$ticks" -v hz="$hz" 'BEGIN {printf "%.0f", t * 1000 / hz}')"
  echo "| $([[ $interval == 0 ]] && echo "off" || echo "$interval") | $tasks x $seconds | $sampler_ms | $(awk -v c="$sampler_ms" -v m="$task_minutes" 'BEGIN {printf "%.1f", c / m}') | $(awk -v c="$sampler_ms" -v s="$seconds" 'BEGIN {printf "%.3f%%", c / 10 / s}') | $cpu | $bytes | $(awk -v b="$bytes" -v m="$task_minutes" 'BEGIN {printf "%.0f", b / m}') |"
done
