#!/bin/sh
# make lint: layering, banned calls, write flags, man page.
cd "$(dirname "$0")/../.." || exit 2
status=0
fail() { echo "lint: $*"; status=1; }

# The layer table is README.md's (between the "layers" markers): one row per
# module with its layer and the same-layer modules it may include.
table=$(sed -n '/<!-- layers: begin -->/,/<!-- layers: end -->/p' README.md |
    awk -F'|' 'NF > 4 && $2 ~ /[0-9]/ {
	gsub(/ /, "", $2); gsub(/ /, "", $3); gsub(/ /, "", $5); print $3, $2, $5 }')
[ -n "$table" ] || { echo "lint: README.md has no layer table"; exit 1; }
layer() {
	l=$(printf '%s\n' "$table" | awk -v m="$1" '$1 == m { print $2 }')
	echo "${l:-99}"
}
# may_include ME OTHER: true when OTHER is a lower layer than ME, ME itself,
# or a same-layer module ME's row names.
may_include() {
	[ "$1" = "$2" ] && return 0
	a=$(layer "$1"); b=$(layer "$2")
	[ "$b" -lt "$a" ] && return 0
	[ "$b" -eq "$a" ] || return 1
	printf '%s\n' "$table" | awk -v m="$1" -v o="$2" '
	    $1 == m { n = split($3, s, ","); for (i = 1; i <= n; i++) if (s[i] == o) f = 1 }
	    END { exit !f }'
}

# 1. Includes point only down the layer table (same layer allowed).
for f in src/*/*.c src/*/*.h include/exhume/*.h; do
	[ -e "$f" ] || continue
	case $f in
	include/*) m=$(basename "$f" .h) ;;
	*) m=$(echo "$f" | cut -d/ -f2) ;;
	esac
	me=$(layer "$m")
	[ "$me" = 99 ] && fail "$f: module $m is not in README.md's layer table"
	for inc in $(sed -n 's/^#include "exhume\/\([a-z]*\)\.h"/\1/p' "$f"); do
		may_include "$m" "$inc" ||
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
