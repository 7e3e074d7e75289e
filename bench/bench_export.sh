#!/bin/sh
# bench_export.sh HUBTOP SNAPSHOT - `hubtop export models` of a snapshot to
# a file in each format (atomic write, fsync once at the end), the file
# replaced by each run as a user's would be: RUNS runs a format (default 5,
# $BENCH_EXPORT_RUNS), their wall time min/median/max and the least user
# and system CPU, size and rate; then, when strace is there, where one CSV
# run's wall time goes; and `dd` writing the CSV's bytes with fsync (the
# disk's own speed).  Target: CSV of 2,000,000 models <= 1.2 s, within 6x
# of dd.  The scratch folder is $TMPDIR (default /tmp).
set -eu
HUBTOP=${1:?usage: bench_export.sh HUBTOP SNAPSHOT}
SNAP=${2:?usage: bench_export.sh HUBTOP SNAPSHOT}
RUNS=${BENCH_EXPORT_RUNS:-5}
T=$(mktemp -d "${TMPDIR:-/tmp}/hubtop-bench-export.XXXXXX")
trap 'rm -rf "$T"' EXIT

now() { date +%s.%N; }
# timed CMD...: one run; appends "wall user sys" to $T/runs.
timed() {
	s=$(now)
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%U %S' -o "$T/cpu" "$@" 2>"$T/err" || { cat "$T/err"; exit 1; }
	else
		"$@" 2>"$T/err" || { cat "$T/err"; exit 1; }
		echo '? ?' >"$T/cpu"
	fi
	e=$(now)
	echo "$s $e $(cat "$T/cpu")" | awk '{ printf "%.3f %s %s\n", $2 - $1, $3, $4 }' >>"$T/runs"
}
# report LABEL FILE: the runs in $T/runs, then empties it.
report() {
	sort -n "$T/runs" | awk -v l="$1" -v b="$(wc -c <"$2")" '
		{ w[NR] = $1; if (NR == 1 || $2 < u) u = $2; if (NR == 1 || $3 < y) y = $3 }
		END { m = w[int((NR + 1) / 2)]
			printf "  %-24s %5.2f / %5.2f / %5.2f s wall (min/median/max of %d; least user %s s, sys %s s), %4.0f MB, %4.0f MB/s\n",
				l, w[1], m, w[NR], NR, u, y, b / 1e6, (m > 0 ? b / 1e6 / m : 0) }'
	: >"$T/runs"
}
echo "  load average: $(cut -d' ' -f1-3 /proc/loadavg 2>/dev/null || echo '?')"
: >"$T/runs"
for fmt in csv tsv jsonl; do
	run=0
	while [ "$run" -lt "$RUNS" ]; do
		timed "$HUBTOP" --snapshot "$SNAP" export models --format "$fmt" -o "$T/out.$fmt"
		run=$((run + 1))
	done
	report "export models $fmt" "$T/out.$fmt"
	[ "$fmt" = csv ] || rm -f "$T/out.$fmt"
done
# Where one CSV run's wall time goes (the file replaced, as above): the
# opening (snapshot, attribution, engine) up to the temporary file, the
# rows made and written, the final fsync, the rename (which frees the
# replaced file: on a file system mounted with discard, its blocks are
# discarded then) and the rest.
if command -v strace >/dev/null 2>&1; then
	strace -f -ttt -T -e trace=execve,openat,fsync,rename,exit_group -o "$T/trace" \
		"$HUBTOP" --snapshot "$SNAP" export models --format csv -o "$T/out.csv" 2>/dev/null
	awk -v tmp="$T/out.csv.tmp." '
		{ t = $2 + 0 }
		NR == 1 { t0 = t }
		index($0, "openat(") && index($0, tmp) && !op { op = t }
		/ fsync\(/ && !fs { fs = t; match($0, /<[0-9.]+>/); fsd = substr($0, RSTART + 1, RLENGTH - 2) }
		/ rename\(/ { rn = t; match($0, /<[0-9.]+>/); rnd = substr($0, RSTART + 1, RLENGTH - 2) }
		{ last = t }
		END { if (op && fs && rn)
			printf "  breakdown (one csv run, under strace): opening %.2f s, rows %.2f s, fsync %.2f s, rename %.2f s, rest %.2f s\n",
				op - t0, fs - op, fsd, rnd, last - rn - rnd }' "$T/trace"
fi
for run in 1 2; do
	timed dd if="$T/out.csv" of="$T/dd.out" bs=1M conv=fsync
	[ "$run" = 2 ] || rm -f "$T/dd.out"
done
report "dd (same bytes, fsync)" "$T/dd.out"
echo "  (a shared machine varies by up to 40% between runs; target: csv <= 1.2 s, within 6x of dd)"
