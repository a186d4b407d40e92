#!/bin/sh
# check-image.sh: boot build/image/exhume.img in qemu, unattended, against
# an Exchange-shaped NTFS suspect disk; read the bundle back from the
# stick's exFAT partition without mounting it; check it and that the
# suspect disk did not change.  TAP output; exit status 1 on failure.
#
# Runs (CHECK_IMAGE_RUNS, default "bios uefi-sb uefi bios-ui"):
#   bios     SeaBIOS -> syslinux, suspect on SATA (AHCI)
#   uefi-sb  OVMF with Microsoft keys and Secure Boot on -> shim -> grub,
#            suspect on NVMe
#   uefi     OVMF without Secure Boot, suspect on virtio
#   bios-ui  SeaBIOS, the boot menu's default (interactive) entry as
#            shipped, suspect on virtio-scsi: waits until the UI's first
#            screen is on the serial console (TERM=vt100), then stops qemu.
#            Skipped while the image's exhume has no `tui` command.
#   iso-bios     build/image/exhume.iso as an IDE CD-ROM, SeaBIOS ->
#                isolinux, suspect on SATA, evidence disk on USB storage
#   iso-uefi-sb  the ISO as a SATA CD-ROM, OVMF with Secure Boot on ->
#                shim -> grub, suspect on NVMe, evidence disk on virtio
#   The ISO runs choose the menu's unattended entry (a same-length edit of
#   the default in a copy of the ISO) and write the bundle to a 64 MiB
#   disk with one exFAT partition labelled EXHUME-EVID.  Skipped when
#   there is no ISO (make iso).
#   iso-noevid   (not run by default) the ISO's unattended entry with no
#                EXHUME-EVID disk attached, SeaBIOS: must refuse, scan
#                nothing, write nothing, power off.
#   iso-twoevid  (not run by default) the same with two disks labelled
#                EXHUME-EVID (one could be a suspect's forged label): must
#                refuse alike, and neither disk is written.
#   iso-crowded  (not run by default) the same with one disk whose
#                EXHUME-EVID partition sits beside another partition (a
#                server disk with a forged label looks like this): must
#                refuse alike, and that disk is not written.
#   iso-hotplug  (not run by default) the ISO's shell entry, SeaBIOS, no
#                evidence disk at boot; one is hot-added on USB through the
#                qemu monitor and must be mounted at /mnt/evidence, the
#                suspect disk staying read-only (asked on the serial shell).
# KVM is used only where /sys/module/kvm_intel or kvm_amd exists (and
# /dev/kvm is usable), otherwise TCG; CHECK_IMAGE_ACCEL overrides that.
# Environment: IMAGE_OUT (build/image), EXHUME_REL (build/rel/exhume, for
# `exhume verify`), MKFIXTURE (build/tools/mkfixture), BOOT_TIMEOUT (300).
set -u
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${IMAGE_OUT:-$top/build/image}
img=$out/exhume.img
exhume=${EXHUME_REL:-$top/build/rel/exhume}
mkfixture=${MKFIXTURE:-$top/build/tools/mkfixture}
runs=${CHECK_IMAGE_RUNS:-bios uefi-sb uefi bios-ui iso-bios iso-uefi-sb}
iso=$out/exhume.iso
tmo=${BOOT_TIMEOUT:-300}
work=$out/check
export MTOOLS_SKIP_CHECK=1
now_ms() { echo $(($(date +%s%N) / 1000000)); }
secs_since() { echo "$1 $(now_ms)" | awk '{printf "%.1f", ($2 - $1) / 1000}'; }
t_start=$(now_ms)

n=0 failed=0
ok() { n=$((n + 1)); echo "ok $n - $*"; }
notok() { n=$((n + 1)); failed=$((failed + 1)); echo "not ok $n - $*"; }
todo() { n=$((n + 1)); echo "not ok $n - $1 # TODO $2"; }
check() {	# DESCRIPTION COMMAND...: ok if the command succeeds
	d=$1; shift
	if "$@" >/dev/null 2>&1; then ok "$d"; else notok "$d"; fi
}

