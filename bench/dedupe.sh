#!/bin/sh
# The shadow-copy dedupe index at a million streams (tests/tools/dedupe-bench):
# its size once frozen, bytes per stream and the process's peak RSS with a
# million store contents in the cross-store set too.
: "${TOOLS:=build/tools}"
echo "- shadow-copy dedupe: $("$TOOLS/dedupe-bench" "${BENCH_DEDUPE_STREAMS:-1000000}")"
