#!/usr/bin/env bash
# `tordesc export --sql` against a real PostgreSQL: starts a private server (initdb in a
# temporary directory, a unix socket in that directory, no TCP listener, so two runs never
# collide), loads the export of the bundled corpus twice and checks that the second load adds
# nothing, runs the queries of Examples/sql and compares their counts with `tordesc summary`,
# `tordesc exits` and `tordesc parse --json` on the same files.
#
# It fails (never skips) when PostgreSQL is missing: initdb, pg_ctl, postgres and psql are
# looked for on PATH, then in /usr/lib/postgresql/*/bin (Debian's `postgresql` package;
# POSTGRES_BIN_GLOB replaces that pattern, which is how the failure was shown).
# Run as root (CI), the server runs as `nobody` (PostgreSQL refuses to run as root).
# The server is stopped by its PID on every exit; the whole run is bounded by `timeout`.
#
# Usage: scripts/test-postgres.sh [CORPUS_DIR]   (default Resources/corpus)
# TORDESC names the executable (default .build/debug/tordesc, built if missing).
set -euo pipefail
cd "$(dirname "$0")/.."
corpus=${1:-Resources/corpus}
tordesc=${TORDESC:-.build/debug/tordesc}

fail() { echo "test-postgres: FAIL: $*" >&2; exit 1; }

