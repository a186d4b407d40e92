#!/bin/sh
# The menu UI driven the way a responder drives it, through a terminal
# (tmux, 80x25, TERM=vt100): case form, volume, scan, Exchange status, a
# finding with its rule and path, the bundle with its SHA-256 on screen,
# verify, in English and in German; a cancelled scan is marked partial; a
# hostile file name never reaches the terminal raw nor breaks the frame.
# Every step waits for text on the screen, never for time.
. "$TOP/tests/lib/tap.sh"

command -v tmux >/dev/null 2>&1 || { skip "tmux not installed"; done_testing; exit; }
BIN=${EXHUME_TUI:-$EXHUME}
TM="tmux -L exhume-t6000-$$ -f /dev/null"
trap '$TM kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
# libnewt does not free a form's watched-descriptor list and one internal
# block; those are its leaks, not ours.
printf 'leak:libnewt.so\n' >"$TMP/lsan.supp"
export LSAN_OPTIONS="suppressions=$TMP/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

# ---- images ---------------------------------------------------------
E15='\Program%u0020Files\Microsoft\Exchange%u0020Server\V15'
host_files e2016-cu19-mar21 "$TMP/host" || ok 1 "host files build"
# exchange-basic with the hives of an Exchange 2016 CU19 host.
exchange_spec() {
	grep -v 'config\\SYSTEM ' "$TOP/tests/fixtures/exchange-basic.spec"
	printf '%s\n' 'file \Windows\System32\config\SYSTEM from:SYSTEM' \
	    'file \Windows\System32\config\SOFTWARE from:SOFTWARE' \
	    'file \Windows\System32\inetsrv\config\applicationHost.config from:applicationHost.config'
	printf 'file %s\\Bin\\ExSetup.exe from:ExSetup.exe\n' "$E15"
}
exchange_spec >"$TMP/host/ex.spec"
mkimage "$TMP/host/ex.spec" "$TMP/ex.img"; ok $? "Exchange-shaped image builds"
# The same with a web shell whose name holds ESC sequences, a right-to-left
# override and 200 more characters.
long=$(printf 'A%.0s' $(seq 1 200))
{
	exchange_spec
	printf 'file \\inetpub\\wwwroot\\aspnet_client\\evil%%u001B[2J%%u001B]0;owned%%u0007%%u202Expsa%s.aspx text:<script language="JScript" runat="server">function Page_Load(){eval(Request["x"],"unsafe");}</script>\\r\\n\n' "$long"
} >"$TMP/host/hostile.spec"
mkimage "$TMP/host/hostile.spec" "$TMP/hostile.img"; ok $? "image with a hostile file name builds"
# Many files, for a full scan to cancel.
{
	echo "disk gpt size=300M"
	echo "part ntfs start=2048 size=256M label=DATA"
	for i in $(seq 1 2000); do
		printf 'file \\data\\d%d\\f%d.bin size=64K fill=random:%d\n' \
		    $((i % 10)) "$i" "$i"
	done
} >"$TMP/big.spec"
mkimage "$TMP/big.spec" "$TMP/big.img"; ok $? "image with 2000 files builds"
IMAGES="$TMP/ex.img $TMP/hostile.img $TMP/big.img"
before=$(hash_images)

# ---- driving the terminal --------------------------------------------
# start NAME LANGUAGE-ENV IMAGE: the UI in a fresh 80x25 terminal; the
# wrapper notes whether the terminal settings survive and the exit status.
start() {
	mkdir -p "$TMP/ev-$1"
	new_ui 25 "env TERM=vt100 LANG=C.UTF-8 \
	    LANGUAGE= EXHUME_EVIDENCE_DIR=$TMP/ev-$1 HOME=$TMP \
	    sh -c 'a=\$(stty -g); \"$BIN\" tui \"$2\" 2>\"$TMP/$1.stderr\"; \
	    rc=\$?; [ \"\$a\" = \"\$(stty -g)\" ] && echo TTY-SANE; \
	    echo UI-EXIT \$rc; exec sleep 600'"
}
. "$TOP/tests/lib/tmux.sh"
# Escape is told apart from arrow keys by a pause; wait until it shows.
back_to_menu() {	# MENU-TITLE
	keys Escape
	wait_for "$1" 10 || { keys Escape; wait_for "$1" 10; }
}
# frame_ok: every line of the window has its left and right border.
frame_ok() {
	screen | python3 -c '
import sys
rows = sys.stdin.read().split("\n")
bad = [i for i in range(1, 22) if len(rows[i]) < 79 or
       rows[i][1] not in "\u250c\u2502\u2514" or
       rows[i][78] not in "\u2510\u2502\u2518"]
sys.exit(1 if bad else 0)'
}

