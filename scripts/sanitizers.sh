#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and/or ThreadSanitizer, each in its own scratch
# directory (.build-asan, .build-tsan) so the normal .build stays warm.
#
#   scripts/sanitizers.sh [address|thread|all] [extra swift test arguments, e.g. --filter X]
#
# ASan's leak checker is off: Swift's runtime keeps metadata caches alive for the process
# lifetime on purpose, which LeakSanitizer would report. Prints each run's wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
WHICH="${1:-all}"
[ $# -gt 0 ] && shift
case "$WHICH" in
    all) SANITIZERS="address thread" ;;
    address|thread) SANITIZERS="$WHICH" ;;
    *) echo "usage: $0 [address|thread|all] [swift test arguments]" >&2; exit 2 ;;
esac
for sanitizer in $SANITIZERS; do
    scratch=".build-${sanitizer:0:1}san"
    start=$(date +%s)
    echo "== swift test --sanitize=$sanitizer (scratch $scratch)"
    ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}" TSAN_OPTIONS="halt_on_error=1${TSAN_OPTIONS:+:$TSAN_OPTIONS}" \
        swift test --sanitize="$sanitizer" --scratch-path "$scratch" "$@"
    echo "== $sanitizer: passed in $(( $(date +%s) - start )) s"
done
