#!/bin/sh
# bench/gen-spec.sh DIR: writes DIR/bench.spec and the sample files it repeats
# (DIR/samples/) for the benchmark image: an Exchange 2016 server's C: with
# about 20,700 files and 2.4 GB of data, plus the SYSTEM hive stand-in and the
# four planted web shells of tests/fixtures/exchange-basic.spec.  The output
# is the same every run (our own Park-Miller generator, exact in awk's
# doubles).  Needs build/tools/mklogs for the HttpProxy log sample.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tools=${TOOLS:-$top/build/tools}
out=$1
s="$out/samples"
rm -rf "$s"
mkdir -p "$s"

# ---- samples: our own stand-ins, repeated to each file's size ---------------
cp "$top/tests/samples/legit/owa/auth/logon.aspx" "$s/logon.aspx"
cp "$top/tests/samples/legit/owa/auth/errorFE.aspx" "$s/errorFE.aspx"
cp "$top/tests/samples/legit/ecp/auth/TimeoutLogout.aspx" "$s/TimeoutLogout.aspx"
cp "$top/tests/samples/legit/owa/web.config" "$s/web.config"
cp "$top/tests/samples/legit/wwwroot/iisstart.htm" "$s/iisstart.htm"
cat >"$s/page.aspx" <<'EOF'
<%@ Page Language="C#" AutoEventWireup="true" MasterPageFile="~/EcpMasterPage.Master" Inherits="Microsoft.Exchange.Management.ControlPanel.BaseForm" %>
<%@ Register TagPrefix="ecp" Namespace="Microsoft.Exchange.Management.ControlPanel.WebControls" Assembly="Microsoft.Exchange.Management.ControlPanel" %>
<asp:Content ID="contentMain" ContentPlaceHolderID="ContentPlaceHolder" runat="server">
  <ecp:PropertyPageSheet ID="sheet" runat="server" ServiceUrl="DDI/DDIService.svc?schema=MailboxPropertiesSchema">
    <ecp:PropertyPageSection ID="general" runat="server" Title="general" HelpId="Mailbox.General">
      <ecp:TextBox ID="txtDisplayName" runat="server" DataBoundProperty="DisplayName" MaxLength="256" />
      <ecp:TextBox ID="txtAlias" runat="server" DataBoundProperty="Alias" MaxLength="64" />
      <ecp:CheckBox ID="chkHidden" runat="server" DataBoundProperty="HiddenFromAddressListsEnabled" />
    </ecp:PropertyPageSection>
    <ecp:PropertyPageSection ID="usage" runat="server" Title="mailbox usage" HelpId="Mailbox.Usage">
      <ecp:Label ID="lblQuota" runat="server" DataBoundProperty="ProhibitSendQuota" />
    </ecp:PropertyPageSection>
  </ecp:PropertyPageSheet>
