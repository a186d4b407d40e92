<%@ Page Language="C#" %>
<form runat="server"><asp:GridView id="G" runat="server"><Columns>
<asp:TemplateField><ItemTemplate><%# Eval("RequestId") %> - <%# Eval("Request.Title") %><a href="<%# Eval("Url") + "?q=" + Server.UrlEncode(Request.QueryString["q"]) %>">link</a></ItemTemplate></asp:TemplateField>
</Columns></asp:GridView></form>
<script runat="server">
void Page_Load(object s, EventArgs e) {
  var cmd = new System.Data.SqlClient.SqlCommand("SELECT RequestId FROM Requests WHERE Owner = @o");
  cmd.Parameters.AddWithValue("@o", Request.QueryString["owner"]);
}
</script>
