#!/bin/sh
# directory-2022.sh - the share of the downloads of the 200 accounts with the
# most downloads in the real July 2022 listing (../shared/hubdata) that the
# shipped directory gives a country.  Skipped (77) when the listing is absent.
set -u
: "${HUBTOP:?}" "${HUBTOP_SRCDIR:?}"
LISTING=${HUBTOP_SHARED:-$HUBTOP_SRCDIR/../shared}/hubdata/models-2022-07.jsonl
if [ ! -r "$LISTING" ]; then
	echo "$LISTING absent: skipped"
	exit 77
fi
T=${HUBTOP_TEST_TMP:-/tmp}/directory-2022.$$
rm -rf "$T"; mkdir -p "$T"
trap 'rm -rf "$T"' EXIT
export HUBTOP_CACHE_DIR="$T/cache" XDG_CONFIG_HOME="$T/config"
ORGS=$HUBTOP_SRCDIR/data/orgs.tsv
"$HUBTOP" import "$LISTING" -o "$T/2022.hts" 2>"$T/err" || { echo "FAIL: import: $(cat "$T/err")"; exit 1; }
"$HUBTOP" orgs coverage --top 200 --snapshot "$T/2022.hts" --orgs-file "$ORGS" >"$T/out" 2>"$T/err" ||
	{ echo "FAIL: orgs coverage: $(cat "$T/err")"; exit 1; }
p=$(sed -n 's/^with a country: *\([0-9.]*\)%.*/\1/p' "$T/out")
n=$(sed -n 's/^top \([0-9]*\) accounts.*/\1/p' "$T/out")
echo "July 2022 listing: top-${n:-?} accounts with a country: ${p:-?}%"
[ "${n:-0}" = 200 ] || { echo "FAIL: expected the top 200 accounts, got ${n:-none}"; exit 1; }
awk -v p="${p:-0}" 'BEGIN { exit !(p + 0 >= 92) }' || { echo "FAIL: coverage ${p:-unknown}% < 92%"; cat "$T/out"; exit 1; }
echo "directory-2022: passed"
