#!/usr/bin/env bash
# Instruction-count regression guard: counts the instructions (callgrind's total Ir) the release
# `tordesc` executes on fixed workloads, compares them with Benchmarks/instruction-baseline.txt,
# and fails when any count rose by more than 10 %.
#
#   scripts/instruction-counts.sh                 build the release tordesc, count, compare
#   scripts/instruction-counts.sh --update        count and rewrite the baseline (re-baselining)
#   TORDESC=path/to/tordesc scripts/instruction-counts.sh   use that binary instead of building
#
# Why instructions and not time: this VM drifts up to 1.8x in wall time between runs of one
# binary, while callgrind's counts repeat (to a few hundred instructions when threads run).
# valgrind 3.19 rejects the DWARF of Swift 6 release binaries, so it runs on an
# `objcopy --strip-debug` copy (the counts are the same: debug sections are never executed).
#
# Workloads, all on real documents bundled in Resources/corpus:
#   startup             tordesc --version (answered before ArgumentParser runs)
#   command-startup     tordesc parse --version: a subcommand through ArgumentParser, no work;
#                       the baseline the per-entry figure below subtracts
#   ns-consensus        parse --quiet of a 2,993-entry ns consensus (2012-06-18)
#   ns-consensus-strict the same with --strict
#   microdesc-consensus parse --quiet of a microdesc consensus (2015-11-10)
#   server-descriptors  parse --quiet of 1,000 server descriptors
#   microdescriptors    parse --quiet of 1,000 microdescriptors
# No bundled file holds exactly 1,000 descriptors, so the last two are built here at run time:
# the server descriptors by repeating the 587 of 2020-02-29-10-05-00-server-descriptors until
# there are 1,000, the microdescriptors as the first 1,000 of 2017-03-cached-microdescs.new.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
BASELINE="$ROOT/Benchmarks/instruction-baseline.txt"
MAX_RISE_PERCENT=10
UPDATE=0
case "${1:-}" in
    --update) UPDATE=1 ;;
    "") ;;
    *) echo "usage: $0 [--update]" >&2; exit 2 ;;
esac

for tool in valgrind objcopy awk; do
    command -v "$tool" >/dev/null || { echo "error: $tool is needed (apt-get install valgrind binutils)" >&2; exit 1; }
done

# The release tordesc as the README builds it: the Swift runtime and FoundationEssentials linked
# statically. Measured in one run: `--version` 8.78 M instructions dynamic against 4.16 M static
# (the dynamic loader's symbol lookups across the Swift libraries), a consensus parse 43.07 M
# against 37.74 M, peak RSS 20.1 against 17.8 MiB. Linked by lld with packed relative
# relocations (scripts/release-toolset.json): the 75,000 relocations of a position-independent
# binary take 15 KB instead of 1.8 MB, which the loader no longer reads (about 1 MiB of peak RSS),
# and without exporting the binary's 29,000 symbols (startup 3.78 M -> 2.87 M instructions); its
# code reaches concrete generic metadata through accessors rather than by demangling names at run
# time (a command's startup 14.0 M -> 11.9 M, a consensus parse about 2 M fewer).
if [ -z "${TORDESC:-}" ]; then
    BUILD=(swift build -c release --static-swift-stdlib --toolset "$ROOT/scripts/release-toolset.json")
    "${BUILD[@]}" --product tordesc 2>&1 | tail -n 1
    TORDESC="$("${BUILD[@]}" --show-bin-path)/tordesc"
