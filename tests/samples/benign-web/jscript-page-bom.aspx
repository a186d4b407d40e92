<%@ Page Language="JScript" %>
<script runat="server">
function Page_Load() {
  var n = Request.QueryString["n"];
  Label1.Text = "Hello " + Server.HtmlEncode(n);
}
</script>
<asp:Label id="Label1" runat="server"/>
