#!/bin/sh
# A German report says everything in German: verdict reasons (fixed,
# vulnerable, unknown build), run notes (a partition not examined, a
# BitLocker volume, missing log folders, log coverage gaps, an event log
# libevtx cannot open, a file over --max-size) are rendered from the
# catalog; text a library gave stays as it was, framed "Bibliotheksmeldung:"
# and explained in a legend.  No English sentence of the message catalogs
# is left in report.txt or report.html, and findings.jsonl and
# acquisition.json are the same for --lang de and --lang en.
. "$TOP/tests/lib/tap.sh"

H="$TOP/tests/fixtures/hosts/e2016-cu19-mar21"
E15='\Program%u0020Files\Microsoft\Exchange%u0020Server\V15'
d="$TMP/h"
mkdir -p "$d"
"$TOOLS/mkhive" "$H/system.spec" "$d/SYSTEM" &&
"$TOOLS/mkhive" "$H/software.spec" "$d/SOFTWARE" &&
"$TOOLS/mkpe" "$(cat "$H/exsetup.version")" "$d/ExSetup.exe" &&
cp "$H/applicationHost.config" "$d/"
ok $? "host files built (Exchange 2016 CU19 with the March 2021 update)"

spec() {	# spec WITH_EXSETUP
	echo "disk mbr size=96M"
	echo "part ntfs start=2048 size=40M label=SYSTEM"
	printf '%s\n' 'file \inetpub\wwwroot\live.aspx text:<%@ Page Language="C#" %>'
	printf '%s\n' 'file \inetpub\wwwroot\big.aspx size=3M fill=random:7'
	printf '%s\n' 'file \Windows\System32\config\SYSTEM from:SYSTEM'
	printf '%s\n' 'file \Windows\System32\config\SOFTWARE from:SOFTWARE'
	printf '%s\n' 'file \Windows\System32\inetsrv\config\applicationHost.config from:applicationHost.config'
	printf '%s\n' 'file \Windows\System32\winevt\Logs\Application.evtx size=64K fill=random:3'
	[ "$1" = yes ] && printf 'file %s\\Bin\\ExSetup.exe from:ExSetup.exe\n' "$E15"
	echo "part raw start=90112 size=8M type=07 fill=random:9"
	echo "part bitlocker start=110592 size=1M"
}
spec yes >"$d/a.spec" && spec no >"$d/b.spec" &&
(cd "$d" && mkimage a.spec "$TMP/a.img" && mkimage b.spec "$TMP/b.img")
ok $? "images build: with ExSetup.exe, and with the registry's CU only"
IMAGES="$TMP/a.img $TMP/b.img"

run scan "$TMP/a.img" --lang de --max-size 1048576 --out "$TMP/de"
[ "$RC" -eq 1 ]; ok $? "scan --lang de finishes with findings (exit $RC)"
run scan "$TMP/a.img" --lang en --max-size 1048576 --out "$TMP/en"
[ "$RC" -eq 1 ]; ok $? "scan --lang en finishes with findings (exit $RC)"
run scan "$TMP/b.img" --lang de --max-size 1048576 --out "$TMP/deb"
[ "$RC" -eq 1 ]; ok $? "scan --lang de of the host without ExSetup.exe (exit $RC)"
R="$TMP/de/report.txt"

grep -q '^  ProxyLogon | behoben | .*| Build 15\.1\.2176\.9 ist gleich oder höher als der behebende Build von CU19, 15\.1\.2176\.9 |' "$R" &&
    grep -q '^  ProxyShell | verwundbar | .*| Build 15\.1\.2176\.9 liegt unter dem behebenden Build von CU19, 15\.1\.2176\.14 |' "$R" &&
    grep -q 'CU19 hat die Korrektur für ProxyNotShell nie erhalten' "$R"
ok $? "family verdict reasons in German: fixed, vulnerable, fix never shipped"
grep -q '^  ProxyShell | unbekannt | .*ExSetup.exe nicht lesbar; die Registrierung nennt nur CU CU19' "$TMP/deb/report.txt"
ok $? "an unknown verdict (registry CU only) gives its reason in German"
grep -q 'Supportstatus: *ohne Support: Exchange Server 2016 CU19: ohne Support seit 2025-10-14' "$R" &&
    grep -q '| gleich oder höher als 15\.1\.2176\.9 (CU19 Mar21SU)' "$R"
