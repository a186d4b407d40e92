#!/bin/sh
# Runs every cmocka unit test binary with TAP output; fails if any fails.
status=0
export CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
# The catalogs `make locale` built, for tests of translated output.
EXHUME_LOCALE_DIR=${EXHUME_LOCALE_DIR:-$(pwd)/build/locale}
export EXHUME_LOCALE_DIR
for t in "$@"; do
	echo "# $t"
	"$t" || status=1
done
exit $status
