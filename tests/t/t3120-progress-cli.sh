#!/bin/sh
# exhume scan shows its progress on stderr: a line redrawn in place on a
# terminal, plain lines (every 10 s, and each phase's last state) when
# stderr is a file or a serial console, nothing with --quiet.  Progress
# never reaches stdout or the documents: they are byte-identical with and
# without it.  The bytes counted before the scan are the bytes it read.
. "$TOP/tests/lib/tap.sh"

spec="$TMP/exch.spec"
img="$TMP/exch.img"
cp "$TOP/tests/fixtures/exchange-basic.spec" "$spec"
cat >>"$spec" <<'SPEC'
file \inetpub\logs\LogFiles\W3SVC1\u_ex210303.log text:#Software: Microsoft Internet Information Services 10.0\r\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\r\n2021-03-03 05:00:00 10.0.0.5 GET /owa/auth/x.aspx - 443 - 203.0.113.7 Mozilla/5.0 - 200 0 0 15\r\n
SPEC
mkimage "$spec" "$img" || { ok 1 "build the image"; done_testing; exit 1; }
IMAGES="$img"

# ---- stderr a file: plain lines, one per phase end ----------------------------
run scan "$img" --format jsonl --out "$TMP/plain"
cp "$TMP/out" "$TMP/plain.stdout"
cp "$TMP/err" "$TMP/plain.err"
grep -q '^progress: counting: [1-9][0-9]* files, .* to read$' "$TMP/plain.err"
ok $? "stderr a file: the counting phase ends with its line (files and bytes to read)"
grep -q '^progress: files done: [1-9][0-9]* files, .* read, .* elapsed; [0-9]* alert, [0-9]* warning, [0-9]* notice$' "$TMP/plain.err"
ok $? "stderr a file: the file scan ends with a line with the findings by level"
grep -q '^progress: logs: [1-9][0-9]*/[1-9][0-9]* files, .*, ETA .*alert' "$TMP/plain.err"
ok $? "stderr a file: the log phase ends with its line (files and bytes done of total)"
# The image file's hashing adds a phase of its own only when it outlasts the
# scan (a loaded machine): not counted here.
[ "$(grep '^progress: ' "$TMP/plain.err" |
    grep -vc '^progress: hashing image files: ')" -eq 3 ]
ok $? "stderr a file, a scan shorter than 10 s: exactly the three phase-end lines"
! grep -q "$(printf '\r')" "$TMP/plain.err"
ok $? "stderr a file: no carriage return, nothing redrawn"
! grep -q 'progress: \|counting: \|ETA ' "$TMP/plain.stdout" \
    "$TMP/plain/findings.jsonl" "$TMP/plain/summary.txt" \
    "$TMP/plain/report.txt"
ok $? "no progress text on stdout, in findings.jsonl, summary.txt or report.txt"

# ---- the plain-line interval (EXHUME_PROGRESS_INTERVAL, for tests) -------------
export EXHUME_PROGRESS_INTERVAL=0 EXHUME_PROGRESS_SAMPLES="$TMP/samples"
run scan "$img" --format jsonl --out "$TMP/every"
unset EXHUME_PROGRESS_INTERVAL EXHUME_PROGRESS_SAMPLES
lines=$(grep -c '^progress: ' "$TMP/err")
reports=$(wc -l <"$TMP/samples")
[ "$lines" -ge "$reports" ] && [ "$reports" -ge 3 ]
ok $? "interval 0: a plain line for every report ($lines lines, $reports reports)"
cmp -s "$TMP/out" "$TMP/plain.stdout" &&
    cmp -s "$TMP/every/findings.jsonl" "$TMP/plain/findings.jsonl"
ok $? "interval 0: stdout and findings.jsonl byte-identical to the run above"
# The counted totals are what the scan read: a hard link's second name,
# an EFS-encrypted stream and the unwanted files add nothing to either.
last_done=$(awk '$2 == "done"' "$TMP/samples" | tail -n 1)
set -- $last_done
[ -n "$last_done" ] && [ "$3" = "$4" ] && [ "$5" = "$6" ] && [ "$6" -gt 0 ]
ok $? "files done: files and bytes done equal the totals counted first ($last_done)"
scanned=$(sed -n 's/^streams: [0-9]* seen, \([0-9]*\) scanned (\([0-9]*\) bytes).*/\1 \2/p' "$TMP/every/summary.txt")
[ "$scanned" = "$3 $5" ]
ok $? "the counted files and bytes are summary.txt's scanned streams and bytes ($scanned)"
last_logs=$(awk '$2 == "logs"' "$TMP/samples" | tail -n 1)
set -- $last_logs
[ -n "$last_logs" ] && [ "$3" = "$4" ] && [ "$5" = "$6" ] && [ "$6" -gt 0 ]
ok $? "logs: bytes of log files done reach their total ($last_logs)"