[ -f "$img" ] || { echo "Bail out! $img missing: make image"; exit 1; }
rm -rf "$work" && mkdir -p "$work"

# Partition starts (sectors) from the image's own table, not from a copy
# of assemble.sh's numbers.
part_start() {	# IMG N
	sfdisk -d "$1" | sed -n "s|^$1$2 *: *start= *\([0-9]*\),.*|\1|p"
}
boot_start=$(part_start "$img" 1) evid_start=$(part_start "$img" 2)
[ -n "$boot_start" ] && [ -n "$evid_start" ] ||
    { echo "Bail out! cannot read the partition table of $img"; exit 1; }
echo "# image $(($(stat -c %s "$img") / 1048576)) MiB; boot partition at sector $boot_start, evidence at $evid_start"

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
if { [ -d /sys/module/kvm_intel ] || [ -d /sys/module/kvm_amd ]; } &&
    [ -w /dev/kvm ]; then
	accel="-accel kvm -cpu host"
fi
accel=${CHECK_IMAGE_ACCEL:-$accel}
echo "# accelerator: $accel"

# patch IMG: add the unattended options to every kernel command line
patch_cfg() {
	for f in ::/syslinux/syslinux.cfg ::/EFI/debian/grub.cfg; do
		mtype -i "$1@@$((boot_start * 512))" "$f" |
		    sed 's/exhume\.bootid=[^ ]*/& exhume.auto=1 exhume.case=CI-1 exhume.examiner=ci/' \
		    > "$work/cfg" &&
		mcopy -o -i "$1@@$((boot_start * 512))" "$work/cfg" "$f" || return 1
	done
}

# bundle_text FILE: the text of the bundle's members, whatever the archive
bundle_text() {
	tar -xOf "$1" 2>/dev/null || unzip -p "$1" 2>/dev/null || cat "$1"
}

# machine NAME: set $fw and $disk (qemu options) for the run NAME
machine() {
	case $1 in
	bios|iso-bios|iso-noevid|iso-twoevid|iso-crowded) fw="-machine pc"
		disk="-device ahci,id=ahci -device ide-hd,drive=d0,bus=ahci.0" ;;
	bios-ui) fw="-machine pc"
		disk="-device virtio-scsi-pci,id=scsi -device scsi-hd,drive=d0,bus=scsi.0" ;;
	uefi-sb|iso-uefi-sb) cp /usr/share/OVMF/OVMF_VARS_4M.ms.fd "$work/$1.vars"
		fw="-machine q35,smm=on -global driver=cfi.pflash01,property=secure,value=on
		    -drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.ms.fd
		    -drive if=pflash,format=raw,unit=1,file=$work/$1.vars"
		disk="-device nvme,drive=d0,serial=exhume0" ;;
	uefi)	cp /usr/share/OVMF/OVMF_VARS_4M.fd "$work/$1.vars"
		fw="-machine q35
		    -drive if=pflash,format=raw,unit=0,readonly=on,file=/usr/share/OVMF/OVMF_CODE_4M.fd
		    -drive if=pflash,format=raw,unit=1,file=$work/$1.vars"
		disk="-device virtio-blk-pci,drive=d0" ;;
	*)	return 1 ;;
	esac
	# The boot medium: the stick on xHCI USB storage, or the ISO as a
	# CD-ROM (IDE on pc, the ICH9 SATA controller on q35) with the
	# evidence disk on USB (BIOS) or virtio (UEFI).
	case $1 in
	iso-bios) media="-drive if=none,id=cd,file=$medium,format=raw,media=cdrom,readonly=on
		    -device ide-cd,drive=cd,bus=ide.1,bootindex=0
		    -device qemu-xhci,id=xhci -drive if=none,id=ev,file=$evimg,format=raw
		    -device usb-storage,bus=xhci.0,drive=ev,removable=on" ;;
	iso-noevid) media="-drive if=none,id=cd,file=$medium,format=raw,media=cdrom,readonly=on
		    -device ide-cd,drive=cd,bus=ide.1,bootindex=0" ;;
	iso-twoevid) media="-drive if=none,id=cd,file=$medium,format=raw,media=cdrom,readonly=on
		    -device ide-cd,drive=cd,bus=ide.1,bootindex=0
		    -drive if=none,id=ev,file=$evimg,format=raw -device virtio-blk-pci,drive=ev
		    -drive if=none,id=ev2,file=$evimg2,format=raw -device virtio-blk-pci,drive=ev2" ;;
	iso-crowded) media="-drive if=none,id=cd,file=$medium,format=raw,media=cdrom,readonly=on
		    -device ide-cd,drive=cd,bus=ide.1,bootindex=0
		    -drive if=none,id=ev,file=$evimg,format=raw -device virtio-blk-pci,drive=ev" ;;
	iso-uefi-sb) media="-drive if=none,id=cd,file=$medium,format=raw,media=cdrom,readonly=on
		    -device ide-cd,drive=cd,bus=ide.0,bootindex=0
		    -drive if=none,id=ev,file=$evimg,format=raw -device virtio-blk-pci,drive=ev" ;;
	*)	media="-device qemu-xhci,id=xhci -drive if=none,id=stick,file=$medium,format=raw
		    -device usb-storage,bus=xhci.0,drive=stick,bootindex=0,removable=on" ;;
	esac
}

