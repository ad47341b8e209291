#!/bin/sh
# The Fornax-shaped example end to end: starts the pretend archives on 127.0.0.1, builds the merged light curves,
# stops the archives. Run it from the directory that should hold data/ and out/ (e.g. mkdir demo && cd demo &&
# ../examples/fornax/run.sh). The archives' request log is archive-requests.tsv there.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
: "${FORNAX_ARCHIVE_TOKEN:=demo-token-not-secret}"  # a real token comes from the environment, never a file in the repo
export FORNAX_ARCHIVE_TOKEN
python3 "$here/archive_server.py" --port "${FORNAX_PORT:-8765}" --log archive-requests.tsv > archive-server.out &
server=$!
trap 'kill $server 2>/dev/null' EXIT
for _ in $(seq 50); do grep -q listening archive-server.out 2>/dev/null && break; sleep 0.1; done
url=$(sed -n 's/^listening on //p' archive-server.out)
"$here/../../build.sh" FornaxLightCurves --fornax-archive-url "$url" "$@"
