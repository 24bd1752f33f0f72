#!/usr/bin/env bash
# A private Tor network on loopback for integration tests: 3 v3 directory authorities and
# 3 relays (one with an extra IPv6 ORPort on [::1]), built with Debian's `tor` and `tor-gencert`.
#
# Usage: scripts/private-tor-network.sh start|stop|status DIR
#   start   creates DIR (must not hold a running network), generates keys, starts every tor,
#           waits (at most TORNET_TIMEOUT seconds, default 90) until the consensus lists every
#           router and every relay serves it, and writes DIR/authorities (torrc DirAuthority
#           lines for the client) and DIR/pids ("NAME PID" per process). On any failure it stops
#           what it started.
#   stop    stops every process named in DIR/pids by its PID (TERM, then KILL after 10 s).
#   status  prints each process and whether it runs, and the consensus router count.
# Ports: TORNET_BASE_PORT (default 17000): authority i ORPort BASE+i, DirPort BASE+100+i;
# relay j ORPort BASE+10+j, DirPort BASE+110+j, relay 0 also ORPort [::1]:BASE+20.
# relay0 and relay1 are one family: each names the other (MyFamily) and both hold the family key
# of DIR/family (tor --keygen-family; FamilyId, so family-cert and family-ids); relay2 is alone.
# Opt-in, for ORPort flow-control tests (#16):
#   TORNET_LARGE_DESCRIPTORS=1  every router's ContactInfo is ~15,000 bytes (tor's descriptor
#                               limit is 20,000), so /tor/server/all spans hundreds of cells;
#   TORNET_CONSENSUS_PARAMS="k=v ..."  the authorities vote these consensus parameters (e.g.
#                               "circwindow=100 sendme_accept_min_version=1": relays then wait
#                               for a client's authenticated circuit SENDME every 100 cells).
#   TORNET_ONION=1              once the network is up, one more tor runs a v3 onion service
#                               (HiddenServiceDir DIR/onion/hs, 3 introduction points, port 80 to
#                               127.0.0.1:BASE+30) with a ControlPort on 127.0.0.1:BASE+31, a
#                               ControlSocket DIR/onion/control.sock (its path also written to
#                               DIR/control-socket; tor wants DIR/onion private, 0700) and
#                               cookie authentication (DIR/onion/control_auth_cookie; tor offers
#                               COOKIE and SAFECOOKIE) or a password (HASHEDPASSWORD; the password
#                               is written to DIR/control-password). That tor also fetches the ns consensus, the
#                               server descriptors and extra-info (FetchUselessDescriptors,
#                               DownloadExtraInfo), so every GETINFO document key answers. The
#                               script waits until the service has built its descriptor and writes
#                               its address to DIR/onion-address.
set -Eeuo pipefail

command=${1:?usage: $0 start|stop|status DIR}
dir=${2:?usage: $0 start|stop|status DIR}
base=${TORNET_BASE_PORT:-17000}
# The onion tor's ControlPort takes its cookie (SAFECOOKIE or COOKIE) or this password
# (HashedControlPassword), so that tests reach every authentication method tor offers.
CONTROL_PASSWORD=tordesc-private-network
timeout=${TORNET_TIMEOUT:-90}
authorities=3
relays=3

log() { echo "private-tor-network: $*" >&2; }

