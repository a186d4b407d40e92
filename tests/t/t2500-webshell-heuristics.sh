#!/bin/sh
# t2500: the generic web-shell content rules (rules/yara/webshells-aspnet-generic.yar,
# webshells-classic-asp.yar) do what a responder relies on:
#  - every web-shell fixture that tests/tools/mkshells.py writes (classic ASP
#    eval/Execute, WScript.Shell, FSO managers, writers, ADODB.Stream
#    uploaders; ASP.NET eval on any accessor, Process.Start, Assembly.Load
#    loaders, CodeDom, socket tunnels, XSLT loaders, file managers, SQL
#    consoles, writers; in UTF-8, UTF-8 with BOM and UTF-16LE, under script
#    and non-script extensions and as an ADS) reaches warning or above from
#    CONTENT rules alone, without any placement rule; an encoded
#    (#@~^) page reaches notice;
#  - the committed benign look-alikes (tests/samples/benign-web: Process.Start
#    admin tools, plugin loaders, uploads, FSO admin pages, OWA-like logon)
#    and Exchange's own pages (tests/samples/legit) match none of these rules;
#  - exhume scan on an NTFS image with one fixture per base page (UTF-16LE
#    copies and ADS copies included) reports each at warning or above.
. "$TOP/tests/lib/tap.sh"

for t in python3 "$TOOLS/rulescan"; do
	if ! command -v "$t" >/dev/null 2>&1; then
		skip "$t missing (make tools; python3)"
		done_testing
		exit 0
	fi
done
R=$TOP/rules/yara
MK=$TOP/tests/tools/mkshells.py

python3 "$MK" shells "$TMP/sh" && python3 "$MK" benign "$TMP/bn"
ok $? "mkshells.py writes the shell and benign fixtures"
diff -r "$TMP/bn" "$TOP/tests/samples/benign-web" >"$TMP/diff" 2>&1
ok $? "the committed benign fixtures are exactly what mkshells.py writes"
sed 's/^/# /' "$TMP/diff" | head -5

# Content-only verdict: the rules of every file except the placement and IIS
# configuration rules, combined with exhume's formula (findings.h).
sed -n 's/^rule \(EXH_[A-Za-z0-9_]*\).*/\1/p' "$R/exchange-placement.yar" \
    "$R/iis-config.yar" >"$TMP/placement-rules" 2>/dev/null
"$TOOLS/rulescan" -s -w 'C:\inetpub\wwwroot\heur' "$TMP/sh/files" \
    >"$TMP/sh.out" 2>"$TMP/sh.err"
ok $? "rulescan reads every shell fixture ($(cat "$TMP/sh.err"))"

python3 - "$TMP/sh/manifest.tsv" "$TMP/sh.out" "$TMP/placement-rules" \
    >"$TMP/recall" <<'PY'
import collections, sys
order = {"info": 0, "notice": 1, "warning": 2, "alert": 3}
placement = set(open(sys.argv[3]).read().split())

def level(scores):
    s = sorted(scores, reverse=True)
    p = 1.0
    for i, v in enumerate(s):
        p *= 1 - v / 100 / 2 ** i
    total = round(100 * (1 - p))
    if total >= 80 and any(v > 75 for v in s):
        return "alert"
    return "warning" if total >= 60 else "notice" if total >= 40 else "info"

got = {}
for line in open(sys.argv[2], encoding="utf-8"):
    lv, sc, rel, rules = line.rstrip("\n").split("\t")
    scores = [int(r.rsplit("=", 1)[1]) for r in rules.split(",")
              if r.rsplit("=", 1)[0] not in placement]
    got[rel] = level(scores)
fam = collections.defaultdict(lambda: [0, 0])
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("#"):
        continue
    rel, family, base, want = line.rstrip("\n").split("\t")
    g = got.get(rel, "info")
    fam[family][1] += 1
    if order[g] >= order[want]:
        fam[family][0] += 1
    else:
        print("MISS %s: %s, wanted %s" % (rel, g, want))
for f in sorted(fam):
    print("RECALL %-20s %3d/%3d" % (f, fam[f][0], fam[f][1]))
