#!/bin/sh
# IIS logs: web-shell use by GET and POST is found, Exchange's own pages are not, 100,000 hits are one finding, ProxyShell is not ProxyNotShell, 27065 as published, ProxyToken.
set -u
: "${TOOLS:?TOOLS must point to build/tools}" "${TOP:?TOP must be the repo root}"

echo "1..8"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/t4102.XXXXXX") || exit 1
trap 'rm -rf "$tmp"' EXIT INT TERM
n=0
ok() { n=$((n + 1)); echo "ok $n - $1"; }
notok() { n=$((n + 1)); echo "not ok $n - $1"; shift; for f in "$@"; do sed 's/^/# /' "$f"; done; }
iis='C:\inetpub\logs\LogFiles\W3SVC1\u_ex210303.log'

# --- 1..3: the fixture IIS log (mklogs DIR): GET and POST shells, own pages
"$TOOLS/mklogs" "$tmp/fx" >/dev/null
log="$tmp/fx/inetpub/logs/LogFiles/W3SVC1/u_ex210303.log"
"$TOOLS/logscan-run" -r "$TOP/rules" -v -w "$iis" "$log" >"$tmp/fx.out" 2>&1
get=$(awk '/^[0-9]/ && $4 == "GET" && $5 == "/owa/auth/errorEEE.aspx" { print NR; exit }' "$log")
post=$(awk '/^[0-9]/ && $4 == "POST" && $5 == "/aspnet_client/system_web/kA9xQ2mZ.aspx" { print NR; exit }' "$log")
if grep -q "^hit .* iis/webshell-use line=$get " "$tmp/fx.out" &&
    grep -q "^hit .* iis/webshell-use line=$post " "$tmp/fx.out"; then
	ok "GET with cmd=whoami (line $get) and POST (line $post) to planted shells are web-shell use"
else
	notok "GET and POST to planted shells are web-shell use" "$tmp/fx.out"
fi
own=$(awk '/^[0-9]/ && $5 ~ /^\/owa\/auth\/(logon|expiredpassword)\.aspx$/ { printf "%s ", NR }' "$log")
bad=0
for l in $own; do
	grep -q "^hit .* line=$l " "$tmp/fx.out" && bad=$((bad + 1))
done
if [ -n "$own" ] && [ "$bad" -eq 0 ]; then
	ok "POST /owa/auth/logon.aspx 200 and expiredpassword.aspx (lines $own) give no finding"
else
	notok "Exchange's own pages give no finding ($bad hits on lines $own)" "$tmp/fx.out"
fi
ps=$(awk '/^[0-9]/ && $6 ~ /X-Rps-CAT/ { print NR; exit }' "$log")
pns=$(awk '/^[0-9]/ && $5 == "/autodiscover/autodiscover.json" && $8 != "-" && $6 ~ /PowerShell/ { print NR; exit }' "$log")
if grep -q "^hit .* ProxyShell/autodiscover line=$ps " "$tmp/fx.out" &&
    ! grep -q "^hit .* ProxyNotShell/autodiscover line=$ps " "$tmp/fx.out" &&
    grep -q "^hit .* ProxyNotShell/autodiscover line=$pns " "$tmp/fx.out" &&
    ! grep -q "^hit .* ProxyShell/autodiscover line=$pns " "$tmp/fx.out"; then
	ok "the X-Rps-CAT line $ps is ProxyShell only, the authenticated line $pns ProxyNotShell only"
else
	notok "ProxyShell and ProxyNotShell lines are told apart" "$tmp/fx.out"
fi

# --- 4: ProxyToken
pt=$(awk '/^[0-9]/ && $5 ~ /InboxRules.svc\/NewObject$/ { print NR; exit }' "$log")
if grep -q "^hit .* CVE-2021-33766/proxytoken line=$pt score=85 level=alert" "$tmp/fx.out"; then
	ok "ProxyToken: InboxRules.svc/NewObject with SecurityToken= answered 500 is an alert"
else
	notok "ProxyToken is an alert" "$tmp/fx.out"
fi

# --- 5: CVE-2021-27065 as published (ends after </script>'')
ecp="$tmp/fx/Exchange/Logging/ECP/Server/ECPServer20210303-1.LOG"
"$TOOLS/logscan-run" -r "$TOP/rules" -v -f ecp-server "$ecp" >"$tmp/ecp.out" 2>&1
l27=$(grep -n "</script>''\"$" "$ecp" | cut -d: -f1)
if [ -n "$l27" ] && grep -q "^hit .* CVE-2021-27065/ecp-set-vdir line=$l27 score=90" "$tmp/ecp.out"; then
	ok "an ECP Set-OabVirtualDirectory line ending at </script>'' (line $l27) is the 27065 alert"
else
	notok "the 27065 line as published is an alert" "$tmp/ecp.out"
fi

# --- 6..8: 100,000 GETs from one client to one shell
"$TOOLS/mklogs" --iis-hits 100000 "$tmp/hits.log" >/dev/null
/usr/bin/time -f "%M" -o "$tmp/rss" "$TOOLS/logscan-run" -r "$TOP/rules" \
    -v -w "$iis" "$tmp/hits.log" >"$tmp/hits.out" 2>&1
if [ "$(awk '$1 == "findings" { print $2 }' "$tmp/hits.out")" = 1 ] &&
    grep -q '^hit .* iis/webshell-use .* ip=198.51.100.23 count=100000$' "$tmp/hits.out"; then
	ok "100,000 hits of one client on one shell are one finding with count 100000"
else
	notok "100,000 hits are one finding with count 100000" "$tmp/hits.out"
fi
if [ "$(grep -c '^hit .* iis/webshell-use ' "$tmp/hits.out")" -eq 5 ]; then
	ok "the finding carries 5 sample lines"
else
	notok "the finding carries 5 sample lines" "$tmp/hits.out"
fi
rss=$(cat "$tmp/rss")
if [ -n "$rss" ] && [ "$rss" -lt $((64 * 1024)) ]; then
	ok "peak RSS ${rss} KB stays under 64 MB"
else
	notok "peak RSS stays under 64 MB (got ${rss} KB)"
fi
