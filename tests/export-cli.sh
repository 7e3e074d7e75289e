#!/bin/sh
# export-cli.sh - `hubtop export PANE` for every name the explorer uses and
# the engine's, the columns each writes, the format rules (--format, the
# file's extension, json), `~` in -o, the window of the downloads column and
# the Concentration and Trends tables.
set -u
: "${HUBTOP:?}" "${HUBTOP_SRCDIR:?}"
T=${HUBTOP_TEST_TMP:-/tmp}/export-cli.$$
rm -rf "$T"; mkdir -p "$T/home"
trap 'rm -rf "$T"' EXIT
export HUBTOP_CACHE_DIR="$T/cache" XDG_CONFIG_HOME="$T/config"
. "$HUBTOP_SRCDIR/tests/checks.sh"

S="$T/demo.snap"
run 0 "$HUBTOP" demo --models 2000 --datasets 300 -o "$S" || exit 1
X="$HUBTOP --snapshot $S export"

# Every pane name of the explorer, and the engine's rankings.
for p in models datasets regions orgs trends concentration countries groups org-types tasks libraries years; do
	run 0 $X "$p" && [ "$(wc -l <"$T/out")" -gt 1 ] && ok || bad "export $p wrote nothing"
done
run 2 $X planets && has "$T/err" "regions, orgs, trends, concentration"
run 0 $X regions --limit 2 && has "$T/out" "^rank,country,name,country_group,models,downloads,share,count_share,trending,likes,earliest,cum_share,data"
run 0 $X orgs --limit 2 && has "$T/out" ",accounts,trending,likes,earliest,cum_share,data"
run 0 $X models --limit 2 && has "$T/out" ",gated,downloads_30d,cum_share,data"
# The cumulative share ends at 1 over every row.
run 0 $X countries && [ "$(tail -1 "$T/out" | awk -F, '{ print $12 }')" = "1.000000" ] && ok ||
	bad "countries: the last cum_share is $(tail -1 "$T/out" | awk -F, '{ print $12 }'), not 1"

# Trends: newest year first, shares by type or group, of downloads or counts.
run 0 $X trends && has "$T/out" "^rank,year,models,downloads,industry_share,academia_share,non_profit_share"
awk -F, 'NR > 2 && $2 != "legacy" && $2 + 0 >= p { exit 1 } NR > 1 { p = $2 + 0 }' "$T/out" && ok || bad "trends: years not newest first"
awk -F, 'NR > 1 { s = 0; for (i = 5; i <= 11; i++) s += $i; if (s < 0.999 || s > 1.001) exit 1 }' "$T/out" && ok ||
	bad "trends: a year's shares do not add up to 1"
run 0 $X trends --split group --measure count && has "$T/out" ",us_share,cn_share," && has "$T/out" ",us_count,"
run 0 $X trends --limit 2 && [ "$(wc -l <"$T/out")" = 3 ] && ok || bad "trends --limit 2: $(wc -l <"$T/out") lines"
run 2 $X trends --split planet && has "$T/err" "--split is type, group, relation, size or language"

# Concentration: the figures, not the models list.
run 0 $X concentration && has "$T/out" "^figure,name,items,item_share,downloads,share,value,data" &&
	has "$T/out" "^top_10,Top 10,10," && has "$T/out" "^half," && has "$T/out" "^median," && has "$T/out" "^lorenz_100,"
[ "$(grep -c '^lorenz_' "$T/out")" = 101 ] && ok || bad "concentration: not 101 Lorenz points"
# The half is the fewest top models holding half of the downloads.
run 0 $X models --format tsv && cp "$T/out" "$T/half.tsv" && awk -F '\t' 'NR > 1 { t += $8; d[NR - 1] = $8 } END {
	for (i = 1; 2 * s < t; i++) s += d[i]; print i - 1 }' "$T/out" >"$T/half"
run 0 $X concentration && [ "$(awk -F, '$1 == "half" { print $3 }' "$T/out")" = "$(cat "$T/half")" ] && ok ||
	bad "concentration: half $(awk -F, '$1 == "half" { print $3 }' "$T/out"), counted $(cat "$T/half")"
awk -F '\t' 'NR > 1 { d[NR - 1] = $8 } END { n = NR - 1; if (n % 2) print d[(n + 1) / 2];
	else { a = d[n / 2]; b = d[n / 2 + 1]; print int(a / 2) + int(b / 2) + int((a % 2 + b % 2) / 2) } }' "$T/half.tsv" >"$T/median"
run 0 $X concentration && [ "$(awk -F, '$1 == "median" { print $5 }' "$T/out")" = "$(cat "$T/median")" ] && ok ||
	bad "concentration: median $(awk -F, '$1 == "median" { print $5 }' "$T/out"), counted $(cat "$T/median")"
