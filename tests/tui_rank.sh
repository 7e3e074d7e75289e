#!/bin/sh
# tui_rank.sh - the Orgs pane of thousands of organisations opens with its
# first rows only and their true number; whatever reads past them makes the
# whole ranking.  On screen, the first rows, their Cum %, the count, a search
# for a row far down, G to the last rows (both orders, with their Cum %),
# scrolling up from there and `e` equal `hubtop export orgs`; opening the
# pane, moving on its first screen and G do not make the whole ranking (the
# trace's "whole" lines: G makes the last rows alone, "tail"), a search and
# scrolling between the two do.
. "${HUBTOP_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"

tt_init tui_rank

SNAP="$TT_TMP/demo.snap"
"$TT_HUBTOP" demo --models 20000 --datasets 400 -o "$SNAP" >/dev/null 2>"$TT_TMP/demo.err" ||
	{ cat "$TT_TMP/demo.err"; tt_fail "hubtop demo failed"; }
HUBTOP_ORGS="${HUBTOP_ORGS:-$TT_SRCDIR/data/orgs.tsv}" XDG_CONFIG_HOME="$TT_TMP/config" \
	"$TT_HUBTOP" export orgs --snapshot "$SNAP" --format tsv >"$TT_TMP/all.tsv" ||
	tt_fail "hubtop export orgs failed"
N=$(($(wc -l <"$TT_TMP/all.tsv") - 1))
# More organisations than the first rows the pane makes (view.h).
[ "$N" -gt 2000 ] || tt_fail "the demo has $N organisations: too few to test the first rows alone"
TRACE="$TT_TMP/trace"

# wholes: how many times the explorer has made the whole ranking; tails:
# its last rows alone.
wholes() {
	grep -c '^whole ' "$TRACE" 2>/dev/null || true
}
tails() {
	grep -c '^tail ' "$TRACE" 2>/dev/null || true
}
# same_rows TSV: every ranked row on screen (rank, account) is the export's.
same_rows() {
	tt_screen | awk 'NR >= 5 && $1 ~ /^[0-9]+$/ { print $1, $2 }' >"$TT_TMP/scr"
	[ -s "$TT_TMP/scr" ] || return 1
	awk -F '\t' 'NR == FNR { r[$1] = $2; next } { split($0, w, " ") } !(w[1] in r) || r[w[1]] != w[2] { bad = 1; print "screen:", $0, "export:", r[w[1]] } END { exit bad }' \
		"$1" "$TT_TMP/scr"
}

TT_ENV="HUBTOP_TRACE='$TRACE'" tt_start orgs 200 30 --snapshot "$SNAP"
tt_wait "/20000"
tt_keys 4
tt_wait_re " 1/$N *$"
tt_wait "Cum %"
# The first screen: the accounts and Cum % of the export's first rows.
tt_screen | awk 'NR >= 5 && $1 ~ /^[0-9]+$/ && $1 <= 20 { print $1, $2 }' >"$TT_TMP/scr"
awk -F '\t' 'NR > 1 && NR <= 21 { print $1, $2 }' "$TT_TMP/all.tsv" >"$TT_TMP/exp"
cmp -s "$TT_TMP/scr" "$TT_TMP/exp" || { diff "$TT_TMP/scr" "$TT_TMP/exp"; tt_fail "the first screen is not the export's first rows"; }
c=$(awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "cum_share") c = i } NR == 6 { printf "%.1f%%", $c * 100 }' "$TT_TMP/all.tsv")
tt_expect_line 9 "^ +5 .* $c "
tt_keys j j
tt_wait_re " 3/$N *$"
[ "$(wholes)" = 0 ] || tt_fail "opening Orgs and moving on its first screen made the whole ranking"
echo "ok the first rows and the count"

# A search for a row far down: the first row, from the top, whose account
# or name holds the term.
term=$(awk -F '\t' 'NR > 2500 && $2 ~ /^[a-z]+[0-9]*$/ && length($2) >= 7 { print $2; exit }' "$TT_TMP/all.tsv")
[ -n "$term" ] || tt_fail "no account to search for"
k=$(awk -F '\t' -v s="$term" 'NR > 1 && index(tolower($2 " " $3), s) { print NR - 1; exit }' "$TT_TMP/all.tsv")
tt_keys g g
tt_wait_re " 1/$N *$"
tt_keys /
tt_type "$term"
tt_keys Enter
tt_wait_re " $k/$N *$"
tt_wait_re "^ +$k $term "
[ "$(wholes)" = 1 ] || tt_fail "the search made the whole ranking $(wholes) times, not once"
echo "ok a search finds a row past the first ones"

