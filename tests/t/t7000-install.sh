#!/bin/sh
# An installed exhume works from its installed paths alone: `make install
# DESTDIR=root` (or, with EXHUME_DEB=path, the Debian package unpacked
# with dpkg-deb -x, as `make deb` runs this script) puts the binary, the
# man page, the rules and the German catalog under PREFIX; the installed
# binary, with no EXHUME_RULES_DIR and nothing of the build tree, triages
# the demo disk with the same findings as the build tree's binary and
# writes a German report; copied away from its data it refuses to scan,
# naming the compiled-in PREFIX/share/exhume/rules, and the advice it gives
# (EXHUME_RULES_DIR) works.
# What this proves without root: the install layout, the lookup next to the
# binary and the compiled-in path (named in the refusal).  `make deb` and
# the README's "Install" section cover dpkg-buildpackage, lintian and apt.
. "$TOP/tests/lib/tap.sh"
IMAGES=""
unset EXHUME_RULES_DIR EXHUME_LOCALE_DIR
R="$TMP/root"

if [ -n "${EXHUME_DEB:-}" ]; then
	dpkg-deb -x "$EXHUME_DEB" "$R" >"$TMP/install.log" 2>&1
	ok $? "the package unpacks: $(basename "$EXHUME_DEB")"
else
	make --no-print-directory -C "$TOP" install DESTDIR="$R" \
	    >"$TMP/install.log" 2>&1
	ok $? "make install DESTDIR=root succeeds"
fi
BIN=$(find "$R" -path '*/bin/exhume' -type f | head -n 1)
PFX=${BIN%/bin/exhume}
[ -n "$BIN" ] && [ -x "$BIN" ] && [ -d "$PFX" ]
ok $? "the binary is installed as PREFIX/bin/exhume (${PFX#"$R"})"
for f in share/man/man8/exhume.8 share/exhume/rules/scope.txt \
    share/exhume/rules/exchange-builds.tsv share/exhume/rules/logs/checks.tsv \
    share/exhume/rules/events/checks.tsv share/locale/de/LC_MESSAGES/exhume.mo; do
	[ -f "$PFX/$f" ] || [ -f "$PFX/$f.gz" ] || { diag "missing: $f"; false; }
done
ok $? "man page, rules, data tables and the German catalog are under PREFIX/share"
n_src=$(find "$TOP/rules/yara" -name '*.yar' | wc -l)
n_inst=$(find "$PFX/share/exhume/rules/yara" -name '*.yar' | wc -l)
[ "$n_inst" -eq "$n_src" ] && [ "$n_src" -gt 0 ]
ok $? "every shipped YARA file is installed ($n_inst)"
[ ! -e "$PFX/share/exhume/rules/tools" ]
ok $? "the maintainers' table generator (rules/tools) is not installed"

# The demo disk, built and triaged by the installed binary (demo.sh runs
# the scan, the bundle and verify with EXHUME).
D="$TMP/demo"
DEMO_DIR="$D" EXHUME="$BIN" TOOLS="$TOOLS" sh "$TOP/tests/lib/demo.sh" \
    >"$TMP/demo.out" 2>&1
ok $? "make demo's script runs to the end with the installed binary"
grep -q 'scan exit status 1' "$TMP/demo.out" &&
    grep -q '^verified: ' "$TMP/demo.out"
ok $? "its scan exits 1 (findings) and its bundle verifies"
grep -qF "rules: $PFX/share/exhume/rules/yara/" "$D/scan.err"
ok $? "the rules came from PREFIX/share/exhume/rules"
grep -q '^rules: .*/tests/\|^rules: '"$TOP/rules" "$D/scan.err"
[ $? -ne 0 ]; ok $? "and nothing from the build tree"

"$EXHUME_REL" scan "$D/demo.img" --out "$TMP/tree" --quiet \
    >/dev/null 2>"$TMP/tree.err"
cmp -s "$D/out/findings.jsonl" "$TMP/tree/findings.jsonl"
ok $? "the installed binary's findings equal the build tree's ($(wc -l <"$TMP/tree/findings.jsonl") lines)"
grep -q '"level":"alert"' "$D/out/findings.jsonl"
ok $? "and they hold alerts (the planted shells)"

"$BIN" scan "$D/demo.img" --out "$TMP/de" --lang de --quiet >/dev/null 2>&1
[ $? -eq 1 ] && grep -q '^Untersuchungsprotokoll' "$TMP/de/report.txt"
ok $? "--lang de: the report is German, from the installed catalog"

# Copied away from its data, the binary has only the compiled-in paths.
mkdir -p "$TMP/away/bin"
cp "$BIN" "$TMP/away/bin/exhume"
run_away() { "$TMP/away/bin/exhume" "$@" >"$TMP/out" 2>"$TMP/err"; RC=$?; }
run_away scan "$D/demo.img" --quiet
[ "$RC" -eq 2 ] && grep -q 'nothing was opened' "$TMP/err"
ok $? "without its rules the scan refuses (exit 2) before opening anything"
grep -qF "no scope.txt in ${PFX#"$R"}/share/exhume/rules" "$TMP/err"
ok $? "the refusal names the compiled-in ${PFX#"$R"}/share/exhume/rules"
grep -q 'set EXHUME_RULES_DIR' "$TMP/err"
ok $? "and advises EXHUME_RULES_DIR"
sed 's/^/# /' "$TMP/err"
EXHUME_RULES_DIR="$PFX/share/exhume/rules" run_away scan "$D/demo.img" \
    --out "$TMP/advised" --quiet
[ "$RC" -eq 1 ] &&
    cmp -s "$TMP/advised/findings.jsonl" "$TMP/tree/findings.jsonl"
ok $? "following the advice gives the same findings"
EXHUME_RULES_DIR="$PFX/share/exhume" run_away scan "$D/demo.img" --quiet
[ "$RC" -eq 2 ] && grep -q 'EXHUME_RULES_DIR=.*: not exhume.s rules directory' "$TMP/err"
ok $? "an EXHUME_RULES_DIR without scope.txt is refused by name"
run_away scan "$D/demo.img" --no-default-rules --rules "$TOP/rules/yara" \
    --iocs "$TOP/rules/iocs" --quiet
[ "$RC" -eq 2 ] && grep -q 'no scope.txt in' "$TMP/err"
ok $? "--no-default-rules does not stand in for the data tables: same refusal"

if [ -z "${EXHUME_DEB:-}" ]; then
	make --no-print-directory -C "$TOP" uninstall DESTDIR="$R" \
	    >"$TMP/uninstall.log" 2>&1
	[ -z "$(find "$R" -type f)" ]
	ok $? "make uninstall DESTDIR=root removes every installed file"
fi
done_testing
