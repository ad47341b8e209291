#!/usr/bin/env bash
# Parquet codec benchmark: 10M rows x 4 numeric columns, uncompressed and snappy, our reader and
# writer beside DuckDB (single-threaded) reading the same files. Not part of the test run.
# Usage: bench/parquet/run.sh [rows]   (needs: npm ci --prefix tests/interop --no-audit --no-fund)
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../.." && pwd)"
rows="${1:-10000000}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

dotnet run -c Release --project "$here/DataBuild.Bench.Parquet.csproj" -- "$out" "$rows"
megabytes=$(awk -v r="$rows" 'BEGIN { print r * 28 / 1e6 }')
for f in "$out"/bench-*.parquet; do
  seconds=$(node "$root/tests/interop/time-read.mjs" "$f")
  printf '%-28s DuckDB 1 thread: read all %6.0f MB/s (%s s)\n' "$(basename "$f")" "$(awk -v m="$megabytes" -v s="$seconds" 'BEGIN { print m / s }')" "$seconds"
done
