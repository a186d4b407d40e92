#!/bin/sh
# Installs the Debian 12 packages exhume needs to build and test, if missing.
set -eu
PKGS="build-essential libevtx-utils pkg-config ntfs-3g ntfs-3g-dev libyara-dev yara libssl-dev
libarchive-dev libnewt-dev libblkid-dev libhivex-dev libhivex-bin libevtx-dev
libpcre2-dev libxml2-dev zlib1g-dev libcmocka-dev sleuthkit mandoc fdisk
gettext tmux unzip zip openssl perl python3 dosfstools mtools exfatprogs
pcre2-utils time gzip p7zip-full clang-14 libclang-rt-14-dev
libewf-dev libvhdi-dev libvmdk-dev libqcow-dev libsmraw-dev ewf-tools qemu-utils
libvhdi-utils libbfio-dev libvshadow-dev libfsntfs-utils"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
	    missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing:$missing"
SUDO=""
[ "$(id -u)" = 0 ] || SUDO=sudo
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing >/dev/null
