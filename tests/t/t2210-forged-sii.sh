#!/bin/sh
# t2210: a $Secure whose $SII index root states a forged index block size.
# libntfs-3g's index lookup allocates (and reads) one block of that size
# for every owner it looks up, and some versions do not bound it (the
# mutation campaign saw 2.4 GB).  exhume checks the size against NTFS's
# limits and the volume's before any lookup: the owners of files that use
# $Secure are then unknown (""), a note says why, and nothing is allocated
# beyond the usual.
. "$TOP/tests/lib/tap.sh"
: "${EXHUME_REL:=$EXHUME}"

# 64 distinct owners: $SII no longer fits its root, so a lookup descends
# into an index block (where the allocation happens).
{
	echo "disk gpt size=64M"
	echo "part ntfs start=2048 size=60M label=SII"
	printf '%s\n' 'file \Windows\System32\config\SYSTEM size=64K fill=random:7'
	echo 'mkdir \inetpub\wwwroot\aspnet_client'
	i=1
	while [ $i -le 64 ]; do
		printf 'file \\inetpub\\wwwroot\\aspnet_client\\o%d.aspx owner=S-1-5-21-1111-2222-3333-%d text:<%%@ Page Language="Jscript"%%><%%eval(Request.Item["x"],"unsafe");%%>\n' $i $((1000 + i))
		i=$((i + 1))
	done
} >"$TMP/good.spec"
# A power of two beyond NTFS's 64 KiB: libntfs-3g mounts the volume.
{ cat "$TMP/good.spec"; echo 'corrupt-sii \$Secure size=64M'; } >"$TMP/big.spec"
# The campaign's size (not a power of two): some libntfs-3g versions
# refuse the whole volume at mount, others mount it.
{ cat "$TMP/good.spec"; echo 'corrupt-sii \$Secure'; } >"$TMP/huge.spec"
for n in good big huge; do
	mkimage "$TMP/$n.spec" "$TMP/$n.img" || { ok 1 "fixture $n builds"; done_testing; exit 1; }
done
IMAGES="$TMP/good.img $TMP/big.img $TMP/huge.img"

run files "$TMP/good.img" --jsonl
grep -q '"path":"C:\\\\inetpub\\\\wwwroot\\\\aspnet_client\\\\o5.aspx".*"owner_sid":"S-1-5-21-1111-2222-3333-1005"' "$TMP/out"
ok $? "control: on the undamaged volume o5.aspx's owner is read from \$Secure"

run files "$TMP/big.img" --jsonl
[ "$RC" -eq 0 ]; ok $? "files on the forged \$SII finishes (exit $RC)"
n=$(grep -c 'aspnet_client\\\\o[0-9]*\.aspx.*"owner_sid":""' "$TMP/out")
[ "$n" -eq 64 ]; ok $? "all 64 files are listed, their owner unknown ($n)"
grep -q 'S-1-5-21-1111' "$TMP/out"
[ $? -ne 0 ]; ok $? "no owner is read through the forged index"
grep -q 'volume C: \$Secure:\$SII states 67108864-byte index blocks (the volume uses 4096; NTFS allows powers of two from 512 to 65536): the index is not read, owners of files that use \$Secure are unknown' "$TMP/err"
ok $? "a note names the forged size and says owners are unknown"

run sources "$TMP/big.img"
grep -q 'warning: \$Secure:\$SII states 67108864-byte' "$TMP/out"
ok $? "exhume sources warns about the volume too"

run scan "$TMP/big.img" --out "$TMP/o"
[ "$RC" -eq 1 ]; ok $? "scan on the forged \$SII finishes with its findings (exit $RC)"
n=$(grep -c '"owner_sid":""' "$TMP/o/findings.jsonl")
[ "$n" -eq 64 ]; ok $? "every finding carries the unknown owner ($n of 64)"
grep -q 'owners of files that use \$Secure are unknown' "$TMP/o/acquisition.json"
ok $? "scan's record says why the owners are unknown"

# The release binary, measured: a lookup that allocated the stated block
# would take 64 MiB per owner.
cat >"$TMP/timed" <<EOS
#!/bin/sh
exec /usr/bin/time -f %M -o "$TMP/rss" "$EXHUME_REL" "\$@"
EOS
chmod +x "$TMP/timed"
san=$EXHUME
EXHUME=$TMP/timed
run files "$TMP/big.img" --jsonl
kb=$(tail -n 1 "$TMP/rss")
diag "files on the forged \$SII: peak RSS $kb KB"
[ "$RC" -eq 0 ] && [ "$kb" -lt 60000 ]
ok $? "peak memory stays bounded (release build, $kb KB < 60000 KB)"
EXHUME=$san

run files "$TMP/huge.img" --jsonl
if [ "$RC" -eq 2 ]; then
	grep -q 'partition 1: .*cannot open the NTFS volume' "$TMP/err" ||
	    { cat "$TMP/err"; false; }
	ok $? "0x90000000-byte blocks: this libntfs-3g refuses the volume, and it is named"
else
	[ "$RC" -eq 0 ] && grep -q 'states 2415919104-byte index blocks' "$TMP/err"
	ok $? "0x90000000-byte blocks: the volume is listed and the note names the size"
fi
[ "$RC" -lt 128 ]; ok $? "no crash on the 0x90000000-byte forgery (exit $RC)"

report_unchanged
done_testing
