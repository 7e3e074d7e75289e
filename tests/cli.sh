#!/bin/sh
# cli.sh - the headless commands through the real binary.
set -u
: "${HUBTOP:?}" "${HUBTOP_SRCDIR:?}"
T=${HUBTOP_TEST_TMP:-/tmp}/cli.$$
rm -rf "$T"; mkdir -p "$T"
trap 'rm -rf "$T"' EXIT
FIX=$HUBTOP_SRCDIR/tests/fixtures
export HUBTOP_CACHE_DIR="$T/cache" XDG_CONFIG_HOME="$T/config"
. "$HUBTOP_SRCDIR/tests/checks.sh"
hasnt_re() { grep -qE -- "$2" "$1" && { bad "$1 has '$2'"; grep -E -- "$2" "$1" | head -3; return 1; }; ok; }

# Help and version.
run 0 "$HUBTOP" --help && has "$T/out" "Usage: hubtop" && has "$T/out" "--country"
run 0 "$HUBTOP" --version && has "$T/out" "hubtop [0-9]"
for c in info report export fetch import demo orgs; do
	run 0 "$HUBTOP" "$c" --help && has "$T/out" "Usage: hubtop $c"
done
run 2 "$HUBTOP" frobnicate && has "$T/err" "unknown command or option 'frobnicate'"
run 2 "$HUBTOP" --pane planets && has "$T/err" "unknown pane 'planets'" && has "$T/err" "regions"

# No cache: the built-in demo, marked as such.
run 0 "$HUBTOP" info && has "$T/out" "DEMO DATA" && has "$T/out" "built-in demo"
run 0 "$HUBTOP" info --json && has "$T/out" '"demo":[[:space:]]*true' && has "$T/out" '"count":'
run 0 "$HUBTOP" export models --limit 3 && has "$T/out" "demo"
# The demo's relations, languages and sizes: in the report, the exports, the filters.
run 0 "$HUBTOP" report && has "$T/out" "By relation to a base model (base_model: tags)" &&
	has "$T/out" "By size (total parameters, from safetensors or gguf)" &&
	has "$T/out" "en English" && has "$T/out" "Base models by derivatives"
run 0 "$HUBTOP" report --format json && has "$T/out" '"by_relation"' && has "$T/out" '"by_language"' &&
	has "$T/out" '"by_size"' && has "$T/out" '"bases"' && has "$T/out" '"size_by_year"'
run 0 "$HUBTOP" export relations && has "$T/out" "^key,name,count,count_share,downloads,share,data" &&
	has "$T/out" "^quantized,quantized,[1-9]" && has "$T/out" "^unknown,unknown,0,"
run 0 "$HUBTOP" export bases --limit 2 --format tsv && has "$T/out" "^rank	base	in_snapshot	direct	chain"
run 0 "$HUBTOP" export languages --items datasets --format jsonl && has "$T/out" '"key":"en","name":"English"'
run 0 "$HUBTOP" export models --relation quantized --size 7B..70B --language zh --limit 3 &&
	has "$T/out" "demo"
run 2 "$HUBTOP" export models --relation fork && has "$T/err" "original, finetune, adapter, quantized, merge"
run 2 "$HUBTOP" report --size 70B..7B && has "$T/err" "7B..70B"
run 0 "$HUBTOP" export relations --relation merge && has "$T/out" "^merge,merge,[1-9]" &&
	has "$T/out" "^original,original,0,"

# Import: fixtures into the cache, then the cache is what opens.
run 0 "$HUBTOP" import "$FIX/models-small.jsonl" --datasets "$FIX/datasets-small.jsonl" &&
	has "$T/err" "13 models imported" && has "$T/err" "3 datasets imported"
[ -f "$T/cache/snapshot.hts" ] && ok || bad "import did not write the cache's snapshot"
run 0 "$HUBTOP" info --json && has "$T/out" '"demo":[[:space:]]*false' &&
	has "$T/out" '"complete":[[:space:]]*true'
run 0 "$HUBTOP" info && has "$T/out" "models:     13" && has "$T/out" "datasets:   3"

