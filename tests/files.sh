#!/bin/sh
# files.sh - the file system and hostile text through the real binary.
#
#   1. `-o` of export, import and demo: a regular file is replaced keeping
#      its mode; a new path is created; a symbolic link is followed; a FIFO,
#      a character device and a link to /proc/self/fd/1 are written to, never
#      replaced; /dev/null and /dev/stdout work (as root and as nobody); a
#      folder and a dangling link are refused; '-' is standard output.
#   2. Links planted at fetch.lock, fetch.journal and fetch.state.tmp in the
#      cache are never written through.
#   3. A FIFO as the snapshot is refused at once by info, report and the
#      explorer, never waited on.
#   4. Import: a raw NUL inside a JSON string rejects its item (the real one
#      is kept); a line too long for memory fails the import; a TSV cell
#      starting with a double quote is neutralised; JSON Lines integers are
#      written as integers.
#   5. A crafted snapshot (raw ESC, BEL, C1 CSI and RLO in ids, account
#      names and terms; checksum made valid) shows none of them in any output:
#      orgs unattributed, export csv/tsv/jsonl, report, info, the explorer.
set -u
: "${HUBTOP:?}" "${HUBTOP_SRCDIR:?}"
[ -x "$HUBTOP" ] || { echo "SKIP: $HUBTOP is not built"; exit 77; }
T=${HUBTOP_TEST_TMP:-/tmp}/files.$$
rm -rf "$T"; mkdir -p "$T"
PIDS=
cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
export HUBTOP_CACHE_DIR="$T/cache" XDG_CONFIG_HOME="$T/config" LC_ALL=C HOME="$T/home"
unset HF_TOKEN HUGGING_FACE_HUB_TOKEN HF_TOKEN_PATH HF_HOME HF_ENDPOINT
pass=0; fail=0
ok()  { pass=$((pass + 1)); }
bad() { fail=$((fail + 1)); echo "FAIL: $*"; }
check() { # check WHAT COMMAND...: ok when the command succeeds
	what=$1; shift
	if "$@"; then ok; else bad "$what"; fi
}
mode_of() { stat -c %a "$1"; }
type_of() { stat -c %F "$1"; }

# wait_gone PID: polls (bounded, 10 s) until the process ends; 1 if it did not.
wait_gone() {
	i=0
	while [ $i -lt 200 ] && kill -0 "$1" 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
	! kill -0 "$1" 2>/dev/null
}

SNAP=$T/demo.snap
"$HUBTOP" demo --models 300 --datasets 40 -o "$SNAP" >/dev/null 2>&1 || { echo "FAIL: demo"; exit 1; }
EXP="--snapshot $SNAP export models --limit 3"

# ---- 1. -o ------------------------------------------------------------------
# A regular file keeps its mode; the content is the new one.
echo old >"$T/keep.csv"; chmod 600 "$T/keep.csv"
$HUBTOP $EXP -o "$T/keep.csv" 2>/dev/null
check "export -o: a 0600 file stays 0600 (is $(mode_of "$T/keep.csv"))" [ "$(mode_of "$T/keep.csv")" = 600 ]
check "export -o: the file holds the export" grep -q '^rank,id' "$T/keep.csv"
echo old >"$T/keep.snap"; chmod 640 "$T/keep.snap"
"$HUBTOP" import "$HUBTOP_SRCDIR/tests/fixtures/models-small.jsonl" -o "$T/keep.snap" 2>/dev/null
check "import -o: a 0640 file stays 0640 (is $(mode_of "$T/keep.snap"))" [ "$(mode_of "$T/keep.snap")" = 640 ]
check "import -o: the snapshot opens" "$HUBTOP" --snapshot "$T/keep.snap" info >/dev/null 2>&1
echo old >"$T/keep.demo"; chmod 604 "$T/keep.demo"
"$HUBTOP" demo --models 50 --datasets 5 -o "$T/keep.demo" >/dev/null 2>&1
check "demo -o: a 0604 file stays 0604" [ "$(mode_of "$T/keep.demo")" = 604 ]

