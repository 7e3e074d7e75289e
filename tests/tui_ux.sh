#!/bin/sh
# tui_ux.sh - the explorer's habits and small promises, through tmux:
# Ctrl-S reaches the explorer (no XOFF freeze), re-sorting or filtering
# never hides rows that fit above the selection, a double click drills
# down, back after a pane change leaves the drill-down filter, the DEMO
# marker does not blink, the function keys of htop and the help's mouse
# and prompt sections; gg; the text filter of Orgs and Regions.
. "${HUBTOP_SRCDIR:-$(dirname "$0")/..}/tests/lib.sh"

tt_init tui_ux

SNAP="$TT_TMP/demo.snap"
"$TT_HUBTOP" demo --models 3000 --datasets 400 -o "$SNAP" >/dev/null 2>"$TT_TMP/demo.err" ||
	{ cat "$TT_TMP/demo.err"; tt_fail "hubtop demo failed"; }

# ---- Ctrl-S opens the export prompt; the terminal's flow control would
# otherwise stop the output and every key after it would run blind.
tt_start ctrls 120 30 --snapshot "$SNAP"
tt_wait_re "/3000 *$"
tt_keys C-s
tt_wait "Export to"
tt_keys Escape
tt_wait "Export cancelled"
tt_keys j
tt_wait_re " 2/3000 *$"
# The DEMO marker is bold, never blinking (SGR 5).
demo_line=$(tt_tmux capture-pane -p -e -t "$TT_SESSION" | grep 'DEMO DATA')
[ -n "$demo_line" ] || tt_fail "no DEMO DATA marker"
if printf '%s\n' "$demo_line" | grep -qE "$(printf '\033')\[([0-9]+;)*5(;[0-9]+)*m"; then
	tt_fail "DEMO DATA blinks"
fi
echo "ok ctrl-s, no blink"

# ---- Re-sorting keeps the selected item on its line: back to the first
# order, rows 1-4 are above it again, not scrolled off.
tt_keys j j j
tt_wait_re " 5/3000 *$"
tt_keys T
# (the demo is the same every run: by trending, row 5 goes to row 34)
tt_wait_re " 34/3000 *$"
tt_keys D
tt_wait "Downloads▼"
tt_wait_re " 5/3000 *$"
tt_expect_line 5 "^ +1 "
# A new text filter selects its first row, shown on the first line.
tt_keys '\'
tt_wait "Filter:"
tt_type "qwen"
tt_keys Enter
tt_wait "--search qwen"
tt_wait_re " 1/[0-9]+ *$"
tt_expect_line 5 "^ +1 "
tt_keys u
tt_wait "no filter"
echo "ok scroll"

# ---- gg goes to the top, G to the end (vim, less); g then another key
# means that key; S (not g) switches the split of Regions.
tt_keys G
tt_wait_re " 3000/3000 *$"
tt_keys g g
tt_wait_re " 1/3000 *$"
tt_keys j j
tt_wait_re " 3/3000 *$"
tt_keys g j
tt_wait_re " 4/3000 *$"
tt_keys g
tt_expect_not "No action on 'g'"
tt_keys g
tt_wait_re " 1/3000 *$"
tt_keys 3
tt_wait_re "^Name +Key +Models +Downloads"
tt_keys S
tt_wait "country groups"
tt_keys S S
tt_wait "Regions: countries"
tt_keys 1
tt_wait_re " 1/3000 *$"
echo "ok gg, G, S"

# ---- A double click drills down; back after a pane change leaves the
# drill-down's filter too.
tt_keys 3
tt_wait_re "^Name +Key +Models"
# Both clicks in one write, as a terminal sends them: under a loaded
# machine separate tmux calls could be further apart than the interval.
ev() { printf '\033[M%b%b%b' "\\0$(printf %o $((32 + $1)))" "\\0$(printf %o $((33 + $2)))" \
	"\\0$(printf %o $((33 + $3)))"; }
tt_type "$(ev 0 10 5; ev 3 10 5; ev 0 10 5; ev 3 10 5)"
tt_wait_re "\| --country [A-Z][A-Z]"
tt_keys 5
tt_wait "by year of creation"
tt_wait_re "\| --country [A-Z][A-Z]"
tt_keys BSpace
tt_wait "no filter"
echo "ok double click, back"

