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
/// Auto-Submitted, X-Autoreply, X-Autorespond, List-Unsubscribe, X-Gmail-Labels, X-Mozilla-Status. Every other field, the Subject among them, is passed over,
/// and the body is never given to this reader. Bad input never crashes it: a field it cannot
/// read is left out.
public struct MailHeaders: Sendable {
    public var from: [MailAddress] = []
    public var to: [MailAddress] = []
    public var cc: [MailAddress] = []
    public var bcc: [MailAddress] = []
    /// The Date field as an instant (seconds since 1970 UTC).
    public var date: Int?
    /// A Date field that could not be read, as written (the envelope's date is used instead, and said).
    public var unreadDate: String?
    /// Thunderbird's X-Mozilla-Status marks the message deleted (kept in the file until the folder is compacted).
    public var deletedByMozilla = false
    /// The Message-ID without its angle brackets.
    public var messageID: String?
    /// List-Id, or what older list programs mark a list's mail with instead (List-Post, ezmlm's Mailing-List).
    public var listID: String?
    /// Precedence (or X-Precedence), lower-cased: bulk, list, junk, auto_reply …
    public var precedence: String?
    /// Auto-Submitted's first word, lower-cased: no, auto-generated, auto-replied …
    public var autoSubmitted: String?
    /// X-Autoreply (other than `no`) or X-Autorespond: what vacation responders that write no
    /// Auto-Submitted mark their replies with.
    public var autoReply = false
    public var listUnsubscribe = false
    /// X-Spam-Flag: YES, a spam filter's mark on mail it let through.
    public var markedSpam = false
    /// X-Gmail-Labels, lower-cased (Gmail's Takeout marks drafts, spam and trash only there).
    public var gmailLabels: [String] = []
    /// A stable hash of From, To, Cc and Date as written, to name a message without a Message-ID.
    public var fingerprint = StableHash()

    public init() {}

    /// The fields this reader keeps, by lower-cased name.
    enum Field: String {
        case from, to, cc, bcc, date
        case messageID = "message-id"
        case listID = "list-id"
        case listPost = "list-post"
        case mailingList = "mailing-list"
        case precedence
        case xPrecedence = "x-precedence"
        case spamFlag = "x-spam-flag"
        case autoSubmitted = "auto-submitted"
        case autoReply = "x-autoreply"
        case autoRespond = "x-autorespond"
        case listUnsubscribe = "list-unsubscribe"
        case gmailLabels = "x-gmail-labels"
        case mozillaStatus = "x-mozilla-status"

