#!/usr/bin/env bash
# Builds one seed directory per fuzz target under Fuzz/.seeds/<target>/ from the real documents
# in Resources/corpus (cut to FUZZ_MAX_LEN bytes so libFuzzer's mutations stay fast), plus every
# saved regression input. Binary targets (certificates, RSA keys) get values extracted from the
# descriptors. The I/O targets (decompressors, tar, reader, HTTP) get files compressed here with
# the gzip/xz/zstd/bzip2 tools, tar archives from ../shared/corpus/archives and made with tar,
# and synthetic HTTP responses. Usage: scripts/fuzz-seeds.sh
set -euo pipefail
cd "$(dirname "$0")/.."
MAX_LEN="${FUZZ_MAX_LEN:-65536}"
rm -rf Fuzz/.seeds
python3 - "$MAX_LEN" <<'PY'
import base64, os, re, sys, hashlib
max_len = int(sys.argv[1])
corpus = "Resources/corpus"
folders = {
    "server-descriptor": ["server-descriptors", "bridge", "malformed"],
    "extra-info": ["extra-info", "bridge", "malformed"],
    "microdescriptor": ["microdescs"],
    "consensus": ["consensus", "malformed"],
    "microdesc-consensus": ["microdesc-consensus", "malformed"],
    "vote": ["votes"],
    "key-certificate": ["key-certs", "votes"],
    "detached-signatures": ["detached-signatures"],
    "bridge-network-status": ["bridge"],
    "consensus-diff": ["consensus-diffs"],
    "exit-list": ["exit-lists"],
    "bandwidth-file": ["bandwidth"],
    "onion-service-descriptor": ["onion-service"],
    "onion-service-decrypt": ["onion-service"],
    "bridge-pool-assignment": ["bridge-pool-assignments"],
    "network-status-2": ["network-status-2"],
    # v1 directories: the synthetic one (Resources/synthetic/README.md) and real descriptors.
    "directory": ["../synthetic/directory", "server-descriptors"],
    "webstats": ["webstats"],
    "torperf": ["torperf"],
    "snowflake-stats": ["snowflakes"],
    "bridgedb-metrics": ["bridgedb-metrics"],
}
every = sorted(d for d in os.listdir(corpus) if os.path.isdir(os.path.join(corpus, d)))
folders["tokenizer"] = every
folders["any-descriptor"] = every

def files(folder):
    # Nested folders too (a testnet's cache directory keeps its own layout).
    found = []
    for root, dirs, names in os.walk(os.path.join(corpus, folder)):
        dirs.sort()
        found += [os.path.join(root, name) for name in sorted(names)]
    return found

def write(target, data):
    out = os.path.join("Fuzz/.seeds", target)
    os.makedirs(out, exist_ok=True)
    data = data[:max_len]
    with open(os.path.join(out, hashlib.sha1(data).hexdigest()), "wb") as f:
        f.write(data)

texts = []
for target, dirs in folders.items():
    for d in dirs:
        for path in files(d):
            data = open(path, "rb").read()
            texts.append(data)
            write(target, data)

def objects(name):
    pattern = re.compile(rb"-----BEGIN " + name + rb"-----\n(.*?)-----END " + name + rb"-----", re.S)
    for data in texts:
        for match in pattern.finditer(data):
            try:
                yield base64.b64decode(match.group(1))
            except Exception:
                pass

for i, cert in enumerate(objects(b"ED25519 CERT")):
    if i < 200: write("ed25519-certificate", cert)
keys = list(objects(b"RSA PUBLIC KEY"))[:100]
signatures = list(objects(b"SIGNATURE"))[:100]
for key, signature in zip(keys, signatures):
    write("rsa-public-key", len(key).to_bytes(2, "big") + key + signature)
policy = re.compile(rb"^(?:accept|reject|accept6|reject6|p|p6|ipv6-policy) .*$", re.M)
for data in texts[:60]:
    lines = policy.findall(data)
    if lines:
        write("exit-policy", b"\n".join(lines[:50]))
        write("exit-policy", b", ".join(l.split(b" ", 1)[1] if l.startswith(b"p") else l for l in lines[:20]))

