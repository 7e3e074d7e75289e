#!/bin/sh
# export-screen.sh - what is on screen is what is exported: for every pane
# (and the modes of Regions and Trends) at 80 and 120 columns, `e` writes the
# rows the screen lists, in its order, with the columns it shows; the
# Concentration pane's figures are those of its export; `:export PATH`
# writes PATH; Help says it has nothing to export; the format is the
# extension's or refused; `~` is the home folder; `i` counts datasets on
# the aggregate panes, and their export follows; the sort arrow stays on a
# truncated title.
. "${HUBTOP_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"

tt_init export-screen

SNAP="$TT_TMP/demo.snap"
"$TT_HUBTOP" demo --models 3000 --datasets 400 -o "$SNAP" >/dev/null 2>"$TT_TMP/demo.err" ||
	{ cat "$TT_TMP/demo.err"; tt_fail "hubtop demo failed"; }
mkdir -p "$TT_TMP/home"

# export_to FILE: e, the path, Enter; waits for the confirmation.
export_to() {
	tt_keys e
	tt_wait "Export to"
	tt_keys C-u
	tt_type "$1"
	tt_keys Enter
	tt_wait "Exported"
}

# col FILE NAME: the values of CSV column NAME (no quoted commas in these).
col() {
	awk -F, -v n="$2" 'NR == 1 { sub(/\r$/, ""); for (i = 1; i <= NF; i++) if ($i == n) c = i; if (!c) exit 3; next }
		{ sub(/\r$/, ""); print $c }' "$1"
}

# screen_words FIRSTLINE COUNT FIELD: the FIELD-th word of COUNT list lines.
screen_words() {
	tt_screen | sed -n "$1,$(($1 + $2 - 1))p" | awk -v f="$3" '{ print $f }'
}

# screen_ids FIRSTLINE COUNT: the first word of COUNT list lines after the
# rank, where the width shows one.
screen_ids() {
	tt_screen | sed -n "$1,$(($1 + $2 - 1))p" | awk '{ print ($1 ~ /^[0-9]+$/ ? $2 : $1) }'
}

# same_prefix A B: each line of A (cut with … on screen) begins line for line B.
same_prefix() {
	paste -d '\t' "$1" "$2" | awk -F '\t' '{ a = $1; sub(/…$/, "", a); if (index($2, a) != 1 || a == "") { print "row " NR ": screen " $1 ", export " $2; bad = 1 } }
		END { exit bad }' || tt_fail "$3: the screen's rows are not the export's"
}

