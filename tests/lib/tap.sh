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

# host_files HOST DIR: the files of tests/fixtures/hosts/HOST in DIR, as
# the specs name them: SYSTEM and SOFTWARE (mkhive), ExSetup.exe with the
# host's version (mkpe) and its applicationHost.config.
host_files() {
	hf_h="$TOP/tests/fixtures/hosts/$1"
	mkdir -p "$2" &&
	"$TOOLS/mkhive" "$hf_h/system.spec" "$2/SYSTEM" &&
	"$TOOLS/mkhive" "$hf_h/software.spec" "$2/SOFTWARE" &&
	"$TOOLS/mkpe" "$(cat "$hf_h/exsetup.version")" "$2/ExSetup.exe" &&
	cp "$hf_h/applicationHost.config" "$2/"
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

# mkvss_image STATE1_SPEC STATE2_SPEC LIVE_SPEC OUT: a disk with two real
# VSS stores (tests/tools/mkvss.py).  OUT is built from LIVE_SPEC plus the
# files Windows keeps stores in, under \System Volume Information (the spec
# copy is OUT.spec, so from: paths resolve next to OUT); OUT.state1.img and
# OUT.state2.img are the volume as it was at each shadow copy, store 1 the
# older.  Store GUIDs and creation times are $VSS_GUID1/$VSS_TIME1 and
# $VSS_GUID2/$VSS_TIME2; each store file is $VSS_STORE_SIZE (default 2M).
VSS_GUID1=${VSS_GUID1:-5a0b1d3e-8c2f-11ee-9a41-00155d2a7101}
VSS_TIME1=${VSS_TIME1:-2024-01-15T08:30:00.1234567Z}
VSS_GUID2=${VSS_GUID2:-5a0b1d3e-8c2f-11ee-9a41-00155d2a7102}
VSS_TIME2=${VSS_TIME2:-2024-02-20T17:45:30.7654321Z}
mkvss_image() {
	vss_svi='\System%u0020Volume%u0020Information\'
	vss_id='{3808876b-c176-4e48-b7ae-04046e6cc752}'
	mkimage "$1" "$4.state1.img" && mkimage "$2" "$4.state2.img" || return 1
	# VSS_STATE1_HOOK IMAGE: changes store 1's state before it is stored
	# (a test that wants a store which is no longer NTFS, say).
	[ -z "${VSS_STATE1_HOOK:-}" ] || "$VSS_STATE1_HOOK" "$4.state1.img" ||
	    return 1
	{
		cat "$3"; echo
		printf 'file %s size=64K fill=0x00\n' "$vss_svi$vss_id"
		for g in "$VSS_GUID1" "$VSS_GUID2"; do
			printf 'file %s size=%s fill=0x00\n' \
			    "$vss_svi{$g}$vss_id" "${VSS_STORE_SIZE:-2M}"
		done
	} >"$4.spec"
	mkimage "$4.spec" "$4" || return 1
	python3 "$TOP/tests/tools/mkvss.py" "$4" \
	    "$4.state1.img" "$VSS_GUID1" "$VSS_TIME1" \
	    "$4.state2.img" "$VSS_GUID2" "$VSS_TIME2" >"$TMP/mkvss.log" 2>&1 ||
	    { cat "$TMP/mkvss.log" >&2; return 1; }
}
