import Foundation
import Testing
@testable import TorDescriptors

@Suite struct Base64AndHexTests {
    /// RFC 4648 §10 test vectors.
    static let vectors: [(String, String)] = [
        ("", ""), ("f", "Zg=="), ("fo", "Zm8="), ("foo", "Zm9v"), ("foob", "Zm9vYg=="),
        ("fooba", "Zm9vYmE="), ("foobar", "Zm9vYmFy"),
    ]

    @Test func rfc4648Vectors() {
        for (plain, encoded) in Self.vectors {
            #expect(Base64.encode(Array(plain.utf8)) == encoded)
            #expect(Base64.decode(Array(encoded.utf8)) == Array(plain.utf8))
            let unpadded = encoded.replacingOccurrences(of: "=", with: "")
            #expect(Base64.encode(Array(plain.utf8), padded: false) == unpadded)
            #expect(Base64.decode(Array(unpadded.utf8)) == Array(plain.utf8))
        }
    }

    @Test func objectBodiesWithLineBreaks() {
        #expect(Base64.decode(Array("Zm9v\r\nYmFy\n".utf8)) == Array("foobar".utf8))
        #expect(Base64.decode(Array("Zm9vYg==\n".utf8)) == Array("foob".utf8))
    }

    @Test func invalidBase64() {
        #expect(Base64.decode(Array("Zm9v!".utf8)) == nil)        // bad character
        #expect(Base64.decode(Array("Zm9vY".utf8)) == nil)        // dangling single character
        #expect(Base64.decode(Array("Zg==Zg".utf8)) == nil)       // data after padding
        #expect(Base64.decode(Array("Zg===".utf8)) == nil)        // too much padding
        #expect(Base64.decode(Array("Zm9v-_".utf8)) == nil)       // URL-safe alphabet is not tor's
    }

    @Test func roundTripAllLengths() {
        for length in 0..<40 {
            let bytes = (0..<length).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            #expect(Base64.decode(Array(Base64.encode(bytes).utf8)) == bytes)
            #expect(Base64.decode(Array(Base64.encode(bytes, padded: false).utf8)) == bytes)
        }
    }

    /// The decoder's rules written the slow, obvious way: skip CR/LF/space/tab, count `=`,
    /// refuse any alphabet byte after padding, a dangling single character, or > 2 `=`.
    static func referenceDecode(_ input: [UInt8]) -> [UInt8]? {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var sextets: [UInt8] = []
        var padding = 0
        for byte in input {
            if [0x0A, 0x0D, 0x20, 0x09].contains(byte) { continue }
            if byte == UInt8(ascii: "=") { padding += 1; continue }
            guard padding == 0, let value = alphabet.firstIndex(of: byte) else { return nil }
            sextets.append(UInt8(value))
        }
        guard sextets.count % 4 != 1, padding <= 2 else { return nil }
        var bits = 0, accumulator = 0
        var output: [UInt8] = []
        for sextet in sextets {
            accumulator = (accumulator << 6 | Int(sextet)) & 0xFFFFFF
            bits += 6
            if bits >= 8 { bits -= 8; output.append(UInt8(truncatingIfNeeded: accumulator >> bits)) }
        }
        return output
    }

    /// The four-at-a-time fast path must agree with the reference on every mix of alphabet
    /// bytes, line breaks, padding and invalid bytes (synthetic inputs from a fixed seed).
    @Test func fastDecoderAgreesWithReference() {
        let pieces: [UInt8] = Array("AZaz09+/".utf8) + [0x0A, 0x0D, 0x20, 0x09, UInt8(ascii: "="), UInt8(ascii: "!"), 0x80]
        var seed: UInt64 = 0x2545_F491_4F6C_DD1D
        func random(_ bound: Int) -> Int {
            seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17
            return Int(seed % UInt64(bound))
        }
        var agreed = 0
        for _ in 0..<20_000 {
            let length = random(24)
            // Mostly alphabet bytes, so the fast path runs; now and then a special byte.
            let input = (0..<length).map { _ in random(10) < 8 ? pieces[random(8)] : pieces[8 + random(pieces.count - 8)] }
            let expected = Self.referenceDecode(input)
            #expect(Base64.decode(input) == expected, "\(input)")
            #expect(Base64.decode(input[...]) == expected)
            if expected != nil { agreed += 1 }
        }
        #expect(agreed > 1_000)   // the sample must include plenty of valid inputs
    }

