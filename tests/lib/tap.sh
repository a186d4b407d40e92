# Small TAP helpers for the integration scripts (sourced, POSIX sh).
# Every exhume invocation goes through `run`, which also proves that no
# source image changed: each image named in IMAGES is hashed before and
# after the command.
: "${EXHUME:?EXHUME must point at the binary}"
: "${TOOLS:=$TOP/build/tools}"
PATH="$PATH:/usr/sbin:/sbin"
TAP_N=0
TAP_FAILED=0
TMP=$(mktemp -d "${TMPDIR:-/tmp}/exhume-test.XXXXXX")
trap '[ -n "${KEEP_TMP:-}" ] || rm -rf "$TMP"' EXIT
export ASAN_OPTIONS="${ASAN_OPTIONS:-detect_leaks=1}"
export EXHUME_RULES_DIR="${EXHUME_RULES_DIR:-$TOP/rules}"

ok() {	# ok CONDITION-STATUS DESCRIPTION
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_N - $2"
	else
		echo "not ok $TAP_N - $2"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

skip() {
	TAP_N=$((TAP_N + 1))
	echo "ok $TAP_N # SKIP $1"
}

diag() { echo "# $*"; }

done_testing() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}

# mkimage SPEC OUT: builds a fixture image from a spec.
mkimage() {
	"$TOOLS/mkfixture" "$1" "$2" >"$TMP/mkfixture.log" 2>&1 ||
	    { cat "$TMP/mkfixture.log" >&2; return 1; }
}

hash_images() {
	for i in $IMAGES; do sha256sum "$i"; done
}

# run [args...]: runs exhume with stdout in $TMP/out, stderr in $TMP/err,
# status in $RC, and checks the images in $IMAGES stayed byte-identical.
run() {
	before=$(hash_images)
	"$EXHUME" "$@" >"$TMP/out" 2>"$TMP/err"
	RC=$?
	after=$(hash_images)
	if [ "$before" != "$after" ]; then
		ok 1 "source images unchanged by: exhume $*"
	else
		UNCHANGED_CHECKS=$((${UNCHANGED_CHECKS:-0} + 1))
	fi
	return 0
}

# Reports once per script how many commands left every source unchanged.
report_unchanged() {
	ok 0 "every source image byte-identical after ${UNCHANGED_CHECKS:-0} exhume runs"
}
