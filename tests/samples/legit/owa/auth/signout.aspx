<%@ Page language="c#" AutoEventWireup="true" Inherits="Microsoft.Exchange.HttpProxy.SignOut" %>
<%-- exhume test sample: our own stand-in; redirects to logoff. --%>
<script runat="server">
	protected override void OnLoad(EventArgs e)
	{
		base.OnLoad(e);
		Response.Cache.SetCacheability(HttpCacheability.NoCache);
		Response.Redirect("/owa/auth/logoff.aspx?Cmd=logoff&src=exch", false);
	}
</script>
