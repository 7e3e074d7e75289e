#!/bin/sh
# layers.sh - every module includes only what its layer may (docs/architecture.md).
#
# src/ has one folder per layer; a public header include/hubtop/NAME.h belongs
# to the layer of src/*/NAME.c, or to the one given below for headers without
# a .c. A header of no known layer is an error too, so a new one must be placed.
# Checked: the .c and .S files under src/ and the headers they pull in through
# include/hubtop/ (a header counts for its own layer's rules).
set -u
src=${HUBTOP_SRCDIR:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$src" || exit 99
[ -d src/core ] && [ -d include/hubtop ] || { echo "layers.sh: no src/core under $src" >&2; exit 99; }

# What each layer may include (its own layer is always allowed).
allowed() {
	case $1 in
	core) echo "" ;;
	store) echo "core" ;;
	attrib) echo "core" ;;
	hub) echo "core store attrib" ;;
	engine) echo "core store attrib" ;;
	session) echo "core store attrib engine" ;;
	cli) echo "core store attrib hub engine session" ;;
	tui) echo "core store attrib hub engine session" ;;
	*) echo "?" ;;
	esac
}

# Headers without a .c of their name.
header_layer_extra() {
	case $1 in
	tui_kernel | view) echo tui ;;
	*) echo "" ;;
	esac
}

header_layer() {
	f=$(ls src/*/"$1".c 2>/dev/null | head -1)
	if [ -n "$f" ]; then
		d=${f#src/}
		echo "${d%%/*}"
	else
		header_layer_extra "$1"
	fi
}

status=0
fail() {
	echo "layers.sh: $*" >&2
	status=1
}

# check FILE LAYER: the includes of one file, by the rules of LAYER.
check() {
	file=$1 layer=$2
	ok=$(allowed "$layer")
	[ "$ok" = "?" ] && { fail "$file: unknown layer '$layer' (add it to tests/layers.sh and docs/architecture.md)"; return; }
	grep -n '^[[:space:]]*#[[:space:]]*include' "$file" | while IFS= read -r line; do
		n=${line%%:*}
		inc=$(printf '%s\n' "$line" | sed -n 's/.*#[[:space:]]*include[[:space:]]*[<"]\([^>"]*\)[>"].*/\1/p')
		case $inc in
		curses.h | ncurses.h | ncursesw/* | term.h | panel.h | menu.h | form.h)
			[ "$layer" = tui ] || echo "$file:$n: includes <$inc>, which only the tui layer (src/tui/) may"
			;;
		curl/*)
			[ "$layer" = hub ] || echo "$file:$n: includes <$inc>, which only the hub layer (src/hub/) may"
			;;
		hubtop/*.h)
			name=${inc#hubtop/}
			name=${name%.h}
			hl=$(header_layer "$name")
			if [ -z "$hl" ]; then
				echo "$file:$n: includes $inc, of no known layer (a src/LAYER/$name.c, or a line in tests/layers.sh)"
			elif [ "$hl" != "$layer" ]; then
				case " $ok " in
				*" $hl "*) ;;
				*)
					# The one way up: cli starts the explorer through tui.h alone.
					if [ "$layer" = cli ] && [ "$inc" = hubtop/tui.h ]; then :; else
						echo "$file:$n: the $layer layer includes $inc of the $hl layer (it may include: ${ok:-no other layer})"
					fi
					;;
				esac
			fi
			;;
		esac
	done
}

checked=0
out=$(
	for f in src/*/*.c src/*/*.S src/*/*.h; do
		[ -f "$f" ] || continue
		d=${f#src/}
		check "$f" "${d%%/*}"
	done
	for h in include/hubtop/*.h; do
		name=${h##*/}
		name=${name%.h}
		hl=$(header_layer "$name")
		if [ -z "$hl" ]; then
			echo "$h: a header of no known layer (a src/LAYER/$name.c, or a line in tests/layers.sh)"
			continue
		fi
		check "$h" "$hl"
	done
)
if [ -n "$out" ]; then
	printf '%s\n' "$out" | while IFS= read -r l; do fail "$l"; done
	echo "layers.sh: $(printf '%s\n' "$out" | wc -l) include(s) against the layers; see docs/architecture.md" >&2
	exit 1
fi
checked=$(ls src/*/*.c src/*/*.S include/hubtop/*.h 2>/dev/null | wc -l)
echo "layers.sh: $checked files follow the layers"
exit $status
