#!/bin/sh
# assemble.sh OUT.img VMLINUZ INITRD EFIDIR: write the stick image.
#
# EFIDIR holds shimx64.efi, grubx64.efi and mmx64.efi (all signed).
# Layout (MBR): p1 FAT32 0x0c active "EXHUME" 80 MiB, the boot partition
# with a random per-build volume id that the kernel command line names
# (exhume.bootid=) so /init can tell the stick from the suspect's disks;
# p2 exFAT 0x07 "EXHUME-EVID" 96 MiB for the bundles.  The whole image is
# 177 MiB (185.6 MB), under the 200 MB the issue allows; the README says how
# to grow p2 to the stick's size.  Built in files with mtools and sfdisk:
# no loop devices, no mounts, no root.
set -eu
img=$1 vmlinuz=$2 initrd=$3 efi=$4
work=$(mktemp -d "${TMPDIR:-/tmp}/exhume-assemble.XXXXXX")
trap 'rm -rf "$work"' EXIT
export MTOOLS_SKIP_CHECK=1

# p1 holds about 40 MB (kernel 8, initrd 25, EFI loaders 6); 80 MiB leaves
# room for a larger initrd.  At this size mkfs.fat makes 512-byte clusters,
# 161286 of them: FAT32 needs at least 65525, or every FAT driver would
# take the file system for FAT16 (the type follows the cluster count).
p1_start=2048 p1_size=163840		# 80 MiB
p2_start=$((p1_start + p1_size)) p2_size=196608	# 96 MiB, starts at 165888
volid=$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n' | tr a-f A-F)
disksig=$(od -An -N4 -tx4 /dev/urandom | tr -d ' \n')
bootid=$(echo "$volid" | sed 's/^\(....\)/\1-/')
# efi_pstore off: a kernel oops must not be written into the server's NVRAM
cmdline="console=ttyS0,115200 console=tty0 exhume.bootid=$bootid efi_pstore.pstore_disable=1"

sh "$(dirname "$0")/bootcfg.sh" "$work" "$cmdline"

boot=$work/boot.fat
mkfs.fat -F 32 -n EXHUME -i "$volid" -h $p1_start -C "$boot" \
    $((p1_size / 2)) >/dev/null
clusters=$(fsck.fat -nv "$boot" | awk '/data clusters/{print $1; exit}')
[ "${clusters:-0}" -ge 65525 ] ||
    { echo "assemble: boot partition has ${clusters:-?} clusters: not FAT32" >&2; exit 1; }
need=$(du -bc "$efi"/*.efi "$vmlinuz" "$initrd" | tail -n 1 | cut -f1)
[ "$need" -lt $(( (p1_size - 8192) * 512 )) ] ||
    { echo "assemble: $need bytes do not fit the $((p1_size / 2048)) MiB boot partition; raise p1_size" >&2; exit 1; }
mmd -i "$boot" ::/EFI ::/EFI/BOOT ::/EFI/debian ::/boot ::/syslinux
# shim as the removable-media loader; no fbx64.efi: shim's fallback would
# create Boot#### entries in the server's NVRAM.
mcopy -i "$boot" "$efi/shimx64.efi" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$boot" "$efi/grubx64.efi" ::/EFI/BOOT/grubx64.efi
mcopy -i "$boot" "$efi/mmx64.efi" ::/EFI/BOOT/mmx64.efi
mcopy -i "$boot" "$work/grub.cfg" ::/EFI/debian/grub.cfg
mcopy -i "$boot" "$vmlinuz" ::/boot/vmlinuz
mcopy -i "$boot" "$initrd" ::/boot/initrd.img
mcopy -i "$boot" "$work/syslinux.cfg" ::/syslinux/syslinux.cfg
syslinux --install --directory /syslinux "$boot"

evid=$work/evid.img
truncate -s $((p2_size * 512)) "$evid"
mkfs.exfat -L EXHUME-EVID "$evid" >/dev/null

rm -f "$img"
truncate -s $(((p2_start + p2_size) * 512)) "$img"
sfdisk -q "$img" <<EOF
label: dos
label-id: 0x$disksig
start=$p1_start, size=$p1_size, type=c, bootable
start=$p2_start, size=$p2_size, type=7
EOF
dd if="$boot" of="$img" bs=1M seek=$((p1_start / 2048)) conv=notrunc,sparse \
    status=none
dd if="$evid" of="$img" bs=1M seek=$((p2_start / 2048)) conv=notrunc,sparse \
    status=none
dd if=/usr/lib/syslinux/mbr/mbr.bin of="$img" bs=440 count=1 conv=notrunc \
    status=none
echo "$bootid"