run 0 $X concentration --items datasets && has "$T/out" "^items,Items,300,"

# The downloads column is the window's.
run 0 $X models --window all --format tsv &&
	awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "downloads") d = i; if ($i == "downloads_all_time") a = i } next }
		$d != $a { bad = 1 } END { exit bad || !d || !a }' "$T/out" && ok || bad "--window all: downloads is not all-time"
run 0 $X models --format tsv &&
	awk -F '\t' 'NR == 1 { for (i = 1; i <= NF; i++) { if ($i == "downloads") d = i; if ($i == "downloads_30d") a = i } next }
		$d != $a { bad = 1 } END { exit bad || !d || !a }' "$T/out" && ok || bad "30d: downloads is not downloads_30d"

# Formats: --format, json, the extension, and an extension that names none.
run 0 $X regions --format json --limit 1 && has "$T/out" '^{"rank":1,'
run 0 $X regions -o "$T/r.tsv" && has "$T/r.tsv" "$(printf '^rank\tcountry')"
run 0 $X regions -o "$T/r.JSONL" && has "$T/r.JSONL" '^{"rank":1,'
run 0 $X regions -o "$T/r.json" && has "$T/r.json" '^{"rank":1,'
run 2 $X regions -o "$T/r.xlsx" && has "$T/err" "'.xlsx' is not an export format"
[ ! -e "$T/r.xlsx" ] && ok || bad "r.xlsx was written"
run 0 $X regions --format tsv -o "$T/r.txt" && has "$T/r.txt" "$(printf '^rank\tcountry')"
run 2 $X regions --format tsv -o "$T/r.csv" && has "$T/err" "make them agree"
run 0 $X regions -o "$T/noext" && has "$T/noext" "^rank,country"
run 0 $X regions -o /dev/null
# ~ is the home folder, also where no shell expands it.
HOME="$T/home" run 0 $X regions "--output=~/home.csv" && has "$T/home/home.csv" "^rank,country"
HOME="$T/home" run 0 $X regions -o "~/h.tsv" && has "$T/home/h.tsv" "$(printf '^rank\tcountry')"

# --columns: the identifying columns, then those named (export headers or
# the explorer's titles), in that order, then data; an unknown name is
# refused with the closest ones; the configuration's columns.PANE is the
# default, --columns overrides it, a bad line is a warning.
run 0 $X models --limit 2 --columns 'Ctry, downloads,Org type,task,likes' &&
	has "$T/out" "^rank,id,country,downloads,org_type,pipeline_tag,likes,data.\?$"
[ "$(wc -l <"$T/out")" = 3 ] && ok || bad "--columns --limit 2: $(wc -l <"$T/out") lines"
run 0 $X models --limit 5 --format tsv && cut -f2,8 "$T/out" >"$T/all"
run 0 $X models --limit 5 --format tsv --columns downloads && cut -f2,3 "$T/out" | cmp -s - "$T/all" && ok ||
	bad "--columns downloads: not the same rows and values as every column"
run 0 $X orgs --items datasets --limit 1 --columns 'models,Cum %,likes' --format json &&
	has "$T/out" '^{"rank":1,"account":"[^"]*","datasets":[0-9]*,"cum_share":[0-9.]*,"likes":[0-9]*,"data":"demo"}$'
run 0 $X groups --limit 1 --columns 'Of models,models' && has "$T/out" "^rank,key,count_share,count,data"
run 0 $X regions --limit 1 --columns id && has "$T/out" "^rank,country,data"
run 2 $X models --columns 'id,dowloads' && has "$T/err" "unknown column 'dowloads' for models (did you mean 'downloads'"
run 2 $X trends --columns likes && has "$T/err" "the columns of trends cannot be chosen"
mkdir -p "$T/config/hubtop"
printf 'columns.regions = likes, downloads\ncolumns.models = id,licence\n' >"$T/config/hubtop/config"
run 0 $X regions --limit 1 && has "$T/out" "^rank,country,likes,downloads,data"
run 0 $X regions --limit 1 --columns name && has "$T/out" "^rank,country,name,data"
run 0 $X models --limit 1 && has "$T/out" "^rank,id,author," &&
	has "$T/err" "config:2: columns.models: unknown column 'licence' for models (did you mean 'license'"
run 0 $X countries --limit 1 && has "$T/out" "^rank,country,name,country_group,"
rm -f "$T/config/hubtop/config"

# --format json wherever JSON is written.
run 0 "$HUBTOP" --snapshot "$S" info --format json && has "$T/out" '"demo":'
run 0 "$HUBTOP" --snapshot "$S" report --format json && has "$T/out" '"count":'
run 2 "$HUBTOP" --snapshot "$S" info --format xml && has "$T/err" "unknown format 'xml'"

echo "export-cli.sh: $pass passed, $fail failed"
[ "$fail" = 0 ]
