#!/bin/sh
# Bundle: written bundles verify with exhume and with standard tools, and
# every kind of tampering is detected and named.
set -u
: "${TOOLS:?}"
T="$TOOLS/bundle-demo"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cd "$W" || exit 1
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
claim() { desc=$1; shift; if "$@"; then ok "$desc"; else nok "$desc"; fi; }

# Rewrites a zip with Python's zipfile: tamper|delete|add|manifest NAME.
rewrite() {
	python3 - "$@" <<'PY'
import sys, zipfile
src, dst, mode = sys.argv[1], sys.argv[2], sys.argv[3]
name = sys.argv[4] if len(sys.argv) > 4 else None
zin = zipfile.ZipFile(src)
with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
    for i in zin.infolist():
        data = zin.read(i.filename)
        if mode in ("tamper", "forge") and i.filename == name:
            data = bytes([data[0] ^ 1]) + data[1:]
        if mode == "delete" and i.filename == name:
            continue
        if mode == "manifest" and i.filename == "manifest.jsonl":
            data = data.replace(b'"mft":1234', b'"mft":1235', 1)
        zout.writestr(i, data)
    if mode == "forge":	# rewrite SHA256SUMS to match the forgery
        import hashlib
        zout.close()
        z = zipfile.ZipFile(dst)
        items = [(i, z.read(i.filename)) for i in z.infolist()]
        z.close()
        sums = "".join("%s  %s\n" % (hashlib.sha256(d).hexdigest(), i.filename)
                       for i, d in items if not i.filename.startswith("SHA256SUMS"))
        with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z2:
            for i, d in items:
                z2.writestr(i, sums.encode() if i.filename == "SHA256SUMS" else d)
        sys.exit(0)
    if mode == "add":
        zout.writestr("files/C/planted.aspx", b"<% evil %>")
PY
}

echo '<%@ Page Language="C#" %> webshell' > shell.aspx
printf '2021-03-02T12:00:00Z,POST,/ecp/DDI/DDIService.svc\n' > ecp.log
echo '<html><body>report</body></html>' > report.html
openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem \
    -subj /CN=exhume-test -days 2 2>/dev/null
SHELL_W='C:\inetpub\wwwroot\aspnet_client\shell.aspx'
LOG_W='C:\Program Files\Microsoft\Exchange Server\V15\Logging\ECP\Server\ecp.log'

make_bundle() {	# OUT [extra options]
	out=$1; shift
	"$T" create "$out" "$@" --finding F-0001 "$SHELL_W=shell.aspx" \
	    --stream hidden "$SHELL_W=ecp.log" "$LOG_W=ecp.log" \
	    --gen 'C:\Windows\System32\config\SYSTEM=200000' \
	    'C:\..\..\x=ecp.log' --skip 'C:\pagefile.sys=size cap' \
	    --doc report.html=report.html
}

make_bundle b.zip >create.txt 2>create.err
claim "create exits 0" [ $? -eq 0 ] 2>/dev/null
claim "final name and side hash exist, no partial file left" \
    sh -c '[ -f b.zip ] && [ -f b.zip.sha256 ] && ! ls | grep -q partial'
claim "side hash file checks with sha256sum -c" \
    sh -c 'sha256sum -c b.zip.sha256 >/dev/null'
"$T" verify b.zip >v.txt
claim "verify accepts the bundle" [ $? -eq 0 ]
claim "verify counted every entry as ok" \
    grep -q '^entries 8 ok 7 altered 0 missing 0 extra 0 side_hash ok' v.txt
mkdir x && (cd x && unzip -q ../b.zip)
claim "unzip + sha256sum -c SHA256SUMS passes" \
    sh -c 'cd x && sha256sum -c --quiet SHA256SUMS'
claim "the ADS is its own entry" \
    [ -f 'x/files/C/inetpub/wwwroot/aspnet_client/shell.aspx%3Ahidden' ]
claim "a hostile path stays under files/C" [ -f 'x/files/C/.%2E/.%2E/x' ]
claim "manifest keeps the original path" \
    grep -q '"path":"C:\\\\..\\\\..\\\\x"' x/manifest.jsonl