# qemu LOG: start the machine set up by machine() in the background
qemu() {
	# shellcheck disable=SC2086
	timeout "$tmo" qemu-system-x86_64 $accel $fw -m 1024 -smp 2 \
	    -display none -monitor none -serial "file:$1" -no-reboot -net none \
	    $media \
	    -drive if=none,id=d0,file="$suspect",format=raw $disk \
	    >"$work/$name.qemu" 2>&1 &
	qpid=$!
}

# strip_term FILE: the serial log as text: no CR, no escape sequences
# (CSI, charset selection, single-character ones), no SI/SO
strip_term() {
	sed -e 's#\x1b\[[0-9;?]*[ -/]*[@-~]##g' -e 's/\x1b[()*+][0-9A-Za-z]//g' \
	    -e 's/\x1b[=>78MDEHc]//g' "$1" | tr -d '\r\016\017'
}

# disks_ro NAME: /init listed every disk as read-only before any write
disks_ro() {
	if grep -q 'exhume: disk /dev/.* ro=0' "$log.txt"; then
		notok "$1: every disk read-only before the evidence write"
	else
		check "$1: every disk read-only before the evidence write" \
		    grep -q 'exhume: disk /dev/.* ro=1' "$log.txt"
	fi
}

# no_ro_writes NAME: the kernel logged no write to a read-only device.
# 6.1 only logs such writes and lets them through, so the log is the
# only place to see them.
no_ro_writes() {
	ro_writes=$(grep -o 'Trying to write to read-only block-device [a-z0-9]*' \
	    "$log.txt" | sort | uniq -c | sed 's/^ *//')
	if [ -z "$ro_writes" ]; then
		ok "$1: no write to a read-only device in the kernel log"
	else
		echo "$ro_writes" | sed 's/^/# /'
		notok "$1: no write to a read-only device in the kernel log"
	fi
}

# iso_auto COPY [ENTRY]: make the unattended (or shell) entry the default
# in a copy of the ISO: "DEFAULT exhume" and grub's "set default=0" are
# edited in place to strings of the same length, in the ISO 9660 tree and
# in the EFI image.
iso_auto() {
	python3 - "$1" "${2:-auto}" <<'PY'
import mmap, sys
entry, n = sys.argv[2].encode(), {"auto": b"1", "shell": b"2"}[sys.argv[2]]
edits = [(b"DEFAULT exhume\n", b"DEFAULT " + entry.ljust(6) + b"\n"),
         (b"set default=0\n", b"set default=" + n + b"\n")]
with open(sys.argv[1], "r+b") as f, mmap.mmap(f.fileno(), 0) as m:
    for old, new in edits:
        at, hits = m.find(old), 0
        while at >= 0:
            m[at:at + len(old)] = new
            hits += 1
            at = m.find(old, at + len(new))
        if hits == 0:
            sys.exit("no " + old.decode().strip())
PY
}

