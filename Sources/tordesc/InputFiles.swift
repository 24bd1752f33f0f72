import ArgumentParser
import Foundation

/// A file to read, and whether the user named it (rather than it being found in a directory).
struct InputFile {
    let path: String
    let named: Bool
}

/// Expands command-line paths: files as given, directories recursively in sorted order.
enum InputFiles {
    static func expand(_ paths: [String]) throws -> [InputFile] {
        var files: [InputFile] = []
        let manager = FileManager.default
        for path in paths {
            var isDirectory: ObjCBool = false
            guard manager.fileExists(atPath: path, isDirectory: &isDirectory) else {
                throw ValidationError("no such file or directory: \(path)")
            }
            guard isDirectory.boolValue else {
                files.append(InputFile(path: path, named: true))
                continue
            }
            let children = (manager.enumerator(atPath: path)?.allObjects as? [String] ?? []).sorted()
            for child in children {
                let full = (path as NSString).appendingPathComponent(child)
                var childIsDirectory: ObjCBool = false
                if manager.fileExists(atPath: full, isDirectory: &childIsDirectory), !childIsDirectory.boolValue,
                   !child.hasPrefix("."), !(child as NSString).lastPathComponent.hasPrefix(".") {
                    files.append(InputFile(path: full, named: false))
                }
            }
        }
        return files
    }
}
