#!/usr/bin/env bash
# Builds one seed directory per fuzz target under Fuzz/.seeds/<target>/ from the real documents
# in Resources/corpus (cut to FUZZ_MAX_LEN bytes so libFuzzer's mutations stay fast), plus every
# saved regression input. Binary targets (certificates, RSA keys) get values extracted from the
# descriptors. Usage: scripts/fuzz-seeds.sh
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
}
every = sorted(d for d in os.listdir(corpus) if os.path.isdir(os.path.join(corpus, d)))
folders["tokenizer"] = every
folders["any-descriptor"] = every

def files(folder):
    path = os.path.join(corpus, folder)
    return [os.path.join(path, f) for f in sorted(os.listdir(path))]

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
PY
for dir in Tests/TorDescriptorsTests/FuzzRegressions/*/; do
    [ -d "$dir" ] || continue
    target=$(basename "$dir")
    mkdir -p "Fuzz/.seeds/$target"
    cp "$dir"* "Fuzz/.seeds/$target/" 2>/dev/null || true
done
for dir in Fuzz/.seeds/*/; do echo "$(basename "$dir"): $(ls "$dir" | wc -l) seeds"; done
