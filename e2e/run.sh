#!/usr/bin/env bash
# End-to-end API test against a running CRM: the compose stack in the pipeline, the packaged jar, a cluster.
#   e2e/run.sh BASE_URL [BEARER_TOKEN]          e.g. e2e/run.sh http://127.0.0.1:8080
# Authentication (the API needs "Authorization: Bearer <token>"): the token is BEARER_TOKEN or $CRM_TOKEN (an
# admin's); without one, a token is created over HTTP Basic from $CRM_ADMIN_EMAIL (default admin@crm.local) and
# $CRM_ADMIN_PASSWORD (or the file named by $CRM_ADMIN_PASSWORD_FILE) and revoked again on exit. A service started
# with CRM_AUTH_ENABLED=false (its /ready says so) is tested without credentials, checking that it is open.
# First the authentication checks (anonymous 401 with WWW-Authenticate: Bearer, a VIEWER's read 200 and write 403,
# a revoked token 401 at once), then the legacy API exactly as the original service's compose E2E walked it
# (health, root, list, create person 123, list contains it, get, update, verify, create 456, delete 456, 456 is
# gone), then the v1 API (contacts, companies, deals with If-Match/412, pipeline, a merge, a CSV import; with
# E2E_EXPECT_TOPOLOGY=replicaSet|standalone also what /ready says the store is). Stops at the first failure
# (exit 1); the last line is always "N passed, N failed". Needs bash, curl and jq. Tokens and passwords are never
# printed.
set -uo pipefail