# A new path: created, with the umask's mode.
(umask 027; $HUBTOP $EXP -o "$T/new.csv" 2>/dev/null)
check "export -o: a new file is created with the umask's mode (is $(mode_of "$T/new.csv" 2>/dev/null))" \
	[ "$(mode_of "$T/new.csv" 2>/dev/null)" = 640 ]

# '-' is standard output.
n=$($HUBTOP $EXP -o - 2>/dev/null | grep -c '^[0-9]')
check "export -o -: three rows on standard output (got $n)" [ "$n" = 3 ]

# A FIFO: written to, still a FIFO, its reader gets the rows.
mkfifo "$T/fifo"
cat "$T/fifo" >"$T/fifo.out" &
READER=$!; PIDS="$PIDS $READER"
$HUBTOP $EXP -o "$T/fifo" 2>/dev/null &
WRITER=$!; PIDS="$PIDS $WRITER"
wait_gone "$WRITER" || bad "export -o FIFO: the export did not end"
wait_gone "$READER" || { kill "$READER" 2>/dev/null; bad "export -o FIFO: the reader got no end of file"; }
check "export -o FIFO: still a FIFO (is $(type_of "$T/fifo"))" [ -p "$T/fifo" ]
n=$(grep -c '^[0-9]' "$T/fifo.out")
check "export -o FIFO: the reader got three rows (got $n)" [ "$n" = 3 ]
mkfifo "$T/fifo2"
cat "$T/fifo2" >"$T/fifo2.out" &
READER=$!; PIDS="$PIDS $READER"
"$HUBTOP" import "$HUBTOP_SRCDIR/tests/fixtures/models-small.jsonl" -o "$T/fifo2" >/dev/null 2>&1 &
WRITER=$!; PIDS="$PIDS $WRITER"
wait_gone "$WRITER" || bad "import -o FIFO: the import did not end"
wait_gone "$READER" || { kill "$READER" 2>/dev/null; bad "import -o FIFO: the reader got no end of file"; }
check "import -o FIFO: still a FIFO" [ -p "$T/fifo2" ]
check "import -o FIFO: the reader got a snapshot" "$HUBTOP" --snapshot "$T/fifo2.out" info >/dev/null 2>&1

# A link to /proc/self/fd/1 (standard output, a pipe here): written to, kept.
if [ -e /proc/self/fd/1 ]; then
	ln -s /proc/self/fd/1 "$T/out.lnk"
	n=$($HUBTOP $EXP -o "$T/out.lnk" 2>/dev/null | grep -c '^[0-9]')
	check "export -o link to /proc/self/fd/1: three rows reach the pipe (got $n)" [ "$n" = 3 ]
	check "export -o link to /proc/self/fd/1: still a link" [ -L "$T/out.lnk" ]
	n=$("$HUBTOP" import "$HUBTOP_SRCDIR/tests/fixtures/models-small.jsonl" -o "$T/out.lnk" 2>/dev/null | head -c 8)
	check "import -o link to /proc/self/fd/1: the snapshot reaches the pipe" [ "$n" = HUBTOPSN ]
	check "import -o link to /proc/self/fd/1: still a link" [ -L "$T/out.lnk" ]
	# The system's own /dev/stdout only once a private link is known to be
	# kept: as root, a version that replaces links would replace it.
	if [ -L "$T/out.lnk" ] && [ -L /dev/stdout ]; then
		n=$($HUBTOP $EXP -o /dev/stdout 2>/dev/null | grep -c '^[0-9]')
		check "export -o /dev/stdout: three rows (got $n)" [ "$n" = 3 ]
		$HUBTOP $EXP -o /dev/stdout >"$T/stdout.csv" 2>/dev/null
		n=$(grep -c '^[0-9]' "$T/stdout.csv")
		check "export -o /dev/stdout into a file: three rows (got $n)" [ "$n" = 3 ]
		check "export -o /dev/stdout: still a link" [ -L /dev/stdout ]
	fi
else
	echo "no /proc: links to /proc/self/fd/1 not tested"