PY
sed 's/^/# /' "$TMP/recall"
! grep -q '^MISS' "$TMP/recall"
ok $? "every shell fixture reaches its level (warning; notice when encoded) from content rules alone"
[ "$(grep -c '^RECALL' "$TMP/recall")" -ge 15 ]
ok $? "fixtures cover at least 15 families"

# Benign look-alikes and Exchange's own pages: no generic rule matches.
sed -n 's/^rule \(EXH_[A-Za-z0-9_]*\).*/\1/p' "$R/webshells-aspnet-generic.yar" \
    "$R/webshells-classic-asp.yar" >"$TMP/generic-rules"
[ "$(wc -l <"$TMP/generic-rules")" -ge 15 ]
ok $? "the generic rule files hold at least 15 rules"
"$TOOLS/rulescan" "$TOP/tests/samples/benign-web" "$TOP/tests/samples/legit" \
    >"$TMP/bn.out" 2>"$TMP/bn.err"
ok $? "rulescan reads the benign and legitimate samples ($(cat "$TMP/bn.err"))"
grep -F -f "$TMP/generic-rules" "$TMP/bn.out" >"$TMP/bn.hits"
[ ! -s "$TMP/bn.hits" ]
ok $? "no generic web-shell rule matches a benign look-alike or an Exchange page"
sed 's/^/# /' "$TMP/bn.hits"
awk -F'\t' '$1 == "warning" || $1 == "alert"' "$TMP/bn.out" >"$TMP/bn.high"
[ ! -s "$TMP/bn.high" ]
ok $? "no benign look-alike reaches warning with the whole shipped rule set"

# The real scanner: one UTF-8 and one UTF-16LE copy of every base page, and
# the UTF-16LE copy again as an ADS of a .txt file, on an NTFS image.
python3 - "$TMP/sh" >"$TMP/img.spec" <<'PY'
import sys
top = sys.argv[1]
print("disk gpt\npart ntfs start=2048 size=40M label=SYS")
seen = set()
for line in open(top + "/manifest.tsv", encoding="utf-8"):
    if line.startswith("#"):
        continue
    rel = line.split("\t")[0]
    fam, name = rel.split("/")
    if "@" in name or not ("-u8." in name or "-u16." in name):
        continue
    stem, ext = name.rsplit(".", 1)
    if (stem, ext in ("txt", "jpg")) in seen:
        continue
    seen.add((stem, ext in ("txt", "jpg")))
    win = "\\inetpub\\wwwroot\\heur\\%s\\%s" % (fam, name)
    print("file %s from:sh/files/%s" % (win, rel))
    if "-u16." in name and ext not in ("txt", "jpg"):
        host = "\\inetpub\\wwwroot\\heur\\%s\\%s-host.txt" % (fam, stem)
        print("file %s text:notes" % host)
        print("ads %s:%s from:sh/files/%s" % (host, name, rel))
PY
mkimage "$TMP/img.spec" "$TMP/heur.img"
ok $? "build an NTFS image with the shell fixtures"
IMAGES="$TMP/heur.img"
planted=$(grep -c '^file .*heur\\[^ ]*\.[a-z]* from:' "$TMP/img.spec")
ads=$(grep -c '^ads ' "$TMP/img.spec")
run scan "$TMP/heur.img" --full --quiet --format jsonl --out "$TMP/scan"
ok $([ "$RC" -eq 1 ]; echo $?) "exhume scan exits 1 (findings) (got $RC)"
python3 - "$TMP/scan/findings.jsonl" >"$TMP/scan.sum" <<'PY'
import json, sys
hi = lo = ads = 0
for line in open(sys.argv[1], encoding="utf-8"):
    o = json.loads(line)
    if "\\heur\\" not in o.get("path", "") or o.get("kind") != "file":
        continue
    if o.get("level") in ("warning", "alert"):
        hi += 1
        ads += 1 if o.get("stream") else 0
    else:
        lo += 1
print(hi, lo, ads)
PY
read -r hi lo nads <"$TMP/scan.sum"
diag "image: $planted files and $ads streams planted; $hi at warning or above ($nads of them streams), $lo below"
[ "$hi" -eq $((planted + ads - $(grep -c 'asp-encoded.* from:' "$TMP/img.spec"))) ]
ok $? "exhume scan reports every planted shell and ADS at warning or above"

done_testing
