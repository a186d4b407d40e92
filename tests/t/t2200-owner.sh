#!/bin/sh
# t2200: the YARA external `owner` comes from each file's NTFS security
# descriptor.  A SYSTEM-owned file ($Secure) is named "NT AUTHORITY\SYSTEM"
# from well-known-sids.tsv, a file owned by a domain account keeps its SID,
# each rule matches exactly its file, findings.jsonl and files --jsonl carry
# the owner, and a file without any descriptor scans with owner "" (not the
# Administrators owner libntfs-3g would invent for it).
. "$TOP/tests/lib/tap.sh"

DOM=S-1-5-21-1111-2222-3333-1105
img="$TMP/owner.img"
cat >"$TMP/owner.spec" <<SPEC
disk gpt
part ntfs start=2048 size=16M label=SYS
file \\inetpub\\wwwroot\\sys.aspx owner=S-1-5-18 text:<% MARKER %>
file \\inetpub\\wwwroot\\dom.aspx owner=$DOM text:<% MARKER %>
file \\inetpub\\wwwroot\\nosd.aspx owner=none text:<% MARKER %>
file \\inetpub\\wwwroot\\old.aspx text:<% MARKER %>
SPEC
mkimage "$TMP/owner.spec" "$img" || { ok 1 "build owner image"; done_testing; exit 1; }
IMAGES="$img"

R="$TMP/rules"
mkdir -p "$R"
cat >"$R/owner-sys.yar" <<'YAR'
rule sys { strings: $m = "MARKER" condition: $m and owner == "NT AUTHORITY\\SYSTEM" }
YAR
cat >"$R/owner-dom.yar" <<'YAR'
rule dom { strings: $m = "MARKER" condition: $m and owner == "S-1-5-21-1111-2222-3333-1105" }
YAR
cat >"$R/owner-none.yar" <<'YAR'
rule noowner { strings: $m = "MARKER" condition: $m and owner == "" }
YAR
cat >"$R/owner-admins.yar" <<'YAR'
rule admins { strings: $m = "MARKER" condition: $m and owner == "BUILTIN\\Administrators" }
YAR
# Loading needs one hash entry; this one matches nothing.
printf '%s\n' 0000000000000000000000000000000000000000000000000000000000000001 \
    >"$R/none-hashes.txt"
RULES="--no-default-rules --rules $R --iocs $R/none-hashes.txt --iocs $TOP/rules/well-known-sids.tsv"

run scan "$img" $RULES --full --out "$TMP/o"
ok $([ "$RC" -eq 1 ]; echo $?) "scan with owner rules exits 1 (got $RC)"
[ "$RC" -eq 1 ] || sed 's/^/# /' "$TMP/err"
J="$TMP/o/findings.jsonl"

# rules_of FILE PATH: the YARA rule names reported for PATH, sorted.
rules_of() {
	python3 - "$@" <<'PY'
import json, sys
f, path = sys.argv[1:3]
names = sorted(r["name"] for l in open(f, encoding="utf-8")
               for o in [json.loads(l)] if o["path"] == path
               for r in o["reasons"] if r["kind"] == "yara")
print(",".join(names))
PY
}
W='C:\inetpub\wwwroot'
got=$(rules_of "$J" "$W\\sys.aspx")
ok $([ "$got" = sys ]; echo $?) "SYSTEM-owned file matches owner == \"NT AUTHORITY\\\\SYSTEM\" only (got '$got')"
got=$(rules_of "$J" "$W\\dom.aspx")
ok $([ "$got" = dom ]; echo $?) "domain-owned file matches owner == its SID only (got '$got')"
got=$(rules_of "$J" "$W\\nosd.aspx")
ok $([ "$got" = noowner ]; echo $?) "file without a security descriptor scans with owner \"\" (got '$got')"
got=$(rules_of "$J" "$W\\old.aspx")
ok $([ "$got" = admins ]; echo $?) "file with an old-style \$SECURITY_DESCRIPTOR attribute gets its owner (got '$got')"
n=$(python3 -c '
import json, sys
print(sum(1 for l in open(sys.argv[1]) for r in json.loads(l)["reasons"] if r["kind"] == "yara"))' "$J")
ok $([ "$n" -eq 4 ]; echo $?) "four YARA matches in all, one per file (got $n)"

python3 - "$J" "$W" "$DOM" <<'PY'
import json, sys
f, w, dom = sys.argv[1:4]
want = {w + "\\sys.aspx": ("NT AUTHORITY\\SYSTEM", "S-1-5-18"),
        w + "\\dom.aspx": (dom, dom),
        w + "\\nosd.aspx": ("", ""),
        w + "\\old.aspx": ("BUILTIN\\Administrators", "S-1-5-32-544")}
got = {o["path"]: (o.get("owner"), o.get("owner_sid"))
       for o in map(json.loads, open(f, encoding="utf-8"))}
bad = [(p, got.get(p), v) for p, v in want.items() if got.get(p) != v]
for b in bad:
    print("# %r: got %r, want %r" % b)
sys.exit(1 if bad else 0)
PY
ok $? "findings.jsonl carries owner (name) and owner_sid for each file"

grep -q 'NT AUTHORITY\\SYSTEM' "$TMP/o/report.txt"
ok $? "the report's finding detail names the owner"

# Without the SID list the owner is the SID text.
cat >"$R/owner-sys.yar" <<'YAR'
rule sys { strings: $m = "MARKER" condition: $m and owner == "S-1-5-18" }
YAR
run scan "$img" --no-default-rules --rules "$R/owner-sys.yar" --iocs "$R/none-hashes.txt" --full --out "$TMP/o2"
got=$(rules_of "$TMP/o2/findings.jsonl" "$W\\sys.aspx")
ok $([ "$got" = sys ]; echo $?) "without well-known-sids.tsv owner is the SID text (got '$got')"

run files "$img" --jsonl
python3 - "$TMP/out" "$W" "$DOM" <<'PY'
import json, sys
f, w, dom = sys.argv[1:4]
want = {w + "\\sys.aspx": "S-1-5-18", w + "\\dom.aspx": dom,
        w + "\\nosd.aspx": "", w + "\\old.aspx": "S-1-5-32-544"}
got = {o["path"]: o.get("owner_sid") for o in map(json.loads, open(f))}
bad = [(p, got.get(p), v) for p, v in want.items() if got.get(p) != v]
for b in bad:
    print("# %r: got %r, want %r" % b)
sys.exit(1 if bad or False else 0)
PY
ok $? "files --jsonl shows owner_sid"

# A malformed SID list line is rejected with its line number; the rest loads.
printf 'S-1-5-18\tNT AUTHORITY\\SYSTEM\nS-1-5-018\tbad\nnot-a-sid\tx\n' >"$R/my-sids.tsv"
run scan "$img" --no-default-rules --rules "$R/owner-none.yar" --iocs "$R/none-hashes.txt" --iocs "$R/my-sids.tsv" --full --out "$TMP/o3"
grep -q 'my-sids.tsv: sid-names, 1 loaded, 2 lines rejected' "$TMP/err" &&
    grep -q 'my-sids.tsv:2: SID not in canonical form' "$TMP/err" &&
    grep -q 'my-sids.tsv:3: not a SID' "$TMP/err"
ok $? "a SID list with bad lines loads the good ones and names the bad lines"

report_unchanged
done_testing
