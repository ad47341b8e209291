#!/usr/bin/env python3
"""Three pretend light-curve archives on 127.0.0.1 for the Fornax-shaped example (build/Pipelines.Fornax.cs).

GET /<archive>/lightcurves?ids=1,2,3 answers CSV rows (id,band,mjd,mag) for those objects. Each archive behaves like a
real one in one way: every archive answers 429 beyond --limit requests in any one second; wise is slow (--slow
seconds a request); ps1 is down (503) for its first --down seconds after its first request. With FORNAX_ARCHIVE_TOKEN
set, a request without "Authorization: Bearer <that token>" gets 401. Every request is logged, one tab-separated line
(seconds since start, archive, ids, status) to --log; the token is never logged. Prints "listening on URL" when ready.
"""
import argparse
import collections
import hashlib
import http.server
import os
import sys
import threading
import time
import urllib.parse

ARCHIVES = {"ztf": ["g", "r"], "wise": ["W1", "W2"], "ps1": ["i"]}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8765)
    parser.add_argument("--log", required=True)
    parser.add_argument("--limit", type=int, default=4, help="requests a second each archive answers")
    parser.add_argument("--slow", type=float, default=0.4, help="seconds wise takes per request")
    parser.add_argument("--down", type=float, default=3.0, help="seconds ps1 is down after its first request")
    args = parser.parse_args()
    token = os.environ.get("FORNAX_ARCHIVE_TOKEN")
    start = time.monotonic()
    lock = threading.Lock()
    recent = collections.defaultdict(collections.deque)
    first_seen = {}
    log = open(args.log, "a", buffering=1)

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            now = time.monotonic()
            url = urllib.parse.urlparse(self.path)
            parts = url.path.strip("/").split("/")
            ids = urllib.parse.parse_qs(url.query).get("ids", [""])[0]
            archive = parts[0] if parts else ""
            with lock:
                if archive not in ARCHIVES or parts[1:] != ["lightcurves"] or not ids:
                    status = 404
                elif token and self.headers.get("Authorization") != "Bearer " + token:
                    status = 401
                else:
                    window = recent[archive]
                    while window and now - window[0] >= 1.0:
                        window.popleft()
                    window.append(now)
                    first_seen.setdefault(archive, now)
                    if len(window) > args.limit:
                        status = 429
                    elif archive == "ps1" and now - first_seen[archive] < args.down:
                        status = 503
                    else:
                        status = 200
                log.write(f"{now - start:.3f}\t{archive}\t{ids}\t{status}\n")
            if status == 200 and archive == "wise":
                time.sleep(args.slow)
            body = rows(archive, ids) if status == 200 else f"{status}\n"
            self.send_response(status)
            self.send_header("Content-Type", "text/csv" if status == 200 else "text/plain")
            self.send_header("Content-Length", str(len(body.encode())))
            if status == 429:
                self.send_header("Retry-After", "1")
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, *args):
            pass  # the request log above is the record

    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), Handler)
    print(f"listening on http://127.0.0.1:{server.server_address[1]}", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass


def rows(archive, ids):
    lines = []
    for object_id in ids.split(","):
        for band in ARCHIVES[archive]:
            seed = int(hashlib.sha256(f"{archive}:{band}:{object_id}".encode()).hexdigest()[:8], 16)
            base = 15 + seed % 600 / 100
            for k in range(5):
                mjd = 58000 + (seed >> k) % 900 + k * 3.25
                lines.append(f"{object_id},{band},{mjd:.2f},{base + 0.1 * ((seed >> (2 * k)) % 7 - 3):.3f}")
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    sys.exit(main())
