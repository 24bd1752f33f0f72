import Foundation
import Testing
import TestSupport
@testable import TorDescriptors

/// v2 network statuses: Stem's real 2005 document (cropped: entries removed, so its signature no
/// longer matches) and SYNTHETIC statuses signed at test time with an openssl key. Expected
/// values are read from the text here, not from the parser.
@Suite struct NetworkStatusV2Tests {
    static let path = "Resources/corpus/network-status-2/cropped--stem--cached-consensus-v2"

    static func text() throws -> String {
        try String(contentsOf: ProjectFiles.root.appendingPathComponent(path), encoding: .utf8)
    }

    @Test func stemsDocumentParsesInBothModes() throws {
        let text = try Self.text()
        let lines = text.split(separator: "\n").map(String.init)
        func value(_ keyword: String) -> String { String(lines.first { $0.hasPrefix(keyword + " ") }!.dropFirst(keyword.count + 1)) }
        for mode in [ValidationMode.lenient, .strict] {
            let status = try NetworkStatusV2(parsing: Array(text.utf8)[...], mode: mode)
            let source = value("dir-source").split(separator: " ")
            #expect(status.hostname == String(source[0]) && status.address?.description == String(source[1]) && status.dirPort == UInt16(source[2]))
            #expect(status.fingerprint?.hex == value("fingerprint"))
            #expect(status.contact == value("contact"))
            #expect(status.published?.description == value("published"))
            #expect(status.options == value("dir-options").split(separator: " ").map(String.init))
            #expect(status.clientVersions == value("client-versions").split(separator: ",").map(String.init))
            #expect(status.entries.map(\.nickname) == lines.filter { $0.hasPrefix("r ") }.map { String($0.split(separator: " ")[1]) })
            #expect(status.entries.first?.flags.contains(.authority) == true)
            #expect(status.signingAuthority == value("directory-signature"))
            #expect(DescriptorType.detect(fileName: nil, bytes: Array(text.utf8)[...]) == .networkStatusV2)
            // The identity is the signing key; the cropped document's signature cannot match.
            let report = status.verificationReport()
            #expect(report[.fingerprint] == .passed)
            #expect(report.failures.map(\.description).joined().contains("different digest"))
        }
    }

    /// A synthetic v2 status signed as tor signed them: PKCS#1 v1.5 over the bare SHA-1 of
    /// `network-status-version` through the `directory-signature` line (openssl pkeyutl, no
    /// DigestInfo). It verifies; one changed byte in an entry does not.
    @Test(.enabled(if: ExternalTool.available("openssl"), "needs openssl to make and sign with an RSA key"))
    func syntheticSignedStatusVerifies() throws {
        let openssl = try ExternalTool.require("openssl")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("v2-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        func run(_ arguments: [String]) throws -> Data {
            let process = Process()
            process.executableURL = URL(fileURLWithPath: openssl)
            process.arguments = arguments
            let output = Pipe()
            process.standardOutput = output
            process.standardError = FileHandle.nullDevice
            try process.run()
            let data = output.fileHandleForReading.readDataToEndOfFile()
            process.waitUntilExit()
            try #require(process.terminationStatus == 0, "openssl \(arguments.first ?? "")")
            return data
        }
        let key = directory.appendingPathComponent("key.pem").path
        _ = try run(["genrsa", "-out", key, "1024"])
        let der = try run(["rsa", "-in", key, "-RSAPublicKey_out", "-outform", "DER"])
        let fingerprint = Hex.encode(Digest.sha1(Array(der)))
        let body = Array(der).base64EncodedLines()
        let signed = """
            network-status-version 2
            dir-source test.example 192.0.2.1 80
            fingerprint \(fingerprint)
            contact synthetic
            published 2006-01-01 00:00:00
            dir-options Names Versions
            client-versions 0.1.0.16
            server-versions 0.1.0.16
            dir-signing-key
            -----BEGIN RSA PUBLIC KEY-----
            \(body)
            -----END RSA PUBLIC KEY-----
            r synthetic AAECAwQFBgcICQoLDA0ODxAREhM BAUGBwgJCgsMDQ4PEBESExQVFhc 2006-01-01 00:00:00 192.0.2.2 9001 0
            s Fast Running Valid
            directory-signature test

            """
        let digestFile = directory.appendingPathComponent("digest")
        try Data(Digest.sha1(Array(signed.utf8))).write(to: digestFile)
        let signature = try run(["pkeyutl", "-sign", "-inkey", key, "-in", digestFile.path])
        let document = signed + "-----BEGIN SIGNATURE-----\n" + Array(signature).base64EncodedLines() + "\n-----END SIGNATURE-----\n"
        let status = try NetworkStatusV2(parsing: Array(document.utf8)[...], mode: .strict)
        let report = status.verificationReport()
        #expect(report.isValid, "\(report)")
        #expect(report.checks.count == 2)
        let tampered = document.replacingOccurrences(of: "192.0.2.2 9001", with: "192.0.2.3 9001")
        #expect(!(try NetworkStatusV2(parsing: Array(tampered.utf8)[...])).verificationReport().isValid)
    }

    @Test func truncationsAreTypedErrorsNeverTraps() throws {
        let bytes = Array(try Self.text().utf8)
        for end in stride(from: 0, to: bytes.count, by: 7) {
            for mode in [ValidationMode.lenient, .strict] {
                do { _ = try NetworkStatusV2(parsing: bytes[..<end], mode: mode) } catch {
                    #expect(error.document == .networkStatusV2 || error.document == .networkStatusConsensus)
                }
            }
        }
    }
}

private extension Array where Element == UInt8 {
    /// Base64 in 64-character lines, as tor writes objects.
    func base64EncodedLines() -> String {
        let text = Data(self).base64EncodedString()
        return stride(from: 0, to: text.count, by: 64).map { start in
            let from = text.index(text.startIndex, offsetBy: start)
            return String(text[from..<(text.index(from, offsetBy: 64, limitedBy: text.endIndex) ?? text.endIndex)])
        }.joined(separator: "\n")
    }
}