claim "left-out entry is listed with its reason" \
    grep -q '"entry":null,.*"status":"left-out","why":"size cap"' \
    x/manifest.jsonl
claim "every manifest line is JSON" python3 -c '
import json, sys
for l in open("x/manifest.jsonl"): json.loads(l)'

# Hostile names: control characters and markup stay escaped in the
# manifest and out of the entry name.
EVIL=$(printf 'C:\\inetpub\\evil\001<script>alert(1)</script>.aspx')
"$T" create h.zip "$EVIL=ecp.log" 'C:\CON=ecp.log' >/dev/null 2>&1
mkdir h && (cd h && unzip -q ../h.zip)
claim "a control character in a name is escaped in the manifest" \
    grep -q 'evil\\u0001<script>' h/manifest.jsonl
claim "and percent-encoded in the entry name" \
    [ -f 'h/files/C/inetpub/evil%01%3Cscript%3Ealert(1)%3C%2Fscript%3E.aspx' ]
claim "a device name gets a safe entry name" [ -f 'h/files/C/%43ON' ]
claim "hostile bundle passes sha256sum -c" \
    sh -c 'cd h && sha256sum -c --quiet SHA256SUMS'

expect_bad() {	# DESC ZIP PATTERN
	"$T" verify "$2" >bad.txt 2>/dev/null
	rc=$?
	if [ $rc -eq 2 ] && grep -q "$3" bad.txt; then ok "$1"
	else nok "$1 (rc $rc)"; sed 's/^/# /' bad.txt; fi
}
ENTRY='files/C/inetpub/wwwroot/aspnet_client/shell.aspx'
rewrite b.zip t1.zip tamper "$ENTRY"
expect_bad "one flipped byte is named as altered" t1.zip "^altered	$ENTRY	"
rewrite b.zip t2.zip delete "$ENTRY"
expect_bad "a deleted entry is named as missing" t2.zip "^missing	$ENTRY	"
rewrite b.zip t3.zip add
expect_bad "an added entry is named as extra" t3.zip \
    "^extra	files/C/planted.aspx	"
rewrite b.zip t4.zip manifest
expect_bad "an edited manifest is named as altered" t4.zip \
    "^altered	manifest.jsonl	"
size=$(stat -c %s b.zip)
head -c $((size - 200)) b.zip >t5.zip
cp b.zip.sha256 t5.zip.sha256
expect_bad "a truncated archive is reported" t5.zip "^archive	"
expect_bad "a truncated archive fails its side hash" t5.zip "^side-hash	"
cp b.zip t6.zip
sha256sum shell.aspx | sed 's/shell.aspx/t6.zip/' >t6.zip.sha256
expect_bad "a swapped side hash is named" t6.zip "^side-hash	t6.zip	"
"$T" verify missing.zip >/dev/null 2>&1
claim "an unreadable path is EXH_EIO (3)" [ $? -eq 3 ]

# AES-256 password
make_bundle p.zip --password infected-Secr3t >/dev/null 2>&1
"$T" verify p.zip --password infected-Secr3t >pv.txt
claim "password bundle verifies with the password" [ $? -eq 0 ]
"$T" verify p.zip >/dev/null 2>&1
claim "without the password verify is a usage error (5)" [ $? -eq 5 ]
"$T" verify p.zip --password wrong >/dev/null 2>&1
claim "with a wrong password verify is a usage error (5)" [ $? -eq 5 ]
if command -v 7z >/dev/null; then
	claim "7z shows AES-256 entries" sh -c \
	    '7z l -slt -pinfected-Secr3t p.zip | grep -q "Method = AES-256"'
	mkdir p && (cd p && 7z x -pinfected-Secr3t ../p.zip >/dev/null)
	claim "7z x + sha256sum -c passes" \
	    sh -c 'cd p && sha256sum -c --quiet SHA256SUMS'
else
	ok "# SKIP 7z not installed"; ok "# SKIP 7z not installed"
