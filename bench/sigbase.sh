#!/bin/sh
# bench/sigbase.sh: exhume scan --full with a signature-base-shaped rule set
# (tests/tools/mksigbase: 730 YARA rules in 17 files, 3,828 filename IOC
# regexes, 3,000 hashes of mixed types) against `yara -r -p 2` alone with the
# same YARA files over the same files, extracted by tsk_recover; then the
# same with exhume's shipped rules; then what MD5 and SHA-1 cost (the set's
# SHA-256 entries alone).  Runs are interleaved (exhume, yara, exhume, ...)
# and the ratio is taken pair by pair: median, min and max of
# SIGBASE_PAIRS pairs.  Speed is printed, never asserted; the run fails
# only when a tool fails or a planted file is not reported.
#
#   SIGBASE_DIR     work directory (default build/bench-sigbase)
#   SIGBASE_FILES   files in the generated tree (default 3000, ~300 MB)
#   SIGBASE_PAIRS   interleaved pairs per row (default 3)
#   SIGBASE_THREADS threads for both tools (default 2)
#
# Needs make all tools, /usr/bin/time, yara, tsk_recover.
# shellcheck disable=SC2086
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tools=${TOOLS:-$top/build/tools}
exhume=${EXHUME_REL:-$top/build/rel/exhume}
dir=${SIGBASE_DIR:-$top/build/bench-sigbase}
nfiles=${SIGBASE_FILES:-3000}
pairs=${SIGBASE_PAIRS:-3}
n=${SIGBASE_THREADS:-2}

die() {
	echo "bench/sigbase.sh: $*" >&2
	exit 1
}
for t in "$tools/mksigbase" "$tools/mkfixture" "$exhume"; do
	[ -x "$t" ] || die "$t missing (make all tools)"
done
for t in /usr/bin/time yara tsk_recover; do
	command -v "$t" >/dev/null 2>&1 || die "$t missing (make deps)"
done
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
set="$dir/set"
img="$dir/tree.img"
ext="$dir/extracted"
work="$dir/run"
rm -rf "$work"
mkdir -p "$work"

# ---- the rule set and the tree: rebuilt when the generator or the size changes
key=$(cat "$tools/mksigbase" | sha256sum | cut -c1-16)-$nfiles
if [ "$(cat "$dir/key" 2>/dev/null)" != "$key" ]; then
	rm -rf "$set" "$img" "$ext" "$dir/key"
	"$tools/mksigbase" "$set" "$nfiles"
	"$tools/mkfixture" "$set/tree.spec" "$img" >/dev/null
	tsk_recover -e -o 2048 "$img" "$ext" >/dev/null
	echo "$key" >"$dir/key"
