<%@ Page language="c#" AutoEventWireup="true" Inherits="Microsoft.Exchange.HttpProxy.RedirSuiteServiceProxy" %>
<%-- exhume test sample: our own stand-in for the suite-service redirect page. --%>
<script runat="server">
	protected void Page_Load(object sender, EventArgs e)
	{
		string target = Request.QueryString["returnUrl"];
		if (string.IsNullOrEmpty(target) || !target.StartsWith("/", StringComparison.Ordinal))
			target = "/owa/";
		Response.Redirect(target, false);
		Context.ApplicationInstance.CompleteRequest();
	}
</script>
