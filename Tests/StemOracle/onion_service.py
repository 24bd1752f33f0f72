#!/usr/bin/env python3
"""Stem's side of the onion-service descriptor differential test.

    onion_service.py create DIR     Stem creates descriptors (introduction points with every
                                    link specifier type, signed with a real blinded key) into
                                    DIR/N.desc and prints, per descriptor, the onion address,
                                    the subcredential and what Stem's decrypt() reads.
    onion_service.py decrypt FILE ADDRESS   prints what Stem's decrypt() reads from FILE.

Output is one JSON object per line (Stem 1.8.2 attribute names).
"""
import base64
import json
import os
import sys

import stem.client.datatype as datatype
from stem.descriptor.hidden_service import (HiddenServiceDescriptorV3, InnerLayer, IntroductionPointV3)


def b64(data):
    return base64.b64encode(data).decode()


def specifier_text(spec):
    # The same text our LinkSpecifier.description prints.
    if isinstance(spec, datatype.LinkByIPv4):
        return '%s:%i' % (spec.address, spec.port)
    if isinstance(spec, datatype.LinkByIPv6):
        import ipaddress
        return '[%s]:%i' % (ipaddress.ip_address(spec.address).compressed, spec.port)
    if isinstance(spec, datatype.LinkByFingerprint):
        return '$' + spec.value.hex().upper()
    if isinstance(spec, datatype.LinkByEd25519):
        return 'ed25519:' + b64(spec.value).rstrip('=')
    return 'type %i: %s' % (spec.type, spec.value.hex().upper())


def describe(desc, address):
    inner = desc.decrypt(address)
    blinded = desc.signing_cert.signing_key()
    identity = HiddenServiceDescriptorV3.identity_key_from_address(address)
    return {
        'address': address,
        'subcredential': HiddenServiceDescriptorV3._subcredential(identity, blinded).hex(),
        'version': desc.version,
        'lifetime': desc.lifetime,
        'revision_counter': desc.revision_counter,
        'blinded_key': b64(blinded),
        'signing_key': b64(desc.signing_cert.key),
        'formats': inner.formats,
        'intro_auth': inner.intro_auth,
        'is_single_service': inner.is_single_service,
        'auth_type': inner.outer.auth_type,
        'ephemeral_key': inner.outer.ephemeral_key,
        'clients': sorted(inner.outer.clients.keys()),
        'introduction_points': [{
            'link_specifiers': [specifier_text(s) for s in ip.link_specifiers],
            'onion_key_raw': ip.onion_key_raw,
            'auth_key_cert': b64(ip.auth_key_cert.pack()),
            'enc_key_raw': ip.enc_key_raw,
            'enc_key_cert': b64(ip.enc_key_cert.pack()),
        } for ip in inner.introduction_points],
    }


def create(directory, count):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    for index in range(count):
        # The descriptor's signing key signs the introduction points' certificates (Stem
        # would otherwise make a fresh key per point).
        signing_key = Ed25519PrivateKey.generate()
        points = [
            # create_for_address drops its signing_key argument in Stem 1.8.2, so every point
            # goes through create_for_link_specifiers.
            IntroductionPointV3.create_for_link_specifiers([datatype.LinkByIPv4('192.0.2.%i' % (index + 1), 9001 + index)],
                                                           signing_key=signing_key),
            IntroductionPointV3.create_for_link_specifiers([
                datatype.LinkByIPv4('198.51.100.7', 443),
                datatype.LinkByFingerprint(os.urandom(20)),
                datatype.LinkByEd25519(os.urandom(32)),
                datatype.LinkByIPv6('2001:0db8:0000:0000:0000:0000:0000:%04x' % (index + 1), 8443),
            ], signing_key=signing_key),
            IntroductionPointV3.create_for_link_specifiers(
                [datatype.LinkByIPv6('2001:0db8:0001:0000:0000:0000:0000:0005', 9050)], signing_key=signing_key),
        ]
        inner = InnerLayer.create(introduction_points=points[: 1 + index % 3],
                                  attr={'intro-auth-required': 'ed25519'} if index % 2 else None)
        identity = Ed25519PrivateKey.generate()
        desc = HiddenServiceDescriptorV3.create(identity_key=identity, signing_key=signing_key, inner_layer=inner,
                                                revision_counter=1000 + index, blinding_nonce=os.urandom(32))
        address = HiddenServiceDescriptorV3.address_from_identity_key(identity)
        path = os.path.join(directory, '%i.desc' % index)
        with open(path, 'wb') as handle:
            handle.write(desc.get_bytes())
        reparsed = HiddenServiceDescriptorV3(desc.get_bytes(), validate=True)
        result = describe(reparsed, address)
        result['file'] = path
        print(json.dumps(result))


if __name__ == '__main__':
    if sys.argv[1] == 'create':
        create(sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 4)
    else:
        with open(sys.argv[2], 'rb') as handle:
            print(json.dumps(describe(HiddenServiceDescriptorV3(handle.read(), validate=True), sys.argv[3])))
