#!/bin/sh
# columns.sh - any column of the lists sorts, and the list scrolls
# sideways.  < and > reach the country, organisation type and task columns
# of Models and Datasets, every column of Orgs and Regions; the list is in
# that text's order (A to Z first, I reverses), ties by downloads; the
# export (e) writes the rows in the screen's order.  Left/Right scroll the
# columns when they do not fit, and go back / drill down when nothing is
# left to scroll.  The column chooser and columns.PANE hide columns, from
# the screen and from the export, as `hubtop export PANE` does.
. "${HUBTOP_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"

tt_init columns

SNAP="$TT_TMP/demo.snap"
"$TT_HUBTOP" demo --models 3000 --datasets 400 -o "$SNAP" >/dev/null 2>"$TT_TMP/demo.err" ||
	{ cat "$TT_TMP/demo.err"; tt_fail "hubtop demo failed"; }

# export_to FILE: e, the path, Enter; waits for the confirmation.
export_to() {
	tt_keys e
	tt_wait "Export to"
	tt_keys C-u
	tt_type "$1"
	tt_keys Enter
	tt_wait "Exported"
}

# col FILE NAME: the values of CSV column NAME (TSV: the names hold commas).
col() {
	awk -F '\t' -v n="$2" 'NR == 1 { sub(/\r$/, ""); for (i = 1; i <= NF; i++) if ($i == n) c = i; if (!c) exit 3; next }
		{ sub(/\r$/, ""); print $c }' "$1"
}

# sorted FILE NAME [r]: column NAME in byte order (r: reversed), ties by
# downloads, most first; an empty cell as the screen writes it (none()).
sorted() {
	awk -F '\t' -v n="$2" -v rev="$3" -v none="$(none "$2")" 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == n) c = i; if ($i == "downloads") d = i } if (!c || !d) exit 3; next }
		{ k = $c; if (k == "") k = none
		  if (NR > 2) { if (rev ? k > pk : k < pk) { print "row " NR - 1 ": " pk " then " k; exit 1 }
				if (k == pk && $d + 0 > pd + 0) { print "row " NR - 1 ": a tie not by downloads"; exit 1 } }
		  pk = k; pd = $d }' "$1"
}

# none NAME: what the screen shows for an empty CSV cell of column NAME.
none() {
	if [ "$1" = country ]; then echo unknown; else echo -; fi
}

# check PANE COLUMN TITLE FIELD [IDCOL]: the list sorted by COLUMN (CSV
# name) shows TITLE▲, its export is in that order, and the first rows on
# screen (their FIELD-th word, NF: the last, NF-1: the one before it, -:
# not compared; and their
# ids, the export's IDCOL, id by default) are the export's.
check() {
	tt_keys Home
	export_to "$TT_TMP/$1-$2.tsv"
	out=$(sorted "$TT_TMP/$1-$2.tsv" "$2") || tt_fail "$1 by $2: the export is not in order: $out"
	if [ "$4" != - ]; then
		tt_screen | sed -n 5,12p | awk -v f="$4" '{ print (f ~ /^NF/ ? $(NF - substr(f, 4)) : $f) }' >"$TT_TMP/scr"
		col "$TT_TMP/$1-$2.tsv" "$2" | head -8 | sed "s/^\$/$(none "$2")/" >"$TT_TMP/exp"
		cmp -s "$TT_TMP/scr" "$TT_TMP/exp" ||
			tt_fail "$1 by $2: screen $(tr '\n' ' ' <"$TT_TMP/scr"), export $(tr '\n' ' ' <"$TT_TMP/exp")"
	fi
	tt_screen | sed -n 5,12p | awk '{ print $2 }' >"$TT_TMP/scr"
	col "$TT_TMP/$1-$2.tsv" "${5:-id}" | head -8 | cut -c1-18 >"$TT_TMP/exp"
	cut -c1-18 "$TT_TMP/scr" | cmp -s - "$TT_TMP/exp" || tt_fail "$1 by $2: the screen's ids are not the export's"
}

tt_start wide 165 24 --snapshot "$SNAP"
tt_wait "/3000"
tt_wait "Downloads▼"
# Left of Downloads: Org type, then Ctry; both A to Z at first.
tt_keys '<'
tt_wait "Org type▲"
check models org_type "Org type" 4
tt_keys '<'
tt_wait "Ctry▲"
check models country Ctry 3
# I reverses the text order; ties stay by downloads.
tt_keys I
tt_wait "Ctry▼"
tt_keys Home
export_to "$TT_TMP/models-country-rev.tsv"
out=$(sorted "$TT_TMP/models-country-rev.tsv" country r) || tt_fail "models by country, reversed: $out"
# Left of Id, round to the last column: Licence, then Library, then Task.
tt_keys '<' '<'
tt_wait "Licence▲"
check models license Licence NF
tt_keys '<'
tt_wait "Library▲"
check models library Library NF-1
tt_keys '<'
tt_wait "Task▲"
check models pipeline_tag Task NF-2
echo "ok models sort by country, org type, task, library, licence; export == screen"

