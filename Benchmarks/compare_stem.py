#!/usr/bin/env python3
"""Times Stem on exactly the inputs the Swift benchmark read, in the same run, and prints the
ratio per workload.

usage: Benchmarks/compare_stem.py [--rounds N] [--binary PATH] [--bundled-only] [--warm] [ROOT...]

Without ROOT (the default) it runs the Swift benchmark's no-argument mode with
`--json FILE --keep-inputs DIR --cores 1`: the CollecTor-shaped inputs (extracted directory,
.tar and .tar.xz per type) are built once, the Swift figures measured, and Stem then reads the
very same directories and archives (`stem.descriptor.parse_file` on each file, or on the tar,
which Stem opens with Python's tarfile). Per type, form and mode it prints Stem's time per
document next to ours (1 core, best round):

  parse   Stem validate=False (Stem parses lazily: this is mostly splitting) vs our parse;
  access  Stem validate=False plus reading the same fields as our `access` mode (this forces
          Stem's lazy parse) vs our access;
  verify  Stem validate=True (Stem's own checks: digests and, for server descriptors, the
          signature against the signing key when `cryptography` is installed) vs our full
          verification.

With ROOT arguments (or --warm) it compares the warm in-memory table instead, as before.
Stem 1.8.2 is needed (`python3 -m venv v && v/bin/pip install stem==1.8.2`).
"""
import argparse
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import time

import stem.descriptor
from stem.descriptor import DocumentHandler

# Our DescriptorType names → Stem's @type names (used when a file has no @type annotation).
STEM_TYPES = {
    'server-descriptor': 'server-descriptor 1.0',
    'bridge-server-descriptor': 'bridge-server-descriptor 1.2',
    'extra-info': 'extra-info 1.0',
    'bridge-extra-info': 'bridge-extra-info 1.3',
    'microdescriptor': 'microdescriptor 1.0',
    'network-status-consensus-3': 'network-status-consensus-3 1.0',
    'network-status-microdesc-consensus-3': 'network-status-microdesc-consensus-3 1.0',
    'network-status-vote-3': 'network-status-vote-3 1.0',
    # The other types Stem reads (warm table only; the forms table builds none of them).
    'dir-key-certificate-3': 'dir-key-certificate-3 1.0',
    'detached-signature-3': 'detached-signature-3 1.0',
    'bridge-network-status': 'bridge-network-status 1.2',
    'network-status-2': 'network-status-2 1.0',
    'tordnsel': 'tordnsel 1.0',
    'bandwidth-file': 'bandwidth-file 1.0',
}
CONSENSUS_TYPES = {'network-status-consensus-3', 'network-status-microdesc-consensus-3', 'network-status-vote-3'}


def stem_type(path, our_type):
    with open(path, 'rb') as f:
        head = f.read(200)
    if head.startswith(b'@type '):
        return None  # Stem reads the annotation itself
    if our_type == 'server-descriptor' and b'bridge' in os.path.basename(path).encode():
        return STEM_TYPES['bridge-server-descriptor']
    return STEM_TYPES.get(our_type)


def touch(document, our_type):
    """The fields our `access` mode reads (Workloads.swift), summed the same way."""
    total = 0
    if our_type == 'server-descriptor':
        d = document
        total += len(d.nickname or '') + hash(d.address) + (d.or_port or 0) + (d.dir_port or 0)
        total += hash(d.fingerprint) + len(d.platform or b'')
        total += (d.average_bandwidth or 0) + (d.burst_bandwidth or 0) + (d.observed_bandwidth or 0)
        total += 1 if d.exit_policy and d.exit_policy.can_exit_to(port=443) else 0
        total += hash(d.published) + len(d.family or ()) + len(d.or_addresses or ()) + (d.uptime or 0)
        total += len(d.contact or b'')
    elif our_type == 'extra-info':
        d = document
        total += len(d.nickname or '') + hash(d.fingerprint) + hash(d.published)
        for values in (d.read_history_values, d.write_history_values, d.dir_read_history_values, d.dir_write_history_values):
            total += sum(values or ())
        total += len(d.transport or {}) + len(d.geoip_client_origins or {})
    elif our_type == 'microdescriptor':
        d = document
        total += len(d.onion_key or '') + len(d.ntor_onion_key or '')
        total += 1 if d.exit_policy and d.exit_policy.can_exit_to(port=443) else 0
        total += len(d.family or ()) + len(d.or_addresses or ()) + len(d.identifiers or {})
    else:
        total += hash(document.valid_after) if hasattr(document, 'valid_after') else 0
        for entry in document.routers.values():
            total += len(entry.nickname) + hash(entry.fingerprint) + len(entry.flags) + (entry.bandwidth or 0)
            total += hash(entry.address) + (entry.or_port or 0) + (entry.dir_port or 0) + len(entry.or_addresses)
            total += hash(getattr(entry, 'microdescriptor_digest', None) or getattr(entry, 'digest', None))
    return total


def stem_files(path):
    """The files Stem reads for one input: the tar itself, or every file of the directory."""
    if os.path.isdir(path):
        for folder, _, names in sorted(os.walk(path)):
            for name in sorted(names):
                yield os.path.join(folder, name)
    else:
        yield path


