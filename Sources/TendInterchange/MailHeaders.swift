import Foundation
import TendCore

/// One address of a From, To or Cc field: `"Doe, Jane" <Jane.Doe@example.com>` gives the name
/// "Doe, Jane" and the address "jane.doe@example.com" (lower-cased, as addresses are matched).
public struct MailAddress: Hashable, Sendable {
    public var name: String?
    public var address: String
    public init(name: String? = nil, address: String) {
        self.name = name
        self.address = address
    }
}

/// The header fields of one message that touches use (RFC 5322, with the obsolete forms mail
/// programs still write): From, To, Cc, Bcc, Date, Message-ID, List-Id, Precedence,
/// Auto-Submitted, List-Unsubscribe. Every other field, the Subject among them, is passed over,
/// and the body is never given to this reader. Bad input never crashes it: a field it cannot
/// read is left out.
public struct MailHeaders: Sendable {
    public var from: [MailAddress] = []
    public var to: [MailAddress] = []
    public var cc: [MailAddress] = []
    public var bcc: [MailAddress] = []
    /// The Date field as an instant (seconds since 1970 UTC).
    public var date: Int?
    /// The Message-ID without its angle brackets.
    public var messageID: String?
    public var listID: String?
    /// Precedence, lower-cased: bulk, list, junk …
    public var precedence: String?
    /// Auto-Submitted's first word, lower-cased: no, auto-generated, auto-replied …
    public var autoSubmitted: String?
    public var listUnsubscribe = false
    /// A stable hash of From, To, Cc and Date as written, to name a message without a Message-ID.
    public var fingerprint = StableHash()

    public init() {}

    /// The fields this reader keeps, by lower-cased name.
    enum Field: String {
        case from, to, cc, bcc, date
        case messageID = "message-id"
        case listID = "list-id"
        case precedence
        case autoSubmitted = "auto-submitted"
        case listUnsubscribe = "list-unsubscribe"
    }

    /// Reads a header block: the lines up to the first empty one (the rest is not looked at).
    /// Folded lines (a line starting with a space or tab continues the one before) are joined.
    public init(parsing block: ArraySlice<UInt8>) {
        var field: (Field, [UInt8])?
        var i = block.startIndex
        while i < block.endIndex {
            var end = block[i...].firstIndex(of: UInt8(ascii: "\n")) ?? block.endIndex
            let next = end + 1
            if end > i, block[end - 1] == UInt8(ascii: "\r") { end -= 1 }
            if end == i { break }
            let first = block[i]
            if first == UInt8(ascii: " ") || first == UInt8(ascii: "\t") {
                field?.1.append(contentsOf: block[i..<end])
            } else {
                if let (f, value) = field { take(f, value) }
                field = nil
                if let colon = block[i..<end].firstIndex(of: UInt8(ascii: ":")),
                    let f = Field(rawValue: String(decoding: block[i..<colon], as: UTF8.self).trimmed.lowercased())
                {
                    field = (f, Array(block[(colon + 1)..<end]))
                }
            }
            i = next
        }
        if let (f, value) = field { take(f, value) }
    }

    private mutating func take(_ field: Field, _ bytes: [UInt8]) {
        if field == .from || field == .to || field == .cc || field == .date {
            fingerprint.add(bytes)
            fingerprint.add([UInt8(ascii: "\n")])
        }
        // Headers are ASCII with RFC 2047 encoded words; raw UTF-8 (RFC 6532) reads too, and bytes that are not UTF-8 read as Latin-1.
        let value = String(validating: bytes, as: UTF8.self) ?? String(bytes.map { Character(Unicode.Scalar($0)) })
        switch field {
        case .from: from += MailAddressList.parse(value)
        case .to: to += MailAddressList.parse(value)
        case .cc: cc += MailAddressList.parse(value)
        case .bcc: bcc += MailAddressList.parse(value)
        case .date: if date == nil { date = MailDate.parse(value) }
        case .messageID:
            var id = value.trimmed
            if let open = id.firstIndex(of: "<"), let close = id[open...].firstIndex(of: ">") {
                id = String(id[id.index(after: open)..<close]).trimmed
            }
            if messageID == nil, !id.isEmpty { messageID = id }
        case .listID: if !value.trimmed.isEmpty { listID = value.trimmed }
        case .precedence: precedence = value.trimmed.lowercased()
        case .autoSubmitted: autoSubmitted = value.split(separator: ";").first.map { String($0).trimmed.lowercased() }
        case .listUnsubscribe: listUnsubscribe = true
        }
    }
}

