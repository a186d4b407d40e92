<%
' Classic ASP report page: ADO query with a request value (legacy, injection-prone).
Set conn = Server.CreateObject("ADODB.Connection")
conn.Open Application("ConnStr")
Set rs = conn.Execute("SELECT * FROM Orders WHERE Id = " & CLng(Request("id")))
Do Until rs.EOF
  Response.Write Server.HTMLEncode(rs("Name")) & "<br>"
  rs.MoveNext
Loop
Server.Execute(Request.QueryString("footer") & ".asp")
%>
