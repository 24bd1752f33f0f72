import Foundation
import Testing
@testable import TorDescriptors

/// Strict mode accepts what tor's own tokenizer accepts around items (issue 23).
@Suite struct StrictFollowsTorTests {
    static let realDescriptor = ProjectFiles.root.path + "/Resources/corpus/server-descriptors/2026-07-arti-live--Akka"

    /// Synthetic: a real descriptor plus one blank line after `-----END SIGNATURE-----`, as tor
    /// 0.4.9's DirPort serves `/tor/server/authority`. tor and Stem (validate=True) accept it.
    @Test func descriptorEndingInABlankLineIsStrictValid() throws {
        let real = Array(try Data(contentsOf: URL(fileURLWithPath: Self.realDescriptor)))
        let withBlankLine = real + Array("\n".utf8)
        let original = try ServerDescriptor(parsing: real, mode: .strict)
        let served = try ServerDescriptor(parsing: withBlankLine, mode: .strict)
        #expect(served.digest == original.digest && served.digest != nil)
        #expect(served.nickname == "Akka")

        // In a file of several, the blank line stays between documents.
        let results = ServerDescriptor.parseAll((withBlankLine + withBlankLine)[...], mode: .strict)
        #expect(results.count == 2)
        #expect(results.allSatisfy { (try? $0.get())?.digest == original.digest })
    }

    /// Synthetic: blank lines, indentation and `#` comments between items, which tor's
    /// `eat_whitespace_eos` skips.
    @Test func whitespaceAndCommentsBetweenItemsAreStrictValid() throws {
        let real = try String(contentsOfFile: Self.realDescriptor, encoding: .utf8)
        let edited = real.replacingOccurrences(of: "\nplatform ", with: "\n\n# a comment\n   platform ")
        #expect(edited != real)
        let descriptor = try ServerDescriptor(parsing: Array(edited.utf8), mode: .strict)
        #expect(descriptor.platform == (try ServerDescriptor(parsing: Array(real.utf8), mode: .strict)).platform)
    }
}
