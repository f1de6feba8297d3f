#!/usr/bin/env bash
# docs/WALKTHROUGH-sharing.md, runnable: start the service (`npm start`), then
#   bash scripts/walkthrough-sharing.sh        (BASE defaults to http://localhost:3000)
# Every step prints the request, the status and the body (compact); the script stops at the first
# unexpected status. User ids get a per-run suffix so the script can run twice against one server.
set -euo pipefail
source "$(dirname "$0")/walkthrough-lib.sh"

step "Setup: a host (hana owner, hugo member) and a guest workspace (gwen owner, gabe and gina members)"
HANA=$(token hana); HUGO=$(token hugo); GWEN=$(token gwen); GABE=$(token gabe); GINA=$(token gina)
for who in hana hugo gwen gabe gina; do t=$(token $who); call 201 "$t" PUT /me "{\"name\":\"$who\"}" >/dev/null 2>&1; done
HOST=$(call 201 "$HANA" POST /workspaces '{"name":"Hostly"}' 2>/dev/null | jq -r .workspaceId)
GUEST=$(call 201 "$GWEN" POST /workspaces '{"name":"Guestco"}' 2>/dev/null | jq -r .workspaceId)
call 201 "$HANA" POST "/workspaces/$HOST/members" "{\"email\":\"$(mail hugo)\"}" >/dev/null 2>&1
for who in gabe gina; do call 201 "$GWEN" POST "/workspaces/$GUEST/members" "{\"email\":\"$(mail $who)\"}" >/dev/null 2>&1; done
echo "HOST=$HOST GUEST=$GUEST" >&2

step "An active partnership: hana (host Owner) requests, host approval is automatic, gwen accepts"
PS=$(call 201 "$HANA" POST "/workspaces/$HOST/partnerships" "{\"guestWorkspaceId\":\"$GUEST\",\"partnerEmail\":\"$(mail gwen)\"}" 2>/dev/null | jq -r .partnershipId)
sleep 0.3 # the execution registers its guest-stage token
call 200 "$GWEN" POST "/partnerships/$PS/accept" '{"acceptTerms":true}' | jq -r '"status: " + .status' >&2

step "An account of the host (any member may add one: hugo becomes its creator)"
ACC=$(call 201 "$HUGO" POST "/workspaces/$HOST/accounts" '{"name":"CRM","loginUrl":"https://crm.example.com/login"}' | jq -r .accountId)
call 200 "$HANA" GET "/workspaces/$HOST/accounts" >/dev/null
call 404 "$GWEN" GET "/workspaces/$HOST/accounts" >/dev/null

step "Sharing needs an active partnership and guest members"
call 422 "$HANA" POST "/partnerships/$PS/shares" "{\"accountId\":\"$ACC\",\"members\":[{\"email\":\"$(mail gabe)\",\"role\":\"manager\"},{\"email\":\"$(mail hugo)\",\"role\":\"collaborator\"}]}" >/dev/null
call 400 "$HANA" POST "/partnerships/$PS/shares" "{\"accountId\":\"$ACC\",\"members\":[{\"email\":\"$(mail gabe)\",\"role\":\"owner\"}]}" >/dev/null

step "hana (Partnership Owner) shares the CRM with gabe as Manager; gabe is told, sees the partnership and logs in"
call 201 "$HANA" POST "/partnerships/$PS/shares" "{\"accountId\":\"$ACC\",\"members\":[{\"email\":\"$(mail gabe)\",\"role\":\"manager\"}]}" >/dev/null
outbox gabe
call 200 "$GABE" GET "/workspaces/$GUEST/partnerships?side=guest" | jq -r '.items[] | "gabe sees " + .partnershipId + " (" + .status + ")"' >&2
call 201 "$GABE" POST "/accounts/$ACC/logins" >/dev/null
call 404 "$GINA" POST "/accounts/$ACC/logins" >/dev/null

step "gabe (Manager) requests access for gina (who cannot see the partnership yet); hana approves; gina logs in"
call 404 "$GINA" POST "/partnerships/$PS/access-requests" "{\"accountId\":\"$ACC\",\"email\":\"$(mail gina)\",\"role\":\"collaborator\"}" >/dev/null
REQ=$(call 201 "$GABE" POST "/partnerships/$PS/access-requests" "{\"accountId\":\"$ACC\",\"email\":\"$(mail gina)\",\"role\":\"collaborator\"}" | jq -r .accessRequestId)
outbox hana
call 403 "$GWEN" POST "/access-requests/$REQ/approve" >/dev/null
call 200 "$HANA" POST "/access-requests/$REQ/approve" >/dev/null
call 409 "$HANA" POST "/access-requests/$REQ/decline" '{"reason":"too late"}' >/dev/null
outbox gina
call 201 "$GINA" POST "/accounts/$ACC/logins" >/dev/null
call 200 "$HANA" GET "/partnerships/$PS/shares" >/dev/null

step "gwen (guest Owner) removes gina from the partnership: her access ends at once"
call 204 "$GWEN" DELETE "/partnerships/$PS/guest-members/gina-$RUN" >/dev/null
call 404 "$GINA" POST "/accounts/$ACC/logins" >/dev/null
call 201 "$GABE" POST "/accounts/$ACC/logins" >/dev/null

step "The activity, on both sides"
call 200 "$HANA" GET "/partnerships/$PS/activity?limit=20" | jq -r '.items[] | "  " + .at + "  " + .action + "  by " + .actorId' >&2
call 200 "$GWEN" GET "/workspaces/$GUEST/activity?limit=4" >/dev/null
call 200 "$HANA" GET "/workspaces/$HOST/activity?limit=3" >/dev/null
call 403 "$GABE" GET "/partnerships/$PS/activity" >/dev/null
call 403 "$HUGO" GET "/workspaces/$HOST/activity" >/dev/null

step "Removing the partnership revokes every share in the same transaction"
call 200 "$GWEN" DELETE "/partnerships/$PS" | jq -r '"status: " + .status' >&2
call 404 "$GABE" POST "/accounts/$ACC/logins" >/dev/null
call 404 "$GABE" GET "/partnerships/$PS" >/dev/null
call 201 "$HUGO" POST "/accounts/$ACC/logins" >/dev/null
step "done"
