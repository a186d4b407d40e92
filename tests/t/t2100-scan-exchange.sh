#!/bin/sh
# exhume scan on an Exchange-shaped image: every planted sample is reported
# at its exact path and stream with the expected reason, the legitimate
# tree stays quiet, skips are listed with their reasons, results do not
# depend on the thread count, and a run without rules refuses to start.
. "$TOP/tests/lib/tap.sh"

img="$TMP/exchange.img"
bad="$TMP/corrupt.img"
mkimage "$TOP/tests/fixtures/exchange-basic.spec" "$img" || { ok 1 "build exchange-basic"; done_testing; exit 1; }
mkimage "$TOP/tests/fixtures/corrupt.spec" "$bad" || { ok 1 "build corrupt"; done_testing; exit 1; }
IMAGES="$img $bad"

# A small rule set of our own, so the test does not depend on the shipped
# rules changing.  The 7z archive is found by hash and by path.
R="$TMP/rules"
mkdir -p "$R"
cat >"$R/test-shells.yar" <<'YAR'
rule test_jscript_eval_shell
{
	meta:
		description = "JScript page evaluating a request parameter"
		score = 85
	strings:
		$lang = "language=\"JScript\"" nocase
		$eval = "eval(Request[" nocase
	condition:
		all of them
}

rule test_script_in_image
{
	meta:
		description = "server-side script in a file named like an image"
		score = 80
	strings:
		$runat = "runat=\"server\"" nocase
	condition:
		$runat and extension matches /^\.(png|jpg|gif)$/
}

rule test_lsass_minidump
{
	meta:
		description = "minidump named after LSASS"
		score = 85
	condition:
		uint32(0) == 0x504D444D and filename matches /lsass/i
}

rule test_exchange_logon_page
{
	meta:
		description = "the legitimate OWA logon page (allow-listed by hash)"
		score = 70
	strings:
		$a = "Microsoft.Exchange.HttpProxy.Logon"
	condition:
		$a
}
YAR
sz=$(printf '\067\172\274\257\047\034\000\004\000\000\000\000\000\000\000\000\000\000' | sha256sum | cut -d' ' -f1)
printf '# test hash list\n%s;90;7z staging archive\n' "$sz" >"$R/test-hash-iocs.txt"
printf '# archives staged in ProgramData\n(?i)\\\\ProgramData\\\\[^\\\\]+\\.7z$;70\n# pages in ProgramData\n(?i)\\\\ProgramData\\\\[^\\\\]+\\.aspx$;70\n' >"$R/test-filename-iocs.txt"
RULES="--no-default-rules --rules $R/test-shells.yar --iocs $R/test-hash-iocs.txt --iocs $R/test-filename-iocs.txt"

