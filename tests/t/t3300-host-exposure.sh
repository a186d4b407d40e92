#!/bin/sh
# Configuration exposures and the OWA logon page from an NTFS image of an
# Exchange SE server (generated fixture): Extended Protection off on /ecp,
# a global module loaded from ProgramData, no CVE-2026-42897 mitigation and
# a flogon.js that posts the credentials are each reported, in the profile
# JSON and as host findings of a scan.
. "$TOP/tests/lib/tap.sh"

H="$TOP/tests/fixtures/hosts/ese-rtm-aug25"
X="$TOP/tests/fixtures/exposure"
E15='\Program%u0020Files\Microsoft\Exchange%u0020Server\V15'
d="$TMP/ese"
host_files ese-rtm-aug25 "$d" &&
cp "$X/applicationHost.config" "$X/flogon-tampered.js" "$d/"
ok $? "fixture files built"
{
	echo "disk gpt size=64M"
	echo "part ntfs start=2048 size=40M label=SYSTEM"
	printf '%s\n' 'file \Windows\System32\config\SYSTEM from:SYSTEM'
	printf '%s\n' 'file \Windows\System32\config\SOFTWARE from:SOFTWARE'
	printf '%s\n' 'file \Windows\System32\inetsrv\config\applicationHost.config from:applicationHost.config'
	printf 'file %s\\Bin\\ExSetup.exe from:ExSetup.exe\n' "$E15"
	printf 'file %s\\FrontEnd\\HttpProxy\\owa\\auth\\%s\\scripts\\premium\\flogon.js from:flogon-tampered.js\n' \
	    "$E15" "$(cat "$H/exsetup.version")"
} >"$d/host.spec"
mkimage "$d/host.spec" "$TMP/ese.img"
ok $? "image built"

"$EXHUME" profile --json "$TMP/ese.img" >"$TMP/p.json" 2>"$TMP/err"
ok $? "profile built"
python3 - "$TMP/p.json" <<'PY'
import json, sys
x = json.load(open(sys.argv[1]))["exposures"]
def st(area, subject):
    return [e["state"] for e in x if e["area"] == area and subject in e["subject"]]
assert st("extended-protection", "Default Web Site/ecp") == ["missing"], x
assert st("extended-protection", "Default Web Site/owa") == ["ok"], x
assert st("iis-module", "IIS Telemetry") == ["suspicious"], x
assert st("mitigation-rule", "CVE-2026-42897") == ["missing"], x
assert st("owa-logon", "flogon.js") == ["suspicious"], x
PY
ok $? "EP off on /ecp, the ProgramData module, the missing CVE-2026-42897 rule and the changed flogon.js are in the profile"

"$EXHUME" scan --format jsonl "$TMP/ese.img" >"$TMP/f" 2>"$TMP/err"
[ $? -le 1 ]
ok $? "scan ran"
for c in X1/extended-protection X1/iis-global-module X1/mitigation-rule X2/owa-logon-page; do
	grep -q "\"check\":\"$c\"" "$TMP/f"
	ok $? "scan lists host finding $c"
done

"$EXHUME" scan --out "$TMP/out" "$TMP/ese.img" >/dev/null 2>"$TMP/err"
[ $? -le 1 ] && grep -q 'Configuration exposures' "$TMP/out/report.txt" &&
grep -q 'Extended Protection on Default Web Site/ecp is None' "$TMP/out/report.txt"
ok $? "the report's host section lists the exposures"
grep '| CVE-2026-42897 | vulnerable' "$TMP/out/report.txt" | grep -q 'settings that protect against it are off or weaker'
ok $? "the CVE-2026-42897 verdict row says its mitigation is missing"
[ -n "${KEEP:-}" ] && cp -r "$TMP/out" "$KEEP"
done_testing