# Onion addresses: the spec's examples in several spellings, and relays' ed25519 identities as
# raw 32-byte keys (the entry point also reads its input's first 32 bytes as a key).
for address in [b"pg6mmjiyjmcrsslvykfwnntlaru7p5svn6y2ymmju6nubxndf4pscryd.onion",
                b"SP3K262UWY4R2K3YCR5AWLUARYKDPAG6A7Y33JXOP4CS2LU5UZ5SSEQD.ONION",
                b"xa4r2iadxm55fbnqgwwi5mymqdcofiu3w6rpbtqn7b2dyn7mgwj64jyd"]:
    write("onion-address", address)
ed_ids = re.compile(rb"^id ed25519 ([A-Za-z0-9+/]{43})=?$", re.M)
for data in texts[:40]:
    for match in ed_ids.findall(data)[:5]:
        write("onion-address", base64.b64decode(match + b"="))

# line-endings: real documents as they are, converted to CRLF, and with one stray CR.
for data in texts[:10]:
    write("line-endings", data)
    write("line-endings", data.replace(b"\n", b"\r\n"))
    write("line-endings", data[:200] + b"\r" + data[200:])
# authority-history: the bundled history, whole and cut to its first periods.
history = open("Resources/directory/authority-history.txt", "rb").read()
write("authority-history", history)
write("authority-history", history[:3000])

# geoip: a selector byte (0 geoip, 1 geoip6), then the start of Debian's tor-geoipdb files
# (when installed) and a small synthetic file of each family.
for selector, path in ((0, "/usr/share/tor/geoip"), (1, "/usr/share/tor/geoip6")):
    if os.path.exists(path):
        head = open(path, "rb").read()[:16384]
        write("geoip", bytes([selector]) + head[:head.rfind(b"\n") + 1])   # whole lines: a seed that parses
write("geoip", b"\x00# synthetic\n# Generated: Mon, 01 Jun 2026 00:00:00 GMT\n16777216,16777471,AU\n16777472,16778239,cn\n3221225472,3221225727,??\n")
write("geoip", b"\x01# synthetic\n2001:db8::,2001:db8:0:ffff:ffff:ffff:ffff:ffff,DE\n2001:db8:1::,2001:db8:1:ffff:ffff:ffff:ffff:ffff,SE\n")

# I/O targets. Their inputs start with two control bytes (chunk-size seed, limits/options; see
# the *FuzzEntryPoints.swift files); each payload gets a few control-byte pairs.
import subprocess, tempfile, zlib
controls = [(0, 7), (1, 6), (2, 5), (5, 0x0F), (7, 0x84)]
def write_io(target, payload, pairs=controls):
    for a, b in pairs:
        write(target, bytes([a, b]) + payload)

def tool(args, data):
    return subprocess.run(args, input=data, stdout=subprocess.PIPE, check=True).stdout

# Small real documents to compress: the first 24 KiB of a few files of each folder.
docs = []
for d in every:
    for path in files(d)[:3]:
        docs.append(open(path, "rb").read()[:24 << 10])
shared = os.path.join("..", "shared", "corpus", "archives")
shared_files = sorted(os.listdir(shared)) if os.path.isdir(shared) else []
def shared_bytes(name):
    return open(os.path.join(shared, name), "rb").read()

for doc in docs[:12]:
    write_io("decompress-gzip", tool(["gzip", "-c", "-n"], doc))
    write_io("decompress-deflate", zlib.compress(doc, 6))
    write_io("decompress-xz", tool(["xz", "-c"], doc))
    write_io("decompress-lzma", tool(["xz", "-c", "--format=lzma"], doc))
    write_io("decompress-zstd", tool(["zstd", "-c", "-q"], doc))
    write_io("decompress-bzip2", tool(["bzip2", "-c"], doc))
