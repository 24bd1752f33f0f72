/// The `bandwidth-weights` of a consensus footer (dir-spec §3.4.1, path-spec "Choosing nodes"),
/// as the fractions tor's client multiplies a relay's consensus bandwidth by: each value is the
/// integer on the line divided by the consensus's `bwweightscale` param (10000 when absent).
///
/// Names follow the spec: the first letter is the position (g guard, m middle, e exit, b
/// directory), the second the relay's kind (g Guard-flagged, m neither, e Exit-flagged, d both,
/// b "directory-supporting" adjustment for that kind).
///
/// ```swift
/// if let weights = BandwidthWeights(consensus) { print(weights.wgg, weights.wee, weights.scale) }
/// ```
public struct BandwidthWeights: Sendable, Hashable {
    public let wgg, wgm, wgd: Double
    public let wmg, wmm, wme, wmd: Double
    public let weg, wem, wee, wed: Double
    /// The `Wxb` factors tor applies to relays that serve directory requests (the V2Dir flag):
    /// 1 in every consensus since 2010, kept because tor's client multiplies by them.
    public let wgb, wmb, web, wdb: Double
    /// `bwweightscale` (consensus param; tor's default 10000, allowed 1 through INT32_MAX).
    public let scale: Int32

    /// The weights of `consensus`; `nil` when its footer lacks one of the position weights a
    /// client needs (consensuses before method 9, or a damaged footer), or any is negative, the
    /// cases where tor's client falls back to its older unweighted selection.
    public init?(_ consensus: NetworkStatusConsensus) {
        self.init(footer: consensus.footer.bandwidthWeights, params: consensus.header.params)
    }

    /// The weights from a `bandwidth-weights` line and a `params` line.
    public init?(footer weights: Int32Parameters, params: Int32Parameters) {
        let rawScale = params["bwweightscale"] ?? 10000
        let scale = rawScale >= 1 ? rawScale : 10000
        let values = weights.dictionary
        func weight(_ name: String, default fallback: Int32? = nil) -> Double? {
            guard let value = values[name] ?? fallback, value >= 0 else { return nil }
            return Double(value) / Double(scale)
        }
        // tor's client reads these eight plus the four Wxb (each Wxb absent counts as the scale)
        // and the Weg/Wem/Wgm that only odd flag combinations need.
        guard let wgg = weight("Wgg"), let wgd = weight("Wgd"), let wmg = weight("Wmg"), let wmm = weight("Wmm"),
              let wme = weight("Wme"), let wmd = weight("Wmd"), let wee = weight("Wee"), let wed = weight("Wed"),
              let wgm = weight("Wgm", default: values["Wgg"]), let weg = weight("Weg", default: values["Wed"]),
              let wem = weight("Wem", default: values["Wee"]),
              let wgb = weight("Wgb", default: scale), let wmb = weight("Wmb", default: scale),
              let web = weight("Web", default: scale), let wdb = weight("Wdb", default: scale)
        else { return nil }
        (self.wgg, self.wgm, self.wgd) = (wgg, wgm, wgd)
        (self.wmg, self.wmm, self.wme, self.wmd) = (wmg, wmm, wme, wmd)
        (self.weg, self.wem, self.wee, self.wed) = (weg, wem, wee, wed)
        (self.wgb, self.wmb, self.web, self.wdb) = (wgb, wmb, web, wdb)
        self.scale = scale
    }
}
