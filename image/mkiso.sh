#!/bin/sh
# mkiso.sh: build build/image/exhume.iso from what build.sh left in
# IMAGE_OUT (vmlinuz, initrd.img, efi/*.efi): the same kernel, initramfs
# and signed loaders as the stick, nothing rebuilt.
#
# A hybrid ISO 9660 for VMs' virtual CD drives and BMC virtual media:
#   BIOS  El Torito no-emulation -> isolinux -> /boot/vmlinuz
#   UEFI  El Torito EFI image (FAT) -> shim -> grub -> /boot/vmlinuz
#   dd to a stick: isohybrid MBR (isolinux) plus an MBR/GPT partition on
#         the EFI image.
# The signed grub reads $prefix/grub.cfg, $prefix being /EFI/debian on the
# device it was loaded from.  Booted from a CD that device may be the
# ISO 9660 file system or the EFI image, depending on the firmware; from a
# stick it is the EFI image's partition.  So /EFI/debian/grub.cfg, the
# kernel and the initramfs are in both, and grub never searches another
# disk.
#
# The ISO's volume modification date is random per build; blkid reports
# it as the file system's UUID (YYYY-MM-DD-hh-mm-ss-cc), and
# exhume.bootid= names it, with exhume.media=cd, so /init knows the
# medium it booted from, never scans it and never writes to it.  The
# bundles go to a partition labelled EXHUME-EVID on another disk.
# Environment: IMAGE_OUT (default build/image).  No root, no loop devices.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${IMAGE_OUT:-$top/build/image}
iso=$out/exhume.iso
start=$(date +%s.%N)
for f in vmlinuz initrd.img efi/shimx64.efi efi/grubx64.efi efi/mmx64.efi; do
	[ -f "$out/$f" ] || { echo "iso: $out/$f missing; run make image first" >&2; exit 1; }
done
isolinux=/usr/lib/ISOLINUX
ldlinux=/usr/lib/syslinux/modules/bios/ldlinux.c32
for f in "$isolinux/isolinux.bin" "$isolinux/isohdpfx.bin" "$ldlinux"; do
	[ -f "$f" ] || { echo "iso: $f missing (packages isolinux, syslinux-common)" >&2; exit 1; }
done
work=$(mktemp -d "${TMPDIR:-/tmp}/exhume-iso.XXXXXX")
trap 'rm -rf "$work"' EXIT
export MTOOLS_SKIP_CHECK=1

# Random seconds and centiseconds within today: unique enough to tell
# this CD from any ISO 9660 on the suspect's disks.
stamp=$(date -u +%Y%m%d)$(od -An -N4 -tu4 /dev/urandom | tr -d ' \n' |
    awk '{s = $1 % 86400; printf "%02d%02d%02d%02d", s / 3600, s / 60 % 60, s % 60, $1 % 100}')
bootid=$(echo "$stamp" |
    sed 's/^\(....\)\(..\)\(..\)\(..\)\(..\)\(..\)\(..\)$/\1-\2-\3-\4-\5-\6-\7/')
cmdline="console=ttyS0,115200 console=tty0 exhume.bootid=$bootid exhume.media=cd efi_pstore.pstore_disable=1"
sh "$here/bootcfg.sh" "$work" "$cmdline"

tree=$work/tree
mkdir -p "$tree/isolinux" "$tree/boot" "$tree/EFI/debian"
cp "$isolinux/isolinux.bin" "$ldlinux" "$tree/isolinux/"
cp "$work/syslinux.cfg" "$tree/isolinux/isolinux.cfg"
cp "$work/grub.cfg" "$tree/EFI/debian/grub.cfg"
cp "$out/vmlinuz" "$tree/boot/vmlinuz"
cp "$out/initrd.img" "$tree/boot/initrd.img"

# The EFI image: the loaders as on the stick (shim as the removable-media
# loader, no fbx64.efi), the menu, the kernel and the initramfs, plus 1 MiB.
efiimg=$tree/boot/efi.img
need=$(du -bc "$out"/efi/*.efi "$out/vmlinuz" "$out/initrd.img" "$work/grub.cfg" |
    tail -n 1 | cut -f1)
kib=$((need / 1024 + 2048))
mkfs.fat -n EXHUME-EFI -C "$efiimg" "$kib" >/dev/null
mmd -i "$efiimg" ::/EFI ::/EFI/BOOT ::/EFI/debian ::/boot
mcopy -i "$efiimg" "$out/efi/shimx64.efi" ::/EFI/BOOT/BOOTX64.EFI
mcopy -i "$efiimg" "$out/efi/grubx64.efi" ::/EFI/BOOT/grubx64.efi
mcopy -i "$efiimg" "$out/efi/mmx64.efi" ::/EFI/BOOT/mmx64.efi
mcopy -i "$efiimg" "$work/grub.cfg" ::/EFI/debian/grub.cfg
mcopy -i "$efiimg" "$out/vmlinuz" ::/boot/vmlinuz
mcopy -i "$efiimg" "$out/initrd.img" ::/boot/initrd.img

rm -f "$iso.tmp"
xorriso -as mkisofs -quiet -o "$iso.tmp" -V EXHUME -r \
    --modification-date="$stamp" \
    -isohybrid-mbr "$isolinux/isohdpfx.bin" \
    -b isolinux/isolinux.bin -c isolinux/boot.cat \
    -no-emul-boot -boot-load-size 4 -boot-info-table \
    -eltorito-alt-boot -e boot/efi.img -no-emul-boot -isohybrid-gpt-basdat \
    "$tree" 2>"$work/xorriso.log" ||
    { cat "$work/xorriso.log" >&2; echo "iso: xorriso failed" >&2; exit 1; }
mv "$iso.tmp" "$iso"
echo "$bootid" > "$out/iso-bootid"

size=$(stat -c %s "$iso")
secs=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')
echo "iso: $iso boot id $bootid, $size bytes ($((size / 1048576)) MiB), built in $secs s"
