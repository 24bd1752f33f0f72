#!/usr/bin/env python3
"""Prints, for each document in a file, Stem's values of a few attributes as one JSON line.

Used by StemDifferentialTests.swift as an independent oracle: the Swift test parses the same
file with TorDescriptors and compares its `tordesc parse --json` keys with these.

usage: dump.py server-descriptor|bridge-server-descriptor|extra-info|bridge-extra-info|microdescriptor FILE
       dump.py network-status-consensus-3|network-status-microdesc-consensus-3 FILE
           (first line: the header's attributes; then one line per router status entry)
       dump.py tordnsel FILE
           (one line per ExitNode block: Stem reads each as a TorDNSEL descriptor)
       dump.py bandwidth-file FILE
           (one line: every BandwidthFile attribute, recent_stats nested as Stem nests it)
       dump.py exits-port FILE PORT
           (one line per consensus entry whose exit_policy, the p line summary, allows PORT, with
           or without the Exit flag, as a client picking an exit asks: the fingerprint, then
           " BadExit" when the entry has that flag; a summary has no addresses, so Stem asks
           can_exit_to(port=PORT) with no address, which for a MicroExitPolicy is the port check
           alone)
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


MISSING = object()


def consensus_header(doc):
    def authority(a):
        return {
            'nickname': a.nickname, 'v3ident': a.v3ident, 'hostname': a.hostname, 'address': a.address,
            'dir_port': a.dir_port, 'or_port': a.or_port, 'is_legacy': a.is_legacy, 'contact': a.contact,
            'vote_digest': a.vote_digest, 'legacy_dir_key': a.legacy_dir_key,
        }

    header = {
        'version': doc.version,
        'version_flavor': doc.version_flavor,
        'is_consensus': doc.is_consensus,
        'is_vote': doc.is_vote,
        'is_microdescriptor': doc.is_microdescriptor,
        'consensus_method': doc.consensus_method,
        'valid_after': text(doc.valid_after),
        'fresh_until': text(doc.fresh_until),
        'valid_until': text(doc.valid_until),
        'vote_delay': doc.vote_delay,
        'dist_delay': doc.dist_delay,
        'client_versions': [str(v) for v in doc.client_versions],
        'server_versions': [str(v) for v in doc.server_versions],
        'known_flags': doc.known_flags,
        'params': doc.params,
        'recommended_client_protocols': doc.recommended_client_protocols,
        'recommended_relay_protocols': doc.recommended_relay_protocols,
        'required_client_protocols': doc.required_client_protocols,
        'required_relay_protocols': doc.required_relay_protocols,
        'shared_randomness_previous_reveal_count': doc.shared_randomness_previous_reveal_count,
        'shared_randomness_previous_value': doc.shared_randomness_previous_value,
        'shared_randomness_current_reveal_count': doc.shared_randomness_current_reveal_count,
        'shared_randomness_current_value': doc.shared_randomness_current_value,
        'bandwidth_weights': doc.bandwidth_weights,
        'directory_authorities': [authority(a) for a in doc.directory_authorities],
        'signatures': [{'method': s.method, 'identity': s.identity, 'key_digest': s.key_digest} for s in doc.signatures],
    }
    for optional in ('bandwidth_file_headers', 'bandwidth_file_digest'):
        value = getattr(doc, optional, MISSING)
        if value is not MISSING:
            header[optional] = value
    return header


def router_status_entry(entry):
    policy = getattr(entry, 'exit_policy', None)
    return {
        'nickname': entry.nickname,
        'fingerprint': entry.fingerprint,
        'digest': entry.digest,
        'published': text(entry.published),
        'address': entry.address,
        'or_port': entry.or_port,
        'dir_port': entry.dir_port,
        'flags': entry.flags,
        'version_line': entry.version_line,
        'bandwidth': entry.bandwidth,
        'measured': entry.measured,
        'is_unmeasured': entry.is_unmeasured,
        'unrecognized_bandwidth_entries': entry.unrecognized_bandwidth_entries,
        'exit_policy': None if policy is None else str(policy),
        'microdescriptor_digest': getattr(entry, 'microdescriptor_digest', None),
        'or_addresses': [[a, p, v6] for a, p, v6 in entry.or_addresses],
        'protocols': entry.protocols,
    }


def consensus(kind, path):
    doc = next(stem.descriptor.parse_file(path, kind + ' 1.0', validate=True, document_handler='DOCUMENT'))
    print(json.dumps(consensus_header(doc), sort_keys=True))
    for entry in doc.routers.values():
        print(json.dumps(router_status_entry(entry), sort_keys=True))


def exits_port(path, port):
    doc = next(stem.descriptor.parse_file(path, 'network-status-consensus-3 1.0', validate=True, document_handler='DOCUMENT'))
    for entry in doc.routers.values():
        if entry.exit_policy is not None and entry.exit_policy.can_exit_to(port=port):
            print(entry.fingerprint + (' BadExit' if 'BadExit' in entry.flags else ''))


def tordnsel(desc):
    return {
        'fingerprint': desc.fingerprint,
        'published': text(desc.published),
        'last_status': text(desc.last_status),
        'exit_addresses': [[address, text(date)] for address, date in desc.exit_addresses],
    }


def bandwidth_file(desc):
    failures = desc.recent_stats.relay_failures
    stats = desc.recent_stats
    return {
        'timestamp': text(desc.timestamp),
        'version': desc.version,
        'software': desc.software,
        'software_version': desc.software_version,
        'earliest_bandwidth': text(desc.earliest_bandwidth),
        'latest_bandwidth': text(desc.latest_bandwidth),
        'created_at': text(desc.created_at),
        'generated_at': text(desc.generated_at),
        'consensus_size': desc.consensus_size,
        'eligible_count': desc.eligible_count,
        'eligible_percent': desc.eligible_percent,
        'min_count': desc.min_count,
        'min_percent': desc.min_percent,
        'scanner_country': desc.scanner_country,
        'destinations_countries': desc.destinations_countries,
        'time_to_report_half_network': desc.time_to_report_half_network,
        'recent_stats': {
            'consensus_count': stats.consensus_count,
            'prioritized_relay_lists': stats.prioritized_relay_lists,
            'prioritized_relays': stats.prioritized_relays,
            'measurement_attempts': stats.measurement_attempts,
            'measurement_failures': stats.measurement_failures,
            'relay_failures': {
                'no_measurement': failures.no_measurement,
                'insuffient_period': failures.insuffient_period,
                'insufficient_measurements': failures.insufficient_measurements,
                'stale': failures.stale,
            },
        },
        'header': dict(desc.header),
        'measurements': desc.measurements,
    }


def main():
    kind, path = sys.argv[1], sys.argv[2]
    if kind == 'exits-port':
        return exits_port(path, int(sys.argv[3]))
    if kind in ('network-status-consensus-3', 'network-status-microdesc-consensus-3'):
        return consensus(kind, path)
    dump = {'server-descriptor': server, 'bridge-server-descriptor': server,
            'extra-info': extra, 'bridge-extra-info': extra, 'microdescriptor': micro,
            'tordnsel': tordnsel, 'bandwidth-file': bandwidth_file}[kind]
    for desc in stem.descriptor.parse_file(path, kind + ' 1.0', validate=True):
        print(json.dumps(dump(desc), sort_keys=True))


if __name__ == '__main__':
    main()
