import Foundation
import Testing
@testable import Decompression

/// liblzma, libzstd and libbz2 are opened at run time (Sources/CCodecs), so the build needs only
/// zlib's headers; these tests hold that promise and the behaviour without a library.
@Suite struct RuntimeLibraryTests {
    /// Every source, test, fuzz target and benchmark file, read as text.
    static func projectFiles() throws -> [(path: String, text: String)] {
        let root = DecompressionFixtures.root
        var files: [(String, String)] = []
        for top in ["Sources", "Tests", "Fuzz", "Benchmarks"] {
            let base = root.appendingPathComponent(top)
            guard let walker = FileManager.default.enumerator(at: base, includingPropertiesForKeys: nil) else { continue }
            for case let url as URL in walker {
                let relative = url.path.dropFirst(root.path.count + 1)
                // Build products and fuzz corpora are not sources.
                if relative.contains("/.build") || relative.contains("FuzzRegressions") || relative.contains("/corpus") {
                    walker.skipDescendants()
                    continue
                }
                guard ["c", "h", "m", "swift", "modulemap", "cpp"].contains(url.pathExtension),
                      let text = try? String(contentsOf: url, encoding: .utf8) else { continue }
                files.append((String(relative), text))
            }
        }
        return files
    }

    @Test("No file includes lzma.h, zstd.h or bzlib.h: building needs no -dev package but zlib's")
    func noOptionalLibraryHeaders() throws {
        let files = try Self.projectFiles()
        #expect(files.count > 100, "found only \(files.count) source files: is the walk looking in the right place?")
        #expect(files.contains { $0.path == "Sources/CCodecs/include/CCodecs.h" })
        let include = Self.includeOfOptionalHeader()
        let moduleLink = #/\blink\s+"(lzma|zstd|bz2)"/#
        for file in files {
            #expect(!file.text.contains(include), "\(file.path) includes an optional library's header")
            #expect(!file.text.contains(moduleLink), "\(file.path) links an optional library at build time")
        }
    }

    /// #15: no module that `tordesc` links imports all of Foundation: it loads ICU and
    /// libFoundation (about 7.7 M instructions of every start, measured with callgrind);
    /// FoundationEssentials has what the code needs. Tests and benchmarks may import it.
    @Test("No source under Sources/ imports Foundation (FoundationEssentials only)")
    func noFoundationInSources() throws {
        let sources = try Self.projectFiles().filter { $0.path.hasPrefix("Sources/") && $0.path.hasSuffix(".swift") }
        #expect(sources.count > 100, "found only \(sources.count) Swift sources")
        for file in sources {
            #expect(!Self.importsFoundation(file.text), "\(file.path) imports Foundation; import FoundationEssentials")
        }
        #expect(Self.importsFoundation("import Dispatch\nimport Foundation\n"))
        #expect(Self.importsFoundation("@_exported import Foundation"))
        #expect(Self.importsFoundation("  import struct Foundation.Data"))
        #expect(!Self.importsFoundation("import FoundationEssentials\n// import Foundation is not needed"))
    }

    /// An `import Foundation` line (also `@_exported`, or of one declaration: `import struct Foundation.X`).
    static func importsFoundation(_ text: String) -> Bool {
        text.split(separator: "\n").contains { line in
            var words = line.split(separator: " ", omittingEmptySubsequences: true)
            if words.first == "@_exported" { words.removeFirst() }
            guard words.first == "import", words.count >= 2 else { return false }
            let module = words.count >= 3 ? words[2] : words[1]
            return module == "Foundation" || module.hasPrefix("Foundation.")
        }
    }

    /// An `#include`/`#import` of lzma.h (or one of its lzma/*.h parts), zstd.h or bzlib.h.
    static func includeOfOptionalHeader() -> Regex<(Substring, Substring, Substring, Substring?)> {
        #/#\s*(include|import)\s*[<"](lzma|zstd|bzlib)(/[a-z_]+)?\.h[>"]/#
    }

    @Test("The header check finds an include when there is one")
    func headerCheckCanFail() {
        let include = Self.includeOfOptionalHeader()
        // Spelled in pieces so this file does not itself hold the includes it looks for.
        let hash = "#"
        #expect("\(hash)include <zstd.h>\n".contains(include))
        #expect("\(hash)  include \"lzma/base.h\"".contains(include))
        #expect("\(hash)import <bzlib.h>".contains(include))
        #expect(!"#include <zlib.h>".contains(include))
        #expect(!"// liblzma.so.5, libzstd.so.1".contains(include))
    }

    @Test("zlib formats are always available; the others exactly when their library loads",
          arguments: CompressionFormat.allCases)
    func availability(format: CompressionFormat) throws {
        switch format {
        case .identity, .deflate, .gzip: #expect(format.isAvailable)
        case .xz, .zstd, .bzip2:
            // A machine of the project's kind has every runtime library (Debian's base system does).
            #expect(format.isAvailable, "\(format): \(CodecLibrary(format)!.soname) did not load on this machine")
        }
        #expect(CompressionFormat.availableFormats.contains(format) == format.isAvailable)
    }

    @Test("A format whose library is missing reports which library and what to install, never a crash",
          arguments: [CompressionFormat.xz, .zstd, .bzip2])
    func missingLibrary(format: CompressionFormat) throws {
        let library = try #require(CodecLibrary(format))
        var decompressor = StreamingDecompressor(format: format, limits: .default, libraryLoaded: false)
        do throws(DecompressionError) {
            try decompressor.feed([0x28, 0xB5, 0x2F, 0xFD]) { _ in }
            Issue.record("\(format) decoded without its library")
        } catch {
            #expect(error.format == format)
            #expect(error.kind == .libraryUnavailable(library: library.soname, install: library.installHint))
            #expect("\(error)".contains(library.soname), "\(error)")
            #expect("\(error)".contains(library.installHint), "\(error)")
        }
        // finish reports the same, and the decompressor keeps failing the same way.
        do throws(DecompressionError) {
            try decompressor.finish()
            Issue.record("\(format) finished without its library")
        } catch {
            #expect(error.kind == .libraryUnavailable(library: library.soname, install: library.installHint))
        }
    }

    @Test("Install hints name the runtime package, not a -dev package")
    func installHints() {
        #if os(Linux)
        #expect(CodecLibrary.lzma.installHint == "apt-get install liblzma5")
        #expect(CodecLibrary.zstd.installHint == "apt-get install libzstd1")
        #expect(CodecLibrary.bzip2.installHint == "apt-get install libbz2-1.0")
        #expect(CodecLibrary.zstd.soname == "libzstd.so.1")
        #endif
    }
}
