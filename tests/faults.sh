#!/bin/sh
# faults.sh - storage faults through the real binary.
#
# Disk full while writing a snapshot or an export (a 256 KB tmpfs), a
# read-only cache folder, a missing cache folder or a file in its place, and
# a SIGKILL at each step of a snapshot write.  Every case ends with the
# previous snapshot loadable and a message that says what went wrong.
# Mounting needs root; without it those parts are skipped, saying so.
set -u
: "${HUBTOP:?}" "${HUBTOP_SRCDIR:?}"
[ -x "$HUBTOP" ] || { echo "SKIP: $HUBTOP is not built"; exit 77; }
T=${HUBTOP_TEST_TMP:-/tmp}/faults.$$
rm -rf "$T"; mkdir -p "$T"
MOUNTS=""
PIDS=""
cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	for m in $MOUNTS; do umount "$m" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
FIX=$HUBTOP_SRCDIR/tests/fixtures
export XDG_CONFIG_HOME="$T/config" HUBTOP_CACHE_DIR="$T/unused-cache"
pass=0; fail=0; skipped=""
ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); echo "FAIL: $*"; }
skip() { skipped="$skipped
  $*"; echo "SKIP (part): $*"; }

# run WANT CMD...: stdout in $T/out, stderr in $T/err.
run() {
	want=$1; shift
	"$@" >"$T/out" 2>"$T/err"; got=$?
	if [ "$got" != "$want" ]; then
		bad "'$*' exited $got, expected $want"; sed 's/^/  | /' "$T/err" | head -5; return 1
	fi
	return 0
}
has() { grep -q -- "$2" "$1" && ok || { bad "$1 lacks '$2'"; sed 's/^/  | /' "$1" | head -5; }; }

# loads SNAPSHOT COUNT: the snapshot verifies whole and holds COUNT models.
loads() {
	if "$HUBTOP" info --snapshot "$1" >"$T/info" 2>&1 && grep -q "models: *$2\$" "$T/info"; then
		ok
	else
		bad "$1 does not load with $2 models:"; sed 's/^/  | /' "$T/info" | head -5
	fi
}
# no_junk DIR: nothing but the snapshot (and lock/journal files) is left.
no_junk() {
	j=$(ls -A "$1" | grep -v -E '^(snapshot\.hts|fetch\..*)$')
	[ -z "$j" ] && ok || bad "left behind in $1: $j"
}

# A tmpfs of SIZE at DIR, or non-zero when mounting is not permitted.
tiny_fs() {
	mkdir -p "$2"
	[ "$(id -u)" = 0 ] || return 1
	mount -t tmpfs -o "size=$1,mode=0700" tmpfs "$2" 2>/dev/null || return 1
	MOUNTS="$2 $MOUNTS"
}

# gen N FILE: N listing items, about 130 bytes of snapshot each.
gen() {
	awk -v n="$1" 'BEGIN { for (i = 0; i < n; i++)
	printf "{\"_id\":\"o%d\",\"id\":\"user%d/model-%d\",\"downloads\":%d,\"likes\":%d,\"pipeline_tag\":\"text-generation\",\"library_name\":\"transformers\",\"createdAt\":\"2024-01-01T00:00:00.000Z\",\"tags\":[\"license:mit\",\"base_model:finetune:user%d/model-%d\"]}\n", i, i % 5000, i, (i * 7) % 100000, i % 100, (i + 1) % 5000, i + 1 }' >"$2"
}

# The previous snapshot: 13 models from the fixtures.
run 0 "$HUBTOP" import "$FIX/models-small.jsonl" -o "$T/old.hts" && loads "$T/old.hts" 13

