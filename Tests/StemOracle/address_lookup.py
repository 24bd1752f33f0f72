#!/usr/bin/env python3
"""Answers "which relays had this address?" with Stem, for AddressLookupStemTests.swift.

For each consensus (ns flavor) and exit list given, read with stem.descriptor.parse_file, and
for each ADDRESS: every router status entry whose address or one of whose or_addresses equals
it, per valid-after, as [valid_after, fingerprint, nickname, address, port, sorted flags]; and
every exit-list ExitAddress equal to it as [seen, fingerprint]. Prints one JSON object keyed by
address. Addresses are compared as ipaddress objects (IPv6 spellings differ).

usage: address_lookup.py --address A [--address B ...] --consensus FILE... --exit-list FILE...
"""
import argparse
import ipaddress
import json

from stem.descriptor import DocumentHandler, parse_file


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--address', action='append', default=[])
    parser.add_argument('--consensus', action='append', default=[])
    parser.add_argument('--exit-list', action='append', default=[])
    args = parser.parse_args()
    wanted = {ipaddress.ip_address(a): a for a in args.address}
    answer = {a: {'consensus': [], 'exit': []} for a in args.address}

    for path in args.consensus:
        for document in parse_file(path, 'network-status-consensus-3 1.0', validate=False,
                                   document_handler=DocumentHandler.DOCUMENT):
            valid_after = str(document.valid_after)
            for entry in document.routers.values():
                candidates = [(entry.address, entry.or_port)] + [(a, p) for a, p, _ in entry.or_addresses]
                for address, port in candidates:
                    key = wanted.get(ipaddress.ip_address(address))
                    if key is not None:
                        answer[key]['consensus'].append(
                            [valid_after, entry.fingerprint, entry.nickname, str(ipaddress.ip_address(address)), port,
                             sorted(entry.flags)])

    for path in args.exit_list:
        for entry in parse_file(path, 'tordnsel 1.0', validate=False):
            for address, seen in entry.exit_addresses:
                key = wanted.get(ipaddress.ip_address(address))
                if key is not None:
                    answer[key]['exit'].append([str(seen), entry.fingerprint])

    print(json.dumps(answer, sort_keys=True))


if __name__ == '__main__':
    main()
