<%@ Page Language="C#" %>
<script runat="server">
void Upload_Click(object s, EventArgs e) {
  if (!FileUpload1.HasFile) return;
  string name = System.IO.Path.GetFileName(FileUpload1.FileName);
  FileUpload1.SaveAs(Server.MapPath("~/App_Data/uploads/") + Guid.NewGuid() + "_" + name);
  Status.Text = "Uploaded " + Server.HtmlEncode(name);
}
</script>
<form runat="server"><asp:FileUpload id="FileUpload1" runat="server"/><asp:Button runat="server" OnClick="Upload_Click" Text="Upload"/><asp:Label id="Status" runat="server"/></form>
