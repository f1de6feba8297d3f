# Shared by scripts/walkthrough*.sh: curl helpers against the local service ($BASE), with a per-run
# suffix ($RUN) on user ids so a script can run twice against one server.
BASE=${BASE:-http://127.0.0.1:${PORT:-3000}}
RUN=${RUN:-$(date +%s)}

step() { printf '\n## %s\n' "$*" >&2; }
# call <expected-status> <token> <METHOD> <path> [json-body]  -> body on stdout, status checked
call() {
  local expect=$1 token=$2 method=$3 path=$4 body=${5:-}
  local out status
  out=$(curl -s -w '\n%{http_code}' -X "$method" "$BASE$path" \
    ${token:+-H "Authorization: Bearer $token"} -H 'content-type: application/json' ${body:+-d "$body"})
  status=${out##*$'\n'}
  out=${out%$'\n'*}
  printf '%s %s -> %s\n' "$method" "$path" "$status" >&2
  [[ -n "$out" ]] && printf '%s\n' "$out" | jq -c . >&2
  if [[ "$status" != "$expect" ]]; then echo "expected $expect" >&2; exit 1; fi
  printf '%s' "$out"
}
token() { curl -s -X POST "$BASE/local/tokens" -H 'content-type: application/json' -d "{\"sub\":\"$1-$RUN\",\"email\":\"$1-$RUN@example.com\"}" | jq -r .token; }
mail() { printf '%s-%s@example.com' "$1" "$RUN"; }
outbox() { curl -s "$BASE/local/outbox?to=$(mail "$1")" | jq -c '[.items[] | {template, subject}]' >&2; }
