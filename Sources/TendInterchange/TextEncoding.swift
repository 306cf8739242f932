import Foundation

/// How the bytes of another program's file become text. Address books are written in UTF-8
/// mostly, but not only: Outlook and Excel save "Unicode" as UTF-16 with a byte-order mark,
/// older exports are in Windows-1252, and a vCard 2.1 names a charset per property. What can be
/// read is read; what had to be guessed is said, never silently.
public enum TextEncoding {
    /// The file as UTF-8 bytes: a UTF-8 byte-order mark dropped, UTF-16 with a byte-order mark
    /// converted. The bytes are not checked to be valid UTF-8 (a vCard decodes each property by
    /// its own CHARSET); an empty or binary file is an error. With `quotes` (CSV), a NUL inside
    /// a quoted cell is data (Tend's own export keeps one there): only one outside quotes makes
    /// the file binary.
    public static func unicode(_ bytes: [UInt8], what: String, quotes: Bool = false) throws -> [UInt8] {
        if bytes.isEmpty { throw ImportError(what, "the file is empty") }
        if startsAsUTF16(bytes) {
            guard let s = String(bytes: bytes, encoding: .utf16), !s.isEmpty else {
                throw ImportError(what, "the file starts as UTF-16 but is not; save it as UTF-8")
            }
            return Array(s.utf8).dropBOM
        }
        if let order = utf16WithoutBOM(bytes) {
            guard let s = String(bytes: bytes, encoding: order), !s.isEmpty else {
                throw ImportError(what, "the file looks like UTF-16 without a byte-order mark but is not; save it as UTF-8")
            }
            return Array(s.utf8).dropBOM
        }
        if binary(bytes.prefix(4096), quotes: quotes) { throw ImportError(what, "this is a binary file, not text") }
        return bytes.dropBOM
    }

    /// UTF-16 without a byte-order mark (some exports save "Unicode" so): text whose every
    /// other byte is NUL, in either order, for nine pairs in ten of its start. Nil for anything else.
    static func utf16WithoutBOM(_ bytes: [UInt8]) -> String.Encoding? {
        let start = bytes.prefix(4096)
        let pairs = start.count / 2
        guard pairs >= 4, bytes.count % 2 == 0 else { return nil }
        var (little, big) = (0, 0)
        for k in 0..<pairs {
            let (a, b) = (start[start.startIndex + 2 * k], start[start.startIndex + 2 * k + 1])
            if a != 0 && b == 0 { little += 1 } else if a == 0 && b != 0 { big += 1 }
        }
        if little * 10 >= pairs * 9 { return .utf16LittleEndian }
        if big * 10 >= pairs * 9 { return .utf16BigEndian }
        return nil
    }

    /// UTF-8's byte order mark.
    static let utf8BOM: [UInt8] = [0xEF, 0xBB, 0xBF]

