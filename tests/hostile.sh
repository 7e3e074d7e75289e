#!/bin/sh
# hostile.sh - hostile text and secrets through the real binary.
#
# Items whose ids and fields carry escape sequences, C1 controls,
# bidirectional overrides, invalid UTF-8 and spreadsheet formulas are
# imported; exports (csv, tsv, jsonl) and reports must hold no control byte
# but the line ends and tabs of their format, and no formula a spreadsheet
# would run.  Then: TLS verification is never turned off in the sources, and
# a token file readable by others gets a warning while the token itself
# reaches no output and no file.
set -u
: "${HUBTOP:?}" "${HUBTOP_SRCDIR:?}"
[ -x "$HUBTOP" ] || { echo "SKIP: $HUBTOP is not built"; exit 77; }
T=${HUBTOP_TEST_TMP:-/tmp}/hostile.$$
rm -rf "$T"; mkdir -p "$T"
HUB_PID=
cleanup() {
	[ -n "$HUB_PID" ] && kill "$HUB_PID" 2>/dev/null
	rm -rf "$T"
}
trap cleanup EXIT
export HUBTOP_CACHE_DIR="$T/cache" XDG_CONFIG_HOME="$T/config" LC_ALL=C
unset HF_TOKEN HUGGING_FACE_HUB_TOKEN HF_TOKEN_PATH HF_HOME HF_ENDPOINT
export HOME="$T/home"
pass=0; fail=0
ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); echo "FAIL: $*"; }

ESC=$(printf '\033')
# Byte classes (C locale): C0 controls but TAB LF CR, DEL; C1 controls as
# UTF-8 (C2 80..C2 9F); bidirectional overrides and isolates and line
# separators (E2 80 A8..AE, E2 81 A6..A9).
C0=$(printf '[\001-\010\013\014\016-\037\177]')
C1=$(printf '\302[\200-\237]')
BIDI=$(printf '\342\200[\250-\256]\\|\342\201[\246-\251]')

# clean FILE WHAT [ALLOWED]: no control byte but those the format uses.
# ALLOWED lists what is fine besides LF: "tab", "cr", "tab cr".
clean() {
	f=$1 what=$2 allowed=${3:-}
	n=$(tr -d '\n' <"$f" | grep -c "$C0")
	case $allowed in *tab*) n=$(tr -d '\n\t' <"$f" | grep -c "$C0") ;; esac
	case $allowed in
	*tab*cr*|*cr*tab*) n=$(tr -d '\n\t\r' <"$f" | grep -c "$C0") ;;
	*cr*) n=$(tr -d '\n\r' <"$f" | grep -c "$C0") ;;
	esac
	[ "$n" -eq 0 ] || { bad "$what: control byte in the output"; od -c "$f" | grep -m3 '\\0[0-3][0-7]\|033\|177'; return; }
	grep -q "$C1" "$f" && { bad "$what: C1 control in the output"; return; }
	grep -q "$BIDI" "$f" && { bad "$what: bidirectional override in the output"; return; }
	ok
}

# ---- hostile items -------------------------------------------------------
# ids the Hub could never produce, fields with controls, formulas, bad UTF-8.
{
	printf '{"id":"evil/\\u001b[2Jclear","downloads":5}\n'
	printf '{"id":"evil/\\u009b31mred","downloads":5}\n'
	printf '{"id":"evil/\\u202eexe.txt","downloads":5}\n'
	printf '{"id":"evil/bad\377utf8","downloads":5}\n'
	printf '{"id":"=cmd|calc/x","downloads":5}\n'
	printf '{"id":"evil/formula-1","downloads":100,"pipeline_tag":"=HYPERLINK(\\"http://x\\",\\"y\\")","library_name":"+cmd|'"'"' /C calc'"'"'!A0","tags":["license:@SUM(1+1)","base_model:finetune:evil/\\u001b]0;title\\u0007"]}\n'
	printf '{"id":"evil/formula-2","author":"\\u202eevil","downloads":99,"pipeline_tag":"-2+3","library_name":"\\t=1","tags":["license:\\r=2"]}\n'
	printf '{"id":"evil/controls","downloads":98,"pipeline_tag":"\\u001b[31mred","library_name":"\\u009b1m","tags":["license:a\\u202eb"]}\n'
	printf '{"id":"evil/bidi","downloads":97,"pipeline_tag":"a\\u2066b","library_name":"x\\u2028y"}\n'
	printf '{"id":"evil/badutf8","downloads":96,"pipeline_tag":"\303\050","library_name":"\355\240\200","tags":["license:\340\200\200"]}\n'
	printf '{"id":"evil/ok","downloads":95,"pipeline_tag":"text-generation","library_name":"transformers","tags":["license:apache-2.0"]}\n'
} >"$T/hostile.jsonl"
{
	printf '{"id":"evil/data-1","downloads":9,"tags":["task_categories:=1+1","language:\\u001b[1men","language:fr"]}\n'
	printf '{"id":"evil/\\u001bdata","downloads":9}\n'
} >"$T/hostile-ds.jsonl"

