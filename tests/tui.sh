#!/bin/sh
# tui.sh - the terminal explorer, driven through tmux at fixed sizes: every
# pane, the pickers, drill-down, sort, search, text filter, export (the file
# checked), resize, help (with the keys of pickers and prompts, from the
# same table), the ':' prompt, the trending sums of Orgs and Regions against
# `hubtop export`, a 40x10 terminal, wide-character ids, the
# Quick-start path (an empty cache opens the DEMO snapshot), a partial
# snapshot, and `hubtop fetch` on a terminal (progress line, rate-limit
# countdown, --quiet).
. "${HUBTOP_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"

tt_init tui

SNAP="$TT_TMP/demo.snap"
"$TT_HUBTOP" demo --models 3000 --datasets 400 -o "$SNAP" >/dev/null 2>"$TT_TMP/demo.err" ||
	{ cat "$TT_TMP/demo.err"; tt_fail "hubtop demo failed"; }

# ---- Quick start: nothing in the cache -> the built-in demo, marked DEMO.
tt_start quick 100 30
tt_wait "DEMO DATA"
tt_wait "No snapshot in the cache"
# Nine tabs and the state beside them: at 100 columns the short titles.
tt_expect_line 3 "1Mod 2Dat 3Reg 4Org 5Tre 6Con 7Tim 8Mov 9Bas +30d uploader orgs"
tt_keys q
tt_wait_exit
echo "ok quick start"

# ---- Every pane.
tt_start panes 100 30 --snapshot "$SNAP"
tt_wait "DEMO DATA"
tt_wait_re "^ +# Id +Ctry +Org type +Downloads"
tt_wait "/3000"
tt_expect_line 1 "^Models 3,000 +Downloads \(30d\)"
tt_expect_line 2 "^Countries "
tt_keys 2
tt_wait "Datasets 400"
tt_wait "/400"
tt_keys 3
tt_wait_re "^Name +Key +Models +Downloads"
tt_keys S
tt_wait "country groups"
tt_wait "United States"
tt_keys S
tt_wait "organisation types"
tt_wait "industry"
tt_keys S 4
tt_wait_re "^Account +Name +Ctry +Org type"
tt_keys 5
tt_wait "by year of creation"
tt_wait_re "^20[0-9][0-9] "
tt_keys 6
tt_wait "Lorenz curve"
tt_wait "Top 200"
tt_wait_re "Gini +0\.[0-9]{3}"
# Tab goes on to the Timeline pane (7), the Movers pane (8), the Bases
# pane (9), the last, then back to Models.
tt_keys Tab
tt_wait_re "^30-day shares by org type, 1 snapshot "
tt_keys Tab
tt_wait_re "^Name +Was +Now +Move"
tt_keys Tab
tt_wait_re "# Base model +Relation +Direct"
tt_keys Tab
tt_wait_re "^ +# Id"
tt_keys BTab
tt_wait_re "# Base model +Relation +Direct"
tt_keys BTab
tt_wait_re "^Name +Was +Now +Move"
tt_keys BTab
tt_wait "shares by org type"
tt_keys BTab
tt_wait "Lorenz curve"
echo "ok panes"

# ---- Help comes from the request table; q goes back.
tt_keys 1 '?'
tt_wait "-- Panes --"
tt_wait ":pane-next"
tt_keys q
tt_wait_re "^ +# Id"
# A picker's and a prompt's keys are requests too: help lists them, and
# Enter on a pane's line (one per pane of the registry) goes there.
tt_keys '?' /
tt_type "pick-toggle"
tt_keys Enter
tt_wait_re "^Space +Choose or unchoose the entry +:pick-toggle"
tt_keys /
tt_type "edit-delete-word"
tt_keys Enter
tt_wait_re "^\^W +Delete the word before the cursor +:edit-delete-word"
tt_keys /
tt_type "Organisations pane"
tt_keys Enter
tt_wait_re "^4 +Organisations pane \(organisations or accounts\) +:orgs"
tt_keys Enter
tt_wait_re "^Account +Name +Ctry +Org type"
tt_keys 0
tt_wait "No action on '0' (? lists the keys)"
tt_keys 1
tt_wait_re "^ +# Id"
echo "ok help"