fi
claim "the password appears in no output file" \
    sh -c '! grep -rqa "infected-Secr3t" p.zip p.zip.sha256 p/ 2>/dev/null'

# CMS envelope
make_bundle e.zip --encrypt-to cert.pem >ec.txt 2>&1
claim "encrypting leaves p7m, its hash and the zip hash, no clear zip" \
    sh -c '[ -f e.zip.p7m ] && [ -f e.zip.p7m.sha256 ] && \
    [ -f e.zip.sha256 ] && [ ! -e e.zip ] && ! ls | grep -q partial'
claim "p7m side hash checks" sh -c 'sha256sum -c e.zip.p7m.sha256 >/dev/null'
openssl cms -decrypt -binary -inform DER -in e.zip.p7m -recip cert.pem \
    -inkey key.pem -out e.zip 2>/dev/null
claim "openssl cms -decrypt gives the zip named in e.zip.sha256" \
    sh -c 'sha256sum -c e.zip.sha256 >/dev/null'
"$T" verify e.zip >/dev/null
claim "the decrypted zip verifies" [ $? -eq 0 ]

# Signature
make_bundle s.zip --sign key.pem --cert cert.pem >/dev/null 2>&1
"$T" verify s.zip --ca cert.pem >sv.txt
claim "signed bundle verifies against the CA" [ $? -eq 0 ]
claim "verify reports the signature ok" grep -q 'signature ok' sv.txt
mkdir s && (cd s && unzip -q ../s.zip)
claim "openssl cms -verify accepts SHA256SUMS.p7s" sh -c 'cd s &&
    openssl cms -verify -binary -content SHA256SUMS -in SHA256SUMS.p7s \
    -inform DER -CAfile ../cert.pem -out /dev/null 2>/dev/null'
claim "SHA256SUMS does not list itself or its signature" \
    sh -c '! grep -q " SHA256SUMS" s/SHA256SUMS'
openssl req -x509 -newkey rsa:2048 -nodes -keyout k2.pem -out c2.pem \
    -subj /CN=other -days 2 2>/dev/null
"$T" verify s.zip --ca c2.pem >/dev/null 2>&1
claim "a signature from an untrusted signer fails (2)" [ $? -eq 2 ]
rewrite s.zip s2.zip forge "$ENTRY"
"$T" verify s2.zip --ca cert.pem >f2.txt 2>&1
claim "a forgery with rewritten SHA256SUMS fails the signature" \
    grep -q "^signature	" f2.txt
claim "and its entry no longer matches manifest.jsonl" \
    grep -q "^manifest	$ENTRY	" f2.txt
"$T" verify b.zip --ca cert.pem >/dev/null 2>&1
claim "an unsigned bundle fails when a CA is required (2)" [ $? -eq 2 ]

# Failure paths: nothing under the final name.
head -c 3000000 /dev/urandom >rand.bin
"$T" create f.zip --fsize-limit 500000 'C:\rand.bin=rand.bin' \
    >/dev/null 2>f.err
rc=$?
claim "a file-size limit mid-write fails with EXH_EFATAL (6)" [ $rc -eq 6 ]
claim "the message names the cause" grep -q 'too large' f.err
claim "nothing is left: no final name, no side hash, no partial" \
    sh -c '[ ! -e f.zip ] && [ ! -e f.zip.sha256 ] && ! ls | grep -q "^f.zip"'
"$T" create g.zip --cap 1000000000000000 --estimate 1000000000000000 'C:\x=ecp.log' \
    >/dev/null 2>g.err
claim "an estimate beyond free space is refused (5)" [ $? -eq 5 ]
claim "the message says need and have" grep -q 'need .* have' g.err
claim "and nothing was created" sh -c '! ls | grep -q "^g.zip"'
"$T" create b.zip 'C:\x=ecp.log' >/dev/null 2>&1
claim "an existing bundle is never overwritten (5)" [ $? -eq 5 ]
claim "the existing bundle is untouched" sh -c 'sha256sum -c b.zip.sha256 >/dev/null'

echo "1..$n"
