#!/bin/sh
# exhume verify: a good bundle verifies (exit 0); tampering is named (exit 1).
. "$TOP/tests/lib/tap.sh"
IMAGES=""
echo '<%@ Page Language="Jscript"%><%eval(Request.Item["x"],"unsafe");%>' >"$TMP/shell.aspx"
"$TOOLS/bundle-demo" create "$TMP/b.zip" 'C:\inetpub\wwwroot\aspnet_client\shell.aspx'="$TMP/shell.aspx" \
    >/dev/null 2>&1
ok $? "a bundle is written through the bundle API"

run verify "$TMP/b.zip"
ok $RC "exhume verify accepts the untouched bundle (exit 0)"
grep -q '^verified:' "$TMP/out"; ok $? "and says it verified"

python3 - "$TMP/b.zip" "$TMP/t.zip" <<'PY'
import sys, zipfile
src, dst = sys.argv[1], sys.argv[2]
with zipfile.ZipFile(src) as zi, zipfile.ZipFile(dst, 'w') as zo:
    for i in zi.infolist():
        data = zi.read(i.filename)
        if i.filename.startswith('files/'):
            data = bytes([data[0] ^ 1]) + data[1:]
        zo.writestr(i, data)
PY
run verify "$TMP/t.zip"
[ "$RC" -eq 1 ]; ok $? "a bundle with one altered byte fails (exit 1)"
grep -q '^altered: files/C/inetpub/wwwroot/aspnet_client/shell.aspx' "$TMP/out"
ok $? "and the altered entry is named"

run verify "$TMP/missing.zip"
[ "$RC" -eq 2 ]; ok $? "a missing bundle is exit 2"
# A run killed between its renames leaves NAME.partial-XXXXXX behind.
cp "$TMP/b.zip" "$TMP/b.zip.partial-Q7x2Lm"
run verify "$TMP/b.zip"
[ "$RC" -eq 0 ] && grep -q '^stale: b.zip.partial-Q7x2Lm: ' "$TMP/out"
ok $? "a stale partial file next to the bundle is named; the bundle still verifies"
mv "$TMP/b.zip" "$TMP/b.moved"
run verify "$TMP/b.zip"
[ "$RC" -eq 2 ] && grep -q '^stale: b.zip.partial-Q7x2Lm: ' "$TMP/out"
ok $? "when only the partial is left, verify fails (exit 2) and names it"
done_testing
