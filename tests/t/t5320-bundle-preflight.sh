#!/bin/sh
# scan --bundle checks the destination and the key material before it
# loads a rule or opens a source (exh_bundle_check): an existing name, a
# missing or unwritable directory, a destination on a disk being examined
# and a locked signing key without its password file all fail with exit 2,
# a message naming the problem and nothing written; a good destination
# still works.  An image file is not a disk: a bundle next to it is fine.
. "$TOP/tests/lib/tap.sh"
mkimage "$TOP/tests/fixtures/exchange-basic.spec" "$TMP/ex.img" || ok 1 "fixture builds"
IMAGES="$TMP/ex.img"
K="$TMP/keys"
mkdir "$K"
openssl req -x509 -newkey rsa:2048 -nodes -keyout "$K/signer.key" \
    -out "$K/signer.pem" -days 2 -subj "/CN=exhume test signer" \
    >/dev/null 2>&1 || ok 1 "openssl makes the signing key"
PW='Sekr1t-key-pass-91c2'
openssl pkey -in "$K/signer.key" -aes256 -passout "pass:$PW" \
    -out "$K/locked.key" 2>/dev/null
printf '%s\n' "$PW" >"$TMP/keypw"

# refused NAME PATTERN DESCRIPTION [scan arguments...]: exit 2, the message,
# no rule loaded (rules come before any source is opened), nothing written.
refused() {
	name=$1 pattern=$2 what=$3
	shift 3
	run scan "$TMP/ex.img" --out "$TMP/o-$name" "$@"
	[ "$RC" -eq 2 ] && grep -q "$pattern" "$TMP/err" &&
	    ! grep -q '^rules:' "$TMP/err" && [ ! -s "$TMP/out" ] &&
	    [ ! -e "$TMP/o-$name" ] &&
	    [ -z "$(find "$TMP" -name '*partial*' -o -name '*.check-*')" ]
	ok $? "$what: exit 2 before the image is opened, nothing written"
}

: >"$TMP/CASE.zip"
refused exists 'bundle .*CASE.zip: already exists; choose another name' \
    "an existing bundle name" --bundle "$TMP/CASE.zip"
: >"$TMP/side.zip.sha256"
refused side 'side.zip.sha256: already exists' \
    "an existing side hash of the bundle" --bundle "$TMP/side.zip"
refused nodir 'destination directory .*/nodir: No such file or directory' \
    "a missing destination directory" --bundle "$TMP/nodir/x.zip"
: >"$TMP/afile"
refused notdir 'afile is not a directory' \
    "a file used as the destination directory" --bundle "$TMP/afile/x.zip"
refused proc 'bundle /proc/x.zip: cannot write in /proc' \
    "an unwritable destination directory (/proc)" --bundle /proc/x.zip
refused locked 'locked.key: cannot read private key (wrong or missing key password?)' \
    "a passphrase-protected signing key without its password file" \
    --bundle "$TMP/L.zip" --sign "$K/locked.key" --cert "$K/signer.pem"
refused nopw 'nopw: cannot read the password file' \
    "an unreadable zip password file" \
    --bundle "$TMP/P.zip" --zip-password-file "$TMP/nopw"

# A block device source rules out every file system on its disk.  A loop
# device with a mounted file system stands in for the examined disk.
dd if=/dev/zero of="$TMP/disk.img" bs=1M count=8 2>/dev/null
if mkfs.ext2 -q -F "$TMP/disk.img" 2>/dev/null &&
    LOOP=$(losetup -f --show "$TMP/disk.img" 2>/dev/null) &&
    mkdir "$TMP/mnt" && mount "$LOOP" "$TMP/mnt" 2>/dev/null; then
	run scan "$LOOP" --bundle "$TMP/mnt/x.zip"
	[ "$RC" -eq 2 ] &&
	    grep -q "mnt is on $LOOP, a disk being examined" "$TMP/err" &&
	    ! grep -q '^rules:' "$TMP/err" && [ -z "$(ls "$TMP/mnt" |
	    grep -v lost+found)" ]
	ok $? "a destination on the disk being examined: exit 2, nothing written"
	umount "$TMP/mnt"
	losetup -d "$LOOP"
else
	[ -n "${LOOP:-}" ] && losetup -d "$LOOP"
	skip "no loop device or mount here: destination on a source disk"
fi

run scan "$TMP/ex.img" --bundle "$TMP/S.zip" --sign "$K/locked.key" \
    --cert "$K/signer.pem" --sign-password-file "$TMP/keypw"
[ "$RC" -eq 1 ] && [ -f "$TMP/S.zip" ] &&
    grep -q 'SHA256SUMS signed' "$TMP/err"
ok $? "a good destination next to the image and the locked key with its password file work (exit 1, findings)"
run verify "$TMP/S.zip" --ca "$K/signer.pem"
ok $RC "and the signed bundle verifies"
(cd "$TMP" && unzip -p S.zip acquisition.json; cat S.zip) | grep -aq "$PW"
[ $? -ne 0 ]; ok $? "the key password appears nowhere in the bundle"

report_unchanged
done_testing
