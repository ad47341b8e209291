#!/bin/sh
# Mails a DataBuild run's summary. Use: ./build.sh Predictions --notify "examples/notify/mail.sh you@example.org"
# DataBuild writes the summary as JSON on stdin; this sends a subject that says how the run ended, the failures with
# their logs, and the JSON itself. Mail goes through sendmail -t (postfix, exim or msmtp-mta provide one; set
# SENDMAIL to another program that reads a message on stdin).
set -eu
to=${1:?usage: mail.sh ADDRESS}
summary=$(cat)
text=$(printf '%s' "$summary" | python3 -c '
import json, sys
s = json.load(sys.stdin)
print("DataBuild %s on %s: run %d, %.0f s, %d failed" % (s["result"], s["host"], s["run_id"], s["duration_s"], len(s["failures"])))
print()
print("command:   " + s["command"])
print("directory: " + s["directory"])
print("exit code: %d" % s["exit_code"])
if "message" in s: print(s["message"])
for t in s["targets"]:
    print("  %s: %d built, %d up to date, %d failed, %d not run" % (t["name"], t["built"], t["up_to_date"], t["failed"], t["not_run"]))
for f in s["failures"]:
    print("FAILED %s: %s" % (f["node"], f["reason"]))
    if f["log"]: print("  log: " + f["log"])
')
subject=$(printf '%s\n' "$text" | head -n 1)
{
    printf 'To: %s\nSubject: %s\nContent-Type: text/plain; charset=utf-8\n\n' "$to" "$subject"
    printf '%s\n' "$text" | tail -n +3
    printf '\n%s\n' "$summary"
} | ${SENDMAIL:-sendmail} -t
