#!/bin/sh
# orgs2022.sh - organisations on the real July 2022 listing of the Hub
# (../shared/hubdata): the organisation ranking puts Google, Hugging Face
# and Meta first, OpenAI among the first five, each with the number of its
# accounts; the account ranking is still there; an organisation's
# downloads are the sum of its accounts'.  Skips (77) without the listing.
set -u
: "${HUBTOP:?}" "${HUBTOP_SRCDIR:?}"
LIST=${HUBTOP_SHARED:-$HUBTOP_SRCDIR/../shared}/hubdata/models-2022-07.jsonl
if [ ! -r "$LIST" ]; then
	echo "SKIP: $LIST absent"
	exit 77
fi
T=${HUBTOP_TEST_TMP:-/tmp}/orgs2022.$$
rm -rf "$T"; mkdir -p "$T"
trap 'rm -rf "$T"' EXIT
export HUBTOP_CACHE_DIR="$T/cache" XDG_CONFIG_HOME="$T/config"
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }

# The count of imported models is another matter (long legacy ids): only
# that most of the file is there.
"$HUBTOP" import "$LIST" -o "$T/2022.hts" 2>"$T/err" || { echo "FAIL: import"; cat "$T/err"; exit 1; }
n=$(sed -n 's/.*: \([0-9]*\) models imported.*/\1/p' "$T/err")
[ "${n:-0}" -gt 55000 ] && ok || bad "import: $n models"
H="$HUBTOP --snapshot $T/2022.hts"

$H export orgs --limit 30 --format tsv >"$T/orgs.tsv" 2>"$T/err" || bad "export orgs: $(cat "$T/err")"
# rank,account,name,country,country_group,org_type,models,downloads,share,accounts,...
row() { awk -F'\t' -v r="$1" '$1 == r { print $3 "|" $10 }' "$T/orgs.tsv"; }
accounts_of() { awk -F'\t' -v a="$1" '$2 == a { print $10 }' "$T/orgs.tsv"; }
downloads_of() { awk -F'\t' -v a="$1" '$2 == a { print $8 }' "$T/orgs.tsv"; }
case "$(row 1)" in Google\|*) ok ;; *) bad "first organisation: $(row 1)" ;; esac
case "$(row 2)" in Hugging\ Face\|*) ok ;; *) bad "second organisation: $(row 2)" ;; esac
case "$(row 3)" in Meta\|*) ok ;; *) bad "third organisation: $(row 3)" ;; esac
awk -F'\t' '$1 >= 1 && $1 <= 5 && $3 == "OpenAI"' "$T/orgs.tsv" | grep -q . && ok ||
	bad "OpenAI not among the first five organisations"
for a in google huggingface meta-llama openai; do
	c=$(accounts_of $a)
	[ "${c:-0}" -ge 5 ] && ok || bad "$a: ${c:-no} accounts, expected several"
done
echo "organisations: $(awk -F'\t' 'NR > 1 && NR <= 6 { printf "%s %s (%s accounts, %s); ", $1, $3, $10, $9 }' "$T/orgs.tsv")"

# The account ranking: a legacy id first, Google's own account far below.
$H export orgs --group-by account --format tsv >"$T/accts.tsv" 2>"$T/err" || bad "export orgs --group-by account"
awk -F'\t' '$1 == 1 { print $2 }' "$T/accts.tsv" | grep -qx "bert-base-uncased" && ok ||
	bad "first account: $(awk -F'\t' '$1 == 1' "$T/accts.tsv")"
g=$(awk -F'\t' '$2 == "google" { print $1 }' "$T/accts.tsv")
[ "${g:-0}" -gt 5 ] && ok || bad "the google account ranks ${g:-nowhere}"
awk -F'\t' 'NR > 1 && $10 != 1 { exit 1 }' "$T/accts.tsv" && ok || bad "an account row counts more than one account"
# Every account once: as many models and downloads as the organisations.
sum() { awk -F'\t' -v c="$2" 'NR > 1 { s += $c } END { printf "%.0f", s }' "$1"; }
$H export orgs --format tsv >"$T/all.tsv"
[ "$(sum "$T/all.tsv" 8)" = "$(sum "$T/accts.tsv" 8)" ] && [ "$(sum "$T/all.tsv" 7)" = "$(sum "$T/accts.tsv" 7)" ] &&
	ok || bad "the levels do not hold the same downloads"

# Each of the first organisations: its downloads are the sum of its accounts'.
for a in google huggingface meta-llama openai; do
	$H export orgs --org "$a" --group-by account --format tsv >"$T/one.tsv" 2>"$T/err" || bad "--org $a"
	n=$(($(wc -l <"$T/one.tsv") - 1))
	[ "$n" = "$(accounts_of $a)" ] && ok || bad "$a: $n accounts listed, $(accounts_of $a) counted"
	[ "$(sum "$T/one.tsv" 8)" = "$(downloads_of $a)" ] && ok ||
		bad "$a: accounts sum to $(sum "$T/one.tsv" 8), organisation has $(downloads_of $a)"
done
# Both attribution modes, report text and JSON.
$H export orgs --by lineage --limit 3 --format tsv | awk -F'\t' '$1 == 1 { print $3 }' | grep -qx Google && ok ||
	bad "by lineage: Google is not first"
$H report >"$T/report.txt" && grep -q "Google .* 2[0-9]* accounts" "$T/report.txt" && ok || bad "report lacks Google's accounts"
$H report --format json | grep -q '"top_orgs"' && ok || bad "report JSON lacks top_orgs"

echo "orgs2022: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