# ---- htop's function keys and `h`; the help lists the mouse and the
# prompt's editing keys, and its :command column holds the longest name.
tt_keys F3
tt_wait "Search:"
tt_keys Escape h
tt_wait "-- Panes --"
tt_keys /
tt_type "Double click"
tt_keys Enter
tt_wait_re "^Double click +Drill down, as Enter"
tt_keys /
tt_type "filter-min"
tt_keys Enter
tt_wait_re "^m +Minimum downloads +:filter-min-downloads *$"
tt_keys /
tt_type "edit-delete-word"
tt_keys Enter
tt_wait_re "^\^W +Delete the word before the cursor"
tt_keys q F10
tt_wait_exit
echo "ok function keys, help"

# ---- Messages: one wider than the screen takes the status line too and
# keeps its end; config problems show with file and line.
tt_start long 80 24 --snapshot "$SNAP"
tt_wait_re "/3000 *$"
tt_keys :
tt_type "filter"
tt_keys Enter
tt_wait "Usage: filter KEY VALUE"
tt_wait "gated window by)"
tt_keys j
tt_wait_re " 2/3000 *$"
tt_keys Q
tt_wait_exit
mkdir -p "$TT_TMP/config/hubtop"
printf 'pane = regions\nwindow = sometimes\nnonsense\ncolr = yes\nby = nobody\n' >"$TT_TMP/config/hubtop/config"
tt_start config 200 24 --snapshot "$SNAP"
tt_wait "config: 4 problems, lines skipped; $TT_TMP/config/hubtop/config:2:"
tt_wait_re "^Name +Key +Models"
tt_keys Q
tt_wait_exit
# All of them again once the screen is gone, as before it came.
n=$(grep -c "config/hubtop/config:[0-9]" "$TT_TMP/stderr-config")
[ "$n" = 8 ] || tt_fail "config problems on standard error: $n lines, expected 8: $(cat "$TT_TMP/stderr-config")"
rm -f "$TT_TMP/config/hubtop/config"
echo "ok long messages, config problems"

# ---- A failed refresh: the cause first, the address last and short.
TESTHUB=${TESTHUB:-$(dirname "$TT_HUBTOP")/tests/testhub}
if [ -x "$TESTHUB" ]; then
	out="$TT_TMP/hub.out"
	"$TESTHUB" --generate 30 --max-seconds 60 --fault 401x0 >"$out" 2>"$TT_TMP/hub.err" &
	HUB_PID=$!
	n=0
	while ! grep -q '^PORT ' "$out" 2>/dev/null && [ $n -lt 400 ]; do sleep 0.05; n=$((n + 1)); done
	HUB_PORT=$(awk '$1 == "PORT" { print $2; exit }' "$out")
	[ -n "$HUB_PORT" ] || tt_fail "the test hub did not start: $(cat "$out" "$TT_TMP/hub.err")"
	TT_ENV="HF_ENDPOINT=http://127.0.0.1:$HUB_PORT" tt_start rfail 200 30
	tt_wait "DEMO DATA"
	tt_keys R
	tt_wait_re "^Refresh failed: [^(]*the token was refused"
	tt_wait "(HTTP 401 from http://127.0.0.1:$HUB_PORT/api/models)"
	tt_expect_not "expand%5B"
	tt_keys Q
	tt_wait_exit
	kill "$HUB_PID" 2>/dev/null
	wait "$HUB_PID" 2>/dev/null
	echo "ok refresh error"
else
	echo "refresh not tested: $TESTHUB is not built"
fi

# ---- Concentration: the Lorenz curve's x axis follows its width (100%
# ends under the curve's last column), and at 40x10 the pane scrolls to
# the figures and the curve below the first screen.
for size in "80 24" "120 40"; do
	set -- $size
	tt_start "conc$1" "$1" "$2" --snapshot "$SNAP" --pane concentration
	tt_wait "Lorenz curve: downloads held"
	axis=$(tt_screen | grep -E '^ +0% .*100% *$' | sed 's/ *$//')
	[ -n "$axis" ] || tt_fail "no x axis at $1 columns"
	[ "$(tt_width "$axis")" = $(($1 - 1)) ] || tt_fail "x axis at $1 columns is '$axis'"
	printf '%s\n' "$axis" | grep -q " 50% " || tt_fail "no 50% on the x axis at $1 columns"
	tt_keys Q
	tt_wait_exit
