#!/usr/bin/env bash
# Writes Resources/synthetic/directory/synthetic--2005-12-16-v1-directory: a SYNTHETIC v1 router
# directory (dir-spec-v1; no real one is in reach: CollecTor's early archive is not in the shared
# corpus, and neither Stem's nor metrics-lib's test data holds one). Its header follows the
# format tor 0.1.0's dirserv.c wrote (signed-directory, published, recommended-software,
# router-status, dir-signing-key); the one router inside is a REAL descriptor of that day
# (Resources/corpus/server-descriptors/stem--old_descriptor, krypton, tor 0.1.0.14, copied byte
# for byte without its @type line); the authority is a fresh 1024-bit key made here, which
# signs the SHA-1 of signed-directory through the directory-signature line with PKCS#1 v1.5
# over the bare digest, as tor did. Run once; the output is committed.
set -euo pipefail
cd "$(dirname "$0")/.."
out=Resources/synthetic/directory/synthetic--2005-12-16-v1-directory
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
openssl genrsa -out "$work/key.pem" 1024 2>/dev/null
openssl rsa -in "$work/key.pem" -RSAPublicKey_out -out "$work/pub.pem" 2>/dev/null
openssl rsa -in "$work/key.pem" -RSAPublicKey_out -outform DER -out "$work/pub.der" 2>/dev/null
authority=$(sha1sum "$work/pub.der" | cut -c1-40 | tr a-f A-F)
{
    printf 'signed-directory\n'
    printf 'published 2005-12-16 18:05:00\n'
    printf 'recommended-software 0.1.0.14,0.1.0.15,0.1.1.10-alpha,0.1.1.11-alpha\n'
    printf 'router-status krypton=$3E2F63E2356F52318B536A12B6445373808A5D6C !$%s\n' "$authority"
    printf 'dir-signing-key\n'
    cat "$work/pub.pem"
    tail -n +2 Resources/corpus/server-descriptors/stem--old_descriptor
    printf 'directory-signature synthauth\n'
} > "$work/signed"
sha1sum "$work/signed" | cut -c1-40 | xxd -r -p > "$work/digest"
openssl pkeyutl -sign -inkey "$work/key.pem" -pkeyopt rsa_padding_mode:pkcs1 -in "$work/digest" -out "$work/signature"
mkdir -p "$(dirname "$out")"
{
    printf '@type directory 1.0\n'
    cat "$work/signed"
    printf -- '-----BEGIN SIGNATURE-----\n'
    base64 -w 64 "$work/signature"
    printf -- '-----END SIGNATURE-----\n'
} > "$out"
echo "wrote $out (authority $authority)"
