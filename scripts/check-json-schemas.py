#!/usr/bin/env python3
"""Validates every `tordesc parse --json` line of the bundled and shared corpus against
Resources/schemas/<@type>.json (JSON Schema draft 2020-12, the `jsonschema` package from PyPI).

Also validates two `tordesc lookup --json` answers against tordesc-lookup.json, and the `--progress json` lines (stderr) of the first corpus run against
tordesc-progress.json. Fails (exit 1) when a line does not validate, when a line has no `@type` or an `@type` with no
schema file, when a schema file is not valid draft 2020-12, when a schema file is used by no
output line (a stale schema), when a document type of DescriptorType.swift has no schema file,
and when `jsonschema`, the binary or a corpus is missing: it never skips.

Usage: scripts/check-json-schemas.py [--tordesc PATH] [--schemas DIR] [CORPUS ...]
  defaults: .build/debug/tordesc, Resources/schemas, Resources/corpus, ../shared/corpus and
  Resources/synthetic (the formats no real sample is in reach of: v1 directories)
"""
import argparse, glob, json, os, re, subprocess, sys, tempfile

try:
    from jsonschema import Draft202012Validator
except ImportError:
    sys.exit("check-json-schemas: the jsonschema package is missing (python3 -m pip install jsonschema)")

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(root)

# Files whose type neither a CollecTor @type line nor a file name says (Stem's test data):
# content sniffing does not pick these types, so they are read with --type.
TYPED_FILES = [
    ("network-status-2", "Resources/corpus/network-status-2/cropped--stem--cached-consensus-v2"),
    ("hidden-service-descriptor-3", "Resources/corpus/onion-service/stem--hidden_service_v3"),
]
MAX_REPORTED = 20
LOOKUP_RUNS = [
    ["178.52.17.39", "--at", "2012-06-18 20:00:00", "Resources/corpus/consensus"],
    ["162.247.74.201", "--at", "2018-10-31", "Resources/corpus/exit-lists"],
]


def document_types():
    """DescriptorType's raw values, the names `tordesc parse --type` and `@type` use."""
    source = open("Sources/TorDescriptors/Detection/DescriptorType.swift").read()
    names = re.findall(r'^\s*case \w+ = "([a-z0-9-]+)"', source, re.MULTILINE)
    if not names:
        sys.exit("check-json-schemas: no `case x = \"name\"` in DescriptorType.swift (renamed?)")
    return names


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--tordesc", default=".build/debug/tordesc")
    parser.add_argument("--schemas", default="Resources/schemas")
    parser.add_argument("corpora", nargs="*", default=["Resources/corpus", "../shared/corpus", "Resources/synthetic"])
    args = parser.parse_args()

    problems = []
    if not os.access(args.tordesc, os.X_OK):
        sys.exit(f"check-json-schemas: no executable {args.tordesc} (run `swift build` first)")
    for corpus in args.corpora:
        if not os.path.isdir(corpus):
            sys.exit(f"check-json-schemas: corpus {corpus} is missing")

    validators = {}
    for path in sorted(glob.glob(os.path.join(args.schemas, "*.json"))):
        name = os.path.basename(path)[: -len(".json")]
        schema = json.load(open(path))
        try:
            Draft202012Validator.check_schema(schema)
        except Exception as error:  # SchemaError: report them all, then fail
            problems.append(f"{path}: not a valid draft 2020-12 schema: {error}")
            continue
        if schema.get("properties", {}).get("@type") != {"const": name}:
            problems.append(f"{path}: its @type property must be {{\"const\": \"{name}\"}}")
        validators[name] = Draft202012Validator(schema, format_checker=None)

    for name in document_types():
        if name not in validators:
            problems.append(f"document type {name} has no schema ({args.schemas}/{name}.json)")

    # The first run also writes `--progress json` lines (stderr, to a file): they have a schema too.
    runs = [["--progress", "json", args.corpora[0]]] + [[corpus] for corpus in args.corpora[1:]]
    runs += [["--type", t, path] for t, path in TYPED_FILES]
    lines_per_type, invalid = {}, 0

    def check(where, line):
        nonlocal invalid
        value = json.loads(line)
        kind = value.get("@type") if isinstance(value, dict) else None
        if kind is None:
            problems.append(f"{where}: no @type")
            return
        lines_per_type[kind] = lines_per_type.get(kind, 0) + 1
        validator = validators.get(kind)
        if validator is None:
            if lines_per_type[kind] == 1:
                problems.append(f"{where}: @type {kind} has no schema ({args.schemas}/{kind}.json)")
            return
        for error in validator.iter_errors(value):
            invalid += 1
            if invalid <= MAX_REPORTED:
                at = "/".join(str(part) for part in error.absolute_path) or "(line)"
                problems.append(f"{where} ({kind}) at {at}: {error.message[:200]}")

    for run in runs:
        command = [args.tordesc, "parse", "--json"] + run
        with tempfile.TemporaryFile() as stderr:
            # Validated while tordesc writes (the shared corpus prints ~120 MB of JSON).
            process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=stderr)
            for number, line in enumerate(process.stdout, 1):
                check(f"{' '.join(run)}: output line {number}", line)
            if process.wait() != 0:
                problems.append(f"`{' '.join(command)}` exited with {process.returncode}")
            stderr.seek(0)
            for number, line in enumerate(stderr, 1):
                if line.startswith(b"{"):
                    check(f"{' '.join(run)}: stderr line {number}", line)

    # `tordesc lookup --json` prints one object of its own type: one relay and one exit-list
    # observation of the bundled corpus (no index written: --no-index).
    for run in LOOKUP_RUNS:
        command = [args.tordesc, "lookup", "--json", "--no-index"] + run
        result = subprocess.run(command, stdout=subprocess.PIPE)
        if result.returncode != 0:
            problems.append(f"`{' '.join(command)}` exited with {result.returncode}")
        for number, line in enumerate(result.stdout.splitlines(), 1):
            check(f"lookup {' '.join(run)}: output line {number}", line)

    if invalid > MAX_REPORTED:
        problems.append(f"... {invalid} schema violations in all")
    for name in sorted(set(validators) - set(lines_per_type)):
        problems.append(f"{args.schemas}/{name}.json: no output line has @type {name} (stale schema, or a corpus file is missing)")

    total = sum(lines_per_type.values())
    if problems:
        print("\n".join("check-json-schemas: " + p for p in problems), file=sys.stderr)
        sys.exit(1)
    print(f"check-json-schemas: {total} lines of {len(lines_per_type)} types valid against {len(validators)} schemas")


if __name__ == "__main__":
    main()
