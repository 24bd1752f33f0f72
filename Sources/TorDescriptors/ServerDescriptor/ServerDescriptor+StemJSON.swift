extension ServerDescriptor {
    /// The descriptor as Stem 1.8.2's `RelayDescriptor` / `BridgeDescriptor` attributes.
    /// Stem conventions kept: `socks_port`/`dir_port` are `null` for 0, `family` is sorted,
    /// `exit_policy` is `str(ExitPolicy)`, `exit_policy_v6` defaults to `reject 1-65535`,
    /// `bridge_distribution` to `any`, and a bridge has no key or signature attributes.
    public var stemJSON: JSONValue {
        func string(_ value: String?) -> JSONValue { value.map(JSONValue.string) ?? .null }
        func int(_ value: Int?) -> JSONValue { value.map(JSONValue.int) ?? .null }
        func time(_ value: TorTimestamp?) -> JSONValue { value.map { .string($0.description) } ?? .null }
        func strings(_ value: [String]?) -> JSONValue { value.map { .array($0.map(JSONValue.string)) } ?? .null }

        var pairs: [(String, JSONValue)] = [
            ("nickname", .string(nickname)),
            ("fingerprint", string(fingerprint?.hex)),
            ("published", time(published)),
            ("address", .string(address.description)),
            ("or_port", .int(Int(orPort))),
            ("socks_port", .optional(socksPort) { .int(Int($0)) }),
            ("dir_port", .optional(dirPort) { .int(Int($0)) }),
            ("platform", string(platformString)),
            ("tor_version", string(torVersion)),
            ("operating_system", string(operatingSystem)),
            ("uptime", int(uptime)),
            ("contact", string(contactString)),
            ("exit_policy", .string(StemExitPolicyText.policy(exitPolicyLines))),
            ("exit_policy_v6", .string(ipv6Policy ?? "reject 1-65535")),
            ("bridge_distribution", .string(bridgeDistributionRequest ?? "any")),
            ("family", .array(Set(family).sorted().map(JSONValue.string))),
            ("average_bandwidth", int(averageBandwidth)),
            ("burst_bandwidth", int(burstBandwidth)),
            ("observed_bandwidth", int(observedBandwidth)),
            ("link_protocols", strings(linkProtocols)),
            ("circuit_protocols", strings(circuitProtocols)),
            ("is_hidden_service_dir", .bool(isHiddenServiceDir)),
            ("hibernating", .bool(isHibernating)),
            ("allow_single_hop_exits", .bool(allowsSingleHopExits)),
            ("allow_tunneled_dir_requests", .bool(allowsTunnelledDirRequests)),
            ("protocols", protocols?.stemJSON ?? .object([])),
            ("extra_info_cache", .bool(cachesExtraInfo)),
            ("extra_info_digest", string(extraInfoDigest?.hex)),
            ("extra_info_sha256_digest", string(extraInfoDigestSHA256Range.map { ByteText.string(rawBytes, $0) })),
            ("eventdns", eventDNS.map(JSONValue.bool) ?? .null),
            ("ntor_onion_key", string(ntorOnionKeyRange.map { ByteText.string(rawBytes, $0) })),
            ("or_addresses", .array(orAddresses.map { .array([.string($0.address.description), .int($0.port), .bool($0.isIPv6)]) })),
        ]
        for (name, history) in [("read", readHistory), ("write", writeHistory)] {
            pairs.append(("\(name)_history_end", time(history?.end)))
            pairs.append(("\(name)_history_interval", int(history?.interval)))
            pairs.append(("\(name)_history_values", history.map { .array($0.values.map(JSONValue.int)) } ?? .null))
        }
        pairs.append(("digest", string(digest?.hex)))
        if isBridge {
            pairs.append(("ed25519_certificate_hash", string(masterKeyRange.map { ByteText.string(rawBytes, $0) })))
            pairs.append(("router_digest_sha256", string(routerDigestSHA256Range.map { ByteText.string(rawBytes, $0) })))
        } else {
            pairs += [
                ("ed25519_certificate", string(identityCertificatePEM)),
                ("ed25519_master_key", string(masterKeyRange.map { ByteText.string(rawBytes, $0) })),
                ("ed25519_signature", string(ed25519SignatureRange.map { ByteText.string(rawBytes, $0) })),
                ("onion_key", string(onionKeyPEM)),
                ("onion_key_crosscert", string(onionKeyCrosscertPEM)),
                ("ntor_onion_key_crosscert", string(ntorOnionKeyCrosscertPEM)),
                ("ntor_onion_key_crosscert_sign", ntorOnionKeyCrosscertSign.map { .string(String($0)) } ?? .null),
                ("signing_key", string(signingKeyPEM)),
                ("signature", string(signaturePEM)),
                ("certificate", identityCertificate.map(\.stemJSON) ?? .null),
            ]
        }
        return .object(pairs)
    }
}

