#!/bin/sh
# Posts a DataBuild run's summary (JSON, from stdin) to a webhook. Use: ./build.sh Predictions --notify examples/notify/webhook.sh
# The URL comes from DATABUILD_WEBHOOK_URL, not the command line, so that a Slack or Mattermost token in it is never in
# the process list, the state or the logs. Slack-style services expect {"text": ...}: WEBHOOK_FORMAT=text sends that.
set -eu
url=${DATABUILD_WEBHOOK_URL:?set DATABUILD_WEBHOOK_URL to the webhook address}
if [ "${WEBHOOK_FORMAT:-json}" = text ]; then
    python3 -c '
import json, sys
s = json.load(sys.stdin)
lines = ["DataBuild %s on %s: run %d (%.0f s), %s" % (s["result"], s["host"], s["run_id"], s["duration_s"], s["command"])]
lines += ["FAILED %s: %s" % (f["node"], f["reason"]) for f in s["failures"][:20]]
print(json.dumps({"text": "\n".join(lines)}))
'
else
    cat
fi | curl --silent --show-error --fail --max-time 60 --retry 3 -H 'Content-Type: application/json' --data-binary @- "$url"