fi

# A link to a regular file: the link stays, the target is replaced keeping its mode.
echo old >"$T/target.csv"; chmod 640 "$T/target.csv"; ln -s target.csv "$T/to-target"
$HUBTOP $EXP -o "$T/to-target" 2>/dev/null
check "export -o link: still a link" [ -L "$T/to-target" ]
check "export -o link: the target holds the export" grep -q '^rank,id' "$T/target.csv"
check "export -o link: the target keeps its mode" [ "$(mode_of "$T/target.csv")" = 640 ]
# A dangling link and a folder: refused, nothing created.
ln -s "$T/nowhere/x.csv" "$T/dangling"
if $HUBTOP $EXP -o "$T/dangling" 2>"$T/err"; then bad "export -o dangling link: accepted"; else ok; fi
check "export -o dangling link: says so" grep -q "symbolic link" "$T/err"
mkdir "$T/folder"
if $HUBTOP $EXP -o "$T/folder" 2>"$T/err"; then bad "export -o folder: accepted"; else ok; fi
check "export -o folder: says it is a folder" grep -q "is a folder" "$T/err"

# A character device: written to, never replaced.  A private node first, so
# that the system's own /dev/null is tried only once a device is known safe.
if [ "$(id -u)" = 0 ] && mknod "$T/null" c 1 3 2>/dev/null; then
	$HUBTOP $EXP -o "$T/null" 2>/dev/null
	check "export -o device: still a character device (is $(type_of "$T/null"))" [ -c "$T/null" ]
	"$HUBTOP" import "$HUBTOP_SRCDIR/tests/fixtures/models-small.jsonl" -o "$T/null" 2>/dev/null
	check "import -o device: still a character device" [ -c "$T/null" ]
	if [ -c "$T/null" ]; then
		check "export -o /dev/null as root: succeeds" $HUBTOP $EXP -o /dev/null 2>/dev/null
		check "export -o /dev/null as root: still a character device" [ -c /dev/null ]
		check "import -o /dev/null as root: succeeds" "$HUBTOP" import \
			"$HUBTOP_SRCDIR/tests/fixtures/models-small.jsonl" -o /dev/null 2>/dev/null
		check "import -o /dev/null as root: still a character device" [ -c /dev/null ]
	fi
else
	echo "not root: device nodes not tested as root"
fi

# As an unprivileged user: /dev/null works, a file of that user keeps its mode.
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null 2>&1 && id nobody >/dev/null 2>&1; then
	U=$T/nobody; mkdir -p "$U"; cp "$SNAP" "$U/demo.snap"; chown -R nobody "$U"; chmod 755 "$T"
	echo old >"$U/mine.csv"; chown nobody "$U/mine.csv"; chmod 620 "$U/mine.csv"
	NB="setpriv --reuid=nobody --regid=nogroup --clear-groups"
	$NB true 2>/dev/null || NB="setpriv --reuid=nobody --regid=65534 --clear-groups"
	if $NB env HUBTOP_CACHE_DIR="$U/cache" "$HUBTOP" --snapshot "$U/demo.snap" export models --limit 3 -o "$U/mine.csv" 2>"$T/err"; then ok; else bad "export -o as nobody: $(cat "$T/err")"; fi
	check "export -o as nobody: a 0620 file stays 0620 (is $(mode_of "$U/mine.csv"))" [ "$(mode_of "$U/mine.csv")" = 620 ]
	check "export -o as nobody: the file stays nobody's" [ "$(stat -c %U "$U/mine.csv")" = nobody ]
	if $NB "$HUBTOP" --snapshot "$U/demo.snap" export models -o /dev/null 2>"$T/err"; then ok; else bad "export -o /dev/null as nobody: $(cat "$T/err")"; fi
	if [ -L "$T/out.lnk" ] && [ -L /dev/stdout ]; then
		n=$($NB "$HUBTOP" --snapshot "$U/demo.snap" export models --limit 3 -o /dev/stdout 2>/dev/null | grep -c '^[0-9]')
		check "export -o /dev/stdout as nobody: three rows (got $n)" [ "$n" = 3 ]
	fi
	# As root, a file of another user stays that user's.
	echo old >"$U/theirs.csv"; chown nobody "$U/theirs.csv"; chmod 600 "$U/theirs.csv"
	$HUBTOP $EXP -o "$U/theirs.csv" 2>/dev/null
	check "export -o as root over nobody's file: stays nobody's, 0600" \
		[ "$(stat -c %U:%a "$U/theirs.csv")" = nobody:600 ]
