#!/bin/sh
# Differencing chains (VHDX, VMDK, qcow2) and multi-file VMDKs: the logical
# disk is the child's over its parents, every file is listed, a missing or
# wrong parent is one clear line with exit 2, and the stored parent name is
# never followed outside the child's directory.  Needs qemu-utils.
. "$TOP/tests/lib/tap.sh"

DUMP="$TOOLS/source-dump"
MKVHDXDIFF="$TOP/tests/tools/mkvhdxdiff.py"

# Two disks that differ in their NTFS label: the parent holds PARENTVOL,
# the child's logical disk CHILDVOL.
printf 'disk gpt size=24M\npart ntfs start=2048 size=16M label=PARENTVOL\nfile \\x.txt text:parent\n' >"$TMP/p.spec"
printf 'disk gpt size=24M\npart ntfs start=2048 size=16M label=CHILDVOL\nfile \\x.txt text:child\n' >"$TMP/c.spec"
mkimage "$TMP/p.spec" "$TMP/A.raw" && mkimage "$TMP/c.spec" "$TMP/B.raw"
ok $? "parent and child disks build"

# same_disk IMAGE RAW [dump options]: the logical disk read through exhume
# is byte for byte RAW.
same_disk() {
	img=$1 raw=$2
	shift 2
	before=$(hash_images)
	"$DUMP" "$@" "$img" >"$TMP/dump" 2>"$TMP/dump.err" &&
	    cmp -s "$TMP/dump" "$raw" && [ "$before" = "$(hash_images)" ]
}

# one_line_exit2 PATTERN: the last run failed with exit 2 and one line.
one_line_exit2() {
	[ "$RC" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
	    grep -q "$1" "$TMP/err"
}

# --- qcow2: an overlay holding only what differs from its backing file
Q="$TMP/q"
mkdir -p "$Q"
qemu-img convert -q -f raw -O qcow2 "$TMP/A.raw" "$Q/base.qcow2" &&
    qemu-img convert -q -f raw -O qcow2 -B base.qcow2 -F qcow2 \
    "$TMP/B.raw" "$Q/child.qcow2"
ok $? "qcow2 overlay over a backing file builds"
IMAGES="$Q/base.qcow2 $Q/child.qcow2"

run sources "$Q/child.qcow2"
ok $RC "sources on a qcow2 overlay exits 0"
grep -q 'label "CHILDVOL"' "$TMP/out" && ! grep -q PARENTVOL "$TMP/out"
ok $? "the overlay's data wins over its backing file (label CHILDVOL)"
grep -q 'qcow2, chain of 2, 2 files' "$TMP/out" &&
    grep -q "image   0 $Q/child.qcow2" "$TMP/out" &&
    grep -q "parent  1 $Q/base.qcow2" "$TMP/out"
ok $? "the chain is listed: the overlay at depth 0, its backing file at 1"
same_disk "$Q/child.qcow2" "$TMP/B.raw"
ok $? "the logical disk read through the chain is the child's disk"

run sources --json "$Q/child.qcow2"
python3 - "$TMP/out" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))[0]
assert d['format'] == 'qcow2, chain of 2', d['format']
assert [(f['role'], f['depth']) for f in d['files']] == \
    [('image', 0), ('parent', 1)], d['files']
PY
ok $? "sources --json gives the format and every file with role and depth"

mv "$Q/base.qcow2" "$TMP/base.qcow2"
IMAGES="$TMP/base.qcow2 $Q/child.qcow2"
run sources "$Q/child.qcow2"
one_line_exit2 "qcow overlay needs its parent base.qcow2; not found beside it (tried $Q/base.qcow2); give it with --parent FILE"
ok $? "a missing backing file is one clear line naming it, exit 2"

run sources --parent "$TMP/base.qcow2" "$Q/child.qcow2"
[ "$RC" -eq 0 ] && grep -q "parent  1 $TMP/base.qcow2" "$TMP/out" &&
    grep -q 'label "CHILDVOL"' "$TMP/out"
ok $? "a backing file given with --parent is used"
mv "$TMP/base.qcow2" "$Q/base.qcow2"
IMAGES="$Q/base.qcow2 $Q/child.qcow2"

# The stored name climbs out of the child's directory: not followed.
mkdir -p "$TMP/qq/sub"
cp "$Q/base.qcow2" "$TMP/qq/base.qcow2"
qemu-img create -q -f qcow2 -b ../base.qcow2 -F qcow2 "$TMP/qq/sub/up.qcow2"
IMAGES="$IMAGES $TMP/qq/base.qcow2 $TMP/qq/sub/up.qcow2"
run sources "$TMP/qq/sub/up.qcow2"
one_line_exit2 "needs its parent ../base.qcow2; not found beside it (tried $TMP/qq/sub/base.qcow2)"
ok $? "a stored parent name with .. is only looked for beside the child"

