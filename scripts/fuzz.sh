#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs them.
#
#   scripts/fuzz.sh [TARGET[,TARGET...]|all] [SECONDS]   run targets for SECONDS each (default 60)
#   scripts/fuzz.sh --smoke                  CI: build, then every target for FUZZ_SMOKE_SECONDS (default 10)
#   scripts/fuzz.sh --list                   target names
#
# Seeds come from Resources/corpus and ../shared/corpus/archives (scripts/fuzz-seeds.sh); the
# growing corpus lives in Fuzz/.corpus/<target>. A crashing, hanging or memory-exhausting input
# is moved into the regression folder of the test target that replays it:
# Tests/TorDescriptorsTests/FuzzRegressions/<target>/ (parsers), Tests/DecompressionTests/...
# (decompress-*), Tests/TorArchivesTests/... (tar, archive-reader), Tests/TorDirectoryTests/...
# (http-response, http-reader). Prints executions (stat::number_of_executed_units), coverage (cov:/ft:) and
# corpus size per target. Exits non-zero if any target found something.
# The fuzzers run from copies in Fuzz/.bin, so a rebuild during a long run does not disturb it.
# Run it under `nice -n 19` on a machine that measures other things.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
SMOKE=0
case "${1:-}" in
    --smoke) SMOKE=1; shift ;;
    --list) sed -n '/^let targetNames/,/^]/p' Fuzz/Package.swift | grep -o '"[a-z0-9-]*"' | tr -d '"'; exit 0 ;;
esac
TARGET="${1:-all}"
SECONDS_EACH="${2:-60}"
[ "$SMOKE" = 1 ] && SECONDS_EACH="${FUZZ_SMOKE_SECONDS:-10}"
MAX_LEN="${FUZZ_MAX_LEN:-65536}"
ALL=$("$0" --list)
if [ "$TARGET" = all ]; then TARGETS=$ALL; else TARGETS=$(echo "$TARGET" | tr ',' ' '); fi

build_start=$(date +%s)
( cd Fuzz && swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld ) || exit 2
echo "build: $(( $(date +%s) - build_start )) s"
BIN=$(cd Fuzz && swift build -c release -Xswiftc -sanitize=fuzzer,address -Xswiftc -use-ld=lld --show-bin-path)
# FUZZ_SKIP_SEEDS=1 when several runs share the seeds (scripts/fuzz-seeds.sh rebuilds them).
[ "${FUZZ_SKIP_SEEDS:-0}" = 1 ] || FUZZ_MAX_LEN=$MAX_LEN scripts/fuzz-seeds.sh > /dev/null

mkdir -p Fuzz/.bin
trap 'rm -f Fuzz/.bin/*.$$' EXIT
for target in $TARGETS; do cp "$BIN/fuzz-$target" "Fuzz/.bin/fuzz-$target.$$" || exit 2; done

regressions() {
    case "$1" in
        decompress-*) echo Tests/DecompressionTests/FuzzRegressions/$1 ;;
        tar|archive-reader) echo Tests/TorArchivesTests/FuzzRegressions/$1 ;;
        http-response|http-reader) echo Tests/TorDirectoryTests/FuzzRegressions/$1 ;;
        link-cells|certs-cell|ntor-extended2|control-reply|control-event) echo Tests/TorWireTests/FuzzRegressions/$1 ;;
        *) echo Tests/TorDescriptorsTests/FuzzRegressions/$1 ;;
    esac
}

found=0
printf '%-24s %12s %8s %8s %8s %s\n' target executions cov ft corpus result
for target in $TARGETS; do
    corpus="Fuzz/.corpus/$target"; artifacts="Fuzz/.artifacts/$target"; log="Fuzz/.logs/$target.log"
    mkdir -p "$corpus" "$artifacts" Fuzz/.logs
    # ASan's leak checker stays off: Swift's runtime keeps metadata caches alive on purpose.
    ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 "Fuzz/.bin/fuzz-$target.$$" \
        -max_total_time="$SECONDS_EACH" -max_len="$MAX_LEN" -timeout=10 -rss_limit_mb=2560 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "Fuzz/.seeds/$target" > "$log" 2>&1
    status=$?
    rm -f "Fuzz/.bin/fuzz-$target.$$"
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
    corpus_size=$(ls "$corpus" | wc -l)
    result=ok
    for artifact in "$artifacts"/crash-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
        [ -e "$artifact" ] || continue
        mkdir -p "$(regressions "$target")"
        mv "$artifact" "$(regressions "$target")/"
        result="FOUND $(basename "$artifact") (see $log)"
        found=1
    done
    [ "$status" != 0 ] && [ "$result" = ok ] && { result="exit $status (see $log)"; found=1; }
    printf '%-24s %12s %8s %8s %8s %s\n' "$target" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$corpus_size" "$result"
done
exit $found
