#!/bin/sh
# mkevtx writes .evtx files that libevtx's own evtxexport reads back whole.
set -u
TOOLS=${TOOLS:-$(pwd)/build/tools}
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
nok() { n=$((n + 1)); echo "not ok $n - $1"; }
check() { if eval "$2"; then ok "$1"; else nok "$1"; fi; }

echo "1..7"
if ! command -v evtxexport >/dev/null 2>&1; then
	echo "# evtxexport missing (package libevtx-utils; make deps)"
fi

cat >"$TMP/small.spec" <<'SPEC'
# provider|channel|eventid|level|time|recordid|data...
MSExchange Common|Application|4999|2|2021-03-03T06:49:42.162Z|100|4242|E12IIS|UMWorkerProcess
MSExchange CmdletLogs|MSExchange Management|1|4|2021-03-03T07:00:00Z||New-MailboxExportRequest|{FilePath=\\127.0.0.1\C$\x.aspx}
MsiInstaller|Application|1022|4|2021-03-04T01:00:00Z||Microsoft Exchange Server|Security Update (KB5000871)
SPEC
check "mkevtx builds a small file" \
    '"$TOOLS/mkevtx" "$TMP/small.spec" "$TMP/small.evtx"'
evtxexport -f xml "$TMP/small.evtx" >"$TMP/small.xml" 2>"$TMP/small.err"
check "evtxexport reads it without errors" \
    '! grep -qi "unable" "$TMP/small.err" "$TMP/small.xml"'
check "evtxexport lists the three records with their ids" \
    '[ "$(grep -c "<EventRecordID>" "$TMP/small.xml")" = 3 ] &&
     grep -q "<EventRecordID>102</EventRecordID>" "$TMP/small.xml"'
want='<Data>{FilePath=\\127.0.0.1\C$\x.aspx}</Data>'
check "provider, channel, time and data come back as written" \
    'grep -q "<Provider Name=\"MSExchange CmdletLogs\"/>" "$TMP/small.xml" &&
     grep -q "<Channel>MSExchange Management</Channel>" "$TMP/small.xml" &&
     grep -q "SystemTime=\"2021-03-03T06:49:42.1620000Z\"" "$TMP/small.xml" &&
     grep -qF -- "$want" "$TMP/small.xml"'

i=1
while [ $i -le 4000 ]; do
	echo "MSExchange CmdletLogs|MSExchange Management|1|4|2021-03-03T07:00:00Z||Get-Mailbox|{Identity=user$i}"
	i=$((i + 1))
done >"$TMP/big.spec"
"$TOOLS/mkevtx" "$TMP/big.spec" "$TMP/big.evtx"
check "4000 events span several 64 KiB chunks" \
    '[ "$(stat -c %s "$TMP/big.evtx")" -gt $((4096 + 65536 * 3)) ]'
check "evtxinfo counts all 4000 records" \
    'evtxinfo "$TMP/big.evtx" | grep -q "Number of records[[:space:]]*: 4000"'
"$TOOLS/mkevtx" --truncate-chunk 1 "$TMP/big.spec" "$TMP/cut.evtx"
check "a file cut inside chunk 1 still yields chunk 0's records" \
    'c=$(evtxinfo "$TMP/cut.evtx" | sed -n "s/.*Number of records[[:space:]]*: //p");
     [ "${c:-0}" -gt 0 ] && [ "$c" -lt 4000 ]'
