#!/bin/sh
# The command line is honest: each command's --help is its usage on stdout
# (exit 0); a bad option value names the option and what is accepted (exit
# 2); a message names its object once; --out never mixes two runs'
# documents without --force; with --lang de or LANG=de the usage errors
# and verify's result lines are German.
. "$TOP/tests/lib/tap.sh"
IMAGES=""

for c in sources files scan profile auto verify tui; do
	run "$c" --help
	[ "$RC" -eq 0 ] && grep -q "^usage: exhume $c" "$TMP/out" && [ ! -s "$TMP/err" ] ||
	    { diag "$c --help: exit $RC"; false; }
done
ok $? "every command's --help prints its own usage on stdout and exits 0"
run scan --help
grep -q -- '--out DIR \[--force\]' "$TMP/out"
ok $? "scan --help shows --force beside --out"

# bad VALUE-ARGS... EXPECTED-MESSAGE: exit 2, the message, the --help hint.
bad() {
	want=$1; shift
	run "$@"
	[ "$RC" -eq 2 ] && grep -qxF "exhume: $want" "$TMP/err" &&
	    grep -q "^exhume: see: exhume $1 --help" "$TMP/err" ||
	    { diag "exhume $*: exit $RC:"; sed 's/^/# /' "$TMP/err"; false; }
}
bad '--threads: 0 is not a thread count (1-64)' scan x.img --threads 0
ok $? "--threads 0 names the option and the range 1-64"
bad '--threads: 65 is not a thread count (1-64)' scan x.img --threads 65
ok $? "--threads 65 too"
bad '--lang: fr is not a language (de, en)' scan x.img --lang fr
ok $? "--lang fr names the languages"
bad '--volume: x is not a volume number (1-1000)' scan x.img --volume x
ok $? "--volume x"
bad '--format: xml is not an output format (text, jsonl)' scan x.img --format xml
ok $? "--format xml"
bad '--progress: fast is not a progress mode (live, lines, none)' scan x.img --progress fast
ok $? "--progress fast"
bad '--max-size: -1 is not a size in bytes (1 or more)' scan x.img --max-size -1
ok $? "--max-size -1"
bad '--max-size: 0 is not a size in bytes (1 or more)' files x.img --jsonl --max-size 0
ok $? "files --max-size 0"
bad '--frob: not an option of exhume scan' scan x.img --frob
ok $? "an unknown option is named"
bad '--threads: needs a value' scan x.img --threads
ok $? "a missing value is named"
bad 'no SOURCE given' scan --threads 2
ok $? "scan without a source says so"
bad '--force needs --out' scan x.img --force
ok $? "--force without --out"
run frobnicate
[ "$RC" -eq 2 ] && grep -q '^exhume: frobnicate: not an exhume command' "$TMP/err"
ok $? "an unknown command is named (exit 2)"

# One object prefix per message.
run verify "$TMP/missing.zip"
[ "$RC" -eq 2 ] && [ "$(grep -o "$TMP/missing.zip" "$TMP/err" | wc -l)" -eq 1 ]
ok $? "a missing bundle is named once (exit 2)"

# --out: a non-empty directory is refused before the scan, --force overrides.
mkimage "$TOP/tests/fixtures/exchange-basic.spec" "$TMP/ex.img" ||
    ok 1 "fixture builds"
IMAGES="$TMP/ex.img"
mkdir -p "$TMP/res"
echo 'an earlier run' >"$TMP/res/summary.txt"
run scan "$TMP/ex.img" --out "$TMP/res" --quiet
[ "$RC" -eq 2 ] && grep -q "res: --out: the directory is not empty" "$TMP/err" &&
    grep -q 'add --force' "$TMP/err" && grep -qx 'an earlier run' "$TMP/res/summary.txt"
ok $? "--out into a directory with files is refused (exit 2) and the old documents stay"
! grep -q '^rules:' "$TMP/err"
ok $? "and refused before the rules were loaded or the image opened"
run scan "$TMP/ex.img" --out "$TMP/res" --force --quiet --no-logs --no-history
[ "$RC" -eq 1 ] && ! grep -qx 'an earlier run' "$TMP/res/summary.txt"
ok $? "with --force the documents are overwritten (exit 1: findings)"
mkdir -p "$TMP/empty"
run scan "$TMP/ex.img" --out "$TMP/empty" --quiet --no-logs --no-history
[ "$RC" -eq 1 ] && [ -s "$TMP/empty/findings.jsonl" ]
ok $? "an existing empty directory is taken"

# German.
run scan x.img --threads 0 --lang de
grep -qxF 'exhume: --threads: 0 ist keine Thread-Anzahl (1-64)' "$TMP/err"
ok $? "--lang de: the usage error is German"
(LANG=de_DE.UTF-8; export LANG; run scan x.img --lang fr)
grep -qxF 'exhume: --lang: fr ist keine Sprache (de, en)' "$TMP/err"
ok $? "LANG=de: German even when --lang itself is wrong"
(LANGUAGE=de; export LANGUAGE; run scan --help)
grep -q '^Aufruf: exhume scan' "$TMP/out"
ok $? "LANGUAGE=de: --help says Aufruf"
done_testing
