import ArgumentParser
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import FoundationEssentials
import TorDescriptors
import TorDirectory

/// Reads `--authorities FILE` for `verify` and `health`: `nickname v3ident` lines, or torrc
/// `DirAuthority ... v3ident=HEX ...` lines (a private network's).
enum AuthorityFile {
    static func load(_ path: String) throws -> TrustedAuthorities {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        // CRLF throughout is fine (both readers split CRLF lines); a stray CR is named as such.
        if case .strayCarriageReturn(let line) = LineEndings.classify(Array(text.utf8)[...]) {
            throw ValidationError("\(path): stray CR (carriage return) on line \(line): the lines end in neither LF nor CRLF throughout")
        }
        if let listed = TrustedAuthorities(listing: text) { return listed }
        guard let list = try? DirectoryList(parsing: text), !list.v3Identities.isEmpty else {
            throw ValidationError("\(path) lists no authorities: write `nickname v3ident` lines or torrc `DirAuthority ... v3ident=HEX ...` lines")
        }
        return TrustedAuthorities(list.authorities.compactMap { authority in
            authority.v3Identity.map { DirectoryAuthorityIdentity(nickname: authority.nickname, identity: $0) }
        })
    }
}
