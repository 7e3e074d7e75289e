#!/bin/sh
# bootstrap.sh - install what is missing, build, then run hubtop or its tests.
#
#   ./bootstrap.sh run [HUBTOP ARGS...]   build and start the explorer
#   ./bootstrap.sh check                  build and run the whole test suite:
#                                         unit, integration, TUI, sanitizers, fuzzing, distcheck
#
# The build lives in ./build (out of tree); nothing is installed but Debian packages.
set -eu

cd "$(dirname "$0")"
mode=${1:-run}
[ $# -gt 0 ] && shift

packages="build-essential autoconf automake pkg-config libncurses-dev libcurl4-openssl-dev
libcjson-dev libcmocka-dev tmux clang libclang-rt-14-dev"

missing=""
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ] || [ "${CI:-}" = true ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "bootstrap.sh: missing packages:$missing" >&2
		echo "Install them as root: apt-get install$missing" >&2
		exit 1
	fi
	echo "bootstrap.sh: installing:${missing:- (checking)}" >&2
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq </dev/null
	# shellcheck disable=SC2086
	apt-get install -y -qq $packages </dev/null >/dev/null
fi

if [ ! -x configure ] || [ configure.ac -nt configure ] || [ Makefile.am -nt Makefile.in ]; then
	autoreconf -fi >/dev/null
fi
mkdir -p build
cd build
if [ ! -f Makefile ]; then
	../configure --enable-werror >/dev/null
fi
jobs=$(nproc 2>/dev/null || echo 2)
make -s -j"$jobs" >/dev/null

case "$mode" in
run)
	exec ./hubtop "$@"
	;;
check)
	status=0
	make -j"$jobs" check || status=1
	summary=$(cat test-suite.log 2>/dev/null | sed -n 's/^# \(PASS\|FAIL\|SKIP\|XFAIL\|ERROR\): *\([0-9]*\)/\1 \2/p')
	if [ "$status" = 0 ]; then
		make -j"$jobs" check-asan || status=1
	fi
	if [ "$status" = 0 ]; then
		make fuzz-run || status=1
	fi
	if [ "$status" = 0 ]; then
		make -j"$jobs" distcheck DISTCHECK_CONFIGURE_FLAGS=--enable-werror >distcheck.log 2>&1 || {
			tail -40 distcheck.log; status=1; }
	fi
	pass=$(echo "$summary" | awk '$1=="PASS"{print $2}')
	fail=$(echo "$summary" | awk '$1=="FAIL"||$1=="ERROR"{s+=$2} END{print s+0}')
	skip=$(echo "$summary" | awk '$1=="SKIP"{print $2}')
	[ "$status" = 0 ] || [ "$fail" -gt 0 ] || fail=1
	echo "tests: ${pass:-0} passed, ${fail} failed, ${skip:-0} skipped"
	exit "$status"
	;;
*)
	echo "usage: ./bootstrap.sh run|check" >&2
	exit 2
	;;
esac
