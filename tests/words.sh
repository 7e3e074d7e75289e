#!/bin/sh
# words.sh - the same words everywhere on the command line: sort keys under
# the names `hf` users type, countries typed as names or alpha-3 codes
# answered with the code meant, --author checked with did-you-mean, and an
# import that would replace a snapshot fetched from the Hub asks first (on
# a terminal) or needs --replace.
. "${HUBTOP_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"

tt_init words

SNAP="$TT_TMP/demo.snap"
"$TT_HUBTOP" demo --models 3000 --datasets 400 -o "$SNAP" >/dev/null 2>"$TT_TMP/demo.err" ||
	{ cat "$TT_TMP/demo.err"; tt_fail "hubtop demo failed"; }

# refused EXPECTED ARGS...: exit status 2 and EXPECTED (fixed) on stderr.
refused() {
	want=$1
	shift
	"$TT_HUBTOP" "$@" >/dev/null 2>"$TT_TMP/err"
	rc=$?
	[ "$rc" = 2 ] || tt_fail "hubtop $*: exit $rc, expected 2: $(cat "$TT_TMP/err")"
	grep -qF -- "$want" "$TT_TMP/err" || tt_fail "hubtop $*: '$(cat "$TT_TMP/err")' does not say '$want'"
}

# ---- Sort keys by the Hub's names: the same rows as ours.
for pair in trending_score:trending created_at:created trendingScore:trending id:name \
	last_modified:modified lastModified:modified; do
	"$TT_HUBTOP" export models --snapshot "$SNAP" --sort "${pair%%:*}" --limit 20 --format csv >"$TT_TMP/a" ||
		tt_fail "--sort ${pair%%:*} refused"
	"$TT_HUBTOP" export models --snapshot "$SNAP" --sort "${pair#*:}" --limit 20 --format csv >"$TT_TMP/b"
	cmp -s "$TT_TMP/a" "$TT_TMP/b" || tt_fail "--sort ${pair%%:*} differs from --sort ${pair#*:}"
done
# By the last modification: newest first (oldest with :asc), unknown last
# either way; the item lists only.
for dir in desc asc; do
	"$TT_HUBTOP" export models --snapshot "$SNAP" --sort "last_modified:$dir" --format csv >"$TT_TMP/m" ||
		tt_fail "--sort last_modified:$dir refused"
	awk -F, -v dir="$dir" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "last_modified") c = i; if (!c) exit 3; next }
		$c == "" { unknown = 1; next }
		unknown { print "a date after an unknown one, row " NR - 1; exit 1 }
		p != "" && (dir == "desc" ? $c > p : $c < p) { print "row " NR - 1 ": " p " then " $c; exit 1 }
		{ p = $c }' "$TT_TMP/m" >"$TT_TMP/out" || tt_fail "--sort last_modified:$dir: $(cat "$TT_TMP/out")"
done
refused "have no such column" export orgs --snapshot "$SNAP" --sort last_modified
refused "trending (or trending_score)" export models --snapshot "$SNAP" --sort hotness
echo "ok sort names"

# ---- A country by name or alpha-3 code: the alpha-2 code is suggested.
refused "did you mean CN (China)?" export models --snapshot "$SNAP" --country China
refused "did you mean CN (China)?" export models --snapshot "$SNAP" --country CHN
refused "did you mean US (United States)?" export models --snapshot "$SNAP" --country USA
refused "did you mean GB (United Kingdom)?" report --snapshot "$SNAP" --country UK
refused "expected an ISO 3166-1 alpha-2 code" export models --snapshot "$SNAP" --country Atlantis
echo "ok countries"

# ---- --author: an account no item has is refused with the closest ones.
refused "--author 'Qwem': no item in the snapshot has that account (did you mean 'Qwen'" \
	export models --snapshot "$SNAP" --author Qwem
refused "did you mean 'Qwen'" report --snapshot "$SNAP" --author Qwem
n=$("$TT_HUBTOP" export models --snapshot "$SNAP" --author qwen --format csv | awk 'END { print NR - 1 }')
[ "$n" -gt 0 ] || tt_fail "--author qwen found no model"
echo "ok author"

# ---- Import over a snapshot fetched from the Hub.
TESTHUB=${TESTHUB:-$(dirname "$TT_HUBTOP")/tests/testhub}
if [ ! -x "$TESTHUB" ]; then
	echo "import not tested: $TESTHUB is not built"
	exit 0
fi
"$TESTHUB" --generate 30 --generate-datasets 5 --max-seconds 60 >"$TT_TMP/hub.out" 2>"$TT_TMP/hub.err" &
HUB_PID=$!
n=0
while ! grep -q '^PORT ' "$TT_TMP/hub.out" 2>/dev/null && [ $n -lt 400 ]; do sleep 0.05; n=$((n + 1)); done
HUB_PORT=$(awk '$1 == "PORT" { print $2; exit }' "$TT_TMP/hub.out")
[ -n "$HUB_PORT" ] || tt_fail "the test hub did not start: $(cat "$TT_TMP/hub.out" "$TT_TMP/hub.err")"
"$TT_HUBTOP" fetch --endpoint "http://127.0.0.1:$HUB_PORT" --cache-dir "$TT_TMP/cache" --orgs 0 \
	>/dev/null 2>"$TT_TMP/fetch.err" || { kill "$HUB_PID"; tt_fail "fetch failed: $(cat "$TT_TMP/fetch.err")"; }
kill "$HUB_PID" 2>/dev/null
wait "$HUB_PID" 2>/dev/null
printf '{"id":"me/one","downloads":5}\n{"id":"me/two","downloads":7}\n' >"$TT_TMP/items.jsonl"
refused "pass --replace to do so, or -o FILE" import "$TT_TMP/items.jsonl" --cache-dir "$TT_TMP/cache" </dev/null
"$TT_HUBTOP" info --cache-dir "$TT_TMP/cache" | grep -q "30" || tt_fail "the fetched snapshot was replaced"
# On a terminal it asks: no keeps the snapshot, yes replaces it.
TT_HOLD=1 tt_start ask 250 10 import "$TT_TMP/items.jsonl" --cache-dir "$TT_TMP/cache"
tt_wait "Replace it with the import? [y/N]"
tt_wait "fetched from http://127.0.0.1:$HUB_PORT"
tt_type "n"
tt_keys Enter
tt_wait "import cancelled: the cache's snapshot is unchanged"
tt_wait "[exit 2]"
tt_stop
TT_HOLD=1 tt_start ask2 250 10 import "$TT_TMP/items.jsonl" --cache-dir "$TT_TMP/cache"
tt_wait "Replace it with the import? [y/N]"
tt_type "y"
tt_keys Enter
tt_wait "2 models, 0 datasets"
tt_wait "[exit 0]"
tt_stop
# An imported snapshot is no fetched one: another import replaces it.
"$TT_HUBTOP" import "$TT_TMP/items.jsonl" --cache-dir "$TT_TMP/cache" </dev/null 2>"$TT_TMP/err" ||
	tt_fail "import over an import refused: $(cat "$TT_TMP/err")"
echo "ok import"
