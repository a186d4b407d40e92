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
