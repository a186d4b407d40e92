#!/bin/sh
# The scan reads each volume's history: change-journal records of a script
# created in aspnet_client, a script deleted from it, an archive created in
# ProgramData, 25 pages written into wwwroot at once (an update: one
# low-scored group), and a script in a folder outside the web root (no
# finding); a deleted shell still in a free MFT record is a warning.
# --no-history skips it all and says so.
. "$TOP/tests/lib/tap.sh"

# Records: inetpub 64, wwwroot 65, aspnet_client 66, ProgramData 67,
# tools 68, shell.aspx 69 (deleted), $UsnJrnl 70.  Live sequence numbers
# are 1.
PYTHONPATH="$TOP/tests/lib" python3 - >"$TMP/j.hex" <<'PY'
from usnrec import Journal, T, CREATE, DELETE, CLOSE, EXTEND
j = Journal()
j.v2(200, 66, CREATE, 'x.aspx', T)
j.v2(200, 66, CREATE | EXTEND | CLOSE, 'x.aspx', T + 10**7)
j.v2(201, 66, DELETE | CLOSE, 'y.aspx', T + 2 * 10**7)
j.v2(202, 67, CREATE, 'mail.7z', T + 3 * 10**7)
j.v2(203, 68, CREATE, 'tool.aspx', T + 4 * 10**7)
for i in range(25):
    j.v2(300 + i, 65, CREATE, 'page%02d.aspx' % i, T + 10**9)
print(j.pages().hex())
PY
ok $? "journal bytes generated"
cat >"$TMP/h.spec" <<'SPEC'
disk none
part ntfs start=0 size=32M
mkdir \inetpub\wwwroot\aspnet_client
mkdir \ProgramData
mkdir \tools
file \inetpub\wwwroot\aspnet_client\shell.aspx text:<%@ Page Language="C#" %><% eval(Request.Item["z"]); %>
delete \inetpub\wwwroot\aspnet_client\shell.aspx
file \$Extend\$UsnJrnl text:
SPEC
printf 'ads \\$Extend\\$UsnJrnl:$J hex:%s\n' "$(cat "$TMP/j.hex")" >>"$TMP/h.spec"
mkimage "$TMP/h.spec" "$TMP/h.img"; ok $? "fixture with a journal and a deleted shell builds"
IMAGES="$TMP/h.img"

run scan "$TMP/h.img" --out "$TMP/res" --letter 1=C
F="$TMP/res/findings.jsonl"
check() {	# check CHECK LEVEL PATH: one finding of CHECK on PATH, at LEVEL
	python3 -c 'import json,sys
hits = [d for d in map(json.loads, open(sys.argv[1]))
        if d["check"] == sys.argv[2] and d["path"] == sys.argv[4]]
ok = len(hits) == 1 and hits[0]["level"] == sys.argv[3] and \
    hits[0]["path"] == sys.argv[4]
print(hits) if not ok else None
sys.exit(0 if ok else 1)' "$F" "$@"
}
check history/usn-script-created-webroot warning \
    'C:\inetpub\wwwroot\aspnet_client\x.aspx'
ok $? "a script created in aspnet_client: one warning however many records name it"
check history/usn-script-deleted-webroot warning \
    'C:\inetpub\wwwroot\aspnet_client\y.aspx'
ok $? "a script deleted from aspnet_client: a warning"
check history/usn-archive-staged warning 'C:\ProgramData\mail.7z'
ok $? "an archive created in ProgramData: a warning"
check history/deleted-script-webroot warning \
    'C:\inetpub\wwwroot\aspnet_client\shell.aspx'
ok $? "the deleted shell's free MFT record: a warning"
python3 -c 'import json,sys
g = [d for d in map(json.loads, open(sys.argv[1]))
     if d["check"] == "history/usn-script-created-webroot" and
     d["path"].startswith("C:\\inetpub\\wwwroot\\page")]
sys.exit(0 if len(g) == 1 and g[0]["level"] == "notice" and
         "25 files" in g[0]["reasons"][0]["detail"] else 1)' "$F"
ok $? "25 pages written at once into wwwroot: one notice that counts them"
grep -q 'tool.aspx' "$F"; [ $? -ne 0 ]; ok $? "a script outside the web folders: no finding"
grep -q 'history: volume C: \$UsnJrnl 2021-02-17T01:46:40.* (30 records)' \
    "$TMP/err"; ok $? "the journal's range is on the record"

run scan "$TMP/h.img" --out "$TMP/out2" --letter 1=C --no-history
grep -q '"check":"history/' "$TMP/out2/findings.jsonl"; [ $? -ne 0 ]
ok $? "--no-history: no history finding"
grep -q 'history not read (--no-history)' "$TMP/err"; ok $? "--no-history is said"
[ "${UNCHANGED_CHECKS:-0}" -gt 0 ]; ok $? "image unchanged by every run"
done_testing