else
	echo "setpriv or the user nobody missing, or not root: unprivileged runs not tested"
fi

# ---- 2. links planted in the cache ------------------------------------------
if [ -n "${TESTHUB:-}" ] && [ -x "$TESTHUB" ]; then
	C=$T/fcache; mkdir -p "$C"
	for f in fetch.lock fetch.journal fetch.state.tmp; do
		echo "victim $f" >"$T/victim.$f"
		ln -s "$T/victim.$f" "$C/$f"
	done
	"$TESTHUB" --models "$HUBTOP_SRCDIR/tests/fixtures/models-small.jsonl" --max-seconds 60 \
		--page-size 3 >"$T/hub.port" &
	HUB=$!; PIDS="$PIDS $HUB"
	i=0
	while [ $i -lt 200 ] && ! grep -q '^PORT ' "$T/hub.port" 2>/dev/null; do sleep 0.05; i=$((i + 1)); done
	PORT=$(sed -n 's/^PORT //p' "$T/hub.port")
	if [ -n "$PORT" ]; then
		"$HUBTOP" fetch --endpoint "http://127.0.0.1:$PORT" --cache-dir "$C" --orgs 0 --models \
			>/dev/null 2>"$T/fetch.err" || bad "fetch with links in the cache: $(cat "$T/fetch.err")"
		for f in fetch.lock fetch.journal fetch.state.tmp; do
			check "fetch: $f link not written through" [ "$(cat "$T/victim.$f")" = "victim $f" ]
		done
		check "fetch with links in the cache: the snapshot opens" \
			"$HUBTOP" --cache-dir "$C" info >/dev/null 2>&1
	else
		bad "the test hub did not start"
	fi
	kill "$HUB" 2>/dev/null; wait "$HUB" 2>/dev/null
else
	echo "links in the cache not tested: \$TESTHUB is not built"
fi

# ---- 3. a FIFO as the snapshot ----------------------------------------------
mkfifo "$T/snap.fifo"
for cmd in info report; do
	"$HUBTOP" --snapshot "$T/snap.fifo" $cmd >/dev/null 2>"$T/err" &
	P=$!; PIDS="$PIDS $P"
	if wait_gone "$P"; then
		if wait "$P"; then bad "$cmd on a FIFO: rc 0"; else ok; fi
		check "$cmd on a FIFO: says it is not a regular file" grep -q "not a regular file" "$T/err"
	else
		kill "$P"; bad "$cmd on a FIFO: blocked"
	fi
done
mkdir -p "$T/fifocache"; mkfifo "$T/fifocache/snapshot.hts"
"$HUBTOP" --cache-dir "$T/fifocache" info >/dev/null 2>"$T/err" &
P=$!; PIDS="$PIDS $P"
if wait_gone "$P"; then ok; else kill "$P"; bad "info with a FIFO in the cache: blocked"; fi
if command -v tmux >/dev/null 2>&1; then
	TS="files-$$"
	tmux -L "$TS" -f /dev/null new-session -d -x 80 -y 10 \
		"LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color '$HUBTOP' --snapshot '$T/snap.fifo' 2>'$T/tui.err'; echo \"[exit \$?]\"; exec cat >/dev/null"
	i=0
	while [ $i -lt 200 ] && ! tmux -L "$TS" capture-pane -p 2>/dev/null | grep -q '\[exit '; do
		sleep 0.05; i=$((i + 1))
	done
	if tmux -L "$TS" capture-pane -p | grep -q '\[exit 1\]'; then ok; else bad "explorer on a FIFO: did not end with an error"; fi
	check "explorer on a FIFO: says it is not a regular file" grep -q "not a regular file" "$T/tui.err"
	tmux -L "$TS" kill-server 2>/dev/null