# ---- --quiet, --progress none ---------------------------------------------------
run scan "$img" --format jsonl --out "$TMP/quiet" --quiet
! grep -q 'progress: \|counting: ' "$TMP/err"
ok $? "--quiet: no progress line"
cmp -s "$TMP/out" "$TMP/plain.stdout" &&
    cmp -s "$TMP/quiet/findings.jsonl" "$TMP/plain/findings.jsonl"
ok $? "--quiet: stdout and findings.jsonl byte-identical to the run with progress"
grep -q '^rules: ' "$TMP/err"
ok $? "--quiet: the rule status still goes to stderr"
run scan "$img" --progress none --format jsonl
! grep -q 'progress: \|counting: ' "$TMP/err" && cmp -s "$TMP/out" "$TMP/plain.stdout"
ok $? "--progress none: no progress line, the same stdout"
run scan "$img" --progress sometimes
[ "$RC" -eq 2 ]
ok $? "--progress with an unknown mode is a usage error"

# ---- a terminal: the line is redrawn in place ---------------------------------
# Only our own clear-to-end-of-line sequence may reach the terminal: paths
# are escaped.
only_own_controls() {
	LC_ALL=C tr -d '\r\n' <"$1" | LC_ALL=C sed 's/\x1b\[K//g' |
	    LC_ALL=C grep -q '[[:cntrl:]]' && return 1
	return 0
}
if command -v script >/dev/null 2>&1; then
	before=$(hash_images)
	TERM=xterm script -qfec "'$EXHUME' scan '$img' --format jsonl --out '$TMP/tty' >'$TMP/tty.stdout'" \
	    /dev/null >"$TMP/tty.err" 2>&1
	[ "$before" = "$(hash_images)" ]
	ok $? "source image unchanged by the run on a terminal"
	grep -q "$(printf '\r')counting: " "$TMP/tty.err" &&
	    grep -q "$(printf '\033')\[K" "$TMP/tty.err"
	ok $? "a terminal: the live line starts with a carriage return and clears to its end"
	tr '\r' '\n' <"$TMP/tty.err" | sed 's/\x1b\[K//g' |
	    grep -q '^progress: files done: '
	ok $? "a terminal: each phase's last state stays on a line of its own"
	tr '\r' '\n' <"$TMP/tty.err" | sed 's/\x1b\[K//g' |
	    grep -v '^progress: \|^rules: \|^note: \|^$' |
	    LC_ALL=C awk 'length($0) > 90 { bad = 1 } END { exit bad }'
	ok $? "a terminal: the live line is cut to the terminal width (80 when unknown)"
	only_own_controls "$TMP/tty.err"
	ok $? "a terminal: no control character but the line's own redraw sequence"
	cmp -s "$TMP/tty.stdout" "$TMP/plain.stdout" &&
	    cmp -s "$TMP/tty/findings.jsonl" "$TMP/plain/findings.jsonl"
	ok $? "a terminal: stdout and findings.jsonl byte-identical to the run without a terminal"
	TERM=xterm script -qfec "'$EXHUME' scan '$img' --quiet --format jsonl >/dev/null" \
	    /dev/null >"$TMP/ttyq.err" 2>&1
	! grep -q 'progress: \|counting: ' "$TMP/ttyq.err"
	ok $? "a terminal with --quiet: no progress"
	TERM=dumb script -qfec "'$EXHUME' scan '$img' --format jsonl >/dev/null" \
	    /dev/null >"$TMP/dumb.err" 2>&1
	! grep -q "$(printf '\033')" "$TMP/dumb.err" &&
	    grep -q '^progress: files done: ' "$TMP/dumb.err"
	ok $? "TERM=dumb: plain lines, no redraw"
else
	skip "script(1) missing: no pseudo-terminal test"
fi

report_unchanged
done_testing
