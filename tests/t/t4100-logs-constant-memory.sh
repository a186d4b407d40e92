#!/bin/sh
# A 1 GB HttpProxy log is analysed in constant memory and its planted hits are found.
set -u
: "${TOOLS:?TOOLS must point to build/tools}" "${TOP:?TOP must be the repo root}"

echo "1..4"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t4100.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM

free_kb=$(df -Pk "$tmp" | awk 'NR == 2 { print $4 }')
if [ "${free_kb:-0}" -lt $((3 * 1024 * 1024)) ]; then
	for i in 1 2 3 4; do
		echo "ok $i # SKIP less than 3 GB free in $tmp"
	done
	exit 0
fi

log="$tmp/HttpProxy_2021030306-1.LOG"
win='C:\Program Files\Microsoft\Exchange Server\V15\Logging\HttpProxy\Ecp\HttpProxy_2021030306-1.LOG'
if "$TOOLS/mklogs" --size 1G "$log" >"$tmp/gen.out"; then
	echo "ok 1 - mklogs wrote a 1 GB HttpProxy log"
else
	echo "not ok 1 - mklogs wrote a 1 GB HttpProxy log"
fi
planted=$(awk '$1 == "planted_findings" { print $2 }' "$tmp/gen.out")
planted_alerts=$(awk '$1 == "planted_alerts" { print $2 }' "$tmp/gen.out")

"$TOOLS/logscan-run" -r "$TOP/rules" -w "$win" "$log" >"$tmp/run.out" 2>&1
rc=$?
val() { awk -v k="$1" '$1 == k { print $2 }' "$tmp/run.out"; }
found=$(val findings)
alerts=$(val alerts)
rss=$(val maxrss_kb)
echo "# findings=$found (planted $planted) alerts=$alerts (planted $planted_alerts)"
echo "# peak RSS $((${rss:-0} / 1024)) MB ($rss KB); $(val mbps) MB/s over $(val bytes) bytes in $(val seconds) s"

if [ "$rc" -eq 0 ] && [ -n "$found" ] && [ "$found" = "$planted" ]; then
	echo "ok 2 - every planted finding is found, nothing else"
else
	echo "not ok 2 - every planted finding is found, nothing else"
	sed 's/^/# /' "$tmp/run.out"
fi
if [ -n "$alerts" ] && [ "$alerts" = "$planted_alerts" ]; then
	echo "ok 3 - the planted exploitation rows are alerts"
else
	echo "not ok 3 - the planted exploitation rows are alerts"
fi
if [ -n "$rss" ] && [ "$rss" -lt $((64 * 1024)) ]; then
	echo "ok 4 - peak RSS stays under 64 MB"
else
	echo "not ok 4 - peak RSS stays under 64 MB"
fi