qemu-img create -q -f qcow2 -b "$Q/base.qcow2" -F qcow2 "$TMP/qq/abs.qcow2"
IMAGES="$IMAGES $TMP/qq/abs.qcow2"
run sources "$TMP/qq/abs.qcow2"
[ "$RC" -eq 0 ] && grep -q "parent  1 $TMP/qq/base.qcow2" "$TMP/out"
ok $? "an absolute stored name is looked for by its file name beside the child"

# Zeros the guest wrote or discarded in an overlay are qcow2 v3 "zero
# clusters"; libqcow alone would show the backing file's bytes there.
qemu-img create -q -f qcow2 "$TMP/qq/z.qcow2" 4M &&
    qemu-io -c 'write -P 0x33 0 1M' -c 'write -z 0 128k' \
    -c 'discard 512k 64k' "$TMP/qq/z.qcow2" >/dev/null &&
    qemu-img create -q -f qcow2 -b z.qcow2 -F qcow2 "$TMP/qq/z2.qcow2" &&
    qemu-io -c 'write -z 256k 64k' -c 'discard 768k 64k' \
    -c 'write -P 0x44 900k 4k' "$TMP/qq/z2.qcow2" >/dev/null &&
    qemu-img convert -q -O raw "$TMP/qq/z2.qcow2" "$TMP/z2.raw"
IMAGES="$IMAGES $TMP/qq/z.qcow2 $TMP/qq/z2.qcow2"
same_disk "$TMP/qq/z2.qcow2" "$TMP/z2.raw"
ok $? "zeroed and discarded clusters of an overlay read as zeros, as qemu reads them"

# A forged L1 table size.
cp "$TMP/qq/z2.qcow2" "$TMP/qq/forged.qcow2"
printf '\177\377\377\377' | dd of="$TMP/qq/forged.qcow2" bs=1 seek=36 \
    conv=notrunc status=none
IMAGES="$IMAGES $TMP/qq/forged.qcow2"
run sources "$TMP/qq/forged.qcow2"
[ "$RC" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ]
ok $? "a forged L1 table size is one line, exit 2"

# A chain deeper than 16 parents.
D="$TMP/deep"
mkdir -p "$D"
qemu-img create -q -f qcow2 "$D/d0.qcow2" 1M
i=1
while [ $i -le 17 ]; do
	qemu-img create -q -f qcow2 -b "d$((i - 1)).qcow2" -F qcow2 \
	    "$D/d$i.qcow2"
	i=$((i + 1))
done
run sources "$D/d17.qcow2"
one_line_exit2 'deeper than 16 parents'
ok $? "a chain deeper than 16 parents is refused, exit 2"
run sources "$D/d16.qcow2"
ok $RC "a chain of exactly 16 parents opens"

qemu-img create -q -f qcow2 --object secret,id=s0,data=pw \
    -o encrypt.format=luks,encrypt.key-secret=s0 "$TMP/enc.qcow2" 1M
IMAGES="$IMAGES $TMP/enc.qcow2"
run sources "$TMP/enc.qcow2"
one_line_exit2 'is encrypted (LUKS); exhume does not read encrypted images'
ok $? "an encrypted qcow2 is one clear line, exit 2"

qemu-img create -q -f raw "$TMP/qq/raw.img" 1M
qemu-img create -q -f qcow2 -b raw.img -F raw "$TMP/qq/overraw.qcow2"
run sources "$TMP/qq/overraw.qcow2"
one_line_exit2 'raw.img is not a qcow image'
ok $? "a raw backing file is named as unsupported, exit 2"

# --- VMDK: VM snapshots, disk-000002.vmdk is what the VM runs on
V="$TMP/v"
mkdir -p "$V"
qemu-img convert -q -f raw -O vmdk "$TMP/A.raw" "$V/disk.vmdk" &&
    qemu-img create -q -f vmdk -b disk.vmdk -F vmdk "$V/disk-000001.vmdk" &&
    qemu-io -c 'write -P 0x5a 20M 64k' "$V/disk-000001.vmdk" >/dev/null &&
    qemu-img convert -q -f raw -O vmdk -B disk-000001.vmdk -F vmdk \
    "$TMP/B.raw" "$V/disk-000002.vmdk"
ok $? "a VMDK base with two snapshots builds"
qemu-img convert -q -O raw "$V/disk-000002.vmdk" "$TMP/v2.raw"
IMAGES="$V/disk.vmdk $V/disk-000001.vmdk $V/disk-000002.vmdk"

run sources "$V/disk-000002.vmdk"
[ "$RC" -eq 0 ] && grep -q 'chain of 3, 3 files' "$TMP/out" &&
    grep -q "parent  1 $V/disk-000001.vmdk" "$TMP/out" &&
    grep -q "parent  2 $V/disk.vmdk" "$TMP/out" &&
    grep -q 'label "CHILDVOL"' "$TMP/out"