fi

# ---- 4. hostile import input --------------------------------------------------
# A raw NUL cuts the id: "bert-base-uncased<NUL>evil" must not pose as the real one.
printf '{"id":"bert-base-uncased\000evil","downloads":5}\n{"id":"bert-base-uncased","downloads":100}\n' >"$T/nul.jsonl"
"$HUBTOP" import "$T/nul.jsonl" -o "$T/nul.snap" 2>"$T/err"
check "raw NUL: the item is rejected and counted" grep -q "1 models imported, 1 refused for their id" "$T/err"
check "raw NUL: the real item is kept" sh -c "'$HUBTOP' --snapshot '$T/nul.snap' export models | grep -q '^1,bert-base-uncased,.*,100,'"
printf '[{"id":"a/b\000x","downloads":5},{"id":"a/b","downloads":7}]' >"$T/nul.json"
"$HUBTOP" import "$T/nul.json" -o "$T/nul2.snap" 2>"$T/err"
check "raw NUL in a JSON array: rejected and counted" grep -q "1 models imported, 1 refused for their id" "$T/err"

# A line too long for memory: an error, never "imported" with the rest lost.
if (ulimit -v 400000 2>/dev/null && "$HUBTOP" --version) >/dev/null 2>&1; then
	{
		i=0; while [ $i -lt 20 ]; do echo '{"id":"a/b'$i'","downloads":1}'; i=$((i + 1)); done
		printf '{"id":"x/'; head -c 600000000 /dev/zero | tr '\0' 'x'; echo '"}'
		echo '{"id":"c/d","downloads":1}'
	} >"$T/long.jsonl"
	(ulimit -v 400000; "$HUBTOP" import "$T/long.jsonl" -o "$T/long.snap") 2>"$T/err"
	rc=$?
	check "line too long for memory: rc 1 (got $rc)" [ "$rc" = 1 ]
	check "line too long for memory: says read error and the line" grep -q "long.jsonl:21: read error" "$T/err"
	check "line too long for memory: no snapshot written" [ ! -e "$T/long.snap" ]
	rm -f "$T/long.jsonl"
else
	echo "ulimit -v not usable here (sanitizer build?): the too-long line not tested"
fi

# TSV: a cell starting with a double quote is neutralised; JSON Lines integers.
printf '{"id":"q/t","pipeline_tag":"\\"=1+1\\"","downloads":9000000000000000,"likes":7}\n' >"$T/q.jsonl"
"$HUBTOP" import "$T/q.jsonl" -o "$T/q.snap" 2>/dev/null
"$HUBTOP" --snapshot "$T/q.snap" export models --format tsv >"$T/q.tsv" 2>/dev/null
check "TSV: a leading double quote is neutralised" grep -q "	'\"=1+1\"	" "$T/q.tsv"
check "TSV: no cell starts with a double quote" sh -c "! tr '\t' '\n' <'$T/q.tsv' | grep -q '^\"'"
"$HUBTOP" --snapshot "$T/q.snap" export models --format jsonl >"$T/q.jsonl.out" 2>/dev/null
check "JSON Lines: a large integer as an integer" grep -q '"downloads":9000000000000000,' "$T/q.jsonl.out"
check "JSON Lines: no exponent" sh -c "! grep -q 'e+' '$T/q.jsonl.out'"

