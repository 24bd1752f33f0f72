#!/usr/bin/env python3
"""Times Stem on exactly the files the Swift benchmark parsed, in the same run, and prints the
ratio per workload.

usage: Benchmarks/compare_stem.py [--rounds N] [--swift-rounds N] [--validate] [ROOT...]

It runs `swift run -c release TorDescriptorsBenchmarks --json FILE ROOT...` first, then parses
each workload's files with Stem (best of N rounds, per-document time), so both figures come
from one machine in one run. Needs Stem (`pip install stem`, 1.8.2 here).
"""
import argparse
import json
import os
import subprocess
import sys
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


def time_stem(workload, rounds, validate):
    our_type = workload['type']
    best = None
    documents = 0
    for _ in range(rounds):
        count = 0
        start = time.perf_counter()
        for path in workload['files']:
            kwargs = {'validate': validate}
            if our_type in CONSENSUS_TYPES:
                # Whole documents with their entries, as our benchmark parses them.
                kwargs['document_handler'] = DocumentHandler.DOCUMENT
            for document in stem.descriptor.parse_file(path, stem_type(path, our_type), **kwargs):
                if our_type in CONSENSUS_TYPES:
                    len(document.routers)
                count += 1
        elapsed = time.perf_counter() - start
        best = elapsed if best is None else min(best, elapsed)
        documents = count
    return documents, best


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument('--rounds', type=int, default=3, help='Stem rounds (best is kept)')
    parser.add_argument('--swift-rounds', type=int, default=15)
    parser.add_argument('--validate', action='store_true', help="Stem's validate=True")
    parser.add_argument('roots', nargs='*', default=['Resources/corpus'])
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, 'swift.json')
        subprocess.run(['swift', 'run', '-c', 'release', 'TorDescriptorsBenchmarks',
                        '--rounds', str(args.swift_rounds), '--json', out] + args.roots,
                       check=True, stdout=sys.stderr)
        with open(out) as f:
            swift = json.load(f)

    print('Stem %s (validate=%s) vs TorDescriptors, same files, same run' % (stem.__version__, args.validate))
    print('%-38s %9s %9s %14s %14s %8s' % ('workload', 'docs', 'stem docs', 'stem µs/doc', 'swift µs/doc', 'ratio'))
    for workload in swift['workloads']:
        if workload.get('workload') != 'parse' or workload['type'] not in STEM_TYPES:
            continue
        try:
            documents, seconds = time_stem(workload, args.rounds, args.validate)
        except Exception as error:  # Stem fails on some documents we parse; say so, go on
            print('%-38s Stem failed: %s' % (workload['type'], error))
            continue
        stem_us = seconds * 1e6 / max(documents, 1)
        swift_us = workload['best_us_per_document']
        print('%-38s %9d %9d %14.1f %14.2f %7.0f×' % (workload['type'], workload['documents'], documents,
                                                     stem_us, swift_us, stem_us / swift_us if swift_us else 0))


if __name__ == '__main__':
    main()