# ---- Country picker: type-ahead, toggle, apply; the header and status follow.
tt_keys c
tt_wait "Countries: 0 of"
tt_wait "Space toggle  * all  - none  Enter apply  Esc cancel"
tt_type "China"
tt_keys Space Enter
tt_wait "--country CN"
tt_wait "Countries CN 100.0%"
# Organisation-type picker, then undo twice and clear.
tt_keys o
tt_wait "Organisation types: 0 of"
tt_type "industry"
tt_keys Space Enter
tt_wait "--org-type industry"
tt_keys u
tt_wait_gone "--org-type"
tt_keys x
tt_wait "no filter"
# The relation, language and size pickers (dims.h): their entries with
# shares, a choice becomes the paste-able options.
tt_keys b
tt_wait "Relations to a base model: 0 of 6"
tt_type "quantized"
tt_keys Space Enter
tt_wait "--relation quantized"
tt_keys v
tt_wait "Languages: 0 of"
tt_wait_re "zh +Chinese"
tt_type "zh"
tt_keys Space Enter
tt_wait "--language zh"
tt_keys s
tt_wait "Sizes: 0 of 5"
tt_type "1B-10B"
tt_keys Space Enter
tt_wait "--size 1B..10B"
tt_keys x
tt_wait "no filter"
# Trends by relation, size and language: 'S' cycles on past the groups.
# The Bases pane: base models by derivatives, their organisations (g),
# drill-down to the derivatives and down the tree.
tt_keys 9
tt_wait_re "Base model +Relation +Direct[^ ]* +Chain"
tt_wait_re "^ +1 Voxel51/Voxel51-7B +- +64 "
tt_keys Enter
tt_wait "Derivatives of Voxel51/Voxel51-7B"
tt_wait_re "^ +1 [^ ]+ +(finetune|adapter|quantized|merge) "
tt_keys BSpace
tt_wait_re "^ +1 Voxel51/Voxel51-7B +- +64 "
tt_keys S
tt_wait "Bases: organisations of the base models"
tt_keys Enter
tt_wait "Base models of "
tt_keys BSpace S
tt_wait "Bases: base models"
tt_keys 5
tt_wait "Shares of downloads by organisation type"
tt_keys S S S S
tt_wait "Shares of downloads by relation to a base model"
tt_wait_re "original .* finetune .* adapter .* quantized .* merge"
tt_keys S
tt_wait "Shares of downloads by size"
tt_wait_re "<100M .* 100M-1B .* 1B-10B"
tt_keys S
tt_wait "Shares of downloads by language"
tt_wait_re "unknown .* en .* zh"
tt_keys S S S S
tt_wait "Shares of downloads by organisation type"
tt_keys 1
tt_wait_re "^ +# Id"
echo "ok pickers"

# ---- Text filter (live) and search (jump).
tt_keys '\'
tt_wait "Filter:"
tt_type "qwen"
tt_keys Enter
tt_wait "--search qwen"
# The same rows as the command line gives for the same filter.
want=$("$TT_HUBTOP" export models --snapshot "$SNAP" --search qwen --format csv | awk 'END { print NR - 1 }')
[ "$want" -gt 0 ] || tt_fail "hubtop export found no qwen model"
tt_wait_re "/$want *$"
tt_keys u
tt_wait "no filter"
tt_keys Home /
tt_wait "Search:"
tt_type "deepseek"
tt_keys Enter
tt_wait_re "^.*deepseek.*$"
sel=$(tt_screen | sed -n '29p' | grep -oE '[0-9]+/3000' | cut -d/ -f1)
[ -n "$sel" ] || tt_fail "no position in the status line"
id_line=$(tt_screen | grep -i deepseek | head -1)
[ -n "$id_line" ] || tt_fail "search did not bring a deepseek row on screen"
# A new text filter selects its first row, even when the row selected
# before (the second deepseek model) matches it too.
tt_keys n
tt_wait_re "[0-9]+/3000 *$"
tt_keys '\'
tt_wait "Filter:"
tt_type "deepseek"
tt_keys Enter
tt_wait "--search deepseek"
tt_wait_re " 1/[0-9]+ *$"
tt_keys u
tt_wait "no filter"
echo "ok filter and search"

# ---- Drill-down: country -> its orgs -> an organisation's accounts -> an
# account's models -> detail, and back.
tt_keys x 3 Home
tt_wait_re "^Name +Key"
tt_keys Enter
tt_wait "its organisations"
tt_wait_re "^Account +Name"
tt_wait "--country "
tt_keys Enter
tt_wait "Accounts of "
tt_wait "--group-by account"
tt_keys Enter
tt_wait "Models of "
tt_wait "--author "
tt_keys Enter
tt_wait "Hub URL"
tt_wait "https://huggingface.co/"
tt_wait "Derivatives"
tt_wait "Lineage"
tt_keys BSpace
tt_wait_re "^ +# Id"
tt_keys BSpace
tt_wait_re "^Account +Name"
tt_wait "--group-by account"
tt_keys BSpace
tt_wait_gone "--group-by account"
tt_wait_re "^Account +Name"
tt_keys Escape
tt_wait_re "^Name +Key"
tt_wait "no filter"
echo "ok drill-down"


# ---- Sort: D again lists the least downloaded first (read by position
# from the result, reversed), as the export in that order does.  Ids are
# compared on their first 18 characters (the column may cut them).
first_id() { "$TT_HUBTOP" export models --snapshot "$SNAP" "$@" --limit 1 --format tsv |
	awk -F'\t' 'NR == 2 { print substr($2, 1, 18) }'; }
least=$(first_id --sort downloads:asc)
most=$(first_id --sort downloads:desc)
[ -n "$least" ] && [ -n "$most" ] || tt_fail "hubtop export gave no first model"
tt_keys 1 D
tt_wait "Downloads▲"
tt_keys Home
tt_wait_re "^ +1 +$least"
tt_keys End
tt_wait_re "^ +3000 +$most"
tt_keys D
tt_wait "Downloads▼"
tt_keys Home
tt_wait_re "^ +1 +$most"

