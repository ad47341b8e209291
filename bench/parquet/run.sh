#!/usr/bin/env bash
# Parquet benchmark: our product layer (Table.Write, ProductFile) beside DuckDB in-process (DuckDB.NET), writing and
# reading a 6-column light-curve table, in one process. Not part of the test run; see bench/parquet/README.md.
# Usage: bench/parquet/run.sh [rows=1000000] [rounds=5]
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
rows="${1:-1000000}"
rounds="${2:-5}"

dotnet build "$here/DataBuild.Bench.Parquet.csproj" -c Release --nologo -v quiet >&2
exec dotnet "$here/bin/Release/net10.0/DataBuild.Bench.Parquet.dll" "$rows" "$rounds"
