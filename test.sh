#!/usr/bin/env bash
# The one command that runs DataBuild's tests. It does its own set-up first: starts the local one-node Slurm
# cluster (tests/slurm/cluster.sh, installing slurm-wlm/munge/MariaDB from Debian when absent) and podman with a local
# busybox image (tests/containers/setup.sh), and checks that headless Chromium is there for the HTML report's browser
# tests (.ci/run installs Debian's chromium). DuckDB, the outside
# reference for Parquet, runs in-process from its NuGet package. A missing prerequisite is not skipped: the tests that
# need it fail and say how to fix it.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$root"

echo "== set-up: local Slurm cluster (tests/slurm/cluster.sh start)"
if ! tests/slurm/cluster.sh start; then
  echo "warning: the Slurm cluster did not start; the real-cluster tests will fail and say why." >&2
fi

echo "== set-up: podman and a local busybox image for the container tests (tests/containers/setup.sh)"
if conf="$(tests/containers/setup.sh)"; then
  export CONTAINERS_CONF="$conf"
else
  echo "warning: podman is not usable; the container tests will fail and say why." >&2
fi

if ! command -v chromium >/dev/null 2>&1 && ! command -v chromium-browser >/dev/null 2>&1 && [[ -z "${DATABUILD_CHROMIUM:-}" ]]; then
  echo "warning: no headless Chromium (apt-get install -y chromium, or DATABUILD_CHROMIUM=/path); the report's browser tests will fail and say so." >&2
fi

# Tests marked FaultsLong wait minutes on the cluster (a task past Slurm's one-minute limit): tests/faults/run.sh runs
# them with the rest of the fault suite. A --filter of the caller's replaces this one.
filter=(--filter "Category!=FaultsLong")
for arg in "$@"; do [[ "$arg" == --filter* ]] && filter=(); done
echo "== tests (dotnet test DataBuild.sln ${filter[*]})"
log="$(mktemp)"
dotnet test DataBuild.sln -c Release --nologo "${filter[@]}" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}
# One closing line over all test projects.
passed=$(grep -oE 'Passed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
failed=$(grep -oE 'Failed: +[0-9]+' "$log" | awk '{s+=$2} END {print s+0}')
rm -f "$log"
echo
echo "$passed passed, $failed failed"
exit "$status"