# Another order and back from the top: the first rows again (the
# selection stays on its row, near the top); then G, the last row.
tt_keys g g
tt_wait_re " 1/$N *$"
tt_keys K
tt_wait "Likes▼"
tt_keys D
tt_wait "Downloads▼"
tt_wait_re " 1/$N *$"
[ "$(wholes)" = 1 ] || tt_fail "re-sorting at the top made the whole ranking"
tt_keys G
tt_wait_re " $N/$N *$"
last=$(awk -F '\t' 'END { print $1, $2 }' "$TT_TMP/all.tsv")
tt_wait_re "^ +$last "
# The last screen: the export's last rows, made as the first of the
# reverse order, not as the whole ranking.
same_rows "$TT_TMP/all.tsv" || tt_fail "the last screen is not the export's last rows"
[ "$(wholes)" = 1 ] || tt_fail "G made the whole ranking"
[ "$(tails)" = 1 ] || tt_fail "G made the last rows $(tails) times, not once"
tt_keys k k k
tt_wait_re " $((N - 3))/$N *$"
[ "$(wholes)" = 1 ] || tt_fail "moving on the last screen made the whole ranking"
echo "ok G shows the last rows"

# Ascending: the last rows are the most downloaded, and their Cum %
# (the result's downloads less those of the rows after them) is the
# export's.
"$TT_HUBTOP" export orgs --snapshot "$SNAP" --sort downloads:asc --format tsv >"$TT_TMP/asc.tsv" ||
	tt_fail "hubtop export orgs --sort downloads:asc failed"
tt_keys g g
tt_wait_re " 1/$N *$"
tt_keys D
tt_wait "Downloads▲"
tt_wait_re " 1/$N *$"
tt_keys G
tt_wait_re " $N/$N *$"
last=$(awk -F '\t' 'END { print $1, $2 }' "$TT_TMP/asc.tsv")
tt_wait_re "^ +$last "
same_rows "$TT_TMP/asc.tsv" || tt_fail "the last screen, ascending, is not the export's last rows"
for r in $((N - 1)) $((N - 4)); do
	c=$(awk -F '\t' -v r="$r" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "cum_share") c = i } NR == r + 1 { printf "%.1f%%", $c * 100 }' "$TT_TMP/asc.tsv")
	tt_screen | grep -Eq "^ +$r .* $c " || { tt_screen; tt_fail "row $r: Cum % is not the export's $c"; }
done
[ "$(wholes)" = 1 ] || tt_fail "G, ascending, made the whole ranking"
# Scrolling up past the last rows made: the whole ranking, once.
tt_keys PPage
tt_wait_gone " $N/$N *$"
p1=$(tt_screen | grep -Eo " [0-9]+/$N *$" | tail -1 | awk -F / '{ print $1 + 0 }')
step=$((N - p1))
[ "$step" -gt 0 ] || tt_fail "PPage did not move up"
tt_keys PPage PPage PPage PPage PPage PPage PPage PPage PPage PPage PPage PPage PPage PPage
tt_wait_re " $((p1 - 14 * step))/$N *$"
same_rows "$TT_TMP/asc.tsv" || tt_fail "scrolling up from the end shows other rows than the export"
[ "$(wholes)" = 2 ] || tt_fail "scrolling up past the last rows made the whole ranking $(($(wholes) - 1)) times, not once"
tt_keys D
tt_wait "Downloads▼"
echo "ok the last rows ascending, their Cum %, and the rows before them"

# `e` from a pane holding its first rows only: every row, as the export.
tt_keys g g
tt_wait_re " 1/$N *$"
tt_keys K D
tt_wait "Downloads▼"
tt_wait_re " 1/$N *$"
tt_keys e
tt_wait "Export to"
tt_keys C-u
tt_type "$TT_TMP/screen.tsv"
tt_keys Enter
tt_wait "Exported $N rows"
awk -F '\t' '{ print $2 }' "$TT_TMP/screen.tsv" >"$TT_TMP/scr"
awk -F '\t' '{ print $2 }' "$TT_TMP/all.tsv" >"$TT_TMP/exp"
cmp -s "$TT_TMP/scr" "$TT_TMP/exp" || tt_fail "e wrote other rows than hubtop export orgs"
echo "ok e writes the whole ranking"

# Models by likes, a row far down found by a search: its Cum % (walked
# back from the end of the list, the shortest way) is the export's.
"$TT_HUBTOP" export models --snapshot "$SNAP" --sort likes --format tsv >"$TT_TMP/likes.tsv" ||
	tt_fail "hubtop export models failed"
id=$(awk -F '\t' 'NR == 12002 { print $2 }' "$TT_TMP/likes.tsv")
k=$(awk -F '\t' -v s="$(printf '%s' "$id" | tr 'A-Z' 'a-z')" 'NR > 1 && index(tolower($2), s) { print NR - 1; exit }' "$TT_TMP/likes.tsv")
c=$(awk -F '\t' -v k="$k" 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "cum_share") c = i } NR == k + 1 { printf "%.1f%%", $c * 100 }' "$TT_TMP/likes.tsv")
tt_keys 1
tt_wait_re " 1/20000 *$"
tt_keys K
tt_wait "Likes▼"
tt_keys g g /
tt_type "$id"
tt_keys Enter
tt_wait_re " $k/20000 *$"
tt_wait_re "^ +$k .* $c "
tt_keys g g
tt_wait_re " 1/20000 *$"
c=$(awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "cum_share") c = i } NR == 2 { printf "%.1f%%", $c * 100 }' "$TT_TMP/likes.tsv")
tt_wait_re "^ +1 .* $c "
tt_keys Q
tt_wait_exit
echo "ok Cum % far down another order"
