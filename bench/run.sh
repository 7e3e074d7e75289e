#!/bin/sh
# bench/run.sh BUILDDIR - runs every benchmark built in BUILDDIR (make bench).
# The machine is shared (2 cores, other builds running): timed steps run
# several times and report the best and the median; the load average is
# printed with them, so that a noisy figure says so.
set -e
B=${1:-.}
SNAP=${HUBTOP_BENCH_SNAPSHOT:-$B/bench/demo-2m.hts}
SNAP_DS=${HUBTOP_BENCH_SNAPSHOT_DS:-$B/bench/demo-2m-500k.hts}
LISTING=${HUBTOP_BENCH_LISTING:-$B/bench/models-2m.jsonl}
RUNS=${HUBTOP_BENCH_RUNS:-3}
# A cache whose history holds two monthly snapshots of 2M models (the
# period's start, and its end, also the cache's snapshot).
PCACHE=${HUBTOP_BENCH_PERIOD_CACHE:-$B/bench/period-cache}
noise() { echo "   (machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg))"; }
if [ ! -f "$SNAP" ]; then
	echo "== making a 2,000,000-model demo snapshot: $SNAP"
	"$B/hubtop" demo --models 2000000 --datasets 0 -o "$SNAP"
fi
if [ ! -f "$SNAP_DS" ]; then
	echo "== making a 2,000,000-model, 500,000-dataset demo snapshot: $SNAP_DS"
	"$B/hubtop" demo --models 2000000 --datasets 500000 -o "$SNAP_DS"
fi
if [ ! -f "$LISTING" ]; then
	echo "== writing the 2,000,000 models as a Hub listing (JSON Lines): $LISTING"
	"$B/bench/bench_listing" "$SNAP_DS" >"$LISTING.tmp" && mv "$LISTING.tmp" "$LISTING"
fi

# Runs "$@" RUNS times; prints the best and median wall time in seconds.
wall_runs() {
	i=0
	: >"$B/bench/.walls"
	while [ $i -lt "$RUNS" ]; do
		s=$(date +%s%N)
		"$@" >/dev/null 2>&1 || { echo "failed: $*"; return 1; }
		e=$(date +%s%N)
		echo $(((e - s) / 1000000)) >>"$B/bench/.walls"
		i=$((i + 1))
	done
	sort -n "$B/bench/.walls" | awk '{ v[NR] = $1 } END { printf "best %.2f s, median %.2f s over %d runs", v[1] / 1e3, v[int((NR + 1) / 2)] / 1e3, NR }'
	rm -f "$B/bench/.walls"
}

echo "== memory: the explorer's pieces on 2,000,000 models + 500,000 datasets, every piece made"
"$B/bench/bench_mem" "$SNAP_DS" "${HUBTOP_ORGS:-}"
echo "== export: export models to CSV, 2,000,000 models (target <= 1.2 s)"
echo "   $(wall_runs "$B/hubtop" --snapshot "$SNAP" export models --format csv -o "$B/bench/export.csv")"
ls -l "$B/bench/export.csv" | awk '{ printf "   %.0f MB written\n", $5 / 1048576 }'
rm -f "$B/bench/export.csv"
noise
echo "== import: hubtop import of the 2,000,000-model JSON Lines listing (target <= 2.5 s)"
ls -l "$LISTING" | awk '{ printf "   listing: %.0f MB\n", $5 / 1048576 }'
# Without --as-of: the day's entry in the history (a second write of the
# snapshot, or a delta against whatever the user's cache holds) is the
# history's cost, not the import's; and an empty cache of its own, so that
# the figure never depends on the user's.
mkdir -p "$B/bench/import-cache"
echo "   whole process: $(export XDG_CACHE_HOME="$B/bench/import-cache"; wall_runs "$B/hubtop" import "$LISTING" -o "$B/bench/import.hts")"
rm -rf "$B/bench/import.hts" "$B/bench/import-cache"
"$B/bench/bench_import" "$LISTING" "$RUNS" | sed 's/^/   /'
noise
echo "== load: a 2,000,000-model snapshot"
"$B/bench/bench_load" "$SNAP" 9
echo "== engine: full recompute on 2,000,000 models, 200 filter changes"
"$B/bench/bench_engine" "$SNAP"
echo "== start-up with a period window: 2,000,000 models x 2 snapshots of the history (target <= 300 ms)"
if [ ! -f "$PCACHE/snapshot.hts" ]; then
	echo "   making a cache with 2 monthly demo snapshots of 2,000,000 models: $PCACHE"
	rm -rf "$PCACHE"
	"$B/hubtop" --cache-dir "$PCACHE" demo --models 2000000 --datasets 0 --history 2 -o "$PCACHE/snapshot.hts" >/dev/null
fi
# The period since the first: the history's oldest snapshot.
PSINCE=$("$B/hubtop" --cache-dir "$PCACHE" history | awk 'NR == 2 { print $1 }')
"$B/bench/bench_startup" "$PCACHE" "$PSINCE" "$RUNS" "${HUBTOP_ORGS:-}" | sed 's/^/   /'
noise
echo "== search: id index on 2,000,000 models, a typing session"
"$B/bench/bench_search" "$SNAP"
echo "== export: 2,000,000 models to a file, each format, against dd"
sh "$(dirname "$0")/bench_export.sh" "$B/hubtop" "$SNAP"
echo "== fetch: full crawl of 2,000,000 generated models from the test hub"
sh "$(dirname "$0")/bench_fetch.sh" "$B" 2000000
echo "== history: 12 monthly snapshots of 2,000,000 models against 12 whole ones"
sh "$(dirname "$0")/bench_history.sh" "$B" 2000000 12
if [ -n "${HUBTOP_BENCH_POLICY:-}" ]; then
	echo "== polite crawl: 2,000,000 generated models under 500 requests per 300 s (about 20 min)"
	sh "$(dirname "$0")/bench_crawl_policy.sh" "$B" 2000000 500 300
else
	echo "== polite crawl: skipped (about 20 min; run with HUBTOP_BENCH_POLICY=1)"
fi
echo "== explorer: start-up and key-to-screen (worst key: target <= 33 ms) on 2,000,000 models"
BENCH_SNAPSHOT="$SNAP" BENCH_PERIOD_CACHE="$PCACHE" BENCH_PERIOD_SINCE="$PSINCE" \
	sh "$(dirname "$0")/bench_tui.sh" "$B/hubtop"
noise
