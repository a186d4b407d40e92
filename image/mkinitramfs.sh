#!/bin/sh
# mkinitramfs.sh KROOT KVER OUT: build exhume's initramfs (zstd cpio).
#
# KROOT is the unpacked Debian kernel package (modules.dep already made by
# depmod -b), KVER its version.  Environment: EXHUME_BIN (the binary to
# ship), RULES_DIR, LOCALE_DIR (optional), IMAGE_DIR (this directory).
# Runs as any user: nothing here needs root, loop devices or mounts.
set -eu
kroot=$1 kver=$2 out=$3
here=${IMAGE_DIR:-$(cd "$(dirname "$0")" && pwd)}

R=$(mktemp -d "${TMPDIR:-/tmp}/exhume-initramfs.XXXXXX")
trap 'rm -rf "$R"' EXIT
chmod 755 "$R"
mkdir -p "$R"/bin "$R"/usr/share "$R"/proc "$R"/sys "$R"/dev "$R"/run \
    "$R"/tmp "$R"/etc "$R"/mnt/evidence "$R"/lib/modules/"$kver"
ln -s bin "$R"/sbin
ln -s ../bin "$R"/usr/bin
ln -s ../bin "$R"/usr/sbin

# busybox, minus the applets that write to disks, swap or the RTC.  The
# binary still has them (busybox mkswap ...); leaving out the links stops
# them being reached by accident from the shell on tty2.
cp /bin/busybox "$R"/bin/busybox
for a in $(/bin/busybox --list); do
	case $a in
	busybox|swapon|swapoff|mkswap|blkdiscard|fstrim|fdisk|mke2fs|mkdosfs|\
	shred|resume|hwclock|freeramdisk|fsfreeze|partprobe|fatattr|nuke)
		continue ;;
	esac
	[ -e "$R/bin/$a" ] || ln -s busybox "$R/bin/$a"
done

# Dynamic binaries with their shared-library closure.  ldd runs the loader
# on the binary, which is acceptable for our own, trusted builds.
copy_lib() {
	[ -e "$R$1" ] && return 0
	mkdir -p "$R$(dirname "$1")"
	cp -L "$1" "$R$1"
}
copy_bin() {	# SRC DESTNAME
	cp -L "$1" "$R/bin/$2"
	if head -c 4 "$1" | grep -q ELF; then
		for l in $(ldd "$1" | awk '/=> \//{print $3} /^[ \t]*\//{print $1}'); do
			copy_lib "$l"
		done
	fi
}
copy_bin "$EXHUME_BIN" exhume
# The image carries the libevtx the binary was linked with: it must be the
# one that reads records stored without a template (>= 20240504, Debian
# 13's libevtx1t64, installed pinned by tests/lib/deps.sh).  The test stub
# links no libevtx and is let through.
evtx_so=$(ldd "$EXHUME_BIN" 2>/dev/null | awk '/libevtx\.so/{print $3}')
if [ -n "$evtx_so" ]; then
	evtx_pkg=$(dpkg-query -S "$(readlink -f "$evtx_so")" 2>/dev/null |
	    sed -n '1s/:.*//p')
	evtx_ver=$(dpkg-query -W -f='${Version}' "$evtx_pkg" 2>/dev/null || true)
	if ! dpkg --compare-versions "${evtx_ver:-0}" ge 20240504; then
		echo "mkinitramfs: $evtx_so is libevtx ${evtx_ver:-unknown}," \
		    "which cannot read template-less records; run" \
		    "sh tests/lib/deps.sh and rebuild" >&2
		exit 1
	fi
	echo "mkinitramfs: libevtx $evtx_ver ($evtx_pkg)"
fi
# blkid to find the stick by its id (busybox has none); ntfs-3g's reading
# tools for a responder on the tty2 shell.  Nothing that writes NTFS.
for b in blkid ntfsls ntfscat ntfsinfo; do
	p=$(PATH=/usr/sbin:/sbin:/usr/bin:/bin command -v "$b") ||
	    { echo "mkinitramfs: $b not found on the build host" >&2; exit 1; }
	copy_bin "$p" "$b"
done
cp "$here"/init "$R"/init
chmod 755 "$R"/init "$R"/bin/*

# data: rules, translations, terminfo (newt/S-Lang needs it)
mkdir -p "$R"/usr/share/exhume
if [ -d "$RULES_DIR" ]; then
	cp -R "$RULES_DIR" "$R"/usr/share/exhume/rules
else
	echo "mkinitramfs: WARNING: no rules directory $RULES_DIR" >&2
	mkdir -p "$R"/usr/share/exhume/rules
fi
if [ -n "${LOCALE_DIR:-}" ] && [ -d "$LOCALE_DIR" ]; then
	cp -R "$LOCALE_DIR" "$R"/usr/share/locale
fi
# C.UTF-8 (libc-bin) so programs run in a UTF-8 locale; glibc 2.36 does
# not have it built in.
if [ -d /usr/lib/locale/C.utf8 ]; then
	mkdir -p "$R"/usr/lib/locale
	cp -R /usr/lib/locale/C.utf8 "$R"/usr/lib/locale/
fi
# A binary built with the build tree's paths compiled in (older Makefiles)
# finds the copies there too; init also exports EXHUME_RULES_DIR and
# EXHUME_LOCALE_DIR, since /bin/exhume has no PREFIX/share beside it.
link_dir() {	# BUILD-PATH IMAGE-PATH
	case $1 in /*) ;; *) return 0 ;; esac
	[ -e "$R$1" ] && return 0
	mkdir -p "$R$(dirname "$1")"
	ln -s "$2" "$R$1"
}
link_dir "$RULES_DIR" /usr/share/exhume/rules
[ -d "$R"/usr/share/locale ] && link_dir "$LOCALE_DIR" /usr/share/locale
for t in l/linux v/vt100 v/vt220 x/xterm; do
	for d in /usr/share/terminfo /lib/terminfo; do
		[ -f "$d/$t" ] || continue
		mkdir -p "$R/usr/share/terminfo/${t%/*}"
		cp "$d/$t" "$R/usr/share/terminfo/$t"
		break
	done
	[ -f "$R/usr/share/terminfo/$t" ] ||
	    { echo "mkinitramfs: terminfo $t not found" >&2; exit 1; }
done

# kernel modules: the list plus dependencies, then depmod on the subset
mods=$(sed 's/#.*//' "$here"/modules.txt)
for m in $mods; do
	deps=$(modprobe -d "$kroot" -S "$kver" --show-depends "$m" 2>/dev/null) ||
	    { echo "mkinitramfs: module $m not in $kver, skipped" >&2; continue; }
	printf '%s\n' "$deps" | awk '$1=="insmod"{print $2}'
done | sort -u | while read -r ko; do
	rel=${ko#"$kroot"}
	mkdir -p "$R$(dirname "$rel")"
	cp "$ko" "$R$rel"
done
for f in modules.builtin modules.builtin.modinfo modules.order; do
	cp "$kroot/lib/modules/$kver/$f" "$R/lib/modules/$kver/"
done
depmod -b "$R" "$kver"
echo "mkinitramfs: $(find "$R"/lib/modules -name '*.ko' | wc -l) modules"

(cd "$R" && find . -print0 | LC_ALL=C sort -z |
    cpio --null -o -H newc -R 0:0 --reproducible --quiet | zstd -q -10 -T0) \
    > "$out"