done
tt_start conc40 40 10 --snapshot "$SNAP" --pane concentration
tt_wait "Top 10"
tt_expect_not "Gini"
tt_keys j j j j
tt_wait_re "^Gini +0\.[0-9]{3}"
tt_keys End
tt_wait "Lorenz curve"
tt_wait_re "^ +0% .*100% *$"
tt_keys Home
tt_wait_re "^Models *$"
tt_keys Q
tt_wait_exit
echo "ok concentration axis and scroll"

# ---- One name for the unknown country, the one --country takes: in the
# header, the Ctry columns and the country picker; never "??" or "-".
tt_start unknown 120 30 --snapshot "$SNAP"
tt_wait_re "^Countries unknown [0-9.]+%"
tt_wait_re "^ +[0-9]+ [^ ]+ +unknown +(independent|unknown-org) "
tt_screen | grep -qE '\?\?|^ +[0-9]+ [^ ]+ +- ' && tt_fail "another name for the unknown country"
tt_keys 4
tt_wait_re "^ +# Account"
tt_wait_re " unknown +independent "
tt_keys c
tt_wait "Countries: 0 of"
tt_type "unknown"
tt_wait_re "\[ \] unknown +Unknown "
tt_keys Space Enter
tt_wait "--country unknown"
tt_keys Q
tt_wait_exit
echo "ok unknown country"

# ---- Search marks its matches and says when it wraps; counts take 10k.
tt_start search 120 30 --snapshot "$SNAP"
tt_wait_re "/3000 *$"
tt_keys /
tt_type "deepseek"
tt_keys Enter
tt_wait_re "deepseek"
# The match is drawn in its own colour: an SGR sequence right before it
# on a line that is not the selected one.
esc=$(printf '\033')
tt_tmux capture-pane -p -e -t "$TT_SESSION" | sed -n '5,28p' |
	grep -qE "${esc}\[[0-9;]*m(deepseek|DeepSeek)${esc}\[" || tt_fail "search matches are not marked"
tt_keys End n
tt_wait_re "^Search wrapped to the top \('deepseek'\)"
tt_keys N
tt_wait_re "^Search wrapped to the bottom \('deepseek'\)"
tt_keys m
tt_wait "Minimum downloads"
tt_type "10k"
tt_keys Enter
tt_wait "--min-downloads 10000"
tt_keys Q
tt_wait_exit
echo "ok search marks and wraps, 10k"

# ---- Prompts keep a history (Up/Down); the ':' prompt completes (Tab).
tt_start prompts 100 30 --snapshot "$SNAP"
tt_wait_re "/3000 *$"
tt_keys m
tt_type "100"
tt_keys Enter
tt_wait "--min-downloads 100"
tt_keys m C-u
tt_type "5k"
tt_keys Enter
tt_wait "--min-downloads 5000"
tt_keys m C-u Up
tt_wait_re "Minimum downloads.*: 5k *$"
tt_keys Up
tt_wait_re "Minimum downloads.*: 100 *$"
tt_keys Down Down
tt_wait_re "Minimum downloads.*: *$"
tt_keys Escape
tt_keys :
tt_type "tog"
tt_keys Tab
tt_wait_re "^:toggle- *$"
tt_keys Tab
tt_wait "toggle-window toggle-attribution toggle-level toggle-of toggle-groups"
tt_type "w"
tt_keys Tab
tt_wait_re "^:toggle-window *$"
tt_keys C-u
tt_type "filter coun"
tt_keys Tab
tt_wait_re "^:filter country *$"
tt_type "CN"
tt_keys Enter
tt_wait "--country CN"
tt_keys :
tt_type "sort trending_"
tt_keys Tab
tt_wait "Nothing completes 'trending_'"
tt_keys C-w
tt_type "lik"
tt_keys Tab
tt_wait_re "^:sort likes *$"
tt_keys Enter
tt_wait "Likes▼"
tt_keys Q
tt_wait_exit
echo "ok prompt history, completion"