    @Test func hex() {
        #expect(Hex.decode(Array("00ff7Fa0".utf8)) == [0x00, 0xFF, 0x7F, 0xA0])
        #expect(Hex.decode(Array("".utf8)) == [])
        #expect(Hex.decode(Array("abc".utf8)) == nil)
        #expect(Hex.decode(Array("0g".utf8)) == nil)
        #expect(Hex.encode([0x00, 0xAB, 0x0F]) == "00AB0F")
        #expect(Hex.encode([0x00, 0xAB, 0x0F], uppercase: false) == "00ab0f")
    }
}

@Suite struct FingerprintTests {
    static let hex = "9695DFC35FFEB861329B9F1AB04C46397020CE31"

    @Test func forms() throws {
        let plain = try #require(Fingerprint(hex: Self.hex))
        #expect(plain.hex == Self.hex && plain.description == Self.hex)
        #expect(Fingerprint(hex: Self.hex.lowercased()) == plain)
        #expect(Fingerprint(hex: "$" + Self.hex) == plain)
        #expect(Fingerprint(hex: "9695 DFC3 5FFE B861 329B 9F1A B04C 4639 7020 CE31") == plain)
        #expect(plain.bytes == Hex.decode(Array(Self.hex.utf8)))
        #expect(Fingerprint(bytes: plain.bytes) == plain)
    }

    @Test func invalid() {
        #expect(Fingerprint(hex: String(Self.hex.dropLast())) == nil)
        #expect(Fingerprint(hex: Self.hex + "0") == nil)
        #expect(Fingerprint(hex: "G" + Self.hex.dropFirst()) == nil)
        #expect(Fingerprint(hex: "$$" + Self.hex) == nil)
        #expect(Fingerprint(hex: "9695 DFC35 FFE B861 329B 9F1A B04C 4639 7020 CE31") == nil)
        #expect(Fingerprint(hex: " 9695DFC3 5FFE B861 329B 9F1A B04C 4639 7020 CE31") == nil)
        #expect(Fingerprint(bytes: [UInt8](repeating: 0, count: 19)) == nil)
    }

    /// The spaced form has exactly one space between groups of four: trailing spaces or
    /// groups of eight are rejected.
    @Test func spacedFormOnlyBetweenGroupsOfFour() {
        #expect(Fingerprint(hex: Self.hex + "         ") == nil)
        #expect(Fingerprint(hex: "9695DFC3 5FFEB861 329B 9F1A B04C 4639 7020 CE31  ") == nil)
    }

    @Test func orderingAndCodable() throws {
        let low = Fingerprint(hex: "0000000000000000000000000000000000000001")!
        let high = Fingerprint(hex: "0000000000000000000000010000000000000000")!
        #expect(low < high && !(high < low))
        let data = try JSONEncoder().encode([low])
        #expect(String(decoding: data, as: UTF8.self) == "[\"0000000000000000000000000000000000000001\"]")
        #expect(try JSONDecoder().decode([Fingerprint].self, from: data) == [low])
    }
}

@Suite struct TorTimestampTests {
    @Test func parseAndPrint() throws {
        let value = try #require(TorTimestamp(parsing: "2013-02-24 00:18:36"))
        #expect(value.secondsSince1970 == 1_361_665_116)   // date -u -d '2013-02-24 00:18:36' +%s
        #expect(value.description == "2013-02-24 00:18:36")
        #expect(TorTimestamp(parsing: "1970-01-01 00:00:00")?.secondsSince1970 == 0)
        #expect(TorTimestamp(secondsSince1970: -1).description == "1969-12-31 23:59:59")
        #expect(TorTimestamp(parsing: "2038-01-19 03:14:08")?.secondsSince1970 == 2_147_483_648)
        #expect(value.date == Date(timeIntervalSince1970: 1_361_665_116))
    }

