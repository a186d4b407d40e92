#!/bin/sh
# exhume files --jsonl --hash agrees with The Sleuth Kit (fls/icat) on
# every generated image: same files and streams, same SHA-256.
. "$TOP/tests/lib/tap.sh"

compare() {	# IMAGE SECTOR VOLUME
	run files "$1" --volume "$3" --jsonl --hash
	cp "$TMP/out" "$TMP/ex.jsonl"
	fls -r -p -o "$2" "$1" >"$TMP/fls.txt" 2>/dev/null
	python3 "$TOP/tests/lib/cmp_tsk.py" "$TMP/ex.jsonl" "$TMP/fls.txt" \
	    "$1" "$2"
}

for spec in basic mbr63 mbr128 partition-only; do
	img="$TMP/$spec.img"
	mkimage "$TOP/tests/fixtures/$spec.spec" "$img" || { ok 1 "build $spec"; continue; }
	IMAGES="$img"
	vol=0
	for sector in $(mmls -a "$img" 2>/dev/null | awk '$3 ~ /^[0-9]+$/ {print $3+0}'); do
		fsstat -o "$sector" "$img" 2>/dev/null | grep -q 'File System Type: NTFS' || continue
		vol=$((vol + 1))
		compare "$img" "$sector" "$vol" >"$TMP/cmp" 2>&1
		ok $? "$spec volume $vol (sector $sector): same files, streams and SHA-256 as fls/icat"
		sed 's/^/# /' "$TMP/cmp"
	done
	if [ "$vol" -eq 0 ]; then	# a bare partition image: no table
		compare "$img" 0 1 >"$TMP/cmp" 2>&1
		ok $? "$spec (partition image): same files, streams and SHA-256 as fls/icat"
		sed 's/^/# /' "$TMP/cmp"
	fi
done
report_unchanged
done_testing
