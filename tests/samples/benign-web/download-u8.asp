<%
' Sends a file from the documents folder.
name = Replace(Request("f"), "..", "")
Set st = Server.CreateObject("ADODB.Stream")
st.Type = 1 : st.Open
st.LoadFromFile Server.MapPath("/docs/" & name)
Response.ContentType = "application/octet-stream"
Response.BinaryWrite st.Read
st.Close
%>
