# Converts a raw disk image into the containers exhume reads, with the
# tools responders get them from (sourced, POSIX sh; needs ewf-tools,
# qemu-utils and coreutils' split).  Used by tests/t/t1600, the container
# fuzz seeds and bench/run.sh.
#
# convert_image KIND RAW OUT: writes RAW as container KIND at OUT (the
# first file of the set; segments and extents beside it) and prints every
# file of the set, one a line, the first one first.  KIND is one of
#   e01        ewfacquire, one segment, default compression
#   e01-split3 ewfacquire, uncompressed, -S chosen to give 3 segments
#   vhdx       qemu-img, dynamic
#   vhd        qemu-img vpc, dynamic
#   vhd-fixed  qemu-img vpc, fixed
#   vmdk       qemu-img, monolithicSparse
#   vmdk-stream qemu-img, streamOptimized
#   qcow2      qemu-img
#   split-num  split into 3 pieces OUT.000 .001 .002 (OUT names the set)
#   split-alpha split into 3 pieces OUT.aa .ab .ac
# OUT for e01/e01-split3 must end in .E01 (ewfacquire adds the extension).
# Returns non-zero, with the tool's output on stderr, when a tool fails.
convert_image() {
	_ci_kind=$1
	_ci_raw=$2
	_ci_out=$3
	_ci_log=$(mktemp "${TMPDIR:-/tmp}/exhume-convert.XXXXXX")
	_ci_size=$(stat -c %s "$_ci_raw")
	# A third of the disk, rounded up to whole sectors.
	_ci_third=$(( (_ci_size / 512 + 2) / 3 * 512 ))
	case $_ci_kind in
	e01)
		ewfacquire -u -q -t "${_ci_out%.E01}" "$_ci_raw" >"$_ci_log" 2>&1
		;;
	e01-split3)
		# Each segment holds a third of the sectors plus 1 MiB for its
		# chunk tables, so the set has exactly 3 segments.
		ewfacquire -u -q -c none -S $((_ci_third + 1048576)) \
		    -t "${_ci_out%.E01}" "$_ci_raw" >"$_ci_log" 2>&1
		;;
	vhdx) qemu-img convert -f raw -O vhdx "$_ci_raw" "$_ci_out" >"$_ci_log" 2>&1 ;;
	vhd) qemu-img convert -f raw -O vpc "$_ci_raw" "$_ci_out" >"$_ci_log" 2>&1 ;;
	vhd-fixed)
		qemu-img convert -f raw -O vpc -o subformat=fixed "$_ci_raw" \
		    "$_ci_out" >"$_ci_log" 2>&1
		;;
	vmdk)
		qemu-img convert -f raw -O vmdk -o subformat=monolithicSparse \
		    "$_ci_raw" "$_ci_out" >"$_ci_log" 2>&1
		;;
	vmdk-stream)
		qemu-img convert -f raw -O vmdk -o subformat=streamOptimized \
		    "$_ci_raw" "$_ci_out" >"$_ci_log" 2>&1
		;;
	qcow2) qemu-img convert -f raw -O qcow2 "$_ci_raw" "$_ci_out" >"$_ci_log" 2>&1 ;;
	split-num)
		split -b "$_ci_third" -d -a 3 --numeric-suffixes=0 "$_ci_raw" \
		    "$_ci_out." >"$_ci_log" 2>&1
		;;
	split-alpha)
		split -b "$_ci_third" "$_ci_raw" "$_ci_out." >"$_ci_log" 2>&1
		;;
	*)
		echo "convert_image: unknown kind $_ci_kind" >"$_ci_log"
		false
		;;
	esac
	_ci_rc=$?
	if [ "$_ci_rc" -ne 0 ]; then
		cat "$_ci_log" >&2
		rm -f "$_ci_log"
		return 1
	fi
	rm -f "$_ci_log"
	case $_ci_kind in
	e01 | e01-split3) ls "${_ci_out%.E01}".E[0-9][0-9] ;;
	split-num) ls "$_ci_out".[0-9][0-9][0-9] ;;
	split-alpha) ls "$_ci_out".[a-z][a-z] ;;
	*) echo "$_ci_out" ;;
	esac
}

# The kinds convert_image knows, for loops.
CONVERT_KINDS="e01 e01-split3 vhdx vhd vhd-fixed vmdk vmdk-stream qcow2 split-num split-alpha"

# convert_first OUT KIND: the file given to exhume for the set at OUT.
convert_first() {
	case $2 in
	split-num) echo "$1.000" ;;
	split-alpha) echo "$1.aa" ;;
	*) echo "$1" ;;
	esac
}

