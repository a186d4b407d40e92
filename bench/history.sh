#!/bin/sh
# make bench-history: peak memory of the history readers on a large
# volume: 100,000 deleted files (100 folders of 1,000 pages, all deleted
# but one folder's worth kept live) and a 4 GiB $UsnJrnl:$J whose first
# 4 GiB - 64 MiB are a sparse hole (as Windows leaves the journal after
# it wrapped) followed by 64 MiB of version 2 records.  Peak RSS of
# `exhume scan` (live files, history and the content of deleted files),
# `files --deleted` and `files --usn` is measured with /usr/bin/time -v and
# printed; the run fails when one exceeds 512 MiB, or when the listings
# miss records.  Memory is the claim, not speed: timings are printed only.
#
#   BENCH_DIR   work directory (default /tmp/exhume-bench-history); the
#               image (about 300 MB written, sparse) is kept and rebuilt
#               only when this script changes
#   BENCH_FILES deleted files (default 100000)
#
# Needs make all tools, /usr/bin/time and python3; about 1 GB of free disk.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tools=${TOOLS:-$top/build/tools}
exhume=${EXHUME_REL:-$top/build/rel/exhume}
bdir=${BENCH_DIR:-/tmp/exhume-bench-history}
nfiles=${BENCH_FILES:-100000}
limit_kb=$((512 * 1024))

die() {
	echo "bench/history.sh: $*" >&2
	exit 1
}
for t in "$tools/mkfixture" "$exhume" /usr/bin/time; do
	[ -x "$t" ] || die "$t missing (make all tools)"
done
mkdir -p "$bdir"
stamp=$(cat "$0" | sha256sum | cut -c1-16)-$nfiles
img="$bdir/history.img"
if [ ! -f "$img" ] || [ "$(cat "$bdir/stamp" 2>/dev/null)" != "$stamp" ]; then
	echo "generating $nfiles deleted files and a 4 GiB journal in $bdir ..."
	python3 - "$bdir" "$nfiles" <<'PY'
import os, struct, sys
d, n = sys.argv[1], int(sys.argv[2])
T = 132580000000000000
# 64 MiB of USN_RECORD_V2 in 4 KiB pages; records never cross a page.
page, pages, usn, i = b'', [], 0, 0
total = 64 << 20
with open(os.path.join(d, 'j.bin'), 'wb') as j:
    written = 0
    while written < total:
        name = ('page%06d.aspx' % (i % n)).encode('utf-16le')
        size = (60 + len(name) + 7) // 8 * 8
        if len(page) + size > 4096:
            j.write(page.ljust(4096, b'\0')); written += 4096; page = b''
            continue
        rec = struct.pack('<IHHQQqqIIIIHH', size, 2, 0, 1 << 48 | (100 + i),
                          1 << 48 | 5, usn, T + i, 0x100 if i % 2 else 0x200,
                          0, 0, 0x20, len(name), 60) + name
        page += rec.ljust(size, b'\0'); usn += size; i += 1
with open(os.path.join(d, 'spec'), 'w') as s:
    s.write('disk none\npart ntfs start=0 size=640M\n')
    dirs = (n + 999) // 1000 + 1
    for k in range(dirs):
        s.write('mkdir \\inetpub\\wwwroot\\d%03d\n' % k)
    for f in range(n + 1000):
        s.write('file \\inetpub\\wwwroot\\d%03d\\p%06d.aspx text:<%%@ Page %%>%d\n'
                % (f // 1000, f, f))
    for f in range(n):
        s.write('delete \\inetpub\\wwwroot\\d%03d\\p%06d.aspx\n' % (f // 1000, f))
    s.write('file \\$Extend\\$UsnJrnl text:\n')
    s.write('ads \\$Extend\\$UsnJrnl:$J hole=%d from:j.bin\n'
            % ((4 << 30) - (64 << 20)))
print(i, file=open(os.path.join(d, 'usn.count'), 'w'))
PY
	/usr/bin/time -f "  mkfixture: %e s" "$tools/mkfixture" "$bdir/spec" \
	    "$img" || die "mkfixture failed"
	echo "$stamp" >"$bdir/stamp"
fi

fail=0
measure() {	# measure LABEL ARGS...: peak RSS in KiB into $rss
	label=$1
	shift
	/usr/bin/time -v -o "$bdir/time.txt" "$exhume" "$@" \
	    >"$bdir/out.txt" 2>"$bdir/err.txt" || true
	rss=$(sed -n 's/.*Maximum resident set size (kbytes): //p' \
	    "$bdir/time.txt")
	secs=$(sed -n 's/.*Elapsed (wall clock) time.*: //p' "$bdir/time.txt")
	printf '%-28s peak RSS %7d KiB (%4d MiB)  wall %s\n' "$label" "$rss" \
	    $((rss / 1024)) "$secs"
	if [ "$rss" -gt "$limit_kb" ]; then
		echo "  above 512 MiB" >&2
		fail=1
	fi
}
measure "files --deleted --jsonl" files "$img" --deleted --jsonl
listed=$(wc -l <"$bdir/out.txt")
[ "$listed" -ge "$nfiles" ] || { echo "  only $listed listed" >&2; fail=1; }
echo "  $listed deleted names listed"
measure "files --usn --jsonl" files "$img" --usn --jsonl
rows=$(wc -l <"$bdir/out.txt")
[ "$rows" -eq "$(cat "$bdir/usn.count")" ] ||
    { echo "  $rows journal rows, $(cat "$bdir/usn.count") written" >&2; fail=1; }
echo "  $rows journal rows"
rm -rf "$bdir/res"
measure "scan (live, history, deleted)" scan "$img" --letter 1=C \
    --out "$bdir/res"
grep 'deleted content:\|history: volume' "$bdir/err.txt" | sed 's/^/  /'
exit $fail
