import Testing

/// Synthetic inputs for the parsers' hostile-input tests: a named text and the keyword its
/// strict error must name, and reproducible pseudo-random bytes.
struct HostileText: Sendable, CustomTestStringConvertible {
    let name: String
    let text: String
    let keyword: String?
    var testDescription: String { name }
}

/// A 64-bit linear congruential generator (Knuth's MMIX constants): the same bytes every run.
struct SyntheticBytes {
    var state: UInt64

    mutating func next(_ count: Int) -> [UInt8] {
        (0..<count).map { _ in
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }
}
