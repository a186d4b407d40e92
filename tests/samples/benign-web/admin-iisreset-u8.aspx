<%@ Page Language="C#" %>
<%@ Import Namespace="System.Diagnostics" %>
<script runat="server">
// Admin tool: restarts IIS or shows its status; fixed arguments only.
void Page_Load(object s, EventArgs e) {
  if (!User.IsInRole("Administrators")) { Response.StatusCode = 403; return; }
  string action = Request.QueryString["action"] == "restart" ? "/restart" : "/status";
  var psi = new ProcessStartInfo("iisreset.exe", action);
  psi.UseShellExecute = false;
  psi.RedirectStandardOutput = true;
  using (var p = Process.Start(psi))
    Output.Text = Server.HtmlEncode(p.StandardOutput.ReadToEnd());
}
</script>
<asp:Literal id="Output" runat="server"/>