# Bad import input: reported with line numbers, the snapshot kept.
printf '{"id":"a/b","downloads":1}\nthis is not json\n' >"$T/bad.jsonl"
run 0 "$HUBTOP" import "$T/bad.jsonl" -o "$T/one.hts" && has "$T/err" "bad.jsonl:2:"
: >"$T/empty.jsonl"
run 1 "$HUBTOP" import "$T/empty.jsonl" && has "$T/err" "no input"
printf 'nonsense\n' >"$T/junk.jsonl"
run 1 "$HUBTOP" import "$T/junk.jsonl" && has "$T/err" "no valid item"
run 0 "$HUBTOP" info && has "$T/out" "models:     13"
printf '{"id":"x/y","downloads":5}\n' | "$HUBTOP" import - -o "$T/stdin.hts" 2>"$T/err" &&
	has "$T/err" "1 models imported" || bad "import from standard input"

# Export: CSV header, filters, sorting, bad values refused with the valid ones.
run 0 "$HUBTOP" export models --format csv && has "$T/out" "^rank,id,author" &&
	has "$T/out" "Qwen/Qwen2.5-7B"
run 0 "$HUBTOP" export models --search llama --format csv
[ "$(wc -l <"$T/out")" -eq 2 ] && ok || bad "search llama: expected header + 1 row"
run 0 "$HUBTOP" export models --sort name:asc --limit 1 --format tsv && has "$T/out" "Qwen\|bartowski\|deepseek\|google\|gpt2"
run 2 "$HUBTOP" export models --country XX && has "$T/err" "CN"
run 2 "$HUBTOP" export models --org-type martian && has "$T/err" "industry"
run 2 "$HUBTOP" export planets && has "$T/err" "countries"
run 2 "$HUBTOP" export models --window 7d && has "$T/err" "30d"
# Task, library and licence: refused when no item of the snapshot has the
# value, with the values some item has, most common first.
run 2 "$HUBTOP" export models --task no-such-task &&
	has "$T/err" "--task 'no-such-task'" && has "$T/err" "most common first: text-generation, " &&
	has "$T/err" "fill-mask" && has "$T/err" "Try 'hubtop export --help'"
[ -s "$T/out" ] && bad "a refused --task still wrote rows" || ok
run 2 "$HUBTOP" report --library Transformers --format json &&
	has "$T/err" "--library 'Transformers' (did you mean 'transformers'?)" && has "$T/err" "gguf"
[ -s "$T/out" ] && bad "a refused --library still wrote a report" || ok
run 2 "$HUBTOP" export countries --license nope && has "$T/err" "--license 'nope'" &&
	has "$T/err" "apache-2.0, mit" && has "$T/err" "odc-by"
run 2 "$HUBTOP" report --task text-generation --license apache-3.0 && has "$T/err" "--license 'apache-3.0'"
run 0 "$HUBTOP" export models --task text-generation --library transformers --license apache-2.0 --format csv &&
	has "$T/out" "Qwen/Qwen2.5-7B"
run 0 "$HUBTOP" report --license odc-by && has "$T/out" "datasets"
run 0 "$HUBTOP" export models -o "$T/out.csv" && has "$T/err" "rows"
[ -s "$T/out.csv" ] && ok || bad "export -o wrote nothing"
run 1 "$HUBTOP" export models -o "$T/no/such/dir/out.csv" && has "$T/err" "no/such/dir"
run 0 "$HUBTOP" export countries --format csv && has "$T/out" "unknown\|Unknown"
run 0 "$HUBTOP" export orgs --sort trending --limit 2 --format csv && has "$T/out" "^rank,account,.*,share,accounts,trending,likes,earliest,cum_share,data"

# Organisations: the directory's same_as links roll accounts up (gpt2 is
# OpenAI's, google-bert Google's), --group-by account keeps them apart,
# --org filters by organisation; names no organisation has are refused.
run 0 "$HUBTOP" export orgs --format csv && has "$T/out" "^4,openai,OpenAI,US,us,industry,1,500000,.*,1,0,[0-9]*,[0-9TZ:-]*,[0-9.]*,hub" &&
	has "$T/out" "^5,google,Google,"
run 0 "$HUBTOP" export orgs --group-by account --format csv && has "$T/out" "^4,gpt2,GPT-2 (OpenAI),.*,1,0,[0-9]*,[0-9TZ:-]*,[0-9.]*,hub" &&
	has "$T/out" "^5,google-bert,"
printf 'acme\tAcme Labs\tUS\tindustry\ttiny-user,someone\tone organisation, two accounts\n' >"$T/acme.tsv"
run 0 "$HUBTOP" --orgs-file "$T/acme.tsv" export orgs --format csv &&
	has "$T/out" "^[0-9]*,acme,Acme Labs,US,us,industry,3,1353,[0-9.]*,2,0,[0-9]*,[0-9TZ:-]*,[0-9.]*,hub"