# The legitimate logon page is allow-listed by its SHA-256.
run files "$img" --jsonl --hash
logon=$(python3 -c '
import json, sys
for l in open(sys.argv[1]):
    o = json.loads(l)
    if o["path"].endswith("\\owa\\auth\\logon.aspx") and o["stream"] == "":
        print(o["sha256"])' "$TMP/out")
printf '%s;legitimate logon.aspx\n' "$logon" >"$R/test-falsepositive-hashes.txt"
RULES="$RULES --iocs $R/test-falsepositive-hashes.txt"

# has FILE PATH STREAM REASON-NAME: a finding at warning or above.
has() {
	python3 - "$@" <<'PY'
import json, sys
f, path, stream, name = sys.argv[1:5]
for line in open(f, encoding="utf-8"):
    o = json.loads(line)
    if o["path"] == path and o["stream"] == stream and \
       o["level"] in ("warning", "alert") and \
       any(r["name"] == name for r in o["reasons"]):
        sys.exit(0)
sys.exit(1)
PY
}

run scan "$img" $RULES --threads 1 --out "$TMP/o1"
ok $([ "$RC" -eq 1 ]; echo $?) "scan with planted shells exits 1 (got $RC)"
[ "$RC" -eq 1 ] || sed 's/^/# /' "$TMP/err"
J="$TMP/o1/findings.jsonl"
X='C:\Program Files\Microsoft\Exchange Server\V15\FrontEnd\HttpProxy'
has "$J" 'C:\inetpub\wwwroot\aspnet_client\system_web\4_0_30319\supp0rt.aspx' '' test_jscript_eval_shell
ok $? "China Chopper style page in aspnet_client reported by rule"
has "$J" "$X\\owa\\auth\\x.aspx" hidden test_jscript_eval_shell
ok $? "shell hidden in ADS x.aspx:hidden reported at its stream"
has "$J" "$X\\owa\\auth\\Привет.aspx" '' test_jscript_eval_shell
ok $? "shell with a non-ASCII name reported at its exact name"
has "$J" 'C:\inetpub\wwwroot\aspnet_client\logo.png' '' test_script_in_image
ok $? "shell with a .png extension reported"
has "$J" 'C:\Windows\Temp\lsass.dmp' '' test_lsass_minidump
ok $? "LSASS minidump in Windows\\Temp reported"
has "$J" 'C:\ProgramData\it.7z' '' test-hash-iocs.txt:2
ok $? "7z archive in ProgramData reported by hash list file:line"
has "$J" 'C:\ProgramData\it.7z' '' test-filename-iocs.txt:2
ok $? "7z archive in ProgramData reported by path IOC file:line"
has "$J" 'C:\ProgramData\copy.aspx' '' test-filename-iocs.txt:4
ok $? "second hard-link name of a shell gets its own path IOC"
python3 - "$J" <<'PY'
import json, sys
objs = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
n = sum(1 for o in objs if o["path"].endswith("supp0rt.aspx") or o["path"].endswith("copy.aspx"))
y = sum(1 for o in objs for r in o["reasons"] if r["name"] == "test_jscript_eval_shell"
        and (o["path"].endswith("supp0rt.aspx") or o["path"].endswith("copy.aspx")))
sys.exit(0 if n == 2 and y == 1 else 1)
PY
ok $? "hard-linked data is read (and YARA-matched) once"
python3 - "$J" <<'PY'
import json, sys
bad = [o["path"] for o in map(json.loads, open(sys.argv[1], encoding="utf-8"))
       if o["level"] in ("warning", "alert") and
       (o["path"].endswith(("logon.aspx", "errorFE.aspx", "expiredpassword.aspx",
                            "TimeoutLogout.aspx", "readme.txt", "iisstart.htm"))
        or (o["path"].endswith("x.aspx") and o["stream"] == ""))]
sys.exit(1 if bad else 0)
PY
ok $? "legitimate owa/ecp/aspnet_client files (logon.aspx allow-listed) give no warning or alert"
grep -q 'skipped encrypted C:\\ProgramData\\secret.bin' "$TMP/o1/summary.txt"
ok $? "EFS-flagged file listed as skipped: encrypted"
cmp -s "$TMP/out" "$TMP/o1/summary.txt"
ok $? "stdout carries the same summary as summary.txt"

run scan "$img" $RULES --threads 4 --out "$TMP/o4"
cmp -s "$TMP/o1/findings.jsonl" "$TMP/o4/findings.jsonl" && [ -s "$TMP/o4/findings.jsonl" ]
ok $? "--threads 1 and --threads 4 give byte-identical findings.jsonl"

run scan "$img" $RULES --format jsonl
cmp -s "$TMP/out" "$TMP/o1/findings.jsonl"
ok $? "--format jsonl prints findings.jsonl to stdout"

run scan "$TMP/no-such-image.img" --no-default-rules
ok $([ "$RC" -eq 2 ]; echo $?) "no rules at all: exit 2 (got $RC)"
grep -q 'no YARA rules' "$TMP/err" && ! grep -q 'no-such-image' "$TMP/err"
ok $? "no rules: message names the rules and the source is never opened"

printf 'rule broken {\n  strings: $a = "x"\n  condition: $a and\n}\n' >"$TMP/broken.yar"
run scan "$img" $RULES --rules "$TMP/broken.yar"
grep -q 'broken.yar.*rejected' "$TMP/err" && [ "$RC" -eq 1 ] &&
    grep -q 'supp0rt.aspx' "$TMP/out"
ok $? "a rule file with a syntax error is reported and the scan runs with the rest"

run scan "$img" $RULES --max-size 100
grep -q 'skipped too-large C:\\inetpub\\wwwroot\\aspnet_client\\big.bin' "$TMP/out"
ok $? "--max-size 100 lists bigger streams as skipped: too-large"

run scan "$bad" $RULES --full
{ [ "$RC" -eq 3 ] || [ "$RC" -eq 1 ]; } &&
    grep -q 'skipped corrupt C:\\badfixup.txt' "$TMP/out" &&
    grep -q 'skipped corrupt C:\\badlen.txt' "$TMP/out" &&
    grep -q 'skipped corrupt C:\\baddir' "$TMP/out" &&
    grep -q 'streams: 3 seen, 3 scanned' "$TMP/out"
ok $? "corrupt image: scan completes, the 3 broken records listed, the 3 healthy files scanned (exit $RC)"
sed -n '/^skipped /s/^/# /p' "$TMP/out"

report_unchanged
done_testing
