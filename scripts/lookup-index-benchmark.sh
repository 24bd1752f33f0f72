#!/usr/bin/env bash
# Measures what `tordesc lookup`'s index buys on a month-like set of consensuses: the first run
# (parses every file, writes the indexes) against an indexed run (reads only the indexes), in
# wall time and in callgrind instruction counts, one run of this script.
#
#   scripts/lookup-index-benchmark.sh [TORDESC]     (default: a release build in .build-release)
#
# The month-like set is LABELLED AS COPIES: 720 files (a month of hourly consensuses), each a
# byte-for-byte copy of one of the 9 full real consensuses in ../shared/corpus/consensus
# (2012-2021), named NNN--COPY-OF--<original>, plus the shared exit lists. Copies keep their
# real valid-after, so a 31-day window around 2020-03-01 covers the 240 copies of the three
# 2020 consensuses and skips the other 480 by time. The address is CalyxInstitute14's
# (162.247.74.201), listed in the 2020 consensuses and seen in the 2018 exit list.
# Instruction counts of a first run over 720 files would take hours under callgrind, so the
# first run is counted over one copy of each of the 9 consensuses (and the indexed run over the
# same 9, and over the 720).
# One run (2026-12-05, 2 shared cores, other builds running): 726 files, 1.3 GB; first run
# 68.2 s wall, indexed runs 0.040-0.079 s (median 0.050 s: 1,360x); index 338 MB. Instructions:
# first run over the 9 consensuses 8.51 G, indexed run over them 26.9 M (316x), indexed run
# over the 720 copies 55.0 M.
set -euo pipefail
cd "$(dirname "$0")/.."
TORDESC=${1:-.build-release/release/tordesc}
[ -x "$TORDESC" ] || { echo "error: no $TORDESC (swift build -c release --scratch-path .build-release --product tordesc)" >&2; exit 1; }
for tool in valgrind objcopy; do command -v "$tool" >/dev/null || { echo "error: $tool is needed" >&2; exit 1; }; done
SHARED=../shared/corpus/consensus
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
STRIPPED="$WORK/tordesc"
objcopy --strip-debug "$TORDESC" "$STRIPPED"   # valgrind 3.19 rejects Swift 6's DWARF

SOURCES=(2012-06-18-21-00-00-cached-consensus 2012-10-20-16-00-00-cached-consensus 2014-12-08-16-00-00-consensus
         2016-09-20-13-00-00-consensus 2017-04-15-00-00-00-consensus 2020-02-29-10-00-00-consensus
         2020-02-29-11-00-00-consensus 2020-03-05-10-00-00-consensus 2021-08-29-19-00-00-cached-consensus)
mkdir -p "$WORK/month" "$WORK/nine"
for i in $(seq 0 719); do
    source=${SOURCES[$((i % 9))]}
    cp "$SHARED/$source" "$WORK/month/$(printf %03d "$i")--COPY-OF--$source"
done
cp ../shared/corpus/exit-lists/* "$WORK/month/"
for source in "${SOURCES[@]}"; do cp "$SHARED/$source" "$WORK/nine/"; done
QUERY=(lookup 162.247.74.201 --at "2020-03-01 00:00:00" --window-hours 744)

# Wall seconds of one run; its output goes to $WORK/out.txt.
seconds() { local start end; start=$(date +%s.%N); "$@" > "$WORK/out.txt" || [ $? = 1 ]; end=$(date +%s.%N); echo "$end - $start" | bc; }
instructions() {
    valgrind --tool=callgrind --callgrind-out-file="$WORK/callgrind.out" "$@" > /dev/null 2> "$WORK/valgrind.log" || [ $? = 1 ]
    grep -m1 '^summary:' "$WORK/callgrind.out" | awk '{print $2}'
}

echo "files: $(ls "$WORK/month" | wc -l) ($(du -sh "$WORK/month" | cut -f1)); answer:"
first=$(seconds "$TORDESC" "${QUERY[@]}" --index "$WORK/index-month" "$WORK/month")
cp "$WORK/out.txt" "$WORK/parsed.txt"
head -3 "$WORK/parsed.txt"
echo "index size: $(du -sh "$WORK/index-month" | cut -f1) for $(ls "$WORK/index-month" | wc -l) files"
indexed=()
for run in 1 2 3 4 5; do indexed+=("$(seconds "$TORDESC" "${QUERY[@]}" --index "$WORK/index-month" "$WORK/month")"); done
echo "month wall: first run ${first} s; indexed runs ${indexed[*]} s"
cmp -s "$WORK/out.txt" "$WORK/parsed.txt" && echo "indexed answer == first run's (parsed) answer" || { echo "error: the answers differ" >&2; exit 1; }

first9=$(instructions "$STRIPPED" "${QUERY[@]}" --index "$WORK/index-nine" "$WORK/nine")
indexed9=$(instructions "$STRIPPED" "${QUERY[@]}" --index "$WORK/index-nine" "$WORK/nine")
indexed720=$(instructions "$STRIPPED" "${QUERY[@]}" --index "$WORK/index-month" "$WORK/month")
echo "instructions: first run over the 9 consensuses $first9; indexed run over them $indexed9; indexed run over the 720 $indexed720"
median=$(printf '%s\n' "${indexed[@]}" | sort -n | sed -n 3p)
echo "ratios: month wall first/indexed (median of 5) $(echo "scale=1; $first / $median" | bc); nine instructions first/indexed $(echo "scale=1; $first9 / $indexed9" | bc)"
