#!/bin/sh
# make deb: builds the Debian package from a copy of this tree (so that
# debian/rules clean never touches this tree's build/), runs lintian on it
# when lintian is installed, and runs t7000 on the unpacked package.
# Result: build/deb/exhume_<version>_<arch>.deb and build/deb/lintian.txt.
set -eu
cd "$(dirname "$0")/../.."
top=$(pwd)
out=$top/build/deb
for t in dpkg-buildpackage dh; do
	command -v "$t" >/dev/null 2>&1 || {
		echo "deb: $t missing; apt-get install dpkg-dev debhelper" >&2
		exit 2
	}
done
ver=$(dpkg-parsechangelog -S Version)
rm -rf "$out" && mkdir -p "$out/src/exhume-$ver"
tar --exclude=./build --exclude=./.git -cf - . |
    tar -C "$out/src/exhume-$ver" -xf -
echo "deb: dpkg-buildpackage -us -uc -b in $out/src/exhume-$ver"
(cd "$out/src/exhume-$ver" && dpkg-buildpackage -us -uc -b) \
    >"$out/build.log" 2>&1 || {
	tail -n 30 "$out/build.log" >&2
	echo "deb: dpkg-buildpackage failed; see $out/build.log" >&2
	exit 1
}
mv "$out"/src/*.deb "$out"/src/*.changes "$out"/src/*.buildinfo "$out"/
rm -rf "$out/src"
deb=$(ls "$out"/exhume_*.deb)
echo "deb: $deb"
dpkg-deb -I "$deb" | sed -n 's/^ \(Depends\|Installed-Size\):/deb:   \1:/p'
if command -v lintian >/dev/null 2>&1; then
	lintian -I --pedantic "$out"/exhume_*.changes 2>&1 |
	    grep -v "running with root privileges" >"$out/lintian.txt" ||
	    true
	if [ -s "$out/lintian.txt" ]; then
		echo "deb: lintian (-I --pedantic) says:"
		sed 's/^/deb:   /' "$out/lintian.txt"
	else
		echo "deb: lintian -I --pedantic: clean"
	fi
else
	echo "deb: lintian not installed; apt-get install lintian to check"
fi
EXHUME_DEB=$deb EXHUME=$top/build/rel/exhume EXHUME_REL=$top/build/rel/exhume \
    TOOLS=$top/build/tools TOP=$top prove -v tests/t/t7000-install.sh
