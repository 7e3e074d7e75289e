#!/bin/sh
# tui_attrib.sh - the attribution key does not freeze the explorer: while
# the other mode's view is built (held here until a file exists,
# HUBTOP_TEST_FOCUS_HOLD), the status line says so and keys answer in the
# mode shown (its rows, its count, `e` exports them); once made, the screen
# switches by itself, its rows equal `hubtop export orgs --by lineage`, and
# undo goes back.  The key again during a build cancels the switch;
# quitting during one ends at once.
. "${HUBTOP_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"

tt_init tui_attrib

SNAP="$TT_TMP/demo.snap"
"$TT_HUBTOP" demo --models 20000 --datasets 400 -o "$SNAP" >/dev/null 2>"$TT_TMP/demo.err" ||
	{ cat "$TT_TMP/demo.err"; tt_fail "hubtop demo failed"; }
for by in uploader lineage; do
	HUBTOP_ORGS="${HUBTOP_ORGS:-$TT_SRCDIR/data/orgs.tsv}" XDG_CONFIG_HOME="$TT_TMP/config" \
		"$TT_HUBTOP" export orgs --snapshot "$SNAP" --format tsv --by $by >"$TT_TMP/$by.tsv" ||
		tt_fail "hubtop export orgs --by $by failed"
done
NU=$(($(wc -l <"$TT_TMP/uploader.tsv") - 1))
NL=$(($(wc -l <"$TT_TMP/lineage.tsv") - 1))
[ "$NU" != "$NL" ] || tt_fail "the demo has as many organisations by lineage as by uploader ($NU): cannot tell them apart"
TRACE="$TT_TMP/trace"
GO="$TT_TMP/go"

# first_rows MODE N: from the top (gg), the screen's first 15 rows are
# that export's, N rows in all.
first_rows() {
	tt_keys g g
	tt_wait_re " 1/$2 *$"
	tt_screen | awk 'NR >= 5 && $1 ~ /^[0-9]+$/ && $1 <= 15 { print $1, $2 }' >"$TT_TMP/scr"
	awk -F '\t' 'NR > 1 && NR <= 16 { print $1, $2 }' "$TT_TMP/$1.tsv" >"$TT_TMP/exp"
	cmp -s "$TT_TMP/scr" "$TT_TMP/exp" || { diff "$TT_TMP/scr" "$TT_TMP/exp"; tt_fail "the first rows are not those of export --by $1"; }
}

TT_ENV="HUBTOP_TRACE='$TRACE' HUBTOP_TEST_FOCUS_HOLD='$GO'" tt_start attrib 200 30 --snapshot "$SNAP"
tt_wait "/20000"
tt_keys 4
tt_wait_re " 1/$NU *$"
first_rows uploader $NU

# The key: at once the status line says the lineage view is being built;
# the keys still answer by uploader.
tt_keys a
tt_wait "building the lineage view"
tt_wait "keys still answer by uploader"
tt_keys j j
tt_wait_re " 3/$NU *$"
tt_wait "building the lineage view"
first_rows uploader $NU
tt_wait "building the lineage view"
# An export now is what is on screen: the uploader's rows.
tt_keys e
tt_wait "Export to"
tt_keys C-u
tt_type "$TT_TMP/during.tsv"
tt_keys Enter
tt_wait "Exported"
awk -F '\t' 'NR > 1 && NR <= 16 { print $1, $2 }' "$TT_TMP/during.tsv" >"$TT_TMP/dur"
awk -F '\t' 'NR > 1 && NR <= 16 { print $1, $2 }' "$TT_TMP/uploader.tsv" >"$TT_TMP/exp"
cmp -s "$TT_TMP/dur" "$TT_TMP/exp" || tt_fail "an export during the build is not the uploader's rows"
grep -q '^swap ' "$TRACE" && tt_fail "swapped before the build was let finish"
echo "ok keys answer by uploader while the lineage view is built"

# Made: the switch comes without a key.
touch "$GO"
tt_wait "Attribution: lineage"
tt_wait_re " [0-9]+/$NL *$"
first_rows lineage $NL
tt_expect_not "building the"
# In the trace: the key, a draw (the message), the j keys, then the swap.
awk '$1 == "focus" { f = 1 } $1 == "key" && $3 == 106 && f { k = 1 } $1 == "swap" && k { s = 1 } END { exit !s }' "$TRACE" ||
	tt_fail "the trace does not show keys answered between the build's start and the swap"
echo "ok the switch once the view is made: the rows of export --by lineage"

# Undo: back to the uploader (its view built again at once).
tt_keys u
tt_wait "Filter change undone"
tt_wait_re " [0-9]+/$NU *$"
first_rows uploader $NU
tt_keys a
tt_wait "Attribution: lineage"
tt_wait_re " [0-9]+/$NL *$"

# The key again during a build cancels the switch: the mode stays.
rm -f "$GO"
tt_keys a
tt_wait "building the uploader view"
tt_keys a
tt_wait "Attribution stays lineage"
tt_wait_gone "building the uploader view"
first_rows lineage $NL
tt_keys a
tt_wait "building the uploader view"
touch "$GO"
tt_wait "Attribution: uploader"
tt_wait_re " [0-9]+/$NU *$"
first_rows uploader $NU
echo "ok the key during a build cancels it; again, it switches"

# Quitting during a build: the explorer ends at once.
rm -f "$GO"
tt_keys a
tt_wait "building the lineage view"
tt_keys q
tt_wait_exit
echo "ok quit during a build"