# ---- Detail: y copies the Hub URL (OSC 52: tmux takes it into its
# buffer), the derivatives are listed and Enter opens one, Backspace
# comes back; a terminal not known to take OSC 52 gets the URL to select.
tt_start detail 120 40 --snapshot "$SNAP"
tt_tmux set-option -g set-clipboard on >/dev/null 2>&1
tt_wait_re "/3000 *$"
tt_keys '\'
tt_type "deepseek-ai/deepseek-llm-67b-base"
tt_keys Enter
tt_wait "--search deepseek-ai/deepseek-llm-67b-base"
tt_keys Home Enter
tt_wait_re "^Hub URL +https://huggingface.co/deepseek-ai/deepseek-llm-67b-base +\(y: copy\)"
tt_keys y
tt_wait "Copied (if the terminal allows OSC 52): https://huggingface.co/deepseek-ai/deepseek-llm-67b-base"
i=0
while [ "$(tt_tmux show-buffer 2>/dev/null)" != "https://huggingface.co/deepseek-ai/deepseek-llm-67b-base" ]; do
	i=$((i + 1))
	[ $i -lt 100 ] || tt_fail "the clipboard holds '$(tt_tmux show-buffer 2>&1)'"
	sleep 0.05
done
tt_wait_re "^Derivatives +[0-9]+ models? names? it as a base"
tt_keys /
tt_type "downloads)"
tt_keys Enter
child=$(tt_screen | awk '/^Derivatives/ { on = 1; next } on && /downloads\)/ { print $1; exit }')
[ -n "$child" ] || tt_fail "no derivative listed"
tt_keys Enter
tt_wait_re "^Id +$child *$"
tt_keys BSpace
tt_wait_re "^Id +deepseek-ai/deepseek-llm-67b-base *$"
tt_keys Q
tt_wait_exit
TT_ENV="HUBTOP_OSC52=0" tt_start nocopy 120 30 --snapshot "$SNAP"
tt_wait_re "/3000 *$"
tt_keys y
tt_wait_re "This terminal takes no copy \(OSC 52\); select it by hand: https://huggingface.co/[^ ]+/"
tt_keys Q
tt_wait_exit
echo "ok detail: copy, derivatives"

# ---- The text filter takes several terms (a|b, as htop): the rows of
# either, the same as `hubtop export --search 'a|b'`.
qwen=$("$TT_HUBTOP" export models --snapshot "$SNAP" --search qwen --format csv | awk 'END { print NR - 1 }')
both=$("$TT_HUBTOP" export models --snapshot "$SNAP" --search 'qwen|deepseek' --format csv | awk 'END { print NR - 1 }')
either=$("$TT_HUBTOP" export models --snapshot "$SNAP" --format csv |
	awk -F, 'NR > 1 { id = tolower($2); if (id ~ /qwen/ || id ~ /deepseek/) n++ } END { print n }')
[ "$both" = "$either" ] && [ "$both" -gt "$qwen" ] ||
	tt_fail "--search 'qwen|deepseek' gave $both rows, expected $either"
tt_start terms 120 30 --snapshot "$SNAP"
tt_wait_re "/3000 *$"
tt_keys '\'
tt_type "qwen|deepseek"
tt_keys Enter
tt_wait "--search 'qwen|deepseek'"
tt_wait_re " 1/$both *$"
tt_keys Q
tt_wait_exit
echo "ok several terms"

# ---- Task, library and licence pickers: shares and counts as the
# country picker's, typing finds (with '-'), Enter takes the entry.
tt_start terms2 100 30 --snapshot "$SNAP"
tt_wait_re "/3000 *$"
tt_keys t
tt_wait_re "Tasks \(pipeline tags\): 0 of [0-9]+ chosen"
tt_wait_re "\[ \] +text-generation +[0-9.]+% +[0-9]+"
tt_type "text-cl"
tt_keys Enter
tt_wait "--task text-classification"
want=$("$TT_HUBTOP" export models --snapshot "$SNAP" --task text-classification --format csv | awk 'END { print NR - 1 }')
tt_wait_re " 1/$want *$"
tt_keys l
tt_wait_re "Licences: 0 of [0-9]+ chosen"
tt_type "apache"
tt_keys Space Enter
tt_wait "--license apache-2.0"
tt_keys t
tt_wait_re "Tasks \(pipeline tags\): 1 of [0-9]+ chosen"
tt_keys - Enter
tt_wait_gone "--task"
tt_keys L
tt_wait_re "Libraries: 0 of [0-9]+ chosen"
tt_keys Escape
tt_wait_gone "Libraries:"
tt_keys Q
tt_wait_exit
echo "ok task, library, licence pickers"

# ---- On Orgs and Regions the text filter matches the rows' names too: an
# organisation's display name (Qwen is "Qwen (Alibaba Cloud)"), a
# country's name or code ("japan|kr"), as the export of those panes does;
# the item lists keep to the ids.  A row found by its name drills down to
# all of its items.
[ "$("$TT_HUBTOP" export models --snapshot "$SNAP" --search alibaba --format csv | wc -l)" = 1 ] ||
	tt_fail "the models' ids hold 'alibaba': the test needs a name only"
