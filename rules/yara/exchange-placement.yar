/*
 * exhume: ASP.NET pages where none belongs on an Exchange server.  These
 * rules look only at the file's place (externals filepath, filename,
 * extension, filetype, owner), not at its content, so they also catch shells
 * nobody has written a content rule for.  "A page" is any file whose
 * extension IIS hands to a script engine: the external iis_script, true for
 * the extensions in rules/iis-script-extensions.txt and those the volume's
 * applicationHost.config maps to a script processor or handler.  For an
 * alternate data stream, filename and extension are the stream's own.  Legitimate names are from the
 * CSS-Exchange hash baselines (exchange-attacks.md 2.2).  A hijacked
 * legitimate file (same name, injected code) is NOT caught here: compare
 * hashes with a baseline and rely on the content rules for that.
 *
 * filepath is the Windows-form directory without a trailing backslash,
 * e.g. C:\Program Files\Microsoft\Exchange Server\V15\FrontEnd\HttpProxy\owa\auth
 */

rule EXH_SUSP_ASPX_In_OWA_Auth
{
	meta:
		score = 70
		description = "ASP.NET page in FrontEnd\\HttpProxy\\owa\\auth that is not one of the files Exchange ships there"
		reference = "CSS-Exchange baselines, Volexity, MSTIC feed (exchange-attacks.md 2.1, 2.2)"
		date = "2026-11-21"
		author = "exhume"
	condition:
		iis_script and not filename matches /^web\.config$/i and
		filepath matches /\\FrontEnd\\HttpProxy\\owa\\auth$/i and
		not filename matches /^(errorFE|expiredpassword|frowny|logoff|logon|OutlookCN|RedirSuiteServiceProxy|signout|SvmFeedback)\.aspx$/i
}

rule EXH_SUSP_ASPX_In_ECP_Auth
{
	meta:
		score = 70
		description = "ASP.NET page in FrontEnd\\HttpProxy\\ecp\\auth other than TimeoutLogout.aspx"
		reference = "CSS-Exchange baselines (exchange-attacks.md 2.1, 2.2)"
		date = "2026-11-21"
		author = "exhume"
	condition:
		iis_script and not filename matches /^web\.config$/i and
		filepath matches /\\FrontEnd\\HttpProxy\\ecp\\auth$/i and
		not filename matches /^TimeoutLogout\.aspx$/i
}

rule EXH_SUSP_ASPX_In_OWA_Auth_Subfolder
{
	meta:
		score = 75
		description = "ASP.NET page under owa\\auth\\Current or a versioned owa\\auth folder (these hold only themes, scripts and images)"
		reference = "Volexity blog 2021-03-02, Huntress (exchange-attacks.md 2.1, section 8)"
		date = "2026-11-21"
		author = "exhume"
	condition:
		iis_script and not filename matches /^web\.config$/i and
		filepath matches /\\FrontEnd\\HttpProxy\\owa\\auth\\(Current|\d{1,2}\.\d{1,4}\.\d{1,5}(\.\d{1,5})?)(\\|$)/i
}

rule EXH_SUSP_ASPX_In_HttpProxy_VDir_Root
{
	meta:
		score = 65
		description = "ASP.NET page directly in a FrontEnd\\HttpProxy virtual-directory root (these hold only global.asax and web.config)"
		reference = "CSS-Exchange baselines; MSTIC feed OAB\\log.aspx, ews\\333.aspx (exchange-attacks.md 2.1, 2.2)"
		date = "2026-11-21"
		author = "exhume"
	condition:
		iis_script and not filename matches /^(web\.config|global\.asax)$/i and
		filepath matches /\\FrontEnd\\HttpProxy\\[^\\]+$/i
}

rule EXH_SUSP_ASPX_In_ASPNet_Client
{
	meta:
		score = 75
		description = "ASP.NET page anywhere under an IIS aspnet_client folder (legitimately it holds only empty system_web\\4_0_30319)"
		reference = "Volexity blog 2021-03-02, CSS-Exchange CompareExchangeHashes allow-list, MSTIC feed (exchange-attacks.md 2.1, 2.2)"
		date = "2026-11-21"
		author = "exhume"
	condition:
		iis_script and
		filepath matches /\\aspnet_client(\\|$)/i
}