# Multi-member / concatenated streams and stream padding, as the decoders accept them.
two = docs[0][:2000], docs[1][:2000]
write_io("decompress-gzip", tool(["gzip", "-c", "-n"], two[0]) + tool(["gzip", "-c", "-n"], two[1]) + bytes(8))
write_io("decompress-xz", tool(["xz", "-c"], two[0]) + tool(["xz", "-c"], two[1]) + bytes(4))
write_io("decompress-zstd", tool(["zstd", "-c", "-q"], two[0]) + tool(["zstd", "-c", "-q"], two[1]))
write_io("decompress-bzip2", tool(["bzip2", "-c"], two[0]) + tool(["bzip2", "-c"], two[1]))
# A highly compressible stream, so the output and ratio limits are reached from the start.
zeros = bytes(4 << 20)
write_io("decompress-gzip", tool(["gzip", "-c", "-n"], zeros))
write_io("decompress-xz", tool(["xz", "-c"], zeros))
write_io("decompress-zstd", tool(["zstd", "-c", "-q"], zeros))
write_io("decompress-bzip2", tool(["bzip2", "-c"], zeros))
# tor's own compressed directory answers, as Stem's tests keep them.
for name, target in [("stem--compressed_gzip", "decompress-gzip"), ("stem--compressed_lzma", "decompress-xz"),
                     ("stem--compressed_zstd", "decompress-zstd"), ("stem--compressed_bz2", "decompress-bzip2")]:
    if name in shared_files:
        write_io(target, shared_bytes(name))

# tar: real CollecTor/Stem archives from the shared corpus (cut to max_len), and archives made
# here from corpus files in each tar format (ustar, GNU with long names, pax).
tars = [shared_bytes(n) for n in shared_files if n.endswith(".tar")]
with tempfile.TemporaryDirectory() as tmp:
    tree = os.path.join(tmp, "t" * 60, "u" * 60)   # a path longer than ustar's 100-byte name field
    os.makedirs(tree)
    for i, doc in enumerate(docs[:4]):
        open(os.path.join(tree, "doc-%d" % i), "wb").write(doc[:6000])
    for fmt in ["ustar", "gnu", "pax"]:
        out = os.path.join(tmp, fmt + ".tar")
        subprocess.run(["tar", "--format=" + fmt, "-cf", out, "-C", tmp, "t" * 60], check=True,
                       stderr=subprocess.DEVNULL)
        tars.append(open(out, "rb").read())
for data in tars:
    write_io("tar", data[:max_len - 2], [(0, 3), (1, 3), (3, 1), (4, 2)])

# archive-reader: byte 0 names the file (index into ArchiveFuzzEntryPoints.fileNames).
for data in tars[-3:] + [t[:30000] for t in tars[:3]]:
    write_io("archive-reader", data[:max_len - 2], [(0, 0), (0, 4), (16, 2)])
    write_io("archive-reader", tool(["gzip", "-c", "-n"], data[:max_len]), [(1, 0)])
    write_io("archive-reader", tool(["xz", "-c"], data[:max_len]), [(2, 0)])
    write_io("archive-reader", tool(["bzip2", "-c"], data[:max_len]), [(3, 0)])
    write_io("archive-reader", tool(["zstd", "-c", "-q"], data[:max_len]), [(4, 0)])
for name in ["stem--descriptor_archive.tar.gz", "stem--descriptor_archive.tar.bz2"]:
    if name in shared_files:
        write_io("archive-reader", shared_bytes(name), [(1 if name.endswith("gz") else 3, 0)])
for doc in docs[:10]:
    write_io("archive-reader", doc, [(5, 0), (5, 5), (8, 0), (9, 8), (10, 0)])
    write_io("archive-reader", tool(["gzip", "-c", "-n"], doc), [(6, 0)])
    write_io("archive-reader", tool(["xz", "-c"], doc), [(7, 0)])

# http-response: SYNTHETIC responses in the layout tor's DirPort writes (status line, Date,
# Content-Type, X-Your-Address-Is, Content-Encoding, optional Content-Length, Expires), with
# real corpus documents as bodies in each content coding tor uses.
def http(status, coding, body, length=True, lf=b"\r\n"):
    head = [b"HTTP/1.0 " + status, b"Date: Fri, 27 Nov 2026 01:00:00 GMT", b"Content-Type: text/plain",
            b"X-Your-Address-Is: 127.0.0.1", b"Content-Encoding: " + coding]
    if length: head.append(b"Content-Length: %d" % len(body))
    head.append(b"Expires: Fri, 27 Nov 2026 02:00:00 GMT")
    return lf.join(head) + lf + lf + body
