#!/bin/sh
# bench_fetch.sh BUILDDIR [N] - a full crawl of N generated models (default
# 2,000,000) from the test hub: wall time, the client's peak memory, client
# and server CPU.  Pages of 1,000 as the Hub serves them; journal and
# snapshot in a scratch folder.
set -eu
B=${1:-.}
N=${2:-2000000}
HUBTOP=$B/hubtop
TESTHUB=$B/tests/testhub
[ -x "$HUBTOP" ] && [ -x "$TESTHUB" ] || {
	echo "bench_fetch: build hubtop and tests/testhub first (make hubtop tests/testhub)"; exit 1; }
T=$(mktemp -d "${TMPDIR:-/tmp}/hubtop-bench-fetch.XXXXXX")
HUB_PID=""
trap '[ -n "$HUB_PID" ] && kill "$HUB_PID" 2>/dev/null; rm -rf "$T"' EXIT
unset HF_TOKEN HUGGING_FACE_HUB_TOKEN HF_TOKEN_PATH HF_ENDPOINT HF_HUB_OFFLINE
export HF_HOME="$T/hfhome"

"$TESTHUB" --generate "$N" --max-seconds 900 >"$T/port" &
HUB_PID=$!
i=0
while [ $i -lt 600 ] && ! grep -q '^PORT ' "$T/port" 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
PORT=$(sed -n 's/^PORT //p' "$T/port")
[ -n "$PORT" ] || { echo "bench_fetch: the test hub did not start"; exit 1; }

# Server CPU (clock ticks) before and after, from /proc.
ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
s0=$(ticks "$HUB_PID")
start=$(date +%s.%N)
if [ -x /usr/bin/time ]; then
	/usr/bin/time -v "$HUBTOP" fetch --endpoint "http://127.0.0.1:$PORT" --cache-dir "$T/cache" \
		--models --quiet 2>"$T/err" || { cat "$T/err"; exit 1; }
else
	"$HUBTOP" fetch --endpoint "http://127.0.0.1:$PORT" --cache-dir "$T/cache" --models --quiet \
		2>"$T/err" || { cat "$T/err"; exit 1; }
fi
end=$(date +%s.%N)
s1=$(ticks "$HUB_PID")

grep -v '^	' "$T/err" | head -3
wall=$(echo "$end - $start" | bc)
server=$(echo "scale=2; ($s1 - $s0) / $HZ" | bc)
if [ -x /usr/bin/time ]; then
	user=$(sed -n 's/^	User time (seconds): //p' "$T/err")
	sys=$(sed -n 's/^	System time (seconds): //p' "$T/err")
	rss=$(sed -n 's/^	Maximum resident set size (kbytes): //p' "$T/err")
	printf 'models %s  wall %.1f s  client CPU %.1f s (user %s, sys %s)  server CPU %s s  peak RSS %d MB\n' \
		"$N" "$wall" "$(echo "$user + $sys" | bc)" "$user" "$sys" "$server" $((rss / 1024))
else
	printf 'models %s  wall %.1f s  server CPU %s s (install GNU time for client CPU and memory)\n' \
		"$N" "$wall" "$server"
fi
# The parse apart from the network: one page of the same listing, read over
# and over by cJSON alone and by the crawl's own code (bench_parse).
if [ -x "$B/bench/bench_parse" ] && command -v curl >/dev/null 2>&1; then
	q="sort=downloads&limit=1000"
	for f in downloads downloadsAllTime likes trendingScore createdAt lastModified \
		pipeline_tag library_name tags gated author; do
		q="$q&expand%5B%5D=$f"
	done
	if curl -sf "http://127.0.0.1:$PORT/api/models?$q" -o "$T/page.json"; then
		"$B/bench/bench_parse" "$T/page.json" "$N" | tee "$T/parse"
		c=$(sed -n 's/^cjson-bump *\([0-9.]*\) s.*/\1/p' "$T/parse")
		[ -n "$c" ] && [ "$server" != 0 ] &&
			printf 'cJSON parse alone (bump allocator) / server CPU: %.2f\n' \
				"$(echo "scale=4; $c / $server" | bc)"
	fi
else
	echo "(build bench/bench_parse and install curl to time the parse apart from the network)"
fi
ls -l "$T/cache" | sed -n 's/.* \([0-9][0-9]*\) [A-Z][a-z][a-z] .* \(snapshot.*\)$/snapshot file: \1 bytes/p'
