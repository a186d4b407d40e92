/*
 * exhume: web shells compiled by ASP.NET into "Temporary ASP.NET Files".
 * The App_Web_<random>.dll survives deletion of the .aspx, so it is often the
 * last trace of a shell.  Written for exhume from exchange-attacks.md 2.1,
 * 2.4 item 11 and section 9.
 */

rule EXH_WEBSHELL_Compiled_AppWeb_DLL
{
	meta:
		score = 85
		description = "Compiled ASP.NET page (App_Web_*.dll) from aspnet_client or owa/ecp auth that evaluates JScript or handles uploaded files"
		reference = "FireEye blog 2021-03-04; BSI rule in signature-base (exchange-attacks.md 2.4 item 11)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$v1 = "~/aspnet_client/" ascii wide nocase
		$v2 = "~/auth/" ascii wide nocase
		$jse = "JScriptEvaluate" ascii
		$g1 = "get_Request" ascii
		$g2 = "get_Files" ascii
		$g3 = "get_Count" ascii
		$g4 = "get_Item" ascii
		$g5 = "get_Server" ascii
	condition:
		uint16(0) == 0x5a4d and filesize > 4KB and filesize < 64KB and
		filename matches /^App_Web_[a-z0-9]{7,8}\.dll$/i and
		($v1 or $v2) and ($jse or ($g2 and 3 of ($g1, $g3, $g4, $g5)))
}

rule EXH_WEBSHELL_Compiled_JScriptEval_DLL
{
	meta:
		score = 70
		description = "Small .NET DLL built from a web-shell page: JScriptEvaluate plus an aspnet_client or auth virtual path (any file name)"
		reference = "exchange-attacks.md 2.4 item 11 and section 9 (Temporary ASP.NET Files)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$v1 = "~/aspnet_client/" ascii wide nocase
		$v2 = "~/auth/" ascii wide nocase
		$jse = "JScriptEvaluate" ascii
		$vsa = "VsaEngine" ascii
	condition:
		uint16(0) == 0x5a4d and filesize < 200KB and
		($v1 or $v2) and $jse and $vsa
}