# evidence_disk FILE: a 64 MiB disk, MBR, one exFAT partition EXHUME-EVID
evidence_disk() {
	truncate -s 62M "$work/evpart.img" &&
	mkfs.exfat -L EXHUME-EVID "$work/evpart.img" >/dev/null &&
	truncate -s 64M "$1" &&
	printf 'label: dos\nstart=2048, size=126976, type=7\n' | sfdisk -q "$1" &&
	dd if="$work/evpart.img" of="$1" bs=1M seek=1 conv=notrunc,sparse status=none &&
	rm -f "$work/evpart.img"
}

# boot_to_poweroff: boots the machine set up for $name (qemu's output in
# $log, a copy without CRs in $log.txt) and waits until it powers off
# (ok) or qemu fails or times out (not ok); sets rc and secs.
boot_to_poweroff() {
	t0=$(now_ms)
	qemu "$log"
	wait $qpid
	rc=$? secs=$(secs_since "$t0")
	if [ $rc = 0 ]; then ok "$name: qemu powered off by itself ($secs s)"
	else notok "$name: qemu exit status $rc after $secs s (124 = timeout); log $log"; fi
	tr -d '\r' < "$log" > "$log.txt"
}

evidence_disks() { evidence_disk "$1" && evidence_disk "$2"; }

# crowded_disk IMG: the evidence disk with a second partition beside
# EXHUME-EVID, as a server disk carrying a forged label would be.
crowded_disk() {
	evidence_disk "$1" &&
	truncate -s 96M "$1" &&
	printf 'label: dos\nstart=2048, size=126976, type=7\nstart=129024, size=65536, type=7\n' |
	    sfdisk -q "$1"
}

boot() {	# NAME
	name=$1 log=$work/$1.log
	case $name in
	iso-*)	[ -f "$iso" ] || { ok "$name: boots from the ISO # SKIP no $iso (make iso)"; return; }
		medium=$work/$1.iso evimg=$work/$1.evid.img evoff=2048
		cp "$iso" "$medium"
		check "$name: make the unattended entry the ISO's default" iso_auto "$medium"
		check "$name: evidence disk with an EXHUME-EVID partition" evidence_disk "$evimg" ;;
	*)	medium=$work/$1.img evimg=$work/$1.img evoff=$evid_start
		cp --sparse=always "$img" "$medium"
		check "$name: patch boot configs for unattended mode" patch_cfg "$medium" ;;
	esac
	machine "$name" || { notok "$name: unknown run"; return; }
	boot_to_poweroff
	case $name in
	iso-*)	check "$name: booted from the CD, which is not evidence" \
		    grep -q 'exhume: boot CD /dev/' "$log.txt"
		check "$name: the CD is not scanned" \
		    grep -q 'exhume: skipped /dev/sr0' "$log.txt"
		check "$name: the evidence disk is not scanned" \
		    grep -q 'exhume: .*is mounted: not examined' "$log.txt" ;;
	*)	check "$name: boot stick found" grep -q 'exhume: boot stick /dev/' "$log.txt" ;;
	esac
	disks_ro "$name"
	check "$name: EXHUME-RESULT printed" grep -q 'EXHUME-RESULT:' "$log.txt"
	if grep -q 'EXHUME-RESULT: failed' "$log.txt"; then
		notok "$name: exhume auto succeeded"
	fi
	grep 'EXHUME-RESULT:\|EXHUME-BUNDLE:' "$log.txt" | sed 's/^/# /'
	case $name in *uefi-sb) true ;; *) false ;; esac &&
	    check "$name: kernel reports Secure Boot enabled" \
	    grep -q 'secureboot: Secure boot enabled' "$log.txt"
	done_s=$(sed -n 's/.*exhume: done after \([0-9.]*\) s since boot.*/\1/p' "$log.txt")
	echo "# $name: boot-to-result ${done_s:-?} s after kernel start, $secs s from power-on (qemu wall time)"
	no_ro_writes "$name"

	# Read the bundle back from the exFAT partition, without mounting.
	bname=$(sed -n 's/.*EXHUME-BUNDLE: \([^ ]*\) SHA256 \([0-9a-f]*\).*/\1/p' "$log.txt" | tail -n 1)
	bsha=$(sed -n 's/.*EXHUME-BUNDLE: \([^ ]*\) SHA256 \([0-9a-f]*\).*/\2/p' "$log.txt" | tail -n 1)
	inode=$(fls -f exfat -o "$evoff" "$evimg" 2>/dev/null |
	    awk -v f="$bname" -F'\t' '$2 == f { split($1, a, " "); sub(":", "", a[2]); print a[2] }')
	bundle=$work/$name.bundle
	if [ -n "$bname" ] && [ -n "$inode" ] &&
	    icat -f exfat -o "$evoff" "$evimg" "$inode" > "$bundle"; then
		ok "$name: bundle $bname read back from the evidence partition"
	else
		notok "$name: bundle read back from the evidence partition"
		fls -f exfat -o "$evoff" "$evimg" 2>&1 | sed 's/^/# fls: /'
		return
	fi
	check "$name: bundle SHA-256 matches the printed one" \
	    test "$(sha256sum "$bundle" | cut -d' ' -f1)" = "$bsha"
	if [ -x "$exhume" ] && case $bname in *.zip) true ;; *) false ;; esac &&
	    ! "$exhume" verify --help 2>&1 | grep -q 'unknown command'; then
		check "$name: exhume verify accepts the bundle" "$exhume" verify "$bundle"
	else
		echo "# $name: no 'exhume verify' in $exhume or not a zip bundle; hash check only"
	fi
	bundle_text "$bundle" > "$bundle.txt"
	check "$name: web shell finding in the bundle" grep -Eq "$expect" "$bundle.txt"
	case $name in
	bios|iso-bios) check "$name: firmware notes say BIOS" grep -q 'boot_mode: BIOS' "$bundle.txt" ;;
	uefi-sb|iso-uefi-sb) check "$name: firmware notes say Secure Boot on" grep -q 'secure_boot: enabled' "$bundle.txt" ;;
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
	rm -f "$medium" "$evimg"
}