# ---- Sort: K sorts by likes, again reverses; export writes that order.
tt_keys 1 K
tt_wait "Likes▼"
tt_keys K
tt_wait "Likes▲"
tt_keys e
tt_wait "Export to"
tt_keys C-u
tt_type "$TT_TMP/likes.csv"
tt_keys Enter
tt_wait "Exported 3000 rows"
[ -f "$TT_TMP/likes.csv" ] || tt_fail "no export file"
awk -F, 'NR == 1 { sub(/\r$/, ""); for (i = 1; i <= NF; i++) { if ($i == "likes") c = i; if ($i == "id") id = i }
		if (!c || !id) { bad = 2; exit } next }
	{ sub(/\r$/, ""); n++; if (n > 1 && $c + 0 < prev) { bad = 3; exit } prev = $c + 0 }
	END { if (bad) exit bad; if (n != 3000) exit 4 }' "$TT_TMP/likes.csv" ||
	tt_fail "likes.csv: bad header (2), order (3) or row count (4): awk status $?"
# Never overwrites without asking.
tt_keys e
tt_wait "Export to"
tt_keys C-u
tt_type "$TT_TMP/likes.csv"
tt_keys Enter
tt_wait "exists. Overwrite it?"
tt_keys n
tt_wait "Not overwritten"
# A path wider than the screen: its start gives way, the question and its
# keys stay in view.
long="$TT_TMP/long-directory-name-long-directory-name-long-directory-name-long-directory-name"
mkdir -p "$long" && : >"$long/x.csv"
tt_keys e
tt_wait "Export to"
tt_keys C-u
tt_type "$long/x.csv"
tt_keys Enter
tt_wait "exists. Overwrite it? (y/n)"
tt_keys n
tt_wait "Not overwritten"
# Default name for an aggregate pane, confirmed with the row count.
tt_keys 4 e
tt_wait "hubtop-orgs-"
tt_keys Enter
tt_wait_re "Exported [0-9]+ rows \(orgs\)"
n=$(tt_screen | grep -oE 'Exported [0-9]+' | grep -oE '[0-9]+')
f=$(ls "$TT_TMP"/hubtop-orgs-*.csv 2>/dev/null | head -1)
[ -n "$f" ] || tt_fail "no default-named export in $TT_TMP"
lines=$(awk 'END { print NR - 1 }' "$f")
[ "$lines" = "$n" ] || tt_fail "$f has $lines rows, the message said $n"
head -1 "$f" | grep -q 'account,' || tt_fail "orgs export header: $(head -1 "$f")"
echo "ok sort and export"

# ---- Resize at any moment: the layout follows the new size.
tt_keys 1
tt_wait_re "^ +# Id"
tt_tmux resize-window -t panes -x 60 -y 20
tt_wait_re "^ DEMO DATA .*[0-9]+/3000 *$"
[ "$(tt_screen | wc -l)" -le 20 ] || tt_fail "screen taller than the window"
tt_expect_line 19 "DEMO DATA"
tt_tmux resize-window -t panes -x 120 -y 40
tt_wait "6 Concentration"
tt_expect_line 39 "DEMO DATA"
tt_keys Q
tt_wait_exit
echo "ok resize"

# ---- Organisation level: O switches Orgs between organisations (the
# directory's same_as links, here two demo accounts made one) and single
# accounts; Enter on an organisation lists its accounts, on an account its
# models; Backspace goes back.
printf 'deepseek-ai\tDeepSeek Qwen Group\tCN\tindustry\tQwen\ttwo demo accounts as one\n' >"$TT_TMP/two.tsv"
tt_start level 120 30 --snapshot "$SNAP" --orgs-file "$TT_TMP/two.tsv"
tt_wait "DEMO DATA"
tt_keys 4
tt_wait_re "# Account +Name +Ctry +Org type +Accts +Models"
tt_wait_re "uploader orgs *$"
tt_wait_re "^ +1 deepseek-ai +DeepSeek Qwen Group +CN +industry +2 +91 +140k"
tt_keys O
tt_wait "Orgs: single accounts"
tt_wait_re "uploader accounts *$"
tt_wait "| --group-by account"
tt_wait_re "^ +1 deepseek-ai +DeepSeek Qwen Group +CN +industry +1 +42 +109k"
tt_wait_re "^ +3 Qwen +DeepSeek Qwen Group +CN +industry +1 +49 +30.7k"
tt_keys O
tt_wait "Orgs: organisations"
tt_wait_re "^ +1 deepseek-ai +DeepSeek Qwen Group +CN +industry +2 +91"
tt_keys Enter
tt_wait "Accounts of DeepSeek Qwen Group"
tt_wait "--org deepseek-ai --group-by account"
tt_wait_re "^ +2 Qwen +DeepSeek Qwen Group"
tt_wait_re " 1/2 *$"
tt_keys Down Enter
tt_wait "Models of Qwen"
tt_wait "--author Qwen"
tt_wait_re " 1/49 *$"
tt_keys BSpace
tt_wait_re " 2/2 *$"
tt_keys BSpace
tt_wait_re "^ +1 deepseek-ai +DeepSeek Qwen Group +CN +industry +2 +91"
tt_wait "no filter"
# A name no organisation has is refused at the prompt, with the closest.
tt_keys :
tt_type "filter org DeepSeek Qwen Grup"
tt_keys Enter
tt_wait "no organisation has that name (did you mean 'DeepSeek Qwen Group'?)"
tt_keys :
tt_type "filter org deepseek qwen group"
tt_keys Enter
tt_wait "--org 'deepseek qwen group'"
tt_wait_re " 1/1 *$"
tt_keys x
tt_wait "no filter"
# The request table knows it: help and the prompt.
tt_keys :
tt_type "toggle-level"
tt_keys Enter
tt_wait "Orgs: single accounts"
tt_keys ?
tt_wait "Keys"
tt_keys /
tt_type "toggle-level"
tt_keys Enter
tt_wait_re "^O +Orgs, Regions, Trends, report: organisations / single accounts +:toggle-level"
tt_keys q q
tt_wait_exit
echo "ok organisation level"

