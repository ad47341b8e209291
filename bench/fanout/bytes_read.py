#!/usr/bin/env python3
"""Bytes a traced build read from files under a workload directory, from `strace -f -y` output.

An honest per-file count: /proc/<pid>/io sums every read of the process (state database, assemblies, pipes).
strace -y prints each fd's path with the call, so reads are attributed to files: product files (raw/, features/,
groups/, all.txt: anything under DIR outside its .databuild/) versus the state under .databuild/.
Counts read, pread64, readv, preadv, preadv2 return values, and openat calls of product files.

Usage: bytes_read.py TRACE DIR   ->  prints "product_bytes=N product_opens=N state_bytes=N"
"""
import os
import re
import sys

READ = re.compile(r'^(?:\d+\s+)?(?:read|pread64|readv|preadv|preadv2)\(\d+<([^>]*)>.*\)\s+=\s+(\d+)')
OPEN = re.compile(r'^(?:\d+\s+)?openat\([^,]+,\s+"([^"]*)".*\)\s+=\s+\d+')


def main(trace, workdir):
    workdir = os.path.realpath(workdir)
    state = os.path.join(workdir, ".databuild")
    product_bytes = product_opens = state_bytes = 0
    with open(trace, errors="replace") as f:
        for line in f:
            m = READ.match(line)
            if m:
                path, n = m.group(1), int(m.group(2))
                if path.startswith(state + "/"):
                    state_bytes += n
                elif path.startswith(workdir + "/"):
                    product_bytes += n
                continue
            m = OPEN.match(line)
            if m:
                path = os.path.join(workdir, m.group(1)) if not m.group(1).startswith("/") else m.group(1)
                if path.startswith(workdir + "/") and not path.startswith(state + "/") and not path.startswith(state):
                    product_opens += 1
    print(f"product_bytes={product_bytes} product_opens={product_opens} state_bytes={state_bytes}")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