fi
set -- $(find "$ext" -type f -printf '%s\n' | awk '{ n++; b += $1 }
    END { printf "%d %.0f\n", n, b }')
efiles=$1
embytes=$(awk -v b="$2" 'BEGIN { printf "%.0f", b / 1048576 }')
cat "$img" >/dev/null
find "$ext" -type f -print0 | xargs -0 cat >/dev/null	# page cache warm

# timed OUT CMD...: sets wall, cpu (user + sys) and rss (peak KiB).
timed() {
	o=$1
	shift
	rc=0
	/usr/bin/time -f "%e %U %S %M" -o "$work/time" "$@" >"$o" 2>"$o.err" ||
	    rc=$?
	tail -n 1 "$work/time" >"$work/time.last"
	read -r wall usr sys rss <"$work/time.last"
	cpu=$(awk -v u="$usr" -v s="$sys" 'BEGIN { printf "%.2f", u + s }')
}

ext_opts="-d filename=x -d filepath=x -d extension=x -d filetype=x -d owner=x -d iis_script=false"
: >"$work/table"
# pair NAME YARA-FILES -- EXHUME-ARGS: interleaved exhume and yara runs.
pair() {
	name=$1
	yfiles=$2
	shift 3
	: >"$work/$name.pairs"
	for i in $(seq "$pairs"); do
		timed "$work/$name-$i.out" "$exhume" scan "$img" --full \
		    --max-size 1073741824 --threads "$n" "$@" \
		    --out "$work/$name-$i"
		[ "$rc" -le 1 ] || die "exhume ($name): exit $rc: $(tail -n 3 "$work/$name-$i.out.err")"
		ew=$wall ec=$cpu er=$rss
		timed "$work/$name-yara-$i.out" yara -r -p "$n" $ext_opts \
		    $yfiles "$ext"
		[ "$rc" -eq 0 ] || die "yara ($name): exit $rc: $(tail -n 3 "$work/$name-yara-$i.out.err")"
		echo "$ew $wall $ec $cpu $er $rss" >>"$work/$name.pairs"
	done
	awk -v name="$name" '
	function med(a, k,   t, i, j) {
		for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++)
			if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
		return k % 2 ? a[(k + 1) / 2] : (a[k / 2] + a[k / 2 + 1]) / 2
	}
	{ k++; ew[k] = $1; yw[k] = $2; ec[k] = $3; yc[k] = $4
	  r[k] = $1 / ($2 > 0 ? $2 : 0.01); rc[k] = $3 / ($4 > 0 ? $4 : 0.01)
	  if ($5 > erss) erss = $5; if ($6 > yrss) yrss = $6 }
	END {
		mr = med(r, k); lo = r[1]; hi = r[k]
		printf "| %s | %.2f | %.2f | %.2f | %.2f | %.2f (%.2f-%.2f) | %.2f | %.0f | %.0f |\n",
		    name, med(ew, k), med(yw, k), med(ec, k), med(yc, k),
		    mr, lo, hi, med(rc, k), erss / 1024, yrss / 1024
	}' "$work/$name.pairs" >>"$work/table"
}

pair sigbase "$set/rules/yara/*.yar" -- --no-default-rules \
    --rules "$set/rules/yara" --iocs "$set/iocs"
pair shipped "$top/rules/yara/*.yar" --
pair sigbase-sha256 "$set/rules/yara/*.yar" -- --no-default-rules \
    --rules "$set/rules/yara" --iocs "$set/iocs-sha256" \
    --iocs "$set/iocs/filename-iocs.txt"

# The planted shells (every 500th file) are reported with the full set.
grep 'from:samples/shell.txt' "$set/tree.spec" |
    sed 's/^file .*\\\([^\\ ]*\) from:.*/\1/' >"$work/planted"
planted=$(wc -l <"$work/planted")
missing=0
while read -r name; do
	grep -q -F "$name" "$work/sigbase-1/findings.jsonl" ||
	    missing=$((missing + 1))
done <"$work/planted"
echo "### signature-base-shaped rule set ($(date -u +%Y-%m-%d), $(nproc) cores, load average at start $(cut -d' ' -f1 /proc/loadavg))"
echo
echo "Tree: $efiles files, $embytes MB (tests/tools/mksigbase, SIGBASE_FILES=$nfiles), GPT + NTFS image;"
echo "yara reads the same files extracted by tsk_recover.  Both with $n threads;"
echo "$pairs interleaved pairs per row, medians; ratio = exhume / yara pair by pair (min-max)."
echo
echo "| exhume rule set (yara gets its YARA files) | exhume wall s | yara wall s | exhume CPU s | yara CPU s | wall ratio | CPU ratio | exhume peak RSS MB | yara peak RSS MB |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
sed -e 's/^| sigbase-sha256 |/| the same, SHA-256 hashes only (no MD5, SHA-1) |/' \
    -e 's/^| sigbase |/| signature-base-shaped: 730 rules, 3,828 path IOCs, 3,000 hashes |/' \
    -e 's/^| shipped |/| shipped rules (rules\/) |/' "$work/table"
echo
sed -n 's/^rules: /- exhume: /p' "$work/sigbase-1.out.err"
echo "- planted shells: $planted in the tree, $missing of them not reported"
[ "$missing" -eq 0 ] || die "planted shells not reported (see $work/planted)"
