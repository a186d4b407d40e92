#!/bin/sh
# fuzz.sh SECONDS HARNESS...: for each libFuzzer harness, replays the saved
# regression inputs (tests/fuzz/regress/<harness>/), then fuzzes it for
# SECONDS from its seeds (tests/fuzz/seeds/<harness>/) in a scratch corpus.
# Any crash, leak, sanitizer report or timeout fails the run; the input
# that caused it is kept under build/fuzz/crash/<harness>/ to be added to
# regress/ once fixed.
set -u
cd "$(dirname "$0")/../.." || exit 2
secs=$1
shift
# Known leaks inside third-party libraries (see the file); ours still count.
LSAN_OPTIONS="suppressions=$PWD/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export LSAN_OPTIONS
# A suppression names the library function that lost the memory, which
# only whole malloc stacks show (libntfs-3g is built without frame
# pointers), and that unwinder costs several times the run.  So harnesses
# run with the fast one, and a run that ends in a leak report is run again
# with whole stacks (same seed, same inputs): its verdict counts.
SLOW_UNWIND="fast_unwind_on_malloc=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
# fuzz_ntfs patches a small volume built from our own spec.
if [ -z "${EXHUME_FUZZ_NTFS_IMAGE:-}" ]; then
	EXHUME_FUZZ_NTFS_IMAGE=$PWD/build/fuzz/ntfs-base.img
	build/tools/mkfixture tests/fuzz/ntfs-base.spec "$EXHUME_FUZZ_NTFS_IMAGE" ||
	    { echo "not ok - fuzz: the base NTFS image does not build"; exit 1; }
fi
export EXHUME_FUZZ_NTFS_IMAGE
# fuzz_once BIN SECONDS WORK SEEDS CRASH: one fuzzing run of BIN, a scratch
# corpus in WORK/corpus, its log in WORK/fuzz.log.
fuzz_once() {
	# FUZZ_RUNS: a fixed seed and number of inputs, so that make check
	# gives the same verdict on every machine (SECONDS is then a cap).
	"$1" -max_total_time="$2" -timeout=10 -rss_limit_mb=2048 \
	    ${FUZZ_RUNS:+-seed=1 -runs=$FUZZ_RUNS} \
	    -max_len=1048576 -artifact_prefix="$5/" -print_final_stats=1 \
	    "$3/corpus" "$4" >"$3/fuzz.log" 2>&1
}
status=0
for bin in "$@"; do
	name=$(basename "$bin")
	seeds=tests/fuzz/seeds/$name
	regress=tests/fuzz/regress/$name
	crash=build/fuzz/crash/$name
	work=$(mktemp -d "${TMPDIR:-/tmp}/exhume-fuzz.XXXXXX")
	mkdir -p "$crash" "$seeds" "$work/corpus"
	if [ -n "$(ls -A "$regress" 2>/dev/null)" ]; then
		if ! "$bin" -timeout=10 -rss_limit_mb=2048 "$regress"/* \
		    >"$work/replay.log" 2>&1 && { ! grep -q 'LeakSanitizer' \
		    "$work/replay.log" || ! ASAN_OPTIONS=$SLOW_UNWIND "$bin" \
		    -timeout=10 -rss_limit_mb=2048 "$regress"/* \
		    >"$work/replay.log" 2>&1; }; then
			echo "not ok - $name: a saved regression input fails again"
			tail -n 30 "$work/replay.log"
			status=1
		fi
	fi
	fuzz_once "$bin" "$secs" "$work" "$seeds" "$crash"
	fuzz_rc=$?
	if [ $fuzz_rc -ne 0 ] && grep -q 'LeakSanitizer' "$work/fuzz.log"; then
		rm -rf "$work/corpus" && mkdir "$work/corpus"
		(ASAN_OPTIONS=$SLOW_UNWIND && export ASAN_OPTIONS &&
		    fuzz_once "$bin" "$secs" "$work" "$seeds" "$crash")
		fuzz_rc=$?
	fi
	if [ $fuzz_rc -eq 0 ]; then
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' \
		    "$work/fuzz.log")
		echo "ok - $name: ${runs:-?} inputs, no finding"
	else
		echo "not ok - $name: see $crash/"
		grep -E 'ERROR|SUMMARY|runtime error|Test unit written' \
		    "$work/fuzz.log" | head -n 20
		status=1
	fi
	rm -rf "$work"
done
exit $status
