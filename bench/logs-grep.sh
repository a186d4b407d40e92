#!/bin/sh
# Log analysis against grep -c (and rg -c when installed) on the same
# generated logs, one thread each: an IIS log of OWA traffic and an
# HttpProxy log, LOGS_GREP_SIZE each (default 128M; LOGS_GREP_SIZE=1G for
# the issue's figures), in LOGS_GREP_DIR (default $TMPDIR or /tmp).
# LOGS_GREP_RUNS rounds (default 3) run the tools in turn (interleaved),
# so load on the shared machine hits all alike; each row gives the best
# round's CPU seconds, MB/s of CPU, the ratio to grep's CPU MB/s (>= 1:
# as fast as grep) and peak RSS.  grep and rg get the attack literals of
# rules/logs (case-insensitive); exhume runs every check.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tools=${TOOLS:-$top/build/tools}
size=${LOGS_GREP_SIZE:-128M}
runs=${LOGS_GREP_RUNS:-3}
tmp=$(mktemp -d "${LOGS_GREP_DIR:-${TMPDIR:-/tmp}}/bench-grep.XXXXXX")
trap 'rm -rf "$tmp"' EXIT INT TERM
for t in mklogs logscan-run; do
	[ -x "$tools/$t" ] || { echo "bench/logs-grep.sh: $tools/$t missing (make tools)" >&2; exit 1; }
done
rg=$(command -v rg || true)

"$tools/mklogs" --owa "$size" "$tmp/u_ex210303.log" >/dev/null
"$tools/mklogs" --size "$size" "$tmp/HttpProxy_2021030306-1.LOG" >/dev/null
# What grep is asked: the literals and simple shapes the checks look for.
cat >"$tmp/pat" <<'PAT'
serverinfo~
server~.*/.*~
virtualdirectory
/autodiscover\.json
/owa/auth/current/
/ecp/ddi/ddiservice\.svc/setobject
securitytoken=
&correlationid=<empty>;&requestid=
/aspnet_client/
\.(aspx|asp|ashx|asmx|asa|cer|php|jsp)( |,|$)
(whoami|ipconfig|systeminfo|nltest|mimikatz|procdump|lsass|comsvcs)
(cmd|powershell|certutil|rundll32)(\.|%2e)exe
onendrequest\.end\.contenttype=application/soap\+xml
PAT
grep -v '^#' "$top/rules/logs/attacker-ips.txt" | cut -f1 |
    sed 's/\./\\./g' | grep . >>"$tmp/pat"

# one NAME FILE CMD...: one timed run, appended to $tmp/times.
one() {
	n=$1
	f=$2
	shift 2
	# Not to /dev/null: GNU grep then stops at the first match, as -q.
	/usr/bin/time -f "%e %U %S %M" -o "$tmp/t" "$@" >"$tmp/o" 2>&1 ||
	    true
	echo "$n $f $(cat "$tmp/t")" >>"$tmp/times"
}

: >"$tmp/times"
iisw='C:\inetpub\logs\LogFiles\W3SVC1\u_ex210303.log'
hpw='C:\Program Files\Microsoft\Exchange Server\V15\Logging\HttpProxy\Ecp\HttpProxy_2021030306-1.LOG'
i=0
while [ "$i" -lt "$runs" ]; do
	for f in u_ex210303.log HttpProxy_2021030306-1.LOG; do
		w=$iisw
		[ "$f" = u_ex210303.log ] || w=$hpw
		cat "$tmp/$f" >/dev/null	# from the page cache for all
		one grep "$f" env LC_ALL=C grep -c -i -E -f "$tmp/pat" "$tmp/$f"
		[ -z "$rg" ] || one rg "$f" "$rg" -c -i -j1 -f "$tmp/pat" "$tmp/$f"
		one exhume "$f" "$tools/logscan-run" -r "$top/rules" -w "$w" \
		    "$tmp/$f"
	done
	i=$((i + 1))
done

echo "Log analysis vs grep -c, one thread each, best of $runs interleaved rounds ($(nproc) cores, shared machine: CPU seconds, not wall)"
[ -n "$rg" ] || echo "(rg not installed: no rg rows)"
printf "%-28s %-8s %8s %8s %9s %8s %9s\n" "file" "tool" "wall s" "cpu s" "MB/s cpu" "vs grep" "peak RSS"
for f in u_ex210303.log HttpProxy_2021030306-1.LOG; do
	b=$(wc -c <"$tmp/$f")
	awk -v f="$f" -v b="$b" '$2 == f { c = $4 + $5
	    if (!($1 in best) || c < best[$1]) { best[$1] = c; wall[$1] = $3
	    rss[$1] = $6 } }
	    END { g = best["grep"] > 0 ? best["grep"] : 0.001
	    for (t in best) { c = best[t] > 0 ? best[t] : 0.001
	    printf "%-28s %-8s %8.2f %8.2f %9.1f %8.2f %6.0f MB\n", f, t,
	    wall[t], c, b / 1048576 / c, g / c, rss[t] / 1024 } }' \
	    "$tmp/times" | sort -k2,2
done
