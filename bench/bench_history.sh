#!/bin/sh
# bench/bench_history.sh BUILDDIR [MODELS] [MONTHS] - the history's disk use
# and speed: a series of MONTHS monthly demo snapshots of MODELS models
# (default 2,000,000 and 12) written by `hubtop demo --history`, against as
# many whole snapshots; the time to load each and to add one.
set -e
B=${1:-.}
M=${2:-2000000}
N=${3:-12}
C=${BENCH_HISTORY_DIR:-$B/bench/history-$M}
rm -rf "$C"
mkdir -p "$C"
start=$(date +%s)
"$B/hubtop" --cache-dir "$C" demo --models "$M" --datasets 0 --history "$N"
echo "demo --history $N of $M models: $(( $(date +%s) - start )) s"
"$B/bench/bench_history" "$C"
rm -rf "$C"