# convert_seeds DIR: the seeds of tests/fuzz/fuzz_container, made from a
# 1 MiB disk of our own (MBR, one FAT partition) in each container that
# fits the fuzzers' 1 MiB input limit, and a zero disk for the dynamic VHD
# (whose first written block would be 2 MiB).  qemu-img's VHDX is at least
# 4 MiB (regions at 1 MiB boundaries): its seed is an empty VHDX whose BAT
# and metadata regions are moved down to 320 KiB (region tables rewritten
# with their CRC-32C), 512 KiB in all; libvhdi reads it.
convert_seeds() {
	_cs_dir=$1
	_cs_tmp=$(mktemp -d "${TMPDIR:-/tmp}/exhume-seeds.XXXXXX")
	truncate -s 1M "$_cs_tmp/disk.raw" &&
	    echo 'start=64, type=c' | sfdisk -q "$_cs_tmp/disk.raw" &&
	    mkfs.fat -n SEED --offset 64 "$_cs_tmp/disk.raw" >/dev/null &&
	    truncate -s 256K "$_cs_tmp/zero.raw" || return 1
	mkdir -p "$_cs_dir"
	ewfacquire -u -q -c best -t "$_cs_tmp/e01" "$_cs_tmp/disk.raw" \
	    >/dev/null 2>&1 && cp "$_cs_tmp/e01.E01" "$_cs_dir/e01" &&
	    qemu-img convert -f raw -O vpc "$_cs_tmp/zero.raw" "$_cs_dir/vhd" &&
	    head -c 256K "$_cs_tmp/disk.raw" >"$_cs_tmp/quarter.raw" &&
	    qemu-img convert -f raw -O vpc -o subformat=fixed \
	    "$_cs_tmp/quarter.raw" "$_cs_dir/vhd-fixed" &&
	    qemu-img convert -f raw -O vhdx "$_cs_tmp/zero.raw" \
	    "$_cs_tmp/zero.vhdx" &&
	    vhdx_compact "$_cs_tmp/zero.vhdx" "$_cs_dir/vhdx" &&
	    qemu-img convert -f raw -O vmdk -o subformat=monolithicSparse \
	    "$_cs_tmp/disk.raw" "$_cs_dir/vmdk" &&
	    qemu-img convert -f raw -O vmdk -o subformat=streamOptimized \
	    "$_cs_tmp/disk.raw" "$_cs_dir/vmdk-stream" &&
	    qemu-img convert -f raw -O qcow2 -o cluster_size=512 \
	    "$_cs_tmp/disk.raw" "$_cs_dir/qcow2" &&
	    head -c 64K "$_cs_tmp/disk.raw" >"$_cs_dir/raw-head"
	_cs_rc=$?
	rm -rf "$_cs_tmp"
	return $_cs_rc
}

# vhdx_compact IN OUT: IN (a VHDX without payload blocks) with its regions
# moved to just after the region tables: BAT 64 KiB, metadata 128 KiB (its
# items sit 64 KiB into the region).
vhdx_compact() {
	python3 - "$1" "$2" <<'PY'
import struct, sys
TABLE = []
for i in range(256):
    c = i
    for _ in range(8):
        c = (c >> 1) ^ 0x82F63B78 if c & 1 else c >> 1
    TABLE.append(c)
def crc32c(b):
    c = 0xFFFFFFFF
    for x in b:
        c = TABLE[(c ^ x) & 0xFF] ^ (c >> 8)
    return c ^ 0xFFFFFFFF
METADATA = bytes.fromhex("06a27c8b90479a4bb8fe575f050f886e")
src = open(sys.argv[1], "rb").read()
out = bytearray(src[:0x50000])
count = struct.unpack_from("<I", src, 0x30000 + 8)[0]
regions, at = [], 0x50000
for i in range(count):
    guid, off, _, req = struct.unpack_from("<16sQII", src, 0x30000 + 16 + 32 * i)
    size = 0x20000 if guid == METADATA else 0x10000
    regions.append((guid, at, size, req))
    out += src[off:off + size]
    at += size
for table_off in (0x30000, 0x40000):
    table = bytearray(0x10000)
    struct.pack_into("<4sIII", table, 0, b"regi", 0, count, 0)
    for i, r in enumerate(regions):
        struct.pack_into("<16sQII", table, 16 + 32 * i, *r)
    struct.pack_into("<I", table, 4, crc32c(table))
    out[table_off:table_off + 0x10000] = table
open(sys.argv[2], "wb").write(out)
PY
}