# boot_noevid NAME: the CD's unattended mode without an evidence disk
# refuses before it reads anything: nothing scanned, nothing written.
boot_noevid() {
	name=$1 log=$work/$1.log medium=$work/$1.iso
	evimg=$work/$1.evid.img evimg2=$work/$1.evid2.img
	[ -f "$iso" ] || { ok "$name: refuses # SKIP no $iso (make iso)"; return; }
	cp "$iso" "$medium"
	check "$name: make the unattended entry the ISO's default" iso_auto "$medium"
	if [ "$name" = iso-twoevid ]; then
		check "$name: two disks labelled EXHUME-EVID" \
		    evidence_disks "$evimg" "$evimg2"
		ev_sha="$(cat "$evimg" "$evimg2" | sha256sum | cut -d' ' -f1)"
	elif [ "$name" = iso-crowded ]; then
		check "$name: a disk with EXHUME-EVID beside another partition" \
		    crowded_disk "$evimg"
		ev_sha="$(sha256sum "$evimg" | cut -d' ' -f1)"
	fi
	machine "$name"
	boot_to_poweroff
	check "$name: booted from the CD" grep -q 'exhume: boot CD /dev/' "$log.txt"
	if [ "$name" = iso-twoevid ]; then
		check "$name: says two partitions carry the label and neither is used" \
		    grep -q 'exhume: WARNING: more than one partition labelled EXHUME-EVID' "$log.txt"
		check "$name: neither labelled disk was written" \
		    test "$(cat "$evimg" "$evimg2" | sha256sum | cut -d' ' -f1)" = "$ev_sha"
	elif [ "$name" = iso-crowded ]; then
		check "$name: says the label sits beside other partitions and is not used" \
		    grep -q 'exhume: WARNING: /dev/vda holds EXHUME-EVID beside other partitions' "$log.txt"
		check "$name: that disk was not written" \
		    test "$(sha256sum "$evimg" | cut -d' ' -f1)" = "$ev_sha"
	else
		check "$name: says no EXHUME-EVID partition is attached" \
		    grep -q 'exhume: no partition labelled EXHUME-EVID' "$log.txt"
	fi
	check "$name: EXHUME-RESULT says it failed for want of an evidence partition" \
	    grep -q 'EXHUME-RESULT: failed (no writable evidence partition)' "$log.txt"
	check "$name: nothing scanned, no bundle" \
	    sh -c "! grep -q 'EXHUME-BUNDLE:\|exhume: rules:' '$log.txt'"
	disks_ro "$name"
	no_ro_writes "$name"
	check "$name: suspect disk SHA-256 unchanged" \
	    test "$(sha256sum "$suspect" | cut -d' ' -f1)" = "$suspect_sha"
	rm -f "$medium" "$evimg" "$evimg2"
}