# ---- the whole flow, once per language --------------------------------
# flow LANG: the words of that language are in the variables below.
flow() {
	start "$1" "$TMP/ex.img"
	wait_for "$W_CONTINUE" || return 1
	if [ "$1" = de ]; then
		keys l
		wait_for "Weiter" || return 1
	fi
	keys Enter
	wait_for "$W_CASE" && keys "CASE-$1" Tab "EV-7" Tab "J. Doe" F10
	wait_for "$W_MENU"; ok $? "$1: case form saved, main menu shown"
	screen | grep -qF "CASE-$1"; ok $? "$1: the menu shows the case number"

	keys 3
	wait_for "SYSTEM" && screen | grep -F '#1' | grep -qF '[x]'
	ok $? "$1: sources list the NTFS volume SYSTEM, chosen"
	keys d; wait_for "$W_MENU"

	keys 4
	wait_for "YARA"; ok $? "$1: the rule status is shown before the scan"
	keys s
	wait_for "$W_DONE" 300; ok $? "$1: the scan completes"
	keys Enter
	wait_for "EXCH16" 30 && wait_for "15.1.2176.9" 5
	ok $? "$1: Exchange status shows host EXCH16 and build 15.1.2176.9"
	screen | grep -F 'ProxyShell' | grep -qF "$W_VULN"
	ok $? "$1: ProxyShell is shown vulnerable"
	back_to_menu "$W_MENU"

	keys 6
	wait_for "supp0rt.aspx"; ok $? "$1: findings list the planted web shell"
	# Move the cursor to its line, then open it.
	first=$(screen | grep -n 'F0001' | cut -d: -f1)
	line=$(screen | grep -n 'supp0rt.aspx' | head -n 1 | cut -d: -f1)
	i=$first
	while [ "$i" -lt "$line" ]; do keys Down; i=$((i + 1)); done
	keys Enter
	wait_for "$W_PATH" &&
	    joined | grep -qF 'C:\inetpub\wwwroot\aspnet_client\system_web\4_0_30319\supp0rt.aspx'
	ok $? "$1: the finding shows its full path"
	screen | grep -q '\[yara\] [A-Za-z]'
	ok $? "$1: the finding shows the YARA rule that matched"
	back_to_menu "$W_FINDINGS"
	back_to_menu "$W_MENU"

	keys 8
	wait_for "$TMP/ev-$1"; ok $? "$1: the bundle goes to EXHUME_EVIDENCE_DIR by default"
	keys F10
	wait_for "$W_VERIFIED" 300; ok $? "$1: bundle written and verified"
	zip=$(ls "$TMP/ev-$1"/*.zip)
	shown=$(screen | grep -E '^ *│ +([0-9a-f]{4} ){3}[0-9a-f]{4}   ([0-9a-f]{4} ){3}[0-9a-f]{4} ' |
	    tr -d ' │\n')
	[ -n "$shown" ] && [ "$shown" = "$(cut -c1-64 "$zip.sha256")" ]
	ok $? "$1: the SHA-256 on screen is the bundle's"
	(cd "$TMP/ev-$1" && sha256sum -c --quiet "$(basename "$zip").sha256")
	ok $? "$1: sha256sum -c agrees"
	unzip -p "$zip" acquisition.json | grep -q "\"case\":\"CASE-$1\""
	ok $? "$1: the case number is in the bundle's acquisition.json"
	back_to_menu "$W_MENU"

	keys 9
	wait_for "$W_BUNDLE" && keys F10
	wait_for "$W_VERIFIED" 120; ok $? "$1: Verify confirms the bundle"
	back_to_menu "$W_MENU"

	keys q
	wait_for "$W_LEAVE" && keys Enter
	wait_for "UI-EXIT 0"; ok $? "$1: quits with status 0"
	screen | grep -q TTY-SANE; ok $? "$1: the terminal settings are restored"
}

W_CONTINUE=Continue W_CASE="Case number:" W_MENU="Main menu"
W_DONE="Scan complete" W_VULN=VULNERABLE W_PATH="Path:" W_FINDINGS="Findings"
W_VERIFIED="VERIFIED:" W_LEAVE="Leave exhume" W_BUNDLE="Bundle file:"
flow en

W_CONTINUE=Continue W_CASE="Fallnummer:" W_MENU="Hauptmenü"
W_DONE="Scan abgeschlossen" W_VULN=VERWUNDBAR W_PATH="Pfad:" W_FINDINGS="Befunde"
W_VERIFIED="GEPRÜFT:" W_LEAVE="exhume verlassen" W_BUNDLE="Paketdatei:"
flow de

# ---- a cancelled scan ---------------------------------------------------
start cancel "$TMP/big.img"
wait_for Continue && keys Enter
wait_for "Case number:" && keys F10
wait_for "Main menu" && keys 4
# Full scan of 2000 files; cancelled as soon as the progress screen shows.
wait_for "YARA" && keys f s
wait_for "Files:" 120 && keys c
wait_for "Cancel the scan?" 30; ok $? "cancel: c asks before it stops a running scan"
keys Enter
wait_for "PARTIAL" 300; ok $? "cancel: the scan stops and says the results are partial"
keys Enter
wait_for "Exchange status" && screen | grep -qF "PARTIAL RESULTS"
ok $? "cancel: the Exchange status is marked partial"
back_to_menu "Main menu"
screen | grep -qF "Scan: partial"; ok $? "cancel: the menu says the scan is partial"
keys l
wait_for "Hauptmenü" && screen | grep -qF "unvollständig"
ok $? "cancel: in German it is marked unvollständig"
keys 6
wait_for "UNVOLLSTÄNDIGE ERGEBNISSE"; ok $? "cancel: the German findings list is marked partial"
back_to_menu "Hauptmenü"
keys C-c
wait_for "verlassen" && keys Enter
wait_for "UI-EXIT 0"; ok $? "cancel: Ctrl-C asks, then quits with status 0"
screen | grep -q TTY-SANE; ok $? "cancel: the terminal settings are restored"

# ---- a hostile file name --------------------------------------------------
start hostile "$TMP/hostile.img"
wait_for Continue && keys Enter
wait_for "Case number:" && keys F10
wait_for "Main menu" && keys 4
wait_for "YARA" && keys s
wait_for "Scan complete" 300 && keys Enter
wait_for "EXCH16" && back_to_menu "Main menu"
keys 6
wait_for 'AAAAAAAAAA.aspx'; ok $? "hostile: the finding is listed"
frame_ok; ok $? "hostile: the findings list keeps its 80-column frame"
$TM capture-pane -t ui -p -e | sed 's/\x1b\[[0-9;]*m//g' | grep -q "$(printf '\033')"
[ $? -ne 0 ]; ok $? "hostile: no raw ESC reaches the terminal (only colour codes)"
screen | grep -qF "$(printf '\342\200\256')"
[ $? -ne 0 ]; ok $? "hostile: no raw right-to-left override on screen"
first=$(screen | grep -n 'F0001' | cut -d: -f1)
line=$(screen | grep -n 'AAAAAAAAAA.aspx' | head -n 1 | cut -d: -f1)
i=$first
while [ "$i" -lt "$line" ]; do keys Down; i=$((i + 1)); done
keys Enter
wait_for "Path:" && screen | grep -qF '\x1B[2J'
ok $? "hostile: the details show the escape sequence as text"
# Wrapped lines joined again: borders and indentation removed.
joined | grep -qF '\u{202E}xpsa'
ok $? "hostile: the override is shown as its code point"
frame_ok; ok $? "hostile: the details keep the frame (the long name is wrapped)"
keys PageDown
frame_ok; ok $? "hostile: still after scrolling"
back_to_menu "Findings"
back_to_menu "Main menu"
keys 7
wait_for "Timeline"; frame_ok; ok $? "hostile: the timeline keeps the frame"
back_to_menu "Main menu"
# A resize (SIGWINCH) redraws; back at 80x25 the frame is whole again.
$TM resize-window -t ui -x 100 -y 30 && $TM resize-window -t ui -x 80 -y 25
keys Down
wait_for "Main menu" && frame_ok; ok $? "resize: the screen is redrawn whole"
keys q
wait_for "Leave exhume" && keys Enter
wait_for "UI-EXIT 0"; ok $? "hostile: quits with status 0"

[ "$before" = "$(hash_images)" ]; ok $? "every source image byte-identical after all UI runs"
for f in "$TMP"/*.stderr; do
	[ -s "$f" ] && { diag "$f:"; sed 's/^/# /' "$f"; }
done
done_testing
