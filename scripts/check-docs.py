#!/usr/bin/env python3
"""DocC guard: every public type of the library modules has a `///` comment, every top-level
public type's comment shows a code example (a ``` block), as the developers' guide asks, and each
library's DocC catalog (`Sources/<Module>/<Module>.docc`: landing page and articles) builds with
`docc convert --warnings-as-errors` (broken symbol links, undocumented parameters, ambiguous
references all fail).

Reads the symbol graphs `swift package dump-symbol-graph` writes (no DocC plugin needed), so it
checks exactly what DocC would document. Exit 1 with the list of offenders.
It also compares the public API (every public symbol's declaration; inherited default implementations left out) with the
committed listing Resources/api/public-api.txt.
Usage: scripts/check-docs.py [--skip-dump] [--update-api]
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

def library_symbols():
    """(module, symbol) for every symbol of the library modules' own graphs (not the
    `Module@Other` extension graphs)."""
    for path in sorted(graphs):
        graph = json.load(open(path))
        module = graph["module"]["name"]
        if module in LIBRARIES and "@" not in os.path.basename(path):
            for symbol in graph["symbols"]:
                yield module, symbol

problems, counted = [], 0
for module, symbol in library_symbols():
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

# The public API as a committed listing (Resources/api/public-api.txt): one line per public
# symbol, its module, kind and declaration. A change to the library's face then shows in review
# as a diff of that file, as a schema change does; `--update-api` rewrites it.
def declaration(symbol):
    text = "".join(fragment["spelling"] for fragment in symbol.get("declarationFragments", []))
    return " ".join(text.split())

listing = set()
for module, symbol in library_symbols():
    # Default implementations a type inherits from a protocol (`!=`, `hash(into:)`'s
    # relatives) are the protocol's API, not ours: left out.
    if symbol.get("accessLevel") != "public" or "::SYNTHESIZED::" in symbol["identifier"]["precise"]:
        continue
    kind = symbol["kind"]["identifier"].removeprefix("swift.")
    listing.add(f'{module}\t{kind}\t{".".join(symbol["pathComponents"])}\t{declaration(symbol)}')
listing_text = "".join(line + "\n" for line in sorted(listing))

# The README's layout section lists every top-level public type by the folder it lives in,
# written from the same graphs between two markers, so it cannot drift from the code.
folders = {}
for module, symbol in library_symbols():
    if (symbol.get("accessLevel") != "public" or len(symbol["pathComponents"]) != 1
            or symbol["kind"]["identifier"] not in TYPE_KINDS | {"swift.typealias"}):
        continue
    parts = symbol["location"]["uri"].split("/Sources/", 1)[1].split("/")[:-1]
    depth = 3 if len(parts) > 2 and parts[1] in ("Analysis", "Verification") else 2
    folders.setdefault("/".join(parts[:depth]), set()).add(symbol["pathComponents"][0])
readme_table = "| folder (`Sources/`) | public types |\n|---|---|\n" + "".join(
    f"| `{folder}/` | " + ", ".join(f"`{name}`" for name in sorted(names)) + " |\n" for folder, names in sorted(folders.items()))
begin, end = "<!-- public-types:begin (scripts/check-docs.py --update-api) -->\n", "<!-- public-types:end -->"
readme = open("README.md").read()
if begin not in readme or end not in readme:
    problems.append("README.md lacks the public-types markers")
    print("  " + problems[-1])
else:
    head, rest = readme.split(begin, 1)
    current, tail = rest.split(end, 1)
    if "--update-api" in sys.argv:
        open("README.md", "w").write(head + begin + readme_table + end + tail)
    elif current != readme_table:
        problems.append("README.md's public-types table differs from the code; run scripts/check-docs.py --update-api")
        print("  " + problems[-1])
api_file = "Resources/api/public-api.txt"
kinds = {}
for line in listing:
    kinds[line.split("\t")[1]] = kinds.get(line.split("\t")[1], 0) + 1
print(f"check-docs: public API {len(listing)} symbols (" + ", ".join(f"{n} {k}" for k, n in sorted(kinds.items())) + ")")
if "--update-api" in sys.argv:
    os.makedirs(os.path.dirname(api_file), exist_ok=True)
    open(api_file, "w").write(listing_text)
    print(f"check-docs: wrote {api_file}")
else:
    committed = open(api_file).read() if os.path.exists(api_file) else ""
    if committed != listing_text:
        import difflib
        diff = list(difflib.unified_diff(committed.splitlines(), listing_text.splitlines(), api_file, "built", lineterm="", n=0))
        problems.append(f"the public API differs from {api_file} ({sum(1 for d in diff if d[:1] in '+-') - 2} lines); "
                        "if the change is meant, run scripts/check-docs.py --update-api and commit the file")
        print("  " + problems[-1])
        for line in diff[:60]:
            print("    " + line)

# DocC itself, one catalog per library, on the module's own symbol graphs (its extension graphs
# `Module@Other` included). docc ships with the Swift toolchain; no plugin to build.
import shutil, tempfile
docc = shutil.which("docc") or os.path.join(os.path.dirname(os.path.realpath(shutil.which("swift"))), "docc")
if not os.path.exists(docc):
    sys.exit("check-docs: docc is not in the toolchain")
for module in sorted(LIBRARIES):
    catalog = f"Sources/{module}/{module}.docc"
    if not os.path.isdir(catalog):
        problems.append(f"{module}: no DocC catalog at {catalog}")
        print("  " + problems[-1])
        continue
    with tempfile.TemporaryDirectory() as work:
        graphs_dir = os.path.join(work, "graphs")
        os.mkdir(graphs_dir)
        for graph in graphs:
            name = os.path.basename(graph)
            if name == f"{module}.symbols.json" or name.startswith(f"{module}@"):
                shutil.copy(graph, graphs_dir)
        run = subprocess.run([docc, "convert", catalog, "--fallback-display-name", module,
                              "--fallback-bundle-identifier", f"org.tordescriptors.{module}",
                              "--additional-symbol-graph-dir", graphs_dir, "--output-path", os.path.join(work, "out"),
                              "--warnings-as-errors"], capture_output=True, text=True)
        findings = [line for line in (run.stdout + run.stderr).splitlines() if "warning:" in line or "error:" in line]
        if run.returncode != 0:
            problems.append(f"{module}: docc convert failed ({len(findings)} findings)")
            print("  " + problems[-1])
            for line in findings:
                print("    " + line.replace(root + "/", ""))
        else:
            print(f"check-docs: {module}.docc builds without warnings")
sys.exit(1 if problems else 0)
