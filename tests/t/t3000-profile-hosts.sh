#!/bin/sh
# Host profile from NTFS images of the five fixture hosts: install path,
# ExSetup.exe build, patch verdicts, exposure windows and host findings, as
# a responder reads them; a broken SOFTWARE hive is a note, not a failure.
# Runs `exhume profile` the way a user does.
. "$TOP/tests/lib/tap.sh"

H="$TOP/tests/fixtures/hosts"
RUN="$TOOLS/profile-run"
E15='\Program%u0020Files\Microsoft\Exchange%u0020Server\V15'
E14='\Program%u0020Files\Microsoft\Exchange%u0020Server\V14'

# image HOST EXCHDIR [PART2]: builds $TMP/HOST.img with the host's hives,
# ExSetup.exe under EXCHDIR (mkfixture path form) and applicationHost.config.
image() {
	d="$TMP/$1"
	mkdir -p "$d"
	"$TOOLS/mkhive" "$H/$1/system.spec" "$d/SYSTEM" &&
	"$TOOLS/mkhive" "$H/$1/software.spec" "$d/SOFTWARE" &&
	"$TOOLS/mkpe" "$(cat "$H/$1/exsetup.version")" "$d/ExSetup.exe" &&
	cp "$H/$1/applicationHost.config" "$d/" || return 1
	{
		echo "disk gpt size=64M"
		echo "part ntfs start=2048 size=24M label=SYSTEM"
		printf '%s\n' 'file \Windows\System32\config\SYSTEM from:SYSTEM'
		printf '%s\n' 'file \Windows\System32\config\SOFTWARE from:SOFTWARE'
		printf '%s\n' 'file \Windows\System32\inetsrv\config\applicationHost.config from:applicationHost.config'
		printf '%s\n' 'mkdir \inetpub\logs\LogFiles\W3SVC1'
		if [ -n "${3:-}" ]; then
			echo "part ntfs start=53248 size=8M label=EXCH"
		fi
		printf 'file %s\\Bin\\ExSetup.exe from:ExSetup.exe\n' "$2"
	} >"$d/host.spec"
	# dash's echo would eat the backslashes: printf only above.
	mkimage "$d/host.spec" "$TMP/$1.img"
}

has() {	# has FILE TEXT
	grep -qF -- "$2" "$1"
}

for h in e2013-cu23-nosu e2016-cu19-mar21 e2019-cu8-may21; do
	image $h "$E15" || { ok 1 "build $h image"; continue; }
	IMAGES="$TMP/$h.img"
	before=$(hash_images)
	"$EXHUME" profile --json "$TMP/$h.img" >"$TMP/$h.json" 2>"$TMP/err"
	ok $? "$h: profile built"
	[ "$before" = "$(hash_images)" ]
	ok $? "$h: image byte-identical after profiling"
	python3 -m json.tool "$TMP/$h.json" >/dev/null 2>&1
	ok $? "$h: JSON output is valid"
done

j="$TMP/e2013-cu23-nosu.json"
has "$j" '"install_path":"C:\\Program Files\\Microsoft\\Exchange Server\\V15\\"'
ok $? "e2013: install path from MsiInstallPath"
has "$j" '"family":"ProxyLogon","verdict":"vulnerable","build":"15.0.1497.2"'
ok $? "e2013 CU23 without the March SU: ProxyLogon vulnerable"
has "$j" '"still_vulnerable":true'
ok $? "e2013: still vulnerable"

j="$TMP/e2016-cu19-mar21.json"
has "$j" '"family":"ProxyLogon","verdict":"fixed","build":"15.1.2176.9","cu":"CU19","fixed_build":"15.1.2176.9","fix_installed_since":"2021-03-04T00:00:00.0000000Z"'
ok $? "e2016 CU19 with the March SU: fixed since 2021-03-04"
has "$j" '"family":"ProxyShell","verdict":"vulnerable"'
ok $? "e2016 CU19 March SU: ProxyShell still vulnerable"

j="$TMP/e2019-cu8-may21.json"
has "$j" '"family":"ProxyShell","verdict":"fixed","build":"15.2.792.15","cu":"CU8","fixed_build":"15.2.792.15","fix_installed_since":"2021-05-12T00:00:00.0000000Z"'
ok $? "e2019 CU8 May SU: ProxyShell fixed since 2021-05-12"
has "$j" '"family":"ProxyNotShell","verdict":"vulnerable"'
ok $? "e2019 CU8 May SU: ProxyNotShell vulnerable"

"$EXHUME" scan --format jsonl "$TMP/e2016-cu19-mar21.img" >"$TMP/f16" 2>"$TMP/err"
[ $? -le 1 ] && grep -q 'Exchange folder C:\\Program Files' "$TMP/err"
ok $? "e2016: scan takes the Exchange folder from the registry and lists host findings"
grep '"check":"C1/vdir-physical-path"' "$TMP/f16" | grep -q '"level":"alert"'
ok $? "e2016: vdir under C:\\ProgramData\\COM1 is an alert"
has "$TMP/f16" 'C1/eomt-rewrite-rule'
ok $? "e2016: EOMT rewrite rules reported"
has "$TMP/f16" 'V1/proxyshell-still-vulnerable'
ok $? "e2016: still-vulnerable finding for ProxyShell"

