/// One check made while verifying a document, and how it came out: ``id`` says which check it
/// is, ``name`` how reports print it.
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

    /// Which check this is; look checks up by it (``VerificationReport/subscript(_:)``).
    public let id: VerificationCheckID
    /// What was checked as reports print it, named after the keyword or relation
    /// (`router-signature`, `fingerprint = SHA-1(signing-key)`): ``id``'s description, or a longer
    /// form with details that are not part of the check's identity (an authority's nickname,
    /// the quorum's counts: `quorum: 5 of 9 needed, 6 valid`).
    public let name: String
    public let outcome: Outcome

    /// A check named by its id, or by `name` when the printed form should say more.
    public init(_ id: VerificationCheckID, _ outcome: Outcome, name: String? = nil) {
        self.id = id
        self.name = name ?? id.description
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
    public var checks: [VerificationCheck]

    public init(document: DocumentKind, firstLine: Int, checks: [VerificationCheck] = []) {
        self.document = document
        self.firstLine = firstLine
        self.checks = checks
    }

    public var isValid: Bool { !checks.contains(where: \.failed) }
    public var failures: [VerificationCheck] { checks.filter(\.failed) }

    /// The outcome of the check `id`, if it was made (the first, should it appear twice).
    ///
    /// ```swift
    /// if report[.routerSignature] == .passed { print("RSA signature ok") }
    /// ```
    public subscript(id: VerificationCheckID) -> VerificationCheck.Outcome? { checks.first { $0.id == id }?.outcome }

    /// The check `id`, if it was made: its outcome and its printed name.
    public func check(_ id: VerificationCheckID) -> VerificationCheck? { checks.first { $0.id == id } }

    mutating func record(_ id: VerificationCheckID, _ outcome: VerificationCheck.Outcome, name: String? = nil) {
        checks.append(VerificationCheck(id, outcome, name: name))
    }

    /// Records `passed` when `condition` holds, else `failed(reason)`.
    mutating func require(_ id: VerificationCheckID, _ condition: Bool, else reason: @autoclosure () -> String) {
        record(id, condition ? .passed : .failed(reason()))
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
