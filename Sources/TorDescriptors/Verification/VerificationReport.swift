/// One named check made while verifying a document, and how it came out.
///
/// Checks that do not apply (a 2005 descriptor has no Ed25519 certificate, a sanitized bridge
/// descriptor has no signature) are listed as ``Outcome/notApplicable(_:)`` with the reason, so a
/// report shows every check the verifier knows, never a silent skip.
///
/// ```swift
/// for check in report.checks where !check.passed { print(check) }
/// ```
public struct VerificationCheck: Sendable, Hashable, CustomStringConvertible {
    /// How a check came out.
    public enum Outcome: Sendable, Hashable {
        case passed
        /// The check ran and failed; the reason names what differed.
        case failed(String)
        /// The check does not apply to this document; the reason says why.
        case notApplicable(String)
    }

    /// What was checked, named after the keyword or relation (`router-signature`,
    /// `identity-ed25519 certificate`, `fingerprint = SHA-1(signing-key)`, `quorum`).
    public let name: String
    public let outcome: Outcome

    public init(_ name: String, _ outcome: Outcome) {
        self.name = name
        self.outcome = outcome
    }

    public var passed: Bool { outcome == .passed }
    public var failed: Bool { if case .failed = outcome { true } else { false } }

    public var description: String {
        switch outcome {
        case .passed: "\(name): ok"
        case .failed(let why): "\(name): FAILED: \(why)"
        case .notApplicable(let why): "\(name): not applicable (\(why))"
        }
    }
}

/// Everything checked about one document: the document, where it started, and each check.
///
/// A document is valid when no check failed. ``VerificationError`` carries a report whose
/// verification failed.
///
/// ```swift
/// let report = descriptor.verificationReport(at: .now)
/// print(report.isValid ? "ok" : report.failures.map(\.description).joined(separator: "; "))
/// ```
public struct VerificationReport: Sendable, Hashable, CustomStringConvertible {
    public let document: DocumentKind
    /// First line of the document in its input, as in parse errors.
    public let firstLine: Int
    public internal(set) var checks: [VerificationCheck]

    public init(document: DocumentKind, firstLine: Int, checks: [VerificationCheck] = []) {
        self.document = document
        self.firstLine = firstLine
        self.checks = checks
    }

    public var isValid: Bool { !checks.contains(where: \.failed) }
    public var failures: [VerificationCheck] { checks.filter(\.failed) }

    /// The outcome of the check named `name`, if it was made.
    public subscript(name: String) -> VerificationCheck.Outcome? { checks.first { $0.name == name }?.outcome }

    mutating func record(_ name: String, _ outcome: VerificationCheck.Outcome) {
        checks.append(VerificationCheck(name, outcome))
    }

    /// Records `passed` when `condition` holds, else `failed(reason)`.
    mutating func require(_ name: String, _ condition: Bool, else reason: @autoclosure () -> String) {
        record(name, condition ? .passed : .failed(reason()))
    }

    public var description: String {
        let head = "\(document.rawValue) at line \(firstLine): "
        if isValid { return head + "ok (\(checks.filter(\.passed).count) checks passed)" }
        return head + failures.map(\.description).joined(separator: "; ")
    }
}

/// Thrown by `verify(...)` methods: the document did not verify; ``report`` says why.
///
/// ```swift
/// do { try descriptor.verify(at: .now) }
/// catch { print(error.report.failures) }
/// ```
public struct VerificationError: Error, Sendable, Hashable, CustomStringConvertible {
    public let report: VerificationReport
    public init(report: VerificationReport) { self.report = report }
    public var description: String { report.description }
}

extension VerificationReport {
    /// Returns self when valid, else throws it as a ``VerificationError``.
    func validated() throws(VerificationError) -> VerificationReport {
        guard isValid else { throw VerificationError(report: self) }
        return self
    }
}
