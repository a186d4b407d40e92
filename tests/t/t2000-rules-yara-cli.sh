#!/bin/sh
# t2000: the shipped detection data in rules/ is well-formed and does what a
# responder relies on, checked with Debian's own tools (yara CLI, pcre2grep)
# so it does not depend on exhume's loader:
#  - every rules/yara/*.yar compiles alone with the scanner's externals and
#    every rule carries score/description/reference/date/author meta;
#  - each malicious sample matches its expected rules when scanned with the
#    externals of its planting path (tests/samples/expect.tsv);
#  - no legitimate Exchange stand-in matches a rule with score >= 60;
#  - every hash in the hash list is 32/40/64 hex digits;
#  - every path IOC compiles with PCRE2, the MSTIC feed paths match and the
#    legitimate owa\auth / ecp\auth pages stay below score 60;
#  - the file-type list and the scope file are well-formed.
set -u

TOP=${TOP:-$(cd "$(dirname "$0")/../.." && pwd)}
R=$TOP/rules
S=$TOP/tests/samples

for tool in yara pcre2grep od awk; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		printf '%s\n' "1..0 # SKIP $tool not installed (run tests/lib/deps.sh)"
		exit 0
	fi
done

TMP=$(mktemp -d "${TMPDIR:-/tmp}/t2000.XXXXXX") || exit 2
trap 'rm -rf "$TMP"' EXIT INT TERM

# say: echo without backslash interpretation (dash echo rewrites \t, \a, ...)
say() {
	printf "%s\n" "$*"
}

n=0
fails=0
ok() {
	n=$((n + 1))
	printf 'ok %d - %s\n' "$n" "$1"
}
notok() {
	n=$((n + 1))
	fails=$((fails + 1))
	printf 'not ok %d - %s\n' "$n" "$1"
}
# check DESCRIPTION: pass when the file $TMP/err is empty, else print it
check() {
	if [ -s "$TMP/err" ]; then
		notok "$1"
		sed 's/^/# /' "$TMP/err"
	else
		ok "$1"
	fi
	: >"$TMP/err"
}
: >"$TMP/err"

NEUTRAL="-d timezone=x -d language=x -d group=x -d filemode=0 -d osversion=x -d md5=x"

# --- YARA: each file compiles alone --------------------------------------
for y in "$R"/yara/*.yar; do
	# shellcheck disable=SC2086
	if yara -d filename=x -d filepath=x -d extension=x -d filetype=x \
	    -d owner=x -d iis_script=false $NEUTRAL "$y" /dev/null >"$TMP/out" 2>&1; then
		ok "$(basename "$y") compiles alone with the scanner externals"
	else
		notok "$(basename "$y") compiles alone with the scanner externals"
		sed 's/^/# /' "$TMP/out"
	fi
done

# --- YARA: required meta on every rule -----------------------------------
for y in "$R"/yara/*.yar; do
	awk -v f="$(basename "$y")" '
	function flush() {
		if (rule == "") return
		if (!(score ~ /^[0-9]+$/) || score + 0 > 100)
			print f ": " rule ": score missing or not 0-100"
		if (!desc) print f ": " rule ": no description"
		if (!ref) print f ": " rule ": no reference"
		if (!date) print f ": " rule ": no date YYYY-MM-DD"
		if (!auth) print f ": " rule ": author is not exhume"
	}
	/^[ \t]*(private[ \t]+|global[ \t]+)*rule[ \t]+[A-Za-z0-9_]+/ {
		flush()
		rule = $0; sub(/^[ \t]*(private[ \t]+|global[ \t]+)*rule[ \t]+/, "", rule)
		sub(/[^A-Za-z0-9_].*/, "", rule)
		score = ""; desc = ref = date = auth = 0
	}
	/^[ \t]*score[ \t]*=/ { s = $0; sub(/^[^=]*=[ \t]*/, "", s); score = s }
	/^[ \t]*description[ \t]*=[ \t]*"[^"]/ { desc = 1 }
	/^[ \t]*reference[ \t]*=[ \t]*"[^"]/ { ref = 1 }
	/^[ \t]*date[ \t]*=[ \t]*"[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]"/ { date = 1 }
	/^[ \t]*author[ \t]*=[ \t]*"exhume"/ { auth = 1 }
	END { flush() }' "$y" >>"$TMP/err"
done
check "every YARA rule has score 0-100, description, reference, date and author exhume"

