#!/bin/sh
# The run's record is English in every report language: a damaged SYSTEM
# hive's error text (from the C library's errno text) in acquisition.json
# reads the same with --lang de as with --lang en, while the German
# report is German.
. "$TOP/tests/lib/tap.sh"

d="$TMP/h"
mkdir -p "$d" &&
{ printf 'regf'; head -c 8188 /dev/zero | tr '\0' 'x'; } >"$d/SYSTEM" &&
printf '%s\n' 'disk gpt size=32M' 'part ntfs start=2048 size=24M label=SYSTEM' \
    'file \Windows\System32\config\SYSTEM from:SYSTEM' >"$d/h.spec" &&
(cd "$d" && mkimage h.spec "$TMP/h.img")
ok $? "a volume whose SYSTEM hive is damaged"
IMAGES="$TMP/h.img"
run scan "$TMP/h.img" --out "$TMP/en" --quiet
run scan "$TMP/h.img" --out "$TMP/de" --lang de --quiet
grep -q 'SYSTEM hive: corrupt: [A-Z]' "$TMP/de/acquisition.json"
ok $? "the German run's record names the damage"
python3 - "$TMP/en/acquisition.json" "$TMP/de/acquisition.json" <<'PY'
import json, sys
en, de = (json.load(open(p)) for p in sys.argv[1:])
notes = lambda a: [n for n in a.get("run_notes", []) if "hive" in n]
assert notes(en) and notes(en) == notes(de), (notes(en), notes(de))
PY
ok $? "its hive notes are the same English text as the English run's"
grep -q '^Untersuchungsprotokoll' "$TMP/de/report.txt"
ok $? "the German report is German"
report_unchanged
done_testing
