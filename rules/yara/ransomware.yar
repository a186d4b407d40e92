/*
 * exhume: ransomware deployed through ProxyLogon (March 2021): DearCry /
 * DoejoCrypt binaries, their encrypted files and notes, Black Kingdom notes.
 * Written for exhume from exchange-attacks.md section 7.
 */

rule EXH_RANSOM_DearCry_Binary
{
	meta:
		score = 90
		description = "DearCry/DoejoCrypt ransomware executable (marker, build path and note strings)"
		reference = "signature-base crime_dearcry_ransom markers, Cyberint (exchange-attacks.md section 7)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$m = "DEARCRY!" ascii
		$pdb = "EncryptFile.exe.pdb" ascii nocase
		$user = "C:\\Users\\john\\" ascii nocase
		$note = "/readme.txt" ascii nocase
		$svc = "msupdate" ascii
		$t1 = "Your file has been encrypted!" ascii
		$t2 = "And please send me the following hash!" ascii
		$t3 = "dear!!!" ascii
		$rsa = "create rsa error" ascii
	condition:
		uint16(0) == 0x5a4d and filesize < 4MB and
		($m and 2 of ($pdb, $user, $note, $svc, $t1, $t2, $t3, $rsa) or
		 4 of ($pdb, $user, $note, $svc, $t1, $t2, $t3, $rsa))
}

rule EXH_RANSOM_DearCry_Encrypted_File
{
	meta:
		score = 80
		description = "File encrypted by DearCry/DoejoCrypt: starts with the DEARCRY! marker"
		reference = "exchange-attacks.md section 7 (encrypted files start with DEARCRY!, extension .CRYPT)"
		date = "2026-11-21"
		author = "exhume"
	condition:
		uint32(0) == 0x52414544 and uint32(4) == 0x21595243
}

rule EXH_RANSOM_DearCry_Note
{
	meta:
		score = 80
		description = "DearCry/DoejoCrypt ransom note text (readme.txt)"
		reference = "exchange-attacks.md section 7 (note strings)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$t1 = "Your file has been encrypted!" ascii wide nocase
		$t2 = "And please send me the following hash!" ascii wide nocase
		$t3 = "dear!!!" ascii wide nocase
	condition:
		filesize < 16KB and uint16(0) != 0x5a4d and 2 of them
}

rule EXH_RANSOM_BlackKingdom_Note
{
	meta:
		score = 80
		description = "Black Kingdom (Pydomer) ransom note decrypt_file.TxT asking for payment"
		reference = "Sophos 2021-03-23 (exchange-attacks.md section 7)"
		date = "2026-11-21"
		author = "exhume"
	strings:
		$w1 = "bitcoin" ascii wide nocase
		$w2 = "BTC" ascii wide
		$w3 = "encrypted" ascii wide nocase
		$w4 = "decrypt" ascii wide nocase
		$w5 = "wallet" ascii wide nocase
	condition:
		filename matches /^decrypt_file\.txt$/i and filesize < 32KB and 2 of them
}
