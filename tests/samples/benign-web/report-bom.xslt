<?xml version="1.0"?>
<xsl:stylesheet version="1.0" xmlns:xsl="http://www.w3.org/1999/XSL/Transform" xmlns:msxsl="urn:schemas-microsoft-com:xslt" xmlns:f="urn:fmt">
<msxsl:script language="C#" implements-prefix="f"><![CDATA[
public string Date(string s) { return System.DateTime.Parse(s).ToString("yyyy-MM-dd"); }
]]></msxsl:script>
<xsl:template match="/"><xsl:value-of select="f:Date(string(/r/@d))"/></xsl:template>
</xsl:stylesheet>
