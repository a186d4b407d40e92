<%@ Page Language="C#" %>
<%@ Import Namespace="System.IO" %>
<script runat="server">
// CMS media manager: lists, uploads and deletes under ~/media only.
string Root { get { return Server.MapPath("~/media"); } }
void Page_Load(object s, EventArgs e) {
  string sub = Path.GetFileName(Request.QueryString["folder"] ?? "");
  string dir = Path.Combine(Root, sub);
  Folders.DataSource = Directory.GetDirectories(dir); Folders.DataBind();
  Files.DataSource = Directory.GetFiles(dir); Files.DataBind();
  if (Request.Form["delete"] != null) File.Delete(Path.Combine(dir, Path.GetFileName(Request.Form["delete"])));
  if (Upload.HasFile) Upload.SaveAs(Path.Combine(dir, Path.GetFileName(Upload.FileName)));
}
</script>
<form runat="server"><asp:Repeater id="Folders" runat="server"/><asp:Repeater id="Files" runat="server"/><asp:FileUpload id="Upload" runat="server"/></form>
