<%
' Dynamic include: runs a module file of the framework.
Sub Include(name)
  Set fso = Server.CreateObject("Scripting.FileSystemObject")
  code = fso.OpenTextFile(Server.MapPath("/lib/" & name & ".asp")).ReadAll
  ExecuteGlobal code
End Sub
Include "db"
page = Request.QueryString("page")
%>
