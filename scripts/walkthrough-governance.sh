#!/usr/bin/env bash
# SPEC §10 (partnership governance), runnable against a running service (`npm start`):
#   bash scripts/walkthrough-governance.sh     (BASE defaults to http://localhost:3000)
# A partner policy (trusted workspace, default term), a member's request that skips host approval, a
# recertification round opened by the job's clock, both sides' confirmations and the renewal, a round
# that lapses (ended, shares revoked), a blocked request, and owner succession when a member leaves.
set -euo pipefail
source "$(dirname "$0")/walkthrough-lib.sh"
# ISO time `seconds` after (or before, if negative) the ISO time `iso`.
shift_time() { jq -rn --arg t "$1" --argjson s "$2" '($t | sub("\\.[0-9]+Z$"; "Z") | fromdate) + $s | todate'; }
job() { curl -s -X POST "$BASE/local/jobs/reminders" -H 'content-type: application/json' -d "{\"now\":\"$1\"}"; }
DAY=86400

step "§10 policy: Acme trusts Initech and gives new partnerships a 30-day term"
OWNER=$(token gov-owner); MEMBER=$(token gov-member); ERIN=$(token erin); FRANK=$(token frank)
for who in gov-owner gov-member erin frank; do t=$(token $who); call 201 "$t" PUT /me "{\"name\":\"$who\"}" >/dev/null; done
ACME=$(call 201 "$OWNER" POST /workspaces '{"name":"Acme Governance"}' | jq -r .workspaceId)
call 201 "$OWNER" POST "/workspaces/$ACME/members" "{\"email\":\"$(mail gov-member)\"}" >/dev/null
INITECH=$(call 201 "$ERIN" POST /workspaces '{"name":"Initech"}' | jq -r .workspaceId)
UMBRELLA=$(call 201 "$FRANK" POST /workspaces '{"name":"Umbrella"}' | jq -r .workspaceId)
call 200 "$OWNER" PUT "/workspaces/$ACME/partnership-policy" \
  "{\"trustedWorkspaceIds\":[\"$INITECH\"],\"blockedWorkspaceIds\":[],\"blockedEmailDomains\":[\"spam.example\"],\"defaultTermDays\":30}" >/dev/null
call 400 "$OWNER" PUT "/workspaces/$ACME/partnership-policy" \
  '{"trustedWorkspaceIds":["no-such-workspace"],"blockedWorkspaceIds":[],"blockedEmailDomains":[],"defaultTermDays":30}' >/dev/null

step "§10 a member's request toward a trusted workspace skips host approval; the term starts at acceptance"
PS=$(call 201 "$MEMBER" POST "/workspaces/$ACME/partnerships" \
  "{\"guestWorkspaceId\":\"$INITECH\",\"partnerEmail\":\"$(mail erin)\",\"reason\":\"Joint venture\"}" | jq -r .partnershipId)
call 200 "$OWNER" GET "/partnerships/$PS" | jq -c '{status, termDays, hostDecision}' >&2
ENDS=$(call 200 "$ERIN" POST "/partnerships/$PS/accept" '{"acceptTerms":true}' | jq -r .term.endsAt)
echo "term ends $ENDS" >&2

step "§10 the job's clock reaches opensAt (14 days before endsAt): the round opens, both sides confirm, the term renews"
call 409 "$MEMBER" POST "/partnerships/$PS/recertify" >/dev/null
job "$(shift_time "$ENDS" $((60 - 14 * DAY)))" | jq -c . >&2
call 200 "$MEMBER" POST "/partnerships/$PS/recertify" | jq -c .recertification >&2
call 200 "$ERIN" GET "/partnerships/$PS" | jq -c .recertification >&2
ENDS=$(call 200 "$ERIN" POST "/partnerships/$PS/recertify" | jq -r .term.endsAt)
echo "renewed: the term now ends $ENDS" >&2
outbox erin

step "§10 the next round opens and only one side confirms: at endsAt the partnership ends"
job "$(shift_time "$ENDS" $((60 - 14 * DAY)))" | jq -c . >&2
call 200 "$ERIN" POST "/partnerships/$PS/recertify" >/dev/null
job "$(shift_time "$ENDS" 1)" | jq -c . >&2
call 200 "$OWNER" GET "/partnerships/$PS" | jq -r '"status: " + .status' >&2
call 409 "$MEMBER" POST "/partnerships/$PS/recertify" >/dev/null

step "§10 a workspace that blocks the other refuses the request (without saying which side)"
call 200 "$FRANK" PUT "/workspaces/$UMBRELLA/partnership-policy" \
  "{\"trustedWorkspaceIds\":[],\"blockedWorkspaceIds\":[\"$ACME\"],\"blockedEmailDomains\":[],\"defaultTermDays\":null}" >/dev/null
call 422 "$OWNER" POST "/workspaces/$ACME/partnerships" "{\"guestWorkspaceId\":\"$UMBRELLA\",\"partnerEmail\":\"$(mail frank)\"}" >/dev/null

step "§10 owner succession: the member who owns a partnership leaves; the workspace Owner succeeds"
PS2=$(call 201 "$MEMBER" POST "/workspaces/$ACME/partnerships" \
  "{\"guestWorkspaceId\":\"$INITECH\",\"partnerEmail\":\"$(mail erin)\",\"reason\":\"Second venture\"}" | jq -r .partnershipId)
call 204 "$MEMBER" DELETE "/workspaces/$ACME/members/gov-member-$RUN" >/dev/null
call 200 "$OWNER" GET "/partnerships/$PS2" | jq -c .owners >&2
outbox gov-owner