ok $? "support state and CVE reasons in German"
grep -q '^  - Protokollabdeckung: gefährdet durch ProxyLogon von ' "$R" &&
    grep -q '^  - kein Exchange-Protokollordner C:\\Program Files' "$R" &&
    grep -q 'Partition 2 (unbekannt): nicht untersucht: Bibliotheksmeldung: ' "$R" &&
    grep -q 'Partition 3 (BitLocker): nicht untersucht' "$R"
ok $? "run notes in German: coverage gap, missing log folder, partitions not examined"
grep -q 'Application.evtx | .*| Bibliotheksmeldung: not readable as an evtx file: libevtx' "$R" &&
    grep -q 'big.aspx | .*| Bibliotheksmeldung: 3145728 bytes, above the limit' "$R" &&
    grep -q '^Text nach „Bibliotheksmeldung:“ ist der Wortlaut einer Bibliothek' "$R"
ok $? "libevtx's own words stay, framed as Bibliotheksmeldung and explained by the legend"
! grep -q 'Bibliotheksmeldung\|library message' "$TMP/en/report.txt"
ok $? "the English report has no frame and no legend"

# Every English sentence piece of the message catalogs: none may be left
# in what the report says itself.
PYTHONPATH="$TOP/tests/lib" python3 - "$TOP"/po/de/notes.po "$TOP"/po/de/verdicts.po -- \
    "$R" "$TMP/de/report.html" "$TMP/deb/report.txt" <<'PY' >"$TMP/english"
import html, re, sys
from catalog import english_pieces
args = sys.argv[1:]
pos, reports = args[:args.index("--")], args[args.index("--") + 1:]
# Two words and more that the German text does not share.
pieces = english_pieces(pos, 2, 10)
# Findings and the timeline quote what the evidence and the rules say
# (rule descriptions, log lines, finding details): not catalog text.
QUOTED = ("Befunde nach Schweregrad", "Zeitleiste")
def own_text(path):
    t = open(path, encoding="utf-8").read()
    if path.endswith(".html"):
        parts = re.split(r"(?=<h2>)", t)
        t = " ".join(p for p in parts if not p.startswith(
            tuple("<h2>" + q for q in QUOTED)))
        return html.unescape(re.sub(r"<[^>]*>", " ", t))
    keep, out, lines = True, [], t.split("\n")
    for i, line in enumerate(lines):
        if i + 1 < len(lines) and re.fullmatch(r"-{3,}", lines[i + 1]):
            keep = line not in QUOTED
        if keep:
            out.append(line)
    return "\n".join(out)
texts = [re.sub(r"\s+", " ", own_text(r)) for r in reports]
print("# %d pieces checked" % len(pieces))
for p in sorted(pieces):
    if any(p in t for t in texts):
        print(p)
PY
sed -n 1p "$TMP/english"
[ "$(grep -vc '^#' "$TMP/english")" -eq 0 ] && [ -s "$TMP/english" ]
ok $? "no English sentence of notes.po or verdicts.po in the German reports ($(grep -vc '^#' "$TMP/english") found)"
grep -v '^#' "$TMP/english" | sed 's/^/# /' | head -n 20

# Machine-readable output does not change with --lang: the same bytes once
# the run's own clock, command line and file descriptors are set aside.
norm() {
	sed -e 's/20[0-9][0-9]-[0-9-]*T[0-9:.]*Z/TIME/g' \
	    -e 's#/proc/self/fd/[0-9]*#FD#g' \
	    -e "s#$TMP/de\\b#OUT#g; s#$TMP/en\\b#OUT#g" \
	    -e 's/--lang de/--lang XX/g; s/--lang en/--lang XX/g' "$1"
}
for f in findings.jsonl acquisition.json; do
	norm "$TMP/de/$f" >"$TMP/de.$f" && norm "$TMP/en/$f" >"$TMP/en.$f" &&
	    cmp -s "$TMP/de.$f" "$TMP/en.$f"
	ok $? "$f the same for --lang de and --lang en"
done
grep -q '"run_notes":\[[^]]*no Exchange log folder' "$TMP/de/acquisition.json" &&
    grep -q 'build 15.1.2176.9 is below CU19 fixing build 15.1.2176.14' "$TMP/de/acquisition.json" "$TMP/de/findings.jsonl"
ok $? "JSON of the German run keeps the English run notes and reasons"
report_unchanged
done_testing
