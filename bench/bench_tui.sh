#!/bin/sh
# bench_tui.sh - the explorer on a big snapshot: time from launch to the
# first full screen, and from each key press to the redrawn screen over a
# scripted typing session.  The program logs both moments itself
# (HUBTOP_TRACE=FILE: "key NS" when a key is read, "draw NS" when the screen
# has been written), so the figures do not include tmux's own delays.
#
# Usage: bench/bench_tui.sh [HUBTOP] [MODELS]   (default ./hubtop, 2000000)
# Targets: start-up under 300 ms, key-to-screen median under 16 ms, no
# key over 33 ms (two frames).  The attribution key's key-to-screen is its
# first answer (the status line saying the other mode's view is being
# built); the build on the worker and the swap are reported apart.
HUBTOP=${1:-${HUBTOP:-./hubtop}}
MODELS=${2:-${BENCH_MODELS:-2000000}}
TMP=${TMPDIR:-/tmp}/hubtop-bench-tui-$$
SOCK=hubtop-bench-$$
T="tmux -L $SOCK -f /dev/null"

if ! command -v tmux >/dev/null 2>&1; then
	echo "bench_tui: tmux is not installed; skipped"
	exit 0
fi
mkdir -p "$TMP" || exit 1
trap '$T kill-server >/dev/null 2>&1; rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"; rm -rf "$TMP"' EXIT INT TERM

SNAP=${BENCH_SNAPSHOT:-$TMP/big.snap}
if [ ! -f "$SNAP" ]; then
	echo "bench_tui: generating a $MODELS-model demo snapshot..."
	"$HUBTOP" demo --models "$MODELS" -o "$SNAP" >/dev/null || { echo "bench_tui: hubtop demo failed"; exit 1; }
fi

now_ns() { date +%s%N; }

# Polls (bounded) until the trace holds at least $1 "draw" lines.
wait_draws() {
	i=0
	while [ $i -lt 600 ]; do
		n=$(grep -c '^draw ' "$TMP/trace" 2>/dev/null || true)
		[ "${n:-0}" -ge "$1" ] && return 0
		sleep 0.01
		i=$((i + 1))
	done
	echo "bench_tui: no screen after 6 s (draws: $n, wanted $1)"
	exit 1
}

cat >"$TMP/run.sh" <<EOS
#!/bin/sh
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color HUBTOP_TRACE='$TMP/trace'
exec '$HUBTOP' --snapshot '$SNAP' 2>'$TMP/stderr'
EOS
chmod +x "$TMP/run.sh"

# Start-up, three times; the best and the median are reported.
: >"$TMP/startups"
for run in 1 2 3; do
	rm -f "$TMP/trace"
	t0=$(now_ns)
	$T new-session -d -s "b$run" -x 120 -y 40 "$TMP/run.sh"
	wait_draws 1
	t1=$(awk '$1 == "draw" { print $2; exit }' "$TMP/trace")
	echo $(( (t1 - t0) / 1000 )) >>"$TMP/startups"
	[ $run -lt 3 ] && { $T send-keys -t "b$run" Q; i=0; while $T has-session -t "b$run" 2>/dev/null && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done; }
done
S=b3

# With BENCH_PERIOD_CACHE (a cache with a history, its snapshot.hts the
# latest) and BENCH_PERIOD_SINCE (a date of that history): the start-up
# on the period window since that date, three times, apart.
if [ -n "${BENCH_PERIOD_CACHE:-}" ] && [ -n "${BENCH_PERIOD_SINCE:-}" ]; then
	cat >"$TMP/run-period.sh" <<EOS
#!/bin/sh
export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color HUBTOP_TRACE='$TMP/trace-p'
exec '$HUBTOP' --cache-dir '$BENCH_PERIOD_CACHE' --window 'since:$BENCH_PERIOD_SINCE' 2>'$TMP/stderr-p'
EOS
	chmod +x "$TMP/run-period.sh"
	: >"$TMP/startups-p"
	for run in 1 2 3; do
		rm -f "$TMP/trace-p"
		t0=$(now_ns)
		$T new-session -d -s "p$run" -x 120 -y 40 "$TMP/run-period.sh"
		i=0
		while [ $i -lt 600 ] && ! grep -q '^draw ' "$TMP/trace-p" 2>/dev/null; do sleep 0.01; i=$((i + 1)); done
		t1=$(awk '$1 == "draw" { print $2; exit }' "$TMP/trace-p" 2>/dev/null)
		[ -n "$t1" ] || { echo "bench_tui: no screen with --window since:$BENCH_PERIOD_SINCE"; cat "$TMP/stderr-p"; exit 1; }
		echo $(( (t1 - t0) / 1000 )) >>"$TMP/startups-p"
		$T send-keys -t "p$run" Q
		i=0
		while $T has-session -t "p$run" 2>/dev/null && [ $i -lt 500 ]; do sleep 0.01; i=$((i+1)); done
	done
	PERIOD_STARTUP=$(sort -n "$TMP/startups-p" | awk '{ v[NR] = $1 } END { printf "best %.1f   median %.1f", v[1] / 1000, v[2] / 1000 }')
fi

# After the first screen the explorer makes the engine's remaining pieces
# while no key is waiting (a key pressed meanwhile waits for at most one
# piece): the time they take and the longest piece, then the session.
i=0
while [ $i -lt 3000 ] && ! grep -q '^prepare [0-9]* 0$' "$TMP/trace" 2>/dev/null; do sleep 0.01; i=$((i + 1)); done
awk '$1 == "draw" && !d { d = $2 } $1 == "prepare" { if (last) { p = $2 - last; if (p > worst) worst = p } else { p = $2 - d; worst = p } last = $2; n++ }
	END { if (n) printf "prepared while idle %.0f ms after the first screen, %d pieces, longest %.0f ms\n", (last - d) / 1e6, n, worst / 1e6 }' "$TMP/trace"

