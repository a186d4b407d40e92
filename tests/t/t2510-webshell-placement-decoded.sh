#!/bin/sh
# Shells that only their encoding, their name or their configuration gave
# away: an encoded classic-ASP page is reported by what its decoded text
# says (and the reason says it was decoded); a shell in an alternate data
# stream named x.aspx on a .txt file is seen with extension .aspx; a .txt
# holding server code in owa\auth is reported by its place; an extension
# the host's applicationHost.config maps to asp.dll counts as a page; a
# web.config that maps .config to asp.dll is reported; an Exchange-shaped
# set of web.config files gives nothing; and a third-party rule scored 70
# is reported as capped below alert until the score map lifts it.
. "$TOP/tests/lib/tap.sh"
X='C:\Program Files\Microsoft\Exchange Server\V15'

# ---- planted material ------------------------------------------------------
python3 - "$TMP" <<'PY'
import sys
d = sys.argv[1]
def w(name, text):
    open(d + '/' + name, 'w', newline='').write(text)
w('shell.asp', '<%@ Language="VBScript.Encode" %>\r\n<html><body><%\r\n'
  'Set sh = Server.CreateObject("WScript.Shell")\r\n'
  'Response.Write sh.Exec("cmd.exe /c " & Request.Form("c")).StdOut.ReadAll()\r\n'
  '%></body></html>\r\n')
w('evil.config', '<?xml version="1.0" encoding="UTF-8"?>\r\n<configuration>\r\n'
  ' <system.webServer>\r\n  <handlers accessPolicy="Read, Script, Write">\r\n'
  '   <add name="web_config" path="*.config" verb="*" modules="IsapiModule" '
  'scriptProcessor="%windir%\\system32\\inetsrv\\asp.dll" resourceType="Unspecified" '
  'requireAccess="Write" preCondition="bitness64" />\r\n  </handlers>\r\n'
  '  <security>\r\n   <requestFiltering>\r\n    <fileExtensions>\r\n'
  '     <remove fileExtension=".config" />\r\n    </fileExtensions>\r\n'
  '    <hiddenSegments>\r\n     <remove segment="web.config" />\r\n'
  '    </hiddenSegments>\r\n   </requestFiltering>\r\n  </security>\r\n'
  ' </system.webServer>\r\n</configuration>\r\n'
  '<!-- <% Response.Write(CreateObject("WScript.Shell").Exec(Request("c")).StdOut.ReadAll()) %> -->\r\n')
# Shaped like Exchange's own: handlers to ASP.NET factories for script
# types, .config forbidden, MIME maps removed and added, hidden segments
# added.  Nothing here may be reported.
w('exchange.config', '<?xml version="1.0" encoding="utf-8"?>\r\n<configuration>\r\n'
  ' <system.web>\r\n  <compilation debug="false" defaultLanguage="c#" targetFramework="4.8" />\r\n'
  '  <httpHandlers>\r\n   <add verb="*" path="*.config" type="System.Web.HttpForbiddenHandler" />\r\n'
  '  </httpHandlers>\r\n </system.web>\r\n <system.webServer>\r\n'
  '  <handlers>\r\n   <remove name="WebServiceHandlerFactory-Integrated" />\r\n'
  '   <add name="OwaEventHandler" path="*.owa" verb="GET,POST" type="Microsoft.Exchange.Clients.Owa.Core.OwaEventHandlerFactory" preCondition="integratedMode" />\r\n'
  '   <add name="PageHandlerFactory-Integrated" path="*.aspx" verb="GET,HEAD,POST,DEBUG" type="System.Web.UI.PageHandlerFactory" preCondition="integratedMode" />\r\n'
  '   <add name="ConfigForbidden" path="*.config" verb="*" type="System.Web.HttpForbiddenHandler" />\r\n'
  '   <add name="StaticJs" path="*.js" verb="GET" modules="StaticFileModule" resourceType="File" />\r\n'
  '  </handlers>\r\n  <staticContent>\r\n   <remove fileExtension=".json" />\r\n'
  '   <mimeMap fileExtension=".json" mimeType="application/json" />\r\n'
  '   <remove fileExtension=".woff" />\r\n   <mimeMap fileExtension=".woff" mimeType="font/woff" />\r\n'
  '  </staticContent>\r\n  <security>\r\n   <requestFiltering>\r\n'
  '    <requestLimits maxAllowedContentLength="35000000" />\r\n'
  '    <hiddenSegments>\r\n     <add segment="Logs" />\r\n    </hiddenSegments>\r\n'
  '   </requestFiltering>\r\n  </security>\r\n </system.webServer>\r\n'
  ' <appSettings>\r\n  <add key="LogonPage" value="/owa/auth/logon.aspx" />\r\n'
  '  <add key="Format" value="&lt;%=Name%&gt;" />\r\n </appSettings>\r\n</configuration>\r\n')
