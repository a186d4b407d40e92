/*
 * exhume: China Chopper family web shells as dropped on Exchange servers
 * (ProxyLogon/HAFNIUM 2021 and later).  Written for exhume from the facts in
 * exchange-attacks.md section 2.4 items 1-3 and 2.5; no third-party rule text.
 *
 * The core of every Chopper variant is "evaluate whatever the request says,
 * with the JScript 'unsafe' flag".  Legitimate Exchange pages never pass a
 * request value to eval, so these markers are tight on their own.
 */

rule EXH_WEBSHELL_Chopper_JScript_Eval
{
	meta:
		score = 85
		description = "China Chopper JScript one-liner: eval() of a request parameter with the 'unsafe' flag"
		reference = "Volexity blog 2021-03-02; Microsoft HAFNIUM blog 2021-03-02 (exchange-attacks.md 2.4 item 1)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$eval = /eval\s{0,8}\(\s{0,8}Request(\.Item|\.Form|\.QueryString)?\s{0,8}\[/ ascii wide nocase
		$unsafe = /,\s{0,8}["']unsafe["']\s{0,8}\)/ ascii wide nocase
	condition:
		filesize < 512KB and $eval and $unsafe
}

rule EXH_WEBSHELL_Chopper_Base64
{
	meta:
		score = 85
		description = "China Chopper Base64 variant: JScript page that evals a Base64-decoded request value"
		reference = "exchange-attacks.md 2.4 item 2 (signature-base Chopper_Mar21_4 markers, paraphrased)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$lang = /<%@\s{0,8}Page\s{1,8}Language\s{0,4}=\s{0,4}["']?Jscript/ ascii wide nocase
		$b64 = ".FromBase64String(" ascii wide nocase
		$eval = /eval\s{0,8}\(\s{0,8}System\.Text\.Encoding\./ ascii wide nocase
	condition:
		filesize < 850 and $lang and $b64 and $eval
}

rule EXH_WEBSHELL_Chopper_Obfuscated
{
	meta:
		score = 85
		description = "Obfuscated China Chopper: _0x string-array JScript whose Page_Load evals a request value"
		reference = "exchange-attacks.md 2.4 item 3 (obfuscated Chopper, SHA-256 ac44513e...)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$load = /function\s{1,4}Page_Load\s{0,4}\(\s{0,4}\)\s{0,4}\{\s{0,4}var\s{1,4}_0x/ ascii wide nocase
		$eval = /eval\s{0,4}\(\s{0,4}Request\s{0,4}\[\s{0,4}_0x/ ascii wide nocase
		$arr = /['"]unsafe['"]/ ascii wide
		$var = "var _0x" ascii wide
	condition:
		filesize < 3KB and $eval and ($load or ($var and $arr))
}

rule EXH_WEBSHELL_Chopper_GIF_Prefixed
{
	meta:
		score = 90
		description = "China Chopper hidden behind a GIF89a/GIF87a header so that it passes a naive image check"
		reference = "exchange-attacks.md 2.4 items 1 and 12 (Chopper markers; web shells with a foreign file header)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$eval = /eval\s{0,8}\(\s{0,8}Request(\.Item|\.Form|\.QueryString)?\s{0,8}\[/ ascii nocase
		$unsafe = /["']unsafe["']/ ascii nocase
		$run = /runat\s{0,4}=\s{0,4}["']?server/ ascii nocase
		$dir = "<%@" ascii
	condition:
		uint32(0) == 0x38464947 and filesize < 1MB and
		$eval and ($unsafe or $run or $dir)
}

rule EXH_WEBSHELL_Chopper_CSharp
{
	meta:
		score = 85
		description = "China Chopper C# form: C# page that hands a request value to the JScript evaluator"
		reference = "exchange-attacks.md 2.4 items 1 and 11 (JScriptEvaluate of request data)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$lang = /<%@\s{0,8}Page\s[^>]{0,200}Language\s{0,4}=\s{0,4}["']?C#/ ascii wide nocase
		$jse = /JScriptEvaluate\s{0,4}\(\s{0,8}Request/ ascii wide nocase
		$vsa = "VsaEngine.CreateEngine" ascii wide nocase
	condition:
		filesize < 100KB and $lang and $jse and $vsa
}

rule EXH_WEBSHELL_Chopper_OAB_Prefixed
{
	meta:
		score = 90
		description = "Server-side script stored behind a one-letter http:// host (http://f/<script ...), the CVE-2021-27065 ExternalUrl trick"
		reference = "exchange-attacks.md 2.4 items 1 and 3, 2.5 (HelseCERT ECP log line, Volexity)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$pfx = /http:\/\/[a-z0-9]\/<script[^>]{0,80}runat\s{0,4}=\s{0,4}["']?server/ ascii wide nocase
	condition:
		filesize < 50KB and $pfx
}
