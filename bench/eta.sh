#!/bin/sh
# bench/eta.sh SAMPLES: how good the time left shown during the file scan
# was.  SAMPLES is what exhume appended under EXHUME_PROGRESS_SAMPLES (one
# report a line: elapsed phase files_done files_total bytes_done
# bytes_total eta; eta -1 = none shown).  For the first report at or past
# 25 %, 50 % and 75 % of the bytes of the "scanning" phase it prints the
# time left shown, the real time left (until the phase's "done" report)
# and their ratio; it fails when a ratio is outside [0.5, 2] or no time
# left was shown there.  A measured figure for make bench, never a test.
set -eu
[ $# -eq 1 ] && [ -s "$1" ] || {
	echo "usage: bench/eta.sh SAMPLES (non-empty)" >&2
	exit 2
}
awk '
$2 == "scanning" && !ended { n++; t[n] = $1; b[n] = $5; tot[n] = $6; e[n] = $7 }
$2 == "done" && n > 0 && !ended { ended = 1; tend = $1 }
END {
	if (!ended || n == 0 || tot[n] == 0) {
		print "eta: no scanning phase with a byte total and its end in the samples"
		exit 1
	}
	bad = 0
	split("25 50 75", pct, " ")
	for (i = 1; i <= 3; i++) {
		want = tot[n] * pct[i] / 100
		for (k = 1; k <= n && b[k] < want; k++)
			;
		if (k > n) {
			printf "eta: %d%%: never reached in the samples\n", pct[i]
			bad = 1
			continue
		}
		real = tend - t[k]
		if (e[k] < 0) {
			printf "eta: %d%% (%.1f s in): no time left shown; real %.1f s\n", pct[i], t[k], real
			bad = 1
			continue
		}
		ratio = real > 0 ? e[k] / real : 0
		printf "eta: %d%% (%.1f s in): shown %.1f s, real %.1f s, ratio %.2f\n", pct[i], t[k], e[k], real, ratio
		if (ratio < 0.5 || ratio > 2)
			bad = 1
	}
	if (bad)
		print "eta: a ratio is outside [0.5, 2] or missing"
	exit bad
}' "$1"
