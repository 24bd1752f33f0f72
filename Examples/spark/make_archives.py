"""Builds CollecTor-shaped .tar.xz archives from the bundled corpus, for the Spark job's test.

CollecTor publishes one archive per type and month (consensuses-2012-06.tar.xz,
server-descriptors-2012-06.tar.xz, microdescs-2015-11.tar.xz holding both microdesc consensuses
and microdescriptors, ...); each member is one file that starts with its `@type` line, under a
folder named like the archive. This script does the same with the files of
Resources/corpus/{consensus,microdesc-consensus,microdescs,server-descriptors,extra-info}: tor's
own annotations (`@downloaded-at`, ...) are dropped, the `@type` line is added, and the month
comes from the first date in the file's content (valid-after, published) or its name.

  python3 make_archives.py CORPUS_DIR OUT_DIR
Writes OUT_DIR/archives/*.tar.xz and OUT_DIR/members/ (the same member files, unpacked, for
the single-process `tordesc` runs the test compares with) and prints the archive paths.
"""

import io
import os
import re
import sys
import tarfile

# corpus folder -> (CollecTor archive prefix, member sub-folder, @type line)
LAYOUT = {
    "consensus": ("consensuses", "", "network-status-consensus-3 1.0"),
    "microdesc-consensus": ("microdescs", "consensus-microdesc", "network-status-microdesc-consensus-3 1.0"),
    "microdescs": ("microdescs", "micro", "microdescriptor 1.0"),
    "server-descriptors": ("server-descriptors", "", "server-descriptor 1.0"),
    "extra-info": ("extra-infos", "", "extra-info 1.0"),
}

DATE_LINE = re.compile(rb"^(?:valid-after|published) (\d{4})-(\d{2})-\d{2} ", re.MULTILINE)
DATE_NAME = re.compile(r"(\d{4})-(\d{2})")


def member_bytes(raw, type_line):
    lines = raw.split(b"\n")
    while lines and lines[0].startswith(b"@"):
        lines.pop(0)
    return b"@type " + type_line.encode() + b"\n" + b"\n".join(lines)


def month_of(name, raw):
    found = DATE_LINE.search(raw)
    if found:
        return f"{found.group(1).decode()}-{found.group(2).decode()}"
    found = DATE_NAME.search(name)
    return f"{found.group(1)}-{found.group(2)}" if found else "2000-01"


def main():
    corpus, out = sys.argv[1], sys.argv[2]
    archives = {}
    for folder, (prefix, sub, type_line) in LAYOUT.items():
        directory = os.path.join(corpus, folder)
        for name in sorted(os.listdir(directory)):
            with open(os.path.join(directory, name), "rb") as handle:
                raw = handle.read()
            month = month_of(name, raw)
            archive = f"{prefix}-{month}"
            member = "/".join(p for p in (archive, sub, name) if p)
            archives.setdefault(archive, []).append((member, member_bytes(raw, type_line)))
    os.makedirs(os.path.join(out, "archives"), exist_ok=True)
    for archive, members in sorted(archives.items()):
        path = os.path.join(out, "archives", archive + ".tar.xz")
        with tarfile.open(path, "w:xz") as tar:
            for member, content in members:
                info = tarfile.TarInfo(member)
                info.size, info.mtime, info.mode = len(content), 0, 0o644
                tar.addfile(info, io.BytesIO(content))
                unpacked = os.path.join(out, "members", member)
                os.makedirs(os.path.dirname(unpacked), exist_ok=True)
                with open(unpacked, "wb") as handle:
                    handle.write(content)
        print(path)


if __name__ == "__main__":
    main()
