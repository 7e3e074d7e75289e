#!/bin/sh
# period.sh - period windows and movers through the real binary: two
# imports with known all-time counts (kept, new, deleted, renamed, fewer at
# the end) give exact figures for --window since:DATE and A..B in report,
# export and export movers; the refusals (no history, a bad date, a
# partial snapshot, movers without a period); then the explorer in tmux:
# the window key's cycle through the history's periods, the header's
# dates and the Movers pane, at 80x24.
. "${HUBTOP_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"

tt_init period
C="$TT_TMP/cache"
export HUBTOP_CACHE_DIR="$C" XDG_CONFIG_HOME="$TT_TMP/config"
export LANG=C.UTF-8 LC_ALL=C.UTF-8
OUT="$TT_TMP/out" ERR="$TT_TMP/err"

# run STATUS CMD...: output in $OUT and $ERR
run() {
	want=$1
	shift
	"$@" >"$OUT" 2>"$ERR"
	got=$?
	[ "$got" = "$want" ] || { cat "$ERR"; tt_fail "'$*' exited $got, expected $want"; }
}
has() { grep -qF -- "$2" "$1" || { sed 's/^/  | /' "$1" | head -20; tt_fail "$1 lacks '$2'"; }; }
# json FILE KEY VALUE: "KEY": VALUE as cJSON prints it (a tab after the colon)
json() { grep -qE -- "\"$2\":[[:space:]]*$3" "$1" || { sed 's/^/  | /' "$1" | head -40; tt_fail "$1 lacks $2: $3"; }; }

item() { # id downloads all-time created
	printf '{"id":"%s","downloads":%s,"downloadsAllTime":%s,"createdAt":"%sT00:00:00.000Z","tags":[]}\n' "$1" "$2" "$3" "$4"
}
{
	item a/keep1 100 1000 2023-01-01
	item a/keep2 50 200 2023-02-01
	item b/down 80 900 2023-03-01
	item c/gone 40 700 2023-04-01
	item c/old-name 30 300 2022-01-01
} >"$TT_TMP/jan.jsonl"
{
	item a/keep1 300 1500 2023-01-01
	item a/keep2 10 200 2023-02-01
	item b/down 80 800 2023-03-01
	item c/new 150 250 2025-03-01
	item c/new-name 60 350 2022-01-01
} >"$TT_TMP/jul.jsonl"

# A fresh machine: the built-in demo's earlier months stand for the history.
HUBTOP_CACHE_DIR="$TT_TMP/fresh" run 0 "$TT_HUBTOP" report --window since:2026-01-01
has "$OUT" "Downloads: 2026-01-01..2026-04-01"
HUBTOP_CACHE_DIR="$TT_TMP/fresh" run 0 "$TT_HUBTOP" export movers --window since:2026-03-01 --limit 2
has "$OUT" ",2026-03-01,2026-04-01,demo"
HUBTOP_CACHE_DIR="$TT_TMP/fresh" run 1 "$TT_HUBTOP" report --window 2025-01-01..2025-06-01
has "$ERR" "on the built-in demo a period ends at its date, 2026-04-01"

# A snapshot in the cache but no history yet: a period is refused with
# what to do.
run 0 "$TT_HUBTOP" import "$TT_TMP/jan.jsonl"
run 1 "$TT_HUBTOP" report --window since:2025-01-01
has "$ERR" "holds no snapshot, and a period needs two"
has "$ERR" "hubtop import FILE --as-of DATE"
run 2 "$TT_HUBTOP" report --window since:2025-02-30
has "$ERR" "bad value 'since:2025-02-30' for --window"
run 2 "$TT_HUBTOP" report --window 2025-07-01..2025-01-01
has "$ERR" "a period whose end comes after its start"
run 2 "$TT_HUBTOP" export movers
has "$ERR" "movers compare two snapshots of the history"

