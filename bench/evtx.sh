#!/bin/sh
# Event log throughput: libevtx (as linked) and exhume's event analysis on
# a generated .evtx of EVTX_BENCH_RECORDS events (default 60000, about
# 70 MB; 900000 gives about 1 GB), in EVTX_BENCH_DIR (default $TMPDIR or
# /tmp).  Rows: libevtx's open pass, records alone, records with their
# XML (what exhume asks for) on one thread and on EVTX_BENCH_JOBS threads
# with one libevtx handle each (default 2), and exhume's whole analysis,
# in MB/s of CPU, with our binary XML reader (exhume_events, the default)
# and with libevtx alone (exhume_events_libevtx); then peak RSS of the
# whole run.  EVTX_BENCH_REAL=DIR adds one row per reader summed over the
# .evtx files under DIR (real logs; many small files, so per-file set-up
# counts).  Issue 21 asks for >= 100 MB/s per core.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tools=${TOOLS:-$top/build/tools}
n=${EVTX_BENCH_RECORDS:-60000}
tmp=$(mktemp -d "${EVTX_BENCH_DIR:-${TMPDIR:-/tmp}}/bench-evtx.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
for t in mkevtx evtx-rate; do
	[ -x "$tools/$t" ] || { echo "bench/evtx.sh: $tools/$t missing (make tools)" >&2; exit 1; }
done
# Logon, service install, Exchange and PowerShell events with varying data.
awk -v n="$n" 'BEGIN { split("Microsoft-Windows-Security-Auditing|Security|4624;Microsoft-Windows-Security-Auditing|Security|4625;Service Control Manager|System|7045;MSExchange Common|Application|4999;Microsoft-Windows-PowerShell|Windows PowerShell|400", k, ";")
	for (i = 0; i < n; i++) {
		printf "%s|4|2021-03-03T%02d:%02d:%02dZ||user%d|10.1.%d.%d|C:\\Windows\\System32\\svchost.exe -k netsvcs %d|S-1-5-21-1000-%d\n",
		    k[i % 5 + 1], int(i / 3600) % 24, int(i / 60) % 60, i % 60,
		    i % 97, i % 200, i % 250, i, i % 5000 } }' >"$tmp/spec"
"$tools/mkevtx" "$tmp/spec" "$tmp/bench.evtx" >/dev/null
/usr/bin/time -f "%M" -o "$tmp/rss" "$tools/evtx-rate" -r "$top/rules" \
    -j "${EVTX_BENCH_JOBS:-2}" "$tmp/bench.evtx" >"$tmp/out"
/usr/bin/time -f "%M" -o "$tmp/rss_ours" "$tools/evtx-rate" -r "$top/rules" \
    -o "$tmp/bench.evtx" >/dev/null
awk -v rss="$(cat "$tmp/rss")" -v rss_ours="$(cat "$tmp/rss_ours")" '
	$1 == "libevtx" { v = $2 } $1 == "bytes" { b = $2 }
	$1 == "records" { r = $2 }
	$1 ~ /_mbps_cpu$/ { sub(/_mbps_cpu$/, "", $1); m[$1] = $2
		o[++k] = $1; next }
	$1 ~ /_cpu$/ { sub(/_cpu$/, "", $1); c[$1] = $2 }
	END { printf "EVTX throughput: %.0f MB, %d records, libevtx %s (MB/s of CPU; shared machine)\n", b / 1048576, r, v
	for (i = 1; i <= k; i++)
		printf "  %-22s %8.2f cpu s %8.1f MB/s\n", o[i], c[o[i]], m[o[i]]
	printf "  peak RSS %d MB (our reader alone: %.1f MB)\n", rss / 1024, rss_ours / 1024 }' "$tmp/out"
[ -n "${EVTX_BENCH_REAL:-}" ] || exit 0
find "$EVTX_BENCH_REAL" -name '*.evtx' -type f | while IFS= read -r f; do
	"$tools/evtx-rate" -r "$top/rules" -j 1 "$f" || true
done | awk '
	$1 == "bytes" { b += $2; n++ } $1 == "records" { r += $2 }
	$1 == "exhume_events_cpu" { o += $2 }
	$1 == "exhume_events_libevtx_cpu" { l += $2 }
	$1 == "exhume_events_fell_back" { fb += $2 }
	END { printf "EVTX real files: %d files, %.1f MB, %d records (%d left to libevtx)\n", n, b / 1048576, r, fb
	printf "  %-22s %8.2f cpu s %8.1f MB/s\n", "exhume_events", o, (o > 0 ? b / 1048576 / o : 0)
	printf "  %-22s %8.2f cpu s %8.1f MB/s\n", "exhume_events_libevtx", l, (l > 0 ? b / 1048576 / l : 0) }'
