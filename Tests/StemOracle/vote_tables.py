#!/usr/bin/env python3
"""Prints, as one JSON object, the vote-comparison tables of a voting period computed by Stem.

Used by ConsensusHealthStemTests.swift as an independent oracle for VoteComparison: Stem parses
the votes, this script counts. For each vote (in the order given; a file such as tor's
v3-status-votes may hold several), the authority, its entry count, its entries with a Measured
value, how many entries carry each flag (every known-flags flag, zero included), and the relays
other votes list that it does not. Then every (relay, flag) pair where some, but not more than
half, of the authorities that list the relay and vote on the flag give it.

usage: vote_tables.py VOTE-FILE...
"""
import json
import sys

from stem.descriptor.networkstatus import NetworkStatusDocumentV3


def documents(path):
    """Splits a file into vote documents at each `network-status-version` line."""
    with open(path, 'rb') as handle:
        data = handle.read()
    starts = [0] if data.startswith(b'network-status-version') else []
    position = data.find(b'\nnetwork-status-version')
    while position != -1:
        starts.append(position + 1)
        position = data.find(b'\nnetwork-status-version', position + 1)
    return [data[start:end] for start, end in zip(starts, starts[1:] + [len(data)])]


def main(paths):
    votes = []
    for path in paths:
        for raw in documents(path):
            votes.append(NetworkStatusDocumentV3(raw, validate=True))
    listings = [dict(vote.routers) for vote in votes]
    every = set()
    for listing in listings:
        every.update(listing.keys())
    rows = []
    for vote, listing in zip(votes, listings):
        counts = {flag: 0 for flag in vote.known_flags}
        for entry in listing.values():
            for flag in entry.flags:
                counts[flag] = counts.get(flag, 0) + 1
        authority = vote.directory_authorities[0]
        rows.append({
            'nickname': authority.nickname,
            'identity': authority.v3ident,
            'relays': len(listing),
            'measured': sum(1 for entry in listing.values() if entry.measured is not None),
            'flags': counts,
            'missing': sorted(fingerprint for fingerprint in every if fingerprint not in listing),
        })
    minority = []
    flags = sorted(set(flag for vote in votes for flag in vote.known_flags))
    for fingerprint in sorted(every):
        for flag in flags:
            given, voting = [], 0
            for vote, listing in zip(votes, listings):
                entry = listing.get(fingerprint)
                if entry is None or flag not in vote.known_flags:
                    continue
                voting += 1
                if flag in entry.flags:
                    given.append(vote.directory_authorities[0].nickname)
            if given and len(given) * 2 <= voting:
                minority.append([fingerprint, flag, given])
    print(json.dumps({'authorities': rows, 'minority': minority}, sort_keys=True))


if __name__ == '__main__':
    main(sys.argv[1:])
