import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// Concurrent parsing for ``DescriptorReaderOptions/parallelism`` > 1: the reading thread still
/// decompresses and splits archives alone; the consumer parses each batch it takes on several
/// threads and delivers the items in the serial order.
extension Pipeline {
    /// Every unit's items, in unit order (empty for markers and read failures, which the
    /// consumer handles itself).
    static func parseConcurrently(_ units: [PendingUnit], options: DescriptorReaderOptions) -> [[DescriptorReadItem]] {
        let results = ItemSlots(count: units.count)
        let workers = min(options.parallelism, units.count)
        // Units differ a lot in size (a consensus next to descriptors): hand them out one at a
        // time instead of in fixed shares.
        let next = NextIndex()
        DispatchQueue.concurrentPerform(iterations: workers) { _ in
            while let index = next.take(below: units.count) {
                let unit = units[index]
                if unit.isMarker || unit.failure != nil { continue }
                results.set(index, items(for: unit, options: options, parallelism: units.count == 1 ? options.parallelism : 1))
            }
        }
        return results.values
    }

    /// The items of one unit, as the serial consumer makes them.
    static func items(for unit: PendingUnit, options: DescriptorReaderOptions, parallelism: Int) -> [DescriptorReadItem] {
        guard let type = detect(unit, options: options) else {
            return [DescriptorReadItem(source: unit.source, type: nil, result: .failure(.unknownType))]
        }
        let bytes = unit.bytes[...]
        guard parallelism > 1, type.family == .networkStatusConsensus else {
            return AnyDescriptor.parseAll(bytes, as: type, mode: options.mode, sourceName: unit.source.fileName).map {
                DescriptorReadItem(source: unit.source, type: type, result: $0.mapError { .parse($0) })
            }
        }
        // A large consensus alone in its batch: its entries in concurrent chunks, with the
        // document limit `parseAll` applies.
        var items: [DescriptorReadItem] = []
        for slice in NetworkStatusConsensus.slices(in: bytes) {
            if items.count >= options.mode.limits.maxDocumentsPerBuffer {
                return AnyDescriptor.parseAll(bytes, as: type, mode: options.mode, sourceName: unit.source.fileName).map {
                    DescriptorReadItem(source: unit.source, type: type, result: $0.mapError { .parse($0) })
                }
            }
            let result: Result<AnyDescriptor, DescriptorReadError>
            do throws(DescriptorParseError) {
                result = .success(.consensus(try NetworkStatusConsensus(parsing: slice, mode: options.mode, parallelism: parallelism)))
            } catch {
                result = .failure(.parse(error))
            }
            items.append(DescriptorReadItem(source: unit.source, type: type, result: result))
        }
        return items
    }
}

/// A counter shared by the workers of one batch.
private final class NextIndex: @unchecked Sendable {
    private var value = 0
    private let lock = Lock()
    func take(below limit: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        guard value < limit else { return nil }
        value += 1
        return value - 1
    }
}

/// Per-unit results written by the workers.
private final class ItemSlots: @unchecked Sendable {
    private(set) var values: [[DescriptorReadItem]]
    private let lock = Lock()
    init(count: Int) { values = Array(repeating: [], count: count) }
    func set(_ index: Int, _ items: [DescriptorReadItem]) {
        lock.lock()
        values[index] = items
        lock.unlock()
    }
}
