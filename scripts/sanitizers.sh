#!/usr/bin/env bash
# Runs the test suite under AddressSanitizer and/or ThreadSanitizer, each in its own scratch
# directory (.build-asan, .build-tsan) so the normal .build stays warm.
#
#   scripts/sanitizers.sh [address|thread|all] [extra swift test arguments, e.g. --filter X]
#
# With SANITIZE_PRIVATE_NET=1, each sanitizer then also runs the TorDirectory tests against a
# private Tor network (scripts/test-private-network.sh) with the same sanitized build, so the
# DirectoryClient's concurrent fetches run against real tor. The tests that spawn `tordesc`
# pick the one next to the test bundle, i.e. the sanitized build of this scratch directory.
#
# ASan's leak checker is off: Swift's runtime keeps metadata caches alive for the process
# lifetime on purpose, which LeakSanitizer would report. TSan halts at its first report
# (TSAN_OPTIONS=halt_on_error=0 collects every report of a run). Prints each run's wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
WHICH="${1:-all}"
[ $# -gt 0 ] && shift
case "$WHICH" in
    all) SANITIZERS="address thread" ;;
    address|thread) SANITIZERS="$WHICH" ;;
    *) echo "usage: $0 [address|thread|all] [swift test arguments]" >&2; exit 2 ;;
esac
# Given options come after the defaults, so they win (e.g. TSAN_OPTIONS=halt_on_error=0).
export ASAN_OPTIONS="detect_leaks=0${ASAN_OPTIONS:+:$ASAN_OPTIONS}"
export TSAN_OPTIONS="halt_on_error=1${TSAN_OPTIONS:+:$TSAN_OPTIONS}"
for sanitizer in $SANITIZERS; do
    scratch=".build-${sanitizer:0:1}san"
    start=$(date +%s)
    echo "== swift test --sanitize=$sanitizer (scratch $scratch)"
    swift test --sanitize="$sanitizer" --scratch-path "$scratch" "$@"
    if [ "${SANITIZE_PRIVATE_NET:-0}" = 1 ]; then
        scripts/test-private-network.sh --sanitize="$sanitizer" --scratch-path "$scratch"
    fi
    echo "== $sanitizer: passed in $(( $(date +%s) - start )) s"
done
