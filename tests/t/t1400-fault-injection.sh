#!/bin/sh
# Fault injection on the release binary (LD_PRELOAD of faultinject.so):
# the Nth allocation of exhume's own code fails, or reads of the image fail
# with EIO at chosen offsets.  Every run ends with a clear status, a listed
# skip or a clean error: never a signal, never a clean result after a failed
# read, never a bundle that does not verify.
. "$TOP/tests/lib/tap.sh"
REL=${EXHUME_REL:-$TOP/build/rel/exhume}
SO=$TOOLS/faultinject.so
if [ ! -x "$REL" ] || [ ! -f "$SO" ]; then
	skip "needs build/rel/exhume and build/tools/faultinject.so (make all tools)"
	done_testing
	exit 0
fi
EXHUME=$REL	# run() from tap.sh: the shim does not go into ASan binaries

# The fixture: exchange-basic plus a web shell large enough to live in its
# own clusters and an IIS log of several clusters with web-shell requests.
# clean.spec: the benign files and a benign log, so a scan of it is exit 0.
python3 - "$TMP" <<'PY'
import sys
d = sys.argv[1]
shell = ('<script language="JScript" runat="server">function Page_Load()'
         '{eval(Request["faultinject"],"unsafe");}</script>\r\n'
         '<!-- ' + 'x' * 200 + ' -->\r\n')
open(d + '/shell.txt', 'w', newline='').write(shell)
hdr = ('#Software: Microsoft Internet Information Services 10.0\r\n'
       '#Version: 1.0\r\n#Date: 2021-03-03 06:00:00\r\n'
       '#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port '
       'cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus '
       'sc-win32-status time-taken\r\n')