extension Ed25519Certificate {
    /// Stem's `Ed25519CertificateV1` fields; keys and signature in lower-case hex.
    public var stemJSON: JSONValue {
        .object([
            ("version", .int(Int(version))),
            ("type", .int(Int(certType))),
            ("expiration", .string(expiration.description)),
            ("key_type", .int(Int(certifiedKeyType))),
            ("key", .string(Hex.encode(certifiedKey, uppercase: false))),
            ("extensions", .array(extensions.map {
                .array([.int(Int($0.type)), .int(Int($0.flags)), .string(Hex.encode($0.data, uppercase: false))])
            })),
            ("signature", .string(Hex.encode(signature, uppercase: false))),
        ])
    }
}

/// Stem's `str(ExitPolicy)`: rules joined by `, `, masks as bit counts where possible, full
/// port ranges as `*`, IPv6 addresses fully expanded in upper case. Only `accept`/`reject`
/// count (Stem ignores `accept6`/`reject6` here), and a policy opening with `reject *:*` is
/// just that rule. Not a hot path: it runs only for JSON output.
enum StemExitPolicyText {
    static func policy(_ lines: [String]) -> String {
        let rules = lines.filter { $0.hasPrefix("accept ") || $0.hasPrefix("reject ") }
        if rules.first == "reject *:*" { return "reject *:*" }
        return rules.map(rule).joined(separator: ", ")
    }

    static func rule(_ line: String) -> String {
        let isAccept = line.hasPrefix("accept ")
        let pattern = line.dropFirst(7).trimmingPrefix(while: { $0 == " " })
        guard let colon = pattern.lastIndex(of: ":") else { return line }
        let addressPart = pattern[..<colon]
        let portPart = pattern[pattern.index(after: colon)...]
        var text = isAccept ? "accept " : "reject "
        if addressPart == "*" {
            text += "*:"
        } else if addressPart == "*4" {
            text += "0.0.0.0/0:"
        } else {
            var host = Substring(addressPart)
            var mask: Substring? = nil
            if let slash = addressPart.lastIndex(of: "/"), !addressPart.hasSuffix("]") {
                host = addressPart[..<slash]
                mask = addressPart[addressPart.index(after: slash)...]
            }
            guard let address = IPAddress(host) else { return line }
            let maxBits = address.isIPv6 ? 128 : 32
            var bits: Int? = maxBits
            if let mask {
                if let value = Int(mask) { bits = value } else if let maskAddress = IPAddress(mask), case .v4(let raw) = maskAddress {
                    let ones = raw.nonzeroBitCount
                    bits = raw == (ones == 0 ? 0 : UInt32.max << (32 - ones)) ? ones : nil
                }
            }
            text += address.isIPv6 ? "[\(expanded(address))]" : address.description
            if let bits {
                text += bits == maxBits ? ":" : "/\(bits):"
            } else {
                text += "/\(mask ?? ""):"
            }
        }
        let ports = portPart.split(separator: "-").compactMap { Int($0) }
        if portPart == "*" || (ports.count == 2 && ports[0] <= 1 && ports[1] == 65_535) {
            text += "*"
        } else if ports.count == 2, ports[0] == ports[1] {
            text += String(ports[0])
        } else {
            text += portPart
        }
        return text
    }

    private static func expanded(_ address: IPAddress) -> String {
        let bytes = address.bytes
        return stride(from: 0, to: 16, by: 2).map { Hex.encode(bytes[$0..<($0 + 2)]) }.joined(separator: ":")
    }
}
