<%@ Page Language="C#" %>
<script runat="server">
// Whois lookup: asks a fixed whois server about a domain.
void Page_Load(object s, EventArgs e) {
  string domain = Request.QueryString["domain"];
  using (var c = new System.Net.Sockets.TcpClient("whois.iana.org", 43)) {
    var st = c.GetStream(); var b = System.Text.Encoding.ASCII.GetBytes(domain + "\r\n");
    st.Write(b, 0, b.Length);
    Result.Text = Server.HtmlEncode(new System.IO.StreamReader(st).ReadToEnd());
  }
}
</script>
<asp:Literal id="Result" runat="server"/>
