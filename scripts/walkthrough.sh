#!/usr/bin/env bash
# The README's curl walk-through, runnable: start the service (`npm start`), then
#   bash scripts/walkthrough.sh            (BASE defaults to http://localhost:3000)
# Every step prints the status and a short extract; the script stops at the first unexpected status.
set -euo pipefail
BASE=${BASE:-http://localhost:3000}
RUN=$(date +%s)

step() { printf '\n== %s\n' "$*"; }
# call <expected-status> <token> <METHOD> <path> [json-body]  -> body on stdout, status checked
call() {
  local expect=$1 token=$2 method=$3 path=$4 body=${5:-}
  local out status
  out=$(curl -s -w '\n%{http_code}' -X "$method" "$BASE$path" \
    ${token:+-H "Authorization: Bearer $token"} -H 'content-type: application/json' ${body:+-d "$body"})
  status=${out##*$'\n'}
  out=${out%$'\n'*}
  printf '%s %s -> %s %s\n' "$method" "$path" "$status" "$(printf '%s' "$out" | head -c 220)" >&2
  if [[ "$status" != "$expect" ]]; then echo "expected $expect" >&2; exit 1; fi
  printf '%s' "$out"
}
token() { curl -s -X POST "$BASE/local/tokens" -H 'content-type: application/json' -d "{\"sub\":\"$1-$RUN\",\"email\":\"$1-$RUN@example.com\"}" | jq -r .token; }
outbox() { curl -s "$BASE/local/outbox?to=$1-$RUN@example.com" | jq -c '[.items[] | {template, subject}]'; }

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
echo "carol's outbox: $(outbox carol)"

step "§5 three stages: member request -> host admin approves -> guest admin accepts"
PS=$(call 201 "$DAN" POST "/workspaces/$ACME/partnerships" \
  "{\"guestWorkspaceId\":\"$GLOBEX\",\"partnerEmail\":\"carol-$RUN@example.com\",\"reason\":\"Shared launch\"}" | jq -r .partnershipId)
call 200 "$ALICE" GET "/partnerships/$PS" | jq -r '"status: " + .status' >&2
call 200 "$ALICE" POST "/partnerships/$PS/approve" | jq -r '"status: " + .status' >&2
call 422 "$CAROL" POST "/partnerships/$PS/accept" '{"acceptTerms":false}' >/dev/null
call 200 "$CAROL" POST "/partnerships/$PS/accept" '{"acceptTerms":true}' | jq -r '"status: " + .status' >&2
call 409 "$ALICE" POST "/partnerships/$PS/approve" >/dev/null
echo "dan's outbox: $(outbox dan)"

if curl -s "$BASE/openapi.json" | jq -e '.paths["/partnerships/{partnershipId}/shares"]' >/dev/null; then
  step "§6 share an account, log in, a manager asks access for a colleague, approve, remove"
  ERIN=$(token erin); call 201 "$ERIN" PUT /me '{"name":"erin"}' >/dev/null
  FRANK=$(token frank); call 201 "$FRANK" PUT /me '{"name":"frank"}' >/dev/null
  call 201 "$CAROL" POST "/workspaces/$GLOBEX/members" "{\"email\":\"erin-$RUN@example.com\"}" >/dev/null
  call 201 "$CAROL" POST "/workspaces/$GLOBEX/members" "{\"email\":\"frank-$RUN@example.com\"}" >/dev/null
  ACCOUNT=$(call 201 "$DAN" POST "/workspaces/$ACME/accounts" '{"name":"Ads account","loginUrl":"https://ads.example.com"}' | jq -r .accountId)
  call 201 "$DAN" POST "/partnerships/$PS/shares" \
    "{\"accountId\":\"$ACCOUNT\",\"members\":[{\"email\":\"erin-$RUN@example.com\",\"role\":\"manager\"}]}" >/dev/null
  call 201 "$ERIN" POST "/accounts/$ACCOUNT/logins" >/dev/null
  call 404 "$FRANK" POST "/accounts/$ACCOUNT/logins" >/dev/null || true
  REQ=$(call 201 "$ERIN" POST "/partnerships/$PS/access-requests" \
    "{\"accountId\":\"$ACCOUNT\",\"email\":\"frank-$RUN@example.com\",\"role\":\"collaborator\"}" | jq -r .accessRequestId)
  call 200 "$DAN" POST "/access-requests/$REQ/approve" >/dev/null
  call 201 "$FRANK" POST "/accounts/$ACCOUNT/logins" >/dev/null
  call 204 "$CAROL" DELETE "/partnerships/$PS/guest-members/frank-$RUN" >/dev/null
  call 200 "$DAN" GET "/partnerships/$PS/activity?limit=20" | jq -r '.items[] | "  " + .at + "  " + .action' >&2
  call 200 "$CAROL" GET "/partnerships/$PS/activity?limit=3" >/dev/null
  call 200 "$ALICE" GET "/workspaces/$ACME/activity?limit=5" >/dev/null
fi
step "done"