for doc in docs[:6]:
    body = doc[:8000]
    write_io("http-response", http(b"200 OK", b"identity", body), [(0, 0xE3), (1, 0x63)])
    write_io("http-response", http(b"200 OK", b"deflate", zlib.compress(body)), [(0, 0xE3), (1, 0x4B)])
    write_io("http-response", http(b"200 OK", b"gzip", tool(["gzip", "-c", "-n"], body), False), [(2, 0xE3)])
    write_io("http-response", http(b"200 OK", b"x-tor-lzma", tool(["xz", "-c", "--format=lzma"], body)), [(3, 0xE3)])
    write_io("http-response", http(b"200 OK", b"x-zstd", tool(["zstd", "-c", "-q"], body), lf=b"\n"), [(4, 0xE3)])
write_io("http-response", http(b"503 Directory busy, try again later", b"identity", b""), [(0, 0xE3)])
write_io("http-response", http(b"404 Not found", b"identity", b"", False), [(1, 0x03)])

# http-reader: the same DirPort answers, and SYNTHETIC HTTP/1.1 ones as a web server frames them
# (chunked with extensions and trailers, Content-Length with a 206, a 100 Continue first).
def chunked(body, size=1000):
    pieces = [b"%x;ext=1\r\n" % len(body[i:i + size]) + body[i:i + size] + b"\r\n" for i in range(0, len(body), size)]
    return (b"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Type: application/octet-stream\r\n\r\n"
            + b"".join(pieces) + b"0\r\nX-Trailer: t\r\n\r\n")
for doc in docs[:4]:
    body = doc[:6000]
    write_io("http-reader", http(b"200 OK", b"identity", body), [(0, 0x7F), (1, 0x7B)])
    write_io("http-reader", http(b"200 OK", b"identity", body, False), [(2, 0x7F)])
    write_io("http-reader", chunked(body), [(0, 0x7F), (3, 0x7F), (5, 0x3F)])
    write_io("http-reader", b"HTTP/1.1 206 Partial Content\r\nContent-Range: bytes 100-%d/%d\r\nContent-Length: %d\r\n\r\n"
             % (len(body) - 1, len(body), len(body) - 100) + body[100:], [(1, 0x7F)])