def log(name, dirty):
    out = [hdr]
    for i in range(600):
        m, uri = 'GET', '/owa/auth/logon.aspx'
        if dirty and i % 50 == 0:
            m, uri = 'POST', '/aspnet_client/system_web/4_0_30319/supp0rt.aspx'
        if i == 400:
            uri = '/owa/auth/15.2.1544/themes/resources/FAULTMARK.png'
        out.append('2021-03-03 06:%02d:%02d 10.0.0.5 %s %s - 443 - 10.9.9.9 '
                   'Mozilla/5.0 - 200 0 0 %d\r\n' % (i // 60, i % 60, m, uri, i))
    open(d + '/' + name, 'w', newline='').write(''.join(out))
log('dirty.log', True)
log('clean.log', False)
PY
L='\inetpub\logs\LogFiles\W3SVC1'
S='\inetpub\wwwroot\aspnet_client\system_web\4_0_30319\errorEE.aspx'
{
	cat "$TOP/tests/fixtures/exchange-basic.spec"
	printf 'file %s size=16K fill=from:shell.txt\n' "$S"
	printf 'mkdir %s\nfile %s\\u_ex210303.log from:dirty.log\n' "$L" "$L"
} >"$TMP/fi.spec"
{
	printf 'disk gpt size=96M\npart ntfs start=2048 size=64M label=SYSTEM\n'
	printf '%s\n' 'file \Windows\System32\config\SYSTEM size=64K fill=random:7'
	printf '%s\n' 'file \inetpub\wwwroot\iisstart.htm text:<html>IIS</html>\r\n'
	printf 'mkdir %s\nfile %s\\u_ex210303.log from:clean.log\n' "$L" "$L"
} >"$TMP/clean.spec"
mkimage "$TMP/fi.spec" "$TMP/fi.img" || ok 1 "fixture fi builds"
mkimage "$TMP/clean.spec" "$TMP/clean.img" || ok 1 "fixture clean builds"
IMG=$(realpath "$TMP/fi.img")
CLEAN=$(realpath "$TMP/clean.img")
IMAGES="$IMG $CLEAN"

# off IMAGE WHAT: byte offset in IMAGE of the boot sector, of MFT record N
# ("mft:N", from the boot sector's $MFT cluster), or of the first copy of
# a byte string.
off() {
	python3 - "$1" "$2" <<'PY'
import mmap, struct, sys
f = open(sys.argv[1], 'rb')
m = mmap.mmap(f.fileno(), 0, access=mmap.ACCESS_READ)
what, part = sys.argv[2], 2048 * 512
if what == 'boot':
    print(part)
elif what.startswith('mft:'):
    bps, = struct.unpack_from('<H', m, part + 0x0b)
    cs = bps * m[part + 0x0d]
    lcn, = struct.unpack_from('<Q', m, part + 0x30)
    c, = struct.unpack_from('<b', m, part + 0x40)
    rsz = 1 << -c if c < 0 else c * cs
    o = part + lcn * cs + int(what[4:]) * rsz
    assert m[o:o + 4] == b'FILE'
    print(o)
else:
    o = m.find(what.encode())
    assert o >= 0, what
    print(o)
PY
}

# inject VAR=VALUE -- ARGS: like run(), with the shim preloaded and VAR set.
# The images are hashed once at the start and once at the end (hashing
# around each of some 200 runs would take longer than the runs).
inject() {
	inject_var=$1
	shift 2
	timeout -k 5 120 env LD_PRELOAD="$SO" "$inject_var" "$REL" "$@" \
	    >"$TMP/out" 2>"$TMP/err"
	RC=$?
	INJECTED=$((INJECTED + 1))
}
INJECTED=0
BEFORE=$(hash_images)

# ---- read errors -----------------------------------------------------------
rec() {		# rec NAME: the MFT record of NAME in files --jsonl output
	grep -F "$1\"" "$TMP/files.jsonl" | head -1 |
	    sed 's/.*"mft":\([0-9]*\).*/\1/'
}
run files "$IMG" --jsonl --hash
cp "$TMP/out" "$TMP/files.jsonl"
[ "$RC" -eq 3 ]; ok $? "unfailed: files exits 3 (the EFS file is listed unreadable)"
SHREC=$(rec 'supp0rt.aspx')
LOGREC=$(rec 'u_ex210303.log')

O_BOOT=$(off "$IMG" boot)
O_REC=$(off "$IMG" "mft:$SHREC")
O_SHELL=$(off "$IMG" 'Request["faultinject"]')
O_LOG=$(off "$IMG" FAULTMARK)
O_CLOG=$(off "$CLEAN" FAULTMARK)
diag "boot $O_BOOT, record $SHREC at $O_REC, errorEE.aspx data $O_SHELL, log data $O_LOG (record $LOGREC)"

for cmd in files scan bundle; do
	case $cmd in
	files) set -- files "$IMG" --jsonl --hash ;;
	scan) rm -rf "$TMP/rb"; set -- scan "$IMG" --out "$TMP/rb" ;;
	bundle) set -- scan "$IMG" --bundle "$TMP/rb.zip" ;;
	esac
	rm -f "$TMP/rb.zip" "$TMP/rb.zip.sha256"
	inject EXHUME_FAIL_READ="$IMG:$O_BOOT:512" -- "$@"
	{ [ "$RC" -eq 2 ] || [ "$RC" -eq 3 ]; } &&
	    grep -q 'cannot open the NTFS volume: Input/output error' "$TMP/err"
	ok $? "$cmd: EIO on the boot sector: exit 2 or 3 naming the I/O error (got $RC)"
	[ ! -e "$TMP/rb.zip" ]; ok $? "$cmd: and no bundle claims the volume was collected"
done

inject EXHUME_FAIL_READ="$IMG:$O_REC:1024" -- files "$IMG" --jsonl --hash
[ "$RC" -eq 3 ]; ok $? "files: EIO inside \$MFT (the web shell's record): exit 3 (got $RC)"
grep -q "supp0rt.aspx: MFT record $SHREC cannot be read: Input/output error" "$TMP/err"
ok $? "files: the web shell is named with its MFT record and the read error"
grep -q "copy.aspx: MFT record $SHREC cannot be read" "$TMP/err"
ok $? "files: so is its second name"

