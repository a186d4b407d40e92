/*
 * exhume: generic classic-ASP web-shell heuristics (VBScript/JScript .asp,
 * .asa, .cer, .cdx and any file with ASP server code), issue 20.  Each rule
 * looks for request input reaching a sink: Eval/Execute, WScript.Shell or
 * Shell.Application, FileSystemObject writes and deletes, ADODB.Stream
 * saves, ADODB SQL.  Written for exhume from the published descriptions of
 * classic-ASP shells (one-line Execute/Eval shells, cmd.asp pages, FSO file
 * managers, ADODB.Stream uploaders); no third-party rule text.
 *
 * VBScript is case-insensitive, so everything here is nocase; ascii and
 * wide (UTF-16LE pages).  Every rule needs "<%" or runat=server, begins with
 * a size test and "not a PE file" (prefilter), and names its false-positive
 * budget and what legitimate code looks like (fp_budget, legit).
 */


/*
 * Shared by the rules below: the file holds server code ("<%" or
 * runat=server).  Searched once instead of once per rule; on large pages
 * these markers occur hundreds of times and were most of the rules' cost.
 */
private rule EXH_INFO_ASP_Server_Code
{
	meta:
		score = 0
		description = "classic-ASP server-code marker (<% or runat=server); private, used by the rules of this file"
		reference = "issue 20 item 1"
		date = "2026-12-07"
		author = "exhume"
	strings:
		$pm1 = "<%" ascii wide
		$pm2 = /runat\s{0,4}=\s{0,4}["']?server/ ascii wide nocase
	condition:
		filesize < 1MB and uint16(0) != 0x5a4d and any of them
}

rule EXH_WEBSHELL_ASP_Eval_Execute_Request
{
	meta:
		score = 85
		description = "Classic ASP: Eval/Execute/ExecuteGlobal of request data (one-line shells, also through a decoder call)"
		reference = "published descriptions of classic-ASP one-line shells (Execute Request(...)); issue 20 item 1"
		date = "2026-12-07"
		author = "exhume"
		fp_budget = "0 per 1000 pages"
		legit = "none known; conn.Execute(sql & Request(..)) (ADO, injection-prone) and Server.Execute are excluded by the dot before the keyword, ASP.NET data binding Eval(\"x\") + Request(..) by the closing parenthesis"
	strings:
		$x = /(^|[^.\w])(Eval|Execute|ExecuteGlobal)(\s{1,8}|\s{0,8}\(\s{0,8})[^\r\n:<>)]{0,120}Request\s{0,4}(\(|\.\s{0,4}(Form|QueryString|Item|Cookies|ServerVariables|BinaryRead))/ ascii wide nocase
	condition:
		filesize < 1MB and uint16(0) != 0x5a4d and $x and EXH_INFO_ASP_Server_Code
}

rule EXH_WEBSHELL_ASP_Execute_Statement
{
	meta:
		score = 65
		description = "Small classic-ASP page that reads the request and runs a variable with the Execute/ExecuteGlobal statement"
		reference = "classic-ASP shells with the code in a variable (issue 20 item 1)"
		date = "2026-12-07"
		author = "exhume"
		fp_budget = "1 per 1000 pages"
		legit = "include loaders (ExecuteGlobal of a file read with FSO) in frameworks; these read no request value in the same small page"
	strings:
		$x = /(^|[\s:])(Execute|ExecuteGlobal)(\s{1,8}|\s{0,8}\(\s{0,8})[A-Za-z_]\w{0,30}\s{0,4}\)?\s{0,4}(\r|\n|:|%>|')/ ascii wide nocase
		$req = /Request\s{0,4}(\(|\.\s{0,4}(Form|QueryString|Item|Cookies|BinaryRead))/ ascii wide nocase
		$fso = /(OpenTextFile|ReadAll|Scripting\.FileSystemObject)/ ascii wide nocase
	condition:
		filesize < 16KB and uint16(0) != 0x5a4d and $x and $req and not $fso and EXH_INFO_ASP_Server_Code
}

rule EXH_WEBSHELL_ASP_Shell_Exec_Request
{
	meta:
		score = 80
		description = "Classic ASP (or ASP.NET via COM): WScript.Shell/Shell.Application Run, Exec or ShellExecute with request data or with cmd /c and its output"
		reference = "published descriptions of cmd.asp-style command shells; issue 20 item 1"
		date = "2026-12-07"
		author = "exhume"
		fp_budget = "0 per 1000 pages"
		legit = "WScript.Shell RegRead for configuration, or Run of a fixed batch file; neither passes request text nor reads StdOut of cmd"
	strings:
		$wsh1 = /WScript\s{0,4}\.\s{0,4}Shell|Shell\s{0,4}\.\s{0,4}Application/ ascii wide nocase
		$wsh2 = /["']WScript["']\s{0,4}[&+]\s{0,4}["']\.Shell["']/ ascii wide nocase
		$wsh3 = /72C24DD5-D70A-438B-8A42-98424B88AFB8|13709620-C279-11CE-A49E-444553540000/ ascii wide nocase
		$exec = /\.\s{0,4}(Exec|Run|ShellExecute)(\s{1,8}|\s{0,8}\()/ ascii wide nocase
		$near = /\.\s{0,4}(Exec|Run|ShellExecute)(\s{1,8}|\s{0,8}\()[^\r\n]{0,160}Request\s{0,4}(\(|\.\s{0,4}(Form|QueryString|Item|Cookies))/ ascii wide nocase
		$cmd = /(cmd(\.exe)?["'\s]{1,4}\/[ck]|%ComSpec%|\.\s{0,4}StdOut\s{0,4}\.\s{0,4}ReadAll)/ ascii wide nocase
		$req = /Request\s{0,4}(\(|\.\s{0,4}(Form|QueryString|Item|Cookies))/ ascii wide nocase
	condition:
		filesize < 1MB and uint16(0) != 0x5a4d and 1 of ($wsh*) and $exec and $req and EXH_INFO_ASP_Server_Code and
		($near or $cmd)
}

rule EXH_WEBSHELL_ASP_File_Write_Request
{
	meta:
		score = 75
		description = "Classic ASP: FileSystemObject or ADODB.Stream writes a file whose name comes straight from the request (CreateTextFile, OpenTextFile for writing, SaveToFile)"
		reference = "published descriptions of classic-ASP writer and uploader shells; issue 20 item 1"
		date = "2026-12-07"
		author = "exhume"
		fp_budget = "0 per 1000 pages"
		legit = "upload classes save to Server.MapPath of a fixed folder plus a cleaned name; editors open files from a fixed list"
	strings:
		$w = /(CreateTextFile|SaveToFile)(\s{1,8}|\s{0,8}\(\s{0,8})(Server\s{0,4}\.\s{0,4}MapPath\s{0,4}\(\s{0,4})?Request\s{0,4}(\(|\.\s{0,4}(Form|QueryString|Item|Cookies))/ ascii wide nocase
		// OpenTextFile counts only for writing or appending (mode 2 or 8)
		$o = /OpenTextFile\s{0,8}\(\s{0,8}(Server\s{0,4}\.\s{0,4}MapPath\s{0,4}\(\s{0,4})?Request\s{0,4}(\(|\.\s{0,4}(Form|QueryString|Item|Cookies))[^,\r\n]{0,60},\s{0,4}(2|8|ForWriting|ForAppending)\b/ ascii wide nocase
	condition:
		filesize < 1MB and uint16(0) != 0x5a4d and ($w or $o) and EXH_INFO_ASP_Server_Code
}

rule EXH_WEBSHELL_ASP_Stream_Uploader
{
	meta:
		score = 70
		description = "Small self-contained classic-ASP uploader: Request.BinaryRead into ADODB.Stream and SaveToFile, without an upload class"
		reference = "published descriptions of ADODB.Stream uploader shells; issue 20 item 1"
		date = "2026-12-07"
		author = "exhume"
		fp_budget = "1 per 1000 pages"
		legit = "pure-ASP upload classes (Class ... End Class, multipart parsing) do the same in larger include files; they are excluded by the Class statement"
	strings:
		$ado = /ADODB\s{0,4}\.\s{0,4}Stream|00000566-0000-0010-8000-00AA006D2EA4/ ascii wide nocase
		$br = /Request\s{0,4}\.\s{0,4}BinaryRead/ ascii wide nocase
		$save = /\.\s{0,4}SaveToFile/ ascii wide nocase
		$class = /(^|[\r\n])\s{0,16}(Public\s{1,4}|Private\s{1,4})?Class\s{1,8}\w/ ascii wide nocase
	condition:
		filesize < 12KB and uint16(0) != 0x5a4d and $ado and $br and $save and not $class and EXH_INFO_ASP_Server_Code
}

rule EXH_WEBSHELL_ASP_FSO_File_Manager
{
	meta:
		score = 80
		description = "Classic-ASP file manager shell: FileSystemObject on request-chosen paths plus four of listing, delete/move/copy, write, command execution, drives, upload, database"
		reference = "published feature lists of classic-ASP file-manager shells; issue 20 item 1"
		date = "2026-12-07"
		author = "exhume"
		fp_budget = "0 per 1000 pages"
		legit = "admin file editors in CMSs list a folder and save a page (two or three groups), without command execution or drive enumeration"
	strings:
		$fso = /Scripting\s{0,4}\.\s{0,4}FileSystemObject|0D43FE01-F093-11CF-8940-00A0C9054228/ ascii wide nocase
		$rp = /(GetFolder|GetFile|DeleteFile|DeleteFolder|OpenTextFile|CreateTextFile|MapPath|MoveFile|CopyFile|FolderExists|FileExists)\s{0,4}\(\s{0,4}Request\s{0,4}(\(|\.\s{0,4}(Form|QueryString|Item))/ ascii wide nocase
		$list = /\.\s{0,4}(SubFolders|Files)\b/ ascii wide nocase
		$del = /\.\s{0,4}(DeleteFile|DeleteFolder|MoveFile|MoveFolder|CopyFile|CopyFolder)\b/ ascii wide nocase
		$write = /\.\s{0,4}(CreateTextFile|SaveToFile)\b/ ascii wide nocase
		$exec = /WScript\s{0,4}\.\s{0,4}Shell|Shell\s{0,4}\.\s{0,4}Application/ ascii wide nocase
		$drv = /\.\s{0,4}(Drives|DriveType|AvailableSpace)\b/ ascii wide nocase
		$upl = /Request\s{0,4}\.\s{0,4}BinaryRead/ ascii wide nocase
		$db = /ADODB\s{0,4}\.\s{0,4}Connection/ ascii wide nocase
	condition:
		filesize < 1MB and uint16(0) != 0x5a4d and $fso and $rp and EXH_INFO_ASP_Server_Code and
		4 of ($list, $del, $write, $exec, $drv, $upl, $db)
}

rule EXH_SUSP_ASP_Script_Encoded
{
	meta:
		score = 50
		description = "Server page encoded with the Windows Script Encoder (VBScript.Encode/JScript.Encode, #@~^ marker): the code cannot be read without decoding"
		reference = "Microsoft Script Encoder format, used to hide classic-ASP shells (issue 20 items 1-2)"
		date = "2026-12-07"
		author = "exhume"
		fp_budget = "weak signal (notice): old commercial ASP applications shipped encoded pages"
		legit = "licensed classic-ASP products from the 2000s that encoded their pages to protect the source"
	strings:
		$enc = /#@~\^[A-Za-z0-9+\/]{6}==/ ascii wide
		$lang = /Language\s{0,4}=\s{0,4}["']?(VBScript|JScript)\.Encode/ ascii wide nocase
	condition:
		filesize < 1MB and uint16(0) != 0x5a4d and $enc and ($lang or EXH_INFO_ASP_Server_Code)
}