"$TT_HUBTOP" export orgs --snapshot "$SNAP" --search alibaba --format tsv >"$TT_TMP/names-orgs.tsv" ||
	tt_fail "export orgs --search alibaba failed"
grep -q "^1	Qwen	Qwen (Alibaba Cloud)	" "$TT_TMP/names-orgs.tsv" ||
	tt_fail "export orgs --search alibaba: $(head -2 "$TT_TMP/names-orgs.tsv")"
tt_start names 120 30 --snapshot "$SNAP"
tt_wait_re "/3000 *$"
tt_keys 4
tt_wait "Downloads▼"
tt_keys '\'
tt_wait "Filter:"
tt_type "alibaba"
tt_keys Enter
tt_wait "--search alibaba"
tt_wait_re "^ +1 Qwen +Qwen \(Alibaba Cloud\) +CN "
# The rows are the export's.
awk -F '\t' 'NR > 1 { print $2 }' "$TT_TMP/names-orgs.tsv" >"$TT_TMP/names-want"
tt_screen | awk 'NR >= 5 && $1 ~ /^[0-9]+$/ { print $2 }' | head -"$(wc -l <"$TT_TMP/names-want")" >"$TT_TMP/names-have"
cmp -s "$TT_TMP/names-want" "$TT_TMP/names-have" ||
	tt_fail "orgs by name: screen $(tr '\n' ' ' <"$TT_TMP/names-have"), export $(tr '\n' ' ' <"$TT_TMP/names-want")"
tt_keys Home Enter
tt_wait "Accounts of Qwen"
tt_wait "--org Qwen"
tt_expect_not "--search"
tt_keys BSpace
tt_wait "--search alibaba"
tt_keys 3
tt_wait_re "^China +CN "
tt_keys '\'
tt_wait "Filter:"
tt_keys C-u
tt_type "japan|kr"
tt_keys Enter
tt_wait "--search 'japan|kr'"
"$TT_HUBTOP" export countries --snapshot "$SNAP" --search 'japan|kr' --format tsv >"$TT_TMP/names-c.tsv"
jp=$(awk -F '\t' '$2 == "JP" { print $5 }' "$TT_TMP/names-c.tsv")
kr=$(awk -F '\t' '$2 == "KR" { print $5 }' "$TT_TMP/names-c.tsv")
all=$("$TT_HUBTOP" export countries --snapshot "$SNAP" --format tsv | awk -F '\t' '$2 == "JP" { print $5 }')
[ -n "$jp" ] && [ "$jp" = "$all" ] || tt_fail "--search japan: $jp of Japan's $all models"
tt_wait_re "^Japan +JP +$jp "
tt_wait_re "^South Korea +KR +$kr "
tt_keys Q
tt_wait_exit
echo "ok the text filter matches names on Orgs and Regions"

# ---- Moving the selection on Orgs and Regions keeps the ranking: it is
# made once when the pane opens, not again for each key (the trace's
# "open" lines).
TT_ENV="HUBTOP_TRACE='$TT_TMP/trace-sel'" tt_start selmove 120 30 --snapshot "$SNAP"
tt_wait "/3000"
for pane in 4 3; do
	tt_keys "$pane"
	tt_wait_re "Downloads▼"
	tt_keys j j j
	# Polls (bounded) until the three keys are in the trace, each drawn.
	i=0
	while [ $i -lt 200 ]; do
		n=$(awk '$1 == "key" && $3 == 106 { k++ } $1 == "draw" && k { d = k } END { print d + 0 }' "$TT_TMP/trace-sel")
		[ "$n" -ge 3 ] && break
		sleep 0.05
		i=$((i + 1))
	done
	[ "$n" -ge 3 ] || tt_fail "pane $pane: the keys j j j were not drawn"
	opens=$(awk -v p="$pane" '$1 == "key" && $3 == 48 + p { on = 1; n = 0 } on && $1 == "open" { n++ } END { print n + 0 }' "$TT_TMP/trace-sel")
	[ "$opens" = 1 ] || tt_fail "pane $pane: the ranking was made $opens times for one opening and three moves"
	: >"$TT_TMP/trace-sel"
done
tt_keys Q
tt_wait_exit
echo "ok moving the selection does not make the ranking again"