// MARK: - Addresses

/// An address list (RFC 5322 §3.4): `Jane Doe <jane@x.org>, "Roe, Rick" <rick@y.org>`,
/// bare `jane@x.org`, `jane@x.org (Jane Doe)` with the name in a comment, groups
/// (`Team: a@x.org, b@y.org;`, `undisclosed-recipients:;`), routes (`<@relay:jane@x.org>`),
/// and RFC 2047 encoded words in names (`=?UTF-8?B?Sm9zw6k=?= <jose@x.org>`).
enum MailAddressList {
    enum Token: Equatable {
        case word(String)
        case quoted(String)
        case comment(String)
        case angle(String)
        case special(Character)
    }

    static func parse(_ text: String) -> [MailAddress] {
        var out: [MailAddress] = []
        var element: [Token] = []
        for token in tokens(text) + [.special(",")] {
            switch token {
            case .special(","), .special(";"):
                if let a = mailbox(element) { out.append(a) }
                element = []
            case .special(":") where !element.contains(where: { if case .angle = $0 { return true } else { return $0 == .special("@") } }):
                // A group's name: what follows are its members.
                element = []
            default: element.append(token)
            }
        }
        return out
    }

    /// Splits a field into words, quoted strings, comments (nested, with `\` escapes), `<…>` and the specials `, ; : @`.
    static func tokens(_ text: String) -> [Token] {
        var out: [Token] = []
        let s = Array(text.unicodeScalars)
        var i = 0
        func isSpecial(_ c: Unicode.Scalar) -> Bool { "()<>,;:@\"[]".unicodeScalars.contains(c) }
        while i < s.count {
            let c = s[i]
            if c == " " || c == "\t" || c == "\r" || c == "\n" {
                i += 1
            } else if c == "\"" {
                var q = String.UnicodeScalarView()
                i += 1
                while i < s.count, s[i] != "\"" {
                    if s[i] == "\\", i + 1 < s.count { i += 1 }
                    q.append(s[i])
                    i += 1
                }
                i += 1
                out.append(.quoted(String(q)))
            } else if c == "(" {
                var depth = 0
                var q = String.UnicodeScalarView()
                repeat {
                    if s[i] == "\\", i + 1 < s.count {
                        i += 1
                        q.append(s[i])
                    } else {
                        if s[i] == "(" { depth += 1 }
                        if s[i] == ")" { depth -= 1 }
                        if depth > 1 || (depth == 1 && s[i] != "(") { q.append(s[i]) }
                    }
                    i += 1
                } while i < s.count && depth > 0
                out.append(.comment(String(q)))
            } else if c == "<" {
                let close = s[i...].firstIndex(of: ">") ?? s.count
                out.append(.angle(String(String.UnicodeScalarView(s[(i + 1)..<close]))))
                i = close + 1
            } else if c == "[" {
                // A domain literal, `[192.0.2.1]`, is one word with its brackets.
                let close = s[i...].firstIndex(of: "]") ?? s.count - 1
                out.append(.word(String(String.UnicodeScalarView(s[i...close]))))
                i = close + 1
            } else if isSpecial(c) {
                out.append(.special(Character(c)))
                i += 1
            } else {
                let from = i
                while i < s.count, !isSpecial(s[i]), s[i] != " ", s[i] != "\t", s[i] != "\r", s[i] != "\n" { i += 1 }
                out.append(.word(String(String.UnicodeScalarView(s[from..<i]))))
            }
        }
        return out
    }

    /// One mailbox from its tokens; nil when they hold no address (a name alone, an empty group).
    static func mailbox(_ tokens: [Token]) -> MailAddress? {
        var phrase: [String] = []
        var comment: String?
        var spec = ""
        var angle: String?
        for t in tokens {
            switch t {
            case .word(let w):
                phrase.append(w)
                spec += w
            case .quoted(let q):
                phrase.append(q)
                spec += "\"\(q)\""
            case .comment(let c): if comment == nil, !c.trimmed.isEmpty { comment = c }
            case .angle(let a): if angle == nil { angle = a }
            case .special(let c): spec.append(c)
            }
        }
        var address = angle ?? spec
        // A route (`@relay1,@relay2:jane@x.org`) goes before the last colon.
        if let colon = address.lastIndex(of: ":") { address = String(address[address.index(after: colon)...]) }
        address = address.trimmed
        guard let at = address.lastIndex(of: "@"), at > address.startIndex, address.index(after: at) < address.endIndex,
            !address.contains(where: { $0 == " " || $0 == "<" || $0 == ">" || $0 == "," })
        else { return nil }
        let rawName = angle != nil ? phrase.joined(separator: " ") : (comment ?? "")
        let name = EncodedWords.decode(rawName).trimmed
        return MailAddress(name: name.isEmpty ? nil : name, address: address.lowercased())
    }
}

