#if canImport(FoundationEssentials)
import FoundationEssentials
#else
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
#endif

/// One relay as the family computation sees it: its identity, the `family` line it publishes
/// and the family ids (proposal 321, tor 0.4.9) it has proven.
///
/// From a server descriptor, a family id counts only when its `family-cert` verifies: signed by
/// the family key, certifying the relay's verified Ed25519 master key, unexpired at the time
/// asked (the descriptor's own publication time by default, so archived descriptors are judged
/// as of their day). From a microdescriptor, the `family-ids` line counts as it stands: the
/// authorities verified the certificates before writing it.
///
/// ```swift
/// let members = descriptors.map { FamilyMember(descriptor: $0) }
/// print(members[0].declared, members[0].familyIDs, members[0].rejectedFamilyIDs)
/// ```
public struct FamilyMember: Sendable {
    public var fingerprint: Fingerprint
    public var nickname: String
    /// The `family` line's entries, as written.
    public var declared: [Microdescriptor.FamilyEntry]
    /// Family ids (`ed25519:` + unpadded base64 of the family key) this relay has proven.
    public var familyIDs: [String]
    /// Family ids of `family-cert` lines that did not verify, each with the reason.
    public var rejectedFamilyIDs: [(id: String, reason: String)]
    /// The `contact` line per the ContactInfo sharing specification (server descriptors only).
    public var contact: ContactInfo?

    public init(fingerprint: Fingerprint, nickname: String, declared: [Microdescriptor.FamilyEntry],
                familyIDs: [String] = [], rejectedFamilyIDs: [(id: String, reason: String)] = [], contact: ContactInfo? = nil) {
        self.fingerprint = fingerprint
        self.nickname = nickname
        self.declared = declared
        self.familyIDs = familyIDs
        self.rejectedFamilyIDs = rejectedFamilyIDs
        self.contact = contact
    }

    /// A relay from its server descriptor (`nil` without a fingerprint: sanitized bridges).
    /// `time` judges the family certificates' expiry; default: the descriptor's `published`.
    public init?(descriptor: ServerDescriptor, at time: Date? = nil) {
        guard let fingerprint = descriptor.fingerprint else { return nil }
        var proven: [String] = []
        var rejected: [(id: String, reason: String)] = []
        if !descriptor.familyCertificates.isEmpty {
            let report = descriptor.verificationReport(at: time ?? descriptor.published?.date ?? Date())
            for id in descriptor.familyIDs {
                let outcomes = [report[.familyCert(id: id)], report[.familyCertExpiry(id: id)]]
                if let failure = outcomes.lazy.compactMap({ outcome -> String? in
                    if case .failed(let why)? = outcome { return why }
                    return outcome == .passed ? nil : "not checked"
                }).first {
                    rejected.append((id, failure))
                } else {
                    proven.append(id)
                }
            }
        }
        self.init(fingerprint: fingerprint, nickname: descriptor.nickname,
                  declared: descriptor.family.map { Microdescriptor.FamilyEntry.parse(text: $0) },
                  familyIDs: proven, rejectedFamilyIDs: rejected,
                  contact: descriptor.contact.map { ContactInfo(parsing: $0[...]) })
    }

    /// A relay from its microdescriptor and the consensus entry that lists it (the entry gives
    /// the identity and nickname a microdescriptor lacks).
    public init(microdescriptor: Microdescriptor, entry: RouterStatusEntry) {
        self.init(fingerprint: entry.fingerprint, nickname: entry.nickname, declared: microdescriptor.family,
                  familyIDs: microdescriptor.familyIDs)
    }
}

extension Microdescriptor.FamilyEntry {
    /// One entry from its text (a word of a `family` line).
    public static func parse(text: String) -> Self {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return .other(text) }
        return parse(bytes[...], 0..<bytes.count)
    }

    /// The identity this entry names, when it names one by fingerprint.
    public var fingerprint: Fingerprint? {
        switch self {
        case .fingerprint(let fingerprint), .fingerprintWithNickname(let fingerprint, _, _): fingerprint
        case .nickname, .other: nil
        }
    }
}
