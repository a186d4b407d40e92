#!/bin/sh
# Exchange on E:, data volumes and images without the registry: the scope
# follows the server, not the system volume.  A shell and the ProxyLogon
# logs under E:\Exchange are found with the patch verdict; a data volume's
# aspnet_client is found by its layout (bounded depth); and a run that
# examined nothing says so and exits 3, never 0.  Letters come from
# --letter here so the test stands alone.
. "$TOP/tests/lib/tap.sh"

H="$TOP/tests/fixtures/hosts"
SHELL_JS='<script language="JScript" runat="server">function Page_Load(){eval(Request["pw"],"unsafe");}</script>\r\n'

has() {	# has FILE TEXT
	grep -qF -- "$2" "$1"
}

# --- A: system on C:, Exchange 2019 CU12 with its logs on E: (partition 2).
A="$TMP/a"
mkdir -p "$A"
"$TOOLS/mkhive" "$H/e2019-cu12-edrive/system.spec" "$A/SYSTEM" &&
    "$TOOLS/mkhive" "$H/e2019-cu12-edrive/software.spec" "$A/SOFTWARE" &&
    "$TOOLS/mkpe" "$(cat "$H/e2019-cu12-edrive/exsetup.version")" \
    "$A/ExSetup.exe" &&
    cp "$H/e2019-cu12-edrive/applicationHost.config" "$A/" &&
    "$TOOLS/mklogs" "$A/logs" >/dev/null &&
    printf '%s\n' 'MsiInstaller|Application|1022|4|2022-11-10T09:00:00Z||Microsoft Exchange Server|Security Update (KB5019758)' \
    >"$A/app.spec" && "$TOOLS/mkevtx" "$A/app.spec" "$A/Application.evtx"
ok $? "A: hives, ExSetup.exe, applicationHost.config, Exchange logs and an event log generated"
L="logs/Exchange/Logging"	# relative to the spec's directory
{
	echo "disk gpt size=96M"
	echo "part ntfs start=2048 size=32M label=SYSTEM"
	printf '%s\n' 'file \Windows\System32\config\SYSTEM from:SYSTEM' \
	    'file \Windows\System32\config\SOFTWARE from:SOFTWARE' \
	    'file \Windows\System32\inetsrv\config\applicationHost.config from:applicationHost.config' \
	    'file \Windows\System32\winevt\Logs\Application.evtx from:Application.evtx' \
	    'mkdir \inetpub\logs\LogFiles\W3SVC1'
	echo "part ntfs start=71680 size=24M label=EXCH"
	printf '%s\n' 'file \Exchange\Bin\ExSetup.exe from:ExSetup.exe'
	printf 'file \\Exchange\\FrontEnd\\HttpProxy\\owa\\auth\\x.aspx text:%s\n' \
	    "$SHELL_JS"
	printf 'file \\Exchange\\FrontEnd\\HttpProxy\\owa\\auth\\logon.aspx text:%s\n' \
	    '<%@ Page Language="C#" %>\r\n<html>Outlook</html>\r\n'
	printf 'file \\Exchange\\Logging\\HttpProxy\\Ecp\\HttpProxy_2021030306-1.LOG from:%s\n' \
	    "$L/HttpProxy/Ecp/HttpProxy_2021030306-1.LOG"
	printf 'file \\Exchange\\Logging\\ECP\\Server\\ECPServer20210303-1.LOG from:%s\n' \
	    "$L/ECP/Server/ECPServer20210303-1.LOG"
} >"$A/host.spec"
mkimage "$A/host.spec" "$TMP/a.img"
ok $? "A: two-partition image built (C: system, E: Exchange)"
IMAGES="$TMP/a.img"

run scan --format jsonl --letter 2=E --out "$TMP/a-out" "$TMP/a.img"
cp "$TMP/out" "$TMP/a.jsonl"; cp "$TMP/err" "$TMP/a.err"
[ "$RC" -eq 1 ]; ok $? "A: scan exits 1 (findings)"
grep '"path":"E:\\\\Exchange\\\\FrontEnd\\\\HttpProxy\\\\owa\\\\auth\\\\x.aspx"' "$TMP/a.jsonl" |
    grep '"level":"alert"' | grep -q 'EXH_WEBSHELL_Chopper_JScript_Eval'
