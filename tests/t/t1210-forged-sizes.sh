#!/bin/sh
# A $DATA whose size was forged far beyond its clusters (2^48-1 bytes on
# 64 KiB) once made `files --hash` read zeros for hours: now it is listed as
# unreadable with the reason, and everything else is still hashed.
. "$TOP/tests/lib/tap.sh"
cat >"$TMP/forged.spec" <<'SPEC'
disk gpt size=96M
part ntfs start=2048 size=64M label=SYSTEM
file \inetpub\wwwroot\aspnet_client\big.aspx size=64K fill=0x41
file \inetpub\wwwroot\aspnet_client\ok.aspx text:<%@ Page Language="Jscript"%><%eval(Request.Item["x"],"unsafe");%>\r\n
corrupt-datasize \inetpub\wwwroot\aspnet_client\big.aspx
SPEC
mkimage "$TMP/forged.spec" "$TMP/forged.img"; ok $? "fixture builds"
IMAGES="$TMP/forged.img"

# timeout is a guard against the old hang, not a speed assertion.
run_guarded() {
	before=$(hash_images)
	timeout 300 "$EXHUME" "$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	[ "$before" = "$(hash_images)" ]; ok $? "image unchanged by: exhume $1"
}
run_guarded files "$TMP/forged.img" --jsonl --hash
[ "$RC" -ne 124 ]; ok $? "files --hash ends (exit $RC)"
grep 'big.aspx' "$TMP/out" | grep -q 'damaged or forged sizes; not read'
ok $? "the forged stream is listed as unreadable with the reason"
grep 'ok.aspx' "$TMP/out" | grep -q '"sha256":"[0-9a-f]\{64\}"'
ok $? "the other file is still hashed"
grep -q '1 unreadable streams' "$TMP/err"; ok $? "the unreadable stream is counted"

run_guarded files "$TMP/forged.img" --jsonl --hash --max-size 1048576
[ "$RC" -eq 3 ]; ok $? "files --hash --max-size ends with exit 3 (something not hashed)"
grep 'big.aspx' "$TMP/out" | grep '"status":"skipped"' | grep -q 'above --max-size 1048576; not hashed'
ok $? "a stream above --max-size is listed as skipped with the reason, not read"
grep -q '1 streams above --max-size not hashed' "$TMP/err"; ok $? "and counted"
done_testing
