<%@ Page Language="C#" %>
<script runat="server">
	/* exhume test sample: inert text carrying SPORTSBALL-style markers. */
	void Page_Load(object sender, EventArgs e)
	{
		HttpCookie c = Request.Cookies["fqrspt"];
		if (c == null) return;
		System.Diagnostics.ProcessStartInfo psi = new System.Diagnostics.ProcessStartInfo();
		psi.FileName = "exh-not-a-command";
	}
</script>
<form method="post" enctype="multipart/form-data"><input type="file" name="upl"/></form>
