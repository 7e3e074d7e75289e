# lib.sh - helpers for tests that drive the real binary in tmux.
#
# Each test script sources this file, calls tt_init, starts the program
# with tt_start in a detached tmux session of a fixed size, sends keys with
# tt_keys and waits (polling with a bound, never a fixed sleep) for text on
# the screen with tt_wait.  The private tmux server is killed on exit.

TT_HUBTOP=${HUBTOP:-./hubtop}
TT_SRCDIR=${HUBTOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
TT_TIMEOUT=${TT_TIMEOUT:-10}          # seconds for one tt_wait
TT_FAILED=0

tt_init() {
	if ! command -v tmux >/dev/null 2>&1; then
		echo "SKIP: tmux is not installed (apt-get install tmux)"
		exit 77
	fi
	if [ ! -x "$TT_HUBTOP" ]; then
		echo "SKIP: $TT_HUBTOP is not built"
		exit 77
	fi
	TT_SOCK="hubtop-test-$$"
	TT_TMP="${HUBTOP_TEST_TMP:-/tmp}/$1-$$"
	rm -rf "$TT_TMP"
	mkdir -p "$TT_TMP" || exit 99
	TT_SESSION=""
	trap tt_cleanup EXIT INT TERM
}

tt_cleanup() {
	tmux -L "$TT_SOCK" -f /dev/null kill-server >/dev/null 2>&1
	rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$TT_SOCK"
	if [ "$TT_FAILED" = 0 ] && [ -z "$TT_KEEP" ]; then
		rm -rf "$TT_TMP"
	fi
}

tt_tmux() {
	tmux -L "$TT_SOCK" -f /dev/null "$@"
}

# tt_start NAME WIDTH HEIGHT ARGS...: runs hubtop ARGS in a new session.
# The environment is fixed: UTF-8 locale, a known terminal, a private cache
# and configuration folder (override with TT_ENV="VAR=value ...").
# TT_HOLD=1 is for commands that write to the terminal and end: their
# standard error stays on the screen too, and once they end the pane keeps
# showing their output followed by "[exit STATUS]" until tt_stop.
tt_start() {
	name=$1 w=$2 h=$3
	shift 3
	script="$TT_TMP/run-$name.sh"
	{
		echo '#!/bin/sh'
		echo "export LANG=C.UTF-8 LC_ALL=C.UTF-8 TERM=screen-256color"
		echo "export HUBTOP_CACHE_DIR='$TT_TMP/cache-$name' XDG_CONFIG_HOME='$TT_TMP/config'"
		echo "export HUBTOP_ORGS='${HUBTOP_ORGS:-$TT_SRCDIR/data/orgs.tsv}'"
		echo "unset NO_COLOR HUBTOP_TRACE"
		[ -n "$TT_ENV" ] && echo "export $TT_ENV"
		echo "cd '$TT_TMP'"
		if [ -n "$TT_HOLD" ]; then
			printf '"%s"' "$TT_HUBTOP"
			for a in "$@"; do printf " '%s'" "$a"; done
			echo
			# Blocks on the terminal, without a timer, until the server ends.
			echo 'echo "[exit $?]"; exec cat >/dev/null'
		else
			printf 'exec "%s"' "$TT_HUBTOP"
			for a in "$@"; do printf " '%s'" "$a"; done
			echo " 2>'$TT_TMP/stderr-$name'"
		fi
	} >"$script"
	chmod +x "$script"
	TT_SESSION=$name
	# The server of a session just ended may still be exiting, and then
	# refuses this one ("server exited unexpectedly"): try again, bounded.
	i=0
	until tt_tmux new-session -d -s "$name" -x "$w" -y "$h" "$script"; do
		i=$((i + 1))
		[ $i -lt 50 ] || tt_fail "cannot start tmux"
		sleep 0.05
	done
	# Keep the window at this size whatever clients attach.
	tt_tmux set-option -t "$name" -g window-size manual >/dev/null 2>&1
}

# tt_stop: ends the current session (a TT_HOLD one, once read).
tt_stop() {
	tt_tmux kill-session -t "$TT_SESSION" >/dev/null 2>&1
	TT_SESSION=""
}

tt_screen() {
	tt_tmux capture-pane -p -t "$TT_SESSION"
}

# Masks what changes from run to run (the snapshot's age).
tt_masked() {
	tt_screen | sed -E 's/\([0-9]+ (s|min|hours|days|months|years)\)/(AGE)/; s/[0-9]+[smhd] old/AGE old/; s/age unknown/AGE old/'
}

tt_keys() {
	tt_tmux send-keys -t "$TT_SESSION" "$@"
}

# Literal text (no key names).
tt_type() {
	tt_tmux send-keys -t "$TT_SESSION" -l "$1"
}

tt_fail() {
	TT_FAILED=1
	echo "FAIL: $*"
	if [ -n "$TT_SESSION" ]; then
		echo "---- screen ($TT_SESSION) ----"
		tt_screen 2>/dev/null
		echo "------------------------------"
		[ -s "$TT_TMP/stderr-$TT_SESSION" ] && { echo "stderr:"; cat "$TT_TMP/stderr-$TT_SESSION"; }
	fi
	exit 1
}

# tt_wait TEXT: polls the screen until TEXT (a fixed string) shows.
tt_wait() {
	i=0
	n=$((TT_TIMEOUT * 20))
	while [ $i -lt $n ]; do
		if tt_screen 2>/dev/null | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	tt_fail "'$1' did not appear within ${TT_TIMEOUT}s"
}

# tt_wait_re REGEX: the same with an extended regular expression.
tt_wait_re() {
	i=0
	n=$((TT_TIMEOUT * 20))
	while [ $i -lt $n ]; do
		if tt_screen 2>/dev/null | grep -qE -- "$1"; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	tt_fail "nothing matching /$1/ appeared within ${TT_TIMEOUT}s"
}

tt_wait_gone() {
	i=0
	n=$((TT_TIMEOUT * 20))
	while [ $i -lt $n ]; do
		if ! tt_screen 2>/dev/null | grep -qF -- "$1"; then
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	tt_fail "'$1' still shown after ${TT_TIMEOUT}s"
}

# tt_wait_exit: the program has quit (its tmux session is gone).
tt_wait_exit() {
	i=0
	n=$((TT_TIMEOUT * 20))
	while [ $i -lt $n ]; do
		if ! tt_tmux has-session -t "$TT_SESSION" 2>/dev/null; then
			# A sanitizer build reports memory errors and leaks on exit.
			if grep -qE 'Sanitizer|runtime error' "$TT_TMP/stderr-$TT_SESSION" 2>/dev/null; then
				cat "$TT_TMP/stderr-$TT_SESSION"
				TT_SESSION=""
				tt_fail "sanitizer report on exit"
			fi
			return 0
		fi
		sleep 0.05
		i=$((i + 1))
	done
	tt_fail "the program did not quit"
}

# tt_line N: line N (1-based) of the screen.
tt_line() {
	tt_screen | sed -n "${1}p"
}

tt_expect_line() {
	line=$(tt_line "$1")
	printf '%s\n' "$line" | grep -qE -- "$2" || tt_fail "line $1 is '$line', expected /$2/"
}

tt_expect_not() {
	if tt_screen | grep -qF -- "$1"; then
		tt_fail "'$1' should not be on the screen"
	fi
}

# tt_golden NAME: the masked screen must equal tests/fixtures/screens/NAME.txt
# (HUBTOP_UPDATE_GOLDEN=1 writes it instead).
tt_golden() {
	golden="$TT_SRCDIR/tests/fixtures/screens/$1.txt"
	tt_masked >"$TT_TMP/$1.txt"
	if [ -n "$HUBTOP_UPDATE_GOLDEN" ]; then
		mkdir -p "$(dirname "$golden")"
		cp "$TT_TMP/$1.txt" "$golden"
		return 0
	fi
	[ -f "$golden" ] || tt_fail "no golden screen $golden (run with HUBTOP_UPDATE_GOLDEN=1)"
	diff -u "$golden" "$TT_TMP/$1.txt" || tt_fail "screen differs from $golden"
}

# Display width of a string (wide characters count two).
tt_width() {
	printf '%s' "$1" | LC_ALL=C.UTF-8 wc -L
}

# tt_click BUTTON X Y: a mouse event at 0-based column X, line Y, as an
# xterm-style terminal sends it (button 0 = left press, 3 = release,
# 64/65 = wheel up/down).
tt_click() {
	tt_tmux send-keys -t "$TT_SESSION" -l "$(printf '\033[M%b%b%b' \
		"\\0$(printf %o $((32 + $1)))" "\\0$(printf %o $((33 + $2)))" "\\0$(printf %o $((33 + $3)))")"
}