# ---- disk full -------------------------------------------------------------
if tiny_fs 256k "$T/full"; then
	cp "$T/old.hts" "$T/full/snapshot.hts"
	# A demo snapshot of 3000 models is about 500 KB: it cannot fit.
	run 1 "$HUBTOP" demo --models 3000 --datasets 500 -o "$T/full/snapshot.hts" &&
		has "$T/err" "No space left on device" && has "$T/err" "full/snapshot.hts" &&
		has "$T/err" "previous file is unchanged"
	loads "$T/full/snapshot.hts" 13
	no_junk "$T/full"
	# The same through import into the cache folder.
	gen 3000 "$T/items.jsonl"
	run 1 "$HUBTOP" import "$T/items.jsonl" --cache-dir "$T/full" &&
		has "$T/err" "No space left on device" && has "$T/err" "free some space"
	loads "$T/full/snapshot.hts" 13
	no_junk "$T/full"

	# An export into the full folder: refused, the previous export intact.
	"$HUBTOP" demo --models 3000 --datasets 0 -o "$T/d3000.hts" >/dev/null 2>&1
	printf 'previous export\n' >"$T/full/out.csv"
	run 1 "$HUBTOP" export models --snapshot "$T/d3000.hts" --format csv -o "$T/full/out.csv" &&
		has "$T/err" "out.csv" && has "$T/err" "No space left on device"
	[ "$(cat "$T/full/out.csv")" = "previous export" ] && ok || bad "the previous export was damaged"
	rm -f "$T/full/out.csv"
	no_junk "$T/full"
	# Once space is back, the same write works.
	run 0 "$HUBTOP" export models --snapshot "$T/old.hts" --format csv -o "$T/full/out.csv" &&
		has "$T/full/out.csv" "Qwen/Qwen2.5-7B"
else
	skip "disk full: mounting a tmpfs is not permitted here (needs root)"
fi

# ---- read-only cache folder ----------------------------------------------------
ro=""
if tiny_fs 1m "$T/ro"; then
	cp "$T/old.hts" "$T/ro/snapshot.hts"
	if mount -o remount,ro "$T/ro" 2>/dev/null; then ro=mount; fi
elif [ "$(id -u)" != 0 ]; then
	mkdir -p "$T/ro"; cp "$T/old.hts" "$T/ro/snapshot.hts"; chmod 555 "$T/ro"; ro=chmod
fi
if [ -n "$ro" ]; then
	run 1 "$HUBTOP" import "$FIX/models-small.jsonl" --datasets "$FIX/datasets-small.jsonl" \
		--cache-dir "$T/ro" && has "$T/err" "$T/ro" &&
		has "$T/err" "Read-only file system\|Permission denied" && has "$T/err" "writable"
	run 1 "$HUBTOP" demo --models 100 -o "$T/ro/snapshot.hts" && has "$T/err" "$T/ro"
	loads "$T/ro/snapshot.hts" 13
	HUBTOP_CACHE_DIR="$T/ro" run 0 "$HUBTOP" info && has "$T/out" "models: *13"
	no_junk "$T/ro"
	[ "$ro" = chmod ] && chmod 755 "$T/ro"
else
	skip "read-only cache folder: as root permissions are not enforced and mounting is not permitted"
fi

# ---- cache folder missing, or a file in its place ------------------------------
HUBTOP_CACHE_DIR="$T/new/deeper/cache" run 0 "$HUBTOP" import "$FIX/models-small.jsonl" &&
	has "$T/err" "new/deeper/cache/snapshot.hts"
loads "$T/new/deeper/cache/snapshot.hts" 13
[ "$(stat -c %a "$T/new/deeper/cache")" = 700 ] && ok || bad "the new cache folder is not private (0700)"
: >"$T/afile"
HUBTOP_CACHE_DIR="$T/afile" run 1 "$HUBTOP" import "$FIX/models-small.jsonl" &&
	has "$T/err" "afile exists and is not a folder" && has "$T/err" "--cache-dir"
HUBTOP_CACHE_DIR="$T/afile" run 1 "$HUBTOP" info && has "$T/err" "afile"
[ -f "$T/afile" ] && [ ! -s "$T/afile" ] && ok || bad "the file in the cache's place was changed"

