#!/bin/sh
# The history against the exposure window: an Exchange 2016 CU19 host whose
# March 2021 update (KB5000871) was installed 2021-03-04, so it was exposed
# to ProxyLogon from its first exploitation (2021-01-03) until then.  Its
# change journal begins 2021-02-17: that is a coverage warning naming the
# window.  A script created in aspnet_client 2021-02-17 (inside the window,
# gone from the live volume) is an alert that names the window and comes
# from the journal only; one created 2021-05-01 (after the fix) a warning.
# The report's history section shows the journal range and the verdict, in
# English and German; the same host without a journal is warned about too.
. "$TOP/tests/lib/tap.sh"

E15='\Program%u0020Files\Microsoft\Exchange%u0020Server\V15'
d="$TMP/h"
host_files e2016-cu19-mar21 "$d"
ok $? "host files built"

# Records: inetpub 64, wwwroot 65, aspnet_client 66, wwwroot\live.aspx 67 (made
# first; sequence numbers 1).
PYTHONPATH="$TOP/tests/lib" python3 - >"$d/j.hex" <<'PY'
from usnrec import Journal, T, MAY, CREATE
j = Journal()
j.v2(200, 66, CREATE, 'x.aspx', T)
j.v2(201, 66, CREATE, 'late.aspx', MAY)
j.v2(67, 65, CREATE, 'live.aspx', MAY + 10**7)
print(j.pages().hex())
PY
ok $? "journal bytes generated"
spec() {	# spec WITH_JOURNAL
	echo "disk gpt size=64M"
	echo "part ntfs start=2048 size=40M label=SYSTEM"
	printf '%s\n' 'mkdir \inetpub\wwwroot\aspnet_client'
	printf '%s\n' 'file \inetpub\wwwroot\live.aspx text:<%@ Page Language="C#" %>'
	printf '%s\n' 'file \Windows\System32\config\SYSTEM from:SYSTEM'
	printf '%s\n' 'file \Windows\System32\config\SOFTWARE from:SOFTWARE'
	printf '%s\n' 'file \Windows\System32\inetsrv\config\applicationHost.config from:applicationHost.config'
	printf 'file %s\\Bin\\ExSetup.exe from:ExSetup.exe\n' "$E15"
	if [ "$1" = yes ]; then
		printf '%s\n' 'file \$Extend\$UsnJrnl text:'
		printf 'ads \\$Extend\\$UsnJrnl:$J hex:%s\n' "$(cat "$d/j.hex")"
	fi
}
spec yes >"$d/h.spec" && spec no >"$d/n.spec" &&
(cd "$d" && mkimage h.spec "$TMP/h.img" && mkimage n.spec "$TMP/n.img")
ok $? "fixtures with and without a journal build"
IMAGES="$TMP/h.img $TMP/n.img"

run scan "$TMP/h.img" --out "$TMP/res"
F="$TMP/res/findings.jsonl"
python3 - "$F" <<'PY'
import json, sys
f = [d for d in map(json.loads, open(sys.argv[1]))
     if (d.get("path") or "").endswith("aspnet_client\\x.aspx")]
assert len(f) == 1, f
f = f[0]
assert f["check"] == "history/usn-script-created-webroot", f
assert f["level"] == "alert", f
assert f["origin"] == "journal", f
w = "during the ProxyLogon exposure window (exploited since 2021-01-03, fixed 2021-03-04)"
assert w in f["reasons"][0]["detail"], f
PY
ok $? "a script created in aspnet_client inside the window: an alert naming the window, from the journal only"
python3 - "$F" <<'PY'
import json, sys
f = [d for d in map(json.loads, open(sys.argv[1]))
     if (d.get("path") or "").endswith("aspnet_client\\late.aspx")]
assert len(f) == 1 and f[0]["level"] == "warning", f
assert "after the ProxyLogon exposure window" in f[0]["reasons"][0]["detail"], f
PY
ok $? "a script created after the fix was installed: a warning saying so"
grep -F '"path":"C:\\inetpub\\wwwroot\\live.aspx"' "$F" |
    grep '"check":"history/usn-script-created-webroot"' | grep -q '"origin":"live"'
ok $? "a journal-named script still on the volume keeps origin live"
python3 - "$F" <<'PY'
import json, sys
f = [d for d in map(json.loads, open(sys.argv[1]))
     if d["check"] == "history/journal-coverage"]
