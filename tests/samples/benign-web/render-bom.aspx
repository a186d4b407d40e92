<%@ Page Language="C#" %>
<script runat="server">
void Page_Load(object s, EventArgs e) {
  var x = new System.Xml.Xsl.XslCompiledTransform();
  x.Load(Server.MapPath("~/App_Data/report.xslt"));
  x.Transform(Server.MapPath("~/App_Data/" + System.IO.Path.GetFileName(Request.QueryString["r"]) + ".xml"), null, Response.Output);
}
</script>
