#!/bin/sh
# make demo: builds a demo disk image with planted traces and triages it.
set -e
cd "$(dirname "$0")/../.."
mkdir -p build/demo
img=build/demo/demo.img
build/tools/mkfixture tests/fixtures/demo.spec "$img"
echo "== exhume sources $img"
build/rel/exhume sources "$img"
echo
echo "== exhume files $img --jsonl --hash (first 5 of $(build/rel/exhume files "$img" --jsonl 2>/dev/null | wc -l) entries)"
build/rel/exhume files "$img" --jsonl --hash 2>/dev/null | head -n 5