# An older one too: a second period in the window key's cycle.
run 0 "$TT_HUBTOP" import "$TT_TMP/jan.jsonl" --as-of 2024-06-01
run 0 "$TT_HUBTOP" import "$TT_TMP/jan.jsonl" --as-of 2025-01-01
run 0 "$TT_HUBTOP" import "$TT_TMP/jul.jsonl" --as-of 2025-07-01
# One snapshot before the end is all a period needs; the nearest is taken.
run 0 "$TT_HUBTOP" report --window since:2025-01-03 --json
json "$OUT" window '"since:2025-01-03"'
json "$OUT" start_as_of '"2025-01-01'
json "$OUT" end_as_of '"2025-07-01'
json "$OUT" gone '2'
json "$OUT" gone_downloads_at_start '1000'
json "$OUT" new '1'
json "$OUT" fewer_at_end '1'
json "$OUT" absent_at_start '1'
# keep1 500 + new 250 + keep2 0; down (fewer) and new-name (renamed) unknown.
json "$OUT" downloads '750'
run 0 "$TT_HUBTOP" report --window 2025-01-01..2025-07-01
has "$OUT" "Downloads: 2025-01-01..2025-07-01"
has "$OUT" "1 new (counted from 0); 2 gone since the start (deleted or renamed), their 1000 downloads"
has "$OUT" "750 downloads"
# The period's row map is kept for the next start-up; the same figures
# through it, and through a damaged, truncated, stale or unreadable one
# (each then matched anew): it never stops hubtop.
[ -s "$C/history/period.map" ] || tt_fail "no row map kept in $C/history/period.map"
cp "$OUT" "$TT_TMP/report.ab"
run 0 "$TT_HUBTOP" report --window 2025-01-01..2025-07-01
cmp -s "$OUT" "$TT_TMP/report.ab" || tt_fail "the report through the kept row map differs"
printf 'XXXXXXXX' | dd of="$C/history/period.map" bs=1 seek=70 conv=notrunc 2>/dev/null
run 0 "$TT_HUBTOP" report --window 2025-01-01..2025-07-01
cmp -s "$OUT" "$TT_TMP/report.ab" || tt_fail "the report with a damaged row map differs"
head -c 40 "$C/history/period.map" >"$TT_TMP/short" && cp "$TT_TMP/short" "$C/history/period.map"
run 0 "$TT_HUBTOP" report --window 2025-01-01..2025-07-01
cmp -s "$OUT" "$TT_TMP/report.ab" || tt_fail "the report with a truncated row map differs"
run 0 "$TT_HUBTOP" report --window 2024-06-01..2025-07-01
run 0 "$TT_HUBTOP" report --window 2025-01-01..2025-07-01
cmp -s "$OUT" "$TT_TMP/report.ab" || tt_fail "the report with another period's row map differs"
rm -f "$C/history/period.map" && mkdir "$C/history/period.map"
run 0 "$TT_HUBTOP" report --window 2025-01-01..2025-07-01
cmp -s "$OUT" "$TT_TMP/report.ab" || tt_fail "the report with a folder for a row map differs"
rmdir "$C/history/period.map"

run 0 "$TT_HUBTOP" export models --window since:2025-01-01 --format csv
# "downloads" is the window's, here the period's (docs/export.md).
head -4 "$OUT" | awk -F, 'NR == 1 { for (i = 1; i <= NF; i++) if ($i == "downloads") c = i }
	{ print $2 "," $c }' >"$TT_TMP/cols"
has "$TT_TMP/cols" "id,downloads"
has "$TT_TMP/cols" "a/keep1,500"
has "$TT_TMP/cols" "c/new,250"
has "$TT_TMP/cols" "a/keep2,0"

run 0 "$TT_HUBTOP" export movers --window since:2025-01-01
has "$OUT" "rank,id,name,rank_start,rank_end,rank_change,downloads_30d_start,downloads_30d_end,growth"
has "$OUT" "1,a/keep1,a/keep1,1,1,0,100,300,200,2.000000,500,no,1,1,2025-01-01,2025-07-01,hub"
has "$OUT" "2,c/new,c/new,,2,,0,150,150,,250,yes,1,0,2025-01-01,2025-07-01,hub"
has "$OUT" "5,a/keep2,a/keep2,3,5,-2,50,10,-40,-0.800000,0,no,1,1,2025-01-01,2025-07-01,hub"
run 0 "$TT_HUBTOP" export movers --window since:2025-01-01 --per orgs --group-by account --format jsonl
has "$OUT" '{"rank":1,"key":"c","name":"c","rank_start":null,"rank_end":2,"rank_change":null,"downloads_30d_start":0,"downloads_30d_end":210,"growth":210'
has "$OUT" '"key":"b","name":"b","rank_start":2,"rank_end":3,"rank_change":-1,"downloads_30d_start":80,"downloads_30d_end":80,"growth":0'
run 0 "$TT_HUBTOP" export movers --window since:2025-01-01 --per countries --format tsv
has "$OUT" "unknown	Unknown"
run 2 "$TT_HUBTOP" export movers --window since:2025-01-01 --per planets
has "$ERR" "--per is models, datasets, orgs or countries, not 'planets'"
run 2 "$TT_HUBTOP" export models --per orgs
has "$ERR" "--per is for 'hubtop export movers' only"

echo "ok cli"

# A history of deltas on one base: a period's rows matched through the row
# maps the adds stored (the end's day held as a delta of the open snapshot's
# ids) give the figures and movers of the same end in another row order,
# whose rows are matched by id.
M="$TT_TMP/maps"
awk -v T="$TT_TMP" 'BEGIN { split("a b c", nm, " ");
	for (g = 0; g < 3; g++) {
		f = T "/maps-" nm[g + 1] ".jsonl"
		for (i = 0; i < 3000 + g * 5; i++) {
			if (i % 97 == g)
				continue
			printf "{\"id\":\"o%d/m-%d\",\"downloads\":%d,\"downloadsAllTime\":%d,\"createdAt\":\"%sT00:00:00.000Z\",\"tags\":[]}\n",
				i % 13, i, i * 3 + g, i * 70 + g * i % 5, i == 7 ? "2025-07-01" : "2023-01-01" > f
		}
		close(f)
	} }'
