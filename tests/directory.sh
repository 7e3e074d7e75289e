#!/bin/sh
# directory.sh - the shipped organisation directory: size, a clean check, and
# the share of downloads it gives a country on a list of the most downloaded
# models of 2024-2026 (tests/fixtures/top-models-2024-2026.jsonl).
set -u
: "${HUBTOP:?}" "${HUBTOP_SRCDIR:?}"
T=${HUBTOP_TEST_TMP:-/tmp}/directory.$$
rm -rf "$T"; mkdir -p "$T"
trap 'rm -rf "$T"' EXIT
export HUBTOP_CACHE_DIR="$T/cache" XDG_CONFIG_HOME="$T/config"
ORGS=$HUBTOP_SRCDIR/data/orgs.tsv
pass=0; fail=0
ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); echo "FAIL: $*"; }

# At least 3,400 entries, no problem.
"$HUBTOP" orgs check "$ORGS" >"$T/out" 2>"$T/err" && ok ||
	{ bad "orgs check found problems"; head -20 "$T/err"; }
n=$(sed -n 's/^.*: \([0-9][0-9]*\) entries (.*/\1/p' "$T/out")
[ "${n:-0}" -ge 3400 ] && ok || bad "the directory has ${n:-no} entries, expected at least 3400"
# Every entry without a country is listed for review with its line.
m=$(grep -c "orgs.tsv:[0-9]*: " "$T/out")
k=$(sed -n 's/.* \([0-9][0-9]*\) without a country$/\1/p' "$T/out")
[ -n "$k" ] && [ "$m" = "$k" ] && ok || bad "listed $m entries without a country, summary says ${k:-nothing}"

# share PCT MIN: PCT (one decimal) >= MIN
atleast() { awk -v p="$1" -v m="$2" 'BEGIN { exit !(p + 0 >= m + 0) }'; }

"$HUBTOP" import "$HUBTOP_SRCDIR/tests/fixtures/top-models-2024-2026.jsonl" -o "$T/top.hts" \
	2>"$T/err" && ok || { bad "import of the 2024-2026 list failed"; cat "$T/err"; }
"$HUBTOP" orgs coverage --top 200 --snapshot "$T/top.hts" --orgs-file "$ORGS" >"$T/out" 2>"$T/err" ||
	bad "orgs coverage failed: $(cat "$T/err")"
p=$(sed -n 's/^with a country: *\([0-9.]*\)%.*/\1/p' "$T/out")
echo "2024-2026 list: top-200 accounts with a country: ${p:-?}%"
[ -n "$p" ] && atleast "$p" 90 && ok || { bad "coverage on the 2024-2026 list is ${p:-unknown}%, expected >= 90%"; cat "$T/out"; }

echo "directory: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
