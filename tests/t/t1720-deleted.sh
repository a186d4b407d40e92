#!/bin/sh
# Deleted files from free MFT records, listed by files --deleted: a
# resident web shell deleted from aspnet_client (its parent alive), a
# non-resident page whose clusters a later file took, and an archive left
# in a deleted staging folder (parent deleted too).  The Sleuth Kit's fls -rd, an
# independent reader, must list the same names under the same parents with
# the same MFT numbers.
. "$TOP/tests/lib/tap.sh"

# Records are numbered in creation order from 64.  libntfs-3g does not
# hand out a freed record again soon, so the $OrphanFiles case (a folder
# record reused) is not made here.
cat >"$TMP/del.spec" <<'SPEC'
disk gpt size=64M
part ntfs start=2048 size=48M
mkdir \inetpub\wwwroot\aspnet_client
mkdir \old\b
file \old\b\x.txt text:orphaned
file \inetpub\wwwroot\aspnet_client\live.aspx text:<%@ Page Language="C#" %>live
file \inetpub\wwwroot\aspnet_client\shell.aspx text:<%@ Page Language="C#" %><% eval(Request["x"],"unsafe"); %>
file \inetpub\wwwroot\aspnet_client\big.aspx size=200K fill=0x41
mkdir \Temp\stage
file \Temp\stage\dump.7z size=40K fill=0x37
file \Temp\stage\note.txt text:hello
delete \old\b\x.txt
delete \old\b
delete \inetpub\wwwroot\aspnet_client\shell.aspx
delete \inetpub\wwwroot\aspnet_client\big.aspx
delete \Temp\stage\dump.7z
delete \Temp\stage\note.txt
delete \Temp\stage
file \Temp\fill.bin size=400K fill=0x55
SPEC
mkimage "$TMP/del.spec" "$TMP/del.img"; ok $? "fixture with deleted files builds"
IMAGES="$TMP/del.img"

run files "$TMP/del.img" --deleted --jsonl
[ "$RC" -eq 0 ]; ok $? "deleted listing: exit 0"
grep -q '7 names listed' "$TMP/err"; ok $? "the note counts the names listed"
field() {	# field PATH KEY: the value of KEY on the line of PATH
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    if d["path"] == sys.argv[2]: print(d[sys.argv[3]])' "$TMP/out" "$1" "$2"
}
[ "$(field 'C:\inetpub\wwwroot\aspnet_client\shell.aspx' content)" = resident ]
ok $? "the deleted shell is listed under its live folder, content resident"
[ "$(field 'C:\inetpub\wwwroot\aspnet_client\shell.aspx' mft)" = 71 ]
ok $? "with its MFT record number"
[ "$(field 'C:\Temp\stage\dump.7z' content)" = free ]
ok $? "an archive in a deleted folder: path through the deleted folder, clusters free"
[ "$(field 'C:\Temp\stage' type)" = dir ]; ok $? "the deleted folder itself is listed"
[ "$(field 'C:\old\b\x.txt' orphan)" = False ]
ok $? "a file in a deleted folder is not an orphan while the folder's record stands"
c=$(field 'C:\inetpub\wwwroot\aspnet_client\big.aspx' content)
[ "$c" = overwritten ] || [ "$c" = free ]
ok $? "a non-resident page says whether its clusters are still free ($c)"
grep -q 'live.aspx' "$TMP/out"; [ $? -ne 0 ]; ok $? "live files are not listed"

run files "$TMP/del.img" --deleted --bodyfile
grep -q '^0|C:\\inetpub\\wwwroot\\aspnet_client\\shell.aspx (deleted)|71-2|r/' \
    "$TMP/out"; ok $? "body file: name marked (deleted), record-sequence as fls -m"

if command -v fls >/dev/null 2>&1; then
	run files "$TMP/del.img" --deleted --jsonl
	python3 -c 'import json,sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    print(d["mft"], d["path"][3:].replace("\\", "/"))' "$TMP/out" |
	    sort >"$TMP/ours"
	# fls: "-/r * 71-128-2:	path"; nameless records are OrphanFile-N.
	fls -r -d -p -o 2048 "$TMP/del.img" | grep -v '/OrphanFile-[0-9]*$' |
	    sed -E 's/^[^ ]+ \* ([0-9]+)[^\t]*\t/\1 /' | sort -u >"$TMP/theirs"
	cmp -s "$TMP/ours" "$TMP/theirs"
	ok $? "fls -rd lists the same names, parents and MFT numbers"
	[ $? -eq 0 ] || diff "$TMP/ours" "$TMP/theirs" | sed 's/^/# /'
else
	skip "fls not installed (sleuthkit)"
fi
run files "$TMP/del.img" --deleted --bodyfile --hash
[ "$RC" -eq 64 ] || [ "$RC" -eq 2 ]
ok $? "--deleted --hash in a body file is a usage error (JSON lines only)"
[ "${UNCHANGED_CHECKS:-0}" -gt 0 ]; ok $? "image unchanged by every run"
done_testing