// MARK: - Encoded words

/// RFC 2047 encoded words: `=?ISO-8859-1?Q?Jos=E9?=` and `=?UTF-8?B?Sm9zw6k=?=`. The space between
/// two encoded words is dropped, and adjacent words in one charset are decoded together (a UTF-8
/// character may be split between them). A word in a charset that cannot be decoded stays as written.
public enum EncodedWords {
    public static func decode(_ text: String) -> String {
        guard text.contains("=?") else { return text }
        var out = ""
        var pending: (charset: String, bytes: [UInt8], raw: String)?
        var gap = ""
        func flush() {
            if let p = pending { out += decodeCharset(p.bytes, p.charset) ?? p.raw }
            pending = nil
        }
        var rest = Substring(text)
        while let open = rest.range(of: "=?") {
            let before = rest[..<open.lowerBound]
            guard let word = encodedWord(rest[open.lowerBound...]) else {
                flush()
                out += gap + before + "=?"
                gap = ""
                rest = rest[open.upperBound...]
                continue
            }
            if pending != nil && before.allSatisfy(\.isWhitespace) {
                if pending!.charset == word.charset {
                    pending!.bytes += word.bytes
                    pending!.raw += word.raw
                } else {
                    flush()
                    pending = (word.charset, word.bytes, word.raw)
                }
            } else {
                flush()
                out += before
                pending = (word.charset, word.bytes, word.raw)
            }
            rest = rest[word.end...]
        }
        flush()
        return out + rest
    }

    /// One encoded word at the start of `s`: its charset (lower-cased, without an RFC 2231 language), bytes, and end.
    private static func encodedWord(_ s: Substring) -> (charset: String, bytes: [UInt8], raw: String, end: Substring.Index)? {
        let parts = s.dropFirst(2).split(separator: "?", maxSplits: 3, omittingEmptySubsequences: false)
        guard parts.count == 4, parts[3].hasPrefix("="), !parts[0].isEmpty, parts[1].count == 1,
            !parts[2].contains(" ")
        else { return nil }
        let charset = parts[0].split(separator: "*").first.map { $0.lowercased() } ?? ""
        let payload = Array(parts[2].utf8)
        let bytes: [UInt8]
        switch parts[1] {
        case "B", "b": bytes = base64(payload)
        case "Q", "q": bytes = quoted(payload)
        default: return nil
        }
        let end = s.index(parts[3].startIndex, offsetBy: 1)
        return (charset, bytes, String(s[..<end]), end)
    }