if (($# < 1)) || [[ $1 == -h || $1 == --help ]]; then
  echo "usage: $0 BASE_URL [BEARER_TOKEN]   (or CRM_TOKEN, or CRM_ADMIN_EMAIL + CRM_ADMIN_PASSWORD[_FILE])" >&2
  exit 2
fi
# shellcheck source=SCRIPTDIR/../scripts/lib/common.sh
. "$(dirname "${BASH_SOURCE[0]}")/../scripts/lib/common.sh"
require_tools curl jq

BASE_URL=${1%/}
TOKEN=${2:-${CRM_TOKEN:-}}
ADMIN_EMAIL=${CRM_ADMIN_EMAIL:-admin@crm.local}
ADMIN_PASSWORD=${CRM_ADMIN_PASSWORD:-}
if [[ -z $ADMIN_PASSWORD && -n ${CRM_ADMIN_PASSWORD_FILE:-} ]]; then
  ADMIN_PASSWORD=$(<"$CRM_ADMIN_PASSWORD_FILE") || { echo "cannot read CRM_ADMIN_PASSWORD_FILE" >&2; exit 2; }
fi
# Unique per run, so the v1 records (unique emails and domains) never collide with an earlier run's.
RUN_ID="$(date +%s)-$$-${RANDOM}"

work=$(mktemp -d)
# Token ids this run created and must revoke on exit (a user may hold only a limited number of tokens).
OWN_TOKEN_ID=""
cleanup() {
  if [[ -n $OWN_TOKEN_ID && -n $TOKEN ]]; then
    curl -sS -o /dev/null --max-time 10 -X DELETE -K - "${BASE_URL}/api/v1/auth/tokens/${OWN_TOKEN_ID}" \
      <<<"header = \"Authorization: Bearer ${TOKEN}\"" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

passed=0
failed=0
STATUS=""
BODY=""

summary() {
  echo "${passed} passed, ${failed} failed"
}

# req METHOD PATH [BODY [CONTENT_TYPE]] [-- extra curl args...]: sets STATUS, BODY; headers in $work/headers.
# Sends $AUTH (a full Authorization header value; default the Bearer token) through curl's config on stdin, so no
# credential ever shows in a process listing. AUTH=none sends none.
req() {
  local method=$1 path=$2 data=${3-} ctype=${4:-application/json}
  shift $(($# < 4 ? $# : 4))
  [[ ${1-} == -- ]] && shift
  local args=(-sS -o "$work/body" -D "$work/headers" -w '%{http_code}' -X "$method" --max-time 20
    -H 'Accept: application/json' -K -)
  local auth=${AUTH:-}
  [[ -z $auth && -n $TOKEN ]] && auth="Bearer ${TOKEN}"
  [[ $auth == none ]] && auth=""
  [[ -n $data ]] && args+=(-H "Content-Type: ${ctype}" --data-binary "$data")
  : >"$work/body"
  local config=""
  [[ -n $auth ]] && config="header = \"Authorization: ${auth}\""
  STATUS=$(curl "${args[@]}" "$@" "${BASE_URL}${path}" 2>"$work/curl-error" <<<"$config") || STATUS="000"
  BODY=$(cat "$work/body")
}

# basic EMAIL PASSWORD: the Authorization value of HTTP Basic.
basic() {
  printf 'Basic %s' "$(printf '%s:%s' "$1" "$2" | base64 -w0)"
}
header() {
  tr -d '\r' <"$work/headers" | awk -v name="$(tr '[:upper:]' '[:lower:]' <<<"$1")" '
    { split($0, kv, ": "); if (tolower(kv[1]) == name) { sub(/^[^:]*: */, ""); value = $0 } }
    END { print value }'
}

# check NAME EXPECTED_STATUS [JQ_FILTER]: the filter must print true for the response body.
check() {
  local name=$1 expected=$2 filter=${3-}
  local ok=1
  [[ $STATUS == "$expected" ]] || ok=0
  if ((ok)) && [[ -n $filter ]]; then
    [[ $(jq -r "$filter" <<<"$BODY" 2>/dev/null) == true ]] || ok=0
  fi
  if ((ok)); then
    passed=$((passed + 1))
    echo "PASS ${name}"
  else
    failed=$((failed + 1))
    echo "FAIL ${name}: expected HTTP ${expected}${filter:+ and ${filter}}, got HTTP ${STATUS}" >&2
    [[ -s $work/curl-error ]] && echo "  curl: $(cat "$work/curl-error")" >&2
    echo "  body: ${BODY:0:500}" >&2
    summary
    exit 1
  fi
}

# check_true NAME RESULT: for facts not read from the body (headers, values compared across calls).
check_true() {
  local name=$1 result=$2
  if [[ $result == true ]]; then
    passed=$((passed + 1))
    echo "PASS ${name}"
  else
    failed=$((failed + 1))
    echo "FAIL ${name}" >&2
    echo "  headers: $(tr -d '\r' <"$work/headers" | tr '\n' ' ')" >&2
    summary
    exit 1
  fi
}

echo "== service (${BASE_URL})"
# The original walk's first step, before anything needs credentials.
req GET /health
check "GET /health is healthy" 200 '.status == "healthy" and .service == "CRM API"'

echo "== authentication"
req GET /ready
auth_off=$(jq -r 'has("auth")' <<<"$BODY" 2>/dev/null)
if [[ $auth_off == true ]]; then
  # CRM_AUTH_ENABLED=false: everything is open, and the service says so.
  TOKEN=""
  AUTH=none
  check "/ready reports that authentication is disabled" 200 '.auth | test("DISABLED")'
  req GET /api/v1/contacts?limit=1
  check "authentication off: anonymous API read is allowed" 200 '.items | type == "array"'
else
  if [[ -z $TOKEN ]]; then
    if [[ -z $ADMIN_PASSWORD ]]; then
      echo "authentication is on: give a token (BEARER_TOKEN, CRM_TOKEN) or CRM_ADMIN_PASSWORD[_FILE]" >&2
      summary
      exit 2
    fi
    AUTH=$(basic "$ADMIN_EMAIL" "$ADMIN_PASSWORD") req POST /api/v1/auth/tokens "{\"name\":\"e2e-${RUN_ID}\",\"expiresInDays\":1,\"scopes\":[\"read\",\"write\",\"admin\"]}"
    check "admin creates an API token over HTTP Basic" 201 '(.token | startswith("crm_")) and (.id | type == "string")'
    TOKEN=$(jq -r .token <<<"$BODY")
    OWN_TOKEN_ID=$(jq -r .id <<<"$BODY")
    BODY=""
  fi
  req GET /api/v1/auth/me
  check "the token signs in as an admin" 200 '.role == "ADMIN"'

  AUTH=none req GET /api/v1/contacts
  check "anonymous v1 call is 401 problem+json" 401 '.status == 401'
  check_true "401 carries WWW-Authenticate: Bearer" "$([[ $(header WWW-Authenticate) == Bearer* ]] && echo true)"
  AUTH=none req GET /person
  check "anonymous legacy call is 401 with {error}" 401 '.error | type == "string"'
  check_true "legacy 401 carries WWW-Authenticate: Bearer" "$([[ $(header WWW-Authenticate) == Bearer* ]] && echo true)"
  AUTH="Bearer crm_not-a-real-token-${RUN_ID}" req GET /api/v1/contacts
  check "an unknown token is 401" 401
  AUTH=$(basic "$ADMIN_EMAIL" "wrong-password-${RUN_ID}") req GET /api/v1/contacts
  check "HTTP Basic is not accepted on the API (tokens only)" 401

  # A viewer: created by the admin with a one-time password, chooses its own over Basic, then signs in over Basic
  # for its own token, reads but cannot write.
  viewer_email="e2e-viewer-${RUN_ID}@example.com"
  viewer_one_time="$(random_secret 18)x1"
  viewer_password="$(random_secret 18)x1"
  req POST /api/v1/users "{\"email\":\"${viewer_email}\",\"displayName\":\"E2E Viewer\",\"role\":\"VIEWER\",\"password\":\"${viewer_one_time}\"}"
  check "admin creates a VIEWER user" 201 ".role == \"VIEWER\" and .mustChangePassword and (has(\"passwordHash\") | not) and (has(\"password\") | not)"
  viewer_id=$(jq -r .id <<<"$BODY")
  AUTH=$(basic "$viewer_email" "$viewer_one_time") req POST /api/v1/auth/tokens '{"name":"e2e-viewer","expiresInDays":1}'
  check "the admin's one-time password makes no token" 403
  AUTH=$(basic "$viewer_email" "$viewer_one_time") req POST /api/v1/auth/password "{\"currentPassword\":\"${viewer_one_time}\",\"newPassword\":\"${viewer_password}\"}"
  check "the viewer chooses its own password" 204
  AUTH=$(basic "$viewer_email" "$viewer_password") req POST /api/v1/auth/tokens '{"name":"e2e-viewer","expiresInDays":1}'
  check "the viewer creates its own token" 201 '.token | startswith("crm_")'
  viewer_token=$(jq -r .token <<<"$BODY")
  viewer_token_id=$(jq -r .id <<<"$BODY")
  BODY=""
  AUTH="Bearer ${viewer_token}" req GET "/api/v1/contacts?limit=1"
  check "VIEWER token: read is 200" 200 '.items | type == "array"'
  AUTH="Bearer ${viewer_token}" req GET /person
  check "VIEWER token: legacy read is 200" 200 'type == "array"'
  AUTH="Bearer ${viewer_token}" req POST /api/v1/contacts "{\"name\":\"Viewer Write ${RUN_ID}\"}"
  check "VIEWER token: write is 403 problem+json" 403 '.status == 403'
  AUTH="Bearer ${viewer_token}" req POST "/person/viewer-${RUN_ID}" '{"name":"Viewer Write"}'
  check "VIEWER token: legacy write is 403" 403
  AUTH="Bearer ${viewer_token}" req GET /api/v1/users
  check "VIEWER token: user management is 403" 403
  AUTH="Bearer ${viewer_token}" req DELETE "/api/v1/auth/tokens/${viewer_token_id}"
  check "a read-only token cannot revoke (a write): 403 naming the scope" 403 '.missingScope == "write"'
  AUTH=$(basic "$viewer_email" "$viewer_password") req DELETE "/api/v1/auth/tokens/${viewer_token_id}"
  check "the viewer revokes its token with its password" 204
  # Each replica remembers a checked token for CRM_TOKEN_CACHE_TTL (5 s by default; E2E_TOKEN_CACHE_SECONDS here):
  # the one that revoked it refuses it at once, the others within that time (docs/security.md "Token cache"). Past
  # it, every replica refuses it: two requests, so a round-robin proxy asks two of them.
  sleep "$(( ${E2E_TOKEN_CACHE_SECONDS:-5} + 1 ))"
  AUTH="Bearer ${viewer_token}" req GET "/api/v1/contacts?limit=1"
  check "a revoked token is 401 once the token cache lifetime has passed" 401 '.status == 401'
  AUTH="Bearer ${viewer_token}" req GET "/api/v1/contacts?limit=1"
  check "a revoked token is 401 on the next replica too" 401 '.status == 401'
  viewer_token=""
  # Leave no usable account behind (a run against a shared environment).
  req PATCH "/api/v1/users/${viewer_id}" '{"enabled":false}' application/merge-patch+json
  check "admin disables the e2e viewer" 200 '.enabled == false'
  AUTH=""
fi

echo "== legacy API"
# Setup, not a check: remove what an earlier run may have left so that person 123 can be created again.
req DELETE /person/123
req DELETE /person/456

req GET /
check "GET / describes the service" 200 '.service == "CRM REST API" and (.endpoints | type == "object")'
req GET /person
check "GET /person lists people" 200 'type == "array"'
req POST /person/123 '{"name":"John Doe","email":"john.doe@example.com","phone":"555-0123"}'
check "POST /person/123 creates person 123" 201 \
  '.message == "Person added successfully" and .person_id == "123" and (.id | test("^[0-9a-f]{24}$"))'
req GET /person
check "GET /person contains person 123" 200 'any(.[]; .person_id == "123" and .name == "John Doe")'
req GET /person/123
check "GET /person/123 returns it" 200 '.person_id == "123" and .email == "john.doe@example.com"'
req PUT /person/123 '{"name":"John Q. Doe","phone":"555-0199"}'
check "PUT /person/123 updates it" 200 '.message == "Person updated successfully" and .person_id == "123"'
req GET /person/123
check "GET /person/123 shows the update" 200 \
  '.name == "John Q. Doe" and .phone == "555-0199" and .email == "john.doe@example.com"'
req POST /person/456 '{"name":"Jane Roe","email":"jane.roe@example.com","phone":"555-0456"}'
check "POST /person/456 creates person 456" 201 '.person_id == "456"'
req DELETE /person/456
check "DELETE /person/456 deletes it" 200 '.message == "Person deleted successfully" and .person_id == "456"'
req GET /person/456
check "GET /person/456 is 404 afterwards" 404 '.error == "Person not found"'

echo "== v1 API"
problem='(.status | type == "number") and (.title | type == "string")'

# contacts
req POST /api/v1/contacts "{\"name\":\"E2E Contact ${RUN_ID}\",\"email\":\"e2e-${RUN_ID}@example.com\",\"tags\":[\"E2E\"]}"
check "POST contact" 201 '(.id | test("^[0-9a-f]{24}$")) and .version >= 1 and .tags == ["e2e"]'
contact_id=$(jq -r .id <<<"$BODY")
contact_etag=$(header ETag)
contact_version=$(jq -r .version <<<"$BODY")
check_true "contact ETag is the quoted version" "$([[ $contact_etag == "\"${contact_version}\"" ]] && echo true)"
check_true "contact Location names it" "$([[ $(header Location) == */api/v1/contacts/"${contact_id}" ]] && echo true)"
req GET "/api/v1/contacts/${contact_id}"
check "GET contact" 200 ".id == \"${contact_id}\" and .name == \"E2E Contact ${RUN_ID}\""
req PATCH "/api/v1/contacts/${contact_id}" '{"title":"Buyer","phone":"+1 555 0100"}' application/merge-patch+json \
  -- -H "If-Match: ${contact_etag}"
check "PATCH contact with If-Match" 200 ".title == \"Buyer\" and .version == $((contact_version + 1))"
req PATCH "/api/v1/contacts/${contact_id}" '{"title":"Stale"}' application/merge-patch+json \
  -- -H "If-Match: ${contact_etag}"
check "PATCH contact with a stale If-Match is 412" 412 "$problem and .status == 412"
req GET "/api/v1/contacts?q=${RUN_ID}&limit=10"
check "list contacts finds it" 200 "any(.items[]; .id == \"${contact_id}\") and has(\"nextCursor\")"
req DELETE "/api/v1/contacts/${contact_id}"
check "DELETE (archive) contact" 204
req GET "/api/v1/contacts/${contact_id}"
check "archived contact is hidden" 404 "$problem"
req GET "/api/v1/contacts?archived=true&q=${RUN_ID}"
check "archived contact is listed with archived=true" 200 "any(.items[]; .id == \"${contact_id}\")"
req POST "/api/v1/contacts/${contact_id}/restore"
check "restore contact" 200 ".id == \"${contact_id}\" and .title == \"Buyer\""
req GET "/api/v1/contacts/${contact_id}"
check "restored contact is readable" 200 ".id == \"${contact_id}\""

# companies
req POST /api/v1/companies "{\"name\":\"E2E Company ${RUN_ID}\",\"domain\":\"e2e-${RUN_ID}.example.com\",\"industry\":\"Software\"}"
check "POST company" 201 '(.id | test("^[0-9a-f]{24}$"))'
company_id=$(jq -r .id <<<"$BODY")
company_etag=$(header ETag)
req GET "/api/v1/companies/${company_id}"
check "GET company" 200 ".id == \"${company_id}\" and .domain == \"e2e-${RUN_ID}.example.com\""
req PATCH "/api/v1/companies/${company_id}" '{"industry":"Retail"}' application/merge-patch+json \
  -- -H "If-Match: ${company_etag}"
check "PATCH company with If-Match" 200 '.industry == "Retail"'
req PATCH "/api/v1/companies/${company_id}" '{"industry":"Stale"}' application/merge-patch+json \
  -- -H "If-Match: ${company_etag}"
check "PATCH company with a stale If-Match is 412" 412 "$problem"
req GET "/api/v1/companies?q=${RUN_ID}"
check "list companies finds it" 200 "any(.items[]; .id == \"${company_id}\")"
req PATCH "/api/v1/contacts/${contact_id}" "{\"companyId\":\"${company_id}\"}"
check "link the contact to the company" 200 ".companyId == \"${company_id}\""
req GET "/api/v1/companies/${company_id}/contacts"
check "company lists its contact" 200 "any((.items // .)[]; .id == \"${contact_id}\")"

# deals
req GET /api/v1/pipeline
check "GET pipeline before the deal" 200 '(if type == "array" then . else (.stages // .items) end) | type == "array"'
won_before=$(jq '[(if type == "array" then . else (.stages // .items) end)[] | select(.stage == "won") | .count] | add // 0' <<<"$BODY")
req POST /api/v1/deals "{\"title\":\"E2E Deal ${RUN_ID}\",\"amount\":1234.50,\"currency\":\"USD\",\"stage\":\"lead\",\"companyId\":\"${company_id}\",\"contactIds\":[\"${contact_id}\"]}"
check "POST deal" 201 '(.id | test("^[0-9a-f]{24}$")) and .stage == "lead" and (.amount | tonumber) == 1234.5'
deal_id=$(jq -r .id <<<"$BODY")
deal_etag=$(header ETag)
req GET "/api/v1/deals/${deal_id}"
check "GET deal" 200 ".id == \"${deal_id}\" and .currency == \"USD\""
req PATCH "/api/v1/deals/${deal_id}" '{"stage":"won"}' application/merge-patch+json -- -H "If-Match: ${deal_etag}"
check "PATCH deal to won with If-Match" 200 '.stage == "won" and .closedAt != null'
req PATCH "/api/v1/deals/${deal_id}" '{"stage":"lost","lostReason":"Budget"}' application/merge-patch+json -- -H "If-Match: ${deal_etag}"
check "PATCH deal with a stale If-Match is 412" 412 "$problem and .status == 412"
req GET "/api/v1/deals?stage=won"
check "list deals by stage" 200 "any(.items[]; .id == \"${deal_id}\")"
req GET "/api/v1/deals?companyId=${company_id}"
check "list deals by company" 200 "any(.items[]; .id == \"${deal_id}\")"
req GET /api/v1/pipeline
check "pipeline counts the won deal" 200 \
  "[(if type == \"array\" then . else (.stages // .items) end)[] | select(.stage == \"won\")][0] | .count == $((won_before + 1)) and (.amounts.USD != null)"
req DELETE "/api/v1/deals/${deal_id}"
check "DELETE (archive) deal" 204
req POST "/api/v1/deals/${deal_id}/restore"
check "restore deal" 200 ".id == \"${deal_id}\" and .stage == \"won\""

# The changes that write several documents, which run in one transaction where the store has them (a replica set):
# a merge and an import. E2E_EXPECT_TOPOLOGY (replicaSet, standalone) also checks what /ready says the store is.
if [[ -n ${E2E_EXPECT_TOPOLOGY:-} ]]; then
  req GET /ready
  if [[ $E2E_EXPECT_TOPOLOGY == replicaSet ]]; then
    check "/ready: the store is a replica set with transactions" 200 \
      '.store.topology == "replicaSet" and .store.transactions == true and (.store.setName | length > 0)'
  else
    check "/ready: the store is ${E2E_EXPECT_TOPOLOGY}" 200 ".store.topology == \"${E2E_EXPECT_TOPOLOGY}\""
  fi
fi
req POST /api/v1/contacts "{\"name\":\"E2E Duplicate ${RUN_ID}\",\"email\":\"e2e-dup-${RUN_ID}@example.com\",\"phone\":\"+1 555 0199\"}"
check "POST a duplicate contact" 201 '.id | test("^[0-9a-f]{24}$")'
duplicate_id=$(jq -r .id <<<"$BODY")
req POST /api/v1/activities "{\"type\":\"note\",\"subject\":\"E2E note ${RUN_ID}\",\"contactId\":\"${duplicate_id}\"}"
check "POST an activity on the duplicate" 201 ".contactId == \"${duplicate_id}\""
activity_id=$(jq -r .id <<<"$BODY")
req POST "/api/v1/contacts/${contact_id}/merge" "{\"duplicateId\":\"${duplicate_id}\"}"
check "merge the duplicate into the contact" 200 ".id == \"${contact_id}\""
req GET "/api/v1/activities/${activity_id}"
check "the merge moved the duplicate's activity" 200 ".contactId == \"${contact_id}\""
req GET "/api/v1/contacts/${duplicate_id}"
check "the merge archived the duplicate (archived records are 404)" 404

printf 'name,email\nE2E Import A %s,e2e-import-a-%s@example.com\nE2E Import B %s,e2e-import-b-%s@example.com\n' \
  "$RUN_ID" "$RUN_ID" "$RUN_ID" "$RUN_ID" >"$work/import.csv"
req POST /api/v1/imports "" "" -- -F "file=@${work}/import.csv;type=text/csv" -F entity=contacts
check "start a CSV import" 202 '.id | test("^[0-9a-f]{24}$")'
import_id=$(jq -r .id <<<"$BODY")
for _ in $(seq 1 60); do
  req GET "/api/v1/imports/${import_id}"
  [[ $(jq -r .status <<<"$BODY" 2>/dev/null) == running ]] || break
  sleep 0.5
done
check "the import finished with both rows created" 200 '.status == "done" and .created == 2 and .failed == 0'
req GET "/api/v1/contacts?q=e2e-import-a-${RUN_ID}"
check "an imported contact is listed" 200 '.items | length == 1'

summary
