<%
' Pure-ASP upload class (multipart parser) used by the site's forms.
Class FileUploader
  Public Files
  Private Sub Class_Initialize : Set Files = Server.CreateObject("Scripting.Dictionary") : End Sub
  Public Sub Upload()
    Dim data : data = Request.BinaryRead(Request.TotalBytes)
    ' ... split the multipart body at the boundary ...
  End Sub
  Public Sub SaveToDisk(path, name, bytes)
    Set st = Server.CreateObject("ADODB.Stream")
    st.Type = 1 : st.Open : st.Write bytes
    st.SaveToFile path & "\" & name, 2
    st.Close
  End Sub
End Class
%>