    /// Base64 without its padding and anything outside the alphabet.
    static func base64(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var acc: UInt32 = 0
        var bits = 0
        for c in text {
            let v: UInt8
            switch c {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): v = c - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): v = c - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): v = c - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): v = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): v = 63
            default: continue
            }
            acc = (acc << 6) | UInt32(v)
            bits += 6
            if bits >= 8 {
                bits -= 8
                out.append(UInt8(truncatingIfNeeded: acc >> UInt32(bits)))
            }
        }
        return out
    }

    /// The Q encoding: `_` is a space, `=XX` a byte.
    static func quoted(_ text: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 0
        func hex(_ c: UInt8) -> UInt8? {
            switch c {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): return c - UInt8(ascii: "0")
            case UInt8(ascii: "A")...UInt8(ascii: "F"): return c - UInt8(ascii: "A") + 10
            case UInt8(ascii: "a")...UInt8(ascii: "f"): return c - UInt8(ascii: "a") + 10
            default: return nil
            }
        }
        while i < text.count {
            if text[i] == UInt8(ascii: "_") {
                out.append(0x20)
            } else if text[i] == UInt8(ascii: "="), i + 2 < text.count, let h = hex(text[i + 1]), let l = hex(text[i + 2]) {
                out.append(h << 4 | l)
                i += 2
            } else {
                out.append(text[i])
            }
            i += 1
        }
        return out
    }

    /// ISO-8859-15 differs from Latin-1 in eight places (the euro sign among them).
    private static let latin9: [UInt8: Unicode.Scalar] = [
        0xA4: "\u{20AC}", 0xA6: "\u{160}", 0xA8: "\u{161}", 0xB4: "\u{17D}", 0xB8: "\u{17E}", 0xBC: "\u{152}", 0xBD: "\u{153}", 0xBE: "\u{178}",
    ]

    /// Bytes in a named charset as text; nil for a charset neither this table nor Foundation knows, or bytes not in it.
    static func decodeCharset(_ bytes: [UInt8], _ charset: String) -> String? {
        switch charset {
        case "utf-8", "utf8", "us-ascii", "ascii": return String(decoding: bytes, as: UTF8.self)
        case "iso-8859-1", "latin1", "l1", "iso_8859-1": return String(String.UnicodeScalarView(bytes.map { Unicode.Scalar($0) }))
        case "iso-8859-15", "latin-9", "latin9":
            return String(String.UnicodeScalarView(bytes.map { latin9[$0] ?? Unicode.Scalar($0) }))
        case "windows-1252", "cp1252": return String(bytes: bytes, encoding: .windowsCP1252)
        default:
            guard let encoding = String.Encoding(ianaName: charset) else { return nil }
            return String(bytes: bytes, encoding: encoding)
        }
    }
}

// MARK: - Dates

/// Dates as mail programs write them: RFC 5322 (`Tue, 10 Mar 2026 09:15:00 -0500`), its
/// obsolete forms (two-digit years, zone names such as EST, no seconds, comments), and the
/// asctime form of mbox From lines (`Tue Mar 10 09:15:00 2026`). The parts are found by their
/// shape, so the order of day, month and year does not matter.
enum MailDate {
    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    /// RFC 5322's named zones, in hours east of UTC; other letters (military zones) count as UTC, as it says.
    static let zones: [String: Int] = [
        "ut": 0, "utc": 0, "gmt": 0, "z": 0, "est": -5, "edt": -4, "cst": -6, "cdt": -5, "mst": -7, "mdt": -6, "pst": -8, "pdt": -7,
    ]

    /// The instant, in seconds since 1970 UTC; nil when no date can be read.
    static func parse(_ text: String) -> Int? {
        var day: Int?
        var month: Int?
        var year: Int?
        var time: Int?
        var offset = 0
        var inComment = 0
        var cleaned = ""
        for ch in text {
            if ch == "(" {
                inComment += 1
            } else if ch == ")" {
                inComment = max(0, inComment - 1)
            } else if inComment == 0 {
                cleaned.append(ch == "," ? " " : ch)
            }
        }
        for token in cleaned.split(whereSeparator: \.isWhitespace) {
            let t = token.lowercased()
            if t.contains(":") {
                let parts = t.split(separator: ":", omittingEmptySubsequences: false).map { Int($0) }
                guard parts.count >= 2, parts.count <= 3, let h = parts[0], let m = parts[1], h < 24, m < 60 else { return nil }
                let s = parts.count == 3 ? parts[2] : 0
                guard let s, s <= 60 else { return nil }
                time = h * 3600 + m * 60 + min(s, 59)
            } else if t.hasPrefix("+") || t.hasPrefix("-"), t.count == 5, let n = Int(t.dropFirst()) {
                guard n / 100 < 24, n % 100 < 60 else { return nil }
                offset = (n / 100 * 3600 + n % 100 * 60) * (t.hasPrefix("-") ? -1 : 1)
            } else if let n = Int(t), n >= 0 {
                if t.count == 4 || (day != nil && month != nil && year == nil) {
                    year = t.count == 4 ? n : (t.count == 3 ? 1900 + n : (n < 50 ? 2000 + n : 1900 + n))
                } else if day == nil && t.count <= 2 {
                    day = n
                }
            } else if t.count >= 3, let m = months.firstIndex(of: String(t.prefix(3))), month == nil {
                month = m + 1
            } else if let z = zones[t] {
                offset = z * 3600
            }
        }
        guard let day, let month, let year, let time, let d = Day(year: year, month: month, day: day) else { return nil }
        return LocalTime(day: d, time: time).seconds - offset
    }
}