ok $? "E:\\Exchange: the China Chopper page on the second partition is an alert"
python3 - "$TMP/a.jsonl" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]
logs = {(r['file'].rsplit('\\', 1)[-1], r['check']) for r in rows
        if r['kind'] == 'log'}
want = {('HttpProxy_2021030306-1.LOG', 'CVE-2021-26855/test-proxylogon'),
        ('HttpProxy_2021030306-1.LOG', 'CVE-2021-27065/reset-vdir'),
        ('ECPServer20210303-1.LOG', 'CVE-2021-27065/ecp-set-vdir')}
assert want <= logs, sorted(logs)
for r in rows:
    if r['kind'] == 'log' and r['check'].startswith('CVE-2021-26855'):
        assert r['file'].startswith('E:\\Exchange\\Logging\\HttpProxy\\Ecp\\'), r['file']
PY
ok $? "E:\\Exchange\\Logging: the ProxyLogon SSRF and vdir reset in the HttpProxy log and the ECP server log are findings"
has "$TMP/a.err" 'note: Exchange folder E:\Exchange from SOFTWARE\Microsoft\ExchangeServer\v15\Setup\MsiInstallPath'
ok $? "A: the run says the Exchange folder came from MsiInstallPath and is on E:"
run scan --letter 2=E "$TMP/a.img"
grep -q '^patch: ProxyNotShell: fixed, fix installed 2022-11-10T09:00:00.0000000Z; build 15.2.1118.20 is at or above 15.2.1118.20 (CU12)' "$TMP/out"
ok $? "A: the patch verdict uses ExSetup.exe on E: and the MsiInstaller event on C:"
grep -q '^log coverage: httpproxy .* 1 files' "$TMP/out" &&
    grep -q '^log coverage: ecp-server .* 1 files' "$TMP/out"
ok $? "A: summary lists the HttpProxy and ECP log coverage from E:"
python3 - "$TMP/a-out/acquisition.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1], encoding='utf-8'))
v = {x['letter']: x for x in a['volumes']}
assert set(v) == {'C:', 'E:'}, v
assert v['C:']['system'] and not v['E:']['system'], v
assert v['C:']['examined']['logs'] == 1, v['C:']
assert v['E:']['examined']['streams'] == 5, v['E:']
assert v['E:']['examined']['logs'] == 2, v['E:']
assert not any('not_examined_reason' in x for x in a['volumes']), v
assert 'nothing_examined' not in a
PY
ok $? "A: acquisition.json: per volume what was examined (C: the event log; E: 5 streams, 2 of them the Exchange logs, read as logs too)"
has "$TMP/a-out/report.txt" 'examined: 5 streams, 2 log files'
ok $? "A: the report's volume table says what was examined on E:"

# Without --letter the second partition is not E:, so the registry's
# E:\Exchange is on no opened volume: that is said, and the shell is still
# found, by the layout of the Exchange tree.
run scan --format jsonl "$TMP/a.img"
[ "$RC" -eq 1 ] && grep '\\\\Exchange\\\\FrontEnd\\\\HttpProxy\\\\owa\\\\auth\\\\x.aspx"' "$TMP/out" |
    grep -q '"level":"alert"'
ok $? "A without --letter: the shell on the second partition is still an alert"

# --- B: a system volume, a data volume with a web root of its own and an
# empty third volume.
B="$TMP/b"
mkdir -p "$B"
"$TOOLS/mkhive" "$H/e2016-cu19-mar21/system.spec" "$B/SYSTEM" &&
    "$TOOLS/mkhive" "$H/e2016-cu19-mar21/software.spec" "$B/SOFTWARE"