    /// The ends of Int64 and dates beyond them print and convert without trapping (the floor
    /// division and the seconds of the day overflowed near Int64.min; `Int64(Double)` traps on
    /// an infinite or huge date).
    @Test func extremeValuesDoNotTrap() {
        #expect(TorTimestamp(secondsSince1970: .min).description == "-292277022657-01-27 08:29:52")
        #expect(TorTimestamp(secondsSince1970: .max).description == "292277026596-12-04 15:30:07")
        #expect(TorTimestamp(secondsSince1970: -86_400).description == "1969-12-31 00:00:00")
        #expect(TorTimestamp(secondsSince1970: -86_401).description == "1969-12-30 23:59:59")
        #expect(TorTimestamp(Date(timeIntervalSince1970: .infinity)).secondsSince1970 == .max)
        #expect(TorTimestamp(Date(timeIntervalSince1970: -.infinity)).secondsSince1970 == .min)
        #expect(TorTimestamp(Date(timeIntervalSince1970: 1e300)).secondsSince1970 == .max)
        #expect(TorTimestamp(Date(timeIntervalSince1970: -0.5)).secondsSince1970 == -1)
    }

    @Test func leapYears() {
        #expect(TorTimestamp(parsing: "2024-02-29 12:00:00") != nil)
        #expect(TorTimestamp(parsing: "2000-02-29 12:00:00") != nil)
        #expect(TorTimestamp(parsing: "2023-02-29 12:00:00") == nil)
        #expect(TorTimestamp(parsing: "1900-02-29 12:00:00") == nil)
        #expect(TorTimestamp(parsing: "2100-02-29 12:00:00") == nil)
        let endOfFebruary = TorTimestamp(parsing: "2024-02-29 23:59:59")!
        #expect(TorTimestamp(secondsSince1970: endOfFebruary.secondsSince1970 + 1).description == "2024-03-01 00:00:00")
    }

    @Test func invalidDatesRejected() {
        for text in ["2024-13-01 00:00:00", "2024-00-01 00:00:00", "2024-04-31 00:00:00", "2024-01-00 00:00:00",
                     "2024-01-01 24:00:00", "2024-01-01 23:60:00", "2024-01-01 23:59:61", "2024-01-01T00:00:00",
                     "2024-1-01 00:00:00", "2024-01-01 0:00:00", "2024/01/01 00:00:00", "+024-01-01 00:00:00",
                     "2024-01-01 00:00:00 ", "", "2024-01-01"] {
            #expect(TorTimestamp(parsing: text) == nil, "\(text)")
        }
    }

    @Test func printMatchesFoundationOverManyDates() {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate, .withSpaceBetweenDateAndTime, .withTime, .withColonSeparatorInTime]
        formatter.timeZone = TimeZone(identifier: "UTC")
        var seconds: Int64 = -2_208_988_800   // 1900-01-01
        while seconds < 4_102_444_800 {       // 2100-01-01
            let value = TorTimestamp(secondsSince1970: seconds)
            let expected = formatter.string(from: Date(timeIntervalSince1970: TimeInterval(seconds)))
            #expect(value.description == expected)
            #expect(TorTimestamp(parsing: value.description) == value)
            seconds += 7_654_321
        }
    }

    @Test func isoForm() {
        let bytes = Array("2019-01-14T05:35:06".utf8)
        #expect(TorTimestamp.parseISO(bytes[...], 0..<bytes.count)?.description == "2019-01-14 05:35:06")
        let spaced = Array("2019-01-14 05:35:06".utf8)
        #expect(TorTimestamp.parseISO(spaced[...], 0..<spaced.count) == nil)
    }
}

