#!/usr/bin/env bash
# The README's walk-through (§2-§5, the sharing part of docs/WALKTHROUGH-sharing.md, then §10 governance), runnable with
# the typed client (scripts/walkthrough.ts). Start the service (`npm start`), then:
#   bash scripts/walkthrough.sh              (BASE defaults to http://127.0.0.1:$PORT, PORT to 3000)
# Every request prints its method, path and HTTP status; the script stops at the first unexpected status.
# User ids carry a per-run suffix (RUN), so it can run again and again against one server.
set -euo pipefail
cd "$(dirname "$0")/.."
node --import tsx scripts/walkthrough.ts all
# §10 partnership governance (policy, terms, recertification, succession): curl + jq.
bash scripts/walkthrough-governance.sh