# hotplug_drive SERIAL MONITOR EVIMG: wait for the shell on the serial
# socket, hot-add EVIMG as a USB disk, ask the shell what is mounted.
hotplug_drive() {
	python3 - "$@" <<'PY'
import re, socket, sys, time
def connect(path):
    for _ in range(150):
        try:
            s = socket.socket(socket.AF_UNIX)
            s.connect(path)
            return s
        except OSError:
            time.sleep(0.2)
    sys.exit("no socket " + path)
ser, mon = connect(sys.argv[1]), connect(sys.argv[2])
ser.settimeout(0.5)
log = b""
def wait_for(pattern, seconds):
    global log
    end = time.time() + seconds
    while time.time() < end:
        try:
            data = ser.recv(65536)
            if not data:
                return False
            log += data
        except socket.timeout:
            pass
        if re.search(pattern, log):
            return True
    return False
if not wait_for(rb"exhume: UI on", 280):
    sys.exit("no shell")
time.sleep(2)
mon.sendall(b"drive_add 0 if=none,id=ev,file=" + sys.argv[3].encode() + b",format=raw\n")
time.sleep(1)
mon.sendall(b"device_add usb-storage,bus=xhci.0,drive=ev,id=evdev\n")
t0 = time.time()
for _ in range(20):
    time.sleep(3)
    ser.sendall(b"echo MNT $(grep -c ' /mnt/evidence ' /proc/mounts)\n")
    if wait_for(rb"\nMNT 1", 2):
        break
print("# mounted %.1f s after the disk was added" % (time.time() - t0))
ser.sendall(b"echo RO sda=$(cat /sys/block/sda/ro) sr0=$(cat /sys/block/sr0/ro) END\n")
wait_for(rb"\nRO .* END", 10)
mon.sendall(b"quit\n")
print(log.decode("latin1"))
PY
}

# boot_hotplug NAME: an EXHUME-EVID disk attached after booting from the CD
boot_hotplug() {
	name=$1 log=$work/$1.log medium=$work/$1.iso evimg=$work/$1.evid.img
	[ -f "$iso" ] || { ok "$name: hot-plugged evidence disk # SKIP no $iso (make iso)"; return; }
	cp "$iso" "$medium"
	check "$name: make the shell entry the ISO's default" iso_auto "$medium" shell
	check "$name: evidence disk with an EXHUME-EVID partition" evidence_disk "$evimg"
	rm -f "$work/ser.sock" "$work/mon.sock"
	t0=$(now_ms)
	# shellcheck disable=SC2086
	timeout "$tmo" qemu-system-x86_64 $accel -machine pc -m 1024 -smp 2 \
	    -display none -no-reboot -net none \
	    -serial "unix:$work/ser.sock,server=on,wait=off" \
	    -monitor "unix:$work/mon.sock,server=on,wait=off" \
	    -drive "if=none,id=cd,file=$medium,format=raw,media=cdrom,readonly=on" \
	    -device ide-cd,drive=cd,bus=ide.1,bootindex=0 -device qemu-xhci,id=xhci \
	    -drive "if=none,id=d0,file=$suspect,format=raw" \
	    -device ahci,id=ahci -device ide-hd,drive=d0,bus=ahci.0 \
	    >"$work/$name.qemu" 2>&1 &
	qpid=$!
	hotplug_drive "$work/ser.sock" "$work/mon.sock" "$evimg" 2>&1 |
	    tr -d '\r' > "$log.txt"
	wait $qpid
	grep '^# mounted' "$log.txt"
	echo "# $name: $(secs_since "$t0") s from power-on"
	check "$name: booted from the CD" grep -q 'exhume: boot CD /dev/' "$log.txt"
	check "$name: the hot-added EXHUME-EVID partition is mounted" \
	    grep -q '^MNT 1' "$log.txt"
	check "$name: the suspect disk and the CD stay read-only" \
	    grep -q '^RO sda=1 sr0=1 END' "$log.txt"
	no_ro_writes "$name"
	check "$name: suspect disk SHA-256 unchanged" \
	    test "$(sha256sum "$suspect" | cut -d' ' -f1)" = "$suspect_sha"
	rm -f "$medium" "$evimg"
}