rm -rf "$TMP/rm"
inject EXHUME_FAIL_READ="$IMG:$O_REC:1024" -- scan "$IMG" --out "$TMP/rm"
[ "$RC" -eq 1 ]; ok $? "scan: EIO in the web shell's record: exit 1 (the other shells are findings)"
grep -q "^skipped corrupt .*supp0rt.aspx .*MFT record $SHREC cannot be read: Input/output error" \
    "$TMP/rm/summary.txt"
ok $? "scan: summary.txt lists the web shell as skipped with the read error"
grep -q '"unreadable":[1-9]' "$TMP/rm/acquisition.json"
ok $? "scan: acquisition.json counts unreadable streams"

rm -f "$TMP/rm.zip" "$TMP/rm.zip.sha256"
inject EXHUME_FAIL_READ="$IMG:$O_REC:1024" -- scan "$IMG" --bundle "$TMP/rm.zip"
[ "$RC" -eq 1 ] && grep -q 'incomplete' "$TMP/err"
ok $? "scan --bundle: EIO in the web shell's record: exit 1, the bundle says what is incomplete"
run verify "$TMP/rm.zip"
ok $RC "scan --bundle: that bundle still verifies"

inject EXHUME_FAIL_READ="$IMG:$O_SHELL:512" -- files "$IMG" --jsonl --hash
[ "$RC" -eq 3 ]; ok $? "files: EIO in errorEE.aspx's clusters: exit 3"
grep 'errorEE.aspx' "$TMP/out" | grep -q '"status":"unreadable".*Input/output error'
ok $? "files: errorEE.aspx is listed unreadable with the read error"
grep 'errorEE.aspx' "$TMP/out" | grep -q '"sha256"'
[ $? -ne 0 ]; ok $? "files: and no hash is given for it"

rm -rf "$TMP/rs"
inject EXHUME_FAIL_READ="$IMG:$O_SHELL:512" -- scan "$IMG" --out "$TMP/rs"
[ "$RC" -eq 1 ]; ok $? "scan: EIO in errorEE.aspx's clusters: exit 1 (findings)"
grep -q '^skipped unreadable .*errorEE.aspx .*Input/output error' "$TMP/rs/summary.txt"
ok $? "scan: summary.txt lists errorEE.aspx as unreadable with the read error"

rm -f "$TMP/rs.zip" "$TMP/rs.zip.sha256"
inject EXHUME_FAIL_READ="$IMG:$O_SHELL:512" -- scan "$IMG" --bundle "$TMP/rs.zip"
[ "$RC" -eq 1 ] && grep -q '[1-9][0-9]* incomplete' "$TMP/err"
ok $? "scan --bundle: EIO in errorEE.aspx: the bundle counts an incomplete stream"
run verify "$TMP/rs.zip"
ok $RC "scan --bundle: that bundle verifies"
unzip -p "$TMP/rs.zip" manifest.jsonl | grep 'errorEE.aspx' |
    grep -q 'Input/output error'
ok $? "scan --bundle: its manifest names errorEE.aspx with the read error"

rm -rf "$TMP/rl"
inject EXHUME_FAIL_READ="$IMG:$O_LOG:512" -- scan "$IMG" --out "$TMP/rl"
[ "$RC" -eq 1 ]; ok $? "scan: EIO in the IIS log's clusters: exit 1 (findings)"
grep -q '^skipped unreadable .*u_ex210303.log .*Input/output error' "$TMP/rl/summary.txt"
ok $? "scan: the log is listed unreadable with the read error"

run scan "$CLEAN" --out "$TMP/c0"
[ "$RC" -eq 0 ]; ok $? "unfailed: a scan of the benign volume is clean (exit 0, got $RC)"
rm -rf "$TMP/c1"
inject EXHUME_FAIL_READ="$CLEAN:$O_CLOG:512" -- scan "$CLEAN" --out "$TMP/c1"
[ "$RC" -eq 3 ]; ok $? "scan: EIO in the benign log: exit 3, never clean (got $RC)"
grep -q '^skipped unreadable .*u_ex210303.log .*Input/output error' "$TMP/c1/summary.txt"
ok $? "scan: the benign log is listed unreadable with the read error"
rm -f "$TMP/c1.zip" "$TMP/c1.zip.sha256"
inject EXHUME_FAIL_READ="$CLEAN:$O_CLOG:512" -- scan "$CLEAN" --bundle "$TMP/c1.zip"
[ "$RC" -eq 3 ]; ok $? "scan --bundle: EIO in the benign log: exit 3 (got $RC)"
run verify "$TMP/c1.zip"
ok $RC "scan --bundle: that bundle verifies"