@Suite struct IPAddressTests {
    @Test func ipv4() {
        #expect(IPAddress("128.31.0.39")?.description == "128.31.0.39")
        #expect(IPAddress("0.0.0.0") == .v4(0))
        #expect(IPAddress("255.255.255.255") == .v4(0xFFFF_FFFF))
        #expect(IPAddress("128.31.0.39")?.bytes == [128, 31, 0, 39])
        #expect(IPAddress("128.31.0.39")?.isIPv6 == false)
        for bad in ["256.1.1.1", "1.2.3", "1.2.3.4.5", "1.2.3.", ".1.2.3", "1..2.3", "1.2.3.4 ", "a.b.c.d", "1234.1.1.1", ""] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
    }

    @Test func ipv6CompressedForms() {
        let cases: [(String, String)] = [
            ("2001:6b0:7:125::242", "2001:6b0:7:125::242"),
            ("2001:0DB8:0000:0000:0000:0000:0000:0001", "2001:db8::1"),
            ("::", "::"), ("::1", "::1"), ("1::", "1::"),
            ("1:0:0:2:0:0:0:3", "1:0:0:2::3"),                // longest zero run
            ("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1"),     // first of equal runs
            ("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1"),  // a single zero group stays
            ("[2a01:4f8:c2c:1::1]", "2a01:4f8:c2c:1::1"),      // brackets
            ("1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8"),
            ("1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:102:304"),   // embedded IPv4
            ("::FFFF:001.02.3.4", "::ffff:1.2.3.4"),           // upper case, leading zeros
            ("0001:00a:B::", "1:a:b::"),
            ("1::2:3:4:5:6:7", "1:0:2:3:4:5:6:7"),             // a gap of one group is shown whole
        ]
        for (input, output) in cases {
            #expect(IPAddress(input)?.description == output, "\(input)")
            #expect(IPAddress(input)?.isIPv6 == true, "\(input)")
        }
        #expect(IPAddress("::1")?.bytes == [UInt8](repeating: 0, count: 15) + [1])
        #expect(IPAddress("2001:db8::1") == IPAddress("[2001:DB8:0::0:1]"))
    }

    @Test func ipv6InvalidForms() {
        for bad in [":", ":::", "1:2", "1::2::3", ":1::", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7:8::", "12345::",
                    "g::1", "[::1", "::1]", "[1.2.3.4]", "fe80::1%eth0", "1:2:3:4:5:6:7:", "::1.2.3", "::1.2.3.4:5",
                    // The IPv4 tail: only last, only once, a whole dotted quad, within eight groups.
                    "1:2:3:4:5:6:7:1.2.3.4", "::ffff:1.2.3.4.5", "1.2.3.4::", "::1.2.3.4x", "::abcd1", "::1:",
                    "::ffff:256.1.1.1", "::1234.1.1.1", "::1.2.3.4.", "::ff.1.2.3"] {
            #expect(IPAddress(bad) == nil, "\(bad)")
        }
    }

    /// RFC 5952 §5 recommends the mixed notation for IPv4-mapped addresses, and tor prints them
    /// that way (`::ffff:1.2.3.4`), and IPv4-compatible ones as `::1.2.3.4`.
    @Test func ipv4MappedUsesMixedNotation() {
        #expect(IPAddress("::ffff:1.2.3.4")?.description == "::ffff:1.2.3.4")
        #expect(IPAddress("::1.2.3.4")?.description == "::1.2.3.4")
        #expect(IPAddress("::1")?.description == "::1")
        #expect(IPAddress("::")?.description == "::")
        #expect(IPAddress("::ffff:1.2.3.4") == IPAddress("::ffff:102:304"))
    }

    @Test func codable() throws {
        let data = try JSONEncoder().encode([IPAddress("2001:db8::1")!, IPAddress("1.2.3.4")!])
        #expect(String(decoding: data, as: UTF8.self) == "[\"2001:db8::1\",\"1.2.3.4\"]")
        #expect(try JSONDecoder().decode([IPAddress].self, from: data) == [IPAddress("2001:db8::1")!, IPAddress("1.2.3.4")!])
    }
}
