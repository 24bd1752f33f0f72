import Decompression
import Dispatch
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors

/// Reads Tor descriptors from files, directories, tor's data directory and CollecTor archives,
/// as a synchronous sequence or an `AsyncSequence`, in bounded memory.
///
/// Paths may be plain files, tor cache files (`cached-descriptors`, `cached-microdescs.new`, …),
/// CollecTor files with `@type` lines, directories (read recursively in sorted order), tar
/// archives (`.tar`, `.tar.gz`/`.tgz`, `.tar.xz`, `.tar.bz2`, `.tar.zst`) and single compressed
/// files (`.gz`, `.xz`, `.zst`, `.bz2`, `.z`; unnamed ones are recognised by their magic
/// number). A file's type comes from its `@type` line, else tor's cache file name, else
/// ``DescriptorReaderOptions/explicitType``, else its first keyword. Files are read and
/// decompressed on a background thread while the caller parses, with at most
/// ``DescriptorReaderOptions/bufferSize`` members waiting; each archive member is parsed as
/// soon as it is complete.
///
/// ```swift
/// for item in DescriptorReader(paths: ["consensuses-2024-01.tar.xz"]) {
///     switch item.result {
///     case .success(.consensus(let consensus)): print(item.source, consensus.entries.count)
///     case .success: break
///     case .failure(let error): print("\(item.source): \(error)")
///     }
/// }
/// ```
public struct DescriptorReader: Sequence, AsyncSequence, Sendable {
    public typealias Element = DescriptorReadItem
    public typealias Failure = Never

    /// The paths to read.
    public var paths: [String]
    /// The reader's settings.
    public var options: DescriptorReaderOptions

    /// A reader over `paths` with `options`.
    public init(paths: [String], options: DescriptorReaderOptions = DescriptorReaderOptions()) {
        self.paths = paths
        self.options = options
    }

    /// Starts reading: the background thread begins when the iterator is made.
    public func makeIterator() -> Iterator { Iterator(pipeline: Pipeline(paths: paths, options: options)) }

    /// Starts reading for `for await`.
    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(pipeline: Pipeline(paths: paths, options: options)) }

    /// The synchronous iterator; documents come in file order, then order within each file.
    public struct Iterator: IteratorProtocol {
        let pipeline: Pipeline
        /// Progress so far.
        public var progress: ReadProgress { pipeline.currentProgress(final: false) }
        public mutating func next() -> DescriptorReadItem? { pipeline.next() }
    }

    /// The asynchronous iterator: parsing runs off the caller's task, on a dispatch queue.
    ///
    /// Successive calls may run on different worker threads, and copies of the iterator share
    /// one pipeline, so each call takes the pipeline's lock: ThreadSanitizer found the handoff
    /// through the continuation alone unordered in CI.
    public struct AsyncIterator: AsyncIteratorProtocol, Sendable {
        let pipeline: Pipeline
        public mutating func next() async -> DescriptorReadItem? {
            let pipeline = pipeline
            return await withCheckedContinuation { continuation in
                DispatchQueue.global().async { continuation.resume(returning: pipeline.nextLocked()) }
            }
        }

        public mutating func next(isolation actor: isolated (any Actor)?) async throws(Never) -> DescriptorReadItem? {
            let pipeline = pipeline
            return await withCheckedContinuation { continuation in
                DispatchQueue.global().async { continuation.resume(returning: pipeline.nextLocked()) }
            }
        }
    }
}

/// The consumer side: takes units from the producer, detects their type and parses them.
/// Used from one thread at a time (the sync iterator's, or under `lock` from the async one);
/// the producer runs on its own thread.
final class Pipeline: @unchecked Sendable {
    private let options: DescriptorReaderOptions
    private let producer: MemberProducer
    private var history: ReadHistory
    private var ready: [DescriptorReadItem] = []
    private var units: [PendingUnit] = []
    /// With ``DescriptorReaderOptions/parallelism`` > 1: each unit's items, parsed ahead.
    private var preParsed: [[DescriptorReadItem]]?
    private var unitIndex = 0
    private var readyIndex = 0
    private var documents = 0
    /// Where the last document came from, kept only for progress reports.
    private var lastSource: DescriptorSource?
    /// Documents parsed (successes and parse failures), for ``DescriptorReaderOptions/maxDocuments``.
    private var parsed = 0
    private var done = false
    private let started = Date()
    private var lastProgress = Date()
    private let lock = Lock()

    init(paths: [String], options: DescriptorReaderOptions) {
        self.options = options
        history = ReadHistory(file: options.historyFile)
        producer = MemberProducer(paths: paths, options: options, history: history)
        producer.start()
    }

    deinit { producer.queue.cancel() }