"$HUBTOP" import "$T/hostile.jsonl" --datasets "$T/hostile-ds.jsonl" -o "$T/h.hts" >"$T/out" 2>"$T/err"
rc=$?
[ "$rc" = 0 ] && ok || { bad "import of hostile items exited $rc"; cat "$T/err"; }
grep -q "5 refused for their id" "$T/err" && ok || bad "ids the Hub could never produce: no warning at import"
grep -q "6 models imported" "$T/err" && ok || { bad "expected the 6 models with valid ids"; cat "$T/err"; }
clean "$T/err" "import messages"

"$HUBTOP" export models --snapshot "$T/h.hts" --format csv >"$T/h.csv" 2>"$T/err" && ok ||
	bad "export csv failed: $(cat "$T/err")"
clean "$T/h.csv" "export csv" cr
# Every line ends CRLF; no CR or TAB elsewhere.
[ "$(grep -c "$(printf '\r')\$" "$T/h.csv")" -eq "$(wc -l <"$T/h.csv")" ] && ok || bad "csv: a line without CRLF"
[ "$(tr -cd '\r' <"$T/h.csv" | wc -c)" -eq "$(wc -l <"$T/h.csv")" ] && ok || bad "csv: a CR inside a cell"
grep -q "$(printf '\t')" "$T/h.csv" && bad "csv: a raw TAB in a cell" || ok
# Formula cells: the single quote in front, nothing starting with = + - @.
grep -q "'=HYPERLINK" "$T/h.csv" && ok || bad "csv: formula cell not neutralised"
grep -q "'+cmd" "$T/h.csv" && ok || bad "csv: +cmd cell not neutralised"
grep -q "'@SUM" "$T/h.csv" && ok || bad "csv: @SUM cell not neutralised"
grep -q "'-2+3" "$T/h.csv" && ok || bad "csv: -2+3 cell not neutralised"
if grep -E '(^|,)"?[=+@-]' "$T/h.csv" >/dev/null; then
	bad "csv: a cell a spreadsheet would evaluate"; grep -E '(^|,)"?[=+@-]' "$T/h.csv"
else ok; fi
grep -q "evil/ok" "$T/h.csv" && ok || bad "csv: the harmless item is missing"

"$HUBTOP" export models --snapshot "$T/h.hts" --format tsv >"$T/h.tsv" 2>"$T/err" && ok ||
	bad "export tsv failed: $(cat "$T/err")"
clean "$T/h.tsv" "export tsv" tab
if awk -F'\t' '{for (i = 1; i <= NF; i++) if ($i ~ /^[=+@-]/) { print; exit 1 }}' "$T/h.tsv"; then ok
else bad "tsv: a cell a spreadsheet would evaluate"; fi
fields=$(awk -F'\t' '{print NF}' "$T/h.tsv" | sort -u | wc -l)
[ "$fields" -eq 1 ] && ok || bad "tsv: rows with different numbers of columns (a TAB inside a cell)"

"$HUBTOP" export models --snapshot "$T/h.hts" --format jsonl >"$T/h.jsonl" 2>"$T/err" && ok ||
	bad "export jsonl failed: $(cat "$T/err")"
clean "$T/h.jsonl" "export jsonl"
"$HUBTOP" export datasets --snapshot "$T/h.hts" --format csv >"$T/hd.csv" 2>"$T/err" && ok ||
	bad "export datasets failed: $(cat "$T/err")"
