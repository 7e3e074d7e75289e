#!/bin/sh
# bench/run.sh BUILDDIR - runs every benchmark built in BUILDDIR (make bench).
set -e
B=${1:-.}
SNAP=${HUBTOP_BENCH_SNAPSHOT:-$B/bench/demo-2m.hts}
if [ ! -f "$SNAP" ]; then
	echo "== making a 2,000,000-model demo snapshot: $SNAP"
	"$B/hubtop" demo --models 2000000 --datasets 0 -o "$SNAP"
fi
echo "== load: a 2,000,000-model snapshot"
"$B/bench/bench_load" "$SNAP" 9
echo "== engine: full recompute on 2,000,000 models, 200 filter changes"
"$B/bench/bench_engine" "$SNAP"
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
echo "== explorer: start-up and key-to-screen on 2,000,000 models"
BENCH_SNAPSHOT="$SNAP" sh "$(dirname "$0")/bench_tui.sh" "$B/hubtop"