# The typing session: each key is sent once the previous one is drawn.
draws=$(grep -c '^draw ' "$TMP/trace")
# The attribution key answers at once and builds the other mode's view on
# a worker; the screen switches by itself when it is made ("swap" in the
# trace): the next key waits for that switch's draw.
swaps=0
send() {
	for k in "$@"; do
		$T send-keys -t $S "$k"
		draws=$((draws + 1))
		wait_draws $draws
		if [ "$k" = a ] && [ "$(grep -c '^focus ' "$TMP/trace")" -gt "$swaps" ]; then
			swaps=$((swaps + 1))
			i=0
			while [ $i -lt 600 ] && [ "$(grep -c '^swap ' "$TMP/trace")" -lt $swaps ]; do sleep 0.01; i=$((i + 1)); done
			draws=$((draws + 1))
			wait_draws $draws
		fi
	done
}
send j j j j NPage NPage k
send '\' l l a m a BSpace BSpace BSpace BSpace BSpace Enter      # live text filter
send '\' q w e n Enter u                                            # filter, undo
send K K D T C A D                                                  # sorts
send 3 g g g Down Down Enter BSpace 4 j j G k g g 5 g 6 2 1     # panes, drill-down, the ends of Orgs
send w w a a x                                                      # window, attribution, clear
send c C h Space Escape o Escape                                    # pickers open and close
send / d e e p Enter n n N                                          # search

awk '
	# (counters start at 0, not "": an unset one indexes an array by "")
	BEGIN { n = nb = ns = 0 }
	# CPU: that of the main thread, which answers the keys (the fifth
	# field); the whole process (the fourth) from an older explorer.
	{ own = NF >= 5 ? $5 : $4 }
	$1 == "key" { pending = $2; pcpu = own; code = $3; next }
	# The attribution key builds that mode'"'"'s view: the message saying so
	# is on screen first.
	$1 == "building" && pending { bl[nb] = ($2 - pending) / 1e6; bk[nb++] = n; next }
	# The view built on the worker: from the key to the swap, and the
	# swap itself (the old view dropped, the answer, the screen).
	$1 == "focus" { fs = $2; fc = $4; next }
	$1 == "swap" && fs { sw = $2; sc = $4; so = own; next }
	$1 == "draw" && sw { bw[ns] = (sw - fs) / 1e6; bc[ns] = (sc - fc) / 1e6; swl[ns] = ($2 - sw) / 1e6; swc[ns++] = (own - so) / 1e6; sw = fs = 0 }
	$1 == "draw" && pending { d = ($2 - pending) / 1e6; lat[n] = d; cpu[n] = (own - pcpu) / 1e6; key[n] = code; n++; pending = 0 }
	END {
		# The slowest keys, by key code, before sorting the latencies.
		for (r = 0; r < 3 && r < n; r++) {
			w = -1
			for (i = 0; i < n; i++) if (!(i in shown) && (w < 0 || lat[i] > lat[w])) w = i
			shown[w] = 1
			c = key[w] + 0
			printf "slow key %d          %s  %.1f ms\n", r + 1, (c > 32 && c < 127) ? sprintf("%c", c) : "code " c, lat[w]
		}
		# Every key over two frames (33 ms), in the order typed, with
		# the CPU time the process spent on it (the wall time of a
		# loaded machine counts the other programs too).
		over = ""; no = 0
		for (i = 0; i < n; i++) if (lat[i] > 33) {
			c = key[i] + 0
			over = over sprintf(" %s=%.0f/%.0f", (c > 32 && c < 127) ? sprintf("%c", c) : "code" c, lat[i], cpu[i]); no++
		}
		printf "keys over 33 ms    %d%s\n", no, no ? " (wall/CPU ms:" over ")" : ""
		for (i = 0; i < nb; i++)
			printf "building message   %.1f ms after the key, the answer after %.1f ms (%.1f ms CPU)\n", bl[i], lat[bk[i]], cpu[bk[i]]
		for (i = 0; i < ns; i++)
			printf "attribution build  on the worker, swapped %.0f ms after the key (%.0f ms CPU, both threads); the swap to the screen %.1f ms (%.1f ms CPU)\n", bw[i], bc[i], swl[i], swc[i]
		for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (cpu[j] < cpu[i]) { t = cpu[i]; cpu[i] = cpu[j]; cpu[j] = t }
		if (n) printf "key-to-screen CPU   median %.2f   p90 %.2f   worst %.2f   (the explorer'"'"'s main thread'"'"'s CPU time)\n",
			cpu[int(n / 2)], cpu[int(n * 0.9)], cpu[n - 1]
		for (i = 0; i < n; i++) for (j = i + 1; j < n; j++) if (lat[j] < lat[i]) { t = lat[i]; lat[i] = lat[j]; lat[j] = t }
		if (!n) { print "no key measured"; exit 1 }
		printf "keys measured      %d\n", n
		printf "key-to-screen ms   median %.2f   p90 %.2f   worst %.2f   (target: median < 16)\n",
			lat[int(n / 2)], lat[int(n * 0.9)], lat[n - 1]
	}' "$TMP/trace"
sort -n "$TMP/startups" | awk '{ v[NR] = $1 } END { printf "start-up ms        best %.1f   median %.1f   (target: < 300)\n", v[1] / 1000, v[2] / 1000 }'
[ -n "${PERIOD_STARTUP:-}" ] && echo "start-up ms, --window since:$BENCH_PERIOD_SINCE   $PERIOD_STARTUP   (target: <= 300)"
echo "snapshot           $SNAP ($(wc -c <"$SNAP") bytes)"
