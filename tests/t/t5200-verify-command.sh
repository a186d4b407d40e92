#!/bin/sh
# exhume verify: a good bundle verifies (exit 0); tampering is named (exit 1);
# a file that is not a zip cannot be read (exit 2); a signature says who
# signed and whether a CA vouched for it: any self-signed key without --ca
# is not trusted (exit 3), with the signer's CA it is (exit 0), and against
# another CA it fails (exit 1).
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

echo 'not a zip at all' >"$TMP/notzip.zip"
run verify "$TMP/notzip.zip"
[ "$RC" -eq 2 ] && grep -q 'notzip.zip: not a zip archive' "$TMP/err" &&
    [ "$(grep -o 'notzip.zip' "$TMP/err" | wc -l)" -eq 1 ]
ok $? "a file that is not a zip is exit 2 (cannot be read), named once"
mv "$TMP/b.moved" "$TMP/b.zip"
run verify "$TMP/b.zip"
[ "$RC" -eq 0 ] && grep -qx 'signature: none (the bundle is not signed)' "$TMP/out"
ok $? "an unsigned bundle says it is not signed (exit 0)"

# A signer anyone could be: a fresh self-signed key.
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/k.pem" -out "$TMP/c.pem" \
    -subj '/CN=Anyone Self-Signed' -days 2 >/dev/null 2>&1
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$TMP/k2.pem" -out "$TMP/c2.pem" \
    -subj '/CN=Our CA' -days 2 >/dev/null 2>&1
"$TOOLS/bundle-demo" create "$TMP/s.zip" --sign "$TMP/k.pem" --cert "$TMP/c.pem" \
    'C:\inetpub\wwwroot\aspnet_client\shell.aspx'="$TMP/shell.aspx" >/dev/null 2>&1
ok $? "a bundle signed by a self-signed key is written"
run verify "$TMP/s.zip"
[ "$RC" -eq 3 ] && grep -q '^signature by CN=Anyone Self-Signed, valid but not checked against a CA' "$TMP/out" &&
    ! grep -q 'trusted' "$TMP/out"
ok $? "without --ca: the signer is named, not trusted, exit 3"
run verify "$TMP/s.zip" --ca "$TMP/c.pem"
[ "$RC" -eq 0 ] && grep -qx "signature by CN=Anyone Self-Signed, valid, trusted by CA $TMP/c.pem" "$TMP/out"
ok $? "with the signer's CA: valid, trusted by CA <file>, exit 0"
run verify "$TMP/s.zip" --ca "$TMP/c2.pem"
[ "$RC" -eq 1 ] && grep -q '^signature: SHA256SUMS.p7s: ' "$TMP/out" && ! grep -q 'trusted' "$TMP/out"
ok $? "against another CA the signature fails (exit 1)"
done_testing
