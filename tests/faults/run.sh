#!/usr/bin/env bash
# The fault suite (tests/faults/README.md): kill -9 of the driver (local and Slurm, inside the sbatch->record window),
# a full disk, a locked or read-only state database, and a seeded bad-input fuzzer. Each test counts kills, lost outputs,
# repeated tasks and duplicate submissions; the figures go to tests/faults/figures.tsv and are printed at the end.
#   tests/faults/run.sh            the CI variant (10 local kills, 3 Slurm kills, 240 fuzz cases): a few minutes
#   tests/faults/run.sh --long     50 local kills, 10 Slurm kills, 1000 fuzz cases
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
dotnet test tests/DataBuild.EndToEnd.Tests -c Release --nologo --filter "FullyQualifiedName~DataBuild.EndToEnd.Tests.Faults"
status=$?
echo
echo "== figures (seed ${DATABUILD_FAULTS_SEED:-22}${DATABUILD_FAULTS_LONG:+, long})"
column -t -s $'\t' "$figures" 2>/dev/null || cat "$figures"
exit "$status"
