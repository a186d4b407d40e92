#!/bin/sh
# Runs every cmocka unit test binary with TAP output; fails if any fails.
status=0
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
for t in "$@"; do
	echo "# $t"
	"$t" || status=1
done
exit $status