    /// Whether the file begins with a UTF-16 byte order mark (either order).
    static func startsAsUTF16(_ bytes: [UInt8]) -> Bool { bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) }

    /// Whether the start of a file has a NUL (outside double quotes, with `quotes`).
    static func binary(_ start: ArraySlice<UInt8>, quotes: Bool) -> Bool {
        guard quotes else { return start.contains(0) }
        var quoted = false
        for b in start {
            if b == UInt8(ascii: "\"") { quoted.toggle() } else if b == 0 && !quoted { return true }
        }
        return false
    }

    /// The whole file as text: UTF-8 when it is, else Windows-1252 (the superset of Latin-1
    /// that Windows programs write), with a warning naming the first byte that is not UTF-8.
    public static func text(_ bytes: [UInt8], what: String, quotes: Bool = false) throws -> (text: String, warning: ImportError?) {
        let utf8 = try unicode(bytes, what: what, quotes: quotes)
        if let s = String(validating: utf8, as: UTF8.self) { return (s, nil) }
        let (offset, line) = firstInvalidUTF8(utf8)
        // A UTF-8 file with a stray Latin-1 line (a record pasted from an older export): its
        // lines that are UTF-8 stay so; read whole as Windows-1252, "Jürgen" became "JÃ¼rgen".
        if hasMultibyteUTF8(utf8) {
            var out = ""
            out.reserveCapacity(utf8.count)
            var guessed: [Int] = []
            // Lines end at LF, CRLF or a CR alone (classic Mac OS); the ends are kept as they are.
            var (start, line) = (0, 1)
            while start <= utf8.count {
                var end = start
                while end < utf8.count && utf8[end] != 0x0A && utf8[end] != 0x0D { end += 1 }
                let piece = utf8[start..<end]
                if let s = String(validating: piece, as: UTF8.self) {
                    out += s
                } else {
                    out += windows1252(piece)
                    guessed.append(line)
                }
                guard end < utf8.count else { break }
                let ending = utf8[end] == 0x0D && end + 1 < utf8.count && utf8[end + 1] == 0x0A ? 2 : 1
                out += ending == 2 ? "\r\n" : utf8[end] == 0x0D ? "\r" : "\n"
                (start, line) = (end + ending, line + 1)
            }
            let shown = guessed.prefix(5).map(String.init).joined(separator: ", ") + (guessed.count > 5 ? " and \(guessed.count - 5) more" : "")
            let lines = guessed.count == 1 ? "line \(shown) is" : "lines \(shown) are"
            return (
                out,
                ImportError(
                    "line \(guessed.first ?? line)",
                    "the file is UTF-8 but for a byte that is not (byte \(offset + 1)): \(lines) read as Windows-1252 (Latin-1); check accented letters")
            )
        }
        return (
            windows1252(utf8),
            ImportError("line \(line)", "the file is not UTF-8 (byte \(offset + 1)): read as Windows-1252 (Latin-1); check accented letters")
        )
    }

    /// True when the bytes hold a character of UTF-8's own two to four bytes (a lead byte followed
    /// by its continuation bytes): Windows-1252 text almost never does.
    static func hasMultibyteUTF8(_ bytes: [UInt8]) -> Bool {
        var i = 0
        while i < bytes.count {
            let b = bytes[i]
            let width = b >= 0xC2 && b <= 0xDF ? 2 : b >= 0xE0 && b <= 0xEF ? 3 : b >= 0xF0 && b <= 0xF4 ? 4 : 1
            if width > 1, i + width <= bytes.count, String(validating: bytes[i..<(i + width)], as: UTF8.self) != nil { return true }
            i += 1
        }
        return false
    }

    /// Text in the named charset (a vCard 2.1 `CHARSET`); nil means UTF-8. Bytes that are not
    /// valid in it, or a charset Tend does not know, are read as Windows-1252 and `guessed`.
    public static func decode(_ bytes: ArraySlice<UInt8>, charset: String?) -> (text: String, guessed: Bool) {
        if let s = decodeNamed(bytes, charset: charset ?? "UTF-8") { return (s, false) }
        if let s = String(validating: bytes, as: UTF8.self) { return (s, !bytes.allSatisfy { $0 < 0x80 }) }
        return (windows1252(bytes), true)
    }

    /// Bytes in a named charset as text, nothing guessed: nil when Tend knows no charset of
    /// that name (Foundation's, then the C library's iconv) or the bytes are not in it. Latin-1
    /// is read as Windows-1252.
    public static func decodeNamed(_ bytes: ArraySlice<UInt8>, charset: String) -> String? {
        let name = charset.uppercased()
        if utf8Names.contains(name) { return String(validating: bytes, as: UTF8.self) }
        if latin1Names.contains(name) { return windows1252(bytes) }
        if let encoding = foundationCharsets[name], let s = String(bytes: bytes, encoding: encoding) { return s }
        return iconvDecode(bytes, from: name)
    }

    static let utf8Names: Set<String> = ["UTF-8", "UTF8", "US-ASCII", "ASCII"]

    /// Text in a charset Foundation does not decode on every platform (GBK, GB18030, Big5,
    /// EUC-KR, EUC-JP, ISO-2022-JP, KOI8-R, the other ISO-8859 ones …), through the C library's
    /// iconv; nil when it knows no charset of that name or the bytes are not in it.
    static func iconvDecode(_ bytes: ArraySlice<UInt8>, from charset: String) -> String? {
        // A name alone: iconv reads `//IGNORE` and `//TRANSLIT` after one as ways to drop or guess.
        guard !charset.isEmpty, charset.utf8.count <= 40, charset.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") })
        else { return nil }
        guard let cd = iconv_open("UTF-8", charset), cd != UnsafeMutableRawPointer(bitPattern: -1) else { return nil }
        defer { iconv_close(cd) }
        if bytes.isEmpty { return "" }
        var input = Array(bytes)
        // Room for four bytes of UTF-8 a byte in, which most charsets never pass; more when one
        // does (TSCII writes a syllable of several characters for one byte).
        var room = input.count * 4 + 16
        while true {
            var output = [UInt8](repeating: 0, count: room)
            var full = false
            let written: Int? = input.withUnsafeMutableBytes { inRaw in
                output.withUnsafeMutableBytes { outRaw in
                    var inNext = inRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
                    var inLeft = inRaw.count
                    var outNext = outRaw.baseAddress?.assumingMemoryBound(to: CChar.self)
                    var outLeft = outRaw.count
                    if iconv(cd, &inNext, &inLeft, &outNext, &outLeft) == -1 {
                        full = errno == E2BIG
                        return nil
                    }
                    // A charset with shift states (ISO-2022-JP) ends in its initial one.
                    guard inLeft == 0, iconv(cd, nil, nil, &outNext, &outLeft) != -1 else { return nil }
                    return outRaw.count - outLeft
                }
            }
            if let written { return String(validating: output[..<written], as: UTF8.self) }
            guard full, room < (1 << 30) else { return nil }
            // Started again from the first byte, with twice the room.
            _ = iconv(cd, nil, nil, nil, nil)
            room *= 2
        }
    }

    /// Charsets read as Windows-1252: its printable characters in 0x80–0x9F are what Latin-1
    /// files mean there in practice (HTML reads them so too).
    static let latin1Names: Set<String> = ["ISO-8859-1", "ISO8859-1", "ISO_8859-1", "LATIN1", "LATIN-1", "L1", "WINDOWS-1252", "CP1252"]

    /// The other charsets address books write, which Foundation decodes on every platform.
    static let foundationCharsets: [String: String.Encoding] = [
        "ISO-8859-2": .isoLatin2, "WINDOWS-1250": .windowsCP1250, "WINDOWS-1251": .windowsCP1251,
        "SHIFT_JIS": .shiftJIS, "SHIFT-JIS": .shiftJIS, "SJIS": .shiftJIS, "UTF-16": .utf16,
    ]

    /// Windows-1252's characters for 0x80–0x9F (0 where it has none: those bytes stay C1 controls).
    static let cp1252High: [UInt32] = [
        0x20AC, 0, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, 0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0, 0x017D, 0,
        0, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, 0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0, 0x017E, 0x0178,
    ]

    static func windows1252<C: Collection<UInt8>>(_ bytes: C) -> String {
        var out = String.UnicodeScalarView()
        for b in bytes {
            let high = b >= 0x80 && b < 0xA0 ? cp1252High[Int(b - 0x80)] : 0
            out.append(Unicode.Scalar(high != 0 ? high : UInt32(b))!)
        }
        return String(out)
    }

    /// Where the first byte that is not UTF-8 is: its offset and line.
    static func firstInvalidUTF8(_ bytes: [UInt8]) -> (offset: Int, line: Int) {
        var it = bytes.makeIterator()
        var decoder = UTF8()
        var offset = 0
        var line = 1
        while case .scalarValue(let s) = decoder.decode(&it) {
            if s == "\n" { line += 1 }
            offset += UTF8.width(s)
        }
        return (offset, line)
    }
}

extension Array where Element == UInt8 {
    /// Without a leading UTF-8 byte-order mark.
    fileprivate var dropBOM: [UInt8] { starts(with: TextEncoding.utf8BOM) ? Array(dropFirst(3)) : self }
}

/// Text from a file: UTF-8 (a BOM is dropped); binary files and invalid UTF-8 are errors that say where.
public func decodeText(_ bytes: [UInt8], what: String) throws -> String {
    let utf8 = try TextEncoding.unicode(bytes, what: what)
    if let s = String(validating: utf8, as: UTF8.self) { return s }
    let (offset, line) = TextEncoding.firstInvalidUTF8(utf8)
    throw ImportError("line \(line)", "invalid UTF-8 (byte \(offset + 1)); save the file as UTF-8")
}
