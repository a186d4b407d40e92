/*
 * exhume: traces in IIS configuration files and in ASP.NET's compilation
 * records.  ProxyShell-era attackers added IIS virtual directories pointing
 * into ProgramData/Users; EOMT and Microsoft's mitigation scripts left URL
 * Rewrite rules; ASP.NET's *.compiled records in Temporary ASP.NET Files name
 * the page they were built from, even after the page itself was deleted.
 * Written for exhume from exchange-attacks.md section 8, section 9 and 11 (C1, F2).
 */

rule EXH_SUSP_IIS_VDir_In_Device_Folder
{
	meta:
		score = 85
		description = "IIS configuration maps a virtual directory into a ProgramData/All Users folder with a reserved-device or decoy name (COM, CON, AUX, WHO, XYZ, ZOO, ZING)"
		reference = "exchange-attacks.md section 8 (ProxyShell vdirs in reserved-device folders)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$pp = /physicalPath\s{0,4}=\s{0,4}"[a-z]:\\{1,2}(ProgramData|Users\\{1,2}All Users)\\{1,2}(COM1?|CON|AUX|WHO|XYZ|ZOO|ZING)(\\|")/ ascii wide nocase
	condition:
		filename matches /^(applicationHost|web)\.config$/i and $pp
}

rule EXH_SUSP_IIS_VDir_In_ProgramData_Or_Users
{
	meta:
		score = 70
		description = "IIS configuration maps a site or virtual directory into C:\\ProgramData or C:\\Users"
		reference = "exchange-attacks.md section 8 (applicationHost.config physicalPath under ProgramData/Users)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$pp = /physicalPath\s{0,4}=\s{0,4}"[a-z]:\\{1,2}(ProgramData|Users)\\/ ascii wide nocase
	condition:
		filename matches /^(applicationHost|web)\.config$/i and $pp
}

rule EXH_INFO_EOMT_Rewrite_Rule_Present
{
	meta:
		score = 40
		description = "URL Rewrite rule added by EOMT / BackendCookieMitigation / ExchangeMitigations (ProxyLogon mitigation was applied at some point)"
		reference = "CSS-Exchange EOMT.ps1, BackendCookieMitigation.ps1, ExchangeMitigations.ps1 (exchange-attacks.md section 9)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$r1 = "X-AnonResource-Backend Abort - inbound" ascii wide
		$r2 = "X-BEResource Abort - inbound" ascii wide
	condition:
		filename matches /^(applicationHost|web)\.config$/i and 1 of them
}

rule EXH_SUSP_Compiled_Record_Unexpected_Page
{
	meta:
		score = 70
		description = "ASP.NET compilation record (*.compiled) for a page in aspnet_client, or in owa/ecp auth that Exchange does not ship: trace of a possibly deleted web shell"
		reference = "exchange-attacks.md 2.1, 2.2 and section 9 (Temporary ASP.NET Files sidecars); record layout is exhume's own understanding of ASP.NET"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$pre = "<preserve" ascii wide
		$aspc = /virtualPath\s{0,4}=\s{0,4}"\/aspnet_client\/[^"]{1,200}\.as[hmp]x"/ ascii wide nocase
		$owa = /virtualPath\s{0,4}=\s{0,4}"\/owa\/auth\/[^"]{1,200}\.as[hmp]x"/ ascii wide nocase
		$owaok = /virtualPath\s{0,4}=\s{0,4}"\/owa\/auth\/(errorFE|expiredpassword|frowny|logoff|logon|OutlookCN|RedirSuiteServiceProxy|signout|SvmFeedback)\.aspx"/ ascii wide nocase
		$ecp = /virtualPath\s{0,4}=\s{0,4}"\/ecp\/auth\/[^"]{1,200}\.as[hmp]x"/ ascii wide nocase
		$ecpok = /virtualPath\s{0,4}=\s{0,4}"\/ecp\/auth\/TimeoutLogout\.aspx"/ ascii wide nocase
	condition:
		extension == ".compiled" and filesize < 64KB and $pre and
		($aspc or (#owa > #owaok) or (#ecp > #ecpok))
}

/*
 * web.config shells and the configuration changes that serve one
 * (issue 20, item 4).  A published technique maps *.config to asp.dll,
 * lifts request filtering's ban on .config and the hidden web.config
 * segment, and hides classic ASP inside an XML comment of the same
 * web.config; requesting /x/web.config then runs it.  Variants map
 * .jpg/.txt/.png to asp.dll or to ASP.NET's page handler, so that an
 * uploaded "image" runs.
 */

rule EXH_SUSP_IIS_Handler_Maps_Static_Extension_To_Script_Engine
{
	meta:
		score = 80
		description = "IIS handler mapping sends a static or config file type (.config, .jpg, .png, .gif, .txt, .htm, .css, .js, .xml, .ico, .log ...) to asp.dll, aspnet_isapi.dll, a CGI/FastCGI interpreter or an ASP.NET page/handler factory: files of that type then run as code"
		falsepositive_note = "Legitimate configurations map these types to StaticFileModule or HttpForbiddenHandler.  Old sites sometimes ran .htm through asp.dll for server-side includes; confirm with the site's owner.  Exchange and IIS defaults give none."
		reference = "issue 20; web.config shell technique (public write-ups of *.config mapped to asp.dll)"
		date = "2026-12-07"
		author = "exhume"
	strings:
		$path_first = /<add\s[^>]{0,400}path\s{0,4}=\s{0,4}["']\*\.(config|jpe?g|png|gif|bmp|ico|txt|log|html?|css|js|xml|json|svg|pdf|zip|rar|woff2?|ttf|eot)["'][^>]{0,600}(asp\.dll|aspnet_isapi\.dll|php-cgi|perl\.exe|python\.exe|PageHandlerFactory|SimpleHandlerFactory|WebServiceHandlerFactory)/ ascii wide nocase
		$engine_first = /<add\s[^>]{0,600}(asp\.dll|aspnet_isapi\.dll|php-cgi|perl\.exe|python\.exe|PageHandlerFactory|SimpleHandlerFactory|WebServiceHandlerFactory)[^>]{0,400}path\s{0,4}=\s{0,4}["']\*\.(config|jpe?g|png|gif|bmp|ico|txt|log|html?|css|js|xml|json|svg|pdf|zip|rar|woff2?|ttf|eot)["']/ ascii wide nocase
	condition:
		extension == ".config" and filesize < 4MB and any of them
}

rule EXH_SUSP_IIS_Request_Filtering_Unhides_Config
{
	meta:
		score = 70
		description = "IIS request filtering in a configuration file lifts the ban on .config files or on the hidden web.config / bin / App_Code / App_Data segments, so they can be requested over HTTP"
		falsepositive_note = "No published ASP.NET application needs web.config or bin served; a remove of .config under <staticContent> (a MIME map) does not match.  Mobile-device or font MIME fixes use <staticContent>, not <fileExtensions>."
		reference = "issue 20; IIS requestFiltering fileExtensions/hiddenSegments documentation"
		date = "2026-12-07"
		author = "exhume"
	strings:
		$ext_removed = /<fileExtensions[^>]{0,200}>[^<]{0,200}(<(add|remove)\s[^>]{0,200}>[^<]{0,200}){0,20}<remove\s[^>]{0,100}fileExtension\s{0,4}=\s{0,4}["']\.config["']/ ascii wide nocase
		$ext_allowed = /<add\s[^>]{0,100}fileExtension\s{0,4}=\s{0,4}["']\.config["'][^>]{0,100}allowed\s{0,4}=\s{0,4}["']true/ ascii wide nocase
		$seg_removed = /<remove\s[^>]{0,100}segment\s{0,4}=\s{0,4}["'](web\.config|bin|App_Code|App_Data|App_GlobalResources|App_WebReferences)["']/ ascii wide nocase
	condition:
		extension == ".config" and filesize < 4MB and any of them
}

rule EXH_SUSP_Server_Code_In_Config_File
{
	meta:
		score = 80
		description = "Configuration file (.config) holding ASP/ASP.NET server code (<% ... %> with script, or <script runat=server>), as in web.config shells that run once .config is mapped to a script engine"
		falsepositive_note = "XML configuration has no use for server-code blocks.  Message templates stored as .config (mojoPortal's en-US-PasswordEmailMessage.config) use <% UserName %> placeholders: a block must open with a call into ASP (Response, Request, Server., CreateObject, Eval, Execute, WScript, System.), a declaration (Dim, Set, var, new) or On Error to count."
		reference = "issue 20; published web.config shells (classic ASP inside an XML comment)"
		date = "2026-12-07"
		author = "exhume"
	strings:
		$code = /<%[=\s]{0,8}(Response|Request|Server\.|CreateObject|Eval|Execute|WScript|System\.|Dim\s|Set\s|var\s|new\s|On\s+Error)/ ascii wide nocase
		$run = /<script[^>]{0,100}runat\s{0,4}=\s{0,4}["']?server/ ascii wide nocase
		$dir = /<%@\s{0,8}(Page|WebHandler|Language)\b/ ascii wide nocase
	condition:
		extension == ".config" and filesize < 4MB and
		($code or $run or $dir)
}
