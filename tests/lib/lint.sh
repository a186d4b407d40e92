#!/bin/sh
# make lint: layering, banned calls, write flags, man page.
cd "$(dirname "$0")/../.." || exit 2
status=0
fail() { echo "lint: $*"; status=1; }

layer() {
	case $1 in
	core) echo 0 ;; findings) echo 1 ;; source) echo 2 ;; volume) echo 3 ;;
	rules|hive|scan|logscan|events) echo 4 ;; report|bundle) echo 5 ;;
	triage) echo 6 ;; tui|cli) echo 7 ;; *) echo 9 ;;
	esac
}

# 1. Includes point only down the layer table (same layer allowed).
for f in src/*/*.c src/*/*.h include/exhume/*.h; do
	[ -e "$f" ] || continue
	case $f in
	include/*) m=$(basename "$f" .h) ;;
	*) m=$(echo "$f" | cut -d/ -f2) ;;
	esac
	me=$(layer "$m")
	for inc in $(sed -n 's/^#include "exhume\/\([a-z]*\)\.h"/\1/p' "$f"); do
		[ "$(layer "$inc")" -le "$me" ] ||
		    fail "$f ($m, layer $me) includes exhume/$inc.h (layer $(layer "$inc"))"
	done
	for inc in $(sed -n 's/^#include "\(\.\.\/\)*\([a-z]*\)\/\([a-z]*\)_int\.h"/\2/p' "$f"); do
		[ "$inc" = "$m" ] || fail "$f includes another module's private header"
	done
done

# 2. Calls we do not use.
banned='\b(sprintf|vsprintf|strcpy|strcat|strncpy|gets|strtok|atoi|atol|system|popen|tmpnam)[[:space:]]*\('
hits=$(grep -nE "$banned" src/*/*.c src/*/*.h 2>/dev/null | grep -vE '(snprintf|vsnprintf)\(' )
[ -n "$hits" ] && fail "banned calls:
$hits"

# 3. Write flags only where writing is the job.
hits=$(grep -nE 'O_WRONLY|O_RDWR|O_CREAT|fopen\([^)]*"[wa]' src/*/*.c 2>/dev/null |
    grep -vE '^src/(bundle|report|cli|tui)/')
[ -n "$hits" ] && fail "write flags outside bundle/report/cli/tui:
$hits"

# 4. The man page.
if command -v mandoc >/dev/null 2>&1; then
	out=$(mandoc -Tlint -W warning src/cli/exhume.8 2>&1) ||
	    fail "mandoc: $out"
else
	fail "mandoc not installed (make deps)"
fi
[ $status -eq 0 ] && echo "lint: ok"
exit $status
