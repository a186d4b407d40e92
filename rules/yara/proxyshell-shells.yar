/*
 * exhume: ProxyShell (CVE-2021-34473/-34523/-31207) web shells.  The attacker
 * exports a mailbox to an .aspx path (file starts with the PST magic "!BDN"
 * and holds the script in clear text among binary data) or writes a
 * certificate request there (file starts with DER 30 82).  Written for exhume
 * from exchange-attacks.md 2.4 item 12 and section 8.
 */

rule EXH_WEBSHELL_ProxyShell_PST_Header
{
	meta:
		score = 90
		description = "PST file (magic !BDN) carrying ASP.NET page script, saved under a non-PST name (ProxyShell mailbox-export web shell)"
		reference = "exchange-attacks.md section 8 (PST-based shells, SHA-256 219468c1...)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$s1 = "Page Language=" ascii wide nocase
		$s2 = "<%@ Page" ascii wide nocase
		$s3 = "Request.Item[" ascii wide nocase
		$s4 = "\"unsafe\");" ascii wide nocase
		$s5 = "<%eval(" ascii wide nocase
		$s6 = "script language=" ascii wide nocase
		$s7 = ".FromBase64String(Request[" ascii wide nocase
		$s8 = /runat\s{0,4}=\s{0,4}["']?server/ ascii wide nocase
	condition:
		uint32(0) == 0x4e444221 and filesize < 2MB and
		extension != ".pst" and extension != ".ost" and 1 of them
}

rule EXH_WEBSHELL_ProxyShell_DER_Header
{
	meta:
		score = 85
		description = "DER/certificate-request file (starts 30 82) that contains an ASP.NET page directive (ProxyShell New-ExchangeCertificate web shell)"
		reference = "exchange-attacks.md 2.4 item 12 and section 8 (DER/CSR-based shells)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$page = "Page Language=" ascii wide nocase
	condition:
		uint16(0) == 0x8230 and filesize < 10KB and $page
}

rule EXH_WEBSHELL_ProxyShell_Known_Parameters
{
	meta:
		score = 75
		description = "Web script reading a request parameter name seen in ProxyShell web shells (gold8899, exec_code, orangenb)"
		reference = "exchange-attacks.md section 8 (known parameter names)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$p = /Request(\.Item|\.Form|\.QueryString)?\s{0,4}\[\s{0,4}["'](gold8899|exec_code|orangenb)["']\s{0,4}\]/ ascii wide nocase
	condition:
		filesize < 2MB and $p
}

rule EXH_SUSP_ASPX_NonPrintable_Header
{
	meta:
		score = 65
		description = "ASP.NET file whose first 8 bytes hold control characters (encoded or wrapped in a binary container) and no known archive/executable magic"
		reference = "exchange-attacks.md section 8 (signature-base SUSP_ASPX_PossibleDropperArtifact_Aug21 idea)"
		date = "2026-11-21"
		author = "exhume"
	condition:
		(extension == ".aspx" or extension == ".ashx" or extension == ".asmx") and
		filesize > 8 and filesize < 2MB and
		/* Executables, archives, OLE, pcap and UTF-16 text are typed elsewhere. */
		uint16(0) != 0x5a4d and uint32(0) != 0x04034b50 and
		uint32(0) != 0x21726152 and uint16(0) != 0x8b1f and
		uint32(0) != 0xe011cfd0 and uint32(0) != 0xa1b2c3d4 and
		uint32(0) != 0xd4c3b2a1 and uint32(0) != 0x4643534d and
		uint32(0) != 0xafbc7a37 and uint16(0) != 0xfeff and
		for any i in (0..7) : (
			uint8(i) < 0x09 or uint8(i) == 0x0b or uint8(i) == 0x0c or
			(uint8(i) > 0x0d and uint8(i) < 0x20) or uint8(i) == 0x7f
		)
}
