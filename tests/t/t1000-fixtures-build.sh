#!/bin/sh
# t1000: every fixture spec builds, and The Sleuth Kit and libblkid see on the
# image exactly what the spec asked for (layout, names, content, times, damage).
set -u

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
TOOLS=${TOOLS:-$TOP/build/tools}
MKFIXTURE=$TOOLS/mkfixture
FIX=$TOP/tests/fixtures
# blkid and friends live in sbin, which a user's PATH may lack.
PATH=$PATH:/usr/sbin:/sbin
export PATH

for t in mmls fls icat istat fsstat blkid sha256sum; do
	if ! command -v "$t" >/dev/null 2>&1; then
		echo "1..0 # SKIP $t missing (run sh tests/lib/deps.sh)"
		exit 0
	fi
done
if [ ! -x "$MKFIXTURE" ]; then
	echo "1..0 # SKIP $MKFIXTURE not built (make tools)"
	exit 0
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/t1000.XXXXXX") || exit 1
trap 'rm -rf "$WORK"' EXIT INT TERM

n=0
failed=0
ok() {
	n=$((n + 1))
	echo "ok $n - $1"
}
notok() {
	n=$((n + 1))
	failed=$((failed + 1))
	echo "not ok $n - $1"
}
# check CLAIM COMMAND...: the command's exit status decides.
check() {
	claim=$1
	shift
	if "$@" >"$WORK/out" 2>&1; then
		ok "$claim"
	else
		notok "$claim"
		sed 's/^/# /' "$WORK/out" | head -20
	fi
}

build() {
	"$MKFIXTURE" "$FIX/$1.spec" "$WORK/$1.img"
}

# fls_of IMG SECTOR: the recursive listing, cached per volume.
fls_of() {
	f="$WORK/fls.$(basename "$1").$2"
	[ -f "$f" ] || fls -r -p -o "$2" "$1" >"$f" 2>"$f.err"
	cat "$f"
}

# addr_of IMG SECTOR PATH: the TSK address (inode-type-id) listed for PATH.
addr_of() {
	fls_of "$1" "$2" | awk -F '\t' -v p="$3" '
	    $2 == p { k = split($1, a, " "); x = a[k]; sub(":$", "", x);
	    print x; exit }'
}

# content_is IMG SECTOR PATH SHA256: PATH is listed and its bytes hash so.
content_is() {
	a=$(addr_of "$1" "$2" "$3")
	[ -n "$a" ] || { echo "not listed: $3"; return 1; }
	got=$(icat -o "$2" "$1" "$a" | sha256sum | cut -d' ' -f1)
	[ "$got" = "$4" ] || { echo "$3: sha256 $got, want $4"; return 1; }
}

listed() {
	[ -n "$(addr_of "$1" "$2" "$3")" ] || { echo "not listed: $3"; return 1; }
}

sha() {
	printf "$1" | sha256sum | cut -d' ' -f1
}

# mmls_has IMG START LENGTH: mmls shows a partition with that start and length.
mmls_has() {
	mmls "$1" | awk -v s="$2" -v l="$3" '
	    $2 ~ /^[0-9]+(:[0-9]+)?$/ && $3 + 0 == s && $5 + 0 == l { f = 1 }
	    END { exit !f }'
}

blkid_at() {
	blkid -p -O $(($2 * 512)) "$1"
}

# istat_has IMG SECTOR PATH TEXT: istat output of PATH contains TEXT.
istat_has() {
	a=$(addr_of "$1" "$2" "$3")
	[ -n "$a" ] || { echo "not listed: $3"; return 1; }
	istat -o "$2" "$1" "${a%%-*}" | grep -F -- "$4" >/dev/null ||
	    { istat -o "$2" "$1" "${a%%-*}"; return 1; }
}

# The test runs as whoever calls it; nothing here needs root.
# The plan is printed last, once every claim has run.

# ---- basic.spec ------------------------------------------------------------
B=$WORK/basic.img
check "basic.spec builds" build basic
check "basic: SYSTEM ntfs partition at 2048, 64 MiB" mmls_has "$B" 2048 131072
check "basic: DATA ntfs partition at 133120" mmls_has "$B" 133120 65536
check "basic: FAT partition at 198656" mmls_has "$B" 198656 32768
check "basic: BitLocker partition at 231424" mmls_has "$B" 231424 16384
check "basic: raw partition at 247808" mmls_has "$B" 247808 8192
check "basic: blkid sees a GPT" sh -c "blkid -p '$B' | grep -F 'PTTYPE=\"gpt\"'"
check "basic: blkid sees ntfs LABEL=SYSTEM at 2048" sh -c \
    "blkid -p -O $((2048 * 512)) '$B' | grep -F 'LABEL=\"SYSTEM\"' | grep -F 'TYPE=\"ntfs\"'"
