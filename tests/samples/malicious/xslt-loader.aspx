<%@ Page Language="C#" %>
<script runat="server">
	/* exhume test sample: inert stand-in for an XSLT ("DropHell") loader. */
	void Page_Load(object sender, EventArgs e)
	{
		System.Xml.XmlDocument x = new System.Xml.XmlDocument();
		x.LoadXml(System.Text.Encoding.UTF8.GetString(System.Convert.FromBase64String(Request["exh_x"])));
		System.Xml.Xsl.XslCompiledTransform t = new System.Xml.Xsl.XslCompiledTransform();
		System.IO.MemoryStream ms = new System.IO.MemoryStream();
		t.Transform(x, null, ms);
	}
</script>
