import Testing
import TorDescriptors

/// `ServerDescriptor.parseAll(_:mode:isBridge:)` applies ``ParseLimits/maxDocumentsPerBuffer``
/// like the generic `parseAll` does.
@Suite struct BridgeParseAllLimitTests {
    /// The file holds 8 bridge descriptors (`grep -c '^router '`); the third starts on line 31 (its `@type` line).
    @Test func documentsPerBufferLimitKeepsTheDocumentsBeforeIt() throws {
        let bytes = try ProjectFiles.corpus("bridge/bridge-2016-10-02-16-09-00-server-descriptors")
        let all = ServerDescriptor.parseAll(bytes[...], isBridge: true)
        #expect(all.count == 8)
        var limits = ParseLimits.default
        limits.maxDocumentsPerBuffer = 2
        for mode in [ValidationMode.lenient(limits: limits), .strict(limits: limits)] {
            let limited = ServerDescriptor.parseAll(bytes[...], mode: mode, isBridge: true)
            #expect(limited.count == 3)
            let kept = limited.prefix(2).compactMap { try? $0.get() }
            #expect(kept.map(\.address) == ["10.23.149.63", "10.106.176.73"].compactMap { IPAddress($0) })
            #expect(kept.allSatisfy { $0.isBridge })
            if case .failure(let limitError) = limited.last {
                #expect(limitError.failure == .limitExceeded(.documentsPerBuffer, limit: 2))
                #expect(limitError.document == .bridgeServerDescriptor)
                #expect(limitError.line == 31)   // its `@type` annotation line
            } else { Issue.record("no limit failure") }
        }
    }
}
