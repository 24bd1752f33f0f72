/// One onion-service time period (rend-spec-v3 2.2.1, [TIME-PERIODS]): the span over which a
/// service keeps one blinded key and its descriptors stay on one set of HSDirs.
///
/// Periods are counted from the Unix epoch shifted by a rotation offset of 12 voting intervals
/// (12 hours on the public network), so the period number of a time is
/// `(minutes since the epoch − offset) / length`; the length is 1,440 minutes unless the
/// consensus parameter `hsdir_interval` says otherwise (tor reads it with an underscore; the
/// spec's prose writes `hsdir-interval`).
///
/// ```swift
/// let period = OnionTimePeriod(containing: TorTimestamp(parsing: "2016-04-13 11:15:01")!)
/// print(period.number, period.start)   // 16903 2016-04-12 12:00:00
/// ```
public struct OnionTimePeriod: Sendable, Hashable, Comparable, CustomStringConvertible {
    /// Tor's default period length (one day), and the bounds it accepts for `hsdir_interval`.
    public static let defaultLengthMinutes: UInt64 = 1440
    public static let lengthRange: ClosedRange<UInt64> = 30...14_400
    /// 12 voting intervals of 60 minutes.
    public static let defaultRotationOffsetMinutes: UInt64 = 720

    /// The period number, INT_8 in the blinding and hash-ring inputs.
    public let number: UInt64
    /// The period length in minutes.
    public let lengthMinutes: UInt64
    /// The shift of period boundaries from multiples of the length, in minutes.
    public let rotationOffsetMinutes: UInt64

    /// The period numbered `number`; a zero length is taken as the default.
    public init(number: UInt64, lengthMinutes: UInt64 = defaultLengthMinutes,
                rotationOffsetMinutes: UInt64 = defaultRotationOffsetMinutes) {
        self.number = number
        self.lengthMinutes = lengthMinutes == 0 ? Self.defaultLengthMinutes : lengthMinutes
        self.rotationOffsetMinutes = rotationOffsetMinutes
    }

    /// The period containing `time`. Times before the first period's start (the epoch plus the
    /// offset) fall in period 0 (tor asserts on them instead).
    public init(containing time: TorTimestamp, lengthMinutes: UInt64 = defaultLengthMinutes,
                rotationOffsetMinutes: UInt64 = defaultRotationOffsetMinutes) {
        let length = lengthMinutes == 0 ? Self.defaultLengthMinutes : lengthMinutes
        let minutes = UInt64(max(0, time.secondsSince1970 / 60))
        let shifted = minutes > rotationOffsetMinutes ? minutes - rotationOffsetMinutes : 0
        self.init(number: shifted / length, lengthMinutes: length, rotationOffsetMinutes: rotationOffsetMinutes)
    }

    /// The period containing `time` (by default the consensus's `valid-after`, the time tor
    /// uses) with the consensus's period length: `hsdir_interval` clamped to 30...14,400
    /// minutes as tor clamps it, else 1,440. The rotation offset is 12 voting intervals, the
    /// interval being `fresh-until` − `valid-after` (60 minutes when either is missing).
    ///
    /// `testingNetwork` follows tor's `TestingTorNetwork` rule: the period is one
    /// shared-random protocol run (24 voting intervals) whatever the parameter says, which is
    /// what a private test network's tors use.
    public init(containing time: TorTimestamp? = nil, consensus: NetworkStatusConsensus, testingNetwork: Bool = false) {
        let interval = Self.votingIntervalMinutes(consensus)
        let length: UInt64
        if testingNetwork {
            length = 24 * interval
        } else if let parameter = consensus.header.params.dictionary["hsdir_interval"] {
            length = min(max(UInt64(max(0, parameter)), Self.lengthRange.lowerBound), Self.lengthRange.upperBound)
        } else {
            length = Self.defaultLengthMinutes
        }
        let at = time ?? consensus.header.validAfter ?? TorTimestamp(secondsSince1970: 0)
        self.init(containing: at, lengthMinutes: length, rotationOffsetMinutes: 12 * interval)
    }

    /// The consensus's voting interval in minutes (`fresh-until` − `valid-after`), 60 by default.
    static func votingIntervalMinutes(_ consensus: NetworkStatusConsensus) -> UInt64 {
        guard let validAfter = consensus.header.validAfter, let freshUntil = consensus.header.freshUntil,
              freshUntil.secondsSince1970 - validAfter.secondsSince1970 >= 60 else { return 60 }
        return UInt64((freshUntil.secondsSince1970 - validAfter.secondsSince1970) / 60)
    }

    /// When the period begins.
    public var start: TorTimestamp { TorTimestamp(secondsSince1970: Self.seconds(number, lengthMinutes, rotationOffsetMinutes)) }
    /// When the next period begins.
    public var end: TorTimestamp {
        TorTimestamp(secondsSince1970: number == .max ? Int64.max : Self.seconds(number + 1, lengthMinutes, rotationOffsetMinutes))
    }

    public var next: OnionTimePeriod { OnionTimePeriod(number: number == .max ? number : number + 1, lengthMinutes: lengthMinutes, rotationOffsetMinutes: rotationOffsetMinutes) }
    public var previous: OnionTimePeriod { OnionTimePeriod(number: number == 0 ? 0 : number - 1, lengthMinutes: lengthMinutes, rotationOffsetMinutes: rotationOffsetMinutes) }

    public var description: String { "time period \(number) (\(lengthMinutes) min) from \(start) to \(end)" }

    public static func < (a: OnionTimePeriod, b: OnionTimePeriod) -> Bool { a.number < b.number }

    /// Saturates instead of trapping for absurd numbers (a caller's period, never a parsed one).
    private static func seconds(_ number: UInt64, _ length: UInt64, _ offset: UInt64) -> Int64 {
        let (minutes, overflow) = number.multipliedReportingOverflow(by: length)
        let (total, overflow2) = minutes.addingReportingOverflow(offset)
        guard !overflow, !overflow2, total <= UInt64(Int64.max / 60) else { return Int64.max }
        return Int64(total) * 60
    }
}
