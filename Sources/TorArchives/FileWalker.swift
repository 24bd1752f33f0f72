#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials

/// A file to read, found from the reader's paths.
struct WalkedFile {
    let path: String
    let named: Bool
    let modificationMillis: Int64
}

/// Expands the reader's paths: files as given, directories recursively in sorted order, hidden
/// entries skipped, symbolic links inside directories followed only when asked.
enum FileWalker {
    static func status(_ path: String, follow: Bool) -> stat? {
        var info = stat()
        let rc = follow ? stat(path, &info) : lstat(path, &info)
        return rc == 0 ? info : nil
    }

    static func isDirectory(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFDIR }
    static func isRegular(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFREG }
    static func isLink(_ info: stat) -> Bool { info.st_mode & S_IFMT == S_IFLNK }

    static func millis(_ info: stat) -> Int64 {
        Int64(info.st_mtim.tv_sec) * 1000 + Int64(info.st_mtim.tv_nsec) / 1_000_000
    }

    /// Files under `path` (or `path` itself), or the path with a nil time when it is missing.
    static func expand(_ path: String, followLinks: Bool, visit: (WalkedFile?, String) -> Bool) {
        guard let info = status(path, follow: true) else { _ = visit(nil, path); return }
        guard isDirectory(info) else {
            _ = visit(WalkedFile(path: path, named: true, modificationMillis: millis(info)), path)
            return
        }
        var relative: [(String, Int64)] = []
        var seen: Set<[UInt64]> = [[UInt64(info.st_dev), UInt64(info.st_ino)]]
        collect(path, prefix: "", followLinks: followLinks, seen: &seen, into: &relative)
        relative.sort { $0.0.utf8.lexicographicallyPrecedes($1.0.utf8) }
        for (child, time) in relative {
            let full = path.hasSuffix("/") ? path + child : path + "/" + child
            if !visit(WalkedFile(path: full, named: false, modificationMillis: time), full) { return }
        }
    }

    private static func collect(_ directory: String, prefix: String, followLinks: Bool, seen: inout Set<[UInt64]>,
                                into files: inout [(String, Int64)]) {
        guard let children = try? FileManager.default.contentsOfDirectory(atPath: directory) else { return }
        for child in children where !child.hasPrefix(".") {
            let full = directory + "/" + child
            guard var info = status(full, follow: false) else { continue }
            if isLink(info) {
                guard followLinks, let target = status(full, follow: true) else { continue }
                info = target
            }
            if isDirectory(info) {
                // A followed link back to an ancestor would loop forever.
                guard seen.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted else { continue }
                collect(full, prefix: prefix + child + "/", followLinks: followLinks, seen: &seen, into: &files)
            } else if isRegular(info) {
                files.append((prefix + child, millis(info)))
            }
        }
    }
}

/// The persisted list of files already read: `MILLIS<TAB>PATH` per line, as metrics-lib's
/// reader history keeps modification times so a changed file is read again.
struct ReadHistory {
    let file: String?
    private(set) var entries: [String: Int64] = [:]

    init(file: String?) {
        self.file = file
        guard let file, let text = try? String(contentsOfFile: file, encoding: .utf8) else { return }
        for line in text.split(separator: "\n") {
            guard let tab = line.firstIndex(of: "\t"), let time = Int64(line[..<tab]) else { continue }
            entries[String(line[line.index(after: tab)...])] = time
        }
    }

    func contains(_ walked: WalkedFile) -> Bool { entries[walked.path] == walked.modificationMillis }

    /// Without a history file nothing is kept: the first insertion into the dictionary costs a
    /// scan of the binary's conformance records (0.38 M instructions) for a history never saved.
    mutating func record(_ walked: WalkedFile) {
        guard file != nil else { return }
        entries[walked.path] = walked.modificationMillis
    }

    func save() {
        guard let file else { return }
        var text = ""
        for (path, time) in entries.sorted(by: { $0.key < $1.key }) { text += "\(time)\t\(path)\n" }
        let temporary = file + ".tmp"
        do {
            try text.write(toFile: temporary, atomically: false, encoding: .utf8)
            _ = rename(temporary, file)
        } catch {}
    }
}
