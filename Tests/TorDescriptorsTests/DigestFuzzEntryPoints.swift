import TorDescriptors

// MARK: - Digest text: the hex and base64 readers of SHA1DigestValue / SHA256DigestValue

extension FuzzEntryPoints {
    /// The input is read as hex and as base64 by both digest types. A value read back from its
    /// own `hex`, `base64` and `bytes` is the same value; hex that reads is the value's `hex` up
    /// to case; base64 that reads has exactly the digest's character count, plus at most one `=`.
    static func digestText(_ data: [UInt8]) {
        func check<Value: Equatable>(_ value: Value?, hex: (Value) -> String, base64: (Value) -> String, bytes: (Value) -> [UInt8],
                                     fromHex: (String) -> Value?, fromBase64: (String) -> Value?, fromBytes: ([UInt8]) -> Value?,
                                     readAsHex: Bool) {
            guard let value else { return }
            guard fromHex(hex(value)) == value, fromBase64(base64(value)) == value, fromBase64(base64(value) + "=") == value,
                  fromBytes(bytes(value)) == value else { violated("a digest does not read back from its own text", data) }
            if readAsHex {
                let upper = data.map { $0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "f") ? $0 - 0x20 : $0 }
                guard String(decoding: upper, as: UTF8.self) == hex(value) else { violated("hex read is not the value's hex", data) }
            } else {
                let characters = data.last == UInt8(ascii: "=") ? data.count - 1 : data.count
                guard characters == base64(value).utf8.count else { violated("base64 read of the wrong length", data) }
            }
        }
        for readAsHex in [true, false] {
            check(readAsHex ? SHA1DigestValue(hex: data) : SHA1DigestValue(base64: data), hex: \.hex, base64: \.base64, bytes: \.bytes,
                  fromHex: { SHA1DigestValue(hex: $0) }, fromBase64: { SHA1DigestValue(base64: $0) },
                  fromBytes: { SHA1DigestValue(bytes: $0) }, readAsHex: readAsHex)
            check(readAsHex ? SHA256DigestValue(hex: data) : SHA256DigestValue(base64: data), hex: \.hex, base64: \.base64, bytes: \.bytes,
                  fromHex: { SHA256DigestValue(hex: $0) }, fromBase64: { SHA256DigestValue(base64: $0) },
                  fromBytes: { SHA256DigestValue(bytes: $0) }, readAsHex: readAsHex)
        }
    }
}
