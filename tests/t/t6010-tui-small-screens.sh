#!/bin/sh
# The menu UI on the screens a responder meets: 80x24 (a serial console,
# TERM=vt100, LANG=C), 80x25 (TERM=linux, German) and 80x24 xterm.  The
# key help stays on the last row, L switches the language even under
# LANG=C, Enter leaves text screens, a finding's SHA-256 shows whole, the
# list names each log finding's check, the timeline keeps extensions,
# German labels are not cut, the space line states its margin, and after
# an encrypted bundle Verify offers the .p7m that exists.  (t6000 covers
# the whole flow at 80x25 and the cancel question.)
. "$TOP/tests/lib/tap.sh"

command -v tmux >/dev/null 2>&1 || { skip "tmux not installed"; done_testing; exit; }
command -v openssl >/dev/null 2>&1 || { skip "openssl not installed"; done_testing; exit; }
BIN=${EXHUME_TUI:-$EXHUME}
TM="tmux -L exhume-t6010-$$ -f /dev/null"
trap '$TM kill-server 2>/dev/null; rm -rf "$TMP"' EXIT
printf 'leak:libnewt.so\n' >"$TMP/lsan.supp"
export LSAN_OPTIONS="suppressions=$TMP/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"

# exchange-basic (web shells) with the IIS log of mklogs (web-shell use).
mkdir -p "$TMP/fx"
"$TOOLS/mklogs" "$TMP/logs" >/dev/null &&
cp "$TMP/logs/inetpub/logs/LogFiles/W3SVC1/u_ex210303.log" "$TMP/fx/" &&
{
	cat "$TOP/tests/fixtures/exchange-basic.spec"
	echo 'file \inetpub\logs\LogFiles\W3SVC1\u_ex210303.log from:u_ex210303.log'
} >"$TMP/fx/ex.spec" && mkimage "$TMP/fx/ex.spec" "$TMP/ex.img"
ok $? "Exchange-shaped image with an IIS log builds"
IMAGES="$TMP/ex.img"
before=$(hash_images)
openssl req -x509 -newkey rsa:2048 -nodes -subj /CN=t6010 -days 2 \
    -keyout "$TMP/key.pem" -out "$TMP/cert.pem" >/dev/null 2>&1
ok $? "a certificate to encrypt for"

# start NAME ROWS TERM LANG: the UI in a fresh 80xROWS terminal.
start() {
	mkdir -p "$TMP/ev-$1"
	ROWS=$2
	new_ui "$2" "env TERM=$3 LANG=$4 LC_ALL= \
	    LANGUAGE= EXHUME_EVIDENCE_DIR=$TMP/ev-$1 HOME=$TMP \
	    sh -c '\"$BIN\" tui \"$TMP/ex.img\" 2>\"$TMP/$1.stderr\"; \
	    echo UI-EXIT \$?; exec sleep 600'"
}
. "$TOP/tests/lib/tmux.sh"
last_row() { screen | sed -n "${ROWS}p"; }
# seen REGEX: whether it shows within a second; quiet.
seen() {
	n=10
	while [ $n -gt 0 ]; do
		screen | grep -Eq -- "$1" && return 0
		sleep 0.1
		n=$((n - 1))
	done
	return 1
}
back_to() {	# TITLE: Esc until it shows
	keys Escape
	wait_for "$1" 10 || { keys Escape; wait_for "$1" 10; }
}
# down_to TEXT: moves the list cursor from F0001 to the line with TEXT.
down_to() {
	first=$(screen | grep -n 'F0001' | head -n 1 | cut -d: -f1)
	line=$(screen | grep -n -- "$1" | head -n 1 | cut -d: -f1)
	i=$first
	while [ "$i" -lt "$line" ]; do keys Down; i=$((i + 1)); done
}

# ---- 80x24, vt100, LANG=C: a serial console ---------------------------
start c24 24 vt100 C
wait_for Continue
last_row | grep -q 'Q: quit'; ok $? "80x24 vt100: the key help is on the last row"
keys l
wait_for Weiter 10 && last_row | grep -q 'Q: beenden'
ok $? "80x24 LANG=C: L switches to German (catalog, not the locale)"
keys l
wait_for Continue 10; ok $? "80x24 LANG=C: L switches back to English"
keys Enter
wait_for "Aware since:" && screen | grep -q 'Measures taken:' &&
    screen | grep -q 'Data concerned:'