fi
[ -x "$TORDESC" ] || { echo "error: no executable at $TORDESC" >&2; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/instruction-counts.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
objcopy --strip-debug "$TORDESC" "$WORK/tordesc"

CORPUS="$ROOT/Resources/corpus"

# The release binary is compiled and linked with the toolset's options, the test suite runs the
# debug build: both must print the same for every bundled document, lenient and strict, and for
# a signature check (a few seconds).
DEBUG_TORDESC="$(swift build --show-bin-path)/tordesc"
swift build --product tordesc 2>&1 | tail -n 1
[ -x "$DEBUG_TORDESC" ] || { echo "error: no debug executable at $DEBUG_TORDESC" >&2; exit 1; }
SAME_OUTPUT=(
    "parse --json --no-progress $CORPUS"
    "parse --json --strict --no-progress $CORPUS"
    "verify --at document --certs $CORPUS/key-certs $CORPUS/consensus/2012-06-18-21-00-00-cached-consensus $CORPUS/server-descriptors/2020-02-29-10-05-00-server-descriptors"
)
for command in "${SAME_OUTPUT[@]}"; do
    # Word splitting of $command is meant: the paths have no spaces. The exit status is part of
    # the output (strict parsing fails on Resources/corpus/malformed).
    # shellcheck disable=SC2086
    release=$({ "$TORDESC" $command 2>&1; echo "exit $?"; } | sha256sum)
    # shellcheck disable=SC2086
    debug=$({ "$DEBUG_TORDESC" $command 2>&1; echo "exit $?"; } | sha256sum)
    if [ "$release" != "$debug" ]; then
        echo "error: the release tordesc prints other output than the debug build for: tordesc $command" >&2
        exit 1
    fi
done
echo "release and debug builds print the same for ${#SAME_OUTPUT[@]} commands"

# The first N documents of the files given, each starting at its @annotations (if any) and then
# the line that opens it ($2: "router " or "onion-key").
first_documents() {
    local want=$1 opening=$2; shift 2
    awk -v want="$want" -v opening="^$opening" '
        /^@/ { pending = pending $0 "\n"; next }
        $0 ~ opening { if (++count > want) exit }
        { printf "%s%s\n", pending, $0; pending = "" }' "$@"
}
SERVER="$CORPUS/server-descriptors/2020-02-29-10-05-00-server-descriptors"
first_documents 1000 "router " "$SERVER" "$SERVER" > "$WORK/1000-server-descriptors"
first_documents 1000 "onion-key" "$CORPUS/microdescs/2017-03-cached-microdescs.new" > "$WORK/1000-cached-microdescs"
[ "$(grep -c '^router ' "$WORK/1000-server-descriptors")" = 1000 ] || { echo "error: server descriptor input" >&2; exit 1; }
[ "$(grep -c '^onion-key' "$WORK/1000-cached-microdescs")" = 1000 ] || { echo "error: microdescriptor input" >&2; exit 1; }

NS_CONSENSUS="$CORPUS/consensus/2012-06-18-21-00-00-cached-consensus"
NS_ENTRIES=$(grep -c '^r ' "$NS_CONSENSUS")
WORKLOADS=(
    "startup|--version"
    "command-startup|parse --version"
    "ns-consensus|parse --quiet $NS_CONSENSUS"
    "ns-consensus-strict|parse --quiet --strict $NS_CONSENSUS"
    "microdesc-consensus|parse --quiet $CORPUS/microdesc-consensus/2015-11-10-05-00-00-cached-microdesc-consensus"
    "server-descriptors|parse --quiet $WORK/1000-server-descriptors"
    "microdescriptors|parse --quiet $WORK/1000-cached-microdescs"
)

# Total instructions of one run of the stripped tordesc with the given arguments.
count() {
    local out="$WORK/callgrind.out"
    # shellcheck disable=SC2086 # the arguments are split on purpose
    if ! valgrind --tool=callgrind --callgrind-out-file="$out" --trace-children=no \
        "$WORK/tordesc" $1 >"$WORK/stdout" 2>"$WORK/stderr"; then
        echo "error: tordesc $1 failed under valgrind:" >&2; tail -n 20 "$WORK/stderr" >&2; exit 1
    fi
    awk '/^(summary|totals):/ { print $2; exit }' "$out"
}

declare -A NOW
for workload in "${WORKLOADS[@]}"; do
    name=${workload%%|*}
    NOW[$name]=$(count "${workload#*|}")
done

if [ "$UPDATE" = 1 ]; then
    {
        echo "# Instructions (callgrind total Ir) of the release tordesc per workload; see"
        echo "# scripts/instruction-counts.sh, which compares against this file (fails on > ${MAX_RISE_PERCENT} % rise)."
        echo "# Re-baseline with: scripts/instruction-counts.sh --update"
        echo "# Measured $(date -u +%Y-%m-%d) at commit $(git rev-parse --short HEAD 2>/dev/null || echo unknown)," \
             "$(swift --version 2>/dev/null | head -n 1 | sed 's/ (.*//'), $(valgrind --version), $(uname -m)."
        for workload in "${WORKLOADS[@]}"; do
            name=${workload%%|*}
            echo "$name ${NOW[$name]}"
        done
    } > "$BASELINE"
    echo "wrote $BASELINE"
fi

[ -f "$BASELINE" ] || { echo "error: no baseline; run $0 --update" >&2; exit 1; }
status=0
printf '%-20s %15s %15s %7s\n' workload baseline now ratio
for workload in "${WORKLOADS[@]}"; do
    name=${workload%%|*}
    base=$(awk -v n="$name" '$1 == n { print $2 }' "$BASELINE")
    if [ -z "$base" ]; then
        printf '%-20s %15s %15s %7s  no baseline (run --update)\n' "$name" - "${NOW[$name]}" -
        status=1
        continue
    fi
    verdict=$(awk -v b="$base" -v n="${NOW[$name]}" -v m="$MAX_RISE_PERCENT" \
        'BEGIN { r = n / b; printf "%.3f %s", r, (r > 1 + m / 100 ? "FAIL" : "ok") }')
    printf '%-20s %15s %15s %7s  %s\n' "$name" "$base" "${NOW[$name]}" ${verdict}
    [ "${verdict#* }" = ok ] || status=1
done
# Derived figures (informational): per consensus entry above a command's startup, and strict
# over lenient on the same work.
awk -v s="${NOW[command-startup]}" -v l="${NOW[ns-consensus]}" -v t="${NOW[ns-consensus-strict]}" -v n="$NS_ENTRIES" \
    'BEGIN { printf "per ns-consensus entry: %.0f instructions lenient, %.0f strict (%.2fx lenient), %d entries\n", (l - s) / n, (t - s) / n, (t - s) / (l - s), n }'
[ "$status" = 0 ] || echo "instruction counts rose more than ${MAX_RISE_PERCENT} % (or a baseline is missing)" >&2
exit "$status"
