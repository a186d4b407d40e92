/*
 * exhume: generic ASP.NET web-shell heuristics (issue 20).  Each rule looks
 * for what makes a page a shell, request input reaching a sink (code
 * evaluation, a process, an assembly load, a compiler, a socket, a stylesheet
 * with scripts or an SQL connection), never for strings of one sample.
 * Written for exhume from the published descriptions of the families (China
 * Chopper, Behinder/Godzilla memory loaders, reGeorg tunnels, ASPXSpy-like
 * file managers, XSLT loaders); no third-party rule text.
 *
 * Conventions: every rule starts with a size test and "not a PE file"
 * (prefilter: DLLs are left to compiled-webshells.yar), needs a
 * server-code marker ("<%" or runat=server) so code-behind .cs files and
 * documentation do not count, matches case-insensitively where the language
 * is, and in UTF-8 and UTF-16LE (wide).  "fp_budget" is the false-positive
 * rate the rule is tuned for on benign web applications (make eval);
 * "legit" says what legitimate code can look like.
 */


/*
 * Shared by the rules below: the file holds server code ("<%" or
 * runat=server).  Searched once instead of once per rule; on large pages
 * these markers occur hundreds of times and were most of the rules' cost.
 */
private rule EXH_INFO_ASPNET_Server_Code
{
	meta:
		score = 0
		description = "ASP.NET server-code marker (<% or runat=server); private, used by the rules of this file"
		reference = "issue 20 item 1"
		date = "2026-12-07"
		author = "exhume"
	strings:
		$pm1 = "<%" ascii wide
		$pm2 = /runat\s{0,4}=\s{0,4}["']?server/ ascii wide nocase
	condition:
		filesize < 1MB and uint16(0) != 0x5a4d and any of them
}

rule EXH_WEBSHELL_ASPNET_JScript_Eval_Request
{
	meta:
		score = 85
		description = "JScript eval() of request data (Chopper family, any accessor: Request[..], .Item(0), .Form, .Headers, .Cookies, Base64 or decoded)"
		reference = "Volexity and Microsoft HAFNIUM blogs 2021-03-02 (Chopper: eval of a request value); issue 20 item 1"
		date = "2026-12-07"
		author = "exhume"
		fp_budget = "0 per 1000 pages"
		legit = "none known: a server page never evaluates request text; client-side eval('<%= Request %>') is excluded by the '<' stop"
	strings:
		// JScript is case-sensitive: "eval" lower case, so DataBinder Eval(...) does not count
		$ev = /\beval\s{0,8}\([^;<>]{0,200}Request\s{0,4}(\[|\(|\.\s{0,4}(Item|Form|QueryString|Headers|Cookies|Params|ServerVariables|BinaryRead|InputStream))/ ascii wide
		$jse = /JScriptEvaluate\s{0,8}\([^;<>]{0,200}Request\b/ ascii wide nocase
	condition:
		filesize < 1MB and uint16(0) != 0x5a4d and ($ev or $jse) and EXH_INFO_ASPNET_Server_Code
}

rule EXH_WEBSHELL_ASPNET_JScript_Eval_Variable
{
	meta:
		score = 80
		description = "JScript server page that calls eval() and reads request data (eval of a variable fed by the request)"
		reference = "Chopper variants with a variable or an 'un'+'safe' flag (issue 20 item 1)"
		date = "2026-12-07"
		author = "exhume"
		fp_budget = "0 per 1000 pages"
		legit = "a JScript.NET or classic JScript page that uses eval() on constants and also reads a form field; rare since JScript pages are rare"
	strings:
		$lang1 = /<%@[^>]{0,200}Language\s{0,4}=\s{0,4}["']?J(ava)?Script/ ascii wide nocase
		$lang2 = /<script[^>]{0,120}language\s{0,4}=\s{0,4}["']?J(ava)?Script[^>]{0,120}runat\s{0,4}=\s{0,4}["']?server/ ascii wide nocase
		$lang3 = /<script[^>]{0,120}runat\s{0,4}=\s{0,4}["']?server[^>]{0,120}language\s{0,4}=\s{0,4}["']?J(ava)?Script/ ascii wide nocase
		$ev = /\beval\s{0,8}\(/ ascii wide
		$req = /Request\s{0,4}(\[|\(|\.\s{0,4}(Item|Form|QueryString|Headers|Cookies|Params|ServerVariables|BinaryRead|InputStream))/ ascii wide nocase
	condition:
		filesize < 256KB and uint16(0) != 0x5a4d and $ev and $req and 1 of ($lang*)
}

rule EXH_WEBSHELL_ASPNET_Process_Request
{
	meta:
		score = 80
		description = "Page starting a process (Process.Start/ProcessStartInfo) with request data as file name or arguments, or a command shell whose output is returned"
		reference = "command-execution web shells (ASPXSpy-like cmd pages, SPORTSBALL); issue 20 item 1"
		date = "2026-12-07"
		author = "exhume"
		fp_budget = "0 per 1000 pages"
		legit = "admin pages that run a fixed tool (iisreset, a backup script) with constant arguments; only request text in the call or a redirected cmd.exe/powershell counts"
	strings:
		$ps1 = /Process\s{0,4}\.\s{0,4}Start\s{0,4}\(/ ascii wide nocase
		$ps2 = "ProcessStartInfo" ascii wide nocase
		$near = /(Process\s{0,4}\.\s{0,4}Start\s{0,4}\(|\.\s{0,4}Arguments\s{0,4}=|\.\s{0,4}FileName\s{0,4}=|new\s{1,8}(System\.Diagnostics\.)?ProcessStartInfo\s{0,4}\()[^;]{0,200}Request\s{0,4}(\[|\(|\.)/ ascii wide nocase
		$sh = /(cmd\.exe|["']cmd["']|powershell(\.exe)?["'\s]|%ComSpec%|["']\/c\s|["']-(nop|noni|c|command|enc|encodedcommand)\s)/ ascii wide nocase
		$out = /StandardOutput|RedirectStandardOutput/ ascii wide nocase
		$req = /Request\s{0,4}(\[|\(|\.\s{0,4}(Item|Form|QueryString|Headers|Cookies|Params))/ ascii wide nocase
	condition:
		filesize < 1MB and uint16(0) != 0x5a4d and ($ps1 or $ps2) and EXH_INFO_ASPNET_Server_Code and
		($near or ($sh and $out and $req))
}

rule EXH_WEBSHELL_ASPNET_Assembly_Load_Request
{
	meta:
		score = 85
		description = "In-memory loader (Behinder/Godzilla style): Assembly.Load of request bytes, usually decrypted or Base64-decoded, then CreateInstance/Invoke"
		reference = "published analyses of Behinder and Godzilla .NET payload loaders; issue 20 item 1"
		date = "2026-12-07"
		author = "exhume"
		fp_budget = "0 per 1000 pages"
		legit = "plugin loaders call Assembly.Load on files under bin/ (File.ReadAllBytes), not on the request body, and do not decrypt or Base64-decode it"
	strings:
		$al = /(Assembly\s{0,4}\.\s{0,4}Load|CurrentDomain\s{0,4}\.\s{0,4}Load)\s{0,4}\(/ ascii wide nocase
		$alr = /typeof\s{0,4}\(\s{0,4}(System\.Reflection\.)?Assembly\s{0,4}\)\s{0,4}\.\s{0,4}GetMethod\s{0,4}\(\s{0,4}["']Load/ ascii wide nocase
		$near = /(Assembly\s{0,4}\.\s{0,4}Load|CurrentDomain\s{0,4}\.\s{0,4}Load)\s{0,4}\([^;]{0,200}Request\s{0,4}(\[|\(|\.)/ ascii wide nocase
		$body = /Request\s{0,4}(\[|\.\s{0,4}(BinaryRead|InputStream|Form|Item|Params|Headers|Cookies|QueryString))/ ascii wide nocase
		$inst = /(\.\s{0,4}CreateInstance|Activator\s{0,4}\.\s{0,4}CreateInstance|\.\s{0,4}Invoke)\s{0,4}\(/ ascii wide nocase
		$dec = /(CreateDecryptor|RijndaelManaged|AesManaged|Aes\s{0,4}\.\s{0,4}Create|TransformFinalBlock|FromBase64String|GZipStream)/ ascii wide nocase
	condition:
		filesize < 512KB and uint16(0) != 0x5a4d and ($al or $alr) and EXH_INFO_ASPNET_Server_Code and
		($near or ($body and $inst and $dec))
}

rule EXH_WEBSHELL_ASPNET_Compiler_Request
{
	meta:
		score = 80
		description = "Page compiling source at run time (CSharpCodeProvider/CodeDom CompileAssemblyFromSource, Roslyn scripting) and reading request data"
		reference = "code-compiling web shells (issue 20 item 1)"
		date = "2026-12-07"
		author = "exhume"
		fp_budget = "0 per 1000 pages"
		legit = "build or templating tools compile code in libraries (.cs), not in a page that also reads the request"
	strings:
		$cp = /(CSharpCodeProvider|VBCodeProvider|JScriptCodeProvider|CodeDomProvider\s{0,4}\.\s{0,4}CreateProvider)/ ascii wide nocase
		$comp = /CompileAssemblyFrom(Source|Dom|File)/ ascii wide nocase
		$ros = /CSharpScript\s{0,4}\.\s{0,4}(EvaluateAsync|RunAsync|Create)/ ascii wide nocase
		$req = /Request\s{0,4}(\[|\(|\.\s{0,4}(Item|Form|QueryString|Headers|Cookies|Params|BinaryRead|InputStream))/ ascii wide nocase
	condition:
		filesize < 512KB and uint16(0) != 0x5a4d and $req and EXH_INFO_ASPNET_Server_Code and (($cp and $comp) or $ros)
}

rule EXH_WEBSHELL_ASPNET_Socket_Tunnel
{
	meta:
		score = 80
		description = "reGeorg-like tunnel: a page that opens sockets and has two of: request-header commands, raw body relay (BinaryRead/InputStream/BinaryWrite), socket kept in Session, CONNECT/FORWARD verbs, X- response headers, a target host from the request"
		reference = "published descriptions of reGeorg/Neo-reGeorg tunnels (Volexity 2021-03-02 tunnel); issue 20 item 1"
		date = "2026-12-07"
		author = "exhume"
		fp_budget = "0 per 1000 pages"
		legit = "diagnostic pages (whois, SMTP or port check) open a socket to a host from the request but do not relay raw bodies or keep the socket in the session"
	strings:
		$s1 = /new\s{1,8}(System\.Net\.Sockets\.)?(Socket|TcpClient)\s{0,4}\(/ ascii wide nocase
		$s2 = "System.Net.Sockets" ascii wide nocase
		$hdr = /Request\s{0,4}\.\s{0,4}Headers\s{0,4}(\[|\(|\.\s{0,4}Get\s{0,4}\()/ ascii wide nocase
		$bin = /(Response\s{0,4}\.\s{0,4}BinaryWrite|Request\s{0,4}\.\s{0,4}(BinaryRead|InputStream))/ ascii wide nocase
		$sess = /\(\s{0,4}(System\.Net\.Sockets\.)?(Socket|TcpClient|NetworkStream)\s{0,4}\)\s{0,4}(Session|Application)\s{0,4}[\[(]/ ascii wide nocase
		$v1 = /["']CONNECT["']/ ascii wide
		$v2 = /["']DISCONNECT["']/ ascii wide
		$v3 = /["']FORWARD["']/ ascii wide
		$xh = /(AddHeader|AppendHeader|Headers\s{0,4}\.\s{0,4}(Add|Set))\s{0,4}\(\s{0,4}["']X-/ ascii wide nocase
		$tgt = /(IPAddress\s{0,4}\.\s{0,4}Parse|new\s{1,8}IPEndPoint|Dns\s{0,4}\.\s{0,4}(GetHostAddresses|GetHostEntry|Resolve))\s{0,4}\([^;]{0,120}Request/ ascii wide nocase
	condition:
		filesize < 512KB and uint16(0) != 0x5a4d and ($s1 or $s2) and EXH_INFO_ASPNET_Server_Code and
		(2 of ($hdr, $bin, $sess, $xh, $tgt) or
		 (1 of ($hdr, $bin, $sess, $xh, $tgt) and 2 of ($v*)))
}

rule EXH_WEBSHELL_XSLT_Script_Loader
{
	meta:
		score = 80
		description = "XSLT with embedded code that runs processes, loads assemblies or writes files (msxsl:script), or a page transforming with scripts enabled and reading the request"
		reference = "XSLT/msxsl:script loaders (issue 20 item 1; exchange-attacks.md section 8)"
		date = "2026-12-07"
		author = "exhume"
		fp_budget = "0 per 1000 files"
		legit = "stylesheets with msxsl:script helpers for formatting (dates, strings); CMS renderers enabling scripts in compiled libraries, not in a page reading the request"
	strings:
		$msx = /<msxsl:script/ ascii wide nocase
		$danger = /(System\.Diagnostics\.Process|Process\s{0,4}\.\s{0,4}Start|ProcessStartInfo|Assembly\s{0,4}\.\s{0,4}Load|WScript\.Shell|File\s{0,4}\.\s{0,4}WriteAll|CompileAssemblyFromSource|ActiveXObject)/ ascii wide nocase
		$xct = /Xsl(Compiled)?Transform/ ascii wide nocase
		$en = /(XsltSettings\s{0,4}\(\s{0,4}(true|enableDocumentFunction\s{0,4}:\s{0,4}\w{1,8}\s{0,4},\s{0,4}enableScript\s{0,4}:\s{0,4}true)|EnableScript\s{0,4}=\s{0,4}true|XsltSettings\s{0,4}\.\s{0,4}TrustedXslt)/ ascii wide nocase
		$req = /Request\s{0,4}(\[|\(|\.\s{0,4}(Item|Form|QueryString|Headers|Cookies|Params|BinaryRead|InputStream))/ ascii wide nocase
	condition:
		filesize < 512KB and uint16(0) != 0x5a4d and
		(($msx and $danger) or ($xct and $en and $req and EXH_INFO_ASPNET_Server_Code))
}

rule EXH_WEBSHELL_ASPNET_File_Manager
{
	meta:
		score = 80
		description = "All-in-one management shell (ASPXSpy/WSO-like): five or more of directory listing, drives, upload, delete/move, command execution, time-stamp change, registry, SQL, process list, sockets, IIS metabase, in one page that reads the request"
		reference = "published feature lists of ASPXSpy and WSO-style shells; issue 20 item 1"
		date = "2026-12-07"
		author = "exhume"
		fp_budget = "0 per 1000 pages"
		legit = "CMS file managers list, upload and delete (three groups); they do not also run commands, change time stamps or read the registry"
	strings:
		$list = /(Directory\s{0,4}\.\s{0,4}(GetDirectories|GetFiles|GetFileSystemEntries)|new\s{1,8}(System\.IO\.)?DirectoryInfo)/ ascii wide nocase
		$drv = /(DriveInfo\s{0,4}\.\s{0,4}GetDrives|GetLogicalDrives)/ ascii wide nocase
		$upl = /(\.\s{0,4}SaveAs\s{0,4}\(|PostedFile)/ ascii wide nocase
		$del = /((File|Directory)\s{0,4}\.\s{0,4}(Delete|Move)\s{0,4}\(|\.\s{0,4}MoveTo\s{0,4}\()/ ascii wide nocase
		$exec = /(ProcessStartInfo|Process\s{0,4}\.\s{0,4}Start|cmd\.exe|WScript\.Shell)/ ascii wide nocase
		$time = /(Set(CreationTime|LastWriteTime|LastAccessTime)\s{0,4}\(|\.\s{0,4}(CreationTime|LastWriteTime)\s{0,4}=[^=])/ ascii wide nocase
		$reg = /(Microsoft\.Win32|Registry\s{0,4}\.\s{0,4}(LocalMachine|CurrentUser|ClassesRoot)|RegistryKey)/ ascii wide nocase
		$sql = /(SqlConnection|OleDbConnection|OdbcConnection)/ ascii wide nocase
		$proc = /Process\s{0,4}\.\s{0,4}GetProcess(es|ById)/ ascii wide nocase
		$net = /(TcpClient|new\s{1,8}Socket\s{0,4}\()/ ascii wide nocase
		$iis = /IIS:\/\/localhost/ ascii wide nocase
		$req = /Request\s{0,4}(\[|\(|\.\s{0,4}(Item|Form|QueryString|Params))/ ascii wide nocase
	condition:
		filesize < 1MB and uint16(0) != 0x5a4d and $req and EXH_INFO_ASPNET_Server_Code and
		5 of ($list, $drv, $upl, $del, $exec, $time, $reg, $sql, $proc, $net, $iis)
}

rule EXH_WEBSHELL_ASPNET_File_Write_Request
{
	meta:
		score = 75
		description = "Page writing a file whose path comes straight from the request (File.WriteAllText/WriteAllBytes, FileStream, StreamWriter, SaveAs)"
		reference = "file-writer and uploader shells (exchange-attacks.md 2.4 items 4-5; issue 20 item 1)"
		date = "2026-12-07"
		author = "exhume"
		fp_budget = "0 per 1000 pages"
		legit = "uploads save under a fixed folder with a generated or sanitised name; a path taken verbatim from the request is a vulnerability at best"
	strings:
		$w = /(File\s{0,4}\.\s{0,4}(WriteAll(Text|Bytes|Lines)|AppendAllText|Create|OpenWrite)|new\s{1,8}(System\.IO\.)?(FileStream|StreamWriter)|\.\s{0,4}SaveAs)\s{0,4}\(\s{0,4}(Server\s{0,4}\.\s{0,4}MapPath\s{0,4}\(\s{0,4})?(HttpContext\.Current\.|Context\.|this\.|Page\.)?Request\s{0,4}(\[|\(|\.\s{0,4}(Item|Form|QueryString|Headers|Cookies|Params))/ ascii wide nocase
	condition:
		filesize < 1MB and uint16(0) != 0x5a4d and $w and EXH_INFO_ASPNET_Server_Code
}

rule EXH_WEBSHELL_ASP_SQL_Console
{
	meta:
		score = 75
		description = "SQL console: a page whose SQL command text is the request value itself, or whose connection string and command both come from the request"
		reference = "database-manager web shells (issue 20 item 1)"
		date = "2026-12-07"
		author = "exhume"
		fp_budget = "1 per 1000 pages"
		legit = "data pages build SQL from constants and concatenate request values (injection-prone but not a console); a page executing the request text as the whole statement is a console"
	strings:
		$conn = /(ConnectionString\s{0,4}=|new\s{1,8}(Sql|OleDb|Odbc|MySql)Connection\s{0,4}\(|\.\s{0,4}Open\s{0,4}\(?)\s{0,4}(HttpContext\.Current\.)?Request\s{0,4}(\[|\(|\.\s{0,4}(Item|Form|QueryString|Params))/ ascii wide nocase
		$cmd = /(new\s{1,8}(Sql|OleDb|Odbc|MySql)(Command|DataAdapter)\s{0,4}\(|CommandText\s{0,4}=|\.\s{0,4}Execute(Reader|NonQuery|Scalar)\s{0,4}\(?)\s{0,4}(HttpContext\.Current\.)?Request\s{0,4}(\[|\(|\.\s{0,4}(Item|Form|QueryString|Params))/ ascii wide nocase
		// ADO's conn.Execute(Request(..)); Server.Execute(Request(..)) is an include, not SQL
		$ado = /\.\s{0,4}Execute\s{0,4}\(?\s{0,4}Request\s{0,4}(\(|\.\s{0,4}(Item|Form|QueryString))/ ascii wide nocase
		$srv = /Server\s{0,4}\.\s{0,4}Execute\s{0,4}\(?\s{0,4}Request/ ascii wide nocase
	condition:
		filesize < 1MB and uint16(0) != 0x5a4d and EXH_INFO_ASPNET_Server_Code and ($cmd or #ado > #srv) and
		($conn or filesize < 64KB)
}
