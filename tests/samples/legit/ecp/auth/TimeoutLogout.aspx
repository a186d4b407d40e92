<%@ Page Language="C#" AutoEventWireup="true" Inherits="Microsoft.Exchange.HttpProxy.TimeoutLogout" %>
<%-- exhume test sample: our own stand-in for the ECP session-timeout page. --%>
<!DOCTYPE html>
<html>
<head><title>Session timed out</title>
<script type="text/javascript">
	window.setTimeout(function () { window.location.href = "/ecp/"; }, 10000);
</script>
</head>
<body>
<div>Your session has timed out. You will be redirected to sign in again.</div>
<form runat="server"><asp:HyperLink NavigateUrl="~/" Text="Sign in" runat="server" /></form>
</body>
</html>