for W in 80 120; do
	tt_start "w$W" "$W" 24 --snapshot "$SNAP"
	tt_wait "DEMO DATA"
	tt_wait "/3000"

	# Models: every row, in the screen's order, with its columns.
	export_to "$TT_TMP/models-$W.csv"
	tt_wait "Exported 3000 rows (models)"
	screen_ids 5 8 >"$TT_TMP/scr"
	col "$TT_TMP/models-$W.csv" id | head -8 >"$TT_TMP/exp"
	same_prefix "$TT_TMP/scr" "$TT_TMP/exp" "models at $W"
	head -1 "$TT_TMP/models-$W.csv" | grep -q 'cum_share' || tt_fail "models export has no cum_share"
	# Cum % where the ranks are shown: the export's cum_share, rounded.
	s=$(tt_screen | sed -n 7p | grep -oE '[0-9]+\.[0-9]%' | tail -1)
	e=$(col "$TT_TMP/models-$W.csv" cum_share | sed -n 3p | awk '{ printf "%.1f%%", $1 * 100 }')
	[ -n "$s" ] && [ "$s" = "$e" ] || tt_fail "models at $W: Cum % $s on screen, $e exported"

	# Regions sorted by likes: the likes and earliest columns, the order.
	tt_keys 3 K
	tt_wait "Likes▼"
	export_to "$TT_TMP/regions-$W.csv"
	tt_wait_re "Exported [0-9]+ rows \(countries\)"
	head -1 "$TT_TMP/regions-$W.csv" | grep -q ',likes,earliest,' ||
		tt_fail "regions by likes: no likes/earliest column: $(head -1 "$TT_TMP/regions-$W.csv")"
	col "$TT_TMP/regions-$W.csv" likes | head -6 | awk 'NR > 1 && $1 + 0 > p { exit 1 } { p = $1 + 0 }' ||
		tt_fail "regions export is not in the screen's order (likes)"
	screen_ids 5 6 >"$TT_TMP/scr"
	col "$TT_TMP/regions-$W.csv" name | head -6 | awk '{ print $1 }' >"$TT_TMP/exp"
	same_prefix "$TT_TMP/scr" "$TT_TMP/exp" "regions by likes at $W"
	# The groups mode exports the groups.
	tt_keys S
	tt_wait "country groups"
	export_to "$TT_TMP/groups-$W.csv"
	tt_wait_re "Exported [0-9]+ rows \(groups\)"

	# Orgs: the screen's names, in order.
	tt_keys 4
	tt_wait "Downloads▼"
	export_to "$TT_TMP/orgs-$W.csv"
	tt_wait_re "Exported [0-9]+ rows \(orgs\)"
	head -1 "$TT_TMP/orgs-$W.csv" | grep -q ',likes,earliest,cum_share,' || tt_fail "orgs export columns"
	screen_ids 5 8 >"$TT_TMP/scr"
	col "$TT_TMP/orgs-$W.csv" account | head -8 >"$TT_TMP/exp"
	same_prefix "$TT_TMP/scr" "$TT_TMP/exp" "orgs at $W"

	# Trends: the years as listed (newest first) and each year's shares.
	tt_keys 5
	tt_wait "Shares of downloads by organisation type"
	export_to "$TT_TMP/trends-$W.csv"
	tt_wait_re "Exported [0-9]+ rows \(trends\)"
	screen_words 6 9 1 | grep -E '^[0-9]{4}$|^legacy$' >"$TT_TMP/scr"
	col "$TT_TMP/trends-$W.csv" year | head -"$(wc -l <"$TT_TMP/scr")" >"$TT_TMP/exp"
	cmp -s "$TT_TMP/scr" "$TT_TMP/exp" || tt_fail "trends at $W: years $(tr '\n' ' ' <"$TT_TMP/scr") on screen, $(tr '\n' ' ' <"$TT_TMP/exp") exported"
	head -1 "$TT_TMP/trends-$W.csv" | grep -q 'industry_share,academia_share' || tt_fail "trends export has no shares"
	# Its percentages (at 80 columns too) are the export's, rounded, and
	# the legend names every type, "independent" included.
	tt_screen | grep -q "independent" || tt_fail "trends at $W: the legend is cut before independent"
	tt_screen | grep -E '^[0-9]{4} ' | head -3 | while read -r y rest; do
		s=$(echo "$rest" | grep -oE '[0-9]+%' | tr -d % | tr '\n' ' ')
		e=$(awk -F, -v y="$y" '$2 == y { for (i = 5; i <= 11; i++) printf "%.0f ", $i * 100 }' "$TT_TMP/trends-$W.csv")
		[ "$s" = "$e" ] || { echo "trends at $W, $y: $s on screen, $e exported"; exit 1; }
	done || tt_fail "trends at $W: the percentages are not the export's"
	tt_keys S
	tt_wait "Shares of downloads by country group"
	export_to "$TT_TMP/trends-g-$W.csv"
	head -1 "$TT_TMP/trends-g-$W.csv" | grep -q 'us_share,cn_share' || tt_fail "trends by group export"
	# The dimensions' modes export their own split (relation, size, language).
	tt_keys S S S
	tt_wait "Shares of downloads by relation to a base model"
	export_to "$TT_TMP/trends-rel-$W.csv"
	head -1 "$TT_TMP/trends-rel-$W.csv" | grep -q 'original_share,finetune_share' ||
		tt_fail "trends by relation export: $(head -1 "$TT_TMP/trends-rel-$W.csv")"
	tt_keys S
	tt_wait "Shares of downloads by size"
	export_to "$TT_TMP/trends-size-$W.csv"
	head -1 "$TT_TMP/trends-size-$W.csv" | grep -q 'lt100m_share,100m_1b_share' ||
		tt_fail "trends by size export: $(head -1 "$TT_TMP/trends-size-$W.csv")"

	# Concentration: its figures, not the models list.
	tt_keys 6
	tt_wait "Top 10"
	export_to "$TT_TMP/conc-$W.csv"
	tt_wait_re "Exported [0-9]+ rows \(concentration\)"
	top10=$(tt_screen | grep -oE 'Top 10 +[0-9.]+%' | grep -oE '[0-9.]+%' | tr -d %)
	want=$(awk -F, '$1 == "top_10" { printf "%.1f", $6 * 100 }' "$TT_TMP/conc-$W.csv")
	[ -n "$top10" ] && [ "$top10" = "$want" ] || tt_fail "concentration at $W: top 10 $top10% on screen, $want% exported"
	half=$(tt_screen | grep -oE '[0-9,]+ items hold 50% of downloads' | grep -oE '^[0-9,]+' | tr -d ,)
	want=$(awk -F, '$1 == "half" { print $3 }' "$TT_TMP/conc-$W.csv")
	[ -n "$half" ] && [ "$half" = "$want" ] || tt_fail "concentration at $W: half held by $half on screen, $want exported"
	tt_screen | grep -q "Median" || tt_fail "concentration at $W: no median"

	# Bases: the base models as listed, in order.
	tt_keys 9
	tt_wait_re "Base model +.*Direct"
	export_to "$TT_TMP/bases-$W.csv"
	tt_wait_re "Exported [0-9]+ rows \(bases\)"
	screen_ids 5 6 >"$TT_TMP/scr"
	col "$TT_TMP/bases-$W.csv" base | head -6 >"$TT_TMP/exp"
	same_prefix "$TT_TMP/scr" "$TT_TMP/exp" "bases at $W"

	tt_keys q
	tt_wait_exit
