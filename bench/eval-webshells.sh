#!/bin/sh
# make eval: false positives and cost of the generic web-shell rules
# (rules/yara/webshells-aspnet-generic.yar, webshells-classic-asp.yar) on a
# benign corpus of real ASP.NET and classic-ASP applications, plus recall on
# the generated shell fixtures (tests/tools/mkshells.py).
#
#   EXHUME_EVAL_DIR   corpus: one sub-directory per application (default
#                     /tmp/real-heur; bench/eval-corpus.txt says how ours was
#                     assembled).  Absent: the evaluation is skipped with a
#                     message and exit 0.
#
# Prints files scanned, files per level, hits per rule, the warnings and
# alerts by file, and the CPU time of a scan with and without the generic
# rule files.  Fails when the corpus has an alert or more than 1 warning per
# 1,000 files (the budget of issue 20), or a shell fixture is missed.
# shellcheck disable=SC2086
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
tools=${TOOLS:-$top/build/tools}
corpus=${EXHUME_EVAL_DIR:-/tmp/real-heur}

if [ ! -d "$corpus" ] || [ -z "$(ls -A "$corpus" 2>/dev/null)" ]; then
	echo "eval: skipped: no benign corpus at $corpus (set EXHUME_EVAL_DIR; see bench/eval-corpus.txt)"
	exit 0
fi
[ -x "$tools/rulescan" ] || { echo "eval: $tools/rulescan missing (make tools)" >&2; exit 1; }
work=$(mktemp -d "${TMPDIR:-/tmp}/exh-eval.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# ---- recall on the generated fixtures ---------------------------------------
python3 "$top/tests/tools/mkshells.py" shells "$work/sh"
"$tools/rulescan" -s "$work/sh/files" >"$work/sh.out" 2>"$work/sh.err"
echo "eval: shell fixtures: $(cat "$work/sh.err")"
python3 - "$work/sh/manifest.tsv" "$work/sh.out" <<'PY' | tee "$work/recall"
import collections, sys
order = {"info": 0, "notice": 1, "warning": 2, "alert": 3}
got = {l.split("\t")[2]: l.split("\t")[0] for l in open(sys.argv[2], encoding="utf-8")}
fam = collections.defaultdict(lambda: [0, 0])
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("#"):
        continue
    rel, family, base, want = line.rstrip("\n").split("\t")
    fam[family][1] += 1
    fam[family][0] += order[got.get(rel, "info")] >= order[want]
for f in sorted(fam):
    print("eval: recall %-20s %3d/%3d%s" % (f, fam[f][0], fam[f][1],
          "" if fam[f][0] == fam[f][1] else "  MISSED"))
PY

# ---- false positives on the corpus ------------------------------------------
"$tools/rulescan" "$corpus" >"$work/fp.out" 2>"$work/fp.err" || true
echo "eval: corpus $corpus: $(cat "$work/fp.err")"
for d in "$corpus"/*/; do
	printf 'eval:   %-55s %6d files\n' "$(basename "$d")" "$(find "$d" -type f | wc -l)"
done
echo "eval: hits per rule (files):"
cut -f4 "$work/fp.out" | tr ',' '\n' | sed 's/=.*//' | grep . | sort | uniq -c |
    sed 's/^/eval:   /' >"$work/per-rule" || true
[ -s "$work/per-rule" ] && cat "$work/per-rule" || echo "eval:   none"
awk -F'\t' '$1 == "warning" || $1 == "alert" { print "eval: " $1 " " $2 " " $3 " " $4 }' "$work/fp.out"
files=$(sed -n 's/^rulescan: \([0-9]*\) files.*/\1/p' "$work/fp.err")
warn=$(awk -F'\t' '$1 == "warning"' "$work/fp.out" | wc -l)
alert=$(awk -F'\t' '$1 == "alert"' "$work/fp.out" | wc -l)
echo "eval: $files files, $warn warnings, $alert alerts (budget: 0 alerts, <= 1 warning per 1000 files)"

# ---- cost: the same scan without the generic rule files ----------------------
base="$work/rules-base"
cp -r "$top/rules" "$base"
rm -f "$base/yara/webshells-aspnet-generic.yar" "$base/yara/webshells-classic-asp.yar"
cpu() {	# cpu RULESDIR: user+sys seconds of one rulescan over the corpus
	/usr/bin/time -f "%U %S" -o "$work/t" "$tools/rulescan" -r "$1" "$corpus" \
	    >/dev/null 2>&1 || true
	awk '{ printf "%.2f", $1 + $2 }' "$work/t"
}
without=$(cpu "$base")
with=$(cpu "$top/rules")
echo "eval: cost: YARA over the corpus $without s CPU without, $with s with the generic rules," \
    "ratio $(awk -v a="$with" -v b="$without" 'BEGIN { printf "%.2f", a / b }')"

fail=0
grep -q MISSED "$work/recall" && fail=1
[ "$alert" -eq 0 ] || fail=1
[ $((warn * 1000)) -le "$files" ] || fail=1
[ "$fail" -eq 0 ] && echo "eval: PASS" || echo "eval: FAIL"
exit "$fail"
