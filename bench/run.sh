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
echo "== explorer: start-up and key-to-screen on 2,000,000 models"
BENCH_SNAPSHOT="$SNAP" sh "$(dirname "$0")/bench_tui.sh" "$B/hubtop"
