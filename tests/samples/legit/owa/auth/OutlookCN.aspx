<%@ Page language="c#" AutoEventWireup="false" Inherits="Microsoft.Exchange.HttpProxy.OutlookCN" %>
<%-- exhume test sample: our own stand-in for the China-region landing page. --%>
<!DOCTYPE html>
<html>
<head><title>Outlook</title></head>
<body>
<div class="banner"><%=Strings.GetLocalizedString(Strings.IDs.OutlookWebAccess)%></div>
<a href="<%=Server.HtmlEncode(Request.QueryString["url"] ?? "/owa/")%>">Continue</a>
</body>
</html>