check "basic: blkid sees ntfs LABEL=DATA at 133120" sh -c \
    "blkid -p -O $((133120 * 512)) '$B' | grep -F 'TYPE=\"ntfs\"' | grep -F 'LABEL=\"DATA\"'"
check "basic: blkid sees vfat LABEL=FATVOL at 198656" sh -c \
    "blkid -p -O $((198656 * 512)) '$B' | grep -F 'TYPE=\"vfat\"' | grep -F 'LABEL=\"FATVOL\"'"
check "basic: blkid reports TYPE=BitLocker USAGE=crypto at 231424" sh -c \
    "blkid -p -O $((231424 * 512)) '$B' | grep -F 'TYPE=\"BitLocker\"' | grep -F 'USAGE=\"crypto\"'"
check "basic: image is sparse (allocated < 1/4 of its size)" sh -c \
    "[ \$((\$(stat -c %b '$B') * 512)) -lt \$((\$(stat -c %s '$B') / 4)) ]"

check "basic: SYSTEM hive bytes (random:1, 256 KiB)" content_is "$B" 2048 \
    Windows/System32/config/SYSTEM \
    9344cb164e6ee8675b96cdc286206cedde6e5631ad0e42183779888f5bfe82dd
check "basic: hosts text with CRLF" content_is "$B" 2048 \
    Windows/System32/drivers/etc/hosts "$(sha '127.0.0.1 localhost\r\n')"
check "basic: empty directory system_web is listed" listed "$B" 2048 \
    inetpub/wwwroot/aspnet_client/system_web
check "basic: discover.aspx content" content_is "$B" 2048 \
    inetpub/wwwroot/aspnet_client/discover.aspx \
    "$(sha '<%%@ Page Language="C#" %%>\r\n<%% Response.Write("hi"); %%>\r\n')"
check "basic: ADS discover.aspx:hidden content" content_is "$B" 2048 \
    inetpub/wwwroot/aspnet_client/discover.aspx:hidden \
    "$(sha 'stream payload\n')"
check "basic: hex: content" content_is "$B" 2048 inetpub/wwwroot/iisstart.htm \
    "$(sha '<html></html>\n')"
check "basic: from: content equals the sample file" content_is "$B" 2048 \
    inetpub/logs/LogFiles/W3SVC1/u_ex210303.log \
    "$(sha256sum <"$FIX/samples/u_ex210303.log" | cut -d' ' -f1)"
check "basic: 3 MiB random:42 file" content_is "$B" 2048 \
    inetpub/wwwroot/bin/big.bin \
    9aa9acfd527569b916ebb0143cf6a118554d06fb1665f31093bfb9e357342073
check "basic: compressed file reads back (200 KiB of A)" content_is "$B" 2048 \
    inetpub/wwwroot/compressed.txt \
    "$(head -c 204800 /dev/zero | tr '\0' A | sha256sum | cut -d' ' -f1)"
check "basic: compressed file's \$DATA is NTFS-compressed" istat_has "$B" 2048 \
    inetpub/wwwroot/compressed.txt "Non-Resident, Compressed"
check "basic: hard link shares the MFT record of its target" sh -c \
    "[ -n \"\$1\" ] && [ \"\$1\" = \"\$2\" ]" sh \
    "$(addr_of "$B" 2048 inetpub/wwwroot/linked.aspx)" \
    "$(addr_of "$B" 2048 inetpub/wwwroot/aspnet_client/discover.aspx)"
check "basic: hard link record has 2 links" istat_has "$B" 2048 \
    inetpub/wwwroot/linked.aspx "Links: 2"
check "basic: junction is a reparse point" istat_has "$B" 2048 \
    Documents/Link "Reparse Point"
check "basic: junction points to \\??\\C:\\inetpub" sh -c \
    "icat -o 2048 '$B' \"\${1%%-*}-192\" | tr -d '\\000' | grep -F '\\??\\C:\\inetpub'" \
    sh "$(addr_of "$B" 2048 Documents/Link)"
check "basic: umlaut name" content_is "$B" 2048 'Users/Grüße.txt' "$(sha umlaut)"
check "basic: Cyrillic name" content_is "$B" 2048 'Users/Привет.txt' \
    "$(sha cyrillic)"
check "basic: CJK name" content_is "$B" 2048 'Users/中文.txt' "$(sha cjk)"
check "basic: emoji name" content_is "$B" 2048 'Users/😀.txt' "$(sha emoji)"
check "basic: unpaired-surrogate name is listed with its content" sh -c \
    "[ -n \"\$1\" ] && [ \"\$(icat -o 2048 '$B' \$1)\" = 'unpaired surrogate' ]" \
    sh "$(fls_of "$B" 2048 | awk -F '\t' '$2 ~ /^Users\/lone/ {
    k = split($1, a, " "); x = a[k]; sub(":$", "", x); print x; exit }')"