# --- helpers for sample scans ---------------------------------------------
# filetype FILE: longest matching magic prefix from file-type-signatures.txt
filetype_of() {
	hex=$(od -An -tx1 -N32 "$1" | tr -d ' \n')
	best=""
	bestlen=0
	while IFS=';' read -r magic label; do
		case $magic in '#'* | '') continue ;; esac
		magic=$(printf '%s' "$magic" | tr -d ' ' | tr 'A-F' 'a-f')
		case $hex in
		"$magic"*)
			if [ ${#magic} -gt "$bestlen" ]; then
				best=$label
				bestlen=${#magic}
			fi
			;;
		esac
	done <"$R/file-type-signatures.txt"
	printf '%s' "$best"
}

# scan FILE WINPATH [OWNER]: all rules with the externals of WINPATH;
# prints "RULE SCORE" per match
scan() {
	wp=$2
	fname=${wp##*\\}
	fdir=${wp%\\*}
	case $fname in
	?*.*) ext=.${fname##*.} ;;
	*) ext="" ;;
	esac
	ext=$(printf '%s' "$ext" | tr 'A-Z' 'a-z')
	ftype=$(filetype_of "$1")
	# iis_script as exhume sets it from rules/iis-script-extensions.txt.
	script=false
	[ -n "$ext" ] && grep -qix -- "$ext" "$R/iis-script-extensions.txt" &&
	    script=true
	# shellcheck disable=SC2086
	yara -m -d "filename=$fname" -d "filepath=$fdir" -d "extension=$ext" \
	    -d "filetype=$ftype" -d "owner=${3:-}" -d "iis_script=$script" \
	    $NEUTRAL \
	    "$R"/yara/*.yar "$1" 2>"$TMP/yerr" |
	    sed -n 's/^\([A-Za-z0-9_]*\) \[score *= *\(-\{0,1\}[0-9]*\)[],].*/\1 \2/p'
	if [ -s "$TMP/yerr" ]; then
		sed 's/^/yara: /' "$TMP/yerr"
	fi
}

# --- YARA: malicious samples match their expected rules -------------------
TAB=$(printf '\t')
grep -v '^#' "$S/expect.tsv" | grep '^malicious/' >"$TMP/mal"
while IFS="$TAB" read -r sample wpath rules minscore; do
	if [ ! -f "$S/$sample" ]; then
		notok "$sample exists"
		continue
	fi
	scan "$S/$sample" "$wpath" >"$TMP/hits"
	missing=""
	for r in $(printf '%s' "$rules" | tr ',' ' '); do
		grep -q "^$r " "$TMP/hits" || missing="$missing $r"
	done
	max=$(awk 'BEGIN { m = 0 } $2 + 0 > m { m = $2 + 0 } END { print m }' "$TMP/hits")
	if [ -z "$missing" ] && [ "$max" -ge "$minscore" ]; then
		ok "$sample at $wpath matches $(wc -l <"$TMP/hits" | tr -d ' ') rules, max score $max"
	else
		notok "$sample at $wpath: missing [$missing ], max score $max < $minscore?"
		sed 's/^/# got: /' "$TMP/hits"
	fi
done <"$TMP/mal"

# --- YARA: legitimate stand-ins match nothing at score >= 60 --------------
grep -v '^#' "$S/expect.tsv" | grep '^legit/' >"$TMP/legit"
while IFS="$TAB" read -r sample wpath rules minscore; do
	if [ ! -f "$S/$sample" ]; then
		notok "$sample exists"
		continue
	fi
	scan "$S/$sample" "$wpath" >"$TMP/hits"
	if awk '$2 + 0 >= 60 { bad = 1 } END { exit bad ? 0 : 1 }' "$TMP/hits"; then
		notok "legit $sample at $wpath matches a rule with score >= 60"
		sed 's/^/# got: /' "$TMP/hits"
	else
		ok "legit $sample at $wpath matches no rule with score >= 60"
	fi
done <"$TMP/legit"

# Control: the same legitimate page planted where no page belongs is flagged,
# so the legit checks above are not passing because nothing can match.
scan "$S/legit/owa/auth/logon.aspx" 'C:\inetpub\wwwroot\aspnet_client\logon.aspx' >"$TMP/hits"
if grep -q '^EXH_SUSP_ASPX_In_ASPNet_Client 75$' "$TMP/hits"; then
	ok "control: legit logon.aspx planted in aspnet_client is flagged at 75"
else
	notok "control: legit logon.aspx planted in aspnet_client is flagged at 75"
fi

# --- YARA: the owner external is honoured --------------------------------
scan "$S/malicious/chopper-jscript.aspx" 'C:\inetpub\wwwroot\aspnet_client\x.aspx' \
    'NT AUTHORITY\SYSTEM' >"$TMP/hits"
scan "$S/malicious/chopper-jscript.aspx" 'C:\inetpub\wwwroot\aspnet_client\x.aspx' \
    'CORP\webadmin' >"$TMP/hits2"
if grep -q '^EXH_SUSP_ASPX_Owned_By_SYSTEM ' "$TMP/hits" &&
    ! grep -q '^EXH_SUSP_ASPX_Owned_By_SYSTEM ' "$TMP/hits2"; then
	ok "owner external: SYSTEM-owned page in aspnet_client is noticed, other owners are not"
else
	notok "owner external: SYSTEM-owned page in aspnet_client is noticed, other owners are not"
fi

# --- hash list ---------------------------------------------------------------
H=$R/hashes/exchange-hash-iocs.txt
awk -F';' '
	/^#/ || /^[ \t]*$/ { next }
	{
		h = $1
		if (NF != 3) { print FILENAME ":" NR ": not HASH;SCORE;DESCRIPTION"; next }
		if (h !~ /^[0-9a-fA-F]+$/) print FILENAME ":" NR ": not hex: " h
		else if (length(h) != 32 && length(h) != 40 && length(h) != 64)
			print FILENAME ":" NR ": length " length(h) ": " h
		if ($2 !~ /^[0-9]+$/ || $2 + 0 > 100) print FILENAME ":" NR ": bad score " $2
		if ($3 == "") print FILENAME ":" NR ": empty description"
		if (seen[tolower(h)]++) print FILENAME ":" NR ": duplicate " h
	}' "$H" >"$TMP/err"
check "every hash-list line is HASH;SCORE;DESCRIPTION with 32/40/64 hex digits, no duplicates"

# Published hashes that must be present, including the full form of the one
# community copies truncate, and an MD5 published alone.
for h in 097549cf7d0f76f0d99edf8b2d91c60977fd6a96e4b8c3c94b0b1733dc026d3e \
    b75f163ca9b9240bf4b37ad92bc7556b40a17e27c2b8ed5c8991385fe07d17d0 \
    0fd9bffa49c76ee12e51e3b8ae0609ac \
    5f7d898ade3162bfb0c8d3006c42e934ff81fab3b4ad3b51c13441fd63e438cb \
    219468c10d2b9d61a8ae70dc8b6d2824ca8fbe4e53bbd925eeca270fef0fd640; do
	grep -qi "^$h;" "$H" || say "missing $h" >>"$TMP/err"
done
# The MSTIC JSON's MD5 and SHA-1 of a listed SHA-256 are named in its line.
grep -qi '^b75f163ca9b9240bf4b37ad92bc7556b40a17e27c2b8ed5c8991385fe07d17d0;.*\[MD5 4b3039cf227c611c45d2242d1228a121, SHA-1 0ba9a76f55aaa495670d74d21850d0155ff5d6a5\]' "$H" ||
	say "MSTIC MD5/SHA-1 of b75f163c... not named in its line" >>"$TMP/err"
c64=$(grep -c '^[0-9a-f]\{64\};' "$H")
[ "$c64" -ge 63 ] || say "only $c64 SHA-256 entries" >>"$TMP/err"
check "hash list holds the published hashes (MS blog, MSTIC SHA-256+MD5+SHA-1, others)"

# --- path IOCs ---------------------------------------------------------------
I=$R/iocs/filename-iocs.txt
grep -v '^#' "$I" | grep -v '^[[:space:]]*$' >"$TMP/iocs"
while IFS= read -r line; do
	re=${line%%;*}
	rest=${line#*;}
	score=${rest%%;*}
	fp=""
	case $rest in *\;*) fp=${rest#*;} ;; esac
	case $score in
	'' | *[!0-9-]*) say "bad score in: $line" >>"$TMP/err" ;;
	esac
	pcre2grep -e "$re" /dev/null >/dev/null 2>"$TMP/perr"
	[ $? -eq 2 ] && say "regex does not compile: $re: $(cat "$TMP/perr")" >>"$TMP/err"
	if [ -n "$fp" ]; then
		pcre2grep -e "$fp" /dev/null >/dev/null 2>"$TMP/perr"
		[ $? -eq 2 ] && say "FP regex does not compile: $fp" >>"$TMP/err"
	fi
done <"$TMP/iocs"
check "every path IOC is REGEX;SCORE[;FP] and compiles with PCRE2"

# ioc_scores PATHFILE: prints "MAXSCORE<TAB>PATH" for every path in PATHFILE
ioc_scores() {
	: >"$TMP/ihits"
	while IFS= read -r line; do
		re=${line%%;*}
		rest=${line#*;}
		score=${rest%%;*}
		fp=""
		case $rest in *\;*) fp=${rest#*;} ;; esac
		pcre2grep -e "$re" "$1" >"$TMP/m" || continue
		if [ -n "$fp" ]; then
			pcre2grep -v -e "$fp" "$TMP/m" >"$TMP/m2"
			mv "$TMP/m2" "$TMP/m"
		fi
		awk -v s="$score" '{ print s "\t" $0 }' "$TMP/m" >>"$TMP/ihits"
	done <"$TMP/iocs"
	awk -F'\t' '
		FNR == NR { if (!(($2) in m) || $1 + 0 > m[$2]) m[$2] = $1 + 0; next }
		{ print (($0 in m) ? m[$0] : 0) "\t" $0 }' "$TMP/ihits" "$1"
}

# Every MSTIC feed path, as published and moved to a non-default install
# drive/folder, reaches score >= 60 - except the legitimate TimeoutLogout.aspx.
grep -v '^#' "$S/mstic-paths.txt" >"$TMP/mstic"
sed -e 's/^C:\\Program Files\\Microsoft\\Exchange Server\\V15\\/E:\\Exchange\\/' \
    -e 's/^C:\\inetpub\\wwwroot\\/D:\\WebRoots\\Default\\/' "$TMP/mstic" >"$TMP/mstic2"
for f in mstic mstic2; do
	ioc_scores "$TMP/$f" | awk -F'\t' '
		$2 ~ /\\ecp\\auth\\TimeoutLogout\.aspx$/ {
			if ($1 >= 60) print "legit TimeoutLogout.aspx scores " $1
			next
		}
		$1 < 60 { print "score " $1 ": " $2 }' >>"$TMP/err"
done
check "all $(wc -l <"$TMP/mstic" | tr -d ' ') MSTIC feed paths reach score >= 60 (default and moved install paths)"

# Legitimate paths stay below 60 (the two named ones plus every legit plant).
{
	say 'C:\Program Files\Microsoft\Exchange Server\V15\FrontEnd\HttpProxy\owa\auth\logon.aspx'
	say 'C:\Program Files\Microsoft\Exchange Server\V15\FrontEnd\HttpProxy\ecp\auth\TimeoutLogout.aspx'
	say 'C:\Program Files\Microsoft\Exchange Server\V15\FrontEnd\HttpProxy\owa\auth\frowny.aspx'
	say 'C:\Program Files\Microsoft\Exchange Server\V15\FrontEnd\HttpProxy\owa\auth\GetIdToken.htm'
	say 'C:\inetpub\wwwroot\iisstart.png'
	say 'C:\inetpub\wwwroot\web.config'
	say 'C:\ProgramData\Microsoft\Windows\WER\ReportQueue\AppCrash_x\memory.hdmp'
	say 'C:\Windows\Temp\MpCmdRun.log'
	say 'C:\Windows\NTDS\ntds.dit'
	cut -f2 "$TMP/legit"
} >"$TMP/good"
ioc_scores "$TMP/good" | awk -F'\t' '$1 >= 60 { print "score " $1 ": " $2 }' >"$TMP/err"
check "legitimate Exchange/IIS paths (owa\\auth\\logon.aspx, ecp\\auth\\TimeoutLogout.aspx, ...) stay below 60"

# Other published path families reach their expected level.
cat >"$TMP/bad" <<'EOF'
C:\Windows\Temp\lsass.dmp
C:\root\lsass_20210303.dmp
C:\root\debug.dmp
C:\ProgramData\it.zip
C:\ProgramData\pst\all.7z
C:\ProgramData\data.rar
C:\Windows\Temp\xx.bat
C:\Windows\Temp\cw.exe
C:\Users\Public\Dump.exe
C:\mscoree.dll
C:\Windows\Help\mui\0109\mscoree.dll
C:\Program Files\System\websvc.dll
C:\Program Files\Common Files\Microsoft Shared\WMI\iiswmi.dll
C:\ProgramData\COM1\x\shell.aspx
C:\Users\All Users\ZING\a.aspx
C:\inetpub\wwwroot\aspnet_client\system_web\abcd1234.aspx
C:\inetpub\wwwroot\aspnet_client\caches.aspx
C:\Program Files\Microsoft\Exchange Server\V15\FrontEnd\HttpProxy\owa\auth\RedirSuiteServerProxy.aspx
C:\Program Files\Microsoft\Exchange Server\V15\FrontEnd\HttpProxy\owa\auth\HWTJQDMFVMPOON.aspx
C:\Program Files\Microsoft\Exchange Server\V15\FrontEnd\HttpProxy\owa\auth\ChackLogsPL.aspx
C:\inetpub\wwwroot\aspnet_client\luifdecggoqmansn.aspx
C:\Users\Administrator\Documents\budget.xlsx.CRYPT
C:\Users\Administrator\Desktop\decrypt_file.TxT
C:\ProgramData\ntds.dit
C:\Windows\Temp\system.hiv
EOF
ioc_scores "$TMP/bad" | awk -F'\t' '$1 < 60 { print "score " $1 ": " $2 }' >"$TMP/err"
check "dump, archive, tool, ShadowPad/Websiic, ProxyShell and ransomware paths reach score >= 60"

# --- file-type list ------------------------------------------------------------
awk -F';' '
	/^#/ || /^[ \t]*$/ { next }
	{
		m = $1; gsub(/ /, "", m)
		if (NF != 2 || m !~ /^[0-9a-fA-F]+$/ || length(m) % 2 || $2 !~ /^[A-Z0-9]+$/)
			print "file-type-signatures.txt:" NR ": " $0
		if (seen[tolower(m)]++) print "file-type-signatures.txt:" NR ": duplicate " m
	}' "$R/file-type-signatures.txt" >"$TMP/err"
for want in 4d5a:EXE 504b0304:ZIP 4d444d50:MDMP 2142444e:PST 3082:DER \
    fffe:UTF16 efbbbf:UTF8BOM 3c25:ASP 3c736372697074:SCRIPT 4d534346:CAB; do
	grep -qix "${want%%:*};${want#*:}" "$R/file-type-signatures.txt" ||
	    say "missing ${want%%:*};${want#*:}" >>"$TMP/err"
done
[ "$(filetype_of "$S/malicious/proxyshell-pst.aspx")" = PST ] || say "PST sample not typed PST" >>"$TMP/err"
[ "$(filetype_of "$S/malicious/chopper-gif.aspx")" = GIF ] || say "GIF sample not typed GIF" >>"$TMP/err"
[ "$(filetype_of "$S/legit/owa/auth/logon.aspx")" = ASP ] || say "logon.aspx not typed ASP" >>"$TMP/err"
check "file-type-signatures.txt is HEXMAGIC;TYPE, and longest-prefix typing works on the samples"

# --- scope -----------------------------------------------------------------------
awk '
	/^#/ || /^[ \t]*$/ { next }
	/^default-exchange [A-Za-z]:\\/ { next }
	/^structure-depth ([1-9]|1[0-6])$/ { next }
	/^structure \\?[^\\:]+(\\[^\\:]+)*$/ { next }
	/^%(EXCHANGE|WEBROOT|SYSTEMDRIVE|WINDIR)%(\\[^\\]+)*$/ { next }
	{ print "scope.txt:" NR ": " $0 }' "$R/scope.txt" >"$TMP/err"
for want in '%EXCHANGE%' '%WEBROOT%' '%SYSTEMDRIVE%\ProgramData' '%WINDIR%\Temp' \
    '%SYSTEMDRIVE%\root' '%SYSTEMDRIVE%\Users\Public' '%SYSTEMDRIVE%\PerfLogs' \
    '%SYSTEMDRIVE%\inetpub' \
    '%WINDIR%\Microsoft.NET\Framework64\*\Temporary ASP.NET Files' \
    '%WINDIR%\Microsoft.NET\Framework\*\Temporary ASP.NET Files' \
    'default-exchange C:\Program Files\Microsoft\Exchange Server\V15' \
    'default-exchange C:\Program Files\Microsoft\Exchange Server\V14' \
    'structure-depth 4' 'structure inetpub' 'structure aspnet_client' \
    'structure FrontEnd\HttpProxy'; do
	grep -qxF "$want" "$R/scope.txt" || say "scope.txt lacks: $want" >>"$TMP/err"
done
check "scope.txt is well-formed and holds the default Exchange triage scope and the structure lines"

say "1..$n"
[ "$fails" -eq 0 ]