rule EXH_SUSP_ASPX_In_ProgramData_Device_Folder
{
	meta:
		score = 80
		description = "ASP.NET page below a ProgramData folder with a reserved-device or decoy name (COM, COM1, CON, AUX, WHO, XYZ, ZOO, ZING), served via an added IIS vdir"
		reference = "exchange-attacks.md 2.1 and section 8 (ProxyShell era)"
		date = "2026-11-21"
		author = "exhume"
	condition:
		iis_script and
		filepath matches /^[a-z]:\\(ProgramData|Users\\All Users)\\(COM1?|CON|AUX|WHO|XYZ|ZOO|ZING)(\\|$)/i
}

rule EXH_SUSP_ASPNet_Code_In_Image_File
{
	meta:
		score = 70
		description = "File with an image extension that contains an ASP.NET directive or server-side script block (web shell with a wrong extension)"
		reference = "exchange-attacks.md 2.4 (content markers apply to any web-root file)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$dir = /<%@\s{0,8}(Page|WebHandler|WebService)\b/ ascii wide nocase
		$run = /<script[^>]{0,100}runat\s{0,4}=\s{0,4}["']?server/ ascii wide nocase
	condition:
		extension matches /^\.(png|gif|jpe?g|bmp|ico|svg|webp)$/ and filesize < 2MB and
		($dir or $run)
}

rule EXH_SUSP_WebScript_Extension_Binary_Type
{
	meta:
		score = 60
		description = "ASP.NET page extension on a file whose magic says executable, archive, dump or mail store"
		reference = "exchange-attacks.md section 8 (binary containers under .aspx names)"
		date = "2026-11-21"
		author = "exhume"
	condition:
		iis_script and
		(filetype == "EXE" or filetype == "ZIP" or filetype == "RAR" or
		 filetype == "7Z" or filetype == "GZIP" or filetype == "CAB" or
		 filetype == "MDMP" or filetype == "PST" or filetype == "OLE" or
		 filetype == "ELF")
}

rule EXH_SUSP_ASPX_Owned_By_SYSTEM
{
	meta:
		score = 40
		description = "ASP.NET page in a web folder owned by SYSTEM (files written by w3wp/UMWorkerProcess); notice only, installers also write as SYSTEM"
		reference = "FireEye blog 2021-03-04 tip (exchange-attacks.md 2.4 item 14)"
		date = "2026-11-21"
		author = "exhume"
	condition:
		iis_script and
		not extension matches /^\.(config|asax|ascx|master)$/ and
		(owner matches /(^|\\)SYSTEM$/i or owner == "S-1-5-18") and
		filepath matches /\\(inetpub|aspnet_client|FrontEnd\\HttpProxy)(\\|$)/i
}

rule EXH_SUSP_Server_Code_In_Exchange_Web_Folder
{
	meta:
		score = 75
		description = "File whose extension IIS does not run as a script (.txt, .jpg, .dat ...) holding ASP/ASP.NET server code, in owa\\auth, ecp\\auth, aspnet_client, a FrontEnd\\HttpProxy virtual-directory root or the inetpub\\wwwroot root: a shell parked under a harmless name, to be renamed, included or mapped later"
		falsepositive_note = "Exchange ships no such file there.  JavaScript and CSS are left out: bundled template libraries (lodash, underscore) carry <%= ... %> in their source.  An admin's backup copy (logon.aspx.bak) of a page also matches: check it against the shipped page."
		reference = "exchange-attacks.md 2.1, 2.4; issue 20 (placement by server-code markers)"
		date = "2026-12-07"
		author = "exhume"
	strings:
		$dir = /<%@\s{0,8}(Page|WebHandler|WebService|Control|Master|Application|Language)\b/ ascii wide nocase
		$run = /<script[^>]{0,100}runat\s{0,4}=\s{0,4}["']?server/ ascii wide nocase
		$open = /<%[=\s]/ ascii wide
		$close = "%>" ascii wide
	condition:
		not iis_script and filesize < 5MB and
		not extension matches /^\.(js|css|map)$/ and
		(filepath matches /\\(FrontEnd\\HttpProxy|ClientAccess)\\(owa|ecp)\\auth(\\|$)/i or
		 filepath matches /\\aspnet_client(\\|$)/i or
		 filepath matches /\\FrontEnd\\HttpProxy\\[^\\]+$/i or
		 filepath matches /\\inetpub\\wwwroot$/i) and
		($dir or $run or ($open and $close))
}
