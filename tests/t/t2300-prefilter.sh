#!/bin/sh
# t2300: the YARA prefilter.  A stream whose size, magic and name rule out
# every rule that searches the data is scanned by its first 4 KiB only; the
# findings are exactly those of --no-prefilter, which reads every stream
# whole: a marker far past the head of a large log is still found, a
# stringless magic rule still matches a large dump, a rule whose size test
# fails does not match, and big streams scanned in chunks behave alike.
. "$TOP/tests/lib/tap.sh"

S="$TMP/samples"
mkdir -p "$S"
# 5000 bytes ending in the marker: repeated, the first marker is past the head.
awk 'BEGIN { for (i = 0; i < 4989; i++) printf "x"; printf "DEEPMARKER\n" }' \
    >"$S/log-piece"
printf 'MDMP' >"$S/dump-piece"
awk 'BEGIN { for (i = 0; i < 4092; i++) printf "y"; printf "\n" }' >>"$S/dump-piece"

img="$TMP/pf.img"
cat >"$TMP/pf.spec" <<SPEC
disk gpt
part ntfs start=2048 size=80M label=SYS
file \\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex1.log size=3M fill=from:samples/log-piece
file \\inetpub\\logs\\LogFiles\\W3SVC1\\u_ex2.log size=20M fill=from:samples/log-piece
file \\inetpub\\logs\\LogFiles\\W3SVC1\\small.log size=6000 fill=from:samples/log-piece
file \\ProgramData\\big.dmp size=2M fill=from:samples/dump-piece
file \\inetpub\\wwwroot\\x.aspx text:<%@ Page Language="Jscript"%><% DEEPMARKER %>
SPEC
mkimage "$TMP/pf.spec" "$img" || { ok 1 "build prefilter image"; done_testing; exit 1; }
IMAGES="$img"

R="$TMP/rules"
mkdir -p "$R"
cat >"$R/pf.yar" <<'YAR'
rule deep_in_big { strings: $m = "DEEPMARKER" condition: filesize > 1MB and $m }
rule deep_in_small { strings: $m = "DEEPMARKER" condition: filesize < 5KB and $m }
rule deep_in_aspx { strings: $m = "DEEPMARKER" condition: extension == ".aspx" and $m }
rule dump_magic { condition: uint32(0) == 0x504d444d and filesize > 1MB }
rule big_log_name { condition: filename matches /^u_ex\d+\.log$/ and filesize > 2MB }
YAR
printf '%s\n' 0000000000000000000000000000000000000000000000000000000000000001 \
    >"$R/none-hashes.txt"
RULES="--no-default-rules --rules $R --iocs $R/none-hashes.txt"

# rules_by_path FILE: "PATH: rule,rule" per finding, sorted.
rules_by_path() {
	python3 - "$1" <<'PY'
import json, sys
for o in sorted(map(json.loads, open(sys.argv[1], encoding="utf-8")),
                key=lambda o: o["path"]):
    print(o["path"] + ": " + ",".join(sorted(r["name"] for r in o["reasons"]
                                             if r["kind"] == "yara")))
PY
}

# --max-size 1G: the 20 MiB log is read in 16 MiB chunks, as big streams are.
run scan "$img" $RULES --full --max-size 1073741824 --out "$TMP/on"
ok $([ "$RC" -eq 1 ]; echo $?) "scan with the prefilter exits 1 (got $RC)"
grep -q '^rules: YARA prefilter on: 2 rules decided from size, magic and name alone, 3 search' "$TMP/err"
ok $? "stderr says the prefilter is on and how many rules it decides"
grep 'prefilter' "$TMP/err" | sed 's/^/# /'

run scan "$img" $RULES --full --max-size 1073741824 --no-prefilter --out "$TMP/off"
ok $([ "$RC" -eq 1 ]; echo $?) "scan with --no-prefilter exits 1 (got $RC)"
grep -q '^rules: YARA prefilter off: --no-prefilter given' "$TMP/err"
ok $? "--no-prefilter is said on stderr"

cmp -s "$TMP/on/findings.jsonl" "$TMP/off/findings.jsonl" &&
    cmp -s "$TMP/on/summary.txt" "$TMP/off/summary.txt"
ok $? "findings.jsonl and summary.txt are byte-identical with and without the prefilter"

rules_by_path "$TMP/on/findings.jsonl" >"$TMP/got"
L='C:\inetpub\logs\LogFiles\W3SVC1'
cat >"$TMP/want" <<EOF
C:\\ProgramData\\big.dmp: dump_magic
$L\\u_ex1.log: big_log_name,deep_in_big
$L\\u_ex2.log: big_log_name,deep_in_big
C:\\inetpub\\wwwroot\\x.aspx: deep_in_aspx,deep_in_small
EOF
diff "$TMP/want" "$TMP/got" >"$TMP/diff"
ok $? "each file has exactly the rules it should (marker past the head found, size test respected)"
sed 's/^/# /' "$TMP/diff"

# The same with one thread and with the report's rule status.
run scan "$img" $RULES --full --max-size 1073741824 --threads 1 --out "$TMP/one"
cmp -s "$TMP/on/findings.jsonl" "$TMP/one/findings.jsonl"
ok $? "one thread gives the same findings"
grep -q 'YARA prefilter.*on: 2 rules' "$TMP/one/report.txt"
ok $? "report.txt names the prefilter's state"

report_unchanged
done_testing