def time_stem_input(path, our_type, mode, rounds):
    """Best of `rounds` reads of one input with Stem: (documents, seconds)."""
    validate = mode == 'verify'
    best = None
    documents = 0
    for _ in range(rounds):
        count = 0
        start = time.perf_counter()
        for file in stem_files(path):
            kwargs = {'validate': validate}
            if our_type in CONSENSUS_TYPES:
                kwargs['document_handler'] = DocumentHandler.DOCUMENT
            # Tarballs: Stem reads each member's @type annotation itself.
            descriptor_type = None if tarfile.is_tarfile(file) else stem_type(file, our_type)
            for document in stem.descriptor.parse_file(file, descriptor_type, **kwargs):
                if mode == 'access':
                    touch(document, our_type)
                elif our_type in CONSENSUS_TYPES:
                    len(document.routers)
                count += 1
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
        documents = count
    return documents, best


def run_swift(arguments):
    binary = arguments.binary
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'swift.json')
        command = [binary] if binary else ['swift', 'run', '-c', 'release', 'TorDescriptorsBenchmarks']
        subprocess.run(command + arguments.swift_arguments + ['--json', out], check=True, stdout=sys.stderr)
        with open(out) as f:
            return json.load(f)


def compare_forms(args):
    keep = tempfile.mkdtemp(prefix='compare-stem-')
    try:
        args.swift_arguments = ['--keep-inputs', keep, '--cores', '1', '--form-rounds', str(args.swift_rounds)]
        args.swift_arguments += ['--bundled-only'] if args.bundled_only else ['--with-shared']
        swift = run_swift(args)
        print('Stem %s vs TorDescriptors: the same CollecTor-shaped inputs, same run, 1 core, best of %d (Stem) / %d (Swift)'
              % (stem.__version__, args.rounds, args.swift_rounds))
        print('%-38s %-9s %-7s %7s %7s %13s %13s %8s' % ('type', 'form', 'mode', 'docs', 'stem', 'stem µs/doc', 'swift µs/doc', 'ratio'))
        for row in swift['workloads']:
            if row.get('section') != 'forms' or row['cores'] != 1 or row['type'] not in STEM_TYPES:
                continue
            try:
                documents, seconds = time_stem_input(row['path'], row['type'], row['mode'], args.rounds)
            except Exception as error:  # Stem fails on some inputs we read; say so, go on
                print('%-38s %-9s %-7s Stem failed: %s' % (row['type'], row['form'], row['mode'], error))
                continue
            stem_us = seconds * 1e6 / max(documents, 1)
            swift_us = row['us_per_document']
            print('%-38s %-9s %-7s %7d %7d %13.1f %13.2f %7.0f×' % (row['type'], row['form'], row['mode'], row['documents'],
                                                                   documents, stem_us, swift_us, stem_us / swift_us if swift_us else 0))
    finally:
        shutil.rmtree(keep, ignore_errors=True)


def compare_warm(args):
    args.swift_arguments = ['--rounds', str(args.swift_rounds), '--no-forms'] + args.roots
    swift = run_swift(args)
    # The ratio is of whole-file times: Stem counts an exit list's relays as documents (one
    # TorDNSEL per ExitNode) where we count the list, so per-document figures differ in meaning.
    print('Stem %s (validate=%s) vs TorDescriptors, warm in-memory table, same files, same run' % (stem.__version__, args.validate))
    print('%-38s %9s %9s %14s %14s %8s' % ('workload', 'docs', 'stem docs', 'stem µs/doc', 'swift µs/doc', 'ratio'))
    for workload in swift['workloads']:
        if workload.get('section') != 'warm' or workload['type'] not in STEM_TYPES:
            continue
        try:
            documents, seconds = 0, 0.0
            best = None
            for _ in range(args.rounds):
                count, start = 0, time.perf_counter()
                for path in workload['files']:
                    kwargs = {'validate': args.validate}
                    if workload['type'] in CONSENSUS_TYPES:
                        kwargs['document_handler'] = DocumentHandler.DOCUMENT
                    for document in stem.descriptor.parse_file(path, stem_type(path, workload['type']), **kwargs):
                        if workload['type'] in CONSENSUS_TYPES:
                            len(document.routers)
                        count += 1
                elapsed = time.perf_counter() - start
                best = elapsed if best is None else min(best, elapsed)
                documents = count
            seconds = best
        except Exception as error:
            print('%-38s Stem failed: %s' % (workload['type'], error))
            continue
        stem_us = seconds * 1e6 / max(documents, 1)
        swift_us = workload['best_us_per_document']
        swift_seconds = workload['best_seconds']
        print('%-38s %9d %9d %14.1f %14.2f %7.1f×' % (workload['type'], workload['documents'], documents,
                                                     stem_us, swift_us, seconds / swift_seconds if swift_seconds else 0))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--rounds', type=int, default=1, help='Stem rounds (best is kept)')
    parser.add_argument('--swift-rounds', type=int, default=3)
    parser.add_argument('--binary', help='a built TorDescriptorsBenchmarks (default: swift run -c release)')
    parser.add_argument('--bundled-only', action='store_true', help='only Resources/corpus, not ../shared/corpus')
    parser.add_argument('--warm', action='store_true', help='compare the warm in-memory table instead')
    parser.add_argument('--validate', action='store_true', help="Stem's validate=True in the warm comparison")
    parser.add_argument('roots', nargs='*')
    args = parser.parse_args()
    if args.roots or args.warm:
        args.roots = args.roots or ['Resources/corpus']
        compare_warm(args)
    else:
        compare_forms(args)


if __name__ == '__main__':
    main()
