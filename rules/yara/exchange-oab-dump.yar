/*
 * exhume: the file written by CVE-2021-27065 (Set-OabVirtualDirectory
 * -ExternalUrl 'http://f/<script ...>' followed by a "reset" to a web path).
 * The result is a plain-text dump of the OAB virtual-directory properties that
 * IIS happily compiles because of the embedded <script runat=server> block.
 * Written for exhume from exchange-attacks.md 2.4 item 10 and 2.5.
 */

rule EXH_WEBSHELL_OAB_VDir_Dump_Script
{
	meta:
		score = 90
		description = "OAB virtual-directory property dump (CVE-2021-27065 output) with a script block in a URL property"
		reference = "MSTIC CVE-2021-27065 web-shell rule markers, Volexity, HelseCERT (exchange-attacks.md 2.4 item 10, 2.5)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$script = /<script[^>]{0,100}>/ ascii wide nocase
		$ext = "ExternalUrl" ascii wide nocase
		$int = "InternalUrl" ascii wide nocase
		$iam = "InternalAuthenticationMethods" ascii wide nocase
		$ept = "ExtendedProtectionTokenChecking" ascii wide nocase
	condition:
		filesize < 50KB and $script and ($ext or $int) and $iam and $ept
}

rule EXH_WEBSHELL_OAB_VDir_Dump_Url_Marker
{
	meta:
		score = 85
		description = "OAB virtual-directory property dump whose ExternalUrl points at a one-character host (http://f/ style placeholder)"
		reference = "CISA MAR-10328929 AR21-084A markers (exchange-attacks.md 2.4 item 10, SHA-256 c8a7b5ff...)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$oab = "OfflineAddressBooks" ascii wide
		$ext = "ExternalUrl    " ascii wide
		$url = /:\s{1,4}http:\/\/[^\/\s]\// ascii wide
	condition:
		filesize < 50KB and all of them
}