L255=$(printf '%251s' '' | tr ' ' L).txt
check "basic: 255-character name" content_is "$B" 2048 "Users/$L255" \
    "$(sha '255 units')"
DEEP=Deep
i=1
while [ $i -le 100 ]; do
	DEEP=$DEEP/$(printf 'n%03d' $i)
	i=$((i + 1))
done
check "basic: file under 100 nested directories" content_is "$B" 2048 \
    "$DEEP/leaf.txt" "$(sha 'level 101')"
check "basic: hidden+system file" istat_has "$B" 2048 \
    ProgramData/hidden.dat "Flags: Hidden, System"
check "basic: encrypted file's \$DATA is flagged encrypted" istat_has "$B" \
    2048 Users/secret.efs "Non-Resident, Encrypted"
check "basic: encrypted file carries FILE_ATTR_ENCRYPTED" istat_has "$B" \
    2048 Users/secret.efs "Encrypted"
check "basic: SI created time with 100 ns digits" istat_has "$B" 2048 \
    inetpub/wwwroot/aspnet_client/discover.aspx \
    "Created:	2021-03-03 06:49:42.123456700 (UTC)"
check "basic: SI accessed time" istat_has "$B" 2048 \
    inetpub/wwwroot/aspnet_client/discover.aspx \
    "Accessed:	2021-03-04 00:00:00.000000000 (UTC)"
check "basic: FN times on both names of the hard-linked record" sh -c \
    "[ \$(istat -o 2048 '$B' \"\${1%%-*}\" | grep -c 'MFT Modified:	2020-01-03 00:00:00') -eq 2 ]" \
    sh "$(addr_of "$B" 2048 inetpub/wwwroot/linked.aspx)"
check "basic: directory SI modified time" istat_has "$B" 2048 \
    inetpub/wwwroot/aspnet_client \
    "File Modified:	2019-06-02 12:00:00.000000000 (UTC)"
check "basic: file on the second ntfs partition" content_is "$B" 133120 \
    ExchangeDatabases/readme.txt "$(sha 'data volume\n')"
check "basic: FAT volume is FAT16 per fsstat" sh -c \
    "fsstat -o 198656 '$B' | grep -F 'File System Type: FAT16'"

# ---- mbr63.spec / mbr128.spec -----------------------------------------------
M=$WORK/mbr63.img
check "mbr63.spec builds" build mbr63
check "mbr63: MBR partitions at 63, 32831 and 53248" sh -c \
    "mmls '$M' | grep -F 'DOS Partition Table' && \
    mmls '$M' | grep -E '000:000 +0000000063 ' && \
    mmls '$M' | grep -E '000:001 +0000032831 ' && \
    mmls '$M' | grep -E '000:002 +0000053248 '"
check "mbr63: ntfs at 63 holds its file" content_is "$M" 63 at63.txt \
    "$(sha 'partition at sector 63\n')"