ok $? "B: hives generated"
{
	echo "disk gpt size=112M"
	echo "part ntfs start=2048 size=32M label=SYSTEM"
	printf '%s\n' 'file \Windows\System32\config\SYSTEM from:SYSTEM' \
	    'file \Windows\System32\config\SOFTWARE from:SOFTWARE' \
	    'file \inetpub\wwwroot\iisstart.htm text:<html>IIS</html>'
	echo "part ntfs start=71680 size=24M label=DATA"
	printf 'file \\inetpub\\wwwroot\\aspnet_client\\x.aspx text:%s\n' \
	    "$SHELL_JS"
	printf 'file \\Archive\\2019\\old\\site\\copy\\inetpub\\deep.aspx text:%s\n' \
	    "$SHELL_JS"
	echo "part ntfs start=124928 size=16M label=EMPTY"
	printf '%s\n' 'file \Docs\readme.txt text:nothing here'
} >"$B/host.spec"
mkimage "$B/host.spec" "$TMP/b.img"
ok $? "B: three-volume image built"
IMAGES="$TMP/b.img"

run scan --format jsonl --out "$TMP/b-out" "$TMP/b.img"
cp "$TMP/out" "$TMP/b.jsonl"; cp "$TMP/err" "$TMP/b.err"
[ "$RC" -eq 1 ]; ok $? "B: scan exits 1 (findings)"
grep '"path":"D:\\\\inetpub\\\\wwwroot\\\\aspnet_client\\\\x.aspx"' "$TMP/b.jsonl" |
    grep -q '"level":"alert"'
ok $? "D:/inetpub/wwwroot/aspnet_client/x.aspx on a data volume is found by structure and is an alert"
has "$TMP/b.err" 'note: D: not the system volume and no scope root: 1 web root found by structure within 4 directory levels, first D:\inetpub'
ok $? "B: the run says D: was searched by structure and what it found"
grep -q 'deep.aspx' "$TMP/b.jsonl"
[ $? -ne 0 ]; ok $? "B: the search is bounded: an inetpub 6 levels down is not walked without --full"
has "$TMP/b.err" 'note: E: (partition 3 of '"$TMP"'/b.img): nothing examined: no scope root on it and no web root found by structure (rules/scope.txt) within 4 directory levels; --full walks it whole'
ok $? "B: the empty third volume is named on the terminal with the reason"
grep -q '^volume E: (partition 3 of .*b.img): nothing examined: no scope root on it' "$TMP/b-out/summary.txt" &&
    ! grep -q '^nothing examined' "$TMP/b-out/summary.txt"
ok $? "B: summary.txt names it too; the run as a whole examined things"
python3 - "$TMP/b-out/acquisition.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1], encoding='utf-8'))
v = {x['letter']: x for x in a['volumes']}
assert v['D:']['examined']['streams'] == 1 and 'not_examined_reason' not in v['D:'], v['D:']
assert v['E:']['examined'] == {'streams': 0, 'logs': 0}, v['E:']
assert 'within 4 directory levels' in v['E:']['not_examined_reason'], v['E:']
PY
ok $? "B: acquisition.json: D: examined by structure, E: examined nothing with the reason"
has "$TMP/b-out/report.txt" 'nothing examined: no scope root on it' &&
    grep -q '^ *- D:\\inetpub$' "$TMP/b-out/report.txt"
ok $? "B: the report lists D:/inetpub in the scope and gives the reason for E:"
run scan --full --format jsonl "$TMP/b.img"
[ "$RC" -eq 1 ] && grep -q 'D:\\\\Archive\\\\2019\\\\old\\\\site\\\\copy\\\\inetpub\\\\deep.aspx' "$TMP/out"
ok $? "B --full: every volume is walked whole; the deep shell is found"

