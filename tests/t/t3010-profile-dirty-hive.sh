#!/bin/sh
# A SYSTEM hive Windows left dirty (a write it did not finish) is read with
# SYSTEM.LOG1 replayed in memory: the profile shows the logged computer
# name and says how many log entries it replayed; without the log it shows
# the name on disk and says recent changes may be missing.  The image is
# never written.
. "$TOP/tests/lib/tap.sh"

H="$TOP/tests/fixtures/hosts/e2016-cu19-mar21"
E15='\Program%u0020Files\Microsoft\Exchange%u0020Server\V15'

# image NAME WITH-LOG: the e2016 host with a dirty SYSTEM hive.
image() {
	d="$TMP/$1"
	mkdir -p "$d"
	sed 's/ComputerName=EXCH16$/ComputerName=EXCH16-RENAMED/' \
	    "$H/system.spec" >"$d/new.spec"
	"$TOOLS/mkhive" --dirty "$H/system.spec" "$d/new.spec" "$d/SYSTEM" \
	    "$d/SYSTEM.LOG1" &&
	"$TOOLS/mkhive" "$H/software.spec" "$d/SOFTWARE" &&
	"$TOOLS/mkpe" "$(cat "$H/exsetup.version")" "$d/ExSetup.exe" || return 1
	{
		echo "disk gpt size=32M"
		echo "part ntfs start=2048 size=24M label=SYSTEM"
		printf '%s\n' 'file \Windows\System32\config\SYSTEM from:SYSTEM'
		if [ "$2" = yes ]; then
			printf '%s\n' 'file \Windows\System32\config\SYSTEM.LOG1 from:SYSTEM.LOG1'
		fi
		printf '%s\n' 'file \Windows\System32\config\SOFTWARE from:SOFTWARE'
		printf 'file %s\\Bin\\ExSetup.exe from:ExSetup.exe\n' "$E15"
	} >"$d/host.spec"
	mkimage "$d/host.spec" "$TMP/$1.img"
}

image withlog yes
ok $? "build the image with a dirty SYSTEM and its SYSTEM.LOG1"
image nolog no
ok $? "build the image with a dirty SYSTEM alone"

IMAGES="$TMP/withlog.img $TMP/nolog.img"
before=$(hash_images)
"$EXHUME" profile --json "$TMP/withlog.img" >"$TMP/with.json" 2>"$TMP/err"
ok $? "profile of the image with the log"
grep -qF '"computer_name":"EXCH16-RENAMED"' "$TMP/with.json"
ok $? "the logged computer name is read"
grep -qE 'SYSTEM hive: dirty hive: replayed 1 log entry \([0-9]+ pages?\) from SYSTEM.LOG1"' "$TMP/with.json"
ok $? "the profile says what was replayed from which log"

"$EXHUME" profile "$TMP/nolog.img" >"$TMP/without.txt" 2>"$TMP/err"
ok $? "profile of the image without the log"
grep -q 'EXCH16$' "$TMP/without.txt"
ok $? "without the log the name on disk is read"
grep -qF 'without transaction logs: read as is, recent changes may be missing' "$TMP/without.txt"
ok $? "without the log the text profile says changes may be missing"
[ "$before" = "$(hash_images)" ]
ok $? "both images byte-identical after profiling"
done_testing
