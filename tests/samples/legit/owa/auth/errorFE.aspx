<%@ Page Language="C#" AutoEventWireup="true" Inherits="Microsoft.Exchange.HttpProxy.ErrorFE" %>
<%-- exhume test sample: our own stand-in for the front-end error page. --%>
<!DOCTYPE html>
<html>
<head><title><%=ErrorTitle%></title>
<script type="text/javascript">
	function showDetails() { var d = document.getElementById("errDetails"); d.style.display = (d.style.display == "none") ? "block" : "none"; }
</script>
</head>
<body>
<div class="errorHeader"><%=ErrorTitle%></div>
<div class="errorText"><%=Server.HtmlEncode(Request.QueryString["msg"] ?? string.Empty)%></div>
<a href="#" onclick="showDetails(); return false;">More details</a>
<div id="errDetails" style="display:none">
X-ClientId: <%=Server.HtmlEncode(Request.Headers["X-ClientId"] ?? string.Empty)%><br/>
request-id: <%=RequestId%><br/>
X-FEServer: <%=Environment.MachineName%><br/>
Date: <%=DateTime.UtcNow.ToString("R")%>
</div>
<a href="<%=Request.ApplicationPath%>/">Refresh the page</a>
</body>
</html>