grep -q "^[0-9]*,tiny-user," "$T/out" && bad "tiny-user not rolled up into acme" || ok
run 0 "$HUBTOP" --orgs-file "$T/acme.tsv" export orgs --group-by account --format csv &&
	has "$T/out" "^[0-9]*,tiny-user,Acme Labs,US,us,industry,2,153,[0-9.]*,1,0,[0-9]*,[0-9TZ:-]*,[0-9.]*,hub" &&
	has "$T/out" "^[0-9]*,someone,Acme Labs,US,us,industry,1,1200,"
run 0 "$HUBTOP" --orgs-file "$T/acme.tsv" export orgs --org 'acme labs' --group-by account --format csv
[ "$(wc -l <"$T/out")" -eq 3 ] && ok || bad "--org 'acme labs' --group-by account: expected header + 2 rows"
run 0 "$HUBTOP" --orgs-file "$T/acme.tsv" export models --org SOMEONE --format csv &&
	has "$T/out" "tiny-user/model-a" && has "$T/out" "someone/qwen-chat-lora"
[ "$(wc -l <"$T/out")" -eq 4 ] && ok || bad "--org SOMEONE: expected header + 3 models"
run 0 "$HUBTOP" --orgs-file "$T/acme.tsv" export models --org acme --author tiny-user --format csv
[ "$(wc -l <"$T/out")" -eq 3 ] && ok || bad "--org acme --author tiny-user: expected header + 2 models"
run 2 "$HUBTOP" --orgs-file "$T/acme.tsv" export orgs --org Acme,acne &&
	has "$T/err" "--org 'acne': no organisation has that name (did you mean 'acme'?)" &&
	has "$T/err" "Try 'hubtop export --help'"
[ -s "$T/out" ] && bad "a refused --org still wrote rows" || ok
run 2 "$HUBTOP" report --org nobody-at-all && has "$T/err" "--org 'nobody-at-all': no organisation" &&
	has "$T/err" "hubtop export orgs"
run 2 "$HUBTOP" export orgs --group-by team && has "$T/err" "bad value 'team' for --group-by" && has "$T/err" "organisation" &&
	has "$T/err" "account"
run 0 "$HUBTOP" export models --by lineage --author Qwen --format csv &&
	has "$T/out" "bartowski/Qwen2.5-7B-GGUF" && has "$T/out" "someone/qwen-chat-lora"

# Report: text and JSON, the stable keys.
run 0 "$HUBTOP" report && has "$T/out" "models"
run 0 "$HUBTOP" report --format json && has "$T/out" '"top_share"' &&
	has "$T/out" '"by_country"' && has "$T/out" '"by_org_type"' && has "$T/out" '"gini"' &&
	has "$T/out" '"group_by":[[:space:]]*"organisation"' && has "$T/out" '"top_orgs"' &&
	has "$T/out" '"accounts":[[:space:]]*1'
run 0 "$HUBTOP" --orgs-file "$T/acme.tsv" report && has "$T/out" "Top organisations" &&
	has "$T/out" "Acme Labs .* 1,353 downloads .* 3 items    2 accounts"
run 0 "$HUBTOP" --orgs-file "$T/acme.tsv" report --group-by account && has "$T/out" "Top accounts" &&
	has "$T/out" "Filter: --group-by account"

# A corrupted or foreign snapshot is refused, naming the file.
cp "$T/cache/snapshot.hts" "$T/corrupt.hts"
printf 'XX' | dd of="$T/corrupt.hts" bs=1 seek=2000 conv=notrunc 2>/dev/null
run 1 "$HUBTOP" info --snapshot "$T/corrupt.hts" && has "$T/err" "corrupt.hts" && has "$T/err" "corrupted"
printf 'hello' >"$T/foreign.hts"
run 1 "$HUBTOP" info --snapshot "$T/foreign.hts" && has "$T/err" "not a hubtop snapshot"
run 1 "$HUBTOP" info --snapshot "$T/missing.hts" && has "$T/err" "missing.hts"

