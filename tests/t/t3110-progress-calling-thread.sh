#!/bin/sh
# Progress and notes reach the front end on the thread that runs the
# triage, never on a worker thread (include/exhume/triage.h), through the
# file scan and the log analysis alike; worker threads read through
# their own volume clones.
. "$TOP/tests/lib/tap.sh"

spec="$TMP/logs.spec"
img="$TMP/logs.img"
cp "$TOP/tests/fixtures/exchange-basic.spec" "$spec"
cat >>"$spec" <<'SPEC'
file \inetpub\logs\LogFiles\W3SVC1\u_ex210303.log text:#Software: Microsoft Internet Information Services 10.0\r\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\r\n2021-03-03 05:00:00 10.0.0.5 GET /owa/auth/x.aspx - 443 - 203.0.113.7 Mozilla/5.0 - 200 0 0 15\r\n
file \inetpub\logs\LogFiles\W3SVC1\u_ex210304.log text:#Software: Microsoft Internet Information Services 10.0\r\n#Fields: date time s-ip cs-method cs-uri-stem cs-uri-query s-port cs-username c-ip cs(User-Agent) cs(Referer) sc-status sc-substatus sc-win32-status time-taken\r\n2021-03-04 05:00:00 10.0.0.5 GET /owa/ - 443 - 203.0.113.8 Mozilla/5.0 - 200 0 0 15\r\n
SPEC
mkimage "$spec" "$img" || { ok 1 "build the image"; done_testing; exit 1; }
before=$(sha256sum "$img")

for n in 1 2 3; do
	"$TOOLS/progress-run" --threads "$n" "$img" >"$TMP/p$n" 2>"$TMP/e$n"
	ok $? "--threads $n: the triage runs"
	grep -q '^progress calls: [1-9][0-9]*, on other threads: 0$' "$TMP/p$n"
	ok $? "--threads $n: every progress call came on the calling thread"
	grep -q '^notes: [1-9][0-9]*, on other threads: 0$' "$TMP/p$n"
	ok $? "--threads $n: every note came on the calling thread"
	# The image file's hashing reports last when it outlasts the scan.
	grep -q '^phases: .*done.* logs\( image-hash\)\{0,1\}$' "$TMP/p$n"
	ok $? "--threads $n: the file scan ends with done, then the logs report"
done

[ "$before" = "$(sha256sum "$img")" ]
ok $? "the image is byte-identical afterwards"
done_testing