clean "$T/hd.csv" "export datasets csv" cr
grep -q "evil/data-1" "$T/hd.csv" && ok || bad "datasets csv: the valid dataset is missing"

for pane in orgs countries tasks libraries; do
	"$HUBTOP" export "$pane" --snapshot "$T/h.hts" --format csv >"$T/p.csv" 2>"$T/err" ||
		{ bad "export $pane failed: $(cat "$T/err")"; continue; }
	clean "$T/p.csv" "export $pane csv" cr
	if grep -E '(^|,)"?[=+@-]' "$T/p.csv" >/dev/null; then
		bad "export $pane: a cell a spreadsheet would evaluate"; else ok; fi
done

"$HUBTOP" report --snapshot "$T/h.hts" >"$T/r.txt" 2>"$T/err" && ok || bad "report failed: $(cat "$T/err")"
clean "$T/r.txt" "report text"
"$HUBTOP" report --snapshot "$T/h.hts" --format json >"$T/r.json" 2>"$T/err" && ok ||
	bad "report json failed: $(cat "$T/err")"
clean "$T/r.json" "report json" tab

# A snapshot's header text (its endpoint) from a file name with escapes.
name="$T/x$(printf '\033[31mred\033]0;pwn\007\302\233').jsonl"
cp "$T/hostile.jsonl" "$name"
"$HUBTOP" import "$name" -o "$T/e.hts" >/dev/null 2>&1
"$HUBTOP" info --snapshot "$T/e.hts" >"$T/i.txt" 2>&1 && ok || bad "info failed: $(cat "$T/i.txt")"
clean "$T/i.txt" "info of a snapshot whose endpoint held escapes"
"$HUBTOP" info --snapshot "$T/e.hts" --json >"$T/i.json" 2>&1
clean "$T/i.json" "info --json" tab
"$HUBTOP" report --snapshot "$T/e.hts" >"$T/r2.txt" 2>&1
clean "$T/r2.txt" "report of a snapshot whose endpoint held escapes"

# The organisation directory refuses lines with C0, C1 or bidirectional
# characters, naming file and line, and shows none of them.
{
	printf 'account\tname\tcountries\ttype\tsame_as\tnote\n'
	printf 'good\tGood Org\tUS\tindustry\t\t\n'
	printf 'esc\tEsc \033[31mOrg\tUS\tindustry\t\t\n'
	printf 'cone\tC1 \302\233Org\tUS\tindustry\t\t\n'
	printf 'bidi\tBidi \342\200\256Org\tUS\tindustry\t\t\n'
	printf 'iso\tIsolate \342\201\246Org\tUS\tindustry\t\t\n'
} >"$T/orgs.tsv"
"$HUBTOP" orgs check "$T/orgs.tsv" >"$T/out" 2>"$T/err"
[ $? -ne 0 ] && ok || bad "orgs check accepted hostile lines"
for l in 3 4 5 6; do
	grep -q "orgs.tsv:$l:" "$T/err" && ok || bad "orgs check did not name line $l"
done
grep -q "orgs.tsv:2:" "$T/err" && bad "orgs check refused a good line" || ok
clean "$T/err" "orgs check messages"
HUBTOP_ORGS="$T/orgs.tsv" "$HUBTOP" export orgs --snapshot "$T/h.hts" --format csv >"$T/o.csv" 2>"$T/err"
clean "$T/o.csv" "export orgs with a hostile directory" cr
clean "$T/err" "directory warnings"

# ---- TLS verification is never turned off --------------------------------
SRC="$HUBTOP_SRCDIR/src"
if grep -n -E 'CURLOPT_(PROXY_)?SSL_VERIFY(PEER|HOST|STATUS)[[:space:]]*,[[:space:]]*(0|0L|false|\(long\)[[:space:]]*0)[[:space:]]*\)' "$SRC"/*/*.c; then
	bad "a source file turns TLS verification off"
else ok; fi
# Any setting of the verify options must be a literal on value (no variable
# that an option or environment could set to 0).
if grep -n -E 'CURLOPT_(PROXY_)?SSL_VERIFY(PEER|HOST)' "$SRC"/*/*.c |
	grep -v -E 'VERIFYPEER,[[:space:]]*1L?\)|VERIFYHOST,[[:space:]]*2L?\)'; then
	bad "TLS verification set from a variable"