# Demo of any size, deterministic.
run 0 "$HUBTOP" demo --models 3000 --datasets 500 -o "$T/d1.hts"
run 0 "$HUBTOP" demo --models 3000 --datasets 500 -o "$T/d2.hts"
cmp -s "$T/d1.hts" "$T/d2.hts" && ok || bad "demo is not deterministic"
run 0 "$HUBTOP" info --snapshot "$T/d1.hts" --json && has "$T/out" '"demo":[[:space:]]*true'
run 2 "$HUBTOP" demo --models lots -o "$T/x.hts" && has "$T/err" "lots"

# The organisation directory.
run 0 "$HUBTOP" orgs check && has "$T/out" "valid"
printf 'account\tname\tcountries\ttype\tsame_as\tnote\nacme\tAcme\tUS\tindustry\t\t\nacme\tAcme\tUS\tindustry\t\t\nzeta\tZeta\tZZ\tindustry\t\t\n' >"$T/orgs.tsv"
run 1 "$HUBTOP" orgs check "$T/orgs.tsv" && has "$T/err" "orgs.tsv:3:.*acme" && has "$T/err" "orgs.tsv:4:.*ZZ"
run 0 "$HUBTOP" orgs unattributed --top 5 && has "$T/out" "tiny-user\|someone\|orphan\|loop"
# Listed twice case-insensitively, through same_as, without a type: problems
# with their lines; an entry without a country is listed for review, not a problem.
printf 'Acme\tAcme\tUS\tindustry\t\t\nacme\tAcme\tUS\tindustry\t\t\nbeta\tBeta\tFR\tindustry\tgone\t\ngamma\tGamma\tDE\tindustry\tgone,delta,Delta\t\nnotype\tNo type\tUS\t\t\t\nsolo\tSolo\t\tindependent\t\thome not public\n' >"$T/twice.tsv"
run 1 "$HUBTOP" orgs check "$T/twice.tsv" && has "$T/err" "twice.tsv:2:.*duplicate account 'acme'" &&
	has "$T/err" "twice.tsv:4:.*'gone' in same_as is also in the same_as of 'beta' (line 3)" &&
	has "$T/err" "twice.tsv:4:.*names 'Delta' twice" && has "$T/err" "twice.tsv:5:.*no type" &&
	has "$T/out" "twice.tsv:6: solo.independent.home not public" && has "$T/out" "1 without a country"
printf 'solo\tSolo\t\tindependent\t\thome not public\nacme\tAcme\tUS\tindustry\tacme-old\t\nacme-old\tAcme (old)\t\tindustry\t\trenamed\n' >"$T/ok.tsv"
run 0 "$HUBTOP" orgs check "$T/ok.tsv" && has "$T/out" "ok.tsv:1: solo" && has "$T/out" "valid" &&
	has "$T/out" "1 without a country"
grep -q "acme-old" "$T/out" && bad "an alias counts for its organisation's country" || ok
run 0 "$HUBTOP" orgs check --quiet "$T/ok.tsv" && has "$T/out" "valid"
grep -q "ok.tsv:1: solo" "$T/out" && bad "--quiet still lists entries without a country" || ok
for s in check unattributed coverage; do
	run 0 "$HUBTOP" orgs "$s" --help && has "$T/out" "Usage: hubtop orgs" && has "$T/out" "--kind"
done
run 2 "$HUBTOP" orgs unattributed --kind robots && has "$T/err" "org, user, unchecked or any"
run 0 "$HUBTOP" orgs unattributed --kind unchecked --top 2 && has "$T/out" "not checked"
[ "$(grep -c 'not checked' "$T/out")" = 2 ] && ok || bad "--top 2 did not keep 2 rows"
run 0 "$HUBTOP" orgs unattributed --kind user && grep -q "not checked" "$T/out" &&
	bad "--kind user kept accounts the Hub was not asked about" || ok
run 0 "$HUBTOP" orgs coverage --top 3 --list && has "$T/out" "top 3 accounts" &&
	has "$T/out" "with a country: *[0-9.]*% of downloads" && has "$T/out" "in the directory:"
run 2 "$HUBTOP" orgs coverage --top 0 && has "$T/err" "positive whole number"

# Unknown stays unknown: null and missing counts, no all-time counts, no dates.
printf '%s\n' '{"id":"a/big","downloads":1000,"lastModified":"2022-06-30T10:00:00.000Z"}' \
	'{"id":"a/small","downloads":50}' '{"id":"b/null","downloads":null}' '{"id":"b/none"}' \
	'{"id":"c/bad\u0007id","downloads":3}' >"$T/unk.jsonl"