# Datasets: the same columns sort.
tt_keys 2
tt_wait "/400"
tt_keys '<'
tt_wait "Org type▲"
check datasets org_type "Org type" 4
tt_keys '<'
tt_wait "Ctry▲"
check datasets country Ctry 3
echo "ok datasets sort by country and org type"

# Orgs: left of Models, Accts, then Org type, then Ctry.
tt_keys 4
tt_wait "Downloads▼"
tt_keys '<' '<' '<'
tt_wait "Org type▲"
check orgs org_type "Org type" - account
tt_keys '<'
tt_wait "Ctry▲"
check orgs country Ctry - account
tt_keys I
tt_wait "Ctry▼"
tt_keys Home
export_to "$TT_TMP/orgs-country-rev.tsv"
tt_screen | sed -n 5,12p | awk '{ print $2 }' >"$TT_TMP/scr"
col "$TT_TMP/orgs-country-rev.tsv" account | head -8 | cut -c1-18 >"$TT_TMP/exp"
cut -c1-18 "$TT_TMP/scr" | cmp -s - "$TT_TMP/exp" || tt_fail "orgs by country, reversed: the screen's ids are not the export's"
col "$TT_TMP/orgs-country-rev.tsv" country | sed 's/^$/unknown/' | LC_ALL=C sort -c -r ||
	tt_fail "orgs by country, reversed: not Z to A"
echo "ok orgs sort by country and org type"

# ordered FILE NAME MODE: column NAME in order, MODE text (A to Z, case
# ignored), text-r (Z to A) or num (largest first).
ordered() {
	awk -F '\t' -v n="$2" -v m="$3" 'NR == 1 { sub(/\r$/, ""); for (i = 1; i <= NF; i++) if ($i == n) c = i; if (!c) exit 3; next }
		{ sub(/\r$/, ""); k = m == "num" ? $c + 0 : tolower($c)
		  if (NR > 2 && (m == "num" || m == "text-r" ? k > pk : k < pk)) { print "row " NR - 1 ": " pk " then " k; exit 1 }
		  pk = k }' "$1"
}

# rows_are FILE IDCOL: the first 8 rows on screen start (after the rank)
# with the export's IDCOL, in its order.
rows_are() {
	col "$1" "$2" | head -8 | cut -c1-14 >"$TT_TMP/exp"
	tt_screen | sed -n 5,12p >"$TT_TMP/scr"
	paste -d '\n' "$TT_TMP/exp" "$TT_TMP/scr" | awk 'NR % 2 { want = $0; next }
		{ line = $0; sub(/^ *[0-9]* +/, "", line) }
		index(line, want) != 1 { print "screen: " $0 "; export: " want; bad = 1 } END { exit bad }'
}

# sorts_by PANE TITLE ARROW FIELD MODE IDCOL: the title carries the arrow,
# the export (e) is in FIELD's order and its rows are the screen's.
N=0
sorts_by() {
	N=$((N + 1))
	f="$TT_TMP/$1-$4-$5-$N.tsv"
	tt_wait "$2$3"
	tt_keys Home
	export_to "$f"
	out=$(ordered "$f" "$4" "$5") || tt_fail "$1 by $2: the export is not in order: $out"
	out=$(rows_are "$f" "$6") || tt_fail "$1 by $2: the screen is not the export: $out"
	cp "$f" "$TT_TMP/last.tsv"
}

# Every other column of Orgs: Name (the display name), Accts, Share and
# Cum % (one order: Cum % grows down any list), Account; the same order from
# the command line.
tt_keys '<'
sorts_by orgs Name ▲ name text account
cp "$TT_TMP/last.tsv" "$TT_TMP/orgs-name-text.tsv"
tt_keys I
sorts_by orgs Name ▼ name text-r account
tt_keys '<'
sorts_by orgs Account ▲ account text account
tt_keys A
sorts_by orgs Account ▼ account text-r account
tt_keys '>' '>' '>' '>'
sorts_by orgs Acc… ▼ accounts num account
tt_keys '>' '>' '>'
sorts_by orgs Share ▼ share num account
tt_wait "Cum %▼"
tt_keys '>'
tt_wait "Likes▼"
tt_keys '<'
sorts_by orgs Share ▼ share num account
"$TT_HUBTOP" --snapshot "$SNAP" export orgs --sort display-name --format tsv -o "$TT_TMP/cli-orgs-name.tsv" >/dev/null ||
	tt_fail "export orgs --sort display-name failed"