# ---- 5. a crafted snapshot ----------------------------------------------------
# Eight placeholder bytes become ESC ] BEL, C1 CSI (C2 9B) and RLO (E2 80 AE).
if [ -n "${RESNAP:-}" ] && [ -x "$RESNAP" ]; then
	P8=QXQXQXQX
	{
		echo '{"id":"evil'$P8'/m'$P8'","downloads":900000000,"pipeline_tag":"t'$P8'","library_name":"l'$P8'","tags":["license:c'$P8'"]}'
		echo '{"id":"plain/model","downloads":5}'
	} >"$T/in$P8.jsonl"
	"$HUBTOP" import "$T/in$P8.jsonl" -o "$T/clean.snap" 2>/dev/null
	"$RESNAP" "$T/clean.snap" "$T/crafted.snap" "$P8" '\x1b]\x07\xc2\x9b\xe2\x80\xae' >/dev/null ||
		bad "resnap failed"
	check "crafted snapshot: loads (checksum valid)" "$HUBTOP" --snapshot "$T/crafted.snap" info >/dev/null 2>&1
	# raw FILE WHAT: no ESC, BEL, C1 CSI or RLO byte sequence in FILE.
	raw() {
		hex=$(od -An -v -tx1 "$1" | tr -d '\n')
		case $hex in
		*" 1b"*) bad "$2: raw ESC" ;;
		*" 07"*) bad "$2: raw BEL" ;;
		*" c2 9b"*) bad "$2: raw C1 CSI" ;;
		*" e2 80 ae"*) bad "$2: raw RLO" ;;
		*) ok ;;
		esac
	}
	X="--snapshot $T/crafted.snap"
	$HUBTOP $X orgs unattributed >"$T/o.unatt" 2>&1; raw "$T/o.unatt" "orgs unattributed"
	check "orgs unattributed: the account shown cleaned" grep -q 'evil?]???' "$T/o.unatt"
	for fmt in csv tsv jsonl; do
		for pane in models orgs tasks libraries; do
			$HUBTOP $X export $pane --format $fmt >"$T/o.$pane.$fmt" 2>&1
			raw "$T/o.$pane.$fmt" "export $pane $fmt"
		done
		# In a cell a control character becomes a space, the others '?'.
		check "export models $fmt: the id shown cleaned" grep -q 'evil ] ??/m ] ??' "$T/o.models.$fmt"
	done
	$HUBTOP $X report >"$T/o.report" 2>&1; raw "$T/o.report" "report"
	$HUBTOP $X report --format json >"$T/o.report.json" 2>&1; raw "$T/o.report.json" "report json"
	$HUBTOP $X info >"$T/o.info" 2>&1; raw "$T/o.info" "info"
	$HUBTOP $X info --json >"$T/o.info.json" 2>&1; raw "$T/o.info.json" "info --json"
	$HUBTOP $X export models --author "evil$(printf '\033')x" >"$T/o.err" 2>&1; raw "$T/o.err" "an error message"
	if command -v tmux >/dev/null 2>&1; then
		TS="files-tui-$$"
		tmux -L "$TS" -f /dev/null new-session -d -x 100 -y 12 \
			"LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color HUBTOP_CACHE_DIR='$T/tc' '$HUBTOP' --snapshot '$T/crafted.snap' 2>/dev/null"
		i=0
		while [ $i -lt 200 ] && ! tmux -L "$TS" capture-pane -p 2>/dev/null | grep -q 'plain/model'; do
			sleep 0.05; i=$((i + 1))
		done
		tmux -L "$TS" capture-pane -p >"$T/o.screen" 2>/dev/null
		check "explorer: the id shown cleaned, one '?' a character" grep -q 'evil?]???/m?]???' "$T/o.screen"
		raw "$T/o.screen" "explorer screen"
		tmux -L "$TS" send-keys 4
		i=0
		while [ $i -lt 200 ] && ! tmux -L "$TS" capture-pane -p 2>/dev/null | grep -q 'evil?'; do
			sleep 0.05; i=$((i + 1))
		done
		tmux -L "$TS" capture-pane -p >"$T/o.screen4" 2>/dev/null
		check "explorer Orgs: the account shown cleaned" grep -q 'evil?]???' "$T/o.screen4"
		raw "$T/o.screen4" "explorer Orgs screen"
		tmux -L "$TS" kill-server 2>/dev/null
	else
		echo "tmux missing: the explorer not tested on the crafted snapshot"
	fi
else
	echo "crafted snapshot not tested: \$RESNAP is not built"
fi

echo "files.sh: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