find_tool() {
    local name=$1 candidate
    if command -v "$name" >/dev/null 2>&1; then command -v "$name"; return; fi
    for candidate in ${POSTGRES_BIN_GLOB:-/usr/lib/postgresql/*/bin}/"$name"; do
        if [ -x "$candidate" ]; then echo "$candidate"; return; fi
    done
    fail "PostgreSQL's $name is not installed (Debian: apt-get install postgresql)"
}
initdb=$(find_tool initdb); pg_ctl=$(find_tool pg_ctl); find_tool postgres >/dev/null; psql_bin=$(find_tool psql)
[ -x "$tordesc" ] || swift build --product tordesc 2>&1 | tail -n 1
[ -x "$tordesc" ] || fail "no tordesc executable at $tordesc"

work=$(mktemp -d /tmp/tordesc-postgres.XXXXXX)
server_pid=""
as_server_user=()
if [ "$(id -u)" -eq 0 ]; then
    chown nobody "$work"
    as_server_user=(runuser -u nobody --)
fi
stop_server() {
    # The PID postgres wrote itself (first line of postmaster.pid), else the one recorded at start.
    if [ -f "$work/data/postmaster.pid" ]; then server_pid=$(head -n 1 "$work/data/postmaster.pid"); fi
    if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
        kill -INT "$server_pid" 2>/dev/null || true   # fast shutdown
        for _ in $(seq 1 50); do kill -0 "$server_pid" 2>/dev/null || break; sleep 0.2; done
        kill -KILL "$server_pid" 2>/dev/null || true
    fi
    rm -rf "$work"
}
trap stop_server EXIT

bounded() { timeout --kill-after=5 "$@"; }

bounded 60 "${as_server_user[@]}" "$initdb" -D "$work/data" -U tordesc --auth=trust --encoding=UTF8 --locale=C >"$work/initdb.log" 2>&1 \
    || { cat "$work/initdb.log" >&2; fail "initdb failed"; }
port=5432   # only names the socket file: listen_addresses='' opens no TCP port
bounded 60 "${as_server_user[@]}" "$pg_ctl" -D "$work/data" -l "$work/server.log" -w -t 50 \
    -o "-c listen_addresses='' -c unix_socket_directories='$work' -p $port -c fsync=off" start >/dev/null \
    || { cat "$work/server.log" >&2; fail "the server did not start"; }
server_pid=$(head -n 1 "$work/data/postmaster.pid")
echo "test-postgres: server pid $server_pid, socket in $work"

psql() { bounded 120 "$psql_bin" -X -q -v ON_ERROR_STOP=1 -h "$work" -p "$port" -U tordesc -d postgres "$@"; }
query() { psql -At -F '|' -c "$1"; }

bounded 120 "$tordesc" export --sql "$corpus" >"$work/load.sql" 2>"$work/export.log" || { cat "$work/export.log" >&2; fail "export failed"; }
cat "$work/export.log"
chmod a+r "$work/load.sql"

tables=$(grep -o '^CREATE TABLE IF NOT EXISTS [a-z_]*' "$work/load.sql" | awk '{print $6}')
counts() { for table in $tables; do printf '%s %s\n' "$table" "$(query "SELECT count(*) FROM $table")"; done; }

psql -f "$work/load.sql" || fail "the first load failed"
counts >"$work/counts-1"
psql -f "$work/load.sql" || fail "the second load failed"
counts >"$work/counts-2"
cat "$work/counts-1"
diff -u "$work/counts-1" "$work/counts-2" || fail "the second load of the same documents added rows"
awk '$2 == 0 { print "empty table: " $1; bad = 1 } END { exit bad }' "$work/counts-1" || fail "a table stayed empty"

# Each example query must run; its output is kept for the comparisons below.
for file in Examples/sql/*.sql; do
    psql -At -F '|' -f "$file" >"$work/$(basename "$file" .sql).out" || fail "$file failed"
    echo "test-postgres: $file: $(wc -l <"$work/$(basename "$file" .sql).out") rows"
done

# The CLI's figures for every consensus, exit list and bandwidth file the database holds
# (found by the file each document was loaded from).
: >"$work/cli-consensus"
query "SELECT d.source FROM documents d WHERE d.kind IN ('consensus', 'microdesc-consensus') ORDER BY 1" >"$work/consensus-sources"
while IFS= read -r source; do
    summary=$(bounded 60 "$tordesc" summary --json "$source")
    listed=$(bounded 60 "$tordesc" exits --json --consensus "$source" | wc -l)
    printf '%s\t%s\n' "$summary" "$listed" >>"$work/cli-consensus"
done <"$work/consensus-sources"
[ -s "$work/cli-consensus" ] || fail "no consensus in the database"
: >"$work/cli-collector"
query "SELECT d.source || '|' || d.digest FROM documents d WHERE d.kind IN ('exit-list', 'bandwidth-file') ORDER BY 1" >"$work/collector-sources"
while IFS='|' read -r source digest; do
    printf '%s\t%s\t%s\n' "$digest" "$(bounded 60 "$tordesc" summary --json "$source")" \
        "$(query "SELECT (SELECT count(*) FROM exit_list_entries WHERE list_digest = '$digest') || ' ' ||
                         (SELECT count(*) FROM exit_list_addresses WHERE list_digest = '$digest') || ' ' ||
                         (SELECT count(*) FROM bandwidth_entries WHERE file_digest = '$digest')")" >>"$work/cli-collector"
done <"$work/collector-sources"
bounded 120 "$tordesc" parse --json "$corpus" 2>/dev/null >"$work/parse.jsonl" || true

WORK="$work" bounded 120 python3 - <<'PYTHON' || fail "the queries disagree with the CLI"
import json, os, re, sys
from collections import Counter, defaultdict
work = os.environ["WORK"]
problems = []
def check(what, got, want):
    if got != want: problems.append(f"{what}: database {got}, CLI {want}")

def rows(name):
    with open(f"{work}/{name}.out") as f:
        return [line.rstrip("\n").split("|") for line in f if line.strip()]

# exits-per-hour: one row per consensus, keyed by hour and flavor.
exits = {(r[0], r[1]): tuple(map(int, r[2:5])) for r in rows("exits-per-hour")}
shares = defaultdict(lambda: [0, 0, 0.0])
for valid_after, flavor, network, relays, bandwidth, share in rows("bandwidth-share-by-network"):
    key = (valid_after[:13] + ":00", flavor)
    shares[key][0] += int(relays); shares[key][1] += int(bandwidth); shares[key][2] += float(share or 0)
consensuses = 0
with open(f"{work}/cli-consensus") as f:
    for line in f:
        summary_text, listed = line.rstrip("\n").split("\t")
        summary = json.loads(summary_text)
        key = (summary["valid_after"][:13] + ":00", summary["flavor"])
        consensuses += 1
        check(f"{key} exit_flag/usable_exits/relays", exits.get(key), (summary["exits"], int(listed), summary["relays"]))
        relays, bandwidth, share = shares.get(key, [None, None, 0.0])
        check(f"{key} relays and weight summed over /16s", (relays, bandwidth), (summary["relays"], summary["bandwidth"]))
        if summary["bandwidth"] > 0 and abs(share - 100.0) > 0.5:
            problems.append(f"{key}: /16 shares add up to {share}, not 100")
check("consensuses in exits-per-hour", len(exits), consensuses)

collector = 0
with open(f"{work}/cli-collector") as f:
    for line in f:
        digest, summary_text, db = line.rstrip("\n").split("\t")
        summary = json.loads(summary_text); entries, addresses, bandwidth_lines = map(int, db.split())
        collector += 1
        if summary["type"] == "tordnsel":
            check(f"exit list {digest[:12]} relays/addresses", (entries, addresses), (summary["relays"], summary["exit_addresses"]))
        else:
            check(f"bandwidth file {digest[:12]} relay lines", bandwidth_lines, summary["relay_lines"])
if collector == 0: problems.append("no exit list or bandwidth file in the database")

# family-sizes against the descriptors as `tordesc parse --json` prints them: newest per
# fingerprint (a tie between descriptors declaring different families would make the
# expectation ambiguous, and is reported rather than guessed).
newest = {}
ties = set()
with open(f"{work}/parse.jsonl") as f:
    for line in f:
        d = json.loads(line)
        if not ("or_port" in d and "family" in d and "published" in d) or not d.get("fingerprint"): continue
        fp = d["fingerprint"].upper()
        members = set()
        for m in d["family"] or []:
            found = re.fullmatch(r"\$([0-9A-Fa-f]{40})(?:[=~].*)?", m)
            if found and found.group(1).upper() != fp: members.add(found.group(1).upper())
        known = newest.get(fp)
        if known is None or (d["published"] or "") > known[0]: newest[fp] = (d["published"] or "", members)
        elif (d["published"] or "") == known[0] and members != known[1]: ties.add(fp)
if ties: problems.append(f"descriptors of {sorted(ties)} tie on published with different families")
sizes = Counter(len(m) + 1 for _, m in newest.values())
mutual = Counter()
for fp, (_, members) in newest.items():
    mutual[len(members) + 1] += sum(1 for other in members if other in newest and fp in newest[other][1])
family = {int(r[0]): (int(r[1]), int(r[2])) for r in rows("family-sizes")}
check("family sizes (relays, mutual links) per size", family, {size: (sizes[size], mutual[size]) for size in sizes})
if not any(size > 1 for size in family): problems.append("no declared family in the corpus: the family check proves nothing")

for problem in problems: print("mismatch:", problem, file=sys.stderr)
print(f"test-postgres: {consensuses} consensuses, {collector} exit lists and bandwidth files, "
      f"{len(newest)} relays' families compared with the CLI")
sys.exit(1 if problems else 0)
PYTHON
echo "test-postgres: OK"