# has_tui: the exhume inside the image has a `tui` command.  Without one
# it says "unknown command" and exits 2 (the stub answers like the CLI).
has_tui() {
	bin=$out/exhume-bin
	[ -x "$bin" ] || return 1
	timeout 20 "$bin" tui --help </dev/null >"$work/tui-help" 2>&1
	rc=$?
	! { [ $rc = 2 ] && grep -q 'unknown command' "$work/tui-help"; }
}

# boot_ui NAME: boot the stick as shipped (the menu's default entry,
# interactive) and wait for the UI's first screen on the serial console.
# The text looked for, "read-only" (or German "schreibgeschützt"), must
# come after /init's "UI on" line: /init's own messages say read-only too.
boot_ui() {
	name=$1 medium=$work/$1.img log=$work/$1.log
	if ! has_tui; then
		ok "$name: UI first screen on the serial console # SKIP no tui yet"
		return
	fi
	cp --sparse=always "$img" "$medium"
	machine "$name"
	t0=$(now_ms)
	qemu "$log"
	state=timeout
	while kill -0 $qpid 2>/dev/null; do
		[ -f "$log" ] || { sleep 0.5; continue; }
		strip_term "$log" > "$log.txt"
		sed -n '/exhume: UI on/,$p' "$log.txt" > "$log.ui"
		if grep -q 'read-only\|schreibgesch' "$log.ui"; then
			state=ui; break
		fi
		if grep -q 'exhume tui exited' "$log.ui"; then
			state=exited; break
		fi
		sleep 0.5
	done
	secs=$(secs_since "$t0")
	kill $qpid 2>/dev/null
	wait $qpid 2>/dev/null
	strip_term "$log" > "$log.txt"
	check "$name: boot stick found" grep -q 'exhume: boot stick /dev/' "$log.txt"
	disks_ro "$name"
	ui_s=$(sed -n 's/.*exhume: UI on .*; \([0-9.]*\) s since boot.*/\1/p' "$log.txt")
	case $state in
	ui)	ok "$name: UI first screen on the serial console after $secs s"
		check "$name: the first screen names exhume" grep -q exhume "$log.ui"
		echo "# $name: boot-to-UI $secs s from power-on (qemu wall time, includes the menu's 3 s); /init started the UI ${ui_s:-?} s after kernel start" ;;
	exited)	notok "$name: UI first screen on the serial console (exhume tui exited after $secs s)"
		sed -n '/exhume: UI on/,$p' "$log.txt" | tail -n 15 | sed 's/^/# /' ;;
	*)	notok "$name: UI first screen on the serial console (none after $secs s; log $log)"
		tail -n 15 "$log.txt" | sed 's/^/# /' ;;
	esac
	no_ro_writes "$name"
	check "$name: suspect disk SHA-256 unchanged" \
	    test "$(sha256sum "$suspect" | cut -d' ' -f1)" = "$suspect_sha"
	rm -f "$medium"
}

for r in $runs; do
	case $r in
	*-ui) boot_ui "$r" ;;
	iso-noevid|iso-twoevid|iso-crowded) boot_noevid "$r" ;;
	iso-hotplug) boot_hotplug "$r" ;;
	*) boot "$r" ;;
	esac
done
echo "# check-image: $(secs_since "$t_start") s in total ($accel)"
echo "1..$n"
[ $failed = 0 ] || { echo "# $failed of $n failed"; exit 1; }