HUBTOP_CACHE_DIR="$M" run 0 "$TT_HUBTOP" import "$TT_TMP/maps-a.jsonl" --as-of 2024-06-01
HUBTOP_CACHE_DIR="$M" run 0 "$TT_HUBTOP" import "$TT_TMP/maps-b.jsonl" --as-of 2025-01-01
has "$ERR" "a delta"
HUBTOP_CACHE_DIR="$M" run 0 "$TT_HUBTOP" import "$TT_TMP/maps-c.jsonl" --as-of 2025-07-01
has "$ERR" "a delta"
sort -r "$TT_TMP/maps-c.jsonl" >"$TT_TMP/maps-r.jsonl"
HUBTOP_CACHE_DIR="$M" run 0 "$TT_HUBTOP" import "$TT_TMP/maps-r.jsonl" -o "$TT_TMP/maps-r.hts"
for w in since:2025-01-03 since:2024-06-01 2025-01-01..2025-07-01; do
	HUBTOP_CACHE_DIR="$M" run 0 "$TT_HUBTOP" report --window "$w" --json
	# (fetched_at: the two ends were imported apart, maybe a second apart)
	grep -v -e '"endpoint"' -e '"as_of_inferred"' -e '"fetched_at"' "$OUT" >"$TT_TMP/maps-1"
	HUBTOP_CACHE_DIR="$M" run 0 "$TT_HUBTOP" export movers --window "$w" --format csv
	sort "$OUT" >"$TT_TMP/maps-m1"
	[ "$(wc -l <"$TT_TMP/maps-m1")" -gt 2900 ] || tt_fail "--window $w: too few movers"
	case $w in *..*) continue ;; esac
	HUBTOP_CACHE_DIR="$M" run 0 "$TT_HUBTOP" report --snapshot "$TT_TMP/maps-r.hts" --window "$w" --json
	grep -v -e '"endpoint"' -e '"as_of_inferred"' -e '"fetched_at"' "$OUT" >"$TT_TMP/maps-2"
	cmp -s "$TT_TMP/maps-1" "$TT_TMP/maps-2" || { diff "$TT_TMP/maps-1" "$TT_TMP/maps-2" | head; tt_fail "--window $w: other figures through the stored row maps"; }
	HUBTOP_CACHE_DIR="$M" run 0 "$TT_HUBTOP" export movers --snapshot "$TT_TMP/maps-r.hts" --window "$w" --format csv
	sort "$OUT" | cmp -s "$TT_TMP/maps-m1" - || tt_fail "--window $w: other movers through the stored row maps"
done
json "$TT_TMP/maps-1" gone '31'

# ---- The explorer: the window key cycles through the history's periods.
TT_ENV="HUBTOP_CACHE_DIR='$C'"
tt_start win 80 24
tt_wait "a/keep1"
tt_expect_line 1 "Downloads \(30d\)"
tt_keys w
tt_wait "Downloads (all time)"
tt_keys w
tt_wait "Downloads (2025-01-01..2025-07-01)"
tt_wait "Downloads: between the snapshots of 2025-01-01..2025-07-01"
tt_wait "window since:2025-01-01"
# The period's order: keep1 (500), new (250), keep2 (0).
tt_wait_re "^ +1 +a/keep1 "
tt_wait_re "^ +2 +c/new "
tt_keys w
tt_wait "Downloads (2024-06-01..2025-07-01)"
tt_keys w
tt_wait "Downloads (30d)"
# The Movers pane: no period yet said so, then by growth.
tt_keys 8
tt_wait_re "^Name +Was +Now +Move +30d then +30d now +Growth"
tt_wait "No period: w picks one"
tt_keys w w
tt_wait "Downloads (2025-01-01..2025-07-01)"
tt_wait_re "^a/keep1 +1 +1 += +100 +300 +\+200 +500"
tt_wait_re "^c/new +- +2 +new +0 +150 +\+150 +250"
tt_keys S S
tt_wait "Movers: organisations"
tt_keys S
tt_wait "Movers: countries"
tt_wait_re "^Unknown "
# A period typed at the ':' prompt; one that ends elsewhere is refused
# there (the explorer keeps its snapshot); undo brings the period back.
tt_keys 1 :
tt_type "filter window since:2024-06-01"
tt_keys Enter
tt_wait "Downloads (2024-06-01..2025-07-01)"
tt_keys :
tt_type "filter window 2024-06-01..2025-01-01"
tt_keys Enter
tt_wait "--window 2024-06-01..2025-01-01: the period ends at the snapshot of 2025-01-01"
tt_wait "Downloads (period: no start snapshot) n/a"
tt_keys u
tt_wait "Downloads (2024-06-01..2025-07-01)"
tt_keys u
tt_wait "Downloads (2025-01-01..2025-07-01)"
tt_keys q
tt_wait_exit
echo "ok explorer"