assert len(f) == 1 and f[0]["level"] == "warning", f
e = f[0]["excerpt"]
assert "the change journal of C: reaches back to 2021-02-17T01:46:40" in e, e
assert "the ProxyLogon exposure window began 2021-01-03" in e, e
PY
ok $? "the journal begins after the window opened: one coverage warning for C:"
R="$TMP/res/report.txt"
grep -q 'History: change journal, deleted records, shadow copies' "$R" &&
grep -q '| 2021-02-17T01:46:40.* to 2021-05-01T00:00:01' "$R" &&
grep 'ProxyLogon' "$R" | grep -q 'partly: the journal begins inside the window'
ok $? "report.txt: the history section with the journal range and the window's coverage"
python3 - "$TMP/res/acquisition.json" <<'PY'
import json, sys
h = json.load(open(sys.argv[1]))["volumes"][0]["history"]
assert h["journal_records"] == 3 and h["journal_coverage"] == "partial", h
assert h["snapshots_found"] == 0 and h["snapshots_examined"] == 0, h
w = [x for x in h["exposure_windows"] if x["group"] == "ProxyLogon"][0]
assert w["start"].startswith("2021-01-03") and w["end"].startswith("2021-03-04"), w
PY
ok $? "acquisition.json: the per-volume history record with windows and snapshot fields"

grep -q '^history: C: journal 2021-02-17T01:46:40.* coverage: partial$' \
    "$TMP/res/summary.txt"
ok $? "summary.txt: one history line for C: with the journal range and coverage"
grep 'History Record' "$TMP/res/timeline.csv" | grep -q 'aspnet_client\\x.aspx'
ok $? "timeline.csv: the journal-only script has its row at the journal's time"

run scan "$TMP/n.img" --out "$TMP/nj" --lang de
grep '"check":"history/journal-coverage"' "$TMP/nj/findings.jsonl" |
    grep -q 'keeps no change journal'
ok $? "no journal on the Exchange volume: the coverage warning says so"
grep -q 'Verlauf: Änderungsjournal, gelöschte Einträge, Schattenkopien' \
    "$TMP/nj/report.txt" &&
grep 'ProxyLogon' "$TMP/nj/report.txt" | grep -q 'kein Änderungsjournal'
ok $? "the German report has the history section and the verdict"
# The same host whose registry does not list the fix: only MsiInstaller
# (Application.evtx, 1022 on 2021-03-10) dates it.  The event logs are read
# before the history, so late.aspx (May) is placed after that fix.
m="$TMP/m"
mkdir -p "$m" && cp "$d/SYSTEM" "$d/ExSetup.exe" "$d/applicationHost.config" "$m/" &&
grep -v 'KB5000871' "$TOP/tests/fixtures/hosts/e2016-cu19-mar21/software.spec" \
    >"$m/software.spec" && "$TOOLS/mkhive" "$m/software.spec" "$m/SOFTWARE" &&
printf '%s\n' 'MsiInstaller|Application|1022|4|2021-03-10T12:00:00Z||Microsoft Exchange Server|Security Update (KB5000871)' \
    >"$m/app.spec" && "$TOOLS/mkevtx" "$m/app.spec" "$m/Application.evtx" &&
cp "$d/j.hex" "$m/" &&
{ spec yes; printf '%s\n' 'file \Windows\System32\winevt\Logs\Application.evtx from:Application.evtx'; } \
    >"$m/m.spec" && (cd "$m" && mkimage m.spec "$TMP/m.img")
ok $? "the host without the registry's update entry, its fix in Application.evtx"
IMAGES="$IMAGES $TMP/m.img"
run scan "$TMP/m.img" --out "$TMP/msi" --quiet
python3 - "$TMP/msi/findings.jsonl" <<'PY'
import json, sys
rows = list(map(json.loads, open(sys.argv[1])))
f = [d for d in rows if (d.get("path") or "").endswith("aspnet_client\\late.aspx")]
assert len(f) == 1 and f[0]["level"] == "warning", f
w = "after the ProxyLogon exposure window (exploited since 2021-01-03, fixed 2021-03-10)"
assert w in f[0]["reasons"][0]["detail"], f[0]["reasons"]
PY
ok $? "a script created after the fix MsiInstaller dated: a warning naming that fix date"

[ -n "${KEEP:-}" ] && mkdir -p "$KEEP" && cp -r "$TMP/res" "$TMP/nj" "$KEEP"
report_unchanged
done_testing
