#!/bin/sh
# scan --bundle with the protection options, through the CLI: --encrypt-to
# (repeatable) wraps the zip as CMS enveloped data that openssl opens for
# each recipient; --sign/--cert puts a detached CMS signature over
# SHA256SUMS into the bundle that openssl and exhume verify check; no key
# or password text reaches the bundle, stdout or stderr.
. "$TOP/tests/lib/tap.sh"
mkimage "$TOP/tests/fixtures/exchange-basic.spec" "$TMP/ex.img" || ok 1 "fixture builds"
IMAGES="$TMP/ex.img"
K="$TMP/keys"
mkdir "$K"
for n in r1 r2 r3 signer; do
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$K/$n.key" \
	    -out "$K/$n.pem" -days 2 -subj "/CN=exhume test $n" \
	    >/dev/null 2>&1 || ok 1 "openssl makes the $n key"
done
PW='Sekr1t-zip-pass-7f3a'
printf '%s\n' "$PW" >"$TMP/pw"

run scan "$TMP/ex.img" --bundle "$TMP/B.zip" --encrypt-to "$K/r1.pem" \
    --encrypt-to "$K/r2.pem" --sign "$K/signer.key" --cert "$K/signer.pem" \
    --zip-password-file "$TMP/pw"
cp "$TMP/out" "$TMP/scan.out"; cp "$TMP/err" "$TMP/scan.err"
[ "$RC" -eq 1 ]; ok $? "encrypted, signed, password-protected bundle: exit 1 (findings)"
[ -f "$TMP/B.zip.p7m" ] && [ ! -e "$TMP/B.zip" ] &&
    [ -f "$TMP/B.zip.p7m.sha256" ] && [ -f "$TMP/B.zip.sha256" ]
ok $? "only the envelope B.zip.p7m and the two side hashes are written"
[ -z "$(find "$TMP" -maxdepth 1 -name '*partial*')" ]
ok $? "no partial file is left"
grep -q 'written to .*B\.zip\.p7m (CMS envelope for 2 recipients), SHA256SUMS signed' "$TMP/scan.err"
ok $? "stderr names the envelope, its recipients and the signature"
grep -q "^bundle envelope SHA-256: $(sha256sum "$TMP/B.zip.p7m" | cut -c1-64)\$" "$TMP/scan.err"
ok $? "the envelope's SHA-256 is printed"
(cd "$TMP" && sha256sum -c --quiet B.zip.p7m.sha256)
ok $? "B.zip.p7m.sha256 checks with sha256sum -c"

for r in r1 r2; do
	mkdir "$TMP/$r"
	openssl cms -decrypt -inform DER -in "$TMP/B.zip.p7m" \
	    -recip "$K/$r.pem" -inkey "$K/$r.key" -out "$TMP/$r/B.zip" 2>"$TMP/$r.err"
	ok $? "openssl cms -decrypt opens it for recipient $r"
done
cmp -s "$TMP/r1/B.zip" "$TMP/r2/B.zip"; ok $? "both recipients get the same zip"
cp "$TMP/B.zip.sha256" "$TMP/r1/" && (cd "$TMP/r1" && sha256sum -c --quiet B.zip.sha256)
ok $? "the decrypted zip matches B.zip.sha256"
openssl cms -decrypt -inform DER -in "$TMP/B.zip.p7m" -recip "$K/r3.pem" \
    -inkey "$K/r3.key" -out "$TMP/r3.zip" >/dev/null 2>&1
[ $? -ne 0 ]; ok $? "a key that is no recipient cannot open it"

run verify "$TMP/r1/B.zip" --password-file "$TMP/pw"
[ "$RC" -eq 3 ] && grep -q '^verified: ' "$TMP/out" &&
    grep -q '^signature by CN=exhume test signer, valid but not checked against a CA' "$TMP/out"
ok $? "exhume verify accepts the decrypted zip; without --ca the signer is named, not trusted (exit 3)"
run verify "$TMP/r1/B.zip" --password-file "$TMP/pw" --ca "$K/signer.pem"
[ "$RC" -eq 0 ] && grep -q '^signature by CN=exhume test signer, valid, trusted by CA ' "$TMP/out"
ok $? "with the signer's CA the signature is trusted (exit 0)"
unzip -p "$TMP/r1/B.zip" report.txt >/dev/null 2>&1
7z x -p"$PW" -o"$TMP/rep" "$TMP/r1/B.zip" report.txt >/dev/null 2>&1 &&
    grep -q '7z x -obundle B.zip' "$TMP/rep/report.txt" &&
    ! grep -q 'unzip B.zip' "$TMP/rep/report.txt" &&
    grep -q 'openssl cms -decrypt -binary -inform DER -in B.zip.p7m' "$TMP/rep/report.txt" &&
    grep -q 'exhume verify B.zip --password-file PASSWORD.txt --ca CA.pem' "$TMP/rep/report.txt" &&
    grep -q 'openssl cms -verify .* -CAfile CA.pem' "$TMP/rep/report.txt"
