#!/bin/sh
# A damaged event log record or an unreadable log folder is listed as not
# examined, never dropped: the responder must know which logs were not read.
. "$TOP/tests/lib/tap.sh"

cat >"$TMP/dmg.spec" <<'SPEC'
disk gpt size=48M
part ntfs start=2048 size=32M label=SYSTEM
file \Windows\System32\config\SYSTEM size=64K fill=random:7
mkdir \Windows\System32\winevt\Logs
file \Windows\System32\winevt\Logs\Application.evtx text:not really an event log\n
mkdir \inetpub\logs\LogFiles\W3SVC1
file \inetpub\logs\LogFiles\W3SVC1\u_ex210303.log text:#Fields: date time cs-uri-stem\n
corrupt-fixup \Windows\System32\winevt\Logs\Application.evtx
corrupt-index \inetpub\logs\LogFiles\W3SVC1
SPEC
mkimage "$TMP/dmg.spec" "$TMP/dmg.img" || ok 1 "fixture builds"
IMAGES="$TMP/dmg.img"

run scan "$TMP/dmg.img" --out "$TMP/o"
[ "$RC" -ne 2 ]; ok $? "the scan completes (exit $RC)"
grep -q '^skipped corrupt C:\\Windows\\System32\\winevt\\Logs\\Application.evtx' "$TMP/o/summary.txt"
ok $? "the event log with a damaged record is listed as skipped (corrupt)"
[ "$(grep -c '^skipped .*W3SVC1' "$TMP/o/summary.txt")" -eq 1 ]
ok $? "the IIS log folder behind a damaged index is listed, once"
grep -q 'Application.evtx' "$TMP/o/report.txt"; ok $? "and the report names it"
grep -q 'note: no Exchange installation at the default paths' "$TMP/err"
ok $? "no Exchange folder is said, not assumed"
report_unchanged
done_testing
