#!/usr/bin/env bash
# The fault suite (tests/faults/README.md): kill -9 of the driver (local and Slurm, inside the sbatch->record window),
# a task killed mid-write, a Slurm node going down, a user's scancel, a task past its time limit, a full disk, a locked
# or read-only state database, and seeded fuzzers of bad command lines and damaged Parquet inputs. Each test counts kills,
# lost outputs, repeated tasks and duplicate submissions; the figures go to tests/faults/figures.tsv, printed at the end.
#   tests/faults/run.sh            the CI variant (10 local kills, 3 Slurm kills, 200 + 24 fuzz cases)
#   tests/faults/run.sh --long     50 local kills, 10 Slurm kills, 1000 + 120 fuzz cases
#   DATABUILD_FAULTS_SEED=N        another seed for the kill moments and the fuzz cases (the default, 22, repeats CI)
# Runs as root (it mounts a tmpfs and a read-only bind mount) with the Slurm cluster up (tests/slurm/cluster.sh start).
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
case "${1:-}" in
  --long) export DATABUILD_FAULTS_LONG=1 ;;
  "") ;;
  *) echo "usage: tests/faults/run.sh [--long]" >&2; exit 2 ;;
esac
figures="$root/tests/faults/figures.tsv"
printf 'fault\tkills/cases\tlost\trepeated\tduplicates\tnote\n' > "$figures"
export DATABUILD_FAULTS_FIGURES="$figures"
echo "== fault suite started $(date -u '+%Y-%m-%d %H:%M:%S UTC'), load $(cut -d' ' -f1-3 /proc/loadavg)"
started=$SECONDS
dotnet test tests/DataBuild.EndToEnd.Tests -c Release --nologo --filter "FullyQualifiedName~DataBuild.EndToEnd.Tests.Faults"
status=$?
echo
echo "== figures (seed ${DATABUILD_FAULTS_SEED:-22}${DATABUILD_FAULTS_LONG:+, long}; commit $(git rev-parse --short HEAD 2>/dev/null); $(date -u '+%Y-%m-%d %H:%M UTC'); load $(cut -d' ' -f1-3 /proc/loadavg))"
column -t -s $'\t' "$figures" 2>/dev/null || cat "$figures"
echo "== $((SECONDS - started)) s"
exit "$status"
