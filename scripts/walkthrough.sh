#!/usr/bin/env bash
# The README's curl walk-through, runnable: start the service (`npm start`), then
#   bash scripts/walkthrough.sh            (BASE defaults to http://localhost:3000)
# Every step prints the request, the status and the body; the script stops at the first unexpected status.
set -euo pipefail
source "$(dirname "$0")/walkthrough-lib.sh"

step "§2 register users, create a workspace, add a member, promote, transfer ownership"
ALICE=$(token alice); BOB=$(token bob); CAROL=$(token carol)
for who in alice bob carol; do t=$(token $who); call 201 "$t" PUT /me "{\"name\":\"$who\"}" >/dev/null; done
ACME=$(call 201 "$ALICE" POST /workspaces '{"name":"Acme"}' | jq -r .workspaceId)
call 201 "$ALICE" POST "/workspaces/$ACME/members" "{\"email\":\"bob-$RUN@example.com\"}" >/dev/null
call 403 "$BOB" GET "/workspaces/$ACME/billing" >/dev/null
call 200 "$ALICE" PATCH "/workspaces/$ACME/members/bob-$RUN" '{"role":"admin"}' >/dev/null
call 200 "$BOB" GET "/workspaces/$ACME/billing" >/dev/null
call 200 "$ALICE" POST "/workspaces/$ACME/ownership-transfer" "{\"userId\":\"bob-$RUN\"}" >/dev/null
call 200 "$BOB" POST "/workspaces/$ACME/ownership-transfer" "{\"userId\":\"alice-$RUN\"}" >/dev/null

step "§3-4 a team, a member's partner invitation waits for an admin, then collaboration, then removal"
GLOBEX=$(call 201 "$CAROL" POST /workspaces '{"name":"Globex"}' | jq -r .workspaceId)
DAN=$(token dan); call 201 "$DAN" PUT /me '{"name":"dan"}' >/dev/null
call 201 "$ALICE" POST "/workspaces/$ACME/members" "{\"email\":\"dan-$RUN@example.com\"}" >/dev/null
TEAM=$(call 201 "$DAN" POST "/workspaces/$ACME/teams" '{"name":"Launch","visibility":"private"}' | jq -r .teamId)
INV=$(call 201 "$DAN" POST "/teams/$TEAM/partner-invitations" \
  "{\"invitations\":[{\"email\":\"carol-$RUN@example.com\",\"permission\":\"edit\"}]}" | jq -r '.items[0].invitationId')
call 200 "$ALICE" GET "/workspaces/$ACME/partner-invitations?status=pending" >/dev/null
call 200 "$ALICE" POST "/partner-invitations/$INV/approve" >/dev/null
ITEM=$(call 201 "$CAROL" POST "/teams/$TEAM/work-items" '{"title":"Draft the launch plan"}' | jq -r .workItemId)
call 200 "$CAROL" PATCH "/work-items/$ITEM" '{"status":"doing"}' >/dev/null
call 404 "$CAROL" GET "/workspaces/$ACME/members" >/dev/null
call 204 "$ALICE" DELETE "/teams/$TEAM/partners/carol-$RUN" >/dev/null
call 404 "$CAROL" GET "/teams/$TEAM/work-items" >/dev/null
outbox carol

step "§5 three stages: member request -> host admin approves -> guest admin accepts"
PS=$(call 201 "$DAN" POST "/workspaces/$ACME/partnerships" \
  "{\"guestWorkspaceId\":\"$GLOBEX\",\"partnerEmail\":\"carol-$RUN@example.com\",\"reason\":\"Shared launch\"}" | jq -r .partnershipId)
call 200 "$ALICE" GET "/partnerships/$PS" | jq -r '"status: " + .status' >&2
call 200 "$ALICE" POST "/partnerships/$PS/approve" | jq -r '"status: " + .status' >&2
call 422 "$CAROL" POST "/partnerships/$PS/accept" '{"acceptTerms":false}' >/dev/null
call 200 "$CAROL" POST "/partnerships/$PS/accept" '{"acceptTerms":true}' | jq -r '"status: " + .status' >&2
call 409 "$ALICE" POST "/partnerships/$PS/approve" >/dev/null
outbox dan

step "§6 sharing: scripts/walkthrough-sharing.sh (docs/WALKTHROUGH-sharing.md)"
bash "$(dirname "$0")/walkthrough-sharing.sh"

step "§10 governance: scripts/walkthrough-governance.sh"
bash "$(dirname "$0")/walkthrough-governance.sh"
