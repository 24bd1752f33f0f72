#!/usr/bin/env python3
"""Prints, for each document in a file, Stem's values of a few attributes as one JSON line.

Used by StemDifferentialTests.swift as an independent oracle: the Swift test parses the same
file with TorDescriptors and compares its `tordesc parse --json` keys with these.

usage: dump.py server-descriptor|bridge-server-descriptor|extra-info|bridge-extra-info|microdescriptor FILE
"""
import json
import sys

import stem.descriptor


def text(value):
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode('utf-8', 'replace')
    return str(value)


def server(desc):
    return {
        'nickname': desc.nickname,
        'fingerprint': desc.fingerprint,
        'published': text(desc.published),
        'address': desc.address,
        'or_port': desc.or_port,
        'platform': text(desc.platform),
        'contact': text(desc.contact),
        'uptime': desc.uptime,
        'average_bandwidth': desc.average_bandwidth,
        'burst_bandwidth': desc.burst_bandwidth,
        'observed_bandwidth': desc.observed_bandwidth,
        'exit_policy': str(desc.exit_policy),
        'family': sorted(desc.family),
        'ntor_onion_key': desc.ntor_onion_key,
        'or_addresses': [[a, p, v6] for a, p, v6 in desc.or_addresses],
        'digest': desc.digest(),
    }


def extra(desc):
    return {
        'nickname': desc.nickname,
        'fingerprint': desc.fingerprint,
        'published': text(desc.published),
        'geoip_db_digest': desc.geoip_db_digest,
        'read_history_end': text(desc.read_history_end),
        'read_history_values': desc.read_history_values,
        'write_history_values': desc.write_history_values,
        'dir_v3_requests': desc.dir_v3_requests,
    }


def micro(desc):
    return {
        'ntor_onion_key': desc.ntor_onion_key,
        'exit_policy': str(desc.exit_policy),
        'family': sorted(str(f) for f in desc.family),
        'or_addresses': [[a, p, v6] for a, p, v6 in desc.or_addresses],
        'digest': desc.digest(),
    }


def main():
    kind, path = sys.argv[1], sys.argv[2]
    dump = {'server-descriptor': server, 'bridge-server-descriptor': server,
            'extra-info': extra, 'bridge-extra-info': extra, 'microdescriptor': micro}[kind]
    for desc in stem.descriptor.parse_file(path, kind + ' 1.0', validate=True):
        print(json.dumps(dump(desc), sort_keys=True))


if __name__ == '__main__':
    main()