# ---- The ':' prompt and the filter prompts; bad values are refused with
# the valid ones, the prompt edits like a shell line.
tt_start cmd 100 30 --snapshot "$SNAP"
tt_wait "DEMO DATA"
tt_keys :
tt_type "filter country XX"
tt_keys Enter
tt_wait "XX"
tt_expect_not "--country XX"
tt_keys :
tt_type "filter task no-such-task"
tt_keys Enter
tt_wait "no item in the snapshot has --task 'no-such-task'"
tt_wait "text-generation"
tt_expect_not "--task no-such-task"
tt_keys :
tt_type "filter created 2024..2025"
tt_keys Enter
tt_wait "--created 2024"
tt_keys m
tt_wait "Minimum downloads"
tt_type "abc"
tt_keys C-u
tt_type "1000"
tt_keys Left Left BSpace Enter
tt_wait "--min-downloads 100"
want=$("$TT_HUBTOP" export models --snapshot "$SNAP" --created 2024..2025 --min-downloads 100 | awk 'END { print NR - 1 }')
tt_wait_re "/$want *$"
tt_keys :
tt_type "sort likes"
tt_keys Enter
tt_wait "Likes▼"
tt_keys :
tt_type "no-such-thing"
tt_keys Enter
tt_wait "Unknown command 'no-such-thing'"
# A pane by name, and a picker's request, which means nothing on a pane.
tt_keys :
tt_type "orgs"
tt_keys Enter
tt_wait_re "^Account +Name"
tt_keys :
tt_type "pick-all"
tt_keys Enter
tt_wait "Unknown command 'pick-all'"
tt_keys 1
# Nothing matches: the list and the Trends pane name the keys that undo it.
tt_keys :
tt_type "filter search zzqqxx-nothing"
tt_keys Enter
tt_wait "Nothing matches the filters (u: undo, x: clear all)"
tt_keys 5
tt_wait "Nothing matches the filters (u: undo, x: clear all)"
tt_keys u 1
tt_wait_gone "Nothing matches"
tt_keys t
tt_wait "Task"
tt_keys Escape
tt_wait_gone "Task (pipeline tag"
tt_keys : C-u
tt_type "quit"
tt_keys Enter
tt_wait_exit
# The same value on the command line: refused before the explorer starts.
tt_start badtask 100 30 --snapshot "$SNAP" --task no-such-task
tt_wait_exit
grep -q "no item in the snapshot has --task 'no-such-task'" "$TT_TMP/stderr-badtask" ||
	tt_fail "hubtop --task no-such-task: $(cat "$TT_TMP/stderr-badtask")"
echo "ok prompts"

# ---- Mouse: a click selects a row, the wheel scrolls, a click on a tab
# switches panes, a click on a column title sorts by it.
tt_start mouse 100 30 --snapshot "$SNAP"
tt_wait_re "/3000 *$"
tt_click 0 10 8
tt_click 3 10 8
tt_wait_re " 5/3000 *$"
tt_click 65 10 10
tt_wait_re " 8/3000 *$"
likes_x=$(tt_line 4 | awk '{ print index($0, "Likes") }')
[ "$likes_x" -gt 0 ] || tt_fail "no Likes column"
tt_click 0 "$likes_x" 3
tt_click 3 "$likes_x" 3
tt_wait "Likes▼"
reg_x=$(tt_line 3 | awk '{ i = index($0, "3Reg"); if (!i) i = index($0, "3 Regions"); print i }')
[ "$reg_x" -gt 0 ] || tt_fail "no Regions tab"
tt_click 0 "$reg_x" 2
tt_click 3 "$reg_x" 2
tt_wait_re "^Name +Key"
tt_keys Q
tt_wait_exit
echo "ok mouse"