# ---- a kill at each step of a snapshot write -----------------------------------
# A large import (about 15 MB of snapshot) over the previous snapshot; the
# writer is killed when the polled condition is seen.  Whatever the moment,
# the cache then holds a whole snapshot, old or new, and a partial
# temporary file is never taken for one.
N=${FAULTS_ITEMS:-120000}
gen "$N" "$T/big.jsonl"
run 0 "$HUBTOP" import "$T/big.jsonl" -o "$T/full-size.hts"
final=$(stat -c %s "$T/full-size.hts" 2>/dev/null || echo 0)
rm -f "$T/full-size.hts"

tmp_size() {
	s=0
	for f in "$1"/snapshot.hts.tmp.*; do
		[ -e "$f" ] && s=$(stat -c %s "$f" 2>/dev/null || echo 0)
	done
	echo "$s"
}

hits=0
for moment in parsing tmp-created tmp-growing tmp-written; do
	C="$T/kill-$moment"
	mkdir -p "$C"
	cp "$T/old.hts" "$C/snapshot.hts"
	"$HUBTOP" import "$T/big.jsonl" --cache-dir "$C" >/dev/null 2>"$T/kerr" &
	pid=$!
	PIDS="$PIDS $pid"
	seen=""
	i=0
	# Bounded poll: at most about 60 s.
	while [ $i -lt 60000 ] && kill -0 "$pid" 2>/dev/null; do
		case $moment in
		parsing) seen=1 ;;
		tmp-created) ls "$C"/snapshot.hts.tmp.* >/dev/null 2>&1 && seen=1 ;;
		tmp-growing) s=$(tmp_size "$C"); [ "$s" -gt 0 ] && [ "$s" -lt "$final" ] && seen=1 ;;
		tmp-written) [ "$(tmp_size "$C")" -ge "$final" ] && [ "$final" -gt 0 ] && seen=1 ;;
		esac
		if [ -n "$seen" ]; then
			kill -9 "$pid" 2>/dev/null
			break
		fi
		i=$((i + 1))
	done
	wait "$pid" 2>/dev/null
	if [ -n "$seen" ]; then
		hits=$((hits + 1))
		echo "killed the writer while $moment"
	else
		echo "note: the writer finished before '$moment' was seen; checking the result instead"
	fi
	# The cache's snapshot is whole: the old one, or (if the rename was reached) the new one.
	if "$HUBTOP" info --snapshot "$C/snapshot.hts" >"$T/info" 2>&1 &&
		grep -q -E "models: *(13|$N)\$" "$T/info"; then ok
	else bad "after a kill while $moment: the cache's snapshot does not load:"; sed 's/^/  | /' "$T/info"; fi
	HUBTOP_CACHE_DIR="$C" run 0 "$HUBTOP" info && ok
	grep -q "DEMO" "$T/out" && bad "after a kill while $moment: the cache's snapshot was not found (demo shown)"
	# A partial temporary file is refused, never half-read.
	for f in "$C"/snapshot.hts.tmp.*; do
		[ -e "$f" ] || continue
		if [ "$(stat -c %s "$f")" -lt "$final" ]; then
			run 1 "$HUBTOP" info --snapshot "$f" && has "$T/err" "truncated\|not a hubtop snapshot"
		fi
	done
	# The next write succeeds over whatever was left.
	run 0 "$HUBTOP" import "$FIX/models-small.jsonl" --datasets "$FIX/datasets-small.jsonl" \
		--cache-dir "$C" && loads "$C/snapshot.hts" 13
done
[ "$hits" -ge 2 ] && ok || bad "only $hits of 4 kill moments were reached: the test did not test much"
rm -f "$T/big.jsonl"

[ -n "$skipped" ] && echo "skipped parts:$skipped"
echo "faults: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