out=$(ordered "$TT_TMP/cli-orgs-name.tsv" name text) || tt_fail "export orgs --sort display-name: $out"
col "$TT_TMP/cli-orgs-name.tsv" account >"$TT_TMP/cli-accounts"
col "$TT_TMP/orgs-name-text.tsv" account >"$TT_TMP/screen-accounts"
cmp -s "$TT_TMP/cli-accounts" "$TT_TMP/screen-accounts" ||
	tt_fail "export orgs --sort display-name is not the order of e on the screen sorted by Name"
echo "ok orgs sort by every column; export == screen"

# Regions: Name (the country's name), Key (its code), Of models, Share.
tt_keys 3
tt_wait "Downloads▼"
tt_keys A
sorts_by regions Key ▲ country text name
tt_keys '<'
sorts_by regions Name ▲ name text name
tt_keys '>' '>' '>' '>'
sorts_by regions Share ▼ share num name
tt_keys '>'
sorts_by regions "Of mode…" ▼ count_share num name
tt_wait "Models▼"
"$TT_HUBTOP" --snapshot "$SNAP" export countries --sort display-name --format tsv -o "$TT_TMP/cli-regions.tsv" >/dev/null ||
	tt_fail "export countries --sort display-name failed"
out=$(ordered "$TT_TMP/cli-regions.tsv" name text) || tt_fail "export countries --sort display-name: $out"
"$TT_HUBTOP" --snapshot "$SNAP" export countries --sort accounts -o /dev/null 2>"$TT_TMP/err" &&
	tt_fail "export countries --sort accounts: accepted"
grep -q "no such column" "$TT_TMP/err" || tt_fail "export countries --sort accounts: $(cat "$TT_TMP/err")"
tt_keys q
tt_wait_exit
echo "ok regions sort by every column; export == screen"

# Sideways: at 80 columns Task does not fit; Right scrolls the columns (the
# header with the rows) on to Library and Licence, Left scrolls back, then
# goes back as before; Right at the last column drills down as before.
tt_start narrow 80 24 --snapshot "$SNAP"
tt_wait "/3000"
tt_wait_re "# Id +Ctry +Org type +Downloads▼"
tt_screen | sed -n 4p | grep -q Task && tt_fail "narrow: Task fits at 80 columns; the test needs a column left out"
tt_keys Right
tt_wait_re "# Id +Org type +Downloads▼"
tt_screen | sed -n 5p | grep -qE '^ +1 [^ ]+ +industry +[0-9.]+k ' ||
	tt_fail "narrow: the rows did not scroll with the header: $(tt_screen | sed -n 5p)"
tt_keys Right Right Right
tt_wait_re "Created +Task *$"
tt_screen | sed -n 2,3p | grep -q "Field" && tt_fail "narrow: Right drilled down while columns were left out"
tt_keys Left Left Left Left
tt_wait_re "# Id +Ctry +Org type +Downloads▼"
tt_keys Left
tt_wait "Nothing to go back to"
tt_keys Right Right Right Right
tt_wait_re "Created +Task *$"
tt_keys Right Right Right Right
tt_wait_re "Library +Licence *$"
tt_keys Right
tt_wait "Hub URL"
tt_keys q
tt_wait_re "Library +Licence *$"
tt_keys q
tt_wait_exit
echo "ok sideways scroll"

# ---- The column chooser (H or F2): Space hides a column, gone from the
# screen and from the export (e), on Models, Regions and Bases; the
# identifying ones cannot be hidden; Esc puts the columns back; the choice
# lasts the session.
tt_start chooser 120 30 --snapshot "$SNAP"
tt_wait "/3000"
tt_wait_re "# Id +Ctry +Org type +Downloads▼ +Share +Cum % +Likes +Trend +Created +Task"
tt_keys H
tt_wait "Columns of Models: 13 of 13 shown"
tt_keys Space
tt_wait "# identifies the rows: it cannot be hidden"
tt_keys Down Space
tt_wait "Id identifies the rows: it cannot be hidden"
tt_keys Down Space
tt_wait "Columns of Models: 12 of 13 shown"
tt_keys Enter
tt_wait "Columns of Models: 12 of 13 shown, for this session"
tt_wait_re "# Id +Org type +Downloads▼ +Share"
tt_screen | sed -n 4p | grep -q Ctry && tt_fail "chooser: Ctry still on screen"
export_to "$TT_TMP/chosen.tsv"
h=$(head -1 "$TT_TMP/chosen.tsv" | tr '\t' ,)
[ "$h" = "rank,id,org_type,downloads,cum_share,likes,trending,created,pipeline_tag,library,license,data" ] ||
	tt_fail "chooser: the export's columns are not the screen's: $h"