</asp:Content>
EOF
cat >"$s/script.js" <<'EOF'
/* Outlook on the web: view model for a list of items (stand-in text). */
(function (global) {
	"use strict";
	var owa = global.owa = global.owa || {};
	owa.listView = function (container, options) {
		var self = this, items = [], selected = -1;
		self.options = options || { pageSize: 50, sortBy: "DateTimeReceived" };
		self.add = function (item) { items.push(item); self.render(); };
		self.select = function (index) {
			if (index < 0 || index >= items.length) { return; }
			selected = index;
			container.setAttribute("aria-activedescendant", "item-" + index);
		};
		self.render = function () {
			var html = [], i;
			for (i = 0; i < items.length; i++) {
				html.push("<div id=\"item-" + i + "\" role=\"option\">" +
				    owa.escape(items[i].subject) + "</div>");
			}
			container.innerHTML = html.join("");
		};
	};
	owa.escape = function (s) {
		return String(s).replace(/&/g, "&amp;").replace(/</g, "&lt;");
	};
}(this));
EOF
cat >"$s/style.css" <<'EOF'
/* OWA theme stand-in */
.owaHeader { background-color: #0072c6; color: #ffffff; height: 48px; }
.owaNavPane { width: 220px; border-right: 1px solid #eaeaea; overflow-y: auto; }
.owaListItem { padding: 6px 12px; font-family: "Segoe UI", Tahoma, sans-serif; }
.owaListItem:hover { background-color: #e6f2fa; }
.owaListItem.selected { background-color: #cde6f7; font-weight: 600; }
@media screen and (max-width: 640px) { .owaNavPane { display: none; } }
EOF
cat >"$s/agent.xml" <<'EOF'
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <agent name="Transport Rule Agent" baseType="Microsoft.Exchange.Data.Transport.Smtp.SmtpReceiveAgent" enabled="true" priority="4" />
  <setting key="MaxMessageSize" value="36700160" />
  <setting key="ThrottlingPolicy" value="Default" />
</configuration>
EOF
cat >"$s/diag.log" <<'EOF'
2021-03-01T04:12:55.331Z,MSExchangeMailboxAssistants,Information,Assistant run started,Database=Mailbox Database 0412345678,Duration=00:00:00
2021-03-01T04:12:57.018Z,MSExchangeMailboxAssistants,Information,Mailboxes processed,Count=118,Failures=0,Duration=00:00:01.687
2021-03-01T04:13:02.745Z,MSExchangeHM,Information,Probe result,Probe=OWA.Protocol.Dep,Result=Succeeded,Latency=212
EOF
# A benign HttpProxy log: mklogs' big log without its planted tail.
"$tools/mklogs" --size 6M "$s/mklogs.tmp" >/dev/null
head -c 4500000 "$s/mklogs.tmp" | sed '$d' >"$s/httpproxy.log"
rm -f "$s/mklogs.tmp"
# iis ROWS: a W3C log of benign Exchange traffic.
iis() {
	awk -v rows="$1" 'BEGIN {
		print "#Software: Microsoft Internet Information Services 10.0"
		print "#Version: 1.0"
		print "#Date: 2021-03-02 00:00:00"
		print "#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken"
		split("/owa/ /owa/service.svc /ecp/ /EWS/Exchange.asmx /Microsoft-Server-ActiveSync/default.eas /mapi/emsmdb/ /autodiscover/autodiscover.xml /rpc/rpcproxy.dll", stem, " ")
		for (i = 0; i < rows; i++) {
			t = i * 4
			printf "2021-03-02 %02d:%02d:%02d 10.0.0.5 %s %s - 443 CONTOSO\\user%03d 10.1.%d.%d Mozilla/5.0+(Windows+NT+10.0;+Win64;+x64) - 200 0 0 %d\r\n",
			    int(t / 3600) % 24, int(t / 60) % 60, t % 60, (i % 3 ? "POST" : "GET"),
			    stem[i % 8 + 1], i % 200, i % 7, i % 250, 3 + i % 97
		}
	}'
}
iis 20000 >"$s/iis.log"
iis 100 >"$s/iis-day.log"

# ---- the spec ------------------------------------------------------------------
awk -v basic="$top/tests/fixtures/exchange-basic.spec" \
    -v hp="$(wc -c <"$s/httpproxy.log")" -v iis="$(wc -c <"$s/iis.log")" \
    -v iisday="$(wc -c <"$s/iis-day.log")" -v diag="$(wc -c <"$s/diag.log")" '
function rnd() { seed = (seed * 16807) % 2147483647; return seed / 2147483647 }
function irand(a, b) { return a + int(rnd() * (b - a + 1)) }
# log-uniform size between lo and hi bytes: many small files, a tail of big ones
function lsize(lo, hi) { return int(lo * exp(rnd() * log(hi / lo))) }
# Logs hold whole copies of their sample: the analysers would report a
# cut-off last line as damage.
function whole(size, sample) {
	if (sample in loglen)
		size = size < loglen[sample] ? loglen[sample] : size - size % loglen[sample]
	return size
}
function text(path, lo, hi, sample) {
	printf "file %s size=%d fill=from:samples/%s\n", path, whole(lsize(lo, hi), sample), sample
	nfiles++
}
function bin(path, lo, hi) {
	printf "file %s size=%d fill=random:%d\n", path, lsize(lo, hi), ++nbin
	nfiles++
}
function big(path, mb, sample) {
	if (sample == "")
		printf "file %s size=%dM fill=random:%d\n", path, mb, ++nbin
	else
		printf "file %s size=%d fill=from:samples/%s\n", path, whole(mb * 1048576, sample), sample
	nfiles++
}
BEGIN {
	seed = 20210302
	loglen["httpproxy.log"] = hp
	loglen["iis.log"] = iis
	loglen["iis-day.log"] = iisday
	loglen["diag.log"] = diag
	X = "\\Program%u0020Files\\Microsoft\\Exchange%u0020Server\\V15"
	V = "15.1.2375.7"
	K = 1024
	n = split("Data Common Diagnostics Management Transport Storage Security Search Rpc Net Clients Configuration Directory Net.Mserve Protocols Monitoring Migration Compliance Hygiene Cluster", word, " ")
	print "# bench.spec: written by bench/gen-spec.sh; do not edit"
	print "disk gpt size=3600M"
	print "part ntfs start=2048 size=3500M label=SYSTEM"

	# Exchange binaries: many DLLs in Bin and its subfolders.
	for (i = 0; i < 1500; i++)
		bin(X "\\Bin\\Microsoft.Exchange." word[i % n + 1] i ".dll", 8 * K, 200 * K)
	split("Search\\Ceres\\Common FIP-FS\\Bin CmdletExtensionAgents PerfCounters Search\\Ceres\\Runtime\\1.0", bsub, " ")
	for (i = 0; i < 1000; i++)
		bin(X "\\Bin\\" bsub[i % 5 + 1] "\\Component" i ".dll", 4 * K, 200 * K)
	# OWA: versioned scripts and themes (no pages: those would be findings).
	for (i = 0; i < 800; i++)
		text(X "\\FrontEnd\\HttpProxy\\owa\\auth\\" V "\\scripts\\premium\\boot" i ".js", K, 200 * K, "script.js")
	for (i = 0; i < 600; i++)
		text(X "\\FrontEnd\\HttpProxy\\owa\\auth\\" V "\\themes\\resources\\theme" i ".css", K, 100 * K, "style.css")
	split("boot mail calendar people tasks search compose options reading settings", area, " ")
	for (i = 0; i < 4000; i++)
		text(X "\\ClientAccess\\Owa\\prem\\" V "\\scripts\\" area[i % 10 + 1] "\\" area[i % 10 + 1] i ".js", K, 200 * K, "script.js")
	for (i = 0; i < 2000; i++)
		text(X "\\ClientAccess\\Owa\\prem\\" V "\\resources\\themes\\base" (i % 20) "\\s" i ".css", K, 100 * K, "style.css")
	# ECP: pages by area, its scripts, web.config files.
	split("Organize Reporting RulesEditor Users MailboxDelegation PersonalSettings Security SMS TroubleShooting UnifiedMessaging Customize DDI Analytics Connectors Hybrid Migration Federation Journaling Retention MobileDevices Groups Contacts Resources Sharing Certificates", ecp, " ")
	for (i = 0; i < 2500; i++)
		text(X "\\ClientAccess\\ecp\\" ecp[i % 25 + 1] "\\Page" i ".aspx", K, 60 * K, "page.aspx")
	for (i = 0; i < 1500; i++)
		text(X "\\ClientAccess\\ecp\\" V "\\scripts\\ecp" i ".js", K, 200 * K, "script.js")
	split("Autodiscover ecp exchweb mapi Oab owa PowerShell PushNotifications RpcProxy Sync", vdir, " ")
	for (i = 1; i <= 10; i++)
		text(X "\\ClientAccess\\" vdir[i] "\\web.config", 4 * K, 60 * K, "web.config")
	# Logging: small component logs everywhere but where the log analysers look.
	split("Diagnostics\\DailyPerformanceLogs MailboxAssistantsLog ActiveMonitoringTraceLogs Monitoring\\Monitoring RpcHttp EWS Search MigrationLogs CmdletInfra\\Others Store", lg, " ")
	for (i = 0; i < 3000; i++)
		text(X "\\Logging\\" lg[i % 10 + 1] "\\log" (20210301 + i % 28) "-" i ".log", K, 200 * K, "diag.log")
	# Mailbox database: the .edb and its 1 MB transaction logs.
	D = X "\\Mailbox\\Mailbox%u0020Database%u00200412345678"
	for (i = 0; i < 200; i++)
		printf "file %s\\E00%08X.log size=1M fill=random:%d\n", D, i + 1, ++nbin
	nfiles += 200
	big(D "\\Mailbox%u0020Database%u00200412345678.edb", 300)
	big(X "\\TransportRoles\\data\\Queue\\mail.que", 150)
	big(X "\\Bin\\Search\\Ceres\\HostController\\Data\\Nodes\\Fsis\\index.dat", 200)
	for (i = 0; i < 200; i++)
		text(X "\\TransportRoles\\agents\\Agent" i "\\agent.xml", K, 20 * K, "agent.xml")
	# The logs the analysers read: large HttpProxy and IIS logs.
	big(X "\\Logging\\HttpProxy\\Owa\\HttpProxy_2021030206-1.LOG", 250, "httpproxy.log")
	big(X "\\Logging\\HttpProxy\\Ecp\\HttpProxy_2021030206-1.LOG", 120, "httpproxy.log")
	big(X "\\Logging\\HttpProxy\\Ews\\HttpProxy_2021030206-1.LOG", 80, "httpproxy.log")
	big(X "\\Logging\\HttpProxy\\Autodiscover\\HttpProxy_2021030206-1.LOG", 60, "httpproxy.log")
	W = "\\inetpub\\logs\\LogFiles\\W3SVC1"
	big(W "\\u_ex210302.log", 200, "iis.log")
	big(W "\\u_ex210301.log", 100, "iis.log")
	for (i = 1; i <= 28; i++)
		text(W "\\u_ex2102" sprintf("%02d", i) ".log", 10 * K, 200 * K, "iis-day.log")
	# IIS web root.
	printf "file \\inetpub\\wwwroot\\iisstart.htm from:samples/iisstart.htm\n"
	nfiles++
	for (i = 0; i < 20; i++)
		text("\\inetpub\\wwwroot\\aspnet_client\\system_web\\4_0_30319\\WebUIValidation" i ".js", K, 20 * K, "script.js")
	# ProgramData, Windows\Temp, compiled ASP.NET pages.
	split("Microsoft\\Crypto\\RSA Microsoft\\Windows\\WER\\ReportArchive Microsoft\\Windows%u0020Defender\\Scans\\History Microsoft\\Exchange\\Setup Microsoft\\Diagnosis", pd, " ")
	for (i = 0; i < 2000; i++) {
		if (i % 2)
			bin("\\ProgramData\\" pd[i % 5 + 1] "\\item" i ".dat", K, 200 * K)
		else
			text("\\ProgramData\\" pd[i % 5 + 1] "\\item" i ".xml", K, 100 * K, "agent.xml")
	}
	for (i = 0; i < 500; i++) {
		if (i % 2)
			bin("\\Windows\\Temp\\tmp" sprintf("%04X", i) ".tmp", K, 200 * K)
		else
			text("\\Windows\\Temp\\setup" i ".log", K, 200 * K, "diag.log")
	}
	T = "\\Windows\\Microsoft.NET\\Framework64\\v4.0.30319\\Temporary%u0020ASP.NET%u0020Files"
	for (i = 0; i < 800; i++)
		bin(T "\\owa\\" sprintf("%08x\\%08x", 2596000000 + i % 40 * 7919, 1990000000 + i * 104729) "\\App_Web_" sprintf("%08x", 3000000 + i * 7) ".dll", 4 * K, 120 * K)

	# Legitimate OWA pages, and from exchange-basic.spec the SYSTEM hive
	# stand-in (exhume analyses logs on the system volume only) and the
	# planted shells.
	A = X "\\FrontEnd\\HttpProxy\\owa\\auth"
	printf "file %s\\logon.aspx from:samples/logon.aspx\n", A
	printf "file %s\\errorFE.aspx from:samples/errorFE.aspx\n", A
	printf "file %s\\FrontEnd\\HttpProxy\\ecp\\auth\\TimeoutLogout.aspx from:samples/TimeoutLogout.aspx\n", X
	nfiles += 3
	while ((getline l < basic) > 0)
		if (l ~ /config\\SYSTEM |supp0rt\.aspx text:|x\.aspx|Привет\.aspx|logo\.png text:/) {
			print l
			if (l ~ /^file /)
				nfiles++
		}
	printf "# %d files\n", nfiles
}' >"$out/bench.spec"
