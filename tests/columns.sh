#!/bin/sh
# columns.sh - any column of the item lists sorts, and the list scrolls
# sideways.  < and > reach the country, organisation type and task columns
# of Models and Datasets and the country and type of Orgs; the list is in
# that text's order (A to Z first, I reverses), ties by downloads; the
# export (e) writes the rows in the screen's order.  Left/Right scroll the
# columns when they do not fit, and go back / drill down when nothing is
# left to scroll.
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
# screen (their FIELD-th word, NF: the last, -: not compared; and their
# ids, the export's IDCOL, id by default) are the export's.
check() {
	tt_keys Home
	export_to "$TT_TMP/$1-$2.tsv"
	out=$(sorted "$TT_TMP/$1-$2.tsv" "$2") || tt_fail "$1 by $2: the export is not in order: $out"
	if [ "$4" != - ]; then
		tt_screen | sed -n 5,12p | awk -v f="$4" '{ print (f == "NF" ? $NF : $f) }' >"$TT_TMP/scr"
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
# Left of Id, round to the last column: Task.
tt_keys '<' '<'
tt_wait "Task▲"
check models pipeline_tag Task NF
echo "ok models sort by country, org type, task; export == screen"

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

# Orgs: left of Models, Org type, then Ctry.
tt_keys 4
tt_wait "Downloads▼"
tt_keys '<' '<'
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
tt_keys q
tt_wait_exit
echo "ok orgs sort by country and org type"

# Sideways: at 80 columns Task does not fit; Right scrolls the columns (the
# header with the rows), Left scrolls back, then goes back as before; Right
# at the last column drills down as before.
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
tt_keys Right
tt_wait "Hub URL"
tt_keys q
tt_wait_re "Created +Task *$"
tt_keys q
tt_wait_exit
echo "ok sideways scroll"