        /// The field a name (any case, trailing blanks allowed) names; nil for the fields not kept.
        init?(name: ArraySlice<UInt8>) {
            var end = name.endIndex
            while end > name.startIndex, name[end - 1] == UInt8(ascii: " ") || name[end - 1] == UInt8(ascii: "\t") { end -= 1 }
            // No kept field's name is longer than 16 bytes (Received, DKIM-Signature … are passed over here).
            let count = end - name.startIndex
            guard count > 1, count <= 16 else { return nil }
            let lower = String(unsafeUninitializedCapacity: count) { buffer in
                for (i, b) in name[..<end].enumerated() { buffer[i] = b >= 65 && b <= 90 ? b | 0x20 : b }
                return count
            }
            self.init(rawValue: lower)
        }
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
                if let colon = block[i..<end].firstIndex(of: UInt8(ascii: ":")), let f = Field(name: block[i..<colon]) {
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
        case .date:
            if date == nil {
                date = MailDate.parse(value)
                unreadDate = date == nil ? value.trimmed : nil
            }
        case .messageID:
            var id = value.trimmed
            if let open = id.firstIndex(of: "<"), let close = id[open...].firstIndex(of: ">") {
                id = String(id[id.index(after: open)..<close]).trimmed
            }
            if messageID == nil, !id.isEmpty { messageID = id }
        case .listID: if !value.trimmed.isEmpty { listID = value.trimmed }
        case .listPost, .mailingList: if listID == nil, !value.trimmed.isEmpty { listID = value.trimmed }
        case .precedence, .xPrecedence: precedence = value.trimmed.lowercased()
        case .spamFlag: markedSpam = markedSpam || value.trimmed.lowercased().hasPrefix("yes")
        // `no (human)`: RFC 3834's keyword may be followed by a comment and parameters.
        case .autoSubmitted:
            autoSubmitted = value.split(separator: ";").first.map {
                String($0.prefix { $0 != "(" }).trimmed.lowercased()
            }
        case .autoReply: autoReply = autoReply || value.trimmed.lowercased() != "no"
        case .autoRespond: autoReply = true
        case .listUnsubscribe: listUnsubscribe = true
        // Four hex digits of flags; 0x0008 is "expunged" (deleted, awaiting compaction).
        case .mozillaStatus: deletedByMozilla = UInt16(value.trimmed, radix: 16).map { $0 & 0x0008 != 0 } ?? false
        case .gmailLabels:
            // Comma-separated; a label with a comma in it is quoted ("Clients, Drafts").
            var label = ""
            var quoted = false
            for ch in value + "," {
                if ch == "\"" {
                    quoted.toggle()
                } else if ch == "," && !quoted {
                    gmailLabels.append(label.trimmingCharacters(in: .whitespaces).lowercased())
                    label = ""
                } else {
                    label.append(ch)
                }
            }
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

    /// Splits a field into words, quoted strings, comments (nested, with `\` escapes), `<…>` and
    /// the specials `, ; : @`. Every delimiter is ASCII, so the work is on the UTF-8 bytes.
    static func tokens(_ text: String) -> [Token] {
        var out: [Token] = []
        let s = Array(text.utf8)
        var i = 0
        // Any other control byte (a NUL after an address) separates words as a blank does: no
        // address holds one.
        func isBlank(_ c: UInt8) -> Bool { c <= 0x20 || c == 0x7F }
        func isSpecial(_ c: UInt8) -> Bool {
            switch c {
            case UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: ","), UInt8(ascii: ";"),
                UInt8(ascii: ":"), UInt8(ascii: "@"), UInt8(ascii: "\""), UInt8(ascii: "["), UInt8(ascii: "]"):
                return true
            default: return false
            }
        }
        func string(_ bytes: ArraySlice<UInt8>) -> String { String(decoding: bytes, as: UTF8.self) }
        while i < s.count {
            let c = s[i]
            if isBlank(c) {
                i += 1
            } else if c == UInt8(ascii: "\"") {
                var q: [UInt8] = []
                i += 1
                while i < s.count, s[i] != UInt8(ascii: "\"") {
                    if s[i] == UInt8(ascii: "\\"), i + 1 < s.count { i += 1 }
                    q.append(s[i])
                    i += 1
                }
                i += 1
                out.append(.quoted(string(q[...])))
            } else if c == UInt8(ascii: "(") {
                var depth = 0
                var q: [UInt8] = []
                repeat {
                    if s[i] == UInt8(ascii: "\\"), i + 1 < s.count {
                        i += 1
                        q.append(s[i])
                    } else {
                        if s[i] == UInt8(ascii: "(") { depth += 1 }
                        if s[i] == UInt8(ascii: ")") { depth -= 1 }
                        if depth > 1 || (depth == 1 && s[i] != UInt8(ascii: "(")) { q.append(s[i]) }
                    }
                    i += 1
                } while i < s.count && depth > 0
                out.append(.comment(string(q[...])))
            } else if c == UInt8(ascii: "<") {
                let close = s[i...].firstIndex(of: UInt8(ascii: ">")) ?? s.count
                out.append(.angle(string(s[(i + 1)..<close])))
                i = close + 1
            } else if c == UInt8(ascii: "[") {
                // A domain literal, `[192.0.2.1]`, is one word with its brackets.
                let close = s[i...].firstIndex(of: UInt8(ascii: "]")) ?? s.count - 1
                out.append(.word(string(s[i...close])))
                i = close + 1
            } else if isSpecial(c) {
                out.append(.special(Character(Unicode.Scalar(c))))
                i += 1
            } else {
                let from = i
                while i < s.count, !isSpecial(s[i]), !isBlank(s[i]) { i += 1 }
                out.append(.word(string(s[from..<i])))
            }
        }
        return out
    }

