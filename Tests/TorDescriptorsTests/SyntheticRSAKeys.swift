@testable import TorDescriptors

/// Synthetic RSA public keys (DER `RSAPublicKey`, base64 on one line) for hand-written test
/// documents, generated once with `openssl genrsa` for this purpose: no relay or authority
/// uses them, and no private key is kept. Strict mode decodes every `RSA PUBLIC KEY` object and
/// checks tor's `NEED_KEY_1024` size, so placeholders must be real keys.
enum SyntheticRSAKeys {
    /// 3072 bits, the size of a directory authority's identity key.
    static let identity3072 = "MIIBigKCAYEAu0RLr0rt8QtJfe2JFN/lxSS7JjgXmU5ZYWhlfEomiYJH54/qvrjazRlglTPA6sGEf+Te1JLSGu5vVdp61ilVaRKNQg60wIGDGOSOxSAID5DyPJ+F1Y65uP4wG6t/TjjMigpLv6bKLaaJ1t2i/KRBlVyJS4pt4tTFt85KggobYVMlgtrgYkbYPdbmldpYViMV8GNbf1WBmOEQ5jQ9f5khdSFtE51C8yMXH/zUOhRuaWdoRSf0O6JHlz7I5kE5ld/mwx0lIZH/kcQfHe8i+zOIukatCQ5R/uDVL74AslhTsOokRRCri87LM9RrqJRco+e3f4uTS1L2Ev6mdtpJCf0s8NHuyxH6N6Yd/XMC2RVkbSpL/+FLp43HVPbVhup+xT0dhH1r2LxcphHyzNSqbwUuKilBiEvnjfFC+OMBY2vwgx/z6sESPLlkmxe6Z48qpDmvmpVw/FJ/SiSBzAuJeKYijNS91NtlnZvG6/J87eUUVx0sVeqij1Ix3wsl1cjksoQ5AgMBAAE="
    /// 1024 bits, the size tor wants for `signing-key` and `onion-key`.
    static let signing1024 = "MIGJAoGBAK95LI4kkQ9cF2AhwDsFCbmhO48+7kCSW+6BeFX3mpmOUfKrzbNB/ZrHZHlZ1lMoVtfeDiR8toweQVFc7UEUVWdOkQ97Q8oznNoG3gO7LBd0xDpR78CC/Wsn9KuAXtFPdPT3BheLxzuHs8FDxA2IZDyATQunfIbEGXbQESeuNFbNAgMBAAE="
    /// Another 1024-bit key.
    static let other1024 = "MIGJAoGBAKR6ef3An/dCngtkUB35uUHoTyK+tSqmjYEB5/1haIcVP73qGQnPUdW0yeSH1PKDkyU5QvBDRevmNmMWQ7WVQNIxyAgL2oRVtQchcPYkyvLAWE0mnwf/mlC5l3yfFAzL87UnnFvtQa7CunJT7e9xF1fwIwBLtX9wST/o4w9TkO6JAgMBAAE="
    /// 2048 bits: a size tor's `NEED_KEY_1024` refuses.
    static let wrongSize2048 = "MIIBCgKCAQEAm8VNz10sbjlk/oOmLGEOGEKoMd7tuacF6NOzt+Ze/cioAxd+urHTwtP9JJcgKSIxcKG1w3o4/pY/5fiidSkVOIgOCwEVel8Jw47x/F8+JXfLeQEg4atyPOEPKtWFZmUvQYua+IOsIYvc7c/TFMykWGVYpKUurLzJL/+uem0fkMEIfErhcuzWR8NWfFyTiqfzrcvxt4+oPxf8mMkOW9xziXwMT1BsEmholrLotH7YL+ENYpKHQhbPwFVi1oI1GLhVYA3NEvYS7xWTZEmkLmze6RrA/bzOWLfQwx07vICASFyqMZZJvIiev4vxUOlXG2u78ulOeK2GGqI9TLGEpraHRwIDAQAB"

    static func der(_ base64: String) -> [UInt8] { Base64.decode(Array(base64.utf8))! }
}
