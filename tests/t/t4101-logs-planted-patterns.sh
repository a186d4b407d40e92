#!/bin/sh
# Generated Exchange and IIS logs: every planted pattern is reported, nothing else, also gzipped.
set -u
: "${TOOLS:?TOOLS must point to build/tools}" "${TOP:?TOP must be the repo root}"

echo "1..4"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t4101.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
inst='C:\Program Files\Microsoft\Exchange Server\V15\'
shell=/aspnet_client/system_web/kA9xQ2mZ.aspx

if "$TOOLS/mklogs" "$tmp/fx" && [ -s "$tmp/fx/expected.tsv" ]; then
	echo "ok 1 - mklogs wrote the fixture logs"
else
	echo "not ok 1 - mklogs wrote the fixture logs"
fi

# run DIR: prints "relpath<TAB>line<TAB>check" for every finding, sorted.
run() {
	(cd "$1" && find . -type f \( -name '*.[lL][oO][gG]' -o -name '*.gz' \) |
	    sort | xargs "$TOOLS/logscan-run" -r "$TOP/rules" -v -i "$inst" \
	    -u "$shell") >"$tmp/run.out" 2>&1
	awk '$1 == "hit" { p = $2; sub(/^\.\//, "", p); sub(/\.gz$/, "", p);
	    split($4, a, "="); print p "\t" a[2] "\t" $3 }' "$tmp/run.out" |
	    sort
}

sort "$tmp/fx/expected.tsv" >"$tmp/expected"
run "$tmp/fx" >"$tmp/got"
if cmp -s "$tmp/expected" "$tmp/got"; then
	echo "ok 2 - findings equal the planted list ($(wc -l <"$tmp/expected") hits)"
else
	echo "not ok 2 - findings equal the planted list"
	diff "$tmp/expected" "$tmp/got" | sed 's/^/# /'
fi
if grep -q '^coverage iis files=1 lines=139 bad=0 first=2021-03-03T05:00:00' "$tmp/run.out" &&
    [ "$(grep -c '^coverage ' "$tmp/run.out")" -eq 5 ]; then
	echo "ok 3 - coverage lists the five families with their time span"
else
	echo "not ok 3 - coverage lists the five families with their time span"
	grep '^coverage' "$tmp/run.out" | sed 's/^/# /'
fi

find "$tmp/fx" -type f -name '*.[lL][oO][gG]' -exec gzip -n {} +
run "$tmp/fx" >"$tmp/got.gz"
if cmp -s "$tmp/expected" "$tmp/got.gz"; then
	echo "ok 4 - the same findings come out of gzipped logs"
else
	echo "not ok 4 - the same findings come out of gzipped logs"
	diff "$tmp/expected" "$tmp/got.gz" | sed 's/^/# /'
fi