if image e2010-sp3-ru31 "$E14"; then
	"$EXHUME" profile --json "$TMP/e2010-sp3-ru31.img" >"$TMP/e10.json" 2>"$TMP/err"
	has "$TMP/e10.json" '"family":"ProxyLogon","verdict":"vulnerable","build":"14.3.509.0"'
	ok $? "e2010 SP3 RU31: ProxyLogon (CVE-2021-26857) vulnerable"
	has "$TMP/e10.json" '"family":"ProxyShell","verdict":"not affected"'
	ok $? "e2010: ProxyShell not affected"
else
	ok 1 "build e2010 image"
fi

# Exchange on a second volume mounted as E:.
if image e2019-cu12-edrive '\Exchange' two; then
	"$EXHUME" profile --json --letter 2=E "$TMP/e2019-cu12-edrive.img" \
	    >"$TMP/ee.json" 2>"$TMP/err"
	has "$TMP/ee.json" '"exsetup_build":"15.2.1118.20"'
	ok $? "E:\\Exchange: ExSetup.exe read from the second volume"
	has "$TMP/ee.json" '"family":"ProxyNotShell","verdict":"fixed"'
	ok $? "E:\\Exchange CU12 Nov22 SU: ProxyNotShell fixed"
else
	ok 1 "build e2019-cu12-edrive image"
fi

# Exchange Server SE RTM with the August 2025 SU (15.2.2562.20): SE is
# named and judged per CVE, with the table's date.
if image ese-rtm-aug25 "$E15"; then
	IMAGES="$TMP/ese-rtm-aug25.img"
	before=$(hash_images)
	"$EXHUME" profile --json "$TMP/ese-rtm-aug25.img" >"$TMP/se.json" 2>"$TMP/err"
	ok $? "SE: profile built"
	[ "$before" = "$(hash_images)" ]
	ok $? "SE: image byte-identical after profiling"
	python3 - "$TMP/se.json" <<'PY'
import json, sys
p = json.load(open(sys.argv[1]))
s = p["support"]
assert s["product"] == "Exchange Server SE" and s["cu"] == "RTM", s
assert s["update"] == "Aug25SU" and s["state"] == "supported", s
assert p["knowledge"]["as_of"] == "2026-09", p["knowledge"]
c = {x["cve"]: x for x in p["cves"]}
a = c["CVE-2025-25005"]
assert a["verdict"] == "fixed" and a["fix_build"] == "15.2.2562.20", a
assert a["fix_installed"] == "2025-08-14T00:00:00.0000000Z", a
x = c["CVE-2026-42897"]
assert x["verdict"] == "vulnerable" and x["fix_build"] == "15.2.2562.43", x
assert x["exploited_since"] == "2026-05-14" and x["kev_added"] == "2026-05-15", x
open_ = sorted(k for k, v in c.items() if v["verdict"] == "vulnerable")
assert open_[0] == "CVE-2025-53782" and len(open_) == 25, open_
v = {x["family"]: x["verdict"] for x in p["verdicts"]}
assert v == {"ProxyLogon": "fixed", "ProxyShell": "fixed", "ProxyNotShell": "fixed"}, v
PY
	ok $? "SE RTM Aug25SU: Exchange Server SE, supported, Aug25SU CVEs fixed since the install on 2025-08-14, CVE-2026-42897 (exploited since 2026-05-14) and 24 other 2025-2026 CVEs open"
	"$EXHUME" profile "$TMP/ese-rtm-aug25.img" >"$TMP/se.txt" 2>"$TMP/err"
	grep -q '^CVE-2026-42897 *vulnerable (Jun26SU 15.2.2562.43, released 2026-06-09); exploited since 2026-05-14$' "$TMP/se.txt" &&
	    grep -q '^knowledge as of *2026-09$' "$TMP/se.txt"
	ok $? "SE: the text profile names the open CVE with its fix and the knowledge date"
else
	ok 1 "build ese-rtm-aug25 image"
fi

# A truncated SOFTWARE hive: notes and the environment fallback.
d="$TMP/e2016-cu19-mar21"
head -c 6000 "$d/SOFTWARE" >"$d/SOFTWARE.cut" && mv "$d/SOFTWARE.cut" "$d/SOFTWARE"
mkimage "$d/host.spec" "$TMP/broken.img"
"$EXHUME" profile --json "$TMP/broken.img" >"$TMP/broken.json" 2>"$TMP/err"
ok $? "broken SOFTWARE hive: profile still built"
has "$TMP/broken.json" 'SOFTWARE hive: corrupt: '
ok $? "broken SOFTWARE hive: note says corrupt"
has "$TMP/broken.json" '"exsetup_build":"15.1.2176.9"'
ok $? "broken SOFTWARE hive: ExSetup.exe found through ExchangeInstallPath"

done_testing