ok $? "the report's verification steps match the bundle: openssl cms -decrypt, 7z (not unzip), --ca"
run verify "$TMP/r1/B.zip" --password-file "$TMP/pw" --ca "$K/r1.pem"
[ "$RC" -eq 1 ] && grep -q '^signature: SHA256SUMS.p7s' "$TMP/out"
ok $? "against a CA that did not issue the signer, verify names the signature and exits 1"

mkdir "$TMP/x"
# Info-ZIP unzip cannot read AES entries; 7-Zip can.
7z x -y -p"$PW" -o"$TMP/x" "$TMP/r1/B.zip" >/dev/null 2>&1
ok $? "7z with the password extracts it"
[ -s "$TMP/x/SHA256SUMS.p7s" ]; ok $? "SHA256SUMS.p7s is in the bundle"
grep -q ' SHA256SUMS.p7s$' "$TMP/x/SHA256SUMS"
[ $? -ne 0 ]; ok $? "SHA256SUMS does not list its own signature"
openssl cms -verify -binary -inform DER -in "$TMP/x/SHA256SUMS.p7s" \
    -content "$TMP/x/SHA256SUMS" -noverify -out /dev/null 2>"$TMP/v.err"
ok $? "openssl cms -verify -binary -noverify accepts the detached signature"
openssl cms -verify -binary -inform DER -in "$TMP/x/SHA256SUMS.p7s" \
    -content "$TMP/x/SHA256SUMS" -CAfile "$K/signer.pem" -out /dev/null 2>>"$TMP/v.err"
ok $? "and with the signer's certificate as trust anchor"
sed 's/^0/1/' "$TMP/x/SHA256SUMS" >"$TMP/sums.bad"
openssl cms -verify -binary -inform DER -in "$TMP/x/SHA256SUMS.p7s" \
    -content "$TMP/sums.bad" -noverify -out /dev/null 2>/dev/null
[ $? -ne 0 ]; ok $? "an altered SHA256SUMS fails openssl's check"
(cd "$TMP/x" && sha256sum -c --quiet SHA256SUMS); ok $? "sha256sum -c SHA256SUMS holds"

# Secrets: the password and any private key text, anywhere a person reads.
key_line=$(sed -n 2p "$K/signer.key")
leak=0
for f in "$TMP/scan.out" "$TMP/scan.err" "$TMP/B.zip.p7m" "$TMP/r1/B.zip" \
    $(find "$TMP/x" -maxdepth 1 -type f); do
	if grep -aqF -e "$PW" -e 'PRIVATE KEY' -e "$key_line" "$f"; then
		diag "secret text in $f"
		leak=1
	fi
done
[ $leak -eq 0 ]; ok $? "no password or private key text in stdout, stderr, the envelope, the zip or any bundle document"
grep -q -- '--zip-password-file' "$TMP/x/acquisition.json" &&
    grep -qF -- "--sign $K/signer.key" "$TMP/x/acquisition.json"
ok $? "acquisition.json records the options (file names only)"

# Misuse and unusable material fail before anything is written.
run scan "$TMP/ex.img" --bundle "$TMP/C.zip" --sign "$K/signer.key"
[ "$RC" -eq 2 ] && [ ! -e "$TMP/C.zip" ]; ok $? "--sign without --cert is a usage error"
run scan "$TMP/ex.img" --encrypt-to "$K/r1.pem"
[ "$RC" -eq 2 ]; ok $? "--encrypt-to without --bundle is a usage error"
openssl pkey -in "$K/signer.key" -aes256 -passout "pass:$PW" \
    -out "$K/locked.key" 2>/dev/null
run scan "$TMP/ex.img" --bundle "$TMP/D.zip" --sign "$K/locked.key" \
    --cert "$K/signer.pem" </dev/null
[ "$RC" -eq 2 ] && [ ! -e "$TMP/D.zip" ] &&
    [ -z "$(find "$TMP" -maxdepth 1 -name 'D.zip*')" ] &&
    grep -q 'locked.key: cannot read private key' "$TMP/err"
ok $? "a passphrase-protected signing key is refused cleanly, nothing written"
printf 'not a certificate\n' >"$K/bad.pem"
run scan "$TMP/ex.img" --bundle "$TMP/E.zip" --encrypt-to "$K/bad.pem"
[ "$RC" -eq 2 ] && [ -z "$(find "$TMP" -maxdepth 1 -name 'E.zip*')" ]
ok $? "an unreadable recipient certificate is refused, nothing written"

report_unchanged
done_testing
