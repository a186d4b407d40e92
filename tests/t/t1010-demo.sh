#!/bin/sh
# make demo, as a newcomer runs it: the demo server (system on C:, Exchange
# on E: of a second partition, letters only in MountedDevices) shows the
# product's core answers: the web shells on both volumes, the patch verdict
# per vulnerability, the exposure window the logs do not cover, the facts
# for a notification decision, a bundle that verifies, and an unchanged disk.
. "$TOP/tests/lib/tap.sh"

D="$TMP/demo"
has() {	# has FILE TEXT
	grep -qF -- "$2" "$1"
}

DEMO_DIR="$D" EXHUME="$EXHUME" TOOLS="$TOOLS" sh "$TOP/tests/lib/demo.sh" \
    >"$TMP/demo.out" 2>&1
ok $? "make demo's script runs to the end"
has "$TMP/demo.out" "demo disk unchanged: SHA-256"
ok $? "the demo disk is byte-identical after the triage"
has "$TMP/demo.out" "scan exit status 1"
ok $? "the scan exits 1 (findings at warning or above)"
has "$TMP/demo.out" "verified: "
ok $? "the evidence bundle verifies"

S="$D/out/summary.txt"
has "$S" 'patch: ProxyLogon: fixed, fix installed 2021-03-04'
ok $? "ProxyLogon: fixed by the March 2021 update on 4 March"
grep -q '^patch: ProxyShell: vulnerable' "$S"
ok $? "ProxyShell: the build on E: never got the fix"
grep -q '^patch: ProxyNotShell: vulnerable' "$S"
ok $? "ProxyNotShell: CU19 never got the fix"

F="$D/out/findings.jsonl"
grep -F '"path":"E:\\Exchange\\FrontEnd\\HttpProxy\\owa\\auth\\x.aspx","stream":"hidden"' "$F" |
    grep -q '"level":"alert"'
ok $? "the shell in a hidden stream on E: is an alert"
has "$F" 'C:\\inetpub\\wwwroot\\aspnet_client\\system_web\\4_0_30319\\supp0rt.aspx'
ok $? "the China Chopper page in aspnet_client on C: is reported"
has "$F" 'E:\\Exchange\\Logging\\HttpProxy'
ok $? "the HttpProxy logs on E: were analysed"
has "$F" 'logs/coverage-gap'
ok $? "the exposure window before the logs begin is a finding"

R="$D/out/report.txt"
has "$R" 'Summary: facts for a notification decision'
ok $? "the report carries the facts for a notification decision"
has "$R" 'E:'
ok $? "the report names the Exchange volume E:"
has "$D/scan.err" 'partition 2: drive letter E: from MountedDevices (MBR disk 4f4d4544'
ok $? "the letter E: comes from the server's MountedDevices"

done_testing
