#!/usr/bin/env bash
# Regenerates Resources/synthetic/rsa/: SYNTHETIC RSA keys and signatures made by openssl, used to
# test the hand-written PKCS#1 v1.5 verifier independently of Tor documents. Tor signs the raw
# digest with type-1 padding and no DigestInfo, which is what `openssl pkeyutl -sign` does when
# no digest is given.
set -euo pipefail
out="$(cd "$(dirname "$0")/.." && pwd)/Resources/synthetic/rsa"
mkdir -p "$out"
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
for bits in 1024 2048 3072; do
    openssl genrsa -out "$tmp/key.pem" "$bits" 2>/dev/null
    openssl rsa -in "$tmp/key.pem" -RSAPublicKey_out -outform DER -out "$out/key-$bits.der" 2>/dev/null
    for len in 20 32 52; do
        head -c "$len" /dev/urandom > "$out/message-$bits-$len.bin"
        openssl pkeyutl -sign -inkey "$tmp/key.pem" -pkeyopt rsa_padding_mode:pkcs1 \
            -in "$out/message-$bits-$len.bin" -out "$out/signature-$bits-$len.bin"
    done
done
echo "wrote $(ls "$out" | wc -l) files to $out"