# ---- Trending on the aggregate panes: T sorts Orgs and Regions by the sum
# of their models' trending scores and shows that column, even at 80
# columns where it is otherwise the first dropped; wider, it shows under any
# order, its sums made for the rows on screen, 64 rows at a time.  Rows,
# order and sums are those of `hubtop export` for the same pane and sort
# (the demo's sums are under 10000, so shown in full).
# export_pairs PANE SORT KEYCOL [LIMIT]: "KEY<TAB>TRENDING" of the export's
# first LIMIT rows (default 6, 0 all), line N for rank N.
export_pairs() {
	"$TT_HUBTOP" export "$1" --snapshot "$SNAP" --sort "$2" --limit "${4:-6}" --format tsv |
		awk -F'\t' -v key="$3" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == key) k = i; if ($i == "trending") t = i } next }
			k && t { print $k "\t" $t }'
}
# tt_wait_rows FILE: polls until the list rows below the column titles
# (line 4) begin with FILE's keys (or with their start and an ellipsis,
# when cut to the column) and end with its trending sums.  With a rank
# column, every row on screen is checked against line RANK of FILE;
# without, the first rows on screen against FILE's, in order.
tt_wait_rows() {
	[ "$(wc -l <"$1")" -ge 6 ] || tt_fail "hubtop export gave too few rows: $(cat "$1")"
	i=0
	while [ $i -lt $((TT_TIMEOUT * 20)) ]; do
		tt_screen >"$TT_TMP/rows.txt"
		if awk -F'\t' 'NR == FNR { key[NR] = $1; tr[NR] = $2; m = NR; next }
			FNR == 4 { ranked = $0 ~ /^ +# /; next }
			FNR > 4 && !done {
				l = $0
				if (ranked) {
					if (!match(l, /^ *[0-9]+ /)) { done = 1; next }
					j = substr(l, 1, RLENGTH) + 0; l = substr(l, RLENGTH + 1)
				} else if ((j = FNR - 4) > m) { done = 1; next }
				c = index(l, "…"); cut = c > 8 && substr(l, 1, c - 1) == substr(key[j], 1, c - 1)
				nf = split(l, f, " ")
				if (j < 1 || j > m || (index(l, key[j] " ") != 1 && !cut) || f[nf] != tr[j]) bad = 1
				seen++
			}
			END { exit bad || seen < 6 || (!ranked && seen != m) }' "$1" "$TT_TMP/rows.txt"; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	tt_fail "the rows on screen are not those of hubtop export ($(head -n 8 "$1" | tr '\t\n' ': ')...)"
}
tt_start trend 80 24 --snapshot "$SNAP"
tt_wait_re "/3000 *$"
tt_keys 4
tt_wait_re "^Account +Ctry +Org type +Models +Downloads▼ +Share *$"
# The selection follows its row through a new order: Home shows the top.
tt_keys T Home
tt_wait "Trending▼"
tt_expect_line 4 "^Account +Ctry +Org type +Models +Downloads +Share +Trending▼ *$"
export_pairs orgs trending account >"$TT_TMP/orgs-trending.tsv"
tt_wait_rows "$TT_TMP/orgs-trending.tsv"
tt_keys T Home
tt_wait "Trending▲"
export_pairs orgs trending:asc account >"$TT_TMP/orgs-trending-asc.tsv"
tt_wait_rows "$TT_TMP/orgs-trending-asc.tsv"
tt_keys 3 T Home
tt_wait "Trending▼"
tt_expect_line 4 "^Name +Models +Downloads +Share +Trending▼ *$"
export_pairs countries trending name >"$TT_TMP/countries-trending.tsv"
tt_wait_rows "$TT_TMP/countries-trending.tsv"
# Sorted by downloads at 80 columns, no sums are made; once the window is
# wide enough to show them (133 columns, with the organisations'
# number of accounts and the cumulative share), they are, for each screen as it is shown (18
# rows: the pages cross the 32nd and 64th rows).
tt_keys 4 D Home
tt_wait_re "^Account +Ctry +Org type +Models +Downloads▼ +Share *$"
tt_tmux resize-window -t trend -x 133 -y 24
tt_wait_re "^ +# Account +Name +Ctry +Org type +Accts +Models +Downloads▼ +Share +Cum % +Likes +Trending *$"
export_pairs orgs downloads account 0 >"$TT_TMP/orgs-downloads.tsv"
n_orgs=$(wc -l <"$TT_TMP/orgs-downloads.tsv")
tt_wait_re " 1/$n_orgs *$"
tt_wait_rows "$TT_TMP/orgs-downloads.tsv"
for pos in 19 37 55 73; do
	tt_keys NPage
	tt_wait_re " $pos/$n_orgs *$"
	tt_wait_rows "$TT_TMP/orgs-downloads.tsv"
done
# Re-sorted: the sums follow the new order; the last screen ends on a
# partial block.
tt_keys K Home
tt_wait_re "^ +# Account +Name +Ctry +Org type +Accts +Models +Downloads +Share +Cum % +Likes▼ +Trending *$"
export_pairs orgs likes account 0 >"$TT_TMP/orgs-likes.tsv"
tt_wait_re " 1/$n_orgs *$"
tt_wait_rows "$TT_TMP/orgs-likes.tsv"
tt_keys NPage
tt_wait_re " 19/$n_orgs *$"
tt_wait_rows "$TT_TMP/orgs-likes.tsv"
tt_keys End
tt_wait_re " $n_orgs/$n_orgs *$"
tt_wait_rows "$TT_TMP/orgs-likes.tsv"
tt_keys Q
tt_wait_exit
echo "ok trending"

# ---- A 40x10 terminal: fewer header lines and columns, still usable.
tt_start tiny 40 10 --snapshot "$SNAP"
tt_wait "DEMO"
tt_wait "/3000"
tt_expect_line 9 "DEMO"
tt_screen >"$TT_TMP/tiny.txt"
[ "$(LC_ALL=C.UTF-8 wc -L <"$TT_TMP/tiny.txt")" -le 40 ] || tt_fail "lines wider than 40 columns"
tt_keys j j c
tt_wait "Countries"
tt_keys Escape 3
tt_wait "Name"
tt_keys '?'
tt_wait "Keys"
tt_keys Q
tt_wait_exit
echo "ok 40x10"

# ---- Narrower than a popup's box: the picker and the column chooser show
# the entry under the cursor on the message line.
tt_start narrow 18 8 --snapshot "$SNAP"
tt_wait "/3000"
tt_keys c
tt_wait_re "Countries \[ \] [a-z]"
tt_keys Space
tt_wait_re "Countries \[x\] [a-z]"
tt_keys Escape F2
tt_wait_re "Columns \[x\] "
tt_keys Escape Q
tt_wait_exit
echo "ok 18x8"

# ---- Wide characters: a snapshot imported from JSON Lines with CJK ids.
"$TT_HUBTOP" import "$TT_SRCDIR/tests/fixtures/tui-cjk.jsonl" -o "$TT_TMP/cjk.snap" >/dev/null 2>"$TT_TMP/import.err" ||
	{ cat "$TT_TMP/import.err"; tt_fail "hubtop import failed"; }
tt_start cjk 80 16 --snapshot "$TT_TMP/cjk.snap"
tt_wait "Qwen/Qwen2.5-7B-Ins"
tt_wait "someone/模型"
# Every list row has the same display width: wide characters do not push
# the columns after the id.
w_ref=$(tt_width "$(tt_screen | grep 'Qwen/Qwen2.5-7B-Ins')")
w_cjk=$(tt_width "$(tt_screen | grep 'someone/')")
w_jp=$(tt_width "$(tt_screen | grep 'rinna/')")
[ "$w_ref" = "$w_cjk" ] && [ "$w_ref" = "$w_jp" ] ||
	tt_fail "rows of different widths: $w_ref (ascii) $w_cjk (cjk) $w_jp (japanese)"
col_ref=$(tt_screen | grep 'Qwen/Qwen2.5-7B-Ins' | sed 's/ 900k.*//')
col_cjk=$(tt_screen | grep 'someone/' | sed 's/ 500k.*//')
[ "$(tt_width "$col_ref")" = "$(tt_width "$col_cjk")" ] || tt_fail "downloads column not aligned after a CJK id"
tt_golden tui-cjk-models
# Views pushed over the list, as screens: the country picker (its entries,
# shares and the hint line from the request table) and a prompt under it.
tt_keys c
tt_wait "Countries: 0 of"
tt_type "jp"
tt_wait "Find: jp"
tt_golden tui-cjk-picker
tt_keys Escape
tt_wait_gone "Countries: 0 of"
tt_keys /
tt_type "模型"
tt_wait "Search: 模型"
tt_golden tui-cjk-search
tt_keys Escape
tt_wait_gone "Search:"
tt_keys Down Enter
tt_wait "Hub URL"
tt_wait "https://huggingface.co/someone/模型-中文-测试-很长的名字"
tt_keys End
tt_wait "Qwen/Qwen2.5-7B-Instruct  (root)"
tt_keys Q
tt_wait_exit
echo "ok wide characters"

# ---- Unknown stays unknown: null counts, no all-time counts, an empty
# view; the data's date; shares of attributed downloads ('%').
printf '%s\n' '{"id":"a/big","downloads":1000,"lastModified":"2022-06-30T10:00:00.000Z"}' \
	'{"id":"a/small","downloads":50}' '{"id":"b/null","downloads":null}' '{"id":"b/none"}' >"$TT_TMP/unk.jsonl"
"$TT_HUBTOP" import "$TT_TMP/unk.jsonl" -o "$TT_TMP/unk.hts" 2>/dev/null || tt_fail "import of unk.jsonl"
tt_start unk 130 20 --snapshot "$TT_TMP/unk.hts"
tt_wait "a/big"
tt_wait_re "data as of 2022-06-30, inferred \([0-9]+ (months|years)\)"
tt_expect_line 1 "Under 200 dl 50\.0%  Gini 0\.[0-9]{3}  2 without a download count"
tt_wait_re "b/null +unknown +independent +n/a "
tt_screen | grep -qE 'b/n(ull|one) +unknown +independent +0 ' && tt_fail "a null count shown as 0"
# The detail of an item without a count or dates says so.
tt_keys End Enter
tt_wait "Hub URL"
tt_wait_re "Downloads \(30d\) +unknown \(the listing gave none\)"
tt_wait_re "Created +unknown"
tt_keys BSpace
tt_wait "a/big"
tt_keys Home
tt_keys w
tt_wait "the snapshot has no all-time counts"
tt_wait_re "Downloads \(all time\) n/a .*Gini n/a"
tt_expect_line 1 "\(the snapshot has no all-time download counts\)"
tt_screen | grep -qE 'Gini 0\.000|Top-200 0\.0%' && tt_fail "a figure of 0 for unknown all-time counts"
tt_keys 5
tt_wait_re "^legacy .* n/a"
tt_screen | grep -qE ' 0%' && tt_fail "Trends shows 0% of unknown all-time downloads"
tt_keys 1
tt_wait "a/big"
tt_wait_re "b/null +unknown +independent +n/a "
tt_keys w
tt_wait_re "Downloads \(30d\) 1050 "
tt_keys %
tt_wait "Shares: of attributed downloads"
tt_wait "%attributed"
tt_wait "--of attributed"
tt_keys '\'
tt_type "zzz-nothing"
tt_keys Enter
tt_wait_re "^Models 0 .*Top-200 n/a .*Gini n/a  \(no item matches\)"
tt_screen | grep -qE 'Gini 0\.000|0\.0%' && tt_fail "an empty view shows a figure of 0"
tt_keys 6
tt_wait "Lorenz curve: n/a (no item matches)"
tt_keys Q
tt_wait_exit
echo "ok unknown values"

# ---- NO_COLOR and ASCII charts still show everything.
TT_ENV="NO_COLOR=1" tt_start ascii 100 30 --snapshot "$SNAP" --ascii
tt_wait "DEMO DATA"
tt_keys 3
tt_wait_re "^United States +US .*#"
tt_expect_not "█"
tt_keys Q
tt_wait_exit
echo "ok ascii"

# ---- R refreshes from the Hub in the background (a local test hub):
# progress in the status line, Esc cancels, errors in the message line,
# success swaps the new snapshot in.
TESTHUB=${TESTHUB:-$(dirname "$TT_HUBTOP")/tests/testhub}
if [ -x "$TESTHUB" ]; then
	hub_start() {
		hub_name=$1
		shift
		out="$TT_TMP/hub-$hub_name.out"
		"$TESTHUB" --generate 300 --generate-datasets 20 --max-seconds 300 "$@" >"$out" 2>"$TT_TMP/hub-$hub_name.err" &
		HUB_PID=$!
		n=0
		while ! grep -q '^PORT ' "$out" 2>/dev/null && [ $n -lt 400 ]; do sleep 0.05; n=$((n + 1)); done
		HUB_PORT=$(awk '$1 == "PORT" { print $2; exit }' "$out")
		[ -n "$HUB_PORT" ] || tt_fail "the test hub ($hub_name) did not start within 20 s: $(cat "$out" "$TT_TMP/hub-$hub_name.err")"
	}
	# A hub that fails: the error shows, the demo stays.
	hub_start fail --fault 401x0
	TT_ENV="HF_ENDPOINT=http://127.0.0.1:$HUB_PORT" tt_start rfail 100 30
	tt_wait "DEMO DATA"
	tt_keys R
	tt_wait "Refresh failed:"
	tt_wait "DEMO DATA"
	tt_keys Q
	tt_wait_exit
	kill "$HUB_PID" 2>/dev/null; wait "$HUB_PID" 2>/dev/null
	# A slow hub: Esc cancels.
	hub_start slow --delay-ms 400
	TT_ENV="HF_ENDPOINT=http://127.0.0.1:$HUB_PORT" tt_start rcancel 100 30
	tt_wait "DEMO DATA"
	tt_keys R
	tt_wait "Refresh "
	tt_keys Escape
	tt_wait "Refresh cancelled"
	tt_keys Q
	tt_wait_exit
	kill "$HUB_PID" 2>/dev/null; wait "$HUB_PID" 2>/dev/null
	# A working hub: the new snapshot replaces the demo.
	hub_start ok
	TT_ENV="HF_ENDPOINT=http://127.0.0.1:$HUB_PORT" tt_start rok 100 30
	tt_wait "DEMO DATA"
	tt_keys R
	tt_wait "Refreshed: 300 models, 20 datasets"
	tt_wait_gone "DEMO DATA"
	tt_wait "/300"
	tt_keys Q
	tt_wait_exit
	# Opened with --snapshot: that file is never overwritten; the refresh
	# goes to the cache and the explorer switches to it.
	"$TT_HUBTOP" demo --models 500 --datasets 50 -o "$TT_TMP/mine.hts" 2>/dev/null ||
		tt_fail "hubtop demo failed"
	cksum "$TT_TMP/mine.hts" >"$TT_TMP/mine.sum"
	TT_ENV="HF_ENDPOINT=http://127.0.0.1:$HUB_PORT" tt_start rown 100 30 --snapshot "$TT_TMP/mine.hts"
	tt_wait "/500"
	tt_keys R
	tt_wait "Refreshed: 300 models, 20 datasets"
	tt_wait "/300"
	tt_keys Q
	tt_wait_exit
	cksum "$TT_TMP/mine.hts" | cmp -s - "$TT_TMP/mine.sum" ||
		tt_fail "the refresh overwrote the snapshot given with --snapshot"
	[ -f "$TT_TMP/cache-rown/snapshot.hts" ] || tt_fail "the refresh did not write the cache's snapshot"
	kill "$HUB_PID" 2>/dev/null; wait "$HUB_PID" 2>/dev/null
	echo "ok refresh"

	# ---- A partial snapshot (fetch --top) shows the long-tail figures as
	# unknown, never computed from the top alone; a complete one shows them.
	# fetch_into DIR ARGS...: a fetch off the terminal from the test hub.
	fetch_into() {
		dir=$1
		shift
		"$TT_HUBTOP" fetch --endpoint "http://127.0.0.1:$HUB_PORT" --cache-dir "$TT_TMP/$dir" --orgs 0 "$@" \
			>/dev/null 2>"$TT_TMP/$dir.err" || { cat "$TT_TMP/$dir.err"; tt_fail "hubtop fetch ($dir) failed"; }
	}
	hub_start top
	fetch_into top --top 8
	fetch_into full
	kill "$HUB_PID" 2>/dev/null; wait "$HUB_PID" 2>/dev/null
	tt_start partial 100 30 --snapshot "$TT_TMP/top/snapshot.hts" --pane concentration
	tt_wait "Lorenz curve: n/a (partial snapshot: top 8 only)"
	tt_expect_line 1 "^Models 8 .* Long tail n/a \(partial snapshot: top 8 only\)"
	# Not only the long tail: every share is of the top 8, and says so.
	tt_expect_line 2 "^Shares of the top 8 only: Countries "
	tt_wait "Gini        n/a"
	tt_wait "(partial snapshot: top 8 only)"
	tt_screen | grep -qE 'Gini +[0-9]' && tt_fail "a Gini value for a partial snapshot"
	tt_expect_not "Under 200 dl"
	tt_expect_not "poorest first"
	tt_keys S
	tt_wait "Concentration of datasets"
	tt_wait_re "^ ?Datasets +Lorenz curve: n/a"
	tt_screen | grep -qE 'Gini +[0-9]' && tt_fail "a Gini value for a partial snapshot (datasets)"
	tt_keys Q
	tt_wait_exit
	tt_start complete 100 30 --snapshot "$TT_TMP/full/snapshot.hts" --pane concentration
	tt_wait "Lorenz curve: downloads held by the poorest items"
	tt_wait_re "Gini +0\.[0-9]{3}"
	tt_expect_line 1 "Under 200 dl [0-9.]+%  Gini 0\.[0-9]{3}"
	tt_expect_not "n/a"
	tt_keys Q
	tt_wait_exit
	echo "ok partial snapshot"

	# ---- fetch on a terminal: one progress line (pages, items of the total
	# the previous snapshot suggests, bytes, rate, time left) and the
	# countdown of a rate limit; with --quiet only the summary.  The 429 goes
	# to the third request after the two fetches that make the cache's
	# snapshot, counted on a first hub.
	hub_start probe --page-size 50 --log "$TT_TMP/probe.log"
	fetch_into probe
	kill "$HUB_PID" 2>/dev/null; wait "$HUB_PID" 2>/dev/null
	n=$(grep -c '^GET /api/' "$TT_TMP/probe.log")
	[ "$n" -gt 2 ] || tt_fail "the probe fetch made $n listing requests"
	hub_start rate --page-size 50 --delay-ms 100 --fault "429@$((n + 3))" --ratelimit-t 3
	EP="http://127.0.0.1:$HUB_PORT"
	fetch_into fc
	TT_HOLD=1 tt_start progress 120 12 fetch --endpoint "$EP" --cache-dir "$TT_TMP/fc" --orgs 0
	tt_wait "waiting 3 s"
	line=$(tt_screen | grep -F "waiting 3 s")
	printf '%s\n' "$line" | grep -qE \
		'^models: page [0-9]+, [0-9]+ of ~320 items, [0-9.]+ [kMG]B, [0-9]+ items/s — waiting 3 s \(rate limit' ||
		tt_fail "progress line while waiting: '$line'"
	tt_wait "waiting 1 s"
	tt_wait_re "^models: page [0-9]+, [0-9]+ of ~320 items, [0-9.]+ [kMG]B, [0-9]+ items/s, ~[0-9]+ (s|min) left"
	tt_wait "[exit 0]"
	tt_wait "Fetched 300 models and 20 datasets"
	tt_stop
	TT_HOLD=1 tt_start quiet 120 12 fetch --endpoint "$EP" --cache-dir "$TT_TMP/fc" --orgs 0 --quiet
	tt_wait "[exit 0]"
	tt_wait "Fetched 300 models and 20 datasets"
	tt_expect_line 1 "^Fetched 300 models and 20 datasets"
	tt_expect_not "items/s"
	tt_stop
	kill "$HUB_PID" 2>/dev/null; wait "$HUB_PID" 2>/dev/null
	echo "ok fetch progress"

	# Under the Hub's rate limit (3 requests every 4 s; 4 pages): the
	# progress line says the fetch waits for the next window, not for a
	# retry, and the time left counts the wait.  No 429 is needed.
	hub_start quota --page-size 100 --quota 3 --window 4
	EP="http://127.0.0.1:$HUB_PORT"
	fetch_into fq
	TT_HOLD=1 tt_start quota 160 12 fetch --endpoint "$EP" --cache-dir "$TT_TMP/fq" --orgs 0
	tt_wait_re "^(models|datasets): page [0-9]+, [0-9]+ of ~320 items, [0-9.]+ [kMG]B, [0-9]+ items/s, ~[0-9]+ s left — waiting [0-9]+ s for the rate limit's next window \\(3 requests per 4 s\\)"
	tt_wait "[exit 0]"
	tt_wait "pauses for the Hub's rate limit (3 requests per 4 s)"
	tt_expect_not "HTTP 429"
	tt_stop
	kill "$HUB_PID" 2>/dev/null; wait "$HUB_PID" 2>/dev/null
	echo "ok fetch under a rate limit"
else
	echo "refresh not tested: $TESTHUB is not built"
fi

exit 0
