/*
 * exhume: non-Chopper ASPX web shells seen on Exchange servers: file writers,
 * uploaders (incl. Volexity SIMPLESEESHARP), SPORTSBALL, reGeorg-style
 * tunnels, EDR-recon ("SecChecker") pages, file explorers, XSLT loaders and
 * the ProxyShell-era JScript loaders.  Written for exhume from
 * exchange-attacks.md 2.4 items 4-9 and section 8; no third-party rule text.
 */

rule EXH_WEBSHELL_ASPX_Writer_StreamWriter
{
	meta:
		score = 80
		description = "ASPX file writer: opens a StreamWriter on a path taken from the request and writes request content into it"
		reference = "exchange-attacks.md 2.4 item 4 (C# writer shells)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$open = /StreamWriter\s{0,4}\(\s{0,4}Request(\.Form|\.QueryString|\.Item)?\s{0,4}\[/ ascii wide nocase
		$write = /\.Write(Line)?\s{0,4}\(\s{0,4}Request(\.Form|\.QueryString|\.Item)?\s{0,4}\[/ ascii wide nocase
		$run = /runat\s{0,4}=\s{0,4}["']?server/ ascii wide nocase
		$dir = "<%" ascii wide
	condition:
		filesize < 100KB and $open and $write and ($run or $dir)
}

rule EXH_WEBSHELL_ASPX_Uploader_SaveAs
{
	meta:
		score = 75
		description = "ASPX uploader: saves the first uploaded file under a server path chosen by the request"
		reference = "exchange-attacks.md 2.4 item 5 (file-upload shells)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$files = /Request\.Files\s{0,4}\[\s{0,4}0\s{0,4}\]/ ascii wide nocase
		$save = /\.SaveAs\s{0,4}\(\s{0,4}(Server\.MapPath|Path\.Combine|Request)/ ascii wide nocase
		$run = /runat\s{0,4}=\s{0,4}["']?server/ ascii wide nocase
		$dir = "<%@" ascii wide
	condition:
		filesize < 100KB and $files and $save and ($run or $dir)
}

rule EXH_WEBSHELL_ASPX_SimpleSeeSharp
{
	meta:
		score = 85
		description = "SIMPLESEESHARP-style minimal C# uploader (tiny page: HttpPostedFile from Request.Files[0], SaveAs(Path.Combine(...)))"
		reference = "Volexity blog 2021-03-02 (exchange-attacks.md 2.4 item 5, SHA-256 893cd358...)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$lang = /<%@\s{0,4}Page\s{1,4}Language\s{0,4}=\s{0,4}["']C#["']/ ascii nocase
		$post = /HttpPostedFile\s{1,4}\w{1,32}\s{0,4}=\s{0,4}Request\.Files\s{0,4}\[\s{0,4}0\s{0,4}\]/ ascii
		$save = /\.SaveAs\s{0,4}\(\s{0,4}Path\.Combine\s{0,4}\(/ ascii
	condition:
		uint16(0) == 0x253c and filesize < 1KB and $lang and $post and $save
}

rule EXH_WEBSHELL_ASPX_SportsBall_Markers
{
	meta:
		score = 85
		description = "SPORTSBALL-style ASPX shell: fqrspt cookie and its fixed key constant, with command or upload features"
		reference = "Volexity blog 2021-03-02 (exchange-attacks.md 2.4 item 6, SHA-256 2fa06333...)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$key = "ZN2aDAB4rXsszEvCLrzgcvQ4oi5J1TuiRULlQbYwldE=" ascii wide
		$cookie = /Cookies\s{0,4}\[\s{0,4}["']fqrspt["']/ ascii wide nocase
		$proc = "Diagnostics.Process" ascii wide nocase
		$psi = "ProcessStartInfo" ascii wide nocase
		$upl = "Request.Files" ascii wide nocase
		$form = /enctype\s{0,4}=\s{0,4}["']multipart\/form-data/ ascii wide nocase
	condition:
		filesize < 200KB and ($key or ($cookie and 1 of ($proc, $psi, $upl, $form)))
}

rule EXH_WEBSHELL_ASPX_ReGeorg_Tunnel
{
	meta:
		score = 80
		description = "reGeorg-like ASPX socket tunnel: raw sockets driven by Base64 request headers or by '|'-separated header commands"
		reference = "Volexity blog 2021-03-02 (exchange-attacks.md 2.4 item 7, SHA-256 406b680e...)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$ns = "System.Net.Sockets" ascii wide nocase
		$b64h = /FromBase64String\s{0,4}\(\s{0,4}Request\.Headers/ ascii wide nocase
		$split = ".Split('|')" ascii wide
		$hget = "Request.Headers.Get(" ascii wide nocase
		$sock = /new\s{1,4}Socket\s{0,4}\(/ ascii wide
		$ip = "IPAddress ip;" ascii wide
		$aspx = "<%@" ascii wide
	condition:
		filesize < 200KB and $aspx and
		(($ns and $b64h) or 3 of ($split, $hget, $sock, $ip))
}

rule EXH_WEBSHELL_ASPX_EDR_Recon
{
	meta:
		score = 80
		description = "EDR-discovery ASPX ('SecChecker'/UNC2640 help.aspx style): File.Exists checks for FireEye xAgent, CrowdStrike and Carbon Black binaries"
		reference = "FireEye/Mandiant blog 2021-03-04; signature-base SecChecker (exchange-attacks.md 2.4 item 8, SHA-256 b75f163c...)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$exists = "File.Exists(" ascii wide nocase
		$xagt = /fireeye\\{1,2}xagt\.exe/ ascii wide nocase
		$cs = "csfalconservice.exe" ascii wide nocase
		$cb = "carbonblack" ascii wide nocase
		$dir = "<%" ascii wide
	condition:
		filesize < 10KB and $dir and $exists and 2 of ($xagt, $cs, $cb)
}

rule EXH_WEBSHELL_ASPX_FileExplorer
{
	meta:
		score = 75
		description = "ASPX file-explorer shell: lists drives, creates files/folders and round-trips names through Base64"
		reference = "exchange-attacks.md 2.4 item 9 (signature-base FileExplorer_Mar21_1 markers, SHA-256 a8c63c41...)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$drives = "DriveInfo.GetDrives()" ascii wide nocase
		$created = /\.Text\s{0,4}\+\s{0,4}" Created!"/ ascii wide
		$b64a = "FromBase64String(" ascii wide nocase
		$b64b = "ToBase64String(" ascii wide nocase
	condition:
		filesize < 300KB and $drives and $created and ($b64a or $b64b)
}

rule EXH_WEBSHELL_ASPX_XSLT_Loader
{
	meta:
		score = 80
		description = "ASPX XSLT loader ('DropHell' style): loads a Base64 stylesheet from the request and runs Transform()"
		reference = "exchange-attacks.md section 8 (other ProxyShell-era shells)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$load = /\.LoadXml\s{0,4}\(\s{0,4}System\.Text\.Encoding\.UTF8\.GetString\s{0,4}\(\s{0,4}System\.Convert\.FromBase64String\s{0,4}\(\s{0,4}Request/ ascii wide nocase
		$ms = /new\s{1,4}System\.IO\.MemoryStream\s{0,4}\(\s{0,4}\)/ ascii wide nocase
		$tr = ".Transform(" ascii wide nocase
	condition:
		filesize < 100KB and all of them
}

rule EXH_WEBSHELL_ASPX_JScript_Eval_Comment
{
	meta:
		score = 75
		description = "ProxyShell-era JScript loader: eval followed by a comment (eval/*...) with the getErrorWord/errorWord/AppcacheVer parameter trick"
		reference = "exchange-attacks.md section 8 (iisstart.aspx/Logout.aspx variants, );eval/*asf loaders)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$evc = /eval\s{0,4}\/\*/ ascii wide nocase
		$asf = ");eval/*asf" ascii wide nocase
		$p1 = "getErrorWord" ascii wide
		$p2 = "errorWord" ascii wide
		$p3 = "AppcacheVer" ascii wide
		$run = /runat\s{0,4}=\s{0,4}["']?server/ ascii wide nocase
	condition:
		filesize < 100KB and ($asf or ($evc and $run and 1 of ($p*)))
}
