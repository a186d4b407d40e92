#!/bin/sh
# Self-test of mkvhdxdiff.py against libvhdi's vhdiinfo: the child must read
# as a differencing disk of the parent's size whose parent identifier is the
# parent's, and each --break must show up. Needs qemu-utils, libvhdi-utils.
# Usage: sh tests/tools/mkvhdxdiff-selftest.sh
# shellcheck disable=SC2016,SC2317 # check() runs its arguments indirectly
set -u
here=$(cd "$(dirname "$0")" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
field() { sed -n "s/^[[:space:]]*$1[[:space:]]*: //p" "$2"; }

cd "$tmp" || exit 2
head -c 6291456 /dev/urandom > A.raw
cp A.raw B.raw
# One changed sector in block 1, one in block 2 and the last sector.
for sector in 4113 8200 12287; do
	head -c 512 /dev/urandom |
	    dd of=B.raw bs=512 seek=$sector conv=notrunc status=none
done
qemu-img convert -f raw -O vhdx -o subformat=dynamic A.raw PARENT.vhdx ||
    { echo "Bail out! qemu-img convert failed"; exit 2; }
vhdiinfo PARENT.vhdx > parent.txt || { echo "Bail out! vhdiinfo parent"; exit 2; }
parent_id=$(field Identifier parent.txt)

# check DESCRIPTION COMMAND...: one TAP line for the command's exit status.
check() {
	desc=$1; shift
	if "$@"; then echo "ok - $desc"; else echo "not ok - $desc"; status=1; fi
}
make_child() { python3 "$here/mkvhdxdiff.py" PARENT.vhdx A.raw B.raw "$@"; }
same() { [ -n "$1" ] && [ "$1" = "$2" ]; }
names_parent() { case $1 in *'\PARENT.vhdx') return 0 ;; esac; return 1; }
# libvhdi 20210425 does not verify header checksums: recompute them here.
both_headers_bad() {
	python3 -B - "$1" "$here" <<'PY'
import struct, sys
sys.path.insert(0, sys.argv[2])
from mkvhdxdiff import crc32c
data = open(sys.argv[1], "rb").read(196608)
bad = [struct.unpack_from("<I", h, 4)[0] != crc32c(h[:4] + bytes(4) + h[8:])
       for h in (data[65536:69632], data[131072:135168])]
sys.exit(0 if all(bad) else 1)
PY
}

echo "1..8"
make_child CHILD.vhdx && vhdiinfo CHILD.vhdx > child.txt
check "vhdiinfo opens the child" [ -s child.txt ]
check "disk type Differential" same "$(field 'Disk type' child.txt)" Differential
check "media size equals the parent's" \
    same "$(field 'Media size' child.txt)" "$(field 'Media size' parent.txt)"
check "parent identifier = parent DataWriteGuid $parent_id" \
    same "$(field 'Parent identifier' child.txt)" "$parent_id"
check "parent filename names PARENT.vhdx" \
    names_parent "$(field 'Parent filename' child.txt)"

make_child BAD1.vhdx --break region
check "--break region: vhdiinfo refuses the child" \
    sh -c '! vhdiinfo BAD1.vhdx > /dev/null 2>&1'
make_child BAD2.vhdx --break parent-locator && vhdiinfo BAD2.vhdx > bad2.txt
check "--break parent-locator: parent identifier no longer matches" \
    sh -c '[ -s bad2.txt ] && ! grep -q "Parent identifier.*: $1\$" bad2.txt' \
    - "$parent_id"
make_child BAD3.vhdx --break header
check "--break header: both header checksums wrong" both_headers_bad BAD3.vhdx
exit $status
