#!/bin/sh
# A block device is set read-only (BLKROSET) before anything reads it and,
# when the run (a scan, or listing it with sources) ends, gets back the flag
# it had: an analyst's loop device
# or disk is not left read-only.  EXHUME_KEEP_READONLY=1 (the boot image)
# keeps it read-only.  The record says which.  Needs root and loop devices;
# skipped where there are none.
. "$TOP/tests/lib/tap.sh"
mkimage "$TOP/tests/fixtures/exchange-basic.spec" "$TMP/ex.img"
ok $? "fixture builds"
IMAGES="$TMP/ex.img"
if ! loop=$(losetup -f --show -r "$TMP/ex.img" 2>/dev/null); then
	skip "no loop device here"
	done_testing
	exit 0
fi
# losetup -r makes the loop device read-only itself; use a writable one.
losetup -d "$loop"
if ! loop=$(losetup -f --show "$TMP/ex.img" 2>/dev/null); then
	skip "no writable loop device here"
	done_testing
	exit 0
fi
cleanup_loop() { blockdev --setrw "$loop" 2>/dev/null; losetup -d "$loop"; }
[ "$(blockdev --getro "$loop")" = 0 ]; ok $? "the loop device starts writable"
run scan "$loop" --no-logs --out "$TMP/o1"
[ "$(blockdev --getro "$loop")" = 0 ]
ok $? "after the scan it is writable again (exit $RC)"
grep -q 'its previous flag is restored when the run ends' "$TMP/o1/acquisition.json"
ok $? "the record says the flag is restored"
run sources "$loop"
[ "$RC" -eq 0 ] && [ "$(blockdev --getro "$loop")" = 0 ]
ok $? "listing its partitions leaves it writable too"
EXHUME_KEEP_READONLY=1 run scan "$loop" --no-logs --out "$TMP/o2"
[ "$(blockdev --getro "$loop")" = 1 ]
ok $? "with EXHUME_KEEP_READONLY=1 it stays read-only"
grep -q 'it stays read-only afterwards' "$TMP/o2/acquisition.json"
ok $? "and the record says so"
cleanup_loop
report_unchanged
done_testing
