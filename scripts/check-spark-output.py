#!/usr/bin/env python3
"""Checks what Examples/spark/tordesc_spark.py wrote against single-process tordesc runs.

  check-spark-output.py --tordesc BIN --archives DIR --members DIR --output DIR

- rows per table (report.json, which the job reads back from its Parquet) equal the lines per
  `@type` of `tordesc parse --json` on the same archives, and the document tables equal the
  counts `tordesc parse --quiet` prints;
- every consensus in the archives has one row in analysis/exits_per_consensus whose relays and
  exits equal `tordesc exits --consensus` on that member file, and whose exit bandwidth equals
  the sum of the bandwidths `tordesc exits --json` lists;
- analysis/relays_per_version's consensus rows equal the distinct fingerprints per version line
  per month counted here from `tordesc parse --json`.
Exits 1 with the differences on any mismatch.
"""

import argparse
import collections
import csv
import glob
import json
import os
import re
import subprocess
import sys

problems = []


def expect(condition, message):
    if not condition:
        problems.append(message)


def run(binary, *arguments):
    result = subprocess.run([binary, *arguments], capture_output=True, text=True, timeout=300)
    if result.returncode != 0:
        sys.exit(f"tordesc {' '.join(arguments)} failed ({result.returncode}): {result.stderr[-1000:]}")
    return result


def read_csv(folder):
    files = glob.glob(os.path.join(folder, "*.csv"))
    if len(files) != 1:
        sys.exit(f"{folder}: expected one CSV file, found {len(files)}")
    with open(files[0], newline="") as handle:
        return list(csv.DictReader(handle))


def check_counts(args, archives, json_lines):
    with open(os.path.join(args.output, "report.json")) as handle:
        tables = json.load(handle)["tables"]
    lines = collections.Counter()
    for line in json_lines:
        lines[re.match(r'\{"@type":"([^"]+)"', line).group(1)] += 1
    expect(tables == dict(lines), f"rows per table {tables} != tordesc parse --json lines per @type {dict(lines)}")
    summary = run(args.tordesc, "parse", "--quiet", "--no-progress", *archives).stderr
    quiet = {name: int(count) for count, name in re.findall(r"(\d+) ([a-z0-9-]+)", summary.split(";")[0])}
    documents = {name: count for name, count in tables.items() if not name.endswith("-entry")}
    expect(documents == quiet, f"document rows {documents} != tordesc parse --quiet {quiet}")
    return lines


def check_exits(args):
    rows = read_csv(os.path.join(args.output, "analysis", "exits_per_consensus"))
    by_member = {row["member"]: row for row in rows}
    consensuses = [os.path.relpath(path, args.members)
                   for path in glob.glob(os.path.join(args.members, "**", "*"), recursive=True)
                   if os.path.isfile(path) and re.search(r"consensus", os.path.basename(path))]
    expect(len(consensuses) > 0, "no consensus among the archives' members")
    expect(sorted(by_member) == sorted(consensuses),
           f"consensuses in the exit table {sorted(by_member)} != in the archives {sorted(consensuses)}")
    for member in consensuses:
        row = by_member.get(member)
        if row is None:
            continue
        path = os.path.join(args.members, member)
        summary = run(args.tordesc, "exits", "--no-color", "--consensus", path).stdout.strip().splitlines()[-1]
        found = re.match(r"([\d,]+) exit relays? of ([\d,]+) relays", summary)
        expect(found is not None, f"{member}: unexpected tordesc exits summary {summary!r}")
        if found:
            exits, relays = (int(group.replace(",", "")) for group in found.groups())
            expect(int(row["exits"]) == exits, f"{member}: job counts {row['exits']} exits, tordesc exits {exits}")
            expect(int(row["relays"]) == relays, f"{member}: job counts {row['relays']} relays, tordesc exits {relays}")
        listed = run(args.tordesc, "exits", "--json", "--consensus", path).stdout.splitlines()
        bandwidth = sum(json.loads(line).get("bandwidth") or 0 for line in listed)
        expect(int(row["exit_bandwidth"]) == bandwidth,
               f"{member}: job exit bandwidth {row['exit_bandwidth']}, tordesc exits --json {bandwidth}")
    return len(consensuses)


def check_versions(args, json_lines):
    rows = read_csv(os.path.join(args.output, "analysis", "relays_per_version"))
    job = {(row["month"], row["version"]): int(row["relays"]) for row in rows if row["source"] == "consensus v line"}
    fingerprints = collections.defaultdict(set)
    month = None
    for line in json_lines:
        if line.startswith('{"@type":"network-status-consensus-3",'):
            month = json.loads(line)["valid_after"][:7]
        elif line.startswith('{"@type":"network-status-consensus-3-entry",'):
            entry = json.loads(line)
            version = re.match(r"Tor (\S+)", entry.get("version_line") or "")
            if version:
                fingerprints[(month, version.group(1))].add(entry["fingerprint"])
    expected = {key: len(value) for key, value in fingerprints.items()}
    expect(len(expected) > 0, "no consensus entry with a version line in the archives")
    expect(job == expected, f"relays per version per month differ: job {sorted(set(job.items()) ^ set(expected.items()))[:10]}")
    return len(expected)


def main():
    parser = argparse.ArgumentParser()
    for name in ("tordesc", "archives", "members", "output"):
        parser.add_argument("--" + name, required=True)
    args = parser.parse_args()
    archives = sorted(glob.glob(os.path.join(args.archives, "*.tar.xz")))
    if not archives:
        sys.exit(f"no archives under {args.archives}")
    json_lines = run(args.tordesc, "parse", "--json", "--no-progress", *archives).stdout.splitlines()
    lines = check_counts(args, archives, json_lines)
    consensuses = check_exits(args)
    versions = check_versions(args, json_lines)
    if problems:
        print("FAIL: the Spark job's output differs from tordesc:", *problems, sep="\n  ", file=sys.stderr)
        sys.exit(1)
    print(f"ok: {len(lines)} tables with {sum(lines.values())} rows, {consensuses} consensuses' exits and "
          f"{versions} (month, version) relay counts equal tordesc's")


if __name__ == "__main__":
    main()
