#!/bin/sh
# hubdata.sh - the real July 2022 listing of ../shared/hubdata through the
# real binary: nothing lost on import, unknown stays unknown.  Skips (77)
# when the folder is absent, as in a user's own clone.
set -u
: "${HUBTOP:?}"
DATA=${HUBTOP_SHARED:-}/hubdata/models-2022-07.jsonl
if [ -z "${HUBTOP_SHARED:-}" ] || [ ! -r "$DATA" ]; then
	echo "SKIP: $DATA absent (../shared/hubdata is not part of the project)"
	exit 77
fi
T=${HUBTOP_TEST_TMP:-/tmp}/hubdata.$$
rm -rf "$T"; mkdir -p "$T"
trap 'rm -rf "$T"' EXIT
export HUBTOP_CACHE_DIR="$T/cache" XDG_CONFIG_HOME="$T/config"
. "$HUBTOP_SRCDIR/tests/checks.sh"
hasnt() { grep -q -- "$2" "$1" && { bad "$1 has '$2'"; grep -- "$2" "$1" | head -3; return 1; }; ok; }

# Every model imported, the legacy ids of 214-257 bytes included.
run 0 "$HUBTOP" import "$DATA" --as-of 2022-07-02 -o "$T/s.hts" &&
	has "$T/err" ": 55524 models imported" && hasnt "$T/err" "refused"
run 0 "$HUBTOP" info --snapshot "$T/s.hts" && has "$T/out" "models:     55524" &&
	has "$T/out" "data as of: 2022-07-02T00:00:00Z" && has "$T/out" "no all-time download counts"
run 0 "$HUBTOP" export models --snapshot "$T/s.hts" --search kamo-naoyuki_reverb_asr_train --format csv &&
	has "$T/out" "noise_apply_prob1._sp_valid.acc.ave"
# No all-time counts: --window all is refused with what to do.
run 2 "$HUBTOP" report --snapshot "$T/s.hts" --window all &&
	has "$T/err" "no all-time download counts" && has "$T/err" "window 30d"
run 2 "$HUBTOP" export models --snapshot "$T/s.hts" --window all && has "$T/err" "no all-time"
# The 30-day figures are the README's, the date is the one given.
run 0 "$HUBTOP" report --snapshot "$T/s.hts" --format json &&
	has "$T/out" '"downloads":[[:space:]]*199235153' && has "$T/out" '"as_of":[[:space:]]*"2022-07-02T00:00:00Z"' &&
	has "$T/out" '"without_download_count":[[:space:]]*0'
# No tags, no safetensors or gguf in 2022: relation, language and size are
# unknown for every model, said so, never shown as a measured 0.
run 0 "$HUBTOP" report --snapshot "$T/s.hts" &&
	has "$T/out" "By relation to a base model: unknown for all 55524 models (the listing gave no tags)" &&
	has "$T/out" "By language: unknown for all 55524 models" &&
	has "$T/out" "By size: unknown for all 55524 models" && hasnt "$T/out" "Base models by derivatives"
run 0 "$HUBTOP" report --snapshot "$T/s.hts" --format json &&
	has "$T/out" '"median":[[:space:]]*null' && has "$T/out" '"download_weighted_mean":[[:space:]]*null' &&
	has "$T/out" '"known":[[:space:]]*0' && has "$T/out" '"bases":[[:space:]]*\[\]'
run 0 "$HUBTOP" export relations --snapshot "$T/s.hts" && has "$T/out" "^unknown,unknown,55524,1.000000,199235153"
run 0 "$HUBTOP" export sizes --snapshot "$T/s.hts" && has "$T/out" "^unknown,unknown,55524,1.000000"
run 0 "$HUBTOP" export languages --snapshot "$T/s.hts" && has "$T/out" "^unknown,unknown,55524,1.000000"
run 0 "$HUBTOP" export models --snapshot "$T/s.hts" --size 1B.. && [ "$(wc -l <"$T/out")" -eq 1 ] && ok
# Without --as-of, a listing without dates has no date: unknown, not today.
run 0 "$HUBTOP" import "$DATA" -o "$T/u.hts"
run 0 "$HUBTOP" info --snapshot "$T/u.hts" && has "$T/out" "data as of: unknown"

echo "hubdata: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