w('applicationHost.config', '<?xml version="1.0" encoding="UTF-8"?>\r\n<configuration>\r\n'
  ' <system.webServer>\r\n  <handlers accessPolicy="Read, Script">\r\n'
  '   <add name="ASPClassic" path="*.asp" verb="GET,HEAD,POST" modules="IsapiModule" scriptProcessor="%windir%\\system32\\inetsrv\\asp.dll" resourceType="File" />\r\n'
  '   <add name="LegacyReports" path="*.xyz" verb="GET,POST" modules="IsapiModule" scriptProcessor="%windir%\\system32\\inetsrv\\asp.dll" resourceType="File" />\r\n'
  '   <!-- <add name="Old" path="*.qqq" modules="IsapiModule" scriptProcessor="asp.dll" /> -->\r\n'
  '   <add name="StaticFile" path="*" verb="*" modules="StaticFileModule,DefaultDocumentModule" resourceType="Either" />\r\n'
  '  </handlers>\r\n </system.webServer>\r\n</configuration>\r\n')
PY
"$TOOLS/mkvbe" "$TMP/shell.asp" "$TMP/shell-enc.asp"
grep -q '#@~^' "$TMP/shell-enc.asp" && ! grep -q 'WScript.Shell' "$TMP/shell-enc.asp"
ok $? "the generated page is VBScript.Encode-encoded (no plain WScript.Shell left)"

cat >"$TMP/planted.spec" <<SPEC
disk gpt size=96M
part ntfs start=2048 size=64M label=SYSTEM
file \\Windows\\System32\\inetsrv\\config\\applicationHost.config from:applicationHost.config
file \\inetpub\\wwwroot\\shop\\news.asp from:shell-enc.asp
file \\inetpub\\wwwroot\\aspnet_client\\notes.txt text:meeting notes\\r\\n
ads \\inetpub\\wwwroot\\aspnet_client\\notes.txt:x.aspx text:<%@ Page Language="C#" %><% Response.Write(1); %>\\r\\n
file \\inetpub\\wwwroot\\aspnet_client\\report.xyz text:hello\\r\\n
file \\inetpub\\wwwroot\\aspnet_client\\report.qqq text:hello\\r\\n
file \\Program%u0020Files\\Microsoft\\Exchange%u0020Server\\V15\\FrontEnd\\HttpProxy\\owa\\auth\\readme.txt text:<% Response.Write(Request("x")) %>\\r\\n
file \\inetpub\\wwwroot\\uploads\\web.config from:evil.config
file \\inetpub\\wwwroot\\tp.htm text:<html>TP-MARKER-7</html>\\r\\n
SPEC
cat >"$TMP/exchange.spec" <<SPEC
disk gpt size=96M
part ntfs start=2048 size=64M label=SYSTEM
file \\Program%u0020Files\\Microsoft\\Exchange%u0020Server\\V15\\FrontEnd\\HttpProxy\\owa\\web.config from:exchange.config
file \\Program%u0020Files\\Microsoft\\Exchange%u0020Server\\V15\\FrontEnd\\HttpProxy\\owa\\global.asax text:<%@ Application Inherits="Microsoft.Exchange.HttpProxy.Global" %>\\r\\n
file \\Program%u0020Files\\Microsoft\\Exchange%u0020Server\\V15\\FrontEnd\\HttpProxy\\ecp\\web.config from:exchange.config
file \\Program%u0020Files\\Microsoft\\Exchange%u0020Server\\V15\\ClientAccess\\owa\\web.config from:exchange.config
file \\Program%u0020Files\\Microsoft\\Exchange%u0020Server\\V15\\FrontEnd\\HttpProxy\\owa\\auth\\logon.aspx text:<%@ Page Language="C#" Inherits="Microsoft.Exchange.HttpProxy.Logon" %>\\r\\n
file \\inetpub\\wwwroot\\web.config from:exchange.config
SPEC
mkimage "$TMP/planted.spec" "$TMP/planted.img" && mkimage "$TMP/exchange.spec" "$TMP/exchange.img"
ok $? "fixtures build"
IMAGES="$TMP/planted.img $TMP/exchange.img"

