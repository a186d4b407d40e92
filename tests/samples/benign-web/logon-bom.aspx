<%@ Page Language="C#" AutoEventWireup="true" %>
<!DOCTYPE html>
<html><head><title>Outlook</title>
<script type="text/javascript">
function clkLgn() { var f = document.forms[0]; f.submit(); }
var cfg = eval("(" + document.getElementById("cfg").value + ")");
var rdr = '<%= Server.HtmlEncode(Request.QueryString["url"] ?? "") %>';
</script></head>
<body><form action="/owa/auth.owa" method="POST"><input type="hidden" id="cfg" value="{}"/>
<input name="destination" value="<%= Server.HtmlEncode(Request.QueryString["url"]) %>"/>
<input name="username"/><input type="password" name="password"/><input type="submit" onclick="clkLgn()"/></form></body></html>
