<%@ Page language="c#" AutoEventWireup="false" Inherits="Microsoft.Exchange.HttpProxy.Logoff" %>
<%-- exhume test sample: our own stand-in for the sign-out landing page. --%>
<!DOCTYPE html>
<html>
<head><title>Sign out</title>
<script type="text/javascript">
	function clrCookies() { document.cookie = "sessionid=; expires=Thu, 01 Jan 1970 00:00:00 GMT; path=/"; }
</script>
</head>
<body onload="clrCookies()">
<div>You have successfully signed out. For better security, close all browser windows.</div>
<a href="<%=LogonUrl%>">Sign in again</a>
</body>
</html>
