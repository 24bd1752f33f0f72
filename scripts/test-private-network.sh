#!/usr/bin/env bash
# Start a private Tor network, run the TorDirectory integration tests against it, and stop the
# network whatever happens (the trap runs on success, failure and interruption).
# Usage: scripts/test-private-network.sh [extra `swift test` arguments]
set -euo pipefail
cd "$(dirname "$0")/.."
net=$(mktemp -d "${TMPDIR:-/tmp}/tordesc-net.XXXXXX")
cleanup() { scripts/private-tor-network.sh stop "$net" || true; rm -rf "$net"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
TORNET_ONION=1 scripts/private-tor-network.sh start "$net"
TORDESC_PRIVATE_NET="$net" swift test --filter TorDirectoryTests "$@"
