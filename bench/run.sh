#!/bin/sh
# bench/run.sh BUILDDIR - runs every benchmark built in BUILDDIR (make bench).
set -e
B=${1:-.}
echo "== engine: full recompute on 2,000,000 models, 200 filter changes"
"$B/bench/bench_engine" 2000000
