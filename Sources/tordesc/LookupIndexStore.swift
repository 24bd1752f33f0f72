#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorArchives
import TorDescriptors

/// The I/O around ``AddressLookupIndex``: one index file per input file in the index
/// directory, named by a hash of the input's absolute path and keyed by its path, size and
/// modification time. A missing, stale, truncated or corrupt index is rebuilt by parsing the
/// input once; a valid one is read with `pread`, header and table first and then only the
/// records the binary search needs.
struct LookupIndexStore {
    /// nil: parse every input, write nothing (`--no-index`).
    let directory: String?
    /// How many inputs were answered from an index, and how many were parsed.
    private(set) var indexed = 0, parsed = 0, failures = 0

    /// `$XDG_CACHE_HOME/tordesc/lookup`, else `~/.cache/tordesc/lookup`.
    static var defaultDirectory: String { cacheRoot() + "/lookup" }

    static func cacheRoot() -> String {
        let environment = ProcessInfo.processInfo.environment
        if let xdg = environment["XDG_CACHE_HOME"], xdg.hasPrefix("/") { return xdg + "/tordesc" }
        return (environment["HOME"] ?? "/tmp") + "/.cache/tordesc"
    }

    /// Regular files under `paths` (directories recursively, sorted, hidden names skipped, as
    /// the descriptor reader walks them), as absolute paths.
    static func files(under paths: [String]) -> [String] {
        var found: [String] = []
        func visit(_ path: String) {
            var info = stat()
            guard stat(path, &info) == 0 else { return }
            if info.st_mode & S_IFMT == S_IFREG { found.append(path); return }
            guard info.st_mode & S_IFMT == S_IFDIR, let children = try? FileManager.default.contentsOfDirectory(atPath: path) else { return }
            for child in children.sorted() where !child.hasPrefix(".") { visit(path.hasSuffix("/") ? path + child : path + "/" + child) }
        }
        for path in paths { visit(absolute(path)) }
        return found
    }

    static func absolute(_ path: String) -> String {
        path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
    }

    /// Adds every consensus and exit list of `file` to `answer`, from its index when valid.
    mutating func add(_ file: String, to answer: inout AddressLookupAnswer) {
        var info = stat()
        guard stat(file, &info) == 0 else { failures += 1; warn("\(file): \(String(cString: strerror(errno)))"); return }
        #if canImport(Darwin)
        let modified = info.st_mtimespec
        #else
        let modified = info.st_mtim
        #endif
        let key = AddressLookupIndex.SourceKey(path: file, size: UInt64(info.st_size),
                                               modified: Int64(modified.tv_sec) * 1_000_000_000 + Int64(modified.tv_nsec))
        if let directory {
            let indexPath = directory + "/" + Self.indexName(for: file)
            if let answered = Self.answer(from: indexPath, key: key, into: &answer) {
                if answered { indexed += 1; return }
            }
            let documents = parse(file)
            parsed += 1
            Self.write(AddressLookupIndex(source: key, documents: documents).encoded(), to: indexPath, in: directory)
            Self.add(documents, to: &answer)
        } else {
            parsed += 1
            Self.add(parse(file), to: &answer)
        }
    }

    static func add(_ documents: [AddressLookupIndex.Document], to answer: inout AddressLookupAnswer) {
        for document in documents where document.overlaps(answer.window) {
            let records = document.records.filter { $0.address == answer.address }
            switch document.kind {
            case .consensus: answer.addConsensus(validAfter: document.first, records: records)
            case .exitList: answer.addExitList(first: document.first, last: document.last, records: records)
            }
        }
    }

    /// The consensuses and exit lists of one file (other documents are skipped; unreadable
    /// ones are reported and counted).
    mutating func parse(_ file: String) -> [AddressLookupIndex.Document] {
        var documents: [AddressLookupIndex.Document] = []
        for item in DescriptorReader(paths: [file], options: DescriptorReaderOptions()) {
            switch item.result {
            case .success(.consensus(let consensus)): if let document = AddressLookupIndex.Document(consensus: consensus) { documents.append(document) }
            case .success(.exitList(let list)): if let document = AddressLookupIndex.Document(exitList: list) { documents.append(document) }
            case .success, .failure(.unknownType): continue
            case .failure(let error):
                failures += 1
                warn("\(item.source): \(error)")
            }
        }
        return documents
    }

    /// Answers from the index at `path`: true when it was valid and used, nil when it is
    /// missing, stale or unreadable (the caller rebuilds it; a corrupt one is reported).
    static func answer(from path: String, key: AddressLookupIndex.SourceKey, into answer: inout AddressLookupAnswer) -> Bool? {
        let descriptor = open(path, O_RDONLY)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else { return nil }
        let read = { (range: Range<Int>) -> [UInt8]? in
            var bytes = [UInt8](repeating: 0, count: range.count)
            let count = bytes.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, range.count, off_t(range.lowerBound)) }
            return count == range.count ? bytes : nil
        }
        do throws(AddressLookupIndexError) {
            guard let header = read(0..<AddressLookupIndexReader.headerLength) else { throw .truncated(needed: AddressLookupIndexReader.headerLength, available: Int(info.st_size)) }
            let length = try AddressLookupIndexReader.prefixLength(header: header[...])
            guard let prefix = read(0..<length) else { throw .truncated(needed: length, available: Int(info.st_size)) }
            let reader = try AddressLookupIndexReader(prefix: prefix[...], fileLength: Int(info.st_size))
            guard reader.source == key else { return nil }
            // Search every document first, so a corrupt record leaves `answer` as it was.
            var found: [(AddressLookupIndexReader.DocumentEntry, [AddressLookupRecord])] = []
            for document in reader.documents where document.overlaps(answer.window) {
                found.append((document, try reader.records(of: answer.address, in: document, read: read)))
            }
            for (document, records) in found {
                switch document.kind {
                case .consensus: answer.addConsensus(validAfter: document.first, records: records)
                case .exitList: answer.addExitList(first: document.first, last: document.last, records: records)
                }
            }
            return true
        } catch {
            warn("\(path): \(error); rebuilding it")
            return nil
        }
    }

    /// Writes to a temporary name and renames, so a reader never sees half an index.
    static func write(_ bytes: [UInt8], to path: String, in directory: String) {
        do {
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        } catch {
            warn("cannot create the index directory \(directory): \(error)")
            return
        }
        let temporary = path + ".\(getpid()).tmp"
        guard let file = PosixFile.writing(temporary, truncate: true) else { warn("cannot write \(temporary): \(PosixFile.lastError)"); return }
        do {
            try file.write(bytes[...])
            try file.close()
        } catch {
            warn("cannot write \(temporary): \(error)")
            unlink(temporary)
            return
        }
        if rename(temporary, path) != 0 { warn("cannot rename \(temporary): \(PosixFile.lastError)"); unlink(temporary) }
    }

    /// The index file's name: FNV-1a 64 of the absolute path, in hex.
    static func indexName(for path: String) -> String {
        let hex = String(AddressLookupIndex.checksum(Array(path.utf8)[...]), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex + ".idx"
    }
}
