#!/bin/sh
# build.sh: build build/image/exhume.img from build/rel/exhume, rules/ and
# Debian 12 packages (signed kernel, shim, grub) fetched with apt-get
# download into build/image/debs and kept there as a cache.
#
# Environment: EXHUME_BIN (default build/rel/exhume), IMAGE_OUT (default
# build/image), RULES_DIR (rules), LOCALE_DIR (build/locale, optional).
# Needs no root once the host tools are installed (image/image.mk does that).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
out=${IMAGE_OUT:-$top/build/image}
EXHUME_BIN=${EXHUME_BIN:-$top/build/rel/exhume}
RULES_DIR=${RULES_DIR:-$top/rules}
LOCALE_DIR=${LOCALE_DIR:-$top/build/locale}
IMAGE_DIR=$here
export EXHUME_BIN RULES_DIR LOCALE_DIR IMAGE_DIR
start=$(date +%s.%N)

[ -x "$EXHUME_BIN" ] || { echo "image: $EXHUME_BIN missing; run make first" >&2; exit 1; }
mkdir -p "$out/debs" "$out/pkg"

# The kernel ABI (linux-image-6.1.0-NN-amd64) moves with security updates:
# resolve it from the metapackage every time.
resolve() {
	apt-cache depends linux-image-amd64 2>/dev/null |
	    awk '/Depends: linux-image-[0-9]/{print $2; exit}'
}
kpkg=$(resolve)
if [ -z "$kpkg" ]; then
	# A fresh machine (CI) may have no package lists yet.
	SUDO=
	[ "$(id -u)" = 0 ] || SUDO=sudo
	echo "image: no package lists for linux-image-amd64; apt-get update" >&2
	$SUDO apt-get update -qq >&2 || true
	kpkg=$(resolve)
fi
[ -n "$kpkg" ] || { echo "image: cannot resolve linux-image-amd64; apt-get update?" >&2; exit 1; }
kver=${kpkg#linux-image-}

# fetch PKG: download the candidate version unless cached, unpack it once;
# prints the unpacked directory.
fetch() {
	ver=$(apt-cache policy "$1" | awk '/Candidate:/{print $2}')
	arch=$(apt-cache show --no-all-versions "$1" | awk '/^Architecture:/{print $2; exit}')
	deb="$out/debs/${1}_$(echo "$ver" | sed 's/:/%3a/')_$arch.deb"
	if [ ! -f "$deb" ]; then
		(cd "$out/debs" && apt-get download -q "$1=$ver" >&2)
	fi
	dir=$out/pkg/$1
	if [ "$(cat "$dir.stamp" 2>/dev/null)" != "$deb" ]; then
		rm -rf "$dir" && mkdir -p "$dir"
		dpkg-deb -x "$deb" "$dir"
		echo "$deb" > "$dir.stamp"
	fi
	echo "$dir"
}
kroot=$(fetch "$kpkg")
shim=$(fetch shim-signed)
grub=$(fetch grub-efi-amd64-signed)
mm=$(fetch shim-helpers-amd64-signed)
[ -f "$kroot/lib/modules/$kver/modules.dep" ] || depmod -b "$kroot" "$kver"

efi=$out/efi
mkdir -p "$efi"
cp "$shim/usr/lib/shim/shimx64.efi.signed" "$efi/shimx64.efi"
cp "$grub/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed" "$efi/grubx64.efi"
cp "$mm/usr/lib/shim/mmx64.efi.signed" "$efi/mmx64.efi"
cp "$kroot/boot/vmlinuz-$kver" "$out/vmlinuz"

sh "$here/mkinitramfs.sh" "$kroot" "$kver" "$out/initrd.img"
bootid=$(sh "$here/assemble.sh" "$out/exhume.img.tmp" "$out/vmlinuz" \
    "$out/initrd.img" "$efi")
mv "$out/exhume.img.tmp" "$out/exhume.img"
echo "$bootid" > "$out/bootid"
# The binary inside the image, for check-image (which features to test).
cp "$EXHUME_BIN" "$out/exhume-bin"

size=$(stat -c %s "$out/exhume.img")
alloc=$(($(stat -c %b "$out/exhume.img") * $(stat -c %B "$out/exhume.img")))
secs=$(echo "$start $(date +%s.%N)" | awk '{printf "%.1f", $2 - $1}')
echo "image: $out/exhume.img kernel $kver boot id $bootid"
echo "image: size $size bytes ($((size / 1048576)) MiB, $((size / 1000000)) MB)" \
    "apparent, $((alloc / 1048576)) MiB allocated;" \
    "initrd $(($(stat -c %s "$out/initrd.img") / 1048576)) MiB"
echo "image: built in $secs s"
# The issue's limit: 200 MB, apparent size (what dd writes).
[ "$size" -le 200000000 ] ||
    { echo "image: $size bytes is over the 200 MB limit" >&2; exit 1; }
