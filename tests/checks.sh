# checks.sh - the assertions of the command-line tests, sourced after $T
# (the test's scratch folder) is set: run keeps a command's output in
# $T/out and $T/err and checks its exit status; has and hasnt look for a
# pattern in a file; ok and bad count what passed and what failed.
pass=0; fail=0
ok()   { pass=$((pass + 1)); }
bad()  { fail=$((fail + 1)); echo "FAIL: $*"; }
# run EXPECTED_STATUS CMD...
run() {
	want=$1; shift
	"$@" >"$T/out" 2>"$T/err"; got=$?
	if [ "$got" != "$want" ]; then
		bad "'$*' exited $got, expected $want"; sed 's/^/  | /' "$T/err" | head -5; return 1
	fi
	return 0
}
has() { grep -q -- "$2" "$1" || { bad "$1 lacks '$2'"; sed 's/^/  | /' "$1" | head -8; return 1; }; ok; }
hasnt() { if grep -q -- "$2" "$1"; then bad "$1 has '$2'"; else ok; fi; }