write_io("http-reader", b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 204 No Content\r\n\r\n", [(0, 0x7F)])
# link-cells / certs-cell: the CERTS cell and TLS certificate a private-network relay (tor 0.4.9)
# sent (Tests/TorWireTests/Fixtures), and the handshake cells around them as a relay sends them.
fixtures = "Tests/TorWireTests/Fixtures/"
if os.path.exists(fixtures + "relay-certs-cell.bin"):
    certs = open(fixtures + "relay-certs-cell.bin", "rb").read()
    tls = open(fixtures + "relay-tls-cert.der", "rb").read()
    write("certs-cell", len(certs).to_bytes(2, "big") + certs + tls)
    def cell(command, payload):
        if command == 7 or command >= 128:
            return bytes(4) + bytes([command]) + len(payload).to_bytes(2, "big") + payload
        return bytes(4) + bytes([command]) + payload.ljust(509, b"\0")
    versions = bytes([0, 0, 7, 0, 6, 0, 3, 0, 4, 0, 5])
    netinfo = bytes([0, 0, 0, 0, 4, 4, 127, 0, 0, 1, 1, 4, 4, 127, 0, 0, 1])
    for seed in [0, 7, 200]:
        write("link-cells", bytes([seed]) + versions + cell(129, certs) + cell(130, bytes(32) + bytes([0, 1, 0, 3])) + cell(8, netinfo))
# ntor-extended2: SYNTHETIC EXTENDED2 payloads (HLEN, then Y | AUTH as a relay sends them; no
# input can carry a valid AUTH), a short one and an over-long length.
write("ntor-extended2", (64).to_bytes(2, "big") + bytes(range(64)))
write("ntor-extended2", (64).to_bytes(2, "big") + bytes([9]) + bytes(63))
write("ntor-extended2", (3).to_bytes(2, "big") + b"abc")
write("ntor-extended2", (500).to_bytes(2, "big") + bytes(100))
# control-reply: a real GETINFO reply of tor 0.4.9 (an onion service's descriptor, private
# network; Tests/TorWireTests/Fixtures) and SYNTHETIC replies after control-spec's grammar.
if os.path.exists(fixtures + "control-getinfo-hs-desc.txt"):
    write("control-reply", bytes([5]) + open(fixtures + "control-getinfo-hs-desc.txt", "rb").read())
write("control-reply", bytes([3]) + b"250-PROTOCOLINFO 1\r\n250-AUTH METHODS=COOKIE,SAFECOOKIE COOKIEFILE=\"/a \\\"b\"\r\n250-VERSION Tor=\"0.4.9.11\"\r\n250 OK\r\n")
write("control-reply", bytes([1]) + b"650+NEWCONSENSUS\r\nr a b\r\n..x\r\n.\r\n650 OK\r\n250 AUTHCHALLENGE SERVERHASH=00 SERVERNONCE=11\r\n")
# control-event: SYNTHETIC events after control-spec §4.1, with entries of the bundled 2012 consensus.
consensus_text = open("Resources/corpus/consensus/2012-06-18-21-00-00-cached-consensus", "rb").read()
entries = b"r " + b"\nr ".join(consensus_text.split(b"\nr ")[1:4]).split(b"\ndirectory-footer")[0] + b"\n"
write("control-event", bytes([1]) + b"650+NEWCONSENSUS\r\n" + entries.replace(b"\n", b"\r\n") + b".\r\n650 OK\r\n")
write("control-event", bytes([0]) + b"650 NEWDESC $9695DFC35FFEB861329B9F1AB04C46397020CE31~moria1 $9695DFC35FFEB861329B9F1AB04C46397020CE31\r\n")
write("control-event", bytes([2]) + b"650 HS_DESC FAILED abc NO_AUTH $9695DFC35FFEB861329B9F1AB04C46397020CE31~m id REASON=NOT_FOUND\r\n650+HS_DESC_CONTENT abc id UNKNOWN\r\nhs-descriptor 3\r\n.\r\n650 OK\r\n")
# digest-text: the descriptor digest of the bundled 2012 consensus's first r line as written
# (base64, unpadded), padded, and in hex of both cases; and a SHA-256 (of the consensus's first
# 512 bytes) in the same four forms.
import base64 as b64, hashlib as hl
r_digest = consensus_text.split(b"\nr ")[1].split(b" ")[2]
for raw in [b64.b64decode(r_digest + b"="), hl.sha256(consensus_text[:512]).digest()]:
    for text in [b64.b64encode(raw).rstrip(b"="), b64.b64encode(raw), raw.hex().upper().encode(), raw.hex().encode()]:
        write("digest-text", text)
PY
# lookup-index: index files as `tordesc lookup` writes them (so the seeds follow the format,
# not a copy of it here), of the small bundled consensuses and exit lists, one file each; the
# 2012 consensus's index is cut to FUZZ_MAX_LEN like every seed (a truncated index).
tordesc=.build/debug/tordesc
[ -x "$tordesc" ] || { echo "fuzz-seeds: $tordesc is missing (swift build first): lookup-index needs it" >&2; exit 1; }
index_tmp=$(mktemp -d)
for input in Resources/corpus/consensus/* Resources/corpus/exit-lists/*; do
    "$tordesc" lookup 192.0.2.1 --at 2012-06-18 --index "$index_tmp/$(basename "$input")" "$input" >/dev/null 2>&1 || true
done
mkdir -p Fuzz/.seeds/lookup-index
for file in "$index_tmp"/*/*.idx; do
    head -c "$MAX_LEN" "$file" > "Fuzz/.seeds/lookup-index/$(sha1sum "$file" | cut -c1-40)"
done
rm -rf "$index_tmp"
for dir in Tests/*/FuzzRegressions/*/; do
    [ -d "$dir" ] || continue
    target=$(basename "$dir")
    mkdir -p "Fuzz/.seeds/$target"
    cp "$dir"* "Fuzz/.seeds/$target/" 2>/dev/null || true
done
for dir in Fuzz/.seeds/*/; do echo "$(basename "$dir"): $(ls "$dir" | wc -l) seeds"; done