# Test rules of our own (the shipped content rules may change): one that
# only decoded text can meet, one that proves the ADS's externals, and a
# third-party-style rule scored 70.
mkdir -p "$TMP/own" "$TMP/thirdparty"
cat >"$TMP/own/t.yar" <<'YAR'
rule test_asp_shell_exec
{
	meta:
		score = 80
		description = "classic ASP running a shell command from the request"
	strings:
		$sh = "WScript.Shell" nocase
		$req = "Request.Form(" nocase
	condition:
		all of them
}

rule test_ads_externals
{
	meta:
		score = 80
		description = "stream externals: its own name and extension"
	condition:
		filename == "x.aspx" and extension == ".aspx" and iis_script and
		filepath matches /\\aspnet_client$/
}
YAR
cat >"$TMP/thirdparty/sigbase-like.yar" <<'YAR'
rule tp_generic_marker
{
	meta:
		score = 70
		description = "third-party style rule scored 70"
	strings:
		$m = "TP-MARKER-7"
	condition:
		$m
}
YAR
printf '# case score map\n*/thirdparty/*\toffset\t+10\n' >"$TMP/case-score-map.tsv"

has() {	# has JSONL PATH STREAM RULE [DETAIL-PREFIX]
	python3 - "$@" <<'PY'
import json, sys
f, path, stream, name = sys.argv[1:5]
detail = sys.argv[5] if len(sys.argv) > 5 else None
for line in open(f, encoding="utf-8"):
    o = json.loads(line)
    if o["path"] == path and o["stream"] == stream and \
       o["level"] in ("warning", "alert") and \
       any(r["name"] == name and (detail is None or
           r.get("detail", "").startswith(detail)) for r in o["reasons"]):
        sys.exit(0)
sys.exit(1)
PY
}
level() {	# level JSONL PATH: the finding's level, or "none"
	python3 - "$@" <<'PY'
import json, sys
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    if o["path"] == sys.argv[2]:
        print(o["level"]); sys.exit(0)
print("none")
PY
}

# ---- the planted volume ------------------------------------------------------
run scan "$TMP/planted.img" --full --threads 2 --rules "$TMP/own" \
    --rules "$TMP/thirdparty" --out "$TMP/o"
[ "$RC" -eq 1 ]; ok $? "planted shells give findings (exit 1, got $RC)"
J="$TMP/o/findings.jsonl"

has "$J" 'C:\inetpub\wwwroot\shop\news.asp' '' test_asp_shell_exec \
    'in decoded VBScript.Encode content (1 block): $sh@'
ok $? "encoded classic-ASP shell: reported by its decoded text, and the detail says so"

