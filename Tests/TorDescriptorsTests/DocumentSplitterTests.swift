import Foundation
import Testing
@testable import TorDescriptors

/// Tests of `DocumentSplitter`. Inline documents are synthetic (hand-written edge cases).
@Suite struct DocumentSplitterTests {
    static func split(_ text: String, _ starts: [String], repeat repeatKeyword: String? = nil) -> [String] {
        let bytes = Array(text.utf8)
        return DocumentSplitter(bytes: bytes[...], startKeywords: starts, repeatStartKeyword: repeatKeyword)
            .map { String(decoding: $0.bytes, as: UTF8.self) }
    }

    @Test func cachedMicrodescsWithAnnotations() throws {
        let bytes = try MicroFixtures.bytes("microdescs/stem--cached-microdescs")
        let slices = Array(Microdescriptor.slices(in: bytes[...]))
        #expect(slices.count == 3)
        #expect(slices.map(\.firstLine) == [1, 8, 17])
        #expect(slices.allSatisfy { $0.bytes.starts(with: Array("@last-listed 2013-02-24 00:18:3".utf8)) })
        #expect(Array(slices.map(\.bytes).joined()) == bytes)
        // Slices share the file's indices (no copy, no rebasing).
        #expect(slices.first?.bytes.startIndex == 0 && slices.last?.bytes.endIndex == bytes.count)
        #expect(zip(slices, slices.dropFirst()).allSatisfy { $0.bytes.endIndex == $1.bytes.startIndex })
    }

    @Test func collectorFileWithTypeAnnotations() throws {
        let bytes = try MicroFixtures.bytes("microdescs/metrics-lib--2017-07-17-17-20-00-micro")
        let slices = Array(Microdescriptor.slices(in: bytes[...]))
        #expect(slices.count == 14)
        #expect(slices.allSatisfy { $0.bytes.starts(with: Array("@type microdescriptor 1.0\nonion-key\n".utf8)) })
        #expect(Array(slices.map(\.bytes).joined()) == bytes)
    }

    @Test func crlfFileIsOneDocument() throws {
        let bytes = try MicroFixtures.bytes("malformed/stem--cached-microdesc-consensus_with_carriage_returns")
        let slices = Array(DocumentSplitter(bytes: bytes[...], startKeywords: ["network-status-version"]))
        #expect(slices.count == 1 && Array(slices[0].bytes) == bytes)
    }

    /// Object lines are base64, so a start line inside an object means the object was never
    /// closed (a truncated or hostile document): it ends there, and the documents after it survive.
    /// A base64 line that happens to spell a start keyword does not split.
    @Test func objectsLeftOpenEndAtTheNextStartLine() {
        let text = "router a\nsig\n-----BEGIN SIGNATURE-----\nrouter b\n@last-listed x\nonion-key\n-----END SIGNATURE-----\nrouter c\n"
        #expect(Self.split(text, ["router", "onion-key"]) == [
            "router a\nsig\n-----BEGIN SIGNATURE-----\n",
            "router b\n",
            "@last-listed x\nonion-key\n-----END SIGNATURE-----\n",
            "router c\n",
        ])
        let base64 = "router a\nsig\n-----BEGIN SIGNATURE-----\nrouter\n-----END SIGNATURE-----\nrouter c\n"
        #expect(Self.split(base64, ["router"]) == ["router a\nsig\n-----BEGIN SIGNATURE-----\nrouter\n-----END SIGNATURE-----\n", "router c\n"])
    }

    @Test func annotationsGoWithTheFollowingDocument() {
        let text = "@type x 1.0\nrouter a\nk 1\n@downloaded-at 1\n@source 2\nrouter b\n@trailing\n"
        let parts = Self.split(text, ["router"])
        #expect(parts == ["@type x 1.0\nrouter a\nk 1\n", "@downloaded-at 1\n@source 2\nrouter b\n@trailing\n"])
        let bytes = Array(text.utf8)
        #expect(DocumentSplitter(bytes: bytes[...], startKeywords: ["router"]).map(\.firstLine) == [1, 4])
    }

    @Test func linesBeforeTheFirstStartBelongToTheFirstDocument() {
        #expect(Self.split("junk\n\nrouter a\nrouter b\n", ["router"]) == ["junk\n\nrouter a\n", "router b\n"])
        #expect(Self.split("", ["router"]) == [])
        #expect(Self.split("no start here\n", ["router"]) == ["no start here\n"])
    }

    @Test func optPrefixedStartKeyword() {
        #expect(Self.split("router a\nopt router b\n", ["router"]) == ["router a\n", "opt router b\n"])
    }

    @Test func repeatStartKeywordOpensMicrodescriptorsWithoutTAPKey() {
        let text = "onion-key\nntor-onion-key A\nntor-onion-key B\nid ed25519 x\nonion-key\nntor-onion-key C\nntor-onion-key D\n"
        #expect(Self.split(text, ["onion-key"], repeat: "ntor-onion-key") == [
            "onion-key\nntor-onion-key A\n",
            "ntor-onion-key B\nid ed25519 x\n",
            "onion-key\nntor-onion-key C\n",
            "ntor-onion-key D\n",
        ])
        // Without the repeat keyword, ntor-only documents stay glued to the previous one.
        #expect(Self.split(text, ["onion-key"]).count == 2)
    }

    @Test func crlfLinesAndLineNumbers() {
        let bytes = Array("@a 1\r\nrouter a\r\nx\r\n\r\n@b 2\r\nrouter b\r\n".utf8)
        let slices = Array(DocumentSplitter(bytes: bytes[...], startKeywords: ["router"]))
        #expect(slices.map(\.firstLine) == [1, 5])
        #expect(Array(slices.map(\.bytes).joined()) == bytes)
    }

    /// Every document-start line of the large real caches lands at the start of a slice, and
    /// the slices tile the file (read from the shared corpus; too big to copy).
    @Test(.enabled(if: MicroFixtures.hasSharedCorpus), arguments: [
        "microdescs/2017-03-cached-microdescs", "microdescs/2021-08-cached-microdescs.new",
        "testnet/arti-shadow-chutney-000a/cached-microdescs.new",
    ])
    func largeCachesTile(path: String) throws {
        let bytes = try MicroFixtures.shared(path)
        let slices = Array(Microdescriptor.slices(in: bytes[...]))
        #expect(Array(slices.map(\.bytes).joined()) == bytes)
        let onionKeyLines = String(decoding: bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
            .filter { $0 == "onion-key" }.count
        #expect(slices.count == onionKeyLines)
    }

    /// Synthetic: the single-document fast path must agree with the full scan at the edges.
    @Test func fastPathEdges() {
        #expect(Self.split("router a\nrouter", ["router"]) == ["router a\n", "router"])
        #expect(Self.split("router a\nrouters b\n", ["router"]) == ["router a\nrouters b\n"])
        #expect(Self.split("@type x\nrouter a\n", ["router"]) == ["@type x\nrouter a\n"])
        #expect(Self.split("junk\nrouter a\n", ["router"]) == ["junk\nrouter a\n"])
    }
}
