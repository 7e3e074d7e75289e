#!/bin/sh
# bench_export.sh HUBTOP SNAPSHOT - `hubtop export models` of a snapshot to
# a file in each format (atomic write, fsync once at the end): wall, user
# and system time, size and rate, next to `dd` writing the CSV's bytes with
# fsync (the disk's own speed).  Target: CSV of 2,000,000 models <= 1.2 s,
# within 6x of dd.  The scratch folder is $TMPDIR (default /tmp).
set -eu
HUBTOP=${1:?usage: bench_export.sh HUBTOP SNAPSHOT}
SNAP=${2:?usage: bench_export.sh HUBTOP SNAPSHOT}
T=$(mktemp -d "${TMPDIR:-/tmp}/hubtop-bench-export.XXXXXX")
trap 'rm -rf "$T"' EXIT

now() { date +%s.%N; }
# timed LABEL CMD...: one run, its wall time and CPU from /usr/bin/time when present.
timed() {
	label=$1
	shift
	s=$(now)
	if [ -x /usr/bin/time ]; then
		/usr/bin/time -f '%U %S' -o "$T/cpu" "$@" 2>"$T/err" || { cat "$T/err"; exit 1; }
	else
		"$@" 2>"$T/err" || { cat "$T/err"; exit 1; }
		echo '? ?' >"$T/cpu"
	fi
	e=$(now)
	echo "$label $s $e $(cat "$T/cpu")"
}
report() {
	# label start end user sys file
	awk -v l="$1" -v s="$2" -v e="$3" -v u="$4" -v y="$5" -v b="$(wc -c <"$6")" 'BEGIN {
		w = e - s; printf "  %-22s %6.2f s wall (user %s s, sys %s s), %4.0f MB, %4.0f MB/s\n",
			l, w, u, y, b / 1e6, (w > 0 ? b / 1e6 / w : 0) }'
}
for fmt in csv tsv jsonl; do
	for run in 1 2; do
		set -- $(timed "export-$fmt" "$HUBTOP" --snapshot "$SNAP" export models --format "$fmt" -o "$T/out.$fmt")
		report "export models $fmt #$run" "$2" "$3" "$4" "$5" "$T/out.$fmt"
	done
	[ "$fmt" = csv ] || rm -f "$T/out.$fmt"
done
for run in 1 2; do
	set -- $(timed dd dd if="$T/out.csv" of="$T/dd.out" bs=1M conv=fsync)
	report "dd (same bytes, fsync) #$run" "$2" "$3" "$4" "$5" "$T/dd.out"
	rm -f "$T/dd.out"
done
echo "  (a shared machine varies by up to 40% between runs; target: csv <= 1.2 s, within 6x of dd)"