has "$J" 'C:\inetpub\wwwroot\aspnet_client\notes.txt' 'x.aspx' test_ads_externals &&
    has "$J" 'C:\inetpub\wwwroot\aspnet_client\notes.txt' 'x.aspx' EXH_SUSP_ASPX_In_ASPNet_Client
ok $? "ADS notes.txt:x.aspx: filename x.aspx, extension .aspx, and placement in aspnet_client applies"
[ "$(level "$J" 'C:\inetpub\wwwroot\aspnet_client\notes.txt' | head -1)" != none ] &&
    ! grep '"path":"C:\\\\inetpub\\\\wwwroot\\\\aspnet_client\\\\notes.txt","stream":""' "$J" | grep -q .
ok $? "the host file notes.txt itself is not reported"

has "$J" "$X\\FrontEnd\\HttpProxy\\owa\\auth\\readme.txt" '' EXH_SUSP_Server_Code_In_Exchange_Web_Folder
ok $? ".txt with <% %> in owa\\auth: reported by placement"

has "$J" 'C:\inetpub\wwwroot\aspnet_client\report.xyz' '' EXH_SUSP_ASPX_In_ASPNet_Client
ok $? ".xyz mapped to asp.dll in applicationHost.config counts as a page"
[ "$(level "$J" 'C:\inetpub\wwwroot\aspnet_client\report.qqq')" = none ]
ok $? "a mapping inside an XML comment does not"

has "$J" 'C:\inetpub\wwwroot\uploads\web.config' '' EXH_SUSP_IIS_Handler_Maps_Static_Extension_To_Script_Engine &&
    has "$J" 'C:\inetpub\wwwroot\uploads\web.config' '' EXH_SUSP_IIS_Request_Filtering_Unhides_Config &&
    has "$J" 'C:\inetpub\wwwroot\uploads\web.config' '' EXH_SUSP_Server_Code_In_Config_File
ok $? "web.config mapping .config to asp.dll: mapping, unhidden .config and server code all reported"
[ "$(level "$J" 'C:\inetpub\wwwroot\uploads\web.config')" = alert ]
ok $? "... at alert"

[ "$(level "$J" 'C:\inetpub\wwwroot\tp.htm')" = warning ]
ok $? "a third-party hit scored 70 alone is a warning"
grep -q "^rule set $TMP/thirdparty: 1 hit scored 75 or less: at most warning; see rules/score-map.tsv\$" "$TMP/o/summary.txt"
ok $? "summary.txt says the set's hits are capped below alert"
grep -q "Rule set $TMP/thirdparty: 1 hits scored 75 or less, so none of them alone is an alert" "$TMP/o/report.txt"
ok $? "report.txt says so under the rule set"
! grep -q "^rule set $TMP/own" "$TMP/o/summary.txt"
ok $? "... and names only sets whose hits stayed at 75 or less"

run scan "$TMP/planted.img" --full --threads 2 --rules "$TMP/own" \
    --rules "$TMP/thirdparty" --iocs "$TMP/case-score-map.tsv" --out "$TMP/o2"
J2="$TMP/o2/findings.jsonl"
[ "$(level "$J2" 'C:\inetpub\wwwroot\tp.htm')" = alert ] &&
    grep 'tp.htm' "$J2" | grep -q '"name":"tp_generic_marker","score":80'
ok $? "with a score map (offset +10) the same hit scores 80 and is an alert"
! grep -q '^rule set .*thirdparty' "$TMP/o2/summary.txt"
ok $? "... and summary.txt no longer calls the set capped"

# ---- Exchange-shaped configuration ------------------------------------------
run scan "$TMP/exchange.img" --full --threads 2 --out "$TMP/o3"
[ "$RC" -eq 0 ] && [ ! -s "$TMP/o3/findings.jsonl" ]
ok $? "Exchange-shaped web.config files, global.asax and logon.aspx give no finding (exit $RC)"

report_unchanged
done_testing
