#!/bin/sh
# make demo: builds the disk of a compromised Exchange 2016 server (system on
# C:, Exchange on E: of a second partition, drive letters only in the
# server's own MountedDevices), with planted web shells and exploitation
# traces in its logs and event logs, then triages it as a responder would.
# DEMO_DIR, EXHUME and TOOLS override the defaults (for tests/t/t1010).
set -e
cd "$(dirname "$0")/../.."
d=${DEMO_DIR:-build/demo}
x=${EXHUME:-build/rel/exhume}
t=${TOOLS:-build/tools}
h=tests/fixtures/hosts/demo-e2016-edrive
rm -rf "$d" && mkdir -p "$d"
"$t"/mklogs "$d/logs" >/dev/null
"$t"/mkhive "$h/system.spec" "$d/SYSTEM"
"$t"/mkhive "$h/software.spec" "$d/SOFTWARE"
"$t"/mkpe "$(cat "$h/exsetup.version")" "$d/ExSetup.exe"
cp "$h/applicationHost.config" "$d/"
printf '%s\n' \
    'MSExchange CmdletLogs|MSExchange Management|1|4|2021-03-03T07:12:01Z|1|Set-OabVirtualDirectory|-ExternalUrl:"http://f/<script language=""JScript"" runat=""server"">function Page_Load(){eval(Request[""demo""],""unsafe"");}</script>" -Identity:"OAB (Default Web Site)"' \
    >"$d/mgmt.txt"
"$t"/mkevtx "$d/mgmt.txt" "$d/mgmt.evtx"
# The March 2021 security update, installed the day after the web shells.
printf '%s\n' \
    'MsiInstaller|Application|1022|4|2021-03-04T01:00:00Z||Microsoft Exchange Server|Security Update (KB5000871)' \
    >"$d/app.txt"
"$t"/mkevtx "$d/app.txt" "$d/Application.evtx"
{
	echo "disk mbr size=136M id=0x4f4d4544"
	echo "part ntfs start=2048 size=80M label=SYSTEM"
	cat tests/fixtures/demo/c.spec
	printf '%s\n' 'file \Windows\System32\config\SYSTEM from:SYSTEM' \
	    'file \Windows\System32\config\SOFTWARE from:SOFTWARE' \
	    'file \Windows\System32\inetsrv\config\applicationHost.config from:applicationHost.config' \
	    'file \Windows\System32\winevt\Logs\MSExchange%u0020Management.evtx from:mgmt.evtx' \
	    'file \Windows\System32\winevt\Logs\Application.evtx from:Application.evtx'
	(cd "$d/logs" && find inetpub -type f) | while read -r f; do
		printf 'file \\%s from:logs/%s\n' "$(echo "$f" | tr '/' '\\')" "$f"
	done
	echo "part ntfs start=165888 size=48M label=EXCHANGE"
	cat tests/fixtures/demo/e.spec
	printf '%s\n' 'file \Exchange\Bin\ExSetup.exe from:ExSetup.exe'
	(cd "$d/logs" && find Exchange -type f) | while read -r f; do
		win=\\$(echo "$f" | tr '/' '\\')
		printf 'mkdir %s\nfile %s from:logs/%s\n' "${win%\\*}" "$win" "$f"
	done
} >"$d/demo.spec"
"$t"/mkfixture "$d/demo.spec" "$d/demo.img"
before=$(sha256sum <"$d/demo.img")
echo "== exhume sources $d/demo.img"
"$x" sources "$d/demo.img"
echo
echo "== exhume scan $d/demo.img --out $d/out --bundle $d/demo-case.zip"
set +e
"$x" scan "$d/demo.img" --out "$d/out" --bundle "$d/demo-case.zip" \
    --case DEMO-1 --examiner demo 2>"$d/scan.err"
rc=$?
set -e
grep -E '^(note|bundle)' "$d/scan.err" || true
# The verdict per vulnerability family and the support state; the line per
# CVE and fixing update follows in summary.txt.
grep -E '^(findings|streams|log coverage):|^patch: (Proxy[A-Za-z]*|support|Exchange knowledge|CVEs):' \
    "$d/out/summary.txt" || true
echo "(one line per open CVE and its fixing update: grep '^patch:' $d/out/summary.txt)"
echo
echo "== exhume verify $d/demo-case.zip"
"$x" verify "$d/demo-case.zip"
after=$(sha256sum <"$d/demo.img")
echo
if [ "$before" = "$after" ]; then
	echo "demo disk unchanged: SHA-256 ${after%% *} before and after"
else
	echo "demo disk CHANGED: SHA-256 ${before%% *} before, ${after%% *} after"
	exit 1
fi
echo "scan exit status $rc (see exhume(8))"
echo "report:          $d/out/report.html (and report.txt; also inside the bundle)"
echo "findings:        $d/out/findings.jsonl, summary in $d/out/summary.txt"
echo "evidence bundle: $d/demo-case.zip (side hash $d/demo-case.zip.sha256)"
echo
echo "== the menu UI on the demo disk (interactive, so not started here):"
echo "   "$x" tui $d/demo.img"
echo "   (keys: 2 case, 3 sources, 4 scan, 6 findings, 8 bundle, L Deutsch/English, Q quit)"
