#!/bin/sh
# keys.sh - the README's key table and the man page's EXPLORER KEYS are
# what `hubtop keys` makes from the request table (the one that drives the
# help screen and key dispatch).  HUBTOP_UPDATE_KEYS=1 rewrites both.
. "${HUBTOP_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"

tt_init keys

# section FILE BEGIN END: the lines strictly between the two marker lines.
section() {
	# Through the environment: awk -v would take the backslashes of \".
	B="$2" E="$3" awk 'index($0, ENVIRON["E"]) == 1 { on = 0 } on { print }
		index($0, ENVIRON["B"]) == 1 { on = 1 }' "$1"
}

# check FILE FORMAT BEGIN END
check() {
	"$TT_HUBTOP" keys --format "$2" >"$TT_TMP/want" || tt_fail "hubtop keys --format $2 failed"
	grep -qF -- "$3" "$1" || tt_fail "$1 has no line '$3'"
	if [ -n "$HUBTOP_UPDATE_KEYS" ]; then
		B="$3" E="$4" F="$TT_TMP/want" awk '
			index($0, ENVIRON["E"]) == 1 { on = 0 }
			!on { print }
			index($0, ENVIRON["B"]) == 1 { on = 1; while ((getline l < ENVIRON["F"]) > 0) print l }' \
			"$1" >"$TT_TMP/new" &&
			cat "$TT_TMP/new" >"$1"
		return 0
	fi
	section "$1" "$3" "$4" >"$TT_TMP/have"
	diff -u "$TT_TMP/have" "$TT_TMP/want" ||
		tt_fail "$1: the keys differ from \`hubtop keys --format $2\` (HUBTOP_UPDATE_KEYS=1 make check TESTS=tests/keys.sh)"
}

check "$TT_SRCDIR/README.md" markdown "<!-- keys: made by \`hubtop keys\`" "<!-- end of keys -->"
check "$TT_SRCDIR/man/hubtop.1" man '.\" keys: made by `hubtop keys --format man`' '.\" end of keys'
# A format it does not know is refused with the ones it knows.
if "$TT_HUBTOP" keys --format html >/dev/null 2>"$TT_TMP/err"; then
	tt_fail "hubtop keys --format html succeeded"
fi
grep -q "not one of markdown, man" "$TT_TMP/err" || tt_fail "hubtop keys --format html: $(cat "$TT_TMP/err")"
echo "ok keys"
