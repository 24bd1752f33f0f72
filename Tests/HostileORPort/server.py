#!/usr/bin/env python3
"""A misbehaving tor ORPort on 127.0.0.1 for TorDirectoryTests (HostileORPortTests).

Usage: server.py MODE WORKDIR
Makes a relay identity with openssl in WORKDIR (a 1024-bit RSA identity key, its self-signed
certificate, and a TLS link certificate it signs: the RSA-only CERTS path of tor-spec), listens on
an ephemeral port, prints "PORT FINGERPRINT" and serves ONE connection the way MODE says:
  garbage   a non-VERSIONS first cell, then random bytes
  version3  a VERSIONS cell offering only link protocol 3
  badsig    a CERTS cell whose identity certificate signature is spoiled
  destroy   a valid handshake, then DESTROY (RESOURCELIMIT) in answer to CREATE_FAST
  badkh     a valid handshake, then CREATED_FAST with a wrong KH
  silent    a valid handshake, then nothing (the client's deadline must end it)
  close     VERSIONS, then the connection closes
All bytes are synthetic; nothing here is a real relay's.
"""
import hashlib, os, random, socket, ssl, struct, subprocess, sys

mode, work = sys.argv[1], sys.argv[2]

def openssl(*args):
    subprocess.run(["openssl", *args], check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)

def path(name):
    return os.path.join(work, name)

openssl("genrsa", "-out", path("id.key"), "1024")
openssl("req", "-x509", "-new", "-key", path("id.key"), "-sha256", "-days", "30", "-subj", "/CN=www.hostile.net", "-out", path("id.pem"))
openssl("req", "-new", "-newkey", "rsa:2048", "-nodes", "-keyout", path("link.key"), "-subj", "/CN=www.link.net", "-out", path("link.csr"))
openssl("x509", "-req", "-in", path("link.csr"), "-CA", path("id.pem"), "-CAkey", path("id.key"), "-CAcreateserial",
        "-sha256", "-days", "2", "-out", path("link.pem"))
openssl("x509", "-in", path("id.pem"), "-outform", "DER", "-out", path("id.der"))
openssl("x509", "-in", path("link.pem"), "-outform", "DER", "-out", path("link.der"))
openssl("rsa", "-in", path("id.key"), "-RSAPublicKey_out", "-outform", "DER", "-out", path("id-pub.der"))
identity_der = open(path("id.der"), "rb").read()
link_der = open(path("link.der"), "rb").read()
fingerprint = hashlib.sha1(open(path("id-pub.der"), "rb").read()).hexdigest().upper()

def cell(circ, command, payload):
    if command == 7 or command >= 128:
        return struct.pack(">IBH", circ, command, len(payload)) + payload
    return struct.pack(">IB", circ, command) + payload.ljust(509, b"\0")

def certs_payload(spoil=False):
    ident = bytearray(identity_der)
    if spoil:
        ident[-1] ^= 1
    return bytes([2]) + bytes([1]) + struct.pack(">H", len(link_der)) + link_der + bytes([2]) + struct.pack(">H", len(ident)) + bytes(ident)

def recv_exactly(conn, n):
    data = b""
    while len(data) < n:
        chunk = conn.recv(n - len(data))
        if not chunk:
            raise EOFError
        data += chunk
    return data

context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
context.load_cert_chain(path("link.pem"), path("link.key"))
listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind(("127.0.0.1", 0))
listener.listen(1)
print(listener.getsockname()[1], fingerprint, flush=True)

raw, _ = listener.accept()
conn = context.wrap_socket(raw, server_side=True)
try:
    header = recv_exactly(conn, 5)                     # VERSIONS: circid(2) command(1) length(2)
    recv_exactly(conn, struct.unpack(">H", header[3:5])[0])
    versions = struct.pack(">HBH", 0, 7, 4) + struct.pack(">HH", 4, 5)
    handshake = (versions + cell(0, 129, certs_payload()) + cell(0, 130, bytes(32) + bytes([0, 1, 0, 3]))
                 + cell(0, 8, bytes([0, 0, 0, 0, 4, 4, 127, 0, 0, 1, 0])))
    if mode == "garbage":
        rng = random.Random(16)
        conn.sendall(bytes([0, 0, 8]) + bytes(rng.randrange(256) for _ in range(2000)))
    elif mode == "version3":
        conn.sendall(struct.pack(">HBH", 0, 7, 2) + struct.pack(">H", 3))
    elif mode == "badsig":
        conn.sendall(versions + cell(0, 129, certs_payload(spoil=True)))
    elif mode == "close":
        conn.sendall(versions)
        raise EOFError                                   # close at once
    else:
        conn.sendall(handshake)
        received = recv_exactly(conn, 514 * 2)          # NETINFO, CREATE_FAST
        circ = struct.unpack(">I", received[514:518])[0]
        x = received[519:539]
        if mode == "destroy":
            conn.sendall(cell(circ, 4, bytes([5])))
        elif mode == "badkh":
            y = os.urandom(20)
            kh = bytearray(hashlib.sha1(x + y + b"\0").digest())
            kh[0] ^= 1
            conn.sendall(cell(circ, 6, y + bytes(kh)))
        # silent: nothing more
    # Hold the connection until the client closes it (or the test stops this process).
    while conn.recv(4096):
        pass
except (EOFError, ConnectionError, ssl.SSLError, OSError):
    pass
finally:
    conn.close()
