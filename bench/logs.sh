#!/bin/sh
# Log analysis throughput: exhume's analyser vs grep -c ServerInfo~ and an awk
# Test-ProxyLogon 26855 filter, over the same generated HttpProxy logs.
# Needs build/tools/{mklogs,logscan-run} (make tools).  LOGS_BENCH_SIZE sets the
# size of the big log (default 512M); LOGS_BENCH_DIR where to put it.
# Then the IIS web-shell benchmark (LOGS_BENCH_IIS_SIZE, default 1G): 10
# planted shell requests in OWA traffic, findings and peak RSS.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tools=${TOOLS:-$top/build/tools}
size=${LOGS_BENCH_SIZE:-512M}
tmp=$(mktemp -d "${LOGS_BENCH_DIR:-${TMPDIR:-/tmp}}/bench-logs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM

for t in mklogs logscan-run; do
	[ -x "$tools/$t" ] || { echo "bench/logs.sh: $tools/$t missing (make tools)" >&2; exit 1; }
done

log="$tmp/HttpProxy_2021030306-1.LOG"
win='C:\Program Files\Microsoft\Exchange Server\V15\Logging\HttpProxy\Ecp\HttpProxy_2021030306-1.LOG'
"$tools/mklogs" --size "$size" "$log" >/dev/null
"$tools/mklogs" "$tmp/fx" >/dev/null
fx_hp="$tmp/fx/Exchange/Logging/HttpProxy/Ecp/HttpProxy_2021030306-1.LOG"
files="$log $fx_hp"
bytes=$(cat $files | wc -c)
cat $files >/dev/null	# warm the page cache so every tool reads from memory

# The Test-ProxyLogon row filter in awk: AnchorMailbox -like 'ServerInfo~*/*',
# not '*/autodiscover*', not 'ServerInfo~localhost*/*' (columns by header).
cat >"$tmp/tpl.awk" <<'AWK'
BEGIN { FS = "," }
/^#Fields: / { n = split(substr($0, 10), h, ","); col = 0
	for (i = 1; i <= n; i++) if (h[i] == "AnchorMailbox") col = i; next }
/^#/ { next }
col == 0 { n = split($0, h, ","); for (i = 1; i <= n; i++)
	if (h[i] == "AnchorMailbox") col = i; next }
{ a = tolower($col)
  if (a ~ /^serverinfo~.*\// && a !~ /^serverinfo~.*\/autodiscover/ &&
      a !~ /^serverinfo~localhost.*\//) hits++ }
END { print hits + 0 }
AWK

# measure NAME CMD...: runs CMD, records wall and CPU seconds and its output.
measure() {
	name=$1
	shift
	/usr/bin/time -f "%e %U %S" -o "$tmp/time" "$@" >"$tmp/out" 2>&1
	read -r wall usr sys <"$tmp/time"
	hits=$(tail -n 1 "$tmp/out")
	awk -v n="$name" -v w="$wall" -v u="$usr" -v s="$sys" -v b="$bytes" \
	    -v h="$hits" 'BEGIN { c = u + s; if (w <= 0) w = 0.001
	    if (c <= 0) c = 0.001
	    printf "%-34s %8.2f %9.1f %8.2f %9.1f  %s\n", n, w, b / 1048576 / w,
	    c, b / 1048576 / c, h }' >>"$tmp/table"
}

: >"$tmp/table"
measure "grep -c ServerInfo~" sh -c "cat $files | grep -c ServerInfo~"
measure "awk Test-ProxyLogon 26855 filter" sh -c "for f in $files; do awk -f $tmp/tpl.awk \$f; done | awk '{ s += \$1 } END { print s }'"
measure "exhume logscan (all checks)" sh -c "'$tools/logscan-run' -r '$top/rules' -w '$win' $files | awk '\$1 == \"count\" && \$2 == \"CVE-2021-26855/test-proxylogon\" { n = \$3 } \$1 == \"maxrss_kb\" { r = \$2 } END { print n \" test-proxylogon hits, peak RSS \" int(r / 1024) \" MB\" }'"

echo "Log analysis throughput over $(awk -v b="$bytes" 'BEGIN { printf "%.0f MB", b / 1048576 }') of HttpProxy logs ($(nproc) cores, $(uname -m))"
printf "%-34s %8s %9s %8s %9s  %s\n" "tool" "wall s" "MB/s" "cpu s" "MB/s cpu" "result"
cat "$tmp/table"

# Web-shell use in a big IIS log of ordinary OWA traffic (Exchange's own
# pages, GET and POST) with 10 planted shell requests from one client:
# they must come out as at most 2 findings, nothing else, in bounded memory.
# LOGS_BENCH_IIS_SIZE sets its size (default 1G).
iis_size=${LOGS_BENCH_IIS_SIZE:-1G}
iis="$tmp/u_ex210303.log"
rm -f "$log"	# room for the IIS log
"$tools/mklogs" --owa "$iis_size" "$iis" >/dev/null
iis_bytes=$(wc -c <"$iis")
/usr/bin/time -v "$tools/logscan-run" -r "$top/rules" -v \
    -w 'C:\inetpub\logs\LogFiles\W3SVC1\u_ex210303.log' "$iis" \
    >"$tmp/iis.out" 2>"$tmp/iis.time"
echo
echo "IIS web-shell benchmark over $(awk -v b="$iis_bytes" 'BEGIN { printf "%.0f MB", b / 1048576 }') of OWA traffic with 10 planted shell requests"
awk '$1 == "count" { print "  findings of " $2 ": " $3 }
    $1 == "findings" { print "  findings in all: " $2 }
    $1 == "seconds" { print "  seconds: " $2 }
    $1 == "mbps" { print "  MB/s: " $2 }' "$tmp/iis.out"
awk '$1 == "hit" && $3 == "iis/webshell-use" { c = $NF } END { print "  web-shell hits in the finding(s): " c }' "$tmp/iis.out"
grep -E 'Maximum resident set size' "$tmp/iis.time" | sed 's/^[[:space:]]*/  /'
