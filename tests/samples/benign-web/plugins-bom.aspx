<%@ Page Language="C#" %>
<%@ Import Namespace="System.Reflection" %>
<script runat="server">
// Plugin loader: loads a plugin DLL from ~/bin/plugins by a listed name.
void Page_Load(object s, EventArgs e) {
  string name = Request.QueryString["plugin"];
  if (!System.Text.RegularExpressions.Regex.IsMatch(name ?? "", "^[A-Za-z0-9]+$")) return;
  byte[] raw = System.IO.File.ReadAllBytes(Server.MapPath("~/bin/plugins/" + name + ".dll"));
  var asm = Assembly.Load(raw);
  var plugin = asm.CreateInstance(name + ".Plugin");
  PluginName.Text = plugin.ToString();
}
</script>
<asp:Label id="PluginName" runat="server"/>