# --- C: an image whose only volume has no SYSTEM hive and no scope root.
{
	echo "disk none"
	echo "part ntfs start=0 size=16M label=BARE"
	printf '%s\n' 'file \Stuff\notes.txt text:hello'
	printf 'file \\Stuff\\deep\\a\\b\\c\\d\\shell.aspx text:%s\n' "$SHELL_JS"
} >"$TMP/c.spec"
mkimage "$TMP/c.spec" "$TMP/c.img"
ok $? "C: a bare partition image without the registry built"
IMAGES="$TMP/c.img"
run scan --out "$TMP/c-out" "$TMP/c.img"
[ "$RC" -eq 3 ]; ok $? "C: nothing examined: exit 3 (incomplete), not 0"
WHY='nothing examined: no volume holds \Windows\System32\config\SYSTEM; no scope root on it and no web root found by structure (rules/scope.txt) within 4 directory levels; --full walks it whole'
has "$TMP/err" "note: $WHY"
ok $? "C: the terminal says nothing was examined and why"
has "$TMP/out" "$WHY" && has "$TMP/out" 'streams: 0 seen'
ok $? "C: summary.txt says nothing was examined and why"
python3 - "$TMP/c-out/acquisition.json" <<'PY'
import json, sys
a = json.load(open(sys.argv[1], encoding='utf-8'))
assert a['nothing_examined'].startswith('no volume holds'), a.get('nothing_examined')
(v,) = a['volumes']
assert v['examined'] == {'streams': 0, 'logs': 0}, v
assert 'no scope root' in v['not_examined_reason'], v
PY
ok $? "C: acquisition.json records nothing_examined and the volume's reason"
has "$TMP/c-out/report.txt" 'Nothing was examined: no volume holds'
ok $? "C: the report says nothing was examined"
run scan --full "$TMP/c.img"
[ "$RC" -eq 1 ] && grep -q '^F0001 alert .*C:\\Stuff\\deep\\a\\b\\c\\d\\shell.aspx' "$TMP/out"
ok $? "C --full: the volume is walked whole and the shell is an alert (exit 1)"

# --- D: a system volume whose scope is empty used to say "streams: 0 seen"
# and exit 0.
{
	echo "disk gpt size=40M"
	echo "part ntfs start=2048 size=32M label=SYSTEM"
	printf '%s\n' 'file \Windows\System32\config\SYSTEM from:SYSTEM'
} >"$B/sysonly.spec"
mkimage "$B/sysonly.spec" "$TMP/d.img"
IMAGES="$TMP/d.img"
run scan "$TMP/d.img"
[ "$RC" -eq 3 ] && has "$TMP/out" 'nothing examined: system volume, but none of its scope folders'
ok $? "D: a system volume with an empty scope exits 3 and says nothing was examined"

# --- E: the Exchange data disk alone (no registry): the Exchange tree is
# found by its layout, and its Logging folder is analysed with it.
{
	echo "disk none"
	echo "part ntfs start=0 size=24M label=EXCHDATA"
	printf 'file \\Exchange\\FrontEnd\\HttpProxy\\owa\\auth\\x.aspx text:%s\n' \
	    "$SHELL_JS"
	printf 'file \\Exchange\\Logging\\HttpProxy\\Ecp\\HttpProxy_2021030306-1.LOG from:%s\n' \
	    "$L/HttpProxy/Ecp/HttpProxy_2021030306-1.LOG"
} >"$A/exchdata.spec"
mkimage "$A/exchdata.spec" "$TMP/e.img"
ok $? "E: an Exchange data volume without the registry built"
IMAGES="$TMP/e.img"
run scan --format jsonl "$TMP/e.img"
[ "$RC" -eq 1 ] &&
    grep '"path":"C:\\\\Exchange\\\\FrontEnd\\\\HttpProxy\\\\owa\\\\auth\\\\x.aspx"' "$TMP/out" |
    grep -q '"level":"alert"' &&
    grep '"file":"C:\\\\Exchange\\\\Logging\\\\HttpProxy\\\\Ecp\\\\' "$TMP/out" |
    grep -q 'CVE-2021-26855/test-proxylogon'
ok $? "E: the shell and the ProxyLogon HttpProxy rows of an Exchange tree found by its layout are findings"
has "$TMP/err" 'note: Exchange folder C:\Exchange found by structure (no registry value names one): its logs are analysed'
ok $? "E: the run says where the Exchange folder came from"

report_unchanged
# A damaged folder met while searching for web roots is named, not only
# counted: it may hide one.
printf '%s\n' 'disk gpt size=32M' 'part ntfs start=2048 size=16M label=DATA' \
    'mkdir \data\x' 'file \data\x\a.txt text:hello' 'corrupt-fixup \data\x' \
    >"$TMP/dmg.spec"
mkimage "$TMP/dmg.spec" "$TMP/dmg.img"
IMAGES="$TMP/dmg.img"
run scan --out "$TMP/dmg-out" "$TMP/dmg.img"
[ "$RC" -eq 3 ] && grep -qF 'damaged entry not searched: C:\data\x' "$TMP/err"
ok $? "a damaged folder passed over by the structure search is named, and the run exits 3"

done_testing
