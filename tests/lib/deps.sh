#!/bin/sh
# Installs the Debian 12 packages exhume needs to build and test, if missing.
set -eu
PKGS="build-essential libevtx-utils pkg-config ntfs-3g ntfs-3g-dev libyara-dev yara libssl-dev
libarchive-dev libnewt-dev libblkid-dev libhivex-dev libhivex-bin libevtx-dev
libpcre2-dev libxml2-dev zlib1g-dev libcmocka-dev sleuthkit mandoc fdisk
gettext tmux unzip zip openssl perl python3 dosfstools mtools exfatprogs
pcre2-utils time gzip p7zip-full clang-14 libclang-rt-14-dev
libewf-dev libvhdi-dev libvmdk-dev libqcow-dev libsmraw-dev ewf-tools qemu-utils
libvhdi-utils libbfio-dev libvshadow-dev libfsntfs-utils libvshadow-utils"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
	    missing="$missing $p"
done
# libevtx >= 20240504 reads event records stored without a template
# (forwarded events, some Defender and Exchange logs); Debian 12 has
# 20181227.  Debian 13's build needs only libc6 >= 2.34, so it is taken
# from trixie, pinned for libevtx* alone: every other trixie package stays
# at priority 1 (never installed or upgraded unless named), so libc and the
# rest of the system stay Debian 12.
EVTX_MIN=20240504
evtx_new() {
	v=$(dpkg-query -W -f='${Version}' libevtx-dev 2>/dev/null) &&
	    dpkg --compare-versions "$v" ge "$EVTX_MIN"
}
[ -z "$missing" ] && evtx_new && exit 0
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
if ! evtx_new; then
	echo "deps: libevtx $EVTX_MIN from Debian 13 (trixie), pinned to libevtx*"
	echo "deb http://deb.debian.org/debian trixie main" |
	    $SUDO tee /etc/apt/sources.list.d/exhume-trixie-libevtx.list >/dev/null
	printf '%s\n' "Package: *" "Pin: release n=trixie" "Pin-Priority: 1" "" \
	    "Package: libevtx*" "Pin: release n=trixie" "Pin-Priority: 990" |
	    $SUDO tee /etc/apt/preferences.d/exhume-trixie-libevtx >/dev/null
	missing="$missing libevtx1t64 libevtx-dev libevtx-utils"
fi
echo "deps: installing:$missing"
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
evtx_new || { echo "deps: libevtx-dev >= $EVTX_MIN did not install" >&2; exit 1; }