check "mbr63: ntfs at 32831 and 53248 hold their files" sh -c \
    "[ \"\$(icat -o 32831 '$M' \$1)\" = 'unaligned start' ] &&
    [ \"\$(icat -o 53248 '$M' \$2)\" = 'aligned start' ]" sh \
    "$(addr_of "$M" 32831 odd.txt)" "$(addr_of "$M" 53248 at2048x.txt)"
R=$WORK/mbr128.img
check "mbr128.spec builds, partitions at 128 and 34816" sh -c \
    "'$MKFIXTURE' '$FIX/mbr128.spec' '$R' && mmls '$R' |
    grep -E '^[0-9]+: +000:000 +0000000128 ' && mmls '$R' |
    grep -E '^[0-9]+: +000:001 +0000034816 '"
check "mbr128: ntfs at 128 holds its file" content_is "$R" 128 at128.txt \
    "$(sha 'partition at sector 128\n')"

# ---- partition-only.spec -----------------------------------------------------
P=$WORK/partition-only.img
check "partition-only.spec builds" build partition-only
check "partition-only: no partition table, ntfs at offset 0" sh -c \
    "! mmls '$P' >/dev/null 2>&1 && blkid -p '$P' | grep -F 'TYPE=\"ntfs\"' &&
    ! blkid -p '$P' | grep -F PTTYPE"
check "partition-only: files readable at offset 0" content_is "$P" 0 \
    inetpub/wwwroot/default.aspx "$(sha '<%%@ Page %%>\r\n')"

# ---- nopart.spec -------------------------------------------------------------
Z=$WORK/nopart.img
check "nopart.spec builds a 16 MiB image" sh -c \
    "'$MKFIXTURE' '$FIX/nopart.spec' '$Z' && [ \$(stat -c %s '$Z') -eq 16777216 ]"
check "nopart: no table and no file system (blkid, mmls, fsstat)" sh -c \
    "! blkid -p '$Z' && ! mmls '$Z' && ! fsstat '$Z'"

# ---- corrupt.spec ------------------------------------------------------------
C=$WORK/corrupt.img
check "corrupt.spec builds" build corrupt
check "corrupt: bad fixup record is refused by istat" sh -c \
    "a=\$1; ! istat -o 2048 '$C' \${a%%-*} && istat -o 2048 '$C' \${a%%-*} 2>&1 |
    grep -i 'update sequence'" sh "$(addr_of "$C" 2048 badfixup.txt)"
check "corrupt: impossible attribute length loses \$DATA (icat fails)" sh -c \
    "a=\$1; [ -n \"\$a\" ] && ! icat -o 2048 '$C' \${a%%-*}" sh \
    "$(addr_of "$C" 2048 badlen.txt)"
check "corrupt: damaged directory index cannot be listed" sh -c \
    "a=\$1; [ -n \"\$a\" ] && ! fls -o 2048 '$C' \${a%%-*}" sh \
    "$(addr_of "$C" 2048 baddir)"
check "corrupt: healthy files around the damage still read" sh -c \
    "[ \"\$(icat -o 2048 '$C' \$1)\" = 'healthy one' ] &&
    [ \"\$(icat -o 2048 '$C' \$2)\" = 'healthy two' ] &&
    [ \"\$(icat -o 2048 '$C' \$3)\" = 'healthy three' ]" sh \
    "$(addr_of "$C" 2048 healthy1.txt)" \
    "$(addr_of "$C" 2048 gooddir/healthy2.txt)" \
    "$(addr_of "$C" 2048 healthy3.txt)"

# ---- truncated.spec ----------------------------------------------------------
T=$WORK/truncated.img
check "truncated.spec builds an image cut to 40 MiB" sh -c \
    "'$MKFIXTURE' '$FIX/truncated.spec' '$T' && [ \$(stat -c %s '$T') -eq 41943040 ]"
check "truncated: a file before the cut still reads" content_is "$T" 2048 \
    early.txt "$(sha 'written before the cut\n')"

# ---- fill=from: (repeated sample, as the bench image uses) --------------------
R=$WORK/repeat.img
printf 'abc\n' >"$WORK/abc.txt"
printf '' >"$WORK/empty.txt"
printf 'disk none\npart ntfs start=0 size=16M\nfile \\r\\ten.txt size=10 fill=from:abc.txt\nfile \\r\\big.txt size=100001 fill=from:abc.txt\nfile \\r\\none.txt size=0 fill=from:abc.txt\n' \
    >"$WORK/repeat.spec"
check "fill=from: spec builds" "$MKFIXTURE" "$WORK/repeat.spec" "$R"
check "fill=from: the sample repeats and is cut at size (10 bytes)" \
    content_is "$R" 0 r/ten.txt "$(sha 'abc\nabc\nab')"
check "fill=from: 100001 bytes cross 64 KiB write chunks mid-sample" \
    content_is "$R" 0 r/big.txt \
    "$(yes abc | head -c 100001 | sha256sum | cut -d' ' -f1)"
check "fill=from: size=0 gives an empty file" content_is "$R" 0 r/none.txt \
    "$(printf '' | sha256sum | cut -d' ' -f1)"
printf 'disk none\npart ntfs start=0 size=16M\nfile \\e.txt size=4 fill=from:empty.txt\n' \
    >"$WORK/repeat-empty.spec"
check "fill=from: an empty sample is refused with its line" \
    sh -c "'$MKFIXTURE' '$WORK/repeat-empty.spec' '$WORK/re.img' >'$WORK/re.out' 2>&1;
    [ \$? -eq 1 ] && grep -F 'repeat-empty.spec:3:' '$WORK/re.out'"

# ---- bad specs ---------------------------------------------------------------
printf 'disk gpt size=8M\nfile \\x.txt text:orphan\n' >"$WORK/bad.spec"
check "a content directive without an ntfs partition is refused with its line" \
    sh -c "'$MKFIXTURE' '$WORK/bad.spec' '$WORK/bad.img' >'$WORK/bad.out' 2>&1;
    [ \$? -eq 1 ] && grep -F 'bad.spec:2:' '$WORK/bad.out' && [ ! -e '$WORK/bad.img' ]"

echo "1..$n"
[ $failed -eq 0 ]
