#!/bin/sh
# make demo: builds an Exchange-shaped demo disk with planted web shells,
# exploitation traces in the logs and event logs, then triages it.
set -e
cd "$(dirname "$0")/../.."
d=build/demo
rm -rf "$d" && mkdir -p "$d"
build/tools/mklogs "$d/logs" >/dev/null
printf '%s\n' \
    'MSExchange CmdletLogs|MSExchange Management|1|4|2021-03-03T07:12:01Z|1|Set-OabVirtualDirectory|-ExternalUrl:"http://f/<script language=""JScript"" runat=""server"">function Page_Load(){eval(Request[""demo""],""unsafe"");}</script>" -Identity:"OAB (Default Web Site)"' \
    >"$d/mgmt.txt"
build/tools/mkevtx "$d/mgmt.txt" "$d/mgmt.evtx"
exch='\Program%u0020Files\Microsoft\Exchange%u0020Server\V15'
{
	cat tests/fixtures/exchange-basic.spec
	echo "mkdir \\Windows\\System32\\winevt\\Logs"
	echo "file \\Windows\\System32\\winevt\\Logs\\MSExchange%u0020Management.evtx from:mgmt.evtx"
	(cd "$d/logs" && find Exchange inetpub -type f) | while read -r f; do
		win=$(echo "$f" | tr '/' '\\')
		case $f in
		Exchange/*) dst="$exch\\${win#Exchange\\}" ;;
		*) dst="\\$win" ;;
		esac
		echo "mkdir ${dst%\\*}"
		echo "file $dst from:logs/$f"
	done
} >"$d/demo.spec"
build/tools/mkfixture "$d/demo.spec" "$d/demo.img"
echo "== exhume sources $d/demo.img"
build/rel/exhume sources "$d/demo.img"
echo
echo "== exhume scan $d/demo.img --out $d/out"
set +e
build/rel/exhume scan "$d/demo.img" --out "$d/out" --bundle "$d/demo-case.zip" \
    --case DEMO-1 --examiner demo 2>"$d/scan.err"
rc=$?
grep -E '^(note|bundle)' "$d/scan.err"
grep -E '^(findings|streams|patch|log coverage):' "$d/out/summary.txt"
echo
echo "== exhume verify $d/demo-case.zip"
build/rel/exhume verify "$d/demo-case.zip"
echo
echo "scan exit status $rc (see exhume(8))"
echo "report:          $d/out/report.html (and report.txt; also inside the bundle)"
echo "findings:        $d/out/findings.jsonl, summary in $d/out/summary.txt"
echo "evidence bundle: $d/demo-case.zip (side hash $d/demo-case.zip.sha256)"