ok $? "the newest snapshot opens the current state, the chain up to the base listed"
same_disk "$V/disk-000002.vmdk" "$TMP/v2.raw"
ok $? "its logical disk is what qemu reads through the same chain"

# A parent written to after the child was made (its CID changed).
cp "$V/disk-000001.vmdk" "$TMP/mid.vmdk"
qemu-io -c 'write -P 0x01 0 512' "$V/disk-000001.vmdk" >/dev/null
run sources "$V/disk-000002.vmdk"
one_line_exit2 'was made over parent CID .* refused'
ok $? "a parent whose content identifier changed is refused, exit 2"
cp "$TMP/mid.vmdk" "$V/disk-000001.vmdk"

# A child naming itself as its parent (a name of the same length, patched
# in place in the embedded descriptor).
cp "$V/disk-000001.vmdk" "$V/loop.vmdk"
python3 - "$V/loop.vmdk" <<'PY'
import sys
p = sys.argv[1]
d = open(p, 'rb').read()
old = b'parentFileNameHint="disk.vmdk"'
assert d.count(old) == 1
open(p, 'wb').write(d.replace(old, b'parentFileNameHint="loop.vmdk"'))
PY
IMAGES="$IMAGES $V/loop.vmdk"
run sources "$V/loop.vmdk"
one_line_exit2 'the chain loops'
ok $? "a chain that comes back to a file already in it is refused, exit 2"

# Split (2 GB extent) and flat VMDKs: descriptor plus extent files.
head -c 8388608 /dev/urandom >"$TMP/r.raw"
mkdir -p "$TMP/split" "$TMP/flat"
qemu-img convert -q -f raw -O vmdk -o subformat=twoGbMaxExtentSparse \
    "$TMP/r.raw" "$TMP/split/d.vmdk"
qemu-img convert -q -f raw -O vmdk -o subformat=monolithicFlat \
    "$TMP/r.raw" "$TMP/flat/d.vmdk"
IMAGES="$TMP/split/d.vmdk $TMP/split/d-s001.vmdk $TMP/flat/d.vmdk $TMP/flat/d-flat.vmdk"
run sources "$TMP/split/d.vmdk"
[ "$RC" -eq 0 ] && grep -q "extent  0 $TMP/split/d-s001.vmdk" "$TMP/out"
ok $? "a split sparse VMDK lists its extent file"
run sources "$TMP/flat/d.vmdk"
[ "$RC" -eq 0 ] && grep -q "extent  0 $TMP/flat/d-flat.vmdk" "$TMP/out"
ok $? "a flat VMDK lists its extent file"
same_disk "$TMP/split/d.vmdk" "$TMP/r.raw" &&
    same_disk "$TMP/flat/d.vmdk" "$TMP/r.raw"
ok $? "both read as the disk they were made from"
mv "$TMP/flat/d-flat.vmdk" "$TMP/d-flat.vmdk"
IMAGES="$TMP/split/d.vmdk $TMP/flat/d.vmdk"
run sources "$TMP/flat/d.vmdk"
one_line_exit2 'needs its extent d-flat.vmdk; not found beside it'
ok $? "a missing extent is one clear line naming it, exit 2"
# A descriptor naming an extent outside its directory reads only beside it.
sed 's|"d-flat.vmdk"|"../d-flat.vmdk"|' "$TMP/flat/d.vmdk" >"$TMP/flat/up.vmdk"
run sources "$TMP/flat/up.vmdk"
one_line_exit2 'needs its extent d-flat.vmdk; not found beside it'
ok $? "an extent name climbing out of the directory is not followed"

# --- VHDX: qemu-img cannot make differencing VHDX; mkvhdxdiff.py does.
X="$TMP/x"
mkdir -p "$X"
qemu-img convert -q -f raw -O vhdx -o subformat=dynamic "$TMP/A.raw" \
    "$X/PARENT.vhdx" &&
    python3 -B "$MKVHDXDIFF" "$X/PARENT.vhdx" "$TMP/A.raw" "$TMP/B.raw" \
    "$X/child.vhdx" >/dev/null
ok $? "a VHDX differencing child builds"
IMAGES="$X/PARENT.vhdx $X/child.vhdx"
run sources "$X/child.vhdx"
[ "$RC" -eq 0 ] && grep -q 'VHDX, differencing, chain of 2' "$TMP/out" &&
    grep -q "parent  1 $X/PARENT.vhdx" "$TMP/out" &&
    grep -q 'label "CHILDVOL"' "$TMP/out"
ok $? "a VHDX child opens over its parent; the child's data wins"
same_disk "$X/child.vhdx" "$TMP/B.raw"
ok $? "its logical disk is the child's disk byte for byte"

