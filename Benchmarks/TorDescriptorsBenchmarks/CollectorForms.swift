// CollecTor-shaped inputs for the no-argument run, built fresh in a temporary directory from
// the real documents under the roots (nothing is cached between runs):
//
//   extracted/server-descriptors-corpus/a/b/<sha1 hex>      one document per file, `@type` line
//   extracted/extra-infos-corpus/a/b/<sha1 hex>
//   extracted/microdescs-corpus/micro/a/b/<sha256 hex>
//   extracted/consensuses-corpus/<file>                      whole files, `@type` line added
//   extracted/microdescs-corpus/consensus-microdesc/<file>
//   extracted/votes-corpus/<file>
//
// and, per type, `<folder>.tar` (system `tar --sort=name`) and `<folder>.tar.xz`
// (`xz -T0 -6`, CollecTor's level). Documents are deduplicated by digest (descriptors) or file
// name (whole files), since the bundled corpus is a copy of part of ../shared/corpus. Tor's own
// annotations (`@downloaded-at`, `@source`) are dropped: CollecTor files carry only `@type`.
import Foundation
import TorDescriptors

struct FormInput {
    var type: DescriptorType
    var form: String          // "directory", "tar", "tar.xz"
    var path: String
    var diskBytes: Int        // on disk (compressed size for .tar.xz, sum of files for a directory)
}

enum CollectorForms {
    struct Layout {
        var type: DescriptorType
        var annotation: String
        var folder: String
        var perDocument: Bool
    }

    static let layouts = [
        Layout(type: .serverDescriptor, annotation: "@type server-descriptor 1.0", folder: "server-descriptors-corpus", perDocument: true),
        Layout(type: .extraInfo, annotation: "@type extra-info 1.0", folder: "extra-infos-corpus", perDocument: true),
        Layout(type: .microdescriptor, annotation: "@type microdescriptor 1.0", folder: "microdescs-corpus/micro", perDocument: true),
        Layout(type: .networkStatusConsensus, annotation: "@type network-status-consensus-3 1.0", folder: "consensuses-corpus", perDocument: false),
        Layout(type: .networkStatusMicrodescConsensus, annotation: "@type network-status-microdesc-consensus-3 1.0",
               folder: "microdescs-corpus/consensus-microdesc", perDocument: false),
        Layout(type: .networkStatusVote, annotation: "@type network-status-vote-3 1.0", folder: "votes-corpus", perDocument: false),
    ]

    /// Builds every form under `directory`; returns them in table order.
    static func build(roots: [String], in directory: URL) throws -> [FormInput] {
        var inputs: [FormInput] = []
        let extracted = directory.appendingPathComponent("extracted")
        for layout in layouts {
            let tree = extracted.appendingPathComponent(layout.folder)
            var written: [String: [UInt8]] = [:]
            for root in roots {
                for file in sourceFiles(of: layout.type, under: root) {
                    if layout.perDocument {
                        for slice in slices(layout.type, file.bytes[...]) {
                            let body = withoutAnnotations(slice)
                            let digest = layout.type == .microdescriptor ? Digest.sha256(body) : Digest.sha1(body)
                            let hex = Hex.encode(digest)
                            let chars = Array(hex)
                            written["\(chars[0])/\(chars[1])/\(hex)"] = Array(layout.annotation.utf8) + [0x0A] + body
                        }
                    } else {
                        let name = (file.path as NSString).lastPathComponent
                        written[name] = Array(layout.annotation.utf8) + [0x0A] + withoutAnnotations(file.bytes[...])
                    }
                }
            }
            guard !written.isEmpty else { continue }
            var diskBytes = 0
            for (relative, bytes) in written {
                let url = tree.appendingPathComponent(relative)
                try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
                try Data(bytes).write(to: url)
                diskBytes += bytes.count
            }
            let archiveName = layout.folder.replacingOccurrences(of: "/", with: "-")
            let tar = directory.appendingPathComponent(archiveName + ".tar")
            // Members named like CollecTor's: the tarball's top folder, then the layout.
            try run(["tar", "--sort=name", "-cf", tar.path, "-C", extracted.path, layout.folder], in: directory)
            try run(["xz", "-T0", "-6", "-k", tar.path], in: directory)
            func size(_ url: URL) -> Int { ((try? FileManager.default.attributesOfItem(atPath: url.path))?[.size] as? Int) ?? 0 }
            inputs.append(FormInput(type: layout.type, form: "directory", path: tree.path, diskBytes: diskBytes))
            inputs.append(FormInput(type: layout.type, form: "tar", path: tar.path, diskBytes: size(tar)))
            let xz = URL(fileURLWithPath: tar.path + ".xz")
            inputs.append(FormInput(type: layout.type, form: "tar.xz", path: xz.path, diskBytes: size(xz)))
        }
        return inputs
    }

    static func slices(_ type: DescriptorType, _ bytes: ArraySlice<UInt8>) -> [ArraySlice<UInt8>] {
        switch type {
        case .serverDescriptor: ServerDescriptor.slices(in: bytes).map(\.bytes)
        case .extraInfo: ExtraInfoDescriptor.slices(in: bytes).map(\.bytes)
        case .microdescriptor: Microdescriptor.slices(in: bytes).map(\.bytes)
        default: [bytes]
        }
    }

    /// The document without leading `@` annotation lines (tor's cache annotations, `@type`).
    static func withoutAnnotations(_ bytes: ArraySlice<UInt8>) -> [UInt8] {
        var body = bytes
        while body.first == UInt8(ascii: "@"), let end = body.firstIndex(of: 0x0A) { body = body[(end + 1)...] }
        return Array(body)
    }

    /// Files under `root` whose detected type is exactly `type` (relay, not bridge), skipping
    /// cropped and malformed ones and archives.
    static func sourceFiles(of type: DescriptorType, under root: String) -> [(path: String, bytes: [UInt8])] {
        var found: [(String, [UInt8])] = []
        guard let enumerator = FileManager.default.enumerator(atPath: root) else { return [] }
        for case let relative as String in enumerator {
            let path = root + "/" + relative
            let name = (path as NSString).lastPathComponent
            if name.hasPrefix("cropped--") || path.contains("/malformed/") || path.contains("/archives/") { continue }
            var isDirectory: ObjCBool = false
            guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory), !isDirectory.boolValue,
                  let data = FileManager.default.contents(atPath: path) else { continue }
            let bytes = [UInt8](data)
            if DescriptorType.detect(fileName: name, bytes: bytes[...]) == type { found.append((path, bytes)) }
        }
        return found.sorted { $0.0 < $1.0 }
    }

    static func run(_ arguments: [String], in directory: URL) throws {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = directory
        try process.run()
        process.waitUntilExit()
        guard process.terminationStatus == 0 else {
            throw NSError(domain: "CollectorForms", code: Int(process.terminationStatus),
                          userInfo: [NSLocalizedDescriptionKey: "\(arguments.joined(separator: " ")) failed"])
        }
    }
}