# Running and not a zombie (a daemonized tor's zombie lingers where nothing reaps it).
is_running() { kill -0 "$1" 2>/dev/null && [[ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" != "Z" ]]; }

# Stops the processes listed on stdin ("name pid" lines) by their PIDs: TERM, then KILL for
# any still running 10 s later.
stop_listed() {
    local list name pid remaining
    list=$(cat)
    [[ -n "$list" ]] || return 0
    while read -r name pid; do
        # CONT too: a test may have stopped it (SIGSTOP), and a stopped process ignores TERM.
        if is_running "$pid"; then kill -TERM "$pid" 2>/dev/null || true; kill -CONT "$pid" 2>/dev/null || true; fi
    done <<< "$list"
    for _ in $(seq 1 100); do
        remaining=0
        while read -r name pid; do is_running "$pid" && remaining=1; done <<< "$list"
        [[ $remaining == 0 ]] && break
        sleep 0.1
    done
    while read -r name pid; do
        if is_running "$pid"; then log "$name ($pid) ignored TERM, killing"; kill -KILL "$pid" 2>/dev/null || true; fi
    done <<< "$list"
}

stop_all() {
    [[ -f "$dir/pids" ]] || return 0
    stop_listed < "$dir/pids"
    rm -f "$dir/pids"
}

# Whether every authority's current consensus names every authority (its dir-source lines) and
# every authority serves its own current vote. A network seconds old can publish, for a voting
# round or two, a consensus only two of three authorities made and 404 the third one's vote;
# tests that compare the consensus with the authority list then fail (CI's ThreadSanitizer run).
network_settled() {
    local i sources
    for i in $(seq 0 $((authorities - 1))); do
        sources=$(curl -s --max-time 3 "http://127.0.0.1:$((base + 100 + i))/tor/status-vote/current/consensus" 2>/dev/null | grep -c '^dir-source ' || true)
        (( sources >= authorities )) || return 1
        curl -sf --max-time 3 -o /dev/null "http://127.0.0.1:$((base + 100 + i))/tor/status-vote/current/authority" || return 1
    done
    # Every relay serves a consensus that lists every router: a relay that has not fetched one
    # yet answers 404, and tests that ask a relay for it (over its ORPort) then fail (seen once
    # in a CI rehearsal, relay1, right after the authorities had settled).
    local routers
    for i in $(seq 0 $((relays - 1))); do
        routers=$(curl -s --max-time 3 "http://127.0.0.1:$((base + 110 + i))/tor/status-vote/current/consensus" 2>/dev/null | grep -c '^r ' || true)
        (( routers >= authorities + relays )) || return 1
    done
}

# The router count of the current consensus at authority 0, or 0.
consensus_routers() {
    curl -s --max-time 3 "http://127.0.0.1:$((base + 100))/tor/status-vote/current/consensus" 2>/dev/null | grep -c '^r ' || true
}

common_torrc() { # $1 = node dir, $2 = nickname
    cat <<EOF
TestingTorNetwork 1
DataDirectory $1
PidFile $1/pid
Log notice file $1/notice.log
RunAsDaemon 1
SocksPort 0
ControlPort 0
Nickname $2
Address 127.0.0.1
OutboundBindAddress 127.0.0.1
AssumeReachable 1
PathsNeededToBuildCircuits 0.67
TestingDirAuthVoteGuard *
TestingDirAuthVoteHSDir *
TestingMinExitFlagThreshold 0
V3AuthNIntervalsValid 2
ServerDNSResolvConfFile /dev/null
ServerDNSDetectHijacking 0
ServerDNSTestAddresses
EOF
    if [[ -n "${TORNET_LARGE_DESCRIPTORS:-}" ]]; then
        echo "ContactInfo tordescriptors-test <test@localhost> $(printf 'padding%.0s' $(seq 1 2100))"
    else
        echo "ContactInfo tordescriptors-test <test@localhost>"
    fi
    cat "$dir/dirauthority-lines"
}

start() {
    command -v tor >/dev/null && command -v tor-gencert >/dev/null || { log "needs tor and tor-gencert (apt-get install tor)"; exit 1; }
    if [[ -f "$dir/pids" ]]; then log "$dir/pids exists: stop that network first"; exit 1; fi
    mkdir -p "$dir"
    dir=$(cd "$dir" && pwd)
    trap 'log "start failed; stopping what was started"; stop_all; exit 1' ERR INT TERM
    : > "$dir/dirauthority-lines"

    # Keys: an authority identity + signing certificate (tor-gencert) and a relay identity.
    for i in $(seq 0 $((authorities - 1))); do
        local node="$dir/auth$i"
        rm -rf "$node"; mkdir -p "$node/keys"; chmod 700 "$node"
        (cd "$node/keys" && printf '\n' | tor-gencert --create-identity-key --passphrase-fd 0 -m 12 \
            -a "127.0.0.1:$((base + 100 + i))" >/dev/null 2>&1)
        : > "$node/empty-torrc"
        tor --list-fingerprint --DataDirectory "$node" --ORPort "$((base + i))" -f "$node/empty-torrc" --hush >"$node/keygen.log" 2>&1 \
            || { log "auth$i: tor --list-fingerprint failed:"; tail -n 3 "$node/keygen.log" >&2; false; }
        local fpr v3
        fpr=$(cut -d' ' -f2 "$node/fingerprint")
        v3=$(grep '^fingerprint ' "$node/keys/authority_certificate" | cut -d' ' -f2)
        echo "DirAuthority auth$i orport=$((base + i)) no-v2 v3ident=$v3 127.0.0.1:$((base + 100 + i)) $fpr" >> "$dir/dirauthority-lines"
    done
    cp "$dir/dirauthority-lines" "$dir/authorities"

    # A shared family key for relay0 and relay1 (family-cert / family-ids in their documents;
    # tor 0.4.9's FamilyId); relay2 stays outside so the family tests have a relay that is not in it.
    rm -rf "$dir/family"; mkdir -p "$dir/family"
    (cd "$dir/family" && tor --keygen-family tordescfamily --hush >/dev/null 2>&1) || true

    cat > "$dir/bandwidth-file" <<EOF
$(date +%s)
version=1.4.0
software=tordescriptors-test
=====
EOF

    for i in $(seq 0 $((authorities - 1))); do
        local node="$dir/auth$i"
        { common_torrc "$node" "auth$i"
          cat <<EOF
ORPort 127.0.0.1:$((base + i))
DirPort 127.0.0.1:$((base + 100 + i))
AuthoritativeDirectory 1
V3AuthoritativeDirectory 1
VersioningAuthoritativeDirectory 1
RecommendedClientVersions 0.4.8.1,0.4.9.11
RecommendedServerVersions 0.4.8.1,0.4.9.11
V3AuthVotingInterval 10
V3AuthVoteDelay 2
V3AuthDistDelay 2
TestingV3AuthInitialVotingInterval 10
TestingV3AuthInitialVoteDelay 2
TestingV3AuthInitialDistDelay 2
V3BandwidthsFile $dir/bandwidth-file
ExitRelay 0
EOF
          [[ -n "${TORNET_CONSENSUS_PARAMS:-}" ]] && echo "ConsensusParams $TORNET_CONSENSUS_PARAMS"
          true
        } > "$node/torrc"
    done
    # Relay identities first, so relay0 and relay1 can name each other in MyFamily.
    local -a relay_fprs=()
    for j in $(seq 0 $((relays - 1))); do
        local node="$dir/relay$j"
        rm -rf "$node"; mkdir -p "$node/keys"; chmod 700 "$node"
        : > "$node/empty-torrc"
        tor --list-fingerprint --DataDirectory "$node" --ORPort "$((base + 10 + j))" -f "$node/empty-torrc" --hush >"$node/keygen.log" 2>&1 \
            || { log "relay$j: tor --list-fingerprint failed:"; tail -n 3 "$node/keygen.log" >&2; false; }
        relay_fprs[j]=$(cut -d' ' -f2 "$node/fingerprint")
    done
    for j in $(seq 0 $((relays - 1))); do
        local node="$dir/relay$j"
        if [[ $j -le 1 && -f "$dir/family/tordescfamily.secret_family_key" ]]; then
            cp "$dir/family/tordescfamily.secret_family_key" "$node/keys/"
        fi
        { common_torrc "$node" "relay$j"
          [[ $j -le 1 ]] && echo "MyFamily \$${relay_fprs[$((1 - j))]}"
          echo "ORPort 127.0.0.1:$((base + 10 + j))"
          [[ $j == 0 ]] && echo "ORPort [::1]:$((base + 20))"
          echo "DirPort 127.0.0.1:$((base + 110 + j))"
          if [[ $j == 0 ]]; then printf 'ExitRelay 1\nIPv6Exit 1\nExitPolicy accept *:80,accept6 [::1]:*,reject *:*\n'
          else echo "ExitRelay 0"; fi
          [[ $j -le 1 && -f "$dir/family/tordescfamily.public_family_id" ]] && echo "FamilyId $(cat "$dir/family/tordescfamily.public_family_id")"
          true
        } > "$node/torrc"
    done

    : > "$dir/pids"
    for node in $(seq -f 'auth%g' 0 $((authorities - 1))) $(seq -f 'relay%g' 0 $((relays - 1))); do
        tor -f "$dir/$node/torrc" --hush >"$dir/$node/stdout.log" 2>&1 || { log "$node failed to start:"; tail -n 5 "$dir/$node/stdout.log" >&2; false; }
        for _ in $(seq 1 50); do [[ -s "$dir/$node/pid" ]] && break; sleep 0.1; done
        echo "$node $(cat "$dir/$node/pid")" >> "$dir/pids"
    done

    # Wall time (SECONDS), like the onion service's wait: each readiness check makes up to six
    # HTTP requests of up to 3 s, which counting only the sleeps would leave out.
    local routers=0 started=$SECONDS up want=$((authorities + relays))
    while (( SECONDS - started < timeout )); do
        routers=$(consensus_routers)
        (( routers >= want )) && break
        sleep 2
    done
    if (( routers < want )); then
        log "consensus lists $routers of $want routers after ${timeout}s"; false
    fi
    while (( SECONDS - started < timeout )) && ! network_settled; do
        sleep 2
    done
    if ! network_settled; then
        log "after ${timeout}s not every authority's consensus names all $authorities authorities and serves its vote, or not every relay serves it"; false
    fi
    up=$((SECONDS - started))
    [[ -n "${TORNET_ONION:-}" ]] && start_onion_service
    trap - ERR INT TERM
    log "up in ${up}s: $routers routers; authorities in $dir/authorities"
}

# One GETINFO on the onion service's ControlPort; prints the reply.
control_getinfo() { # $1 = key
    local reply
    exec 3<>"/dev/tcp/127.0.0.1/$((base + 31))" || return 1
    printf 'AUTHENTICATE %s\r\nGETINFO %s\r\nQUIT\r\n' "$(od -An -v -tx1 "$dir/onion/control_auth_cookie" | tr -d ' \n')" "$1" >&3
    reply=$(timeout 5 cat <&3 || true)
    exec 3>&- 3<&-
    printf '%s' "$reply"
}

start_onion_service() {
    local node="$dir/onion"
    rm -rf "$node"; mkdir -p "$node/hs"; chmod 700 "$node" "$node/hs"
    cat > "$node/torrc" <<EOF
TestingTorNetwork 1
DataDirectory $node
PidFile $node/pid
Log notice file $node/notice.log
RunAsDaemon 1
SocksPort 0
ControlPort 127.0.0.1:$((base + 31))
ControlSocket $node/control.sock
CookieAuthentication 1
CookieAuthFile $node/control_auth_cookie
HashedControlPassword $(tor --quiet --hash-password "$CONTROL_PASSWORD" | tail -n 1)
OutboundBindAddress 127.0.0.1
PathsNeededToBuildCircuits 0.67
HiddenServiceDir $node/hs
HiddenServicePort 80 127.0.0.1:$((base + 30))
HiddenServiceNumIntroductionPoints 3
FetchUselessDescriptors 1
DownloadExtraInfo 1
$(cat "$dir/dirauthority-lines")
EOF
    # Its descriptor usually exists 4-16 s after the start here. Once, in a CI rehearsal, the
    # onion tor had only just bootstrapped when the wait ran out (its log's last lines: 100 %,
    # then two control connections, no descriptor). A fresh start of the same tor (same keys,
    # so the same address) is the remedy; the log lines say what it waited for.
    local attempt address=""
    for attempt in 1 2; do
        launch_onion_tor || return 1
        if address=$(wait_for_onion_descriptor); then
            echo "$address" > "$dir/onion-address"
            echo "$node/control.sock" > "$dir/control-socket"
            echo "$CONTROL_PASSWORD" > "$dir/control-password"
            return 0
        fi
        log "the onion service built no descriptor in ${timeout}s (start $attempt of 2); its last log lines:"
        tail -n 25 "$node/notice.log" >&2
        stop_onion_tor
    done
    false
}

launch_onion_tor() {
    local node="$dir/onion"
    tor -f "$node/torrc" --hush >"$node/stdout.log" 2>&1 || { log "onion service failed to start:"; tail -n 5 "$node/stdout.log" >&2; return 1; }
    for _ in $(seq 1 50); do [[ -s "$node/pid" ]] && break; sleep 0.1; done
    echo "onion $(cat "$node/pid")" >> "$dir/pids"
}

# Stops the onion tor by its PID and takes it off the list stop_all reads.
stop_onion_tor() {
    awk '$1 == "onion"' "$dir/pids" | stop_listed
    awk '$1 != "onion"' "$dir/pids" > "$dir/pids.new" && mv "$dir/pids.new" "$dir/pids"
    rm -f "$dir/onion/pid"
}

# Waits (wall time) until the onion service has built its descriptor; prints its address.
wait_for_onion_descriptor() {
    local node="$dir/onion" started=$SECONDS address=""
    while (( SECONDS - started < timeout )); do
        [[ -s "$node/hs/hostname" ]] && address=$(tr -d '\n' < "$node/hs/hostname")
        if [[ -n "$address" ]] && control_getinfo "hs/service/desc/id/${address%.onion}" | grep -q '^hs-descriptor 3'; then
            log "onion service $address has its descriptor after $((SECONDS - started))s"
            echo "$address"
            return 0
        fi
        sleep 2
    done
    return 1
}

case "$command" in
    start) start ;;
    stop) stop_all; log "stopped" ;;
    status)
        [[ -f "$dir/pids" ]] || { echo "not running"; exit 1; }
        while read -r name pid; do
            if is_running "$pid"; then echo "$name $pid running"; else echo "$name $pid stopped"; fi
        done < "$dir/pids"
        echo "consensus routers: $(consensus_routers)" ;;
    *) echo "usage: $0 start|stop|status DIR" >&2; exit 2 ;;
esac