# A locator with only a relative path (libvhdi reads only the absolute one).
python3 -B "$MKVHDXDIFF" "$X/PARENT.vhdx" "$TMP/A.raw" "$TMP/B.raw" \
    "$X/rel.vhdx" --parent-path-style relative >/dev/null
IMAGES="$IMAGES $X/rel.vhdx"
run sources "$X/rel.vhdx"
[ "$RC" -eq 0 ] && grep -q "parent  1 $X/PARENT.vhdx" "$TMP/out"
ok $? "a VHDX child storing only .\\PARENT.vhdx finds its parent beside it"
# The same name with a control character in it.
python3 - "$X/rel.vhdx" "$X/ctl.vhdx" <<'PY'
import sys
d = open(sys.argv[1], 'rb').read()
old = '.\\PARENT.vhdx'.encode('utf-16-le')
assert d.count(old) == 1
open(sys.argv[2], 'wb').write(d.replace(old, '.\\PA\x01ENT.vhdx'.encode('utf-16-le')))
PY
IMAGES="$IMAGES $X/ctl.vhdx"
run sources "$X/ctl.vhdx"
one_line_exit2 'parent name it stores holds control characters'
ok $? "a stored parent name with control characters is refused, exit 2"

mkdir -p "$TMP/elsewhere"
mv "$X/PARENT.vhdx" "$TMP/elsewhere/parent.VHDX"
IMAGES="$TMP/elsewhere/parent.VHDX $X/child.vhdx"
run sources "$X/child.vhdx"
one_line_exit2 "VHDX differencing image needs its parent .*PARENT.vhdx; not found beside it (tried $X/PARENT.vhdx); give it with --parent FILE"
ok $? "a missing VHDX parent is one clear line naming it, exit 2"
run sources --parent "$TMP/elsewhere/parent.VHDX" "$X/child.vhdx"
[ "$RC" -eq 0 ] && grep -q "parent  1 $TMP/elsewhere/parent.VHDX" "$TMP/out"
ok $? "--parent is matched by file name without case, as Windows does"

# Another disk under the parent's name: its identifier is not the one the
# child was made over.
qemu-img convert -q -f raw -O vhdx -o subformat=dynamic "$TMP/B.raw" \
    "$X/PARENT.vhdx"
IMAGES="$TMP/elsewhere/parent.VHDX $X/PARENT.vhdx $X/child.vhdx"
run sources "$X/child.vhdx"
one_line_exit2 'was made over parent .* refused'
ok $? "a parent with another identifier is refused, exit 2"
python3 -B "$MKVHDXDIFF" "$TMP/elsewhere/parent.VHDX" "$TMP/A.raw" \
    "$TMP/B.raw" "$X/broken.vhdx" --break parent-locator >/dev/null
IMAGES="$IMAGES $X/broken.vhdx"
run sources --parent "$TMP/elsewhere/parent.VHDX" "$X/broken.vhdx"
one_line_exit2 'given with --parent.* refused'
ok $? "even a parent given with --parent is refused when its identifier differs"

# --- A web shell written after the VM's checkpoint lives only in the
# differencing child: scanning the child finds it, the parent alone not.
W="$TMP/w"
mkdir -p "$W"
grep -v -e 'supp0rt.aspx' "$TOP/tests/fixtures/exchange-basic.spec" \
    >"$W/before.spec"
mkimage "$W/before.spec" "$W/before.raw" &&
    mkimage "$TOP/tests/fixtures/exchange-basic.spec" "$W/after.raw" &&
    qemu-img convert -q -f raw -O vhdx -o subformat=dynamic \
    "$W/before.raw" "$W/server.vhdx" &&
    python3 -B "$MKVHDXDIFF" "$W/server.vhdx" "$W/before.raw" \
    "$W/after.raw" "$W/server-checkpoint.avhdx" >/dev/null
ok $? "a server disk and a checkpoint child holding one more web shell build"
IMAGES="$W/server.vhdx $W/server-checkpoint.avhdx"
SHELL_PATH='aspnet_client\\\\system_web\\\\4_0_30319\\\\supp0rt.aspx'
run scan "$W/server-checkpoint.avhdx" --out "$W/child" --quiet
[ "$RC" -eq 1 ] && grep -q "$SHELL_PATH" "$W/child/findings.jsonl"
ok $? "scan of the VHDX child reports the shell written only in the child"
run scan "$W/server.vhdx" --out "$W/parent" --quiet
[ "$RC" -eq 1 ] && grep -q 'Chopper' "$W/parent/findings.jsonl" &&
    ! grep -q "$SHELL_PATH" "$W/parent/findings.jsonl"
ok $? "scan of the parent alone does not (the shell is in the child only)"

[ "${UNCHANGED_CHECKS:-0}" -ge 20 ]
ok $? "every image file (children, parents, extents) hashed unchanged around each run"

done_testing