done
echo "ok export == screen at 80 and 120 columns"

# ---- The rules of the path and the format, Help, :export PATH, the window.
TT_ENV="HOME='$TT_TMP/home'" tt_start rules 100 30 --snapshot "$SNAP"
tt_wait "/3000"
tt_keys '?'
tt_wait "Keys"
tt_keys e
tt_wait "Nothing to export on Help"
tt_keys q
tt_wait "/3000"
# An extension that names no format is refused, not written as CSV.
tt_keys e
tt_wait "Export to"
tt_keys C-u
tt_type "$TT_TMP/x.xlsx"
tt_keys Enter
tt_wait "'.xlsx' is not an export format"
[ ! -e "$TT_TMP/x.xlsx" ] || tt_fail "x.xlsx was written"
# ~ is the home folder; .jsonl chooses JSON Lines.
export_to "~/m.jsonl"
tt_wait "as jsonl"
head -c 9 "$TT_TMP/home/m.jsonl" | grep -q '{"rank":1' || tt_fail "~/m.jsonl: not JSON Lines in the home folder"
# :export PATH writes PATH, in the format of its extension.
tt_keys :
tt_type "export $TT_TMP/colon.tsv"
tt_keys Enter
tt_wait "Exported 3000 rows"
head -1 "$TT_TMP/colon.tsv" | grep -q "$(printf 'rank\tid')" || tt_fail ":export PATH did not write PATH as TSV"
# Under the all-time window, downloads is the all-time count.
tt_keys w
tt_wait "Downloads: all time"
export_to "$TT_TMP/all.csv"
awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "downloads") d = i; if ($i == "downloads_all_time") a = i } next }
	$d != $a { bad = 1 } END { exit bad || !d || !a }' "$TT_TMP/all.csv" ||
	tt_fail "under --window all the downloads column is not the all-time count"
tt_keys w
tt_wait "Downloads: last 30 days"
# Datasets everywhere: i switches Regions, Orgs, Trends and Concentration
# to datasets; the header and the tab bar say so, the export follows.
tt_keys 3 i
tt_wait "Regions, Orgs, Trends and Concentration: datasets"
tt_wait_re "^Datasets 400 "
tt_wait " datasets 30d"
export_to "$TT_TMP/regions-ds.csv"
head -1 "$TT_TMP/regions-ds.csv" | grep -q ',datasets,downloads,' || tt_fail "regions of datasets: $(head -1 "$TT_TMP/regions-ds.csv")"
n=$(tt_screen | grep -oE ' 1/[0-9]+ *$' | grep -oE '[0-9]+ *$' | tr -d ' ')
[ "$(awk 'END { print NR - 1 }' "$TT_TMP/regions-ds.csv")" = "$n" ] || tt_fail "regions of datasets: not the $n rows on screen"
tt_keys 6
tt_wait "Datasets"
export_to "$TT_TMP/conc-ds.csv"
grep -q '^items,Items,400,' "$TT_TMP/conc-ds.csv" || tt_fail "concentration of datasets: $(sed -n 2p "$TT_TMP/conc-ds.csv")"
# The sort arrow stays on a title too long for its column (Orgs' count
# column, 7 wide, titled Datasets).
tt_keys 4 M
tt_wait_re " Datas[a-z]*…?▼ "
tt_keys i
tt_wait "Regions, Orgs, Trends and Concentration: models"
tt_wait_re "Models▼"
tt_keys q
tt_wait_exit
echo "ok export rules"

# ---- A wide terminal gives its room to the columns that are cut (Orgs'
# names), not only to the first one.
tt_start wide 165 30 --snapshot "$SNAP"
tt_wait "/3000"
tt_keys 4
tt_wait "Beijing Academy of "
tt_wait "Beijing Academy of Artificial Intelligence"
tt_keys q
tt_wait_exit
echo "ok wide columns"