ok $? "80x24: the case form asks for the GDPR Art. 33(3) facts"
keys CASE-24 Tab Tab Tab Tab "2026-12-07 14:30 UTC" Tab "isolated" Tab "mail" F10
wait_for "Main menu" && last_row | grep -q 'Q: quit'
ok $? "80x24: the main menu keeps its key help on the last row"
keys 4
wait_for YARA && keys s
wait_for "Scan complete" 120 && keys Enter
wait_for "Exchange status" && keys Enter
wait_for "Main menu" 10; ok $? "80x24: Enter leaves the Exchange status text screen"
keys 6
wait_for "supp0rt.aspx"
screen | grep 'u_ex210303.log' | grep -q 'iis/' &&
    [ "$(screen | grep -Ec '[│x] F0.*(…|\.\.\.).*u_ex210303.log')" -eq 0 ]
ok $? "80x24: a log finding's line names its check, then the log"
down_to 'supp0rt.aspx'
keys Enter
wait_for "Path:" && screen | grep -Eq '^ *[│x] +[0-9a-f]{64} +[│x]'
ok $? "80x24: the SHA-256 in the details has all 64 hex digits on one line"
keys Enter
wait_for "L: level" 10; ok $? "80x24: Enter leaves the finding's details"
back_to "Main menu"
keys 7
# The file times come after the 2021 log lines: page down to them.
wait_for "Timeline"
found=1
for page in 1 2 3 4 5 6; do
	seen 'supp0rt\.aspx *[│x]' && { found=0; break; }
	keys PageDown
done
[ $found -eq 0 ]; ok $? "80x24: the timeline shows supp0rt.aspx with its extension"
keys Enter
wait_for "Main menu" 10
keys 8
wait_for "working margin" && screen | grep -q 'it needs'
ok $? "80x24: the space line says the bundle size, the margin and what it needs"
keys Tab Tab Tab Tab "$TMP/cert.pem" F10
wait_for "SHA-256 of the encrypted" 120; ok $? "80x24: a bundle encrypted for the certificate is written"
keys Enter
wait_for "Main menu" 10
keys 9
wait_for "Bundle file:" && screen | grep -q '\.zip\.p7m'
ok $? "80x24: after an encrypted bundle Verify offers the .zip.p7m that exists"
keys F10
wait_for "decrypt it first" 60; ok $? "80x24: verifying it says how to decrypt it"
keys Enter
wait_for "Main menu" 10 && keys q
wait_for "Leave exhume" && keys Enter
wait_for "UI-EXIT 0"; ok $? "80x24: quits with status 0"

# ---- 80x25, linux console, German -------------------------------------
start d25 25 linux C.UTF-8
wait_for Continue
last_row | grep -q 'Q: quit'; ok $? "80x25 linux: the key help is on the last row"
keys l
wait_for Weiter && keys Enter
wait_for "Bekannt seit:" && screen | grep -q 'Ergriffene Maßnahmen: ' &&
    screen | grep -q 'Betroffene Daten: '
ok $? "80x25 de: the case form's labels are whole"
keys F10
wait_for "Hauptmenü" && keys 4
wait_for YARA && keys s
wait_for "Scan abgeschlossen" 120 && keys Enter
wait_for "Exchange-Status" && keys Enter
wait_for "Hauptmenü" 10
keys 8
wait_for "Passwort wiederholen: "; ok $? "80x25 de: \"Passwort wiederholen:\" is not cut"
screen | grep -q 'Arbeitsreserve'; ok $? "80x25 de: the space line is German"
keys F10
wait_for "Dokumente" 120 && joined | grep -Eq ', [0-9]+ ?Dokumente'
ok $? "80x25 de: the written screen says how many Dokumente, whole (wrapped, not cut)"
keys Enter
wait_for "Hauptmenü" 10 && keys q
wait_for "verlassen" && keys Enter
wait_for "UI-EXIT 0"; ok $? "80x25 de: quits with status 0"

# ---- 80x24, xterm -----------------------------------------------------
start x24 24 xterm C.UTF-8
wait_for Continue
last_row | grep -q 'Q: quit'; ok $? "80x24 xterm: the key help is on the last row"
keys Enter
wait_for "Case number:" && keys F10
wait_for "Main menu" && last_row | grep -q 'Q: quit'
ok $? "80x24 xterm: the main menu keeps its key help"
keys q
wait_for "Leave exhume" && keys Enter
wait_for "UI-EXIT 0"; ok $? "80x24 xterm: quits with status 0"

[ "$before" = "$(hash_images)" ]; ok $? "the source image is byte-identical after all UI runs"
for f in "$TMP"/*.stderr; do
	[ -s "$f" ] && { diag "$f:"; sed 's/^/# /' "$f"; }
done
done_testing