# Its rows are the screen's.
tt_screen | sed -n 5,9p | awk '{ print $2 }' | cut -c1-15 >"$TT_TMP/scr"
col "$TT_TMP/chosen.tsv" id | head -5 | cut -c1-15 >"$TT_TMP/exp"
cmp -s "$TT_TMP/scr" "$TT_TMP/exp" || tt_fail "chooser: the export's rows are not the screen's"
# Esc leaves the columns as they were; the sort column stays shown.
tt_keys F2
tt_wait "Columns of Models: 12 of 13 shown"
tt_keys Down Down Down Down Space
tt_wait "Downloads stays shown while the list is sorted by it"
tt_keys Down Space
tt_wait "Columns of Models: 10 of 13 shown"
tt_keys Escape
tt_wait "Columns of Models unchanged"
tt_wait_re "# Id +Org type +Downloads▼ +Share"
# Regions: typing a title's first letter goes to it (Likes).
tt_keys 3
tt_wait_re "Name +Key +Models +Downloads▼"
tt_keys H
tt_wait "Columns of Regions"
tt_keys L Space Enter
tt_wait "Columns of Regions: 9 of 10 shown"
tt_wait_gone "Likes"
export_to "$TT_TMP/regions-chosen.csv"
h=$(head -1 "$TT_TMP/regions-chosen.csv" | tr -d '\r')
[ "$h" = "rank,country,name,models,downloads,share,cum_share,count_share,trending,earliest,data" ] ||
	tt_fail "chooser: the regions export's columns: $h"
# Bases, another list pane: its columns hide too.
tt_keys 9
tt_wait_re "Base model +Relation +Direct▼ +Chain"
tt_keys F2
tt_wait "Columns of Bases"
tt_keys C Space Enter
tt_wait_re "Base model +Relation +Direct▼ +Fine"
# Back on Models the choice holds.
tt_keys 1
tt_wait_re "# Id +Org type +Downloads▼ +Share"
tt_keys q
tt_wait_exit
echo "ok column chooser: hidden on screen and in the export"

# ---- columns.PANE in the configuration file: the columns shown, and `e`
# writes what `hubtop export PANE` writes; a bad column is refused with its
# line and the closest name, the rest of the file applies.
mkdir -p "$TT_TMP/config/hubtop"
printf 'columns.models = id, Downloads, Task, author\ncolumns.orgs = downloads, contry\n' >"$TT_TMP/config/hubtop/config"
tt_start config 120 30 --snapshot "$SNAP"
tt_wait "/3000"
tt_wait "config: 1 problem, lines skipped;"
tt_wait_re "# Id +Downloads▼ +Task *$"
export_to "$TT_TMP/config-models.csv"
XDG_CONFIG_HOME="$TT_TMP/config" HUBTOP_CACHE_DIR="$TT_TMP/cache-cli" "$TT_HUBTOP" --snapshot "$SNAP" export models \
	-o "$TT_TMP/cli-models.csv" 2>"$TT_TMP/cli.err" || tt_fail "hubtop export models: $(cat "$TT_TMP/cli.err")"
[ "$(head -1 "$TT_TMP/config-models.csv" | tr -d '\r')" = "rank,id,downloads,pipeline_tag,author,data" ] ||
	tt_fail "columns.models: the export's columns: $(head -1 "$TT_TMP/config-models.csv")"
cmp -s "$TT_TMP/config-models.csv" "$TT_TMP/cli-models.csv" || tt_fail "columns.models: e and hubtop export differ"
# The bad line left Orgs with every column.
tt_keys 4
tt_wait_re "Account +Name +Ctry +Org type"
tt_keys q
tt_wait_exit
grep -qF "config/hubtop/config:2: columns.orgs: unknown column 'contry' for orgs (did you mean 'country'" \
	"$TT_TMP/stderr-config" || tt_fail "columns.orgs = contry: $(cat "$TT_TMP/stderr-config")"
rm -f "$TT_TMP/config/hubtop/config"
echo "ok columns.PANE: shown, exported as on the command line, a bad column refused"
