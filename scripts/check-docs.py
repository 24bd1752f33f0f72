#!/usr/bin/env python3
"""DocC coverage guard: every public type of the library modules has a `///` comment, and every
top-level public type's comment shows a code example (a ``` block), as the developers' guide asks.

Reads the symbol graphs `swift package dump-symbol-graph` writes (no DocC plugin needed), so it
checks exactly what DocC would document. Exit 1 with the list of offenders.
Usage: scripts/check-docs.py [--skip-dump]
"""
import glob, json, os, subprocess, sys

LIBRARIES = {"TorDescriptors", "TorArchives", "TorDirectory", "TorNetwork", "TorWire", "CollecTor", "Decompression"}
TYPE_KINDS = {"swift.struct", "swift.enum", "swift.class", "swift.protocol", "swift.actor"}

root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
os.chdir(root)
if "--skip-dump" not in sys.argv:
    # Its exit status is not used: before `swift build --build-tests` it cannot load the test
    # modules and says so, while the library graphs (all this checks) are written. Each library
    # module's graph must exist instead.
    for old in glob.glob(".build/*/symbolgraph/*.symbols.json"):
        os.remove(old)
    subprocess.run(["swift", "package", "dump-symbol-graph", "--minimum-access-level", "public"],
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
graphs = glob.glob(".build/*/symbolgraph/*.symbols.json")
missing = sorted(LIBRARIES - {os.path.basename(g).split(".symbols.json")[0] for g in graphs})
if missing:
    sys.exit("check-docs: no symbol graph for " + ", ".join(missing) + " (does `swift build` pass?)")

problems, counted = [], 0
for path in sorted(graphs):
    graph = json.load(open(path))
    module = graph["module"]["name"]
    if module not in LIBRARIES or "@" in os.path.basename(path):
        continue
    for symbol in graph["symbols"]:
        if symbol.get("accessLevel") != "public" or symbol["kind"]["identifier"] not in TYPE_KINDS:
            continue
        counted += 1
        name = module + "." + ".".join(symbol["pathComponents"])
        text = "\n".join(line["text"] for line in (symbol.get("docComment") or {}).get("lines", []))
        if not text.strip():
            problems.append(f"{name}: no documentation comment")
        elif len(symbol["pathComponents"]) == 1 and "```" not in text:
            problems.append(f"{name}: no example (a ``` code block) in its documentation")
print(f"check-docs: {counted} public types in {len(LIBRARIES)} library modules, {len(problems)} problems")
for problem in problems:
    print("  " + problem)
sys.exit(1 if problems else 0)
