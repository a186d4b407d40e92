<%@ Page language="c#" AutoEventWireup="false" Inherits="Microsoft.Exchange.HttpProxy.ExpiredPassword" %>
<%-- exhume test sample: our own stand-in for the password-change page. --%>
<!DOCTYPE html>
<html>
<head><title>Change password</title>
<script type="text/javascript">
	function chkPwd() { var n = document.getElementById("newPwd1").value; var c = document.getElementById("newPwd2").value; return n.length > 0 && n == c; }
</script>
</head>
<body>
<form action="/owa/auth/expiredpassword.aspx?url=<%=Server.UrlEncode(Destination)%>" method="POST" onsubmit="return chkPwd();">
<input type="hidden" name="destination" value="<%=Destination%>">
<input id="username" name="username" type="text" value="<%=Server.HtmlEncode(UserName)%>">
<input id="oldPwd" name="oldPwd" type="password">
<input id="newPwd1" name="newPwd1" type="password">
<input id="newPwd2" name="newPwd2" type="password">
<input type="submit" value="Submit">
<% if (PasswordChangeFailed) { %><div class="err"><%=ErrorMessage%></div><% } %>
</form>
</body>
</html>