else ok; fi
grep -q -E 'CURLOPT_SSL_VERIFYPEER,[[:space:]]*1L?\)' "$SRC"/hub/*.c && ok || bad "hub.c does not set VERIFYPEER"
grep -q -E 'CURLOPT_SSL_VERIFYHOST,[[:space:]]*2L?\)' "$SRC"/hub/*.c && ok || bad "hub.c does not set VERIFYHOST"
if grep -n -i -E '"--?(insecure|no-verify|no-check-certificate|k)"|INSECURE|SSL_NO_VERIFY' "$SRC"/*/*.c; then
	bad "an option or variable that disables TLS checks"
else ok; fi
"$HUBTOP" fetch --help >"$T/fh" 2>&1
grep -q -- "--ca-bundle" "$T/fh" && ok || bad "fetch --help lacks --ca-bundle"
grep -q -i -E 'insecure|no-verify' "$T/fh" && bad "fetch --help offers to disable TLS checks" || ok
"$HUBTOP" fetch --insecure >"$T/fi" 2>&1
[ $? -eq 2 ] && ok || bad "fetch --insecure is not refused as an unknown option"

# ---- the token: readable file warned about, never output or stored -------
TOKEN=hf_hostileTestToken0123456789abcdef
if [ -z "${TESTHUB:-}" ] || [ ! -x "$TESTHUB" ]; then
	echo "SKIP (part): the test hub server is not built; token checks through fetch skipped"
else
	mkdir -p "$T/hfhome"
	printf '%s\n' "$TOKEN" >"$T/hfhome/token"
	chmod 644 "$T/hfhome/token"
	"$TESTHUB" --models "$HUBTOP_SRCDIR/tests/fixtures/models-small.jsonl" --require-token "$TOKEN" \
		--log "$T/hub.log" --max-seconds 60 >"$T/hub.port" 2>"$T/hub.err" &
	HUB_PID=$!
	i=0; port=
	while [ $i -lt 200 ]; do
		port=$(sed -n 's/^PORT \([0-9]*\)$/\1/p' "$T/hub.port" 2>/dev/null)
		[ -n "$port" ] && break
		kill -0 "$HUB_PID" 2>/dev/null || break
		sleep 0.05; i=$((i + 1))
	done
	if [ -z "$port" ]; then
		bad "the test hub did not start: $(cat "$T/hub.err")"
	else
		HF_HOME="$T/hfhome" "$HUBTOP" fetch --models --endpoint "http://127.0.0.1:$port" \
			--cache-dir "$T/fcache" >"$T/fout" 2>"$T/ferr"
		rc=$?
		[ "$rc" = 0 ] && ok || { bad "fetch with a token file exited $rc"; cat "$T/ferr"; }
		grep -q "can be read by other users" "$T/fout" "$T/ferr" && ok ||
			{ bad "no warning about a token file readable by others"; cat "$T/ferr"; }
		grep -q "chmod 600" "$T/fout" "$T/ferr" && ok || bad "the warning does not say how to fix it"
		if grep -r -l -F "$TOKEN" "$T/fout" "$T/ferr" "$T/fcache" 2>/dev/null; then
			bad "the token reached output or a cache file"
		else ok; fi
		"$HUBTOP" export models --snapshot "$T/fcache/snapshot.hts" --format jsonl >"$T/fx" 2>&1
		"$HUBTOP" info --snapshot "$T/fcache/snapshot.hts" --json >>"$T/fx" 2>&1
		grep -q -F "$TOKEN" "$T/fx" && bad "the token reached an export or info" || ok
		# Sent in the header, never in a URL.
		grep -q -i "authorization: Bearer $TOKEN" "$T/hub.log" && ok || bad "the token was not sent to the hub"
		if awk '{print $2}' "$T/hub.log" | grep -q -F "$TOKEN"; then
			bad "the token appeared in a request URL"
		else ok; fi
		chmod 600 "$T/hfhome/token"
		HF_HOME="$T/hfhome" "$HUBTOP" fetch --models --endpoint "http://127.0.0.1:$port" \
			--cache-dir "$T/fcache" >"$T/fout" 2>"$T/ferr"
		grep -q "can be read by other users" "$T/fout" "$T/ferr" &&
			bad "warning about a token file that only its owner can read" || ok
	fi
fi

echo "hostile: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