run 0 "$HUBTOP" import "$T/unk.jsonl" -o "$T/unk.hts" && has "$T/err" "4 models imported" &&
	has "$T/err" "1 refused" && has "$T/err" "unk.jsonl:5: item refused: a control character in its id"
run 0 "$HUBTOP" info --snapshot "$T/unk.hts" &&
	has "$T/out" "data as of: 2022-06-30T10:00:00Z (inferred" && has "$T/out" "no all-time download counts" &&
	has "$T/out" "complete listing but 1 items refused"
run 0 "$HUBTOP" info --snapshot "$T/unk.hts" --json && has "$T/out" '"as_of_inferred":[[:space:]]*true' &&
	has "$T/out" '"all_time_counts":[[:space:]]*false'
run 2 "$HUBTOP" report --snapshot "$T/unk.hts" --window all &&
	has "$T/err" "no all-time download counts" && has "$T/err" "Use --window 30d"
run 2 "$HUBTOP" export models --snapshot "$T/unk.hts" --window all && has "$T/err" "downloadsAllTime"
# The two null counts are left out: one of two under 200, not three of four.
run 0 "$HUBTOP" report --snapshot "$T/unk.hts" && has "$T/out" "2 models without a download count" &&
	has "$T/out" "Long tail: 50.0% have fewer than 200"
run 0 "$HUBTOP" report --snapshot "$T/unk.hts" --format json &&
	has "$T/out" '"without_download_count":[[:space:]]*2' && has "$T/out" '"under_200_share":[[:space:]]*0.5,'
# An empty view: n/a everywhere, never 0.
run 0 "$HUBTOP" report --snapshot "$T/unk.hts" --search nothing-matches --format json &&
	has "$T/out" '"gini":[[:space:]]*null' && has "$T/out" '"10":[[:space:]]*null' &&
	has "$T/out" '"na_reason":[[:space:]]*"no item matches"' && hasnt_re "$T/out" '"gini":[[:space:]]*0'
run 0 "$HUBTOP" report --snapshot "$T/unk.hts" --search nothing-matches &&
	has "$T/out" "0 models, 0 downloads" && hasnt_re "$T/out" "Gini coefficient 0.000"
# Only null counts: downloads n/a with the reason.
run 0 "$HUBTOP" report --snapshot "$T/unk.hts" --author b &&
	has "$T/out" "2 models, downloads n/a (no matching item has a download count)" &&
	has "$T/out" "Concentration: n/a"
# Export: an unknown count is an empty field, null in JSON Lines.
run 0 "$HUBTOP" export models --snapshot "$T/unk.hts" --format csv --author b &&
	has "$T/out" "^1,b/none,b,b,unknown,unknown,independent,,,0,"
run 0 "$HUBTOP" export models --snapshot "$T/unk.hts" --format jsonl --author b &&
	has "$T/out" '"downloads":null,"downloads_all_time":null'
run 0 "$HUBTOP" export countries --snapshot "$T/unk.hts" --format csv --search nothing-matches &&
	has "$T/out" "^1,unknown,Unknown,unknown,0,0,,,"
# --import --as-of: the date the data describes, not the import's.
run 0 "$HUBTOP" import "$T/unk.jsonl" --as-of 2022-07-02 -o "$T/unk2.hts"
run 0 "$HUBTOP" info --snapshot "$T/unk2.hts" && has "$T/out" "data as of: 2022-07-02T00:00:00Z$"
run 2 "$HUBTOP" import "$T/unk.jsonl" --as-of yesterday -o "$T/unk3.hts" && has "$T/err" "YYYY-MM-DD"
# Shares of attributed downloads: both in the report; --of is a filter key.
run 0 "$HUBTOP" report --of attributed && has "$T/out" "Filter: --of attributed" &&
	has "$T/out" "share of all downloads, of attributed downloads" && has "$T/out" "Attributed: "
run 0 "$HUBTOP" report --format json && has "$T/out" '"share_of_attributed"' &&
	has "$T/out" '"attributed_share"'
run 2 "$HUBTOP" report --of known && has "$T/err" "attributed"
# A country filter says what it leaves out.
run 0 "$HUBTOP" report --country CN && has "$T/out" "Left out by the country filter: "
run 0 "$HUBTOP" report --country CN --format json && has "$T/out" '"left_out_by_country_filter"'

# The explorer refuses to run without a terminal, and says what to use.
run 1 "$HUBTOP" </dev/null && has "$T/err" "needs a terminal"

echo "cli: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
