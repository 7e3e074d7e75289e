#!/bin/sh
# history.sh - the snapshot history through the real binary: import --as-of,
# history (text, --json), history rm, prune, --snapshot DATE, demo --history,
# export timeline, fetches complete and partial, a damaged index, and the
# Timeline pane in tmux.
set -u
: "${HUBTOP:?}" "${HUBTOP_SRCDIR:?}"
T=${HUBTOP_TEST_TMP:-/tmp}/history.$$
rm -rf "$T"; mkdir -p "$T"
HUB_PID=
cleanup() {
	[ -n "$HUB_PID" ] && kill "$HUB_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
FIX=$HUBTOP_SRCDIR/tests/fixtures
unset HF_TOKEN HUGGING_FACE_HUB_TOKEN HF_TOKEN_PATH HF_ENDPOINT HF_HUB_OFFLINE
export HF_HOME="$T/hfhome" HUBTOP_CACHE_DIR="$T/cache" XDG_CONFIG_HOME="$T/config"
. "$HUBTOP_SRCDIR/tests/checks.sh"
count() { c=$(grep -c -- "$2" "$1"); [ "$c" = "$3" ] && ok || { bad "$1 has '$2' $c times, expected $3"; sed 's/^/  | /' "$1" | head -8; }; }

# Help, and an empty history.
run 0 "$HUBTOP" history --help && has "$T/out" "Usage: hubtop history" && has "$T/out" "30d,monthly"
run 0 "$HUBTOP" history && has "$T/out" "holds no snapshot yet"
run 0 "$HUBTOP" history --json && has "$T/out" '"snapshots":[[:space:]]*\[\]'
run 2 "$HUBTOP" history frob && has "$T/err" "unknown subcommand 'frob'"
run 2 "$HUBTOP" import "$FIX/models-small.jsonl" --history-keep 2w && has "$T/err" "history-keep '2w'"

# import --as-of adds to the history; without --as-of it does not.
run 0 "$HUBTOP" import "$FIX/models-small.jsonl" --as-of 2025-01-01 && has "$T/err" "history: kept as 2025-01-01"
run 0 "$HUBTOP" import "$FIX/hub-models.jsonl" --datasets "$FIX/hub-datasets.jsonl" --as-of 2025-02-01 &&
	has "$T/err" "history: kept as 2025-02-01"
run 0 "$HUBTOP" import "$FIX/models-small.jsonl" && hasnt "$T/err" "history:"
run 0 "$HUBTOP" history && has "$T/out" "^2025-01-01  complete" && has "$T/out" "^2025-02-01  complete" &&
	has "$T/out" "import:.*models-small.jsonl" && has "$T/out" "2 snapshots"
count "$T/out" "^2025-" 2
run 0 "$HUBTOP" history --json && has "$T/out" '"date":[[:space:]]*"2025-02-01"' &&
	has "$T/out" '"complete":[[:space:]]*true' && has "$T/out" '"disk_bytes":' &&
	has "$T/out" '"downloads_all_time":' && has "$T/out" '"warning":[[:space:]]*null'
count "$T/out" '"date"' 2

# --snapshot DATE opens that day's snapshot; a date not held names the nearest.
run 0 "$HUBTOP" --snapshot 2025-01-01 info && has "$T/out" "data as of: 2025-01-01" &&
	has "$T/out" "models: *13"
run 0 "$HUBTOP" --snapshot 2025-02-01 report && has "$T/out" "Data as of 2025-02-01"
run 1 "$HUBTOP" --snapshot 2025-01-20 info && has "$T/err" "no snapshot of 2025-01-20 in the history" &&
	has "$T/err" "Did you mean 2025-02-01 or 2025-01-01"
run 0 "$HUBTOP" export models --snapshot 2025-01-01 --limit 2 && has "$T/out" "^rank,"

# history rm.
run 0 "$HUBTOP" history rm 2025-01-01 && has "$T/err" "removed the snapshot of 2025-01-01"
run 1 "$HUBTOP" history rm 2025-01-01 && has "$T/err" "holds no snapshot of 2025-01-01"
run 2 "$HUBTOP" history rm yesterday && has "$T/err" "YYYY-MM-DD"
run 0 "$HUBTOP" history && hasnt "$T/out" "2025-01-01" && has "$T/out" "1 snapshot,"
run 1 "$HUBTOP" --snapshot 2025-01-01 info && has "$T/err" "Did you mean 2025-02-01"

# A damaged index never keeps the latest snapshot from opening, and is said once.
IDX=$T/cache/history/index
cp "$IDX" "$T/index.good"
head -c 40 "$T/index.good" >"$IDX"
run 0 "$HUBTOP" info && has "$T/out" "models: *13" && count "$T/err" "history index is damaged" 1
run 0 "$HUBTOP" report && count "$T/err" "history index is damaged" 1
printf '\033[31mgarbage\n' >"$IDX"
run 0 "$HUBTOP" info && count "$T/err" "history index is damaged" 1 && hasnt "$T/err" "$(printf '\033')"
run 0 "$HUBTOP" history && has "$T/err" "damaged" && has "$T/out" "holds no snapshot"
: >"$IDX"
run 0 "$HUBTOP" info && count "$T/err" "history index is empty" 1
rm -f "$IDX"
run 0 "$HUBTOP" info && hasnt "$T/err" "history"
cp "$T/index.good" "$IDX"
run 0 "$HUBTOP" info && hasnt "$T/err" "history"
# A damaged snapshot of the history is refused with its path.
for f in "$T"/cache/history/*.hts; do printf 'XXXXXXXX' | dd of="$f" bs=1 seek=0 conv=notrunc 2>/dev/null; done
run 1 "$HUBTOP" --snapshot 2025-02-01 info && has "$T/err" "history/2025-02-01"
run 0 "$HUBTOP" info && has "$T/out" "models: *13"

# demo --history N: a monthly series, marked demo; all-time counts grow.
export HUBTOP_CACHE_DIR="$T/demo"
mkdir -p "$T/demo"
run 0 "$HUBTOP" demo --models 3000 --datasets 200 --history 3 -o "$T/demo/snapshot.hts" &&
	has "$T/err" "wrote 3 monthly demo snapshots"
run 0 "$HUBTOP" history && count "$T/out" "(DEMO DATA)" 3 && has "$T/out" "^2026-02-01" &&
	has "$T/out" "^2026-04-01" && has "$T/out" "delta\|kB"
run 0 "$HUBTOP" history --json && has "$T/out" '"stored":[[:space:]]*"delta"' &&
	has "$T/out" '"demo":[[:space:]]*true'
first=$(sed -n 's/.*"downloads_all_time":[[:space:]]*\([0-9]*\).*/\1/p' "$T/out" | head -1)
last=$(sed -n 's/.*"downloads_all_time":[[:space:]]*\([0-9]*\).*/\1/p' "$T/out" | sed -n 5p)
[ -n "$first" ] && [ -n "$last" ] && [ "$first" -lt "$last" ] && ok ||
	bad "all-time downloads do not grow: $first then $last"
run 0 "$HUBTOP" --snapshot 2026-02-01 info && has "$T/out" "DEMO DATA" && has "$T/out" "data as of: 2026-02-01"
m_old=$(sed -n 's/^models: *//p' "$T/out")
[ -n "$m_old" ] && [ "$m_old" -lt 3000 ] && ok || bad "the earliest month should hold fewer models, not $m_old"
# Renamed and deleted items: in the earlier month, not the latest.
run 0 "$HUBTOP" export models --snapshot 2026-02-01 --format tsv && grep -c -- '-preview	\|-old	' "$T/out" >/dev/null &&
	ok || bad "no renamed or deleted demo item in the earliest month"
run 0 "$HUBTOP" export models --format tsv && hasnt "$T/out" '-preview	'
# Retention now: 1d keeps the newest only.
run 0 "$HUBTOP" history prune --history-keep 1d && has "$T/err" "2 snapshots dropped by the rule 1d"
run 0 "$HUBTOP" history && has "$T/out" "1 snapshot,"

# export timeline: shares at each snapshot, from the history or the built-in demo.
run 0 "$HUBTOP" demo --models 3000 --datasets 200 --history 3 &&
	run 0 "$HUBTOP" export timeline --country CN,US && has "$T/out" "^date,listing,demo,current,dimension,key" &&
	has "$T/out" "^2026-02-01,complete,yes,no,groups,cn," && has "$T/out" "^2026-04-01,complete,yes,yes,groups,us,"
hasnt "$T/out" ",groups,eu,"
run 0 "$HUBTOP" export timeline --format jsonl -o "$T/tl.jsonl" && has "$T/err" "3 snapshots (2026-02-01 .. 2026-04-01)" &&
	has "$T/tl.jsonl" '"dimension":"org-types"'
export HUBTOP_CACHE_DIR="$T/empty"
run 0 "$HUBTOP" export timeline && has "$T/out" "^2025-11-01,complete,yes,no,org-types,industry"
count "$T/out" ",groups,us," 6

# Fetch: a complete fetch and a partial one (--top) are kept, marked as such.
if [ -n "${TESTHUB:-}" ] && [ -x "$TESTHUB" ]; then
	"$TESTHUB" --models "$FIX/hub-models.jsonl" --datasets "$FIX/hub-datasets.jsonl" \
		--page-size 6 --max-seconds 60 >"$T/hub.port" &
	HUB_PID=$!
	i=0
	while [ $i -lt 200 ] && ! grep -q '^PORT ' "$T/hub.port" 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
	EP=http://127.0.0.1:$(sed -n 's/^PORT //p' "$T/hub.port")
	run 0 "$HUBTOP" fetch --endpoint "$EP" --cache-dir "$T/f1" --top 5 --orgs 0 &&
		has "$T/err" "history: kept as .*, partial"
	run 0 "$HUBTOP" history --cache-dir "$T/f1" && has "$T/out" "partial" && has "$T/out" "$EP"
	run 0 "$HUBTOP" fetch --endpoint "$EP" --cache-dir "$T/f1" --orgs 0 && has "$T/err" "history: kept as"
	run 0 "$HUBTOP" history --cache-dir "$T/f1" --json && has "$T/out" '"complete":[[:space:]]*true' &&
		hasnt "$T/out" '"top_n"'
	# Two fetches of one day: one entry, and a partial one never replaces the complete one.
	run 0 "$HUBTOP" fetch --endpoint "$EP" --cache-dir "$T/f1" --top 5 --orgs 0 &&
		has "$T/err" "already holds a complete snapshot"
	run 0 "$HUBTOP" history --cache-dir "$T/f1" && has "$T/out" "1 snapshot," && has "$T/out" "complete"
else
	echo "SKIP: no test hub (\$TESTHUB): fetch checks skipped"
fi

# The Timeline pane in tmux: the series' dates and its breakdowns.
if command -v tmux >/dev/null 2>&1; then
	export HUBTOP_CACHE_DIR="$T/demo"
	S=hubtop-history-$$
	tmux -L "$S" -f /dev/null new-session -d -s t -x 80 -y 24 \
		"LANG=C.UTF-8 TERM=screen-256color '$HUBTOP' --pane timeline --ascii"
	shot() { tmux -L "$S" -f /dev/null capture-pane -p -t t >"$T/screen"; }
	wait_for() {
		i=0
		while [ $i -lt 100 ]; do shot; grep -q -- "$1" "$T/screen" && { ok; return 0; }; sleep 0.1; i=$((i + 1)); done
		bad "the screen never showed '$1'"; sed 's/^/  | /' "$T/screen"; return 1
	}
	wait_for "7Tim 8Mov"   # 80 columns: every tab, by its short title
	wait_for "30-day shares by org type, 3 snapshots 2026-02-01..2026-04-01"
	wait_for "^2026-03-01 "
	wait_for "^2026-04-01 \* "
	tmux -L "$S" -f /dev/null send-keys -t t S
	wait_for "shares by country group"
	tmux -L "$S" -f /dev/null send-keys -t t S
	wait_for "shares by country, 3 snapshots"
	wait_for " other"
	tmux -L "$S" -f /dev/null send-keys -t t Enter
	wait_for "^2026-02-01:.*%"
	# A filter changes the series.
	tmux -L "$S" -f /dev/null send-keys -t t q
	tmux -L "$S" -f /dev/null kill-server 2>/dev/null

	# The series is computed in idle time, one piece at a time: the pane
	# says "computing K/N" and answers a key before the series is complete.
	# The explorer waits for a key after its first piece (HUBTOP_TEST_IDLE_WAIT),
	# so that the key surely arrives while the series is incomplete.
	mkdir -p "$T/big"
	run 0 env HUBTOP_CACHE_DIR="$T/big" "$HUBTOP" demo --models 20000 --datasets 0 --history 4 \
		-o "$T/big/snapshot.hts"
	S=hubtop-history-big-$$
	tmux -L "$S" -f /dev/null new-session -d -s t -x 80 -y 24 \
		"HUBTOP_CACHE_DIR='$T/big' HUBTOP_TRACE='$T/trace' HUBTOP_TEST_IDLE_WAIT=1 LANG=C.UTF-8 TERM=screen-256color '$HUBTOP' --pane timeline --ascii"
	i=0
	while [ $i -lt 300 ] && ! grep -q '^idle [0-9]* 1$' "$T/trace" 2>/dev/null; do sleep 0.1; i=$((i + 1)); done
	wait_for ", computing [1-4]/4 "
	wait_for "^2026-04-01 \* *n/a computing\.\.\."
	tmux -L "$S" -f /dev/null send-keys -t t S
	wait_for "shares by country group, 4 snapshots"
	i=0
	while [ $i -lt 600 ] && ! grep -q '^idle [0-9]* 0$' "$T/trace"; do sleep 0.1; i=$((i + 1)); done
	# In the trace: a piece of the series, the key (S, 83), then more pieces.
	if awk '$1 == "idle" && $3 == 1 && !k { before = 1 } $1 == "key" && $3 == 83 && before { k = 1 }
		$1 == "idle" && $3 == 1 && k { after = 1 } END { exit !(before && k && after) }' "$T/trace"; then
		ok
	else
		bad "the key was not answered between two pieces of the series"; grep -v '^draw' "$T/trace" | sed 's/^/  | /' | head -60
	fi
	wait_for "^2026-02-01 .*%"
	hasnt "$T/screen" "computing"
	tmux -L "$S" -f /dev/null send-keys -t t q
	tmux -L "$S" -f /dev/null kill-server 2>/dev/null
else
	echo "SKIP: tmux is not installed: the Timeline pane is not checked"
fi

echo "history.sh: $pass passed, $fail failed"
[ "$fail" = 0 ]