# ---- allocation failures ---------------------------------------------------
# For each command: learn the number C of allocations exhume's own code
# makes, then fail allocation N for all N <= 30 and a geometric spread up
# to C.  The outcome is compared with the unfailed run's: the same status
# and output (the allocation was not needed, or it failed and was retried),
# or a status in 1..3 with stderr naming the problem; never a signal, never
# a bundle that does not verify, never a partial file left behind.
CRASHED=
SILENT=
BADBUNDLE=
LEFTOVER=
EMPTY=
GAP=
NONAME=
MISNAMED=
NTRIED=0

# outcome CMD: what a run produced, for comparison with the unfailed run
# (documents in the bundle carry the run's times: their manifest lines are
# left out)
outcome() {
	case $1 in
	files) cat "$TMP/out" ;;
	scan) cat "$TMP/a/findings.jsonl" "$TMP/a/summary.txt" \
	    "$TMP/a/timeline.csv" 2>/dev/null ;;
	bundle) unzip -p "$TMP/a.zip" findings.jsonl manifest.jsonl \
	    summary.txt 2>/dev/null | grep -v '"reason":"document"' ;;
	esac
}

alloc_run() {	# alloc_run CMD [VAR=VALUE]
	rm -rf "$TMP/a" "$TMP/a.zip" "$TMP/a.zip.sha256" "$TMP"/a.zip.partial-*
	case $1 in
	files) inject $2 -- files "$IMG" --jsonl --hash ;;
	scan) inject $2 -- scan "$IMG" --out "$TMP/a" ;;
	bundle) inject $2 -- scan "$IMG" --bundle "$TMP/a.zip" ;;
	esac
}

# Regression (src/cli/common.c cli_open_triage): a failed allocation while
# the triage handle is created destroyed an uninitialised pointer (SIGSEGV).
bad=
for n in 1 2 3 4 5 6; do
	alloc_run files EXHUME_FAIL_ALLOC=$n
	{ [ "$RC" -eq 2 ] && grep -q 'out of memory' "$TMP/err"; } ||
	    bad="$bad #$n:$RC"
done
[ -z "$bad" ]
ok $? "files: each of the first allocations failing ends in exit 2 naming out of memory$bad"

