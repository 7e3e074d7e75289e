#!/bin/sh
# fetch.sh - `hubtop fetch` through the real binary against the test hub.
set -u
: "${HUBTOP:?}" "${HUBTOP_SRCDIR:?}"
if [ -z "${TESTHUB:-}" ] || [ ! -x "$TESTHUB" ]; then
	echo "SKIP: \$TESTHUB does not name the test hub program"
	exit 77
fi
T=${HUBTOP_TEST_TMP:-/tmp}/fetch.$$
rm -rf "$T"; mkdir -p "$T"
FIX=$HUBTOP_SRCDIR/tests/fixtures
TOKEN=hf_FetchShSecret0123456789
HUB_PID=""
cleanup() {
	[ -n "$HUB_PID" ] && kill "$HUB_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
# Never the user's own token, Hub or cache.
unset HF_TOKEN HUGGING_FACE_HUB_TOKEN HF_TOKEN_PATH HF_ENDPOINT HF_HUB_OFFLINE
export HF_HOME="$T/hfhome" XDG_CONFIG_HOME="$T/config" HUBTOP_CACHE_DIR="$T/unused"
. "$HUBTOP_SRCDIR/tests/checks.sh"

# hub_start NAME ARGS...: starts the test hub, sets PORT, EP, LOG.
hub_start() {
	name=$1; shift
	[ -n "$HUB_PID" ] && kill "$HUB_PID" 2>/dev/null && wait "$HUB_PID" 2>/dev/null
	LOG="$T/$name.log"
	"$TESTHUB" --models "$FIX/hub-models.jsonl" --datasets "$FIX/hub-datasets.jsonl" \
		--page-size 6 --org google --log "$LOG" --max-seconds 60 "$@" >"$T/$name.port" &
	HUB_PID=$!
	i=0
	while [ $i -lt 200 ] && ! grep -q '^PORT ' "$T/$name.port" 2>/dev/null; do
		sleep 0.05; i=$((i + 1))
	done
	PORT=$(sed -n 's/^PORT //p' "$T/$name.port")
	[ -n "$PORT" ] || { echo "FAIL: the test hub did not start"; exit 1; }
	EP=http://127.0.0.1:$PORT
}

# wait_file FILE: polls (bounded) until FILE exists.
wait_file() {
	i=0
	while [ $i -lt 200 ] && [ ! -e "$1" ]; do sleep 0.05; i=$((i + 1)); done
	[ -e "$1" ]
}

# A complete fetch; the snapshot opens; a summary, no progress line off a terminal.
hub_start plain
C=$T/cache
run 0 "$HUBTOP" fetch --endpoint "$EP" --cache-dir "$C" --orgs 5 &&
	has "$T/err" "Fetched 42 models and 16 datasets"
hasnt "$T/err" "items/s"
run 0 "$HUBTOP" info --cache-dir "$C" && has "$T/out" "models: *42" &&
	has "$T/out" "127.0.0.1:$PORT" && hasnt "$T/out" "DEMO"
[ -e "$C/fetch.journal" ] && bad "the journal was left behind" || ok
[ "$(grep -c '/api/organizations/' "$LOG")" = 5 ] && ok || bad "expected 5 organisation checks"
# The answers are kept with the snapshot: asked again only with --recheck-orgs.
run 0 "$HUBTOP" fetch --endpoint "$EP" --cache-dir "$C" --orgs 5 &&
	has "$T/err" "5 organisation answers kept"
[ "$(grep -c '/api/organizations/' "$LOG")" = 5 ] && ok || bad "answers kept were asked again"
run 0 "$HUBTOP" fetch --endpoint "$EP" --cache-dir "$C" --orgs 5 --recheck-orgs &&
	has "$T/err" "5 accounts checked" && hasnt "$T/err" "answers kept"
[ "$(grep -c '/api/organizations/' "$LOG")" = 10 ] && ok || bad "--recheck-orgs did not ask again"
cp "$C/snapshot.hts" "$T/good.snap" 2>/dev/null || cp "$C"/*.hts "$T/good.snap" 2>/dev/null ||
	bad "no snapshot file in $C"
SNAP=$(ls "$C"/*.hts 2>/dev/null | head -1)

# --top: partial, and said so.
run 0 "$HUBTOP" fetch --endpoint "$EP" --cache-dir "$T/top" --models --top 8 --orgs 0 &&
	has "$T/err" "Fetched 8 models and 0 datasets (top only)"
run 0 "$HUBTOP" info --cache-dir "$T/top" --json && has "$T/out" '"complete":[[:space:]]*false'

# The limit falls back to 500 when the server refuses 1000.
hub_start limit --max-limit 500
run 0 "$HUBTOP" fetch --endpoint "$EP" --cache-dir "$T/limit" --orgs 0 &&
	has "$T/err" "Fetched 42 models"
has "$LOG" "limit=500"

# Transient faults: retried, the crawl completes.
hub_start faults --fault 503@2 --fault reset@4 --fault 429@6 --ratelimit-t 0
run 0 "$HUBTOP" fetch --endpoint "$EP" --cache-dir "$T/faults" --orgs 0 &&
	has "$T/err" "Fetched 42 models and 16 datasets"

# The Hub's rate limit (4 requests a window of 1 s here, 10 listing pages):
# paced by its headers, the crawl meets no 429 and says what it waited.
hub_start quota --quota 4 --window 1 --stats "$T/quota.stats"
run 0 "$HUBTOP" fetch --endpoint "$EP" --cache-dir "$T/quota" --orgs 0 &&
	has "$T/err" "Fetched 42 models and 16 datasets" &&
	has "$T/err" "pauses for the Hub's rate limit (4 requests per 1 s)"
has "$T/quota.stats" "^limited 0$"
has "$T/quota.stats" "^max_in_window [1-4]$"

# A hard failure: a clear message, exit 1, the old snapshot untouched.
hub_start fatal --fault 404@3
run 1 "$HUBTOP" fetch --endpoint "$EP" --cache-dir "$C" --orgs 0 &&
	has "$T/err" "HTTP 404" && has "$T/err" "previous snapshot is unchanged"
cmp -s "$SNAP" "$T/good.snap" && ok || bad "the previous snapshot changed after a failed fetch"
run 0 "$HUBTOP" info --cache-dir "$C" && has "$T/out" "models: *42"
[ -e "$C/fetch.journal" ] && ok || bad "a failed fetch should keep its journal"

# A hostile Hub: pagination that never ends (the same page spelled
# otherwise, the cursor ignored), a next link too long to follow.  Each:
# exit 1 under --quiet with what the server did, the previous snapshot byte
# for byte, a bounded number of requests.
for case in "respell@2x200|points to the same page|2" "ignorecursor@2x200|do not move on|8" \
	"longlink@2|rather than take the listing as complete|2"; do
	f=${case%%|*}; rest=${case#*|}; msg=${rest%|*}; max=${rest##*|}
	hub_start "hostile-${f%%@*}" --fault "$f"
	H=$T/hostile-${f%%@*}
	mkdir -p "$H" && cp "$T/good.snap" "$H/$(basename "$SNAP")"
	run 1 "$HUBTOP" fetch --quiet --endpoint "$EP" --cache-dir "$H" --orgs 0 &&
		has "$T/err" "$msg" && has "$T/err" "previous snapshot is unchanged"
	cmp -s "$H/$(basename "$SNAP")" "$T/good.snap" && ok || bad "$f: the previous snapshot changed"
	n=$(grep -c '^GET /api/' "$LOG")
	[ "$n" -le "$max" ] && ok || bad "$f: $n requests, expected at most $max"
	j=$(wc -c <"$H/fetch.journal" 2>/dev/null || echo 0)
	[ "$j" -lt 65536 ] && ok || bad "$f: a journal of $j bytes"
done

# The token: sent to the test hub on every request, never printed or stored.
hub_start token --require-token "$TOKEN"
HF_TOKEN=$TOKEN run 0 "$HUBTOP" fetch --endpoint "$EP" --cache-dir "$T/tok" --orgs 3
n_get=$(grep -c '^GET ' "$LOG"); n_auth=$(grep -c "authorization: Bearer $TOKEN" "$LOG")
[ "$n_get" -gt 0 ] && [ "$n_get" = "$n_auth" ] && ok || bad "token sent on $n_auth of $n_get requests"
run 0 "$HUBTOP" export models --cache-dir "$T/tok" --format jsonl
cat "$T/err" >>"$T/out"
if grep -rqa "FetchShSecret" "$T/out" "$T/tok"; then bad "the token leaked"; else ok; fi
# Without it: 401 and what to do.
run 1 "$HUBTOP" fetch --endpoint "$EP" --cache-dir "$T/tok2" && has "$T/err" "HTTP 401" &&
	has "$T/err" "token"
# A next link to another host: refused; nothing reaches it; the token is not printed.
hub_start linkhost --fault linkhost@2
HF_TOKEN=$TOKEN run 1 "$HUBTOP" fetch --endpoint "$EP" --cache-dir "$T/lh" &&
	has "$T/err" "refusing" && hasnt "$T/err" "FetchShSecret"
hasnt "$LOG" "Host: localhost"

# Offline: no network at all.
hub_start offline
HF_HUB_OFFLINE=1 run 1 "$HUBTOP" fetch --endpoint "$EP" --cache-dir "$T/off" &&
	has "$T/err" "HF_HUB_OFFLINE"
[ -s "$LOG" ] && bad "HF_HUB_OFFLINE=1 still made requests" || ok

# Two fetches at once: the second says who holds the cache. Ctrl-C: exit 130,
# then the next fetch resumes.
hub_start slow --delay-ms 150
"$HUBTOP" fetch --endpoint "$EP" --cache-dir "$T/lock" --orgs 0 >"$T/first.out" 2>"$T/first.err" &
FIRST=$!
if wait_file "$T/lock/fetch.state"; then
	run 1 "$HUBTOP" fetch --endpoint "$EP" --cache-dir "$T/lock" --orgs 0 &&
		has "$T/err" "another hubtop fetch (pid $FIRST)"
	kill -INT "$FIRST"
	wait "$FIRST"; st=$?
	[ "$st" = 130 ] && ok || bad "Ctrl-C: exit $st, expected 130"
	has "$T/first.err" "interrupted"
	run 0 "$HUBTOP" fetch --endpoint "$EP" --cache-dir "$T/lock" --orgs 0 &&
		has "$T/err" "Resumed" && has "$T/err" "Fetched 42 models and 16 datasets"
else
	bad "the first fetch wrote no state"
	kill "$FIRST" 2>/dev/null
fi

echo "fetch.sh: $pass passed, $fail failed"
[ "$fail" = 0 ]
