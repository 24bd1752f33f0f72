#!/usr/bin/env bash
# Builds the libFuzzer targets in Fuzz/ and runs them.
#
#   scripts/fuzz.sh [TARGET[,TARGET...]|all] [SECONDS]   run targets for SECONDS each (default 60)
#   scripts/fuzz.sh --smoke                  CI: build, then every target for FUZZ_SMOKE_SECONDS (default 10)
#   scripts/fuzz.sh --list                   target names
#
# Seeds come from Resources/corpus (scripts/fuzz-seeds.sh); the growing corpus lives in
# Fuzz/.corpus/<target>. A crashing, hanging or memory-exhausting input is copied into
# Tests/TorDescriptorsTests/FuzzRegressions/<target>/, where FuzzRegressionTests replays it.
# Prints executions (stat::number_of_executed_units) and coverage (cov:/ft:) per target.
# Exits non-zero if any target found something.
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

found=0
printf '%-24s %12s %8s %8s %s\n' target executions cov ft result
for target in $TARGETS; do
    corpus="Fuzz/.corpus/$target"; artifacts="Fuzz/.artifacts/$target"; log="Fuzz/.logs/$target.log"
    mkdir -p "$corpus" "$artifacts" Fuzz/.logs
    # ASan's leak checker stays off: Swift's runtime keeps metadata caches alive on purpose.
    ASAN_OPTIONS=detect_leaks=0:allocator_may_return_null=1 "$BIN/fuzz-$target" \
        -max_total_time="$SECONDS_EACH" -max_len="$MAX_LEN" -timeout=10 -rss_limit_mb=2560 \
        -print_final_stats=1 -artifact_prefix="$artifacts/" "$corpus" "Fuzz/.seeds/$target" > "$log" 2>&1
    status=$?
    execs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' | tail -1)
    cov=$(grep -o 'cov: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
    ft=$(grep -o 'ft: [0-9]*' "$log" | tail -1 | grep -o '[0-9]*')
    result=ok
    for artifact in "$artifacts"/crash-* "$artifacts"/timeout-* "$artifacts"/oom-*; do
        [ -e "$artifact" ] || continue
        mkdir -p "Tests/TorDescriptorsTests/FuzzRegressions/$target"
        mv "$artifact" "Tests/TorDescriptorsTests/FuzzRegressions/$target/"
        result="FOUND $(basename "$artifact") (see $log)"
        found=1
    done
    [ "$status" != 0 ] && [ "$result" = ok ] && { result="exit $status (see $log)"; found=1; }
    printf '%-24s %12s %8s %8s %s\n' "$target" "${execs:-?}" "${cov:-?}" "${ft:-?}" "$result"
done
exit $found
