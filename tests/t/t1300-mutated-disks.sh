#!/bin/sh
# A hostile disk is normal input: seeded, structure-aware mutants of a small
# NTFS volume (tests/lib/mutate-ntfs.py) go through `files --hash`,
# `scan --full`, and `scan --full --bundle` + `verify` under ASan and UBSan.
# None may crash, trip a sanitizer, hang (a 60 s guard per run), write
# invalid JSON lines, leave a bundle that does not verify, or change a byte
# of the image.  MUTANTS (default 50) and MUTANT_SEED (default 1) choose
# the set; `make fuzz` runs thousands.
. "$TOP/tests/lib/tap.sh"
n=${MUTANTS:-50}
first=${MUTANT_SEED:-1}
"$TOOLS/mkfixture" "$TOP/tests/fuzz/ntfs-base.spec" "$TMP/base.img"
ok $? "the base volume builds"
mkdir -p "$TMP/m"
python3 "$TOP/tests/lib/mutate-ntfs.py" "$TMP/base.img" "$TMP/m" "$first" "$n"
ok $? "$n mutants generated from seed $first"
# libntfs-3g loses memory in its own failed-mount paths; see the file.
# Its suppressions name frames deep inside the library, which only the
# slow unwinder sees; that unwinder costs ten times the run.  So runs use
# the fast one, and a run that reports a leak is repeated with whole
# stacks: only a leak that is still reported then counts.
LSAN_OPTIONS="suppressions=$TOP/tests/fuzz/lsan.supp"
export LSAN_OPTIONS

bad_crash="" bad_json="" bad_verify="" bad_write="" bad_hang="" reruns=0
# guarded NAME ARGS...: runs exhume with a guard, output in $TMP/NAME.*.
guarded() {
	name=$1
	shift
	timeout 60 "$EXHUME" "$@" >"$TMP/$name.out" 2>"$TMP/$name.err"
	grc=$?
	if grep -q 'LeakSanitizer' "$TMP/$name.err"; then
		case $name in	# what the first run wrote, so it can write again
		scan) rm -rf "$TMP/o" ;;
		bundle) rm -f "$TMP/b.zip" "$TMP/b.zip.sha256" ;;
		esac
		reruns=$((reruns + 1))
		ASAN_OPTIONS="fast_unwind_on_malloc=0:${ASAN_OPTIONS:-}" \
		    timeout 120 "$EXHUME" "$@" >"$TMP/$name.out" \
		    2>"$TMP/$name.err"
		grc=$?
	fi
	[ $grc -eq 124 ] && bad_hang="$bad_hang $m:$name"
	if [ $grc -ge 128 ] || grep -qE 'Sanitizer|runtime error' "$TMP/$name.err"; then
		bad_crash="$bad_crash $m:$name"
		sed -n '1,12p' "$TMP/$name.err" | sed 's/^/# /'
	fi
	return 0
}
jsonl_ok() {
	python3 -c 'import json,sys
for l in open(sys.argv[1], encoding="utf-8"): json.loads(l)' "$1" 2>/dev/null
}
i=$first
while [ $i -lt $((first + n)) ]; do
	m=m$i
	img="$TMP/m/$m.img"
	before=$(sha256sum <"$img")
	guarded files files "$img" --jsonl --hash
	jsonl_ok "$TMP/files.out" || bad_json="$bad_json $m:files"
	rm -rf "$TMP/o" "$TMP/b.zip" "$TMP/b.zip.sha256"
	guarded scan scan "$img" --full --out "$TMP/o"
	[ ! -f "$TMP/o/findings.jsonl" ] || jsonl_ok "$TMP/o/findings.jsonl" ||
	    bad_json="$bad_json $m:scan"
	guarded bundle scan "$img" --full --bundle "$TMP/b.zip"
	if [ -f "$TMP/b.zip" ]; then
		guarded verify verify "$TMP/b.zip"
		[ $grc -eq 0 ] || bad_verify="$bad_verify $m"
	fi
	[ "$before" = "$(sha256sum <"$img")" ] || bad_write="$bad_write $m"
	i=$((i + 1))
done
for v in bad_crash bad_hang bad_json bad_verify bad_write; do
	eval "list=\$$v"
	for x in $list; do
		diag "$v ${x}: $(tr '\n' ';' <"$TMP/m/${x%%:*}.txt")"
	done
done
diag "$reruns runs repeated with whole stacks after a leak report"
[ -z "$bad_crash" ]; ok $? "no crash or sanitizer report in $n mutants"
[ -z "$bad_hang" ]; ok $? "no run hangs"
[ -z "$bad_json" ]; ok $? "every JSON-lines output parses"
[ -z "$bad_verify" ]; ok $? "every bundle written verifies"
[ -z "$bad_write" ]; ok $? "no mutant image changed by a byte"
done_testing
