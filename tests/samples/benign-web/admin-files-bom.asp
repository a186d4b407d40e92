<%
' Classic ASP admin page: lists the upload folder and deletes one file by name.
Set fso = Server.CreateObject("Scripting.FileSystemObject")
root = Server.MapPath("/uploads")
Set folder = fso.GetFolder(root)
For Each f In folder.Files
  Response.Write Server.HTMLEncode(f.Name) & " " & f.Size & "<br>"
Next
If Request.Form("del") <> "" Then
  name = Replace(Replace(Request.Form("del"), "\", ""), "/", "")
  If fso.FileExists(root & "\" & name) Then fso.DeleteFile root & "\" & name
End If
Set log = fso.OpenTextFile(Server.MapPath("/logs/admin.log"), 8, True)
log.WriteLine Now & " " & Request.ServerVariables("REMOTE_ADDR")
log.Close
%>