for cmd in files scan bundle; do
	alloc_run $cmd EXHUME_FAIL_ALLOC_COUNT=1
	C=$(sed -n 's/^faultinject: allocations: //p' "$TMP/err")
	CLEAN_RC=$RC
	outcome $cmd >"$TMP/clean.$cmd"
	[ $cmd = bundle ] && unzip -p "$TMP/a.zip" findings.jsonl >"$TMP/clean.findings"
	[ -n "$C" ] && [ "$C" -gt 30 ]
	ok $? "$cmd: the shim counts exhume's own allocations (C=$C, exit $RC)"
	[ -n "$C" ] || continue
	ns=$(awk -v c="$C" 'BEGIN {
		for (n = 1; n <= 30 && n <= c; n++) print n
		k = 35; r = exp(log(c / 30) / k)
		x = 30
		for (i = 1; i <= k; i++) { x *= r; print int(x + 0.5) }
		print c }' | sort -n | uniq)
	for n in $ns; do
		NTRIED=$((NTRIED + 1))
		alloc_run $cmd EXHUME_FAIL_ALLOC=$n
		what="$cmd alloc #$n: exit $RC"
		# Regression (src/rules/yara.c yara_compact): a failed write
		# while compacting a YARA rule subset left libyara's arena
		# half-converted; scanning with it crashed in libyara, whose
		# SIGSEGV handler then spun for ever (exit 124 here: timeout).
		if [ "$RC" -ge 124 ] || [ "$RC" -gt 3 ]; then
			CRASHED="$CRASHED
	$what"
			continue
		fi
		# Regression (src/volume/walk.c): an allocation failing at the
		# walk's start returned ENOMEM with no message ("exhume: ");
		# (src/cli/common.c cli_put_term) a message whose escaping
		# failed for lack of memory was dropped.
		grep -qE '^exhume: ?$' "$TMP/err" && EMPTY="$EMPTY
	$what"
		# Regression (src/cli/cmd_files.c put_json_str, body_line): a
		# name that could not be escaped was written as "" in silence.
		# Regression (src/volume/owner.c volume_owner): a descriptor
		# that could not be read for lack of memory gave owner "" in
		# silence, and was remembered as unreadable.
		[ $cmd = files ] && grep -qE '"(path|owner_sid)":""' "$TMP/out" &&
		    ! grep -q 'out of memory' "$TMP/err" && NONAME="$NONAME
	$what"
		# Regression (src/events/rules.c): out of memory while loading
		# rules/events/*.tsv was reported as a bad line of the file.
		grep -qE 'tsv:[0-9]+: bad ' "$TMP/err" && MISNAMED="$MISNAMED
	$what: $(grep -E 'tsv:[0-9]+: bad ' "$TMP/err")"
		outcome $cmd >"$TMP/got"
		if [ "$RC" -eq "$CLEAN_RC" ] && cmp -s "$TMP/got" "$TMP/clean.$cmd"; then
			:	# not needed, or handled without loss
		elif ! cat "$TMP/err" "$TMP/out" "$TMP/got" |
		    grep -qiE 'out.of.memory|cannot allocate'; then
			if [ $cmd = bundle ] && unzip -p "$TMP/a.zip" \
			    findings.jsonl | cmp -s - "$TMP/clean.findings"; then
				# same findings, fewer entries collected
				GAP="$GAP
	$what"
				continue
			fi
			SILENT="$SILENT
	$what: $(tail -1 "$TMP/err")"
			cp "$TMP/err" "$TMP/silent.$cmd.$n.err"
			cp "$TMP/got" "$TMP/silent.$cmd.$n.got"
		elif [ "$RC" -eq 0 ]; then
			SILENT="$SILENT
	$what: exit 0 with a changed result"
		fi
		if [ $cmd = bundle ] && [ -e "$TMP/a.zip" ]; then
			"$REL" verify "$TMP/a.zip" >/dev/null 2>&1
			[ $? -eq 0 ] || BADBUNDLE="$BADBUNDLE
	$what: verify exit $RC"
		fi
		ls "$TMP"/a.zip.partial-* >/dev/null 2>&1 &&
		    LEFTOVER="$LEFTOVER
	$what"
	done
done
diag "$NTRIED runs with one failed allocation"
[ -z "$CRASHED" ]; ok $? "no failed allocation ends in a signal or an unknown status$CRASHED"
[ -z "$SILENT" ]
ok $? "every failed allocation that changes the result says so (out of memory)$SILENT"
[ -z "$NONAME" ]
ok $? "files: no entry is written with an empty path or owner unless out of memory is reported$NONAME"
[ -z "$MISNAMED" ]
ok $? "no failed allocation is reported as a bad line of a rules file$MISNAMED"
[ -z "$EMPTY" ]; ok $? "no failed allocation gives an empty error message$EMPTY"
# Collection goes by (volume, MFT record, stream): a stream whose read
# fails for lack of memory is listed as left out, never missing in silence.
[ -z "$GAP" ]; ok $? "bundle: no flagged stream goes missing without being listed$GAP"
[ -z "$BADBUNDLE" ]; ok $? "every bundle left behind verifies$BADBUNDLE"
[ -z "$LEFTOVER" ]; ok $? "no partial bundle file is left behind$LEFTOVER"

[ "$(hash_images)" = "$BEFORE" ]
ok $? "both images byte-identical after $INJECTED runs with injected faults"
report_unchanged
done_testing
