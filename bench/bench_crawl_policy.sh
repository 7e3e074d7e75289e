#!/bin/sh
# bench_crawl_policy.sh BUILDDIR [N] [QUOTA] [WINDOW] - a full crawl of N
# generated models (default 2,000,000) from the test hub enforcing the Hub's
# anonymous rate limit (default 500 requests per 300 s fixed windows, every
# request counted, 429 past it): the wall time, the 429s the hub had to send
# (the goal: none), requests, windows and the most requests in one window.
# Long (about 20 minutes at the defaults): make bench runs it only with
# HUBTOP_BENCH_POLICY=1.  A scaled check: 200000 50 30.
set -eu
B=${1:-.}
N=${2:-2000000}
Q=${3:-500}
W=${4:-300}
HUBTOP=$B/hubtop
TESTHUB=$B/tests/testhub
[ -x "$HUBTOP" ] && [ -x "$TESTHUB" ] || {
	echo "bench_crawl_policy: build hubtop and tests/testhub first (make hubtop tests/testhub)"; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/hubtop-bench-policy.XXXXXX")
HUB_PID=""
trap '[ -n "$HUB_PID" ] && kill "$HUB_PID" 2>/dev/null; rm -rf "$T"' EXIT
unset HF_TOKEN HUGGING_FACE_HUB_TOKEN HF_TOKEN_PATH HF_ENDPOINT HF_HUB_OFFLINE
export HF_HOME="$T/hfhome"

"$TESTHUB" --generate "$N" --quota "$Q" --window "$W" --stats "$T/stats" --max-seconds 0 \
	>"$T/port" &
HUB_PID=$!
i=0
while [ $i -lt 600 ] && ! grep -q '^PORT ' "$T/port" 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
PORT=$(sed -n 's/^PORT //p' "$T/port")
[ -n "$PORT" ] || { echo "bench_crawl_policy: the test hub did not start"; exit 1; }

start=$(date +%s.%N)
if [ -x /usr/bin/time ]; then
	/usr/bin/time -v "$HUBTOP" fetch --endpoint "http://127.0.0.1:$PORT" --cache-dir "$T/cache" \
		--models --quiet 2>"$T/err" || { cat "$T/err"; exit 1; }
else
	"$HUBTOP" fetch --endpoint "http://127.0.0.1:$PORT" --cache-dir "$T/cache" --models --quiet \
		2>"$T/err" || { cat "$T/err"; exit 1; }
fi
end=$(date +%s.%N)
grep -v '^	' "$T/err" | head -3
st() { sed -n "s/^$1 //p" "$T/stats"; }
printf 'models %s  policy %s requests per %s s  wall %.1f s  requests %s  429s %s  windows %s  most in a window %s\n' \
	"$N" "$Q" "$W" "$(echo "$end - $start" | bc)" "$(st requests)" "$(st limited)" "$(st windows)" \
	"$(st max_in_window)"
if [ -x /usr/bin/time ]; then
	printf 'client CPU %s s user, %s s sys, peak RSS %d MB\n' \
		"$(sed -n 's/^	User time (seconds): //p' "$T/err")" \
		"$(sed -n 's/^	System time (seconds): //p' "$T/err")" \
		$(($(sed -n 's/^	Maximum resident set size (kbytes): //p' "$T/err") / 1024))
fi
[ "$(st limited)" = 0 ]