    func currentProgress(final: Bool) -> ReadProgress {
        let counts = producer.counts
        return ReadProgress(fileBytes: counts.fileBytes, files: counts.files, documents: documents,
                            elapsed: Date().timeIntervalSince(started), isFinal: final,
                            currentPath: lastSource?.description)
    }

    /// ``next()`` for callers on more than one thread (the async iterator's worker threads).
    func nextLocked() -> DescriptorReadItem? {
        lock.lock()
        defer { lock.unlock() }
        return next()
    }

    func next() -> DescriptorReadItem? {
        while true {
            if readyIndex < ready.count {
                let item = ready[readyIndex]
                readyIndex += 1
                documents += 1
                if options.progress != nil { lastSource = item.source }
                if let callback = options.progress, Date().timeIntervalSince(lastProgress) >= options.progressInterval {
                    lastProgress = Date()
                    callback(currentProgress(final: false))
                }
                if options.errorPolicy == .stop, let error = item.error {
                    if case .unknownType = error {} else { finish(); ready = []; readyIndex = 0 }
                }
                return item
            }
            ready.removeAll(keepingCapacity: true)
            readyIndex = 0
            if done { return nil }
            if unitIndex == units.count {
                guard let batch = producer.queue.pop() else {
                    finish()
                    return nil
                }
                units = batch
                unitIndex = 0
                if options.parallelism > 1 { preParsed = Self.parseConcurrently(batch, options: options) }
            }
            let unit = units[unitIndex]
            units[unitIndex].bytes = []   // the parsed documents keep their own slices
            unitIndex += 1
            if let walked = unit.completes { history.record(walked) }
            if unit.isMarker { continue }
            if let failure = unit.failure {
                ready.append(DescriptorReadItem(source: unit.source, type: nil, result: .failure(.archive(failure))))
                continue
            }
            if let preParsed {
                for item in preParsed[unitIndex - 1] {
                    // Unknown-type items are not documents; everything else counts toward the limit.
                    if item.type == nil { ready.append(item); continue }
                    guard deliver(item, from: unit) else { break }
                }
            } else {
                parse(unit)
            }
        }
    }

    private func detect(_ unit: PendingUnit) -> DescriptorType? { Self.detect(unit, options: options) }

    static func detect(_ unit: PendingUnit, options: DescriptorReaderOptions) -> DescriptorType? {
        let bytes = unit.bytes[...]
        if let annotation = DescriptorType.collectorAnnotation(in: bytes) {
            return DescriptorType(collectorType: annotation.name)
        }
        if let cached = DescriptorType(cacheFileName: unit.source.fileName) { return cached }
        if options.sniffBeforeExplicitType { return DescriptorType.sniff(bytes) ?? options.explicitType }
        return options.explicitType ?? DescriptorType.sniff(bytes)
    }

    private func parse(_ unit: PendingUnit) {
        guard let type = detect(unit) else {
            ready.append(DescriptorReadItem(source: unit.source, type: nil, result: .failure(.unknownType)))
            return
        }
        for result in AnyDescriptor.parseAll(unit.bytes[...], as: type, mode: options.mode, sourceName: unit.source.fileName) {
            guard deliver(DescriptorReadItem(source: unit.source, type: type, result: result.mapError { .parse($0) }),
                          from: unit) else { return }
        }
    }

    /// Queues a parsed (or failed) document, unless ``DescriptorReaderOptions/maxDocuments`` is
    /// reached: then it queues the limit failure instead, ends the read and returns false. Both
    /// the serial and the parallel path go through here, so the limit holds for either.
    private func deliver(_ item: DescriptorReadItem, from unit: PendingUnit) -> Bool {
        var item = item
        item.lineEndings = Self.lineEndings(of: item, in: unit)
        if let limit = options.maxDocuments, parsed >= limit {
            let error = ArchiveError(kind: .documentLimit(limit), path: unit.source.path, member: unit.source.member)
            ready.append(DescriptorReadItem(source: unit.source, type: item.type, result: .failure(.archive(error))))
            finish()   // the items already queued are still delivered, then the read ends
            return false
        }
        parsed += 1
        ready.append(item)
        return true
    }

    /// A unit's line endings, narrowed to one document when the unit has stray CRs: only the
    /// documents that hold a CR are affected (the line is then counted within the document).
    static func lineEndings(of item: DescriptorReadItem, in unit: PendingUnit) -> LineEndings {
        guard case .strayCarriageReturn = unit.lineEndings, let document = item.document else { return unit.lineEndings }
        return LineEndings.classify(document.rawBytes)
    }

    private func finish() {
        guard !done else { return }
        done = true
        producer.queue.cancel()
        history.save()
        options.progress?(currentProgress(final: true))
    }
}
