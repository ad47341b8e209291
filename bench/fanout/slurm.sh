#!/usr/bin/env bash
# The Slurm row of issue 6: N trivial FanoutFeatures tasks (one `cp` each) through `--executor slurm` on the local
# cluster of tests/slurm/cluster.sh, with the driver's defaults (pack size, poll interval). Appends one JSON line
# named "slurm" to RESULTS: sbatch/squeue/sacct calls, time from the driver's start to the first task running,
# total wall, the driver's CPU time and peak RSS (GNU time; the workers run under slurmd, not under the driver).
#
# Usage: slurm.sh EXE WORKDIR N RESULTS LOGDIR   (bench/run.sh --slurm runs it; it can also run alone)
#
# The cluster is shared with the real-cluster tests: hold /tmp/databuild-slurm-tests.lock around this script with
# `flock -o` (-o: the daemons cluster.sh starts must not inherit the lock, or it is never released). The cluster
# is started when down and stopped again afterwards; a running one is left running, in accounting mode.
#
# Pack size: with no history the executor assumes 30 s per node (10 nodes per array task: 1,000 array tasks at 10k,
# about 3 s per pair of tasks on this 2-CPU node, ~25 min). A user's first cluster run usually follows a local one,
# so a local build of the first 100 quads comes first (untimed); the driver then packs from those wall times.
# The pack the driver chose is part of the result, verbatim from its log.
set -euo pipefail
exe="$1" dir="$2" n="$3" results="$4" logs="$5"
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cluster="$(cd "$here/../.." && pwd)/tests/slurm/cluster.sh"
not_measured() {
  echo "Slurm: not measured: $1" >&2
  python3 -c 'import json, sys; print(json.dumps({"name": "slurm", "value": "not measured: " + sys.argv[1]}))' "$1" >> "$results"
  exit 0
}

missing=()
for tool in sbatch squeue scancel slurmctld slurmd munged; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [[ ${#missing[@]} -gt 0 ]]; then
  not_measured "Slurm is not installed here (no ${missing[*]} on PATH); tests/slurm/cluster.sh start installs it from Debian"
fi

was_up=0
"$cluster" status > /dev/null 2>&1 && was_up=1
echo "  Slurm: starting the local cluster (tests/slurm/cluster.sh start)" >&2
"$cluster" start > "$logs/slurm-cluster-start.log" 2>&1 \
  || not_measured "tests/slurm/cluster.sh start failed (see its log: $(tail -1 "$logs/slurm-cluster-start.log"))"
submitted="$dir/calls.log"
stop_cluster() {
  # Our arrays only (ids from the sbatch wrapper's log), then the cluster if we started it.
  local ids
  ids="$(awk '$2 == "sbatch" && $NF ~ /^[0-9]+$/ { print $NF }' "$submitted" 2>/dev/null | tr '\n' ' ')"
  [[ -n "${ids// }" ]] && scancel $ids 2>/dev/null || true
  if [[ $was_up -eq 0 ]]; then "$cluster" stop > "$logs/slurm-cluster-stop.log" 2>&1 || true; fi
}
trap stop_cluster EXIT

rm -rf "$dir"
mkdir -p "$dir/wrap"
: > "$submitted"
# sbatch, squeue, sacct and scancel through wrappers earlier on PATH: each call logs its time and arguments (sbatch
# also the job id it printed), then does what the real command does.
for tool in sbatch squeue sacct scancel; do
  real="$(command -v "$tool" || echo "/usr/bin/$tool")"
  cat > "$dir/wrap/$tool" <<EOF
#!/bin/sh
out="\$("$real" "\$@")"; rc=\$?
[ -n "\$out" ] && printf '%s\n' "\$out"
echo "\$(date +%s.%N) $tool \$* -> rc \$rc \$(printf '%s' "\$out" | head -c 40 | tr '\n' ' ')" >> "$submitted"
exit \$rc
EOF
  chmod +x "$dir/wrap/$tool"
done
python3 "$here/workload.py" raw "$n" "$dir"

echo "  Slurm: local build of 100 quads first (pack history), then $n quads with --executor slurm" >&2
(cd "$dir" && "$exe" FanoutFeatures --fanout-quads 100 -j 2 --no-progress > "$logs/slurm-history.log" 2>&1) \
  || not_measured "the local history build failed (see $logs/slurm-history.log)"
rm -rf "$dir/features"
: > "$submitted"

launched="$(date +%s.%N)"
status=0
(cd "$dir" && PATH="$dir/wrap:$PATH" timeout --foreground -s INT 2400 /usr/bin/time -f "%e %U %S %M" -o "$dir/driver.usage" \
  "$exe" FanoutFeatures --fanout-quads "$n" --executor slurm --no-progress > "$logs/slurm-build.log" 2>&1) || status=$?
if [[ $status -ne 0 ]]; then
  not_measured "the Slurm build failed or took over 40 min (exit $status; see $logs/slurm-build.log)"
fi
python3 "$here/slurm_figures.py" "$dir" "$n" "$launched" "$submitted" "$dir/driver.usage" "$logs/slurm-build.log" >> "$results" \
  || not_measured "the Slurm build's figures could not be read (see above)"
tail -1 "$results" >&2
