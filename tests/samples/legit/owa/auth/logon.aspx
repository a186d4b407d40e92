<%@ Page language="c#" AutoEventWireup="false" Inherits="Microsoft.Exchange.HttpProxy.Logon" %>
<%@ Import namespace="Microsoft.Exchange.Clients"%>
<%@ Import namespace="Microsoft.Exchange.HttpProxy"%>
<!DOCTYPE html>
<%-- exhume test sample: our own stand-in for the Outlook on the web sign-in page. --%>
<html>
<head>
<meta http-equiv="X-UA-Compatible" content="IE=10" />
<meta name="robots" content="noindex, nofollow" />
<title><%=Strings.GetLocalizedString(Strings.IDs.OutlookWebAccess)%></title>
<link type="text/css" rel="stylesheet" href="<%=InlineCss(ThemeFileId.LogonCss)%>" />
<script type="text/javascript">
	function IsOwaPremiumBrowser() { return true; }
	function clkLgn()
	{
		var u = document.getElementById("username");
		if (u && u.value.length == 0) { u.focus(); return false; }
		document.forms[0].submit();
		return true;
	}
	function setCookie(n, v) { document.cookie = n + "=" + v + "; path=/; secure"; }
</script>
</head>
<body class="signInBg" onload="document.getElementById('username').focus();">
<form action="/owa/auth.owa" method="POST" name="logonForm" enctype="application/x-www-form-urlencoded" autocomplete="off">
<input type="hidden" name="destination" value="<%=Destination%>">
<input type="hidden" name="flags" value="4">
<input type="hidden" name="forcedownlevel" value="0">
<div class="signInInputLabel"><%=Strings.GetLocalizedString(Strings.IDs.UserName)%></div>
<input id="username" name="username" type="text" class="signInInputText" role="textbox">
<div class="signInInputLabel"><%=Strings.GetLocalizedString(Strings.IDs.Password)%></div>
<input id="password" name="password" type="password" class="signInInputText" onfocus="g_fFcs=0" role="textbox">
<div onclick="clkLgn()" class="signinbutton" role="button" tabIndex="0"><%=Strings.GetLocalizedString(Strings.IDs.SignIn)%></div>
<% if (ShowPublicPrivateSelection) { %>
<input id="chkPrvt" name="trusted" type="checkbox" value="4" checked>
<% } %>
</form>
</body>
</html>