    /// One mailbox from its tokens; nil when they hold no address (a name alone, an empty group).
    static func mailbox(_ all: [Token]) -> MailAddress? {
        // Without angle brackets, the words before the address (`Dana Lee dana@x.org`) are its
        // name, unless its local part is glued to them by a dot (`"john".doe@x.org`).
        func isWord(_ t: Token) -> Bool {
            switch t {
            case .word, .quoted: return true
            default: return false
            }
        }
        func glued(_ a: Token, _ b: Token) -> Bool {
            if case .word(let w) = b, w.hasPrefix(".") { return true }
            if case .word(let w) = a, w.hasSuffix(".") { return true }
            return false
        }
        var tokens = all
        var before: [String] = []
        if !all.contains(where: { if case .angle = $0 { return true } else { return false } }),
            let at = all.lastIndex(where: { $0 == .special("@") }), at >= 2, all[..<at].allSatisfy(isWord), !glued(all[at - 2], all[at - 1])
        {
            before = all[..<(at - 1)].compactMap {
                switch $0 {
                case .word(let w): return w
                case .quoted(let q): return q
                default: return nil
                }
            }
            tokens = Array(all[(at - 1)...])
        }
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
        // A route (`@relay1,@relay2:jane@x.org`) goes before the last colon. The checks are on the
        // bytes (all ASCII): this runs for every address of every message.
        var bytes = Substring(angle ?? spec).utf8
        if let colon = bytes.lastIndex(of: UInt8(ascii: ":")) { bytes = bytes[bytes.index(after: colon)...] }
        // A control character (C0, DEL, C1: UTF-8's C2 80–9F) is no part of an address: one
        // inside `<…>` is left out.
        let written = String(Substring(bytes))
        let control = { (s: Unicode.Scalar) in s.value < 0x20 || (0x7F...0x9F).contains(s.value) }
        let address = (bytes.contains { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 } && written.unicodeScalars.contains(where: control)
            ? String(String.UnicodeScalarView(written.unicodeScalars.filter { !control($0) })) : written).trimmed
        let u = address.utf8
        guard let at = u.lastIndex(of: UInt8(ascii: "@")), at > u.startIndex, u.index(after: at) < u.endIndex,
            !u.contains(where: { $0 == 0x20 || $0 == UInt8(ascii: "<") || $0 == UInt8(ascii: ">") || $0 == UInt8(ascii: ",") })
        else { return nil }
        let rawName = angle != nil ? phrase.joined(separator: " ") : (comment ?? before.joined(separator: " "))
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
        guard startOfWord(text[...]) != nil else { return text }
        var out = ""
        var pending: (charset: String, bytes: [UInt8], raw: String)?
        func flush() {
            if let p = pending { out += decodeCharset(p.bytes, p.charset) ?? p.raw }
            pending = nil
        }
        var rest = Substring(text)
        while let open = startOfWord(rest) {
            let before = rest[..<open]
            guard let word = encodedWord(rest[open...]) else {
                flush()
                out += before + "=?"
                rest = rest[rest.utf8.index(open, offsetBy: 2)...]
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

    /// Where the next `=?` is (found on the bytes: this is asked of every name).
    private static func startOfWord(_ s: Substring) -> Substring.Index? {
        var equals: Substring.Index?
        for i in s.utf8.indices {
            let b = s.utf8[i]
            if b == UInt8(ascii: "?"), let e = equals { return e }
            equals = b == UInt8(ascii: "=") ? i : nil
        }
        return nil
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
        case "B", "b":
            guard let decoded = base64(payload) else { return nil }
            bytes = decoded
        case "Q", "q": bytes = quoted(payload)
        default: return nil
        }
        let end = s.index(parts[3].startIndex, offsetBy: 1)
        return (charset, bytes, String(s[..<end]), end)
    }

    /// Base64 without its padding; nil when something else is in it (`=?UTF-8?B?invalid!!?=` is
    /// then kept as it was written, not read as bytes no one wrote).
    static func base64(_ text: [UInt8]) -> [UInt8]? {
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
            case UInt8(ascii: "="): continue
            default: return nil
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

    /// Bytes in a named charset as text (`TextEncoding.decodeNamed`); nil for a charset Tend does
    /// not know, or bytes not in it. UTF-8 that is not valid is read with replacement characters.
    static func decodeCharset(_ bytes: [UInt8], _ charset: String) -> String? {
        if TextEncoding.utf8Names.contains(charset.uppercased()) { return String(decoding: bytes, as: UTF8.self) }
        return TextEncoding.decodeNamed(bytes[...], charset: charset)
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

    /// The instant, in seconds since 1970 UTC; nil when no date can be read. Works on the bytes:
    /// it is asked of every message.
    static func parse(_ text: String) -> Int? {
        rfc5322(text) ?? iso8601(text)
    }

    /// `2026-11-07T10:00:00Z`, `2026-11-07 10:00:00+01:00`, `2026-11-07T10:00`: what some
    /// programs write instead of RFC 5322's form. No zone is UTC.
    static func iso8601(_ text: String) -> Int? {
        let b = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        func digits(_ at: Int, _ n: Int) -> Int? {
            guard at + n <= b.count else { return nil }
            var v = 0
            for i in at..<(at + n) {
                guard b[i] &- 48 <= 9 else { return nil }
                v = v * 10 + Int(b[i] - 48)
            }
            return v
        }
        guard b.count >= 16, let y = digits(0, 4), b[4] == UInt8(ascii: "-"), let mo = digits(5, 2), b[7] == UInt8(ascii: "-"),
            let d = digits(8, 2), b[10] == UInt8(ascii: "T") || b[10] == UInt8(ascii: "t") || b[10] == 0x20,
            let h = digits(11, 2), b[13] == UInt8(ascii: ":"), let mi = digits(14, 2), h < 24, mi < 60, let day = Day(year: y, month: mo, day: d)
        else { return nil }
        var i = 16
        var sec = 0
        if i < b.count, b[i] == UInt8(ascii: ":") {
            guard let s = digits(i + 1, 2), s <= 60 else { return nil }
            sec = min(s, 59)
            i += 3
            if i < b.count, b[i] == UInt8(ascii: ".") {
                i += 1
                while i < b.count, b[i] &- 48 <= 9 { i += 1 }
            }
        }
        var offset = 0
        if i < b.count {
            if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
                i += 1
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                guard let oh = digits(i + 1, 2), oh < 24 else { return nil }
                var j = i + 3
                if j < b.count, b[j] == UInt8(ascii: ":") { j += 1 }
                guard let om = digits(j, 2), om < 60 else { return nil }
                offset = (oh * 3600 + om * 60) * (b[i] == UInt8(ascii: "-") ? -1 : 1)
                i = j + 2
            }
        }
        guard i == b.count else { return nil }
        return LocalTime(day: day, time: h * 3600 + mi * 60 + sec).seconds - offset
    }

    static func rfc5322(_ text: String) -> Int? {
        var parts = Parts()
        var token: [UInt8] = []
        token.reserveCapacity(16)
        var depth = 0
        for b in text.utf8 {
            if b == UInt8(ascii: "(") {
                depth += 1
            } else if depth > 0 {
                if b == UInt8(ascii: ")") { depth -= 1 }
            } else if b == 0x20 || b == 0x09 || b == 0x0D || b == 0x0A || b == UInt8(ascii: ",") {
                guard parts.take(token) else { return nil }
                token.removeAll(keepingCapacity: true)
            } else {
                token.append(b >= 65 && b <= 90 ? b | 0x20 : b)
            }
        }
        guard parts.take(token), let day = parts.day, let month = parts.month, let year = parts.year, let time = parts.time,
            let d = Day(year: year, month: month, day: day)
        else { return nil }
        return LocalTime(day: d, time: time).seconds - parts.offset
    }

    /// The parts found so far, each by its shape: `09:15:00` a time, `-0500` an offset, a four-digit
    /// number a year, a short one the day (then a two-digit year after day and month), a name a month or zone.
    struct Parts {
        var day: Int?
        var month: Int?
        var year: Int?
        var time: Int?
        var offset = 0

        /// False when the token cannot be part of a date (a time of 25:00, an offset of +9999).
        mutating func take(_ t: [UInt8]) -> Bool {
            guard !t.isEmpty else { return true }
            func number(_ bytes: ArraySlice<UInt8>) -> Int? {
                guard !bytes.isEmpty, bytes.count <= 4 else { return nil }
                var n = 0
                for b in bytes {
                    guard b &- 48 <= 9 else { return nil }
                    n = n * 10 + Int(b - 48)
                }
                return n
            }
            // `+01:00`: an offset written with a colon (not a time).
            if t.count == 6, t[0] == UInt8(ascii: "+") || t[0] == UInt8(ascii: "-"), t[3] == UInt8(ascii: ":"),
                let h = number(t[1..<3]), let m = number(t[4..<6])
            {
                guard h < 24, m < 60 else { return false }
                offset = (h * 3600 + m * 60) * (t[0] == UInt8(ascii: "-") ? -1 : 1)
            } else if case let pieces = t.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false), pieces.count == 3,
                (1...2).contains(pieces[0].count), number(pieces[0]) != nil, pieces[1].count >= 3,
                MailDate.months.contains(where: { pieces[1].starts(with: $0.utf8) }), number(pieces[2]) != nil,
                day == nil, month == nil, year == nil
            {
                // RFC 850's `07-Nov-26` (Usenet, and old mail programs): day, month and year.
                return pieces.allSatisfy { take(Array($0)) }
            } else if t.contains(UInt8(ascii: ":")) {
                let fields = t.split(separator: UInt8(ascii: ":"), omittingEmptySubsequences: false).map(number)
                guard fields.count == 2 || fields.count == 3, let h = fields[0], let m = fields[1], h < 24, m < 60 else { return false }
                let s = fields.count == 3 ? fields[2] : 0
                guard let s, s <= 60 else { return false }
                time = h * 3600 + m * 60 + min(s, 59)
            } else if t.count == 5, t[0] == UInt8(ascii: "+") || t[0] == UInt8(ascii: "-"), let n = number(t.dropFirst()) {
                guard n / 100 < 24, n % 100 < 60 else { return false }
                offset = (n / 100 * 3600 + n % 100 * 60) * (t[0] == UInt8(ascii: "-") ? -1 : 1)
            } else if let n = number(t[...]) {
                if t.count == 4 || (day != nil && month != nil && year == nil) {
                    year = t.count == 4 ? n : (t.count == 3 ? 1900 + n : (n < 50 ? 2000 + n : 1900 + n))
                } else if day == nil && t.count <= 2 {
                    day = n
                }
            } else if t.count >= 3, month == nil, let m = MailDate.months.firstIndex(where: { t.starts(with: $0.utf8) }) {
                month = m + 1
            } else if t.count == 8, t.starts(with: "gmt".utf8) || t.starts(with: "utc".utf8), t[3] == UInt8(ascii: "+") || t[3] == UInt8(ascii: "-"),
                let n = number(t[4...])
            {
                // JavaScript's Date.toString(): `GMT-0500`.
                guard n / 100 < 24, n % 100 < 60 else { return false }
                offset = (n / 100 * 3600 + n % 100 * 60) * (t[3] == UInt8(ascii: "-") ? -1 : 1)
            } else if t.count <= 3, let z = MailDate.zones[String(decoding: t, as: UTF8.self)] {
                offset = z * 3600
            }
            return true
        }
    }
}
