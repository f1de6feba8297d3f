#!/usr/bin/env bash
# docs/WALKTHROUGH-sharing.md, runnable with the typed client (scripts/walkthrough.ts). Start the service
# (`npm start`), then:
#   bash scripts/walkthrough-sharing.sh      (BASE defaults to http://127.0.0.1:$PORT, PORT to 3000)
# Every request prints its method, path and HTTP status; the script stops at the first unexpected status.
# User ids carry a per-run suffix (RUN), so it can run again and again against one server.
set -euo pipefail
cd "$(dirname "$0")/.."
exec node --import tsx scripts/walkthrough.ts sharing
