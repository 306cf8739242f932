import Foundation
import TendCore

/// vCard 2.1, 3.0 and 4.0 (RFC 2425, 2426, 6350) as phones and mail programs really write them:
/// any line ends (CRLF, LF, CR, iPhone's CR CR LF), folded lines, escapes, parameters, Apple's
/// `itemN.` groups and labels, QUOTED-PRINTABLE and a CHARSET per property in 2.1, group cards.
/// Reading never crashes on bad input and never refuses a whole file for one card: what can be
/// read is imported (with a warning when something was guessed or left out), and only a card
/// that cannot be read at all is an error naming the card and line.
public enum VCard {
    /// A content line: `[group.]NAME;PARAM=a,b:value`, its value decoded to text.
    struct Property {
        var group: String?
        var name: String
        var params: [String: [String]]
        var value: String
        var line: Int
        /// The value was not valid in its charset (or named none and was not UTF-8): read as Windows-1252.
        var guessed = false
        func param(_ key: String) -> [String] { params[key] ?? [] }
        var types: [String] { (param("TYPE") + (params[""] ?? [])).map { $0.lowercased() } }
        /// Inline binary data (a photo, a key): `ENCODING=b` (3.0) or `BASE64` (2.1).
        var isBinary: Bool { (param("ENCODING") + (params[""] ?? [])).contains { ["B", "BASE64"].contains($0.uppercased()) } }
        var isPreferred: Bool { types.contains("pref") || param("PREF").first == "1" }
    }

    /// Reads every card of a file. A large file is read as two runs of cards on two threads,
    /// cut where a card begins right after one ended: the same cards, numbers, warnings and
    /// order as one run.
    public static func read(_ bytes: [UInt8]) throws -> ImportBatch { try read(bytes, twoThreadsFrom: linesForTwoThreads) }

    /// `read`, on two threads from this many content lines on.
    static func read(_ bytes: [UInt8], twoThreadsFrom: Int) throws -> ImportBatch {
        // No card at all, as `export vcard` writes for no one: nothing to import, said, so that
        // such an export reads back.
        if bytes.isEmpty {
            var none = ImportBatch()
            none.warnings.append(ImportError("file", "the file is empty: it holds no cards"))
            return none
        }
        let lines = contentLines(try TextEncoding.unicode(bytes, what: "file"))
        var runs: [CardRun]
        if lines.count >= twoThreadsFrom, ProcessInfo.processInfo.activeProcessorCount > 1, let cut = cut(lines) {
            let boxes = [CardRunBox(CardRun(firstCard: 0)), CardRunBox(CardRun(firstCard: lines[..<cut].reduce(0) { $0 + (beginsCard($1.0) ? 1 : 0) }))]
            let parts = [lines[..<cut], lines[cut...]]
            DispatchQueue.concurrentPerform(iterations: 2) { k in boxes[k].run.read(parts[k]) }
            runs = boxes.map(\.run)
        } else {
            runs = [CardRun(firstCard: 0)]
            runs[0].read(lines[...])
        }
        runs[runs.count - 1].finishFile()
        var batch = ImportBatch()
        for r in runs {
            batch.contacts += r.batch.contacts
            batch.errors += r.batch.errors
            batch.warnings += r.batch.warnings
        }
        // Not a bad record among good ones: there are none (skip_bad would import nothing).
        if runs[runs.count - 1].cardNumber == 0 { throw ImportError("file", "no BEGIN:VCARD: this is not a vCard file") }
        for r in runs { for g in r.groups { g.tagMembers(of: &batch) } }
        return batch
    }

    /// How many content lines make it worth reading a file on two threads (about 2,000 cards).
    static let linesForTwoThreads = 16_000

    /// Where a second run of cards may start: the line nearest the middle that is exactly
    /// BEGIN:VCARD with exactly END:VCARD the line before it (blank lines between), so that
    /// no card is open there. Nil when there is none.
    static func cut(_ lines: [([UInt8], Int)]) -> Int? {
        func isExactly(_ line: [UInt8], _ word: String) -> Bool {
            line.count == word.utf8.count && zip(line, word.utf8).allSatisfy { asciiUppercased($0) == $1 }
        }
        for k in lines.count / 2..<lines.count where isExactly(lines[k].0, "BEGIN:VCARD") {
            var j = k - 1
            while j > 0 && lines[j].0.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { j -= 1 }
            if j >= 0 && isExactly(lines[j].0, "END:VCARD") { return k }
        }
        return nil
    }

    /// True when the line, read as a property, begins a card (as `CardRun.read` counts them):
    /// its name has BEGIN in it, so only such lines are read.
    static func beginsCard(_ line: [UInt8]) -> Bool {
        let word = Array("BEGIN".utf8)
        guard line.count >= word.count,
            (0...(line.count - word.count)).contains(where: { i in (0..<word.count).allSatisfy { asciiUppercased(line[i + $0]) == word[$0] } }),
            let p = parseLine(line, 0)
        else { return false }
        return p.name == "BEGIN" && p.value.trimmed.uppercased() == "VCARD"
    }

    /// Cards read from a run of content lines that starts outside a card.
    struct CardRun {
        var batch = ImportBatch()
        var groups: [GroupCard] = []
        var card: [Property]?
        var cardLine = 0
        /// The number of the last card begun: the cards before the run, then this run's.
        var cardNumber: Int

        init(firstCard: Int) { cardNumber = firstCard }

        func origin() -> String { "card \(cardNumber) (line \(cardLine))" }

        mutating func finish(_ props: [Property]) {
            if let group = GroupCard(props, origin: origin()) {
                groups.append(group)
                return
            }
            do {
                batch.contacts.append(try contact(props, origin: origin(), warnings: &batch.warnings))
            } catch let e as ImportError {
                batch.errors.append(e)
            } catch {}
        }

        mutating func read(_ lines: ArraySlice<([UInt8], Int)>) {
            for (line, number) in lines {
                if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
                if readAgent(line, number) { continue }
                guard let p = parseLine(line, number) else {
                    // 2.1 base64 data may run on unindented lines up to a blank one (Nokia, Sony Ericsson).
                    if card?.last?.isBinary == true {
                        card![card!.count - 1].value += String(decoding: line, as: UTF8.self)
                        continue
                    }
                    let text = String(decoding: line.prefix(40), as: UTF8.self).debugDescription
                    if card != nil {
                        batch.warnings.append(ImportError(origin(), "line \(number) is not a vCard line (\(text)): left out"))
                    } else {
                        batch.warnings.append(ImportError("line \(number)", "\(text) is outside BEGIN:VCARD … END:VCARD: left out"))
                    }
                    continue
                }
                switch (p.name, p.name == "BEGIN" || p.name == "END" ? p.value.trimmed.uppercased() : "") {
                case ("BEGIN", "VCARD"):
                    if let props = card {
                        batch.warnings.append(ImportError(origin(), "no END:VCARD before the next BEGIN:VCARD (line \(number)): read up to there"))
                        finish(props)
                    }
                    cardNumber += 1
                    card = []
                    cardLine = number
                case ("END", "VCARD"):
                    if let props = card {
                        finish(props)
                    } else {
                        batch.warnings.append(ImportError("line \(number)", "END:VCARD without BEGIN:VCARD: left out"))
                    }
                    card = nil
                default:
                    if card == nil {
                        batch.warnings.append(ImportError("line \(number)", "\(p.name) is outside BEGIN:VCARD … END:VCARD: left out"))
                    } else {
                        card!.append(p)
                    }
                }
            }
        }

        /// How deep inside a vCard 2.1 `AGENT` card the run is (the card of the person's assistant
        /// or agent, written inside theirs right after `AGENT:`), and the name it gives.
        var agent: (depth: Int, name: String?)?

        /// Reads a line of an `AGENT`'s own card, which becomes the `AGENT` property's value (its
        /// name, a line of the notes) instead of a person of its own; false for any other line.
        mutating func readAgent(_ line: [UInt8], _ number: Int) -> Bool {
            guard agent != nil || card?.last?.name == "AGENT" else { return false }
            let p = parseLine(line, number)
            let word = p.flatMap { $0.name == "BEGIN" || $0.name == "END" ? $0.value.trimmed.uppercased() : nil }
            guard var nested = agent else {
                guard word == "VCARD", p?.name == "BEGIN", let last = card?.last, last.name == "AGENT", last.value.trimmed.isEmpty else { return false }
                agent = (1, nil)
                return true
            }
            if word == "VCARD" { nested.depth += p?.name == "BEGIN" ? 1 : -1 }
            if nested.depth == 1, let p, p.name == "FN" { nested.name = p.value }
            if nested.depth > 0 {
                agent = nested
                return true
            }
            agent = nil
            if let name = nested.name, !name.trimmed.isEmpty { card![card!.count - 1].value = name } else { card!.removeLast() }
            return true
        }

        /// The card the file ends in, read up to there.
        mutating func finishFile() {
            // A file cut short (a download or a copy that stopped) may have cut the card's last
            // value too: an e-mail or a note that ends early is not imported as if it were whole.
            guard card != nil else { return }
            batch.errors.append(ImportError(origin(), "the file ends before the card's END:VCARD: it may have been cut short, so the card is not read"))
            card = nil
        }
    }

    // MARK: - Lines

    /// The content lines of a file, each with the number of the line it starts on: physical
    /// lines end at LF, CRLF or CR CR LF (iPhone), or at CR in a file without a LF (classic Mac
    /// OS) and, in one with LFs (files `cat` joined), in a line that begins with a card whose
    /// own lines end in CR (`BEGIN:VCARD` and a CR alone); elsewhere a CR alone is data, as it
    /// was written (a note's "Tip: …" after one is the note's). They are joined where folded (a line that
    /// starts with a space or tab continues the one before) or where a QUOTED-PRINTABLE value
    /// ends in a soft break (`=`). A soft break never swallows END:VCARD: some writers leave one
    /// on a card's last line.
    static func contentLines(_ bytes: [UInt8]) -> [([UInt8], Int)] {
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")
        var out: [([UInt8], Int)] = []
        var number = 0
        var quotedPrintable = false
        var softBreak = false
        let lineEnd = bytes.contains(lf) ? lf : cr
        var i = 0
        var macLines: [ArraySlice<UInt8>] = []
        while i < bytes.count || !macLines.isEmpty {
            var line: ArraySlice<UInt8>
            if !macLines.isEmpty {
                line = macLines.removeFirst()
            } else {
                var end = i
                while end < bytes.count && bytes[end] != lineEnd { end += 1 }
                line = bytes[i..<end]
                while line.last == cr { line.removeLast() }
                i = end + 1
                if lineEnd == lf, let cards = macCards(line) {
                    macLines = cards
                    line = macLines.removeFirst()
                }
            }
            // A byte order mark begins each file `cat` joined.
            if line.starts(with: TextEncoding.utf8BOM) { line = line.dropFirst(3) }
            number += 1
            let indented = line.first == 0x20 || line.first == 0x09
            if softBreak && !isEndVCard(line) {
                out[out.count - 1].0 += indented ? line.dropFirst() : line
            } else if indented && !out.isEmpty && !line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) {
                out[out.count - 1].0 += line.dropFirst()
            } else {
                out.append((Array(line), number))
                quotedPrintable = isQuotedPrintable(line)
            }
            softBreak = quotedPrintable && out[out.count - 1].0.last == UInt8(ascii: "=")
            if softBreak { out[out.count - 1].0.removeLast() }
        }
        return out
    }

    /// A line that begins with a card whose lines end in CR alone (a classic Mac OS file joined
    /// to others), cut at each CR; nil for any other line.
    static func macCards(_ line: ArraySlice<UInt8>) -> [ArraySlice<UInt8>]? {
        let begin = Array("BEGIN:VCARD".utf8)
        let start = line.starts(with: TextEncoding.utf8BOM) ? line.startIndex + 3 : line.startIndex
        guard line.endIndex - start > begin.count, line[start + begin.count] == UInt8(ascii: "\r"),
            zip(line[start..<start + begin.count], begin).allSatisfy({ asciiUppercased($0) == $1 })
        else { return nil }
        return line.split(separator: UInt8(ascii: "\r"), omittingEmptySubsequences: false)
    }

    static func isEndVCard(_ line: ArraySlice<UInt8>) -> Bool {
        line.count < 16 && String(decoding: line, as: UTF8.self).trimmed.uppercased() == "END:VCARD"
    }

    /// True when the line's name and parameters (before the first colon) ask for QUOTED-PRINTABLE.
    static func isQuotedPrintable(_ line: ArraySlice<UInt8>) -> Bool {
        let head = line.prefix { $0 != UInt8(ascii: ":") }
        guard head.count < line.count else { return false }
        // Compared byte by byte, ASCII letters folded: every line of every card is asked.
        let wanted = Array("QUOTED-PRINTABLE".utf8)
        guard head.count >= wanted.count else { return false }
        var start = head.startIndex
        while start + wanted.count <= head.endIndex {
            if zip(head[start..<start + wanted.count], wanted).allSatisfy({ asciiUppercased($0) == $1 }) { return true }
            start += 1
        }
        return false
    }

    static func asciiUppercased(_ b: UInt8) -> UInt8 {
        b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z") ? b - 32 : b
    }

    /// Splits a content line into group, name, parameters and value; nil when it has no colon
    /// or no valid name. Every delimiter is ASCII, so cutting the UTF-8 bytes never splits a
    /// character; the value is decoded by its ENCODING and CHARSET.
    static func parseLine(_ line: [UInt8], _ number: Int) -> Property? {
        var inQuotes = false
        var colon: Int?
        var parts: [ArraySlice<UInt8>] = []
        var partStart = 0
        for (i, b) in line.enumerated() {
            if b == UInt8(ascii: "\"") {
                inQuotes.toggle()
            } else if !inQuotes && (b == UInt8(ascii: ":") || b == UInt8(ascii: ";")) {
                parts.append(line[partStart..<i])
                partStart = i + 1
                if b == UInt8(ascii: ":") {
                    colon = i
                    break
                }
            }
        }
        guard let colon else { return nil }
        var name = String(decoding: parts[0], as: UTF8.self).trimmed.uppercased()
        var group: String?
        if let dot = name.lastIndex(of: ".") {  // item1.EMAIL
            group = String(name[..<dot])
            name = String(name[name.index(after: dot)...])
        }
        guard !name.isEmpty, name.utf8.allSatisfy({ ($0 >= 0x41 && $0 <= 0x5A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }) else { return nil }
        var params: [String: [String]] = [:]
        for part in parts.dropFirst() {
            let p = String(decoding: part, as: UTF8.self)
            if let eq = p.firstIndex(of: "=") {
                let values = paramText(p[p.index(after: eq)...]).split(separator: ",").map { String($0).trimmed }
                params[p[..<eq].trimmed.uppercased(), default: []] += values
            } else {
                params["", default: []].append(paramText(p[...]).trimmed)  // 2.1: bare TYPE values (TEL;WORK;VOICE)
            }
        }
        var value = line[(colon + 1)...]
        var decodedQP: [UInt8] = []
        if (params["ENCODING"] ?? params[""] ?? []).contains(where: { $0.uppercased() == "QUOTED-PRINTABLE" }) {
            decodedQP = quotedPrintable(value)
            value = decodedQP[...]
        }
        var (text, guessed) = TextEncoding.decode(value, charset: params["CHARSET"]?.first)
        // Quoted-printable writes line breaks as =0D=0A: kept as one `\n`, as `\n` escapes are.
        if !decodedQP.isEmpty, decodedQP.contains(UInt8(ascii: "\r")) {
            text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        }
        return Property(group: group, name: name, params: params, value: text, line: number, guessed: guessed)
    }

    /// A parameter value: quotes dropped, RFC 6868's `^n`, `^'` and `^^` read back.
    static func paramText(_ s: Substring) -> String {
        var out = s.replacingOccurrences(of: "\"", with: "")
        if out.contains("^") {
            out = out.replacingOccurrences(of: "^n", with: "\n").replacingOccurrences(of: "^'", with: "\"").replacingOccurrences(of: "^^", with: "^")
        }
        return out
    }

    static func quotedPrintable(_ s: ArraySlice<UInt8>) -> [UInt8] {
        func hex(_ b: UInt8) -> UInt8? {
            switch b {
            case 0x30...0x39: return b - 0x30
            case 0x41...0x46: return b - 0x41 + 10
            case 0x61...0x66: return b - 0x61 + 10
            default: return nil
            }
        }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.count)
        var i = s.startIndex
        while i < s.endIndex {
            if s[i] == UInt8(ascii: "="), i + 2 < s.endIndex, let hi = hex(s[i + 1]), let lo = hex(s[i + 2]) {
                bytes.append(hi << 4 | lo)
                i += 3
            } else {
                bytes.append(s[i])
                i += 1
            }
        }
        return bytes
    }

    // MARK: - Values

    /// Splits a value on an unescaped separator (`;` or `,`), unescaping each part. Works on the
    /// UTF-8 bytes: the separator and the backslash are ASCII, which no byte of another character
    /// equals (appending Characters one at a time was a tenth of an import).
    static func split(_ value: String, on sep: Unicode.Scalar) -> [String] {
        let separator = UInt8(ascii: sep)
        let backslash = UInt8(ascii: "\\")
        var parts: [String] = []
        var current: [UInt8] = []
        var escaped = false
        for b in value.utf8 {
            if escaped {
                current.append(backslash)
                current.append(b)
                escaped = false
            } else if b == backslash {
                escaped = true
            } else if b == separator {
                parts.append(unescape(String(decoding: current, as: UTF8.self)))
                current.removeAll(keepingCapacity: true)
            } else {
                current.append(b)
            }
        }
        if escaped { current.append(backslash) }
        parts.append(unescape(String(decoding: current, as: UTF8.self)))
        return parts
    }

    /// A TEXT value read back: `\\`, `\,`, `\;`, `\:` and `\n` (RFC 6350 §3.4); any other
    /// backslash is kept, for 2.1 writers do not escape it (`C:\notes`).
    static func unescape(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "\\")) else { return s }
        var out = ""
        var escaped = false
        for c in s {
            if escaped {
                switch c {
                case "n", "N": out.append("\n")
                case "\\", ",", ";", ":": out.append(c)
                default:
                    out.append("\\")
                    out.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        if escaped { out.append("\\") }
        return out
    }

    // MARK: - Cards

    /// Tend's fields without a standard property: `X-TEND-NEXT-STEP` → next_step.
    static let extended: [String: ContactField] = Dictionary(
        uniqueKeysWithValues: ContactFields.all.filter { $0.vcardProperty == nil }.map { ($0.extendedProperty, $0) })

    /// Properties about the card or the program that wrote it, not about the person: left out.
    static let ignored: Set<String> = [
        "FN", "N", "VERSION", "PRODID", "REV", "PHOTO", "LOGO", "SOUND", "KEY", "KIND", "SOURCE", "CLIENTPIDMAP", "NAME", "PROFILE",
        "SORT-STRING", "MAILER", "X-ABLABEL", "X-ABUID", "X-ABSHOWAS", "X-ABADR", "X-MS-OL-DESIGN", "X-MS-OL-DEFAULT-POSTAL-ADDRESS",
        "X-MS-CARDPICTURE", "X-MS-IMADDRESS-NONE", "X-MOZILLA-HTML", "X-MOZILLA-PROPERTY", "X-EVOLUTION-FILE-AS", "X-EVOLUTION-LIST",
        "X-EVOLUTION-LIST-SHOW-ADDRESSES", "X-EVOLUTION-BOOK-URI", "X-WAB-GENDER", "X-LOTUS-CHILD", "X-IMAGETYPE", "X-IMAGEHASH",
        "X-ADDRESSBOOKSERVER-KIND", "X-ADDRESSBOOKSERVER-MEMBER", "MEMBER", "X-TEND-SYNC",
    ]

    /// Properties whose inline base64 value is data, never text: kept or left out as they are.
    static let dataProperties: Set<String> = ["PHOTO", "LOGO", "SOUND", "KEY"]

    /// A text property's base64 value (2.1 `ENCODING=BASE64`, 3.0 `ENCODING=b`) decoded in its
    /// CHARSET, as a quoted-printable one is; what is wrong with it when it cannot be.
    static func decodeBase64(_ p: inout Property) -> String? {
        var digits = p.value.filter { !$0.isWhitespace }
        // Some writers leave out the padding, which Foundation requires.
        digits += String(repeating: "=", count: (4 - digits.utf8.count % 4) % 4)
        guard let data = Data(base64Encoded: digits) else { return "is not base64" }
        let bytes = [UInt8](data)
        guard !bytes.contains(where: { $0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D }) else { return "is base64 data, not text" }
        let (text, guessed) = TextEncoding.decode(bytes[...], charset: p.param("CHARSET").first)
        p.value = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        p.guessed = guessed
        return nil
    }

    /// Properties kept as a note under a word of their own: `spouse: Jane`.
    static let noteLabels: [String: String] = [
        "BDAY": "birthday", "ANNIVERSARY": "anniversary", "URL": "url", "ROLE": "role", "NICKNAME": "nickname",
        "X-ANNIVERSARY": "anniversary", "X-EVOLUTION-ANNIVERSARY": "anniversary", "X-MS-ANNIVERSARY": "anniversary",
        "X-SPOUSE": "spouse", "X-EVOLUTION-SPOUSE": "spouse", "X-MS-SPOUSE": "spouse", "X-KADDRESSBOOK-X-SPOUSESNAME": "spouse",
        "X-KADDRESSBOOK-X-ANNIVERSARY": "anniversary", "X-MANAGER": "manager", "X-EVOLUTION-MANAGER": "manager",
        "X-MS-MANAGER": "manager", "X-ASSISTANT": "assistant", "X-EVOLUTION-ASSISTANT": "assistant", "X-MS-ASSISTANT": "assistant",
        "X-EVOLUTION-BLOG-URL": "blog", "X-ABDATE": "date", "X-ABRELATEDNAMES": "related", "RELATED": "related",
    ]

    /// The address one EMAIL item holds: all of it (`mailto:` taken off), or what the angle
    /// brackets of a display name hold (`"Bob R" <bob@x.example>`); nil when it holds none.
    static func address(in item: String) -> String? {
        var text = item.trimmed
        if text.lowercased().hasPrefix("mailto:") { text = String(text.dropFirst(7)).trimmed }
        if text.hasSuffix(">"), let open = text.lastIndex(of: "<") { text = text[text.index(after: open)...].dropLast().trimmed }
        return text.contains("@") && !text.contains(where: { $0.isWhitespace || "<>,".contains($0) }) ? text : nil
    }

    /// Apple's own labels of an e-mail, phone or address that Tend keeps as `other` (a label
    /// of the user's own, `Gym`, is said in the report).
    static let appleKinds: Set<String> = ["other", "main", "homefax", "workfax", "otherfax", "pager", "fax", "school"]

    /// An Apple label read as a word: `_$!<HomePage>!$_` → `homepage`; a label of the user's own is kept.
    static func labelText(_ label: String) -> String {
        let t = NamedDate.oneLine(label)
        if t.hasPrefix("_$!<") && t.hasSuffix(">!$_") { return String(t.dropFirst(4).dropLast(4)).lowercased() }
        return t
    }

    static func contact(_ props: [Property], origin: String, warnings: inout [ImportError]) throws -> ImportedContact {
        var props = props
        // The name, written in base64 as any text may be, is read before the rest.
        for i in props.indices where props[i].isBinary && (props[i].name == "FN" || props[i].name == "N") {
            if let problem = decodeBase64(&props[i]) {
                warnings.append(ImportError(origin, field: props[i].name, "line \(props[i].line) \(problem): left out"))
                props[i].value = ""
            }
        }
        var c = try named(props, origin: origin, warnings: &warnings)
        var labels: [String: String] = [:]
        // An empty label (Google writes `item1.X-ABLabel:`) is none: `url (): …` said nothing.
        for p in props where p.name == "X-ABLABEL" {
            if let g = p.group, case let text = labelText(unescape(p.value)), !text.trimmed.isEmpty { labels[g] = text }
        }
        let hasAddress = props.contains { $0.name == "ADR" }
        // Known before the dates are read: a card Tend wrote says a date's year 1604 is real.
        c.handle = props.first { $0.name == "X-TEND-HANDLE" }.map { unescape($0.value).trimmed }
        var faxes = Set<String>()
        // An anniversary the card states (`ANNIVERSARY`, `X-ANNIVERSARY` …) is read before Apple's
        // labelled dates: one of those labelled "anniversary" is then another date.
        let stated = VCard.dateProperties.subtracting(["BDAY", "X-ABDATE"])
        let inOrder = props.contains { stated.contains($0.name) } ? props.filter { $0.name != "X-ABDATE" } + props.filter { $0.name == "X-ABDATE" } : props
        for var p in inOrder {
            if p.isBinary {
                guard !dataProperties.contains(p.name), !ignored.contains(p.name) else { continue }
                if let problem = decodeBase64(&p) {
                    warnings.append(ImportError(origin, field: p.name, "line \(p.line) \(problem): left out"))
                    continue
                }
            }
            if p.guessed && (!ignored.contains(p.name) || p.name == "FN" || p.name == "N") {
                warnings.append(
                    ImportError(origin, field: p.name, "line \(p.line) is not in the charset it names (or UTF-8): read as Windows-1252"))
            }
            if ignored.contains(p.name) { continue }
            let v = unescape(p.value).trimmed
            if let f = extended[p.name] {
                // A list keeps its escapes until it is split on its unescaped commas.
                try c.read(f.name, f.kind == .list ? p.value : v, listSeparator: ",", label: p.name)
                continue
            }
            let label = p.group.flatMap { labels[$0] }
            let notes = c.notes.count
            try read(p, v, label: label, hasAddress: hasAddress, into: &c)
            if VCard.dateProperties.contains(p.name), c.notes.count > notes {
                // A date that is no date (2026-02-30) is the record's error; text ("circa 1950")
                // went into the notes, and the report says so.
                if ImportantDate.isWrittenAsDate(v), !p.param("VALUE").contains(where: { $0.lowercased() == "text" }) {
                    throw ImportError(origin, field: p.name, "line \(p.line): \(v) is not a date")
                }
                warnings.append(ImportError(origin, field: p.name, "line \(p.line): \(v) is not a date Tend can read: kept in the notes"))
            }
            if p.name == "TEL" && isFaxOrPager(p, label: label) { faxes.insert(telephoneNumber(v)) }
            if ["EMAIL", "TEL", "ADR"].contains(p.name), let label, !appleKinds.contains(label.lowercased()), kind(p, label: label) == "other" {
                var said = ImportError(
                    origin, field: p.name, "line \(p.line): the label \(label.debugDescription) is no kind Tend keeps (work, home, mobile, other): read as other")
                said.keptInAFolder = true
                warnings.append(said)
            }
        }
        // An organisation's own card (vCard 4.0 `KIND:org`, as `export vcard` writes one; Apple's
        // `X-ABShowAs:COMPANY`, as a 3.0 card of Tend's and the phone's say it) is its
        // company too, when it names none (it came in as a person of that name, with no company).
        if c.fields["company"] == nil, !c.nameIsGuessed, props.contains(where: saysCompany) {
            c[text: "company"] = c.name
        }
        // A fax or pager is not the number to call: the voice numbers first, each list in its order.
        c.phones = c.phones.filter { !faxes.contains($0.value) } + c.phones.filter { faxes.contains($0.value) }
        var seen = Set<NamedDate>()
        c.dates = c.dates.filter { seen.insert($0).inserted }
        // `DIGEST` alone (an older Tend's), or `DIGEST PARTS`: each part's digest, six hex digits.
        // Split by its bytes: split as characters, the value of every card took a third of an import.
        if let sync = props.first(where: { $0.name == syncProperty })?.value.utf8.split(whereSeparator: { $0 == 0x20 || $0 == 0x09 }) {
            c.writtenByTend = true
            c.unchangedSinceWritten = sync.first.map { String(Substring($0)) == digest(props) } ?? false
            // The parts' digests of this Tend's list of parts (`syncPartsVersion`), or none.
            if sync.count >= 2, case let parts = String(Substring(sync[1])), parts.hasPrefix(ImportedContact.syncPartsVersion) {
                c.writtenParts = String(parts.dropFirst(ImportedContact.syncPartsVersion.count))
                // Then each list's items' digests (`itemDigests`).
                if sync.count == 3 { c.writtenItems = String(Substring(sync[2])) }
            }
        }
        return c
    }

    /// The property in which `export vdir` writes the digest of the card it wrote: a card that
    /// still has its digest has not been changed since (by a phone, a server or another program).
    public static let syncProperty = "X-TEND-SYNC"

    /// A digest of a card's properties (its `X-TEND-SYNC` left out): the names, groups,
    /// parameters and values as read, so that folding and line ends do not change it.
    static func digest(_ props: [Property]) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        func add(_ s: String) {
            for b in s.utf8 { hash = (hash ^ UInt64(b)) &* 0x100_0000_01b3 }
            hash = (hash ^ 1) &* 0x100_0000_01b3
        }
        for p in props where p.name != syncProperty {
            add(p.group ?? "")
            add(p.name)
            for key in p.params.keys.sorted() { add(key + "=" + p.params[key]!.joined(separator: ",")) }
            add(p.value)
        }
        return String(hash, radix: 16)
    }

    /// The card (one written by `write`) with its digest, for a vdir: read back unchanged, it
    /// is a card no one has changed since Tend wrote it. The digest of each of its parts as it
    /// reads back follows (`ImportedContact.partDigests`): read back changed, the parts whose
    /// digest differs are what its owner changed, and the others keep what Tend holds.
    public static func withDigest(_ card: String) -> String {
        let props = properties(card)
        let value = digest(props) + (partsDigests(props).map { " " + $0 } ?? "")
        let end = "END:VCARD\r\n"
        return String(card.dropLast(end.count)) + fold("\(syncProperty):\(value)") + "\r\n" + end
    }

    /// The digests of a card's parts and of its lists' items as it reads back (`VERSION:PARTS
    /// ITEMS`), as `X-TEND-SYNC` carries them after the card's digest; nil when it does not read.
    public static func partsDigests(of card: String) -> String? { partsDigests(properties(card)) }

    static func partsDigests(_ props: [Property]) -> String? {
        var warnings: [ImportError] = []
        return (try? contact(props, origin: "", warnings: &warnings)).map {
            ImportedContact.syncPartsVersion + $0.partDigests.joined() + " " + $0.itemDigests
        }
    }

    /// A card's properties, BEGIN and END left out.
    static func properties(_ card: String) -> [Property] {
        var props: [Property] = []
        for (line, number) in contentLines(Array(card.utf8)) {
            guard let p = parseLine(line, number), p.name != "BEGIN", p.name != "END" else { continue }
            props.append(p)
        }
        return props
    }

    /// Sets the digests of the parts and items Tend had when it last wrote or took in the card
    /// (`partsDigests`), from the folder's state rather than the card's own `X-TEND-SYNC`.
    public static func setWritten(_ parts: String, on c: inout ImportedContact) {
        let halves = parts.split(separator: " ", maxSplits: 1)
        guard let first = halves.first, first.hasPrefix(ImportedContact.syncPartsVersion) else { return }
        c.writtenParts = String(first.dropFirst(ImportedContact.syncPartsVersion.count))
        c.writtenItems = halves.count > 1 ? String(halves[1]) : nil
        c.writtenByTend = true
    }

    /// Whether the property says the card is an organisation's own: `KIND:org` (4.0), Apple's
    /// `X-ABShowAs:COMPANY`.
    static func saysCompany(_ p: Property) -> Bool {
        let v = p.value.trimmed.lowercased()
        return (p.name == "KIND" && v == "org") || (p.name == "X-ABSHOWAS" && v == "company")
    }

    /// The properties that hold a date, which `read` keeps as a note when it is not one.
    static let dateProperties: Set<String> = [
        "BDAY", "ANNIVERSARY", "X-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY", "X-MS-ANNIVERSARY", "X-KADDRESSBOOK-X-ANNIVERSARY", "X-ABDATE",
    ]

    /// One property into the contact: a field, an e-mail or phone, a tag, or a note.
    static func read(_ p: Property, _ v: String, label: String?, hasAddress: Bool, into c: inout ImportedContact) throws {
        switch p.name {
        case "UID": if !v.isEmpty { c.uid = ContactUID.storable(v) }
        case "BDAY", "ANNIVERSARY", "X-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY", "X-MS-ANNIVERSARY", "X-KADDRESSBOOK-X-ANNIVERSARY":
            let field = p.name == "BDAY" ? "birthday" : "anniversary"
            // A date Tend cannot read ("circa 1950", a year alone) is kept as a note.
            guard let d = date(p, v, tendCard: c.handle != nil) else { return note(p, v, label: label, into: &c) }
            if c.fields[field] == nil { c.fields[field] = .date(d) }
        case "X-ABDATE":
            // Apple's other dates, each labelled: its anniversary, or a date of the user's own.
            guard let d = date(p, v, tendCard: c.handle != nil) else { return note(p, v, label: label, into: &c) }
            if label?.lowercased() == "anniversary" {
                guard case .date(let stated)? = c.fields["anniversary"] else {
                    c.fields["anniversary"] = .date(d)
                    return
                }
                // The anniversary said twice (X-ANNIVERSARY and Apple's date) is one.
                if stated == d { return }
            }
            c.dates.append(NamedDate(label ?? "date", d))  // made unique once the card is read
        case "ORG":
            let parts = split(p.value, on: ";").map(\.trimmed).filter { !$0.isEmpty }
            // A second organisation (a board seat beside the job) is kept in the notes.
            if c.fields["company"] == nil {
                c[text: "company"] = parts.first
            } else if let other = parts.first, other != c[text: "company"] {
                c.notes.append("company: " + other)
            }
            if parts.count > 1 { c.notes.append("department: " + parts.dropFirst().joined(separator: ", ")) }
        case "TITLE":
            // A second title is kept in the notes, not dropped.
            if c.fields["title"] == nil {
                if !v.isEmpty { c[text: "title"] = v }
            } else if !v.isEmpty, v != c[text: "title"] {
                c.notes.append("title: " + v)
            }
        case "EMAIL": try readEmail(p, v, label: label, into: &c)
        case "TEL":
            try add(ContactPoint(telephoneNumber(v), type: kind(p, label: label)), to: &c.phones, preferred: p.isPreferred, origin: c.origin, field: "phones")
        case "ADR": try readAddress(p, label: label, into: &c)
        case "LABEL": if !hasAddress, !v.isEmpty { c.notes.append("address: " + v.replacingOccurrences(of: "\r\n", with: ", ")) }
        case "NOTE":
            if !v.isEmpty { c.notes.append(v) }
            c.note = c.note.map { v.isEmpty ? $0 : $0.isEmpty ? v : $0 + "\n" + v } ?? v
        case "CATEGORIES": try readCategories(p, into: &c)
        case "X-TEND-HANDLE": c.handle = v
        case "X-ANDROID-CUSTOM":
            // `vnd.android.cursor.item/nickname;Bob;1;;…`: the kind, then its value.
            let parts = split(p.value, on: ";")
            if let kind = parts.first?.split(separator: "/").last, let value = parts.dropFirst().first(where: { !$0.trimmed.isEmpty }) {
                c.notes.append("\(kind.replacingOccurrences(of: "_", with: " ")): \(value.trimmed)")
            }
        default: note(p, v, label: label, into: &c)
        }
    }

    /// An EMAIL: one address, a list of them, or a display name with its address.
    private static func readEmail(_ p: Property, _ v: String, label: String?, into c: inout ImportedContact) throws {
        let value = v.lowercased().hasPrefix("mailto:") ? String(v.dropFirst(7)) : v
        // A list of addresses (an unescaped comma between them, each maybe a display name)
        // gives each, and a display name (`"Bob" <bob@x.example>`) the address it holds, as a
        // CSV cell does; any other value is kept as written (`"john doe"@x`, and what a card
        // Tend wrote escapes: `a\,b@x`).
        let items = VCard.split(p.value, on: ",").map { VCard.address(in: $0) }
        var addresses = [value]
        if items.count > 1, !items.contains(nil) {
            addresses = items.compactMap { $0 }
        } else if items.count == 1, value.contains("<"), let inner = items[0] {
            addresses = [inner]
        }
        // The first of several is the preferred one, when the card prefers them.
        for a in p.isPreferred ? addresses.reversed() : addresses {
            try add(ContactPoint(a, type: kind(p, label: label)), to: &c.emails, preferred: p.isPreferred, origin: c.origin, field: "emails")
        }
    }

    /// An ADR, unless it is empty or a copy of one the card already gave.
    private static func readAddress(_ p: Property, label: String?, into c: inout ImportedContact) throws {
        // Post-office box; extended address; street; locality; region; postal code; country.
        let parts = split(p.value, on: ";").map(\.trimmed)
        func part(_ i: Int) -> String? { i < parts.count && !parts[i].isEmpty ? parts[i] : nil }
        let street = [part(0), part(1), part(2)].compactMap { $0 }.joined(separator: ", ")
        let a = PostalAddress(
            street: street.isEmpty ? nil : street, city: part(3), region: part(4), postcode: part(5), country: part(6),
            type: kind(p, label: label))
        if !a.isEmpty, !c.addresses.contains(a) {
            try roomForOneMore(c.addresses.count, origin: c.origin, field: "addresses")
            if p.isPreferred { c.addresses.insert(a, at: 0) } else { c.addresses.append(a) }
        }
    }

    /// CATEGORIES: the card's tags.
    private static func readCategories(_ p: Property, into c: inout ImportedContact) throws {
        // Google writes its system group, every contact it keeps, as "myContacts" (its CSV as
        // "* myContacts", dropped there too); Tend writes tags in lowercase, so a user's own
        // tag of that name reads back.
        for t in split(p.value, on: ",") where t.trimmed != "myContacts" {
            // A card Tend wrote keeps its tags as they were; another program's labels are made words.
            let tag = c.handle != nil ? writtenTag(t.trimmed) : tagName(t.trimmed)
            if !t.trimmed.isEmpty, !c.tags.contains(tag) {
                try roomForOneMore(c.tags.count, origin: c.origin, field: "tags")
                c.tags.append(tag)
            }
        }
    }

    /// An important date; one in the year Apple's `X-APPLE-OMIT-YEAR` names is one without a
    /// year, and so is one in Apple's year 1604 without that parameter (older Apple cards),
    /// except on a card Tend wrote: Tend writes a date without a year as one, so its 1604 is a
    /// real year.
    static func date(_ p: Property, _ v: String, tendCard: Bool) -> Day? {
        guard let d = ImportantDate.parse(v) ?? CSVImport.yearFirst(v) ?? ImportantDate.yearLast(v) else { return nil }
        guard !d.isYearless else { return d }
        let omit = p.param("X-APPLE-OMIT-YEAR").first.flatMap { Int($0.trimmed) }
        guard d.year == omit || (omit == nil && d.year == Day.appleYearlessYear && !tendCard) else { return d }
        return Day(month: d.month, day: d.parts.day)
    }

    /// A property with no field of its own, as a note under its label or a word for it: `url: …`.
    static func note(_ p: Property, _ v: String, label: String?, into c: inout ImportedContact) {
        guard !v.isEmpty, !p.name.hasPrefix("X-AB") || noteLabels[p.name] != nil else { return }
        let word = label ?? noteLabels[p.name] ?? p.name.lowercased()
        c.notes.append(label != nil && p.name == "URL" ? "url (\(word)): \(v)" : "\(word): \(v)")
    }

    /// A TEL value as Tend keeps it: `tel:+1-555-0100;ext=7` → `+1-555-0100 ext. 7`.
    static func telephoneNumber(_ v: String) -> String {
        (v.hasPrefix("tel:") ? String(v.dropFirst(4)) : v).replacingOccurrences(of: ";ext=", with: " ext. ")
    }

    /// A TEL that is a fax or a pager (by its TYPE or Apple label: `_$!<WorkFAX>!$_`) and not
    /// also a voice or mobile number.
    static func isFaxOrPager(_ p: Property, label: String?) -> Bool {
        let t = p.types + (label.map { [$0.lowercased()] } ?? [])
        return t.contains { $0.hasSuffix("fax") || $0 == "pager" } && !t.contains { ["voice", "cell", "mobile", "iphone"].contains($0) }
    }

    /// The most e-mails, phones, addresses or tags one record may hold: no person has more,
    /// and a file that gives more (a mailing list's members as one card, a broken export) is
    /// refused with its record rather than read in a time that grows with their square.
    public static let maxValues = 1_000

    /// Adds an e-mail or phone (the preferred one first), once: given again with a kind where
    /// it had none (Outlook's Primary Phone, then the same number as Business Phone), it takes
    /// the kind.
    static func add(_ point: ContactPoint, to list: inout [ContactPoint], preferred: Bool, origin: String, field: String) throws {
        guard !point.value.isEmpty else { return }
        if let i = list.firstIndex(where: { $0.value == point.value }) {
            if list[i].type == nil { list[i].type = point.type }
            return
        }
        try roomForOneMore(list.count, origin: origin, field: field)
        if preferred { list.insert(point, at: 0) } else { list.append(point) }
    }

    /// Refuses a record that already holds `maxValues` values of one kind.
    static func roomForOneMore(_ count: Int, origin: String, field: String) throws {
        guard count < maxValues else {
            throw ImportError(origin, field: field, "more than \(maxValues) values: not one person's (a list's members belong on cards of their own)")
        }
    }

    /// The kind of an EMAIL, TEL or ADR, from its TYPE parameters (2.1's bare ones too) or its
    /// Apple label: a mobile phone is `mobile` whatever else it is; a fax or pager, or a label of
    /// the user's own, is `other`; `voice`, `internet` and `pref` say nothing of the kind.
    static func kind(_ p: Property, label: String?) -> String? {
        let t = Set(p.types + (label.map { [$0.lowercased()] } ?? []))
        if !t.isDisjoint(with: ["cell", "mobile", "iphone"]) { return "mobile" }
        if t.contains("work") { return "work" }
        if t.contains("home") { return "home" }
        if !t.isDisjoint(with: ["other", "fax", "pager"]) || label != nil { return "other" }
        return nil
    }

    /// Whether a name is written in Han, kana or Hangul letters alone.
    static func isEastAsian(_ text: String) -> Bool {
        !text.isEmpty
            && text.unicodeScalars.allSatisfy { s in
                let v = s.value
                return (0x3040...0x30FF).contains(v) || (0x3400...0x4DBF).contains(v) || (0x4E00...0x9FFF).contains(v)
                    || (0xAC00...0xD7A3).contains(v) || (0xF900...0xFAFF).contains(v) || (0x20000...0x2FA1F).contains(v)
            }
    }

    /// The card with its name: FN, else N, else what identifies the person (Android 2.1 writes
    /// cards with only an e-mail or a phone): the company, an e-mail or a phone, with a warning.
    /// A card with none of them cannot be anyone: that is an error.
    static func named(_ props: [Property], origin: String, warnings: inout [ImportError]) throws -> ImportedContact {
        var given: String?
        var family: String?
        var fromParts = ""
        var nameExtras: [String] = []
        if let n = props.first(where: { $0.name == "N" }) {
            // Family; given; additional; prefixes; suffixes (each a comma list in 4.0).
            let parts = split(n.value, on: ";").map { ($0.utf8.contains(UInt8(ascii: ",")) ? $0.replacingOccurrences(of: ",", with: " ") : $0).trimmed }
            func part(_ i: Int) -> String { i < parts.count ? parts[i] : "" }
            nameExtras = [part(2), part(3), part(4)].flatMap { $0.split(whereSeparator: \.isWhitespace).map(String.init) }
            family = part(0).isEmpty ? nil : part(0)
            given = part(1).isEmpty ? nil : part(1)
            fromParts = [part(3), part(1), part(2), part(0), part(4)].filter { !$0.isEmpty }.joined(separator: " ")
            // Chinese, Japanese and Korean names are the family name first, without a space
            // (王小明, 山田太郎, 김민준).
            if let f = family, let g = given, VCard.isEastAsian(f + g) {
                fromParts = [part(3), f + g, part(2), part(4)].filter { !$0.isEmpty }.joined(separator: " ")
            }
        }
        var name = props.first { $0.name == "FN" }.map { unescape($0.value).trimmed } ?? ""
        if name.isEmpty { name = fromParts }
        var guessed: String?
        if name.isEmpty {
            let value = { (property: String) in props.first { $0.name == property && !$0.value.trimmed.isEmpty } }
            let by: (String, String)? =
                value("ORG").flatMap { org in split(org.value, on: ";").first { !$0.trimmed.isEmpty }.map { ("company", $0.trimmed) } }
                ?? value("EMAIL").map { ("e-mail", unescape($0.value).trimmed) }
                ?? value("TEL").map { ("phone", unescape($0.value).trimmed) }
            guard let (what, text) = by else { throw ImportError(origin, field: "FN", "the card has no name, company, e-mail or phone") }
            name = text.hasPrefix("tel:") ? String(text.dropFirst(4)) : text.lowercased().hasPrefix("mailto:") ? String(text.dropFirst(7)) : text
            guessed = what
            warnings.append(ImportError(origin, "the card has no name (FN or N): named by its \(what), \(name)"))
        }
        var c = ImportedContact(origin: origin, name: name)
        // Middle names, a prefix or a suffix that N gives and FN leaves out (`N:Lovelace-King;Ada;
        // Augusta;Countess;` with `FN:Ada Lovelace-King`): Tend keeps the name FN gives, and says so.
        let words = Set(name.lowercased().split(whereSeparator: { $0.isWhitespace || $0 == "," }).map { $0.trimmingCharacters(in: .punctuationCharacters) })
        let left = nameExtras.filter { !words.contains($0.lowercased().trimmingCharacters(in: .punctuationCharacters)) }
        if name != fromParts, !left.isEmpty {
            var said = ImportError(origin, field: "N", "N's middle names, prefix or suffix (\(left.joined(separator: " "))) are not in FN: the name is FN's, \(name)")
            said.keptInAFolder = true
            warnings.append(said)
        }
        c.nameGuessedFrom = guessed
        c.givenName = given
        c.familyName = family
        return c
    }

    /// A card that is a group (vCard 4.0 `KIND:group`, Apple's `X-ADDRESSBOOKSERVER-KIND:group`):
    /// not a person, but a tag for its members, found by their UIDs.
    struct GroupCard {
        var name: String
        var members: [String]
        var origin: String

        init?(_ props: [Property], origin: String) {
            let kind = props.first { $0.name == "KIND" || $0.name == "X-ADDRESSBOOKSERVER-KIND" }?.value.trimmed.lowercased()
            guard kind == "group" else { return nil }
            name = props.first { $0.name == "FN" }.map { unescape($0.value).trimmed } ?? ""
            members = props.filter { $0.name == "MEMBER" || $0.name == "X-ADDRESSBOOKSERVER-MEMBER" }.map { GroupCard.uid($0.value) }
            self.origin = origin
        }

        /// `urn:uuid:ABC` and `ABC` are one UID.
        static func uid(_ s: String) -> String {
            let t = s.trimmed.lowercased()
            return t.hasPrefix("urn:uuid:") ? String(t.dropFirst(9)) : t
        }

        func tagMembers(of batch: inout ImportBatch) {
            guard !name.isEmpty else { return }
            let tag = tagName(name)
            let wanted = Set(members)
            var found = Set<String>()
            for i in batch.contacts.indices {
                // A member by UID, or by e-mail (`MEMBER:mailto:…`, RFC 6350's own example).
                let c = batch.contacts[i]
                let keys = (c.uid.map { [GroupCard.uid($0)] } ?? []) + c.emails.map { "mailto:" + $0.value.lowercased() }
                let matched = keys.filter(wanted.contains)
                guard !matched.isEmpty else { continue }
                found.formUnion(matched)
                if !batch.contacts[i].tags.contains(tag) { batch.contacts[i].tags.append(tag) }
            }
            let missing = wanted.count - found.count
            if missing > 0 {
                batch.warnings.append(
                    ImportError(origin, "group \(name.debugDescription): \(missing) of its \(wanted.count) members \(missing == 1 ? "is" : "are") not in the file"))
            }
        }
    }

    // MARK: - Writing over a card

    /// Properties Tend writes itself (`KIND`, `X-ABShowAs` when the card is a company's), or reads
    /// into a field, in every card it writes.
    static let written: Set<String> = [
        "BEGIN", "END", "VERSION", "FN", "N", "EMAIL", "TEL", "ADR", "LABEL", "CATEGORIES", "NOTE", "ORG", "TITLE", "UID", "BDAY",
        "ANNIVERSARY", "X-ANNIVERSARY", "X-EVOLUTION-ANNIVERSARY", "X-MS-ANNIVERSARY", "X-KADDRESSBOOK-X-ANNIVERSARY", "X-ABDATE",
        "X-ABLABEL", "X-TEND-HANDLE", "KIND", "X-ABSHOWAS",
    ]

    /// The content lines of a card (its first) that a card Tend writes in its place keeps: what
    /// Tend leaves out on import (a photo, a program's own properties), and what it reads as a
    /// line of the notes (a URL, a nickname) while `notes` still holds that line; an Apple label
    /// goes with its property. Returns the lines, unfolded, the note lines they stand for, and
    /// their groups (in lowercase).
    public static func foreignProperties(_ bytes: [UInt8], notes: String?, version: Version = .v4) -> (
        lines: [String], noteLines: [String], groups: Set<String>
    ) {
        let props = rawProperties(bytes)
        var labels: [String: String] = [:]
        for (p, _) in props where p.name == "X-ABLABEL" { if let g = p.group { labels[g] = labelText(unescape(p.value)) } }
        var held = (notes ?? "").split(separator: "\n").map(String.init)
        var lines: [String] = []
        var noteLines: [String] = []
        var keptGroups = Set<String>()
        for (p, raw) in props {
            if written.contains(p.name) || extended[p.name] != nil || p.name.hasPrefix("X-TEND-") { continue }
            // The card is Tend's writing now: its old revision stamp no longer says when it changed.
            if p.name == "REV" { continue }
            if p.isBinary {
                lines.append(version == .v3 ? inline30(p, raw) : dataURI(p))
                if let g = p.group { keptGroups.insert(g) }
                continue
            }
            var scratch = ImportedContact(origin: "", name: "")
            if !ignored.contains(p.name) && !p.isBinary {
                try? read(p, unescape(p.value).trimmed, label: p.group.flatMap { labels[$0] }, hasAddress: true, into: &scratch)
                let onlyNotes = scratch.fields.isEmpty && scratch.emails.isEmpty && scratch.phones.isEmpty && scratch.addresses.isEmpty
                    && scratch.tags.isEmpty && scratch.dates.isEmpty && scratch.handle == nil
                guard onlyNotes else { continue }
                // A line the user removed from the notes takes its property with it.
                var rest = held
                var found = true
                for n in scratch.notes {
                    if let i = rest.firstIndex(of: n) { rest.remove(at: i) } else { found = false }
                }
                guard found else { continue }
                held = rest
                noteLines += scratch.notes
            }
            lines.append(raw)
            if let g = p.group { keptGroups.insert(g) }
        }
        // Labels after their properties, where Apple writes them.
        for (p, raw) in props where p.name == "X-ABLABEL" && p.group.map(keptGroups.contains) == true { lines.append(raw) }
        return (lines, noteLines, Set(keptGroups.map { $0.lowercased() }))
    }

    /// An Apple group (`item1.`, as the card spells it) of an e-mail, phone or address, and the
    /// content line of its label when it has one.
    public struct AppleGroup: Sendable {
        public var group: String
        public var label: String?
        /// Where the group's item is on the card: spare groups are given out in that order.
        public var order = 0
        /// The group's address, when it is one: a spare group goes only to an address that
        /// shares its street, city or postcode (an edit of it, not another place).
        public var address: PostalAddress?
    }

    /// The Apple groups of a card's e-mails, phones and addresses, by `groupKey` of the item as
    /// Tend reads it: a card written in its place gives the items Tend still has, of the same
    /// kind, their groups and labels back (`item1.TEL` with `item1.X-ABLabel:Laden`).
    public static func appleGroups(_ bytes: [UInt8]) -> [String: AppleGroup] {
        let props = rawProperties(bytes)
        var labels: [String: (text: String, line: String)] = [:]
        for (p, raw) in props where p.name == "X-ABLABEL" { if let g = p.group { labels[g] = (labelText(unescape(p.value)), raw) } }
        var groups: [String: AppleGroup] = [:]
        for (p, raw) in props where ["EMAIL", "TEL", "ADR"].contains(p.name) && !p.isBinary {
            guard let g = p.group else { continue }
            var item = ImportedContact(origin: "", name: "")
            try? read(p, unescape(p.value).trimmed, label: labels[g]?.text, hasAddress: true, into: &item)
            let key =
                item.emails.first.map { groupKey("EMAIL", $0.value, $0.type) } ?? item.phones.first.map { groupKey("TEL", $0.value, $0.type) }
                ?? item.addresses.first.map { groupKey("ADR", $0.description, $0.type) }
            // parseLine gives the group in capitals; Apple writes `item1`.
            let spelled = String(raw.drop { $0 == " " || $0 == "\t" }.prefix(g.count))
            if let key, groups[key] == nil {
                groups[key] = AppleGroup(group: spelled, label: labels[g]?.line, order: groups.count, address: item.addresses.first)
            }
        }
        return groups
    }

    /// An e-mail, phone or address with its kind, for `appleGroups`.
    public static func groupKey(_ property: String, _ value: String, _ type: String?) -> String { "\(property)\u{1}\(value)\u{1}\(type ?? "")" }

    /// A `groupKey` without its value: the property and the type.
    static func kindOfGroupKey(_ key: String) -> String {
        let parts = key.split(separator: "\u{1}", omittingEmptySubsequences: false)
        return "\(parts.first ?? "")\u{1}\(parts.last ?? "")"
    }

    /// True when a card no export of Tend's wrote (it has no `X-TEND-SYNC`) says what `written`,
    /// the card Tend would write in its place, says, as Tend reads both: the same name, e-mails,
    /// phones and addresses with their kinds and order, tags, dates, fields and note lines. What
    /// such a card cannot say is set aside: the handle and creation day Tend gave its contact on
    /// import, and the UID made from the file's name when it has none. Such a card is left as
    /// the program that wrote it wrote it, until Tend has something to change in it.
    public static func saysTheSame(_ card: [UInt8], as written: String) -> Bool {
        guard !rawProperties(card).contains(where: { $0.0.name == syncProperty }),
            let old = try? read(card).contacts, old.count == 1,
            let new = try? read(Array(written.utf8)).contacts, new.count == 1
        else { return false }
        // Read as an import takes it: a value the card gives twice is once.
        var a = old[0]
        a.dropRepeatedPoints()
        var b = new[0]
        for name in ["created", "uid"] where a.fields[name] == nil { b.fields[name] = nil }
        // Tend writes the note lines another property stands for after its NOTE.
        func lines(_ notes: [String]) -> [String] { notes.flatMap { $0.split(separator: "\n").map(String.init) }.sorted() }
        return a.name == b.name && a.emails == b.emails && a.phones == b.phones && a.addresses == b.addresses && a.tags == b.tags
            && a.dates == b.dates && a.fields == b.fields && lines(a.notes) == lines(b.notes) && (a.handle == nil || a.handle == b.handle)
    }

    /// A binary property as 3.0 writes it inline: as it was, unless written as 2.1 writes it
    /// (`ENCODING=BASE64`, a bare `JPEG`); then `ENCODING=b` with its format as a TYPE.
    static func inline30(_ p: Property, _ raw: String) -> String {
        guard p.param("ENCODING").contains(where: { $0.lowercased() == "base64" }) || p.params[""] != nil else { return raw }
        let format = p.types.first { !["pref", "work", "home", "b", "base64"].contains($0) }.map { String($0.split(separator: "/").last ?? "") }
        let data = p.value.filter { !$0.isWhitespace }
        // Its group as the card spells it, its other parameters kept.
        let group = spelledGroup(p, raw)
        var line = group + p.name + ";ENCODING=b" + (format.map { ";TYPE=" + $0.uppercased() } ?? "")
        for key in p.params.keys.sorted() where !["", "ENCODING", "TYPE"].contains(key) {
            line += ";\(key)=" + paramValues(p.params[key]!)
        }
        return line + ":" + data
    }

    /// The property's group and its dot as the card spells it (parseLine gives it in capitals;
    /// Apple writes `item1`); empty without one.
    static func spelledGroup(_ p: Property, _ raw: String) -> String {
        p.group.map { g in String(raw.drop { $0 == " " || $0 == "\t" }.prefix(g.count)) + "." } ?? ""
    }

    /// A parameter's values as a content line writes them, one with `,;:` in double quotes.
    static func paramValues(_ values: [String]) -> String {
        values.map { v in v.contains { ",;:".contains($0) } ? "\"\(v.replacingOccurrences(of: "\"", with: "'"))\"" : v }.joined(separator: ",")
    }

    /// An inline binary value of vCard 3.0 or 2.1 (`PHOTO;ENCODING=b;TYPE=JPEG:…`) as a 4.0 card
    /// writes it, a data URI (`PHOTO:data:image/jpeg;base64,…`): 4.0 has no ENCODING.
    static func dataURI(_ p: Property) -> String {
        let kinds = ["PHOTO": "image", "LOGO": "image", "SOUND": "audio"]
        let format = p.types.first { !["pref", "work", "home", "b", "base64"].contains($0) }
        let media = format.map { $0.contains("/") ? $0 : "\(kinds[p.name] ?? "application")/\($0 == "jpg" ? "jpeg" : $0)" } ?? "application/octet-stream"
        let data = p.value.filter { !$0.isWhitespace }
        return (p.group.map { $0 + "." } ?? "") + p.name + ":data:" + media + ";base64," + data
    }

    /// The UID a card gives, read line by line: found also in a card that does not read whole
    /// (a date off the calendar), so that an export does not write a second card with it. Read
    /// as the reader reads it (unescaped, then made storable), or a UID with `\n` in it was two.
    public static func uid(inCard bytes: [UInt8]) -> String? {
        rawProperties(bytes).first { $0.0.name == "UID" }.flatMap { p in
            let v = unescape(p.0.value).trimmed
            return v.isEmpty ? nil : ContactUID.storable(v)
        }
    }

    /// The properties of a file's first card, each with its content line (unfolded).
    static func rawProperties(_ bytes: [UInt8]) -> [(Property, String)] {
        guard let utf8 = try? TextEncoding.unicode(bytes, what: "file") else { return [] }
        var props: [(Property, String)] = []
        var inCard = false
        let lines = contentLines(utf8)
        let version21 = lines.lazy.compactMap { parseLine($0.0, $0.1) }.first { $0.name == "VERSION" }?.value.trimmed == "2.1"
        for (line, number) in lines {
            guard let p = parseLine(line, number) else { continue }
            if p.name == "BEGIN" { inCard = true }
            if p.name == "END" && inCard { break }
            if inCard && p.name != "BEGIN" { props.append((p, carried(p, String(decoding: line, as: UTF8.self), version21: version21))) }
        }
        return props
    }

    /// A property's line as the 3.0 or 4.0 card written in its place carries it: as it was, unless
    /// it is written as vCard 2.1 writes (a CHARSET, QUOTED-PRINTABLE, bare types) or was not
    /// UTF-8; then it is written again from its decoded value, in UTF-8 as the card is (copied as
    /// it was, its bytes would be read as UTF-8, and quoted-printable is no encoding of either).
    static func carried(_ p: Property, _ raw: String, version21: Bool) -> String {
        let encodings = p.param("ENCODING") + (p.params[""] ?? [])
        let legacy =
            p.params["CHARSET"] != nil || p.params[""] != nil || raw.contains("\u{FFFD}")
            || encodings.contains { ["QUOTED-PRINTABLE", "8BIT", "7BIT"].contains($0.uppercased()) }
            || (version21 && p.param("VALUE").contains { $0.uppercased() == "URL" })
        guard legacy, !p.isBinary else { return raw }
        var params = p.params
        params["CHARSET"] = nil
        params["ENCODING"] = nil
        // 2.1's `VALUE=URL` is `VALUE=uri` since 3.0.
        if let values = params["VALUE"] { params["VALUE"] = values.map { $0.uppercased() == "URL" ? "uri" : $0 } }
        let bare = (params.removeValue(forKey: "") ?? []).filter { !["QUOTED-PRINTABLE", "8BIT", "7BIT"].contains($0.uppercased()) }
        if !bare.isEmpty { params["TYPE", default: []] += bare.map { $0.lowercased() } }
        let group = spelledGroup(p, raw)
        var line = group + p.name
        for key in params.keys.sorted() { line += ";\(key)=\(paramValues(params[key]!))" }
        // A line break decoded from quoted-printable is written as vCard writes one. A 3.0 value
        // keeps its escapes, which are 4.0's; a 2.1 one escapes only `;`, so each of its parts
        // is escaped again as 4.0 escapes them (a `,` in "Jr., MD" would part two suffixes).
        guard version21 else { return line + ":" + p.value.replacingOccurrences(of: "\n", with: "\\n") }
        let parts = split(p.value, on: ";").map(escape)
        return line + ":" + parts.joined(separator: ";")
    }

    /// The lines of a card that a card written in its place keeps as they were, so that a phone
    /// shows what it had: N (with its prefix, middle name and suffix) while the contact's name is
    /// the one the card gives, ORG (with its departments) while the company is the card's and
    /// its `department:` line is still in the notes, CATEGORIES while they read as the contact's
    /// tags (the phone's groups keep their names: "Golf Club", not golf-club), BDAY while it reads
    /// as the contact's birthday (Apple's year-less 1604 form), and each TEL and EMAIL that reads
    /// as one of the contact's, with its kind (by `pointKey`). Returns the lines by property
    /// name and the note lines they stand for.
    public static func unchangedLines(_ bytes: [UInt8], of c: Contact) -> (lines: [String: String], noteLines: [String]) {
        let props = rawProperties(bytes)
        var warnings: [ImportError] = []
        var lines: [String: String] = [:]
        var noteLines: [String] = []
        /// The property read on its own, as on a card of Tend's when `asTendCard` (an older Apple
        /// card's year 1604 is none, a year on Tend's).
        func alone(_ p: Property, asTendCard: Bool = false) -> ImportedContact {
            var card = ImportedContact(origin: "", name: "")
            if asTendCard { card.handle = c.handle }
            try? read(p, unescape(p.value).trimmed, label: nil, hasAddress: false, into: &card)
            return card
        }
        // A UID Tend stores in another form (one with a tab or a line break in it) is written
        // as the card gave it: a server refuses a stored card whose UID changed.
        if let (p, line) = props.first(where: { $0.0.name == "UID" }), let stored = c.uid, ContactUID.storable(unescape(p.value).trimmed) == stored {
            lines["UID"] = line
        }
        // An empty N (a company's card) is kept only while the card is a company's own: a person's
        // card without N and without its company showed as "No Name".
        let companysOwn = c.company == c.name && c.title == nil
        if let n = props.first(where: { $0.0.name == "N" }), (try? named(props.map(\.0), origin: "", warnings: &warnings))?.name == c.name,
            companysOwn || unescape(n.0.value).contains(where: { $0 != ";" && !$0.isWhitespace })
        {
            lines["N"] = n.1
        }
        // The line that says so, as the card has it, written where Tend writes its own.
        if companysOwn, let kind = props.first(where: { p, _ in p.group == nil && saysCompany(p) }) {
            lines["KIND"] = kind.1
        }
        if let org = props.first(where: { $0.0.name == "ORG" }), let company = c.company {
            let card = alone(org.0)
            let notes = Set((c.notes ?? "").split(separator: "\n").map(String.init))
            if card[text: "company"] == company, card.notes.allSatisfy(notes.contains) {
                lines["ORG"] = org.1
                noteLines = card.notes
            }
        }
        /// The property's one line, when it reads (`alone`) as `same` says.
        func kept(_ name: String, asTendCard: Bool = false, _ same: (ImportedContact) -> Bool) {
            let found = props.filter { $0.0.name == name }
            guard found.count == 1, let (p, line) = found.first else { return }
            if same(alone(p, asTendCard: asTendCard)) { lines[name] = line }
        }
        if !c.tags.isEmpty { kept("CATEGORIES") { $0.tags.count == c.tags.count && Set($0.tags) == Set(c.tags) } }
        // A number or an e-mail (outside an Apple group) that reads as one of the contact's, with
        // its kind: as the phone wrote it (a fax's FAX, an iPhone's IPHONE), under what it holds;
        // a line marked preferred only where Tend writes its preferred one.
        for (p, line) in props where (p.name == "TEL" || p.name == "EMAIL") && p.group == nil {
            let card = alone(p)
            let (read, own) = p.name == "TEL" ? (card.phones, c.phones) : (card.emails, c.emails)
            guard read.count == 1, let i = own.firstIndex(of: read[0]), !p.isPreferred || (i == 0 && own.count > 1) else { continue }
            lines[VCard.pointKey(p.name, own[i].value)] = line
        }
        if let birthday = c.birthday {
            // Read as on the card written, which is Tend's.
            kept("BDAY", asTendCard: true) { card in
                if case .date(let d)? = card.fields["birthday"] { return d == birthday }
                return false
            }
        }
        lines.merge(keptDates(props, of: c)) { old, _ in old }
        return (lines, noteLines)
    }

    /// The key of a TEL or EMAIL line `unchangedLines` keeps, by the value it holds.
    static func pointKey(_ property: String, _ value: String) -> String { property + "\u{1F}" + value }

    /// The key of a labelled date's line `unchangedLines` keeps, by its label and date.
    static func dateKey(_ label: String, _ date: Day) -> String { "X-ABDATE\u{1F}\(label)\u{1F}\(date)" }

    /// The lines of labelled dates (`item3.X-ABDATE:--0704`, a Google card's form) that read, as
    /// on Tend's card, as one of the contact's dates under its label, each with its label's
    /// line, by `dateKey`: a date without a year is not rewritten in Apple's year 1604. A date
    /// whose group holds more (a property kept with its label, `item3.X-FOO`) is written anew.
    static func keptDates(_ props: [(Property, String)], of c: Contact) -> [String: String] {
        var labels: [String: (text: String, line: String)] = [:]
        for (p, line) in props where p.name == "X-ABLABEL" { if let g = p.group { labels[g] = (labelText(unescape(p.value)), line) } }
        var inGroup: [String: Int] = [:]
        for (p, _) in props { if let g = p.group { inGroup[g, default: 0] += 1 } }
        let dated = Set(c.dates.map { dateKey($0.label, $0.date) } + (c.anniversary.map { [dateKey("anniversary", $0)] } ?? []))
        var lines: [String: String] = [:]
        for (p, line) in props where p.name == "X-ABDATE" {
            if let g = p.group, inGroup[g, default: 0] > (labels[g] == nil ? 1 : 2) { continue }
            let label = p.group.flatMap { labels[$0] }
            var card = ImportedContact(origin: "", name: "")
            card.handle = c.handle
            try? read(p, unescape(p.value).trimmed, label: label?.text, hasAddress: false, into: &card)
            let date: Day?
            if case .date(let d)? = card.fields["anniversary"] { date = d } else { date = card.dates.first?.date }
            guard let date, case let key = dateKey(label?.text.lowercased() == "anniversary" ? "anniversary" : label?.text ?? "date", date),
                dated.contains(key), lines[key] == nil
            else { continue }
            lines[key] = line
            if let label { lines[key + "\u{1F}label"] = label.line }
        }
        return lines
    }

    // MARK: - Writing

    /// The version a card is written in: 4.0, or 3.0 in place of a phone's 3.0 card (Apple's
    /// Contacts and iCloud pass over a 4.0 card, and mark the address book's sync as failed).
    public enum Version: Sendable, Equatable {
        case v3, v4

        /// The version a card's `VERSION` line gives, when it is 3.0 or 4.0.
        public init?(ofCard bytes: [UInt8]) {
            switch rawProperties(bytes).first(where: { $0.0.name == "VERSION" })?.0.value.trimmed {
            // 2.1 as 3.0, the nearest version Tend writes: its lines are carried in 3.0's forms.
            case "2.1", "3.0": self = .v3
            case "4.0": self = .v4
            default: return nil
            }
        }
    }

    /// A vCard 4.0 card (or 3.0, `version`): CRLF line ends, lines folded at 75 octets, values
    /// escaped. Every stored field is written: standard properties where they exist, `X-TEND-…`
    /// for the rest. `keeping` holds content lines of the card it replaces to write as they were
    /// (`unchangedLines`). `groups` gives an e-mail, phone or address the Apple group and label
    /// it had (`appleGroups`). A 3.0 card says what only 4.0 has as Apple's address book does:
    /// an anniversary as a labelled `X-ABDATE`, a date without a year in the year 1604, a
    /// company's own card with `X-ABShowAs`, a number as plain text, the preferred one by `TYPE=pref`.
    /// `reservedGroups` are groups (in lowercase) of lines written after the card's (those kept
    /// from the card it replaces): Tend's own groups for dates take other names.
    public static func write(
        _ c: Contact, keeping: [String: String] = [:], groups: [String: AppleGroup] = [:], version: Version = .v4, reservedGroups: Set<String> = []
    ) -> String {
        var lines = ["BEGIN:VCARD", version == .v3 ? "VERSION:3.0" : "VERSION:4.0"]
        lines.append("FN:" + escape(c.name))
        // A company's own card (a freelancer's company named after them has their title) says
        // so whatever the card it replaces said: the phone shows it by its company.
        let companysOwn = c.company == c.name && c.title == nil
        if companysOwn { lines.append(keeping["KIND"] ?? (version == .v3 ? "X-ABShowAs:COMPANY" : "KIND:org")) }
        if let n = keeping["N"] {
            lines.append(n)
        } else if companysOwn {
            lines.append("N:;;;;")
        } else {
            let n = NameParts(c.name)
            lines.append("N:\(escape(n.family));\(escape(n.given));;\(escape(n.prefix));\(escape(n.suffix))")
        }
        // An item Tend changed the value of takes a group no item kept, of its kind and type,
        // in the card's order: the phone's label goes on naming the address whose city changed.
        let keys = Set(
            c.emails.map { groupKey("EMAIL", $0.value, $0.type) } + c.phones.map { groupKey("TEL", $0.value, $0.type) }
                + c.addresses.map { groupKey("ADR", $0.description, $0.type) })
        var spare: [String: [AppleGroup]] = [:]
        for (key, g) in groups where !keys.contains(key) { spare[kindOfGroupKey(key), default: []].append(g) }
        for k in spare.keys { spare[k]!.sort { $0.order < $1.order } }
        // A number or an e-mail takes a spare group only as the one edit of its kind (one gone,
        // one new): a removed phone's label went to an unrelated new number. An address takes
        // one that shares its street, city or postcode.
        var new: [String: Int] = [:]
        for key in keys where groups[key] == nil { new[kindOfGroupKey(key), default: 0] += 1 }
        let edits = Set(spare.filter { $0.value.count == 1 && new[$0.key] == 1 }.keys)
        func grouped(_ key: String, _ line: String, of address: PostalAddress? = nil) -> [String] {
            var found = groups[key]
            if found == nil, var left = spare[kindOfGroupKey(key)], let i = left.firstIndex(where: { g in
                guard let old = g.address, let address else { return edits.contains(kindOfGroupKey(key)) }
                return [(old.street, address.street), (old.city, address.city), (old.postcode, address.postcode)].contains { $0.0 != nil && $0.0 == $0.1 }
            }) {
                found = left.remove(at: i)
                spare[kindOfGroupKey(key)] = left
            }
            guard let g = found else { return [line] }
            return [g.group + "." + line] + (g.label.map { [$0] } ?? [])
        }
        // A TYPE only where the kind is known; PREF=1 marks the preferred one of several.
        for (i, e) in c.emails.enumerated() {
            lines += grouped(
                groupKey("EMAIL", e.value, e.type),
                keeping[pointKey("EMAIL", e.value)] ?? "EMAIL" + params(e.type, preferred: i == 0 && c.emails.count > 1, version) + ":" + escape(e.value))
        }
        for (i, p) in c.phones.enumerated() {
            lines += grouped(
                groupKey("TEL", p.value, p.type),
                keeping[pointKey("TEL", p.value)] ?? telephone(p.value, params: params(p.type, preferred: i == 0 && c.phones.count > 1, version), version))
        }
        for (i, a) in c.addresses.enumerated() {
            let parts = ["", ""] + PostalAddress.parts.map { escape(a[part: $0] ?? "") }
            lines += grouped(
                groupKey("ADR", a.description, a.type),
                "ADR" + params(a.type, preferred: i == 0 && c.addresses.count > 1, version) + ":" + parts.joined(separator: ";"), of: a)
        }
        if !c.tags.isEmpty { lines.append(keeping["CATEGORIES"] ?? "CATEGORIES:" + c.tags.map(escape).joined(separator: ",")) }
        if let v = c.notes { lines.append("NOTE:" + escape(v)) }
        lines.append("X-TEND-HANDLE:" + escape(c.handle))
        lines += dateLines(c, keeping: keeping, taken: reservedGroups.union(groups.values.map { $0.group.lowercased() }), version)
        for f in ContactFields.all {
            guard let v = f.get(c), !v.isBlank else { continue }
            switch (f.vcardProperty, v) {
            case ("ORG"?, .text(let s)): lines.append(keeping["ORG"] ?? "ORG:" + escape(s))
            case ("TITLE"?, .text(let s)): lines.append("TITLE:" + escape(s))
            case ("UID"?, .text(let s)): lines.append(keeping["UID"] ?? "UID:" + escape(s))
            case ("ANNIVERSARY"?, .date) where version == .v3:
                continue
            case (let property?, .date(let d)) where version == .v3:
                let (omit, value) = appleDate(d)
                lines.append(keeping[property] ?? "\(property)\(omit):\(value)")
            case (let property?, .date(let d)): lines.append(keeping[property] ?? property + ":" + ImportantDate.vcard(d))
            case (_, .list(let items)): lines.append(f.extendedProperty + ":" + items.map(escape).joined(separator: ","))
            default: lines.append(f.extendedProperty + ":" + escape(ContactFields.text(v, listSeparator: ",")))
            }
        }
        lines.append("END:VCARD")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// The anniversary (on a 3.0 card) and the named dates as labelled `X-ABDATE`s: as the card
    /// had them when `unchangedLines` kept them, else in groups of Tend's that never take a
    /// name in `taken` (an item's of the card, `tend0.EMAIL`) or a kept date's.
    static func dateLines(_ c: Contact, keeping: [String: String], taken: Set<String>, _ version: Version) -> [String] {
        let taken = taken.union(
            keeping.filter { $0.key.hasPrefix("X-ABDATE\u{1F}") }.values.compactMap { line in
                let name = line.prefix { !".;:".contains($0) }
                return line.dropFirst(name.count).first == "." ? name.trimmed.lowercased() : nil
            })
        var given = Set<String>()
        func group(_ n: Int) -> String {
            var k = n
            while taken.contains("tend\(k)") || given.contains("tend\(k)") { k += 1 }
            given.insert("tend\(k)")
            return "tend\(k)"
        }
        // Each kept line once: an anniversary and a date labelled "anniversary" of one day have one key.
        var used = Set<String>()
        func kept(_ label: String, _ d: Day) -> [String]? {
            let key = dateKey(label, d)
            guard used.insert(key).inserted else { return nil }
            return keeping[key].map { [$0] + (keeping[key + "\u{1F}label"].map { [$0] } ?? []) }
        }
        var lines: [String] = []
        // A 3.0 card's anniversary is a labelled date, read as the anniversary when it comes
        // before a date of the user's own labelled "anniversary".
        if version == .v3, let d = c.anniversary {
            if let kept = kept("anniversary", d) {
                lines += kept
            } else {
                let (omit, value) = appleDate(d)
                let g = group(0)
                lines += ["\(g).X-ABDATE\(omit):\(value)", "\(g).X-ABLabel:_$!<Anniversary>!$_"]
            }
        }
        for (i, d) in c.dates.enumerated() {
            lines += kept(d.label, d.date) ?? namedDates([d], group: { _ in group(i + 1) })
        }
        return lines
    }

    /// Named dates as Apple's address book writes them, which khard, Evolution and CardDAV
    /// servers keep: a grouped `X-ABDATE` and its `X-ABLabel`; a date without a year in
    /// Apple's year 1604, said with `X-APPLE-OMIT-YEAR`.
    static func namedDates(_ dates: [NamedDate], group: (Int) -> String = { "tend\($0 + 1)" }) -> [String] {
        dates.enumerated().flatMap { i, d in
            let (omit, value) = appleDate(d.date)
            let g = group(i)
            return ["\(g).X-ABDATE\(omit):\(value)", "\(g).X-ABLabel:" + (appleDateLabels[d.label.lowercased()] ?? escape(d.label))]
        }
    }

    /// The labels of dates Apple's address book has built in, as it writes them: read as
    /// "anniversary" and "other", written back so, not as labels of the user's own.
    static let appleDateLabels = ["anniversary": "_$!<Anniversary>!$_", "other": "_$!<Other>!$_"]

    /// A date as Apple writes one: `1980-04-12`, or without a year `1604-04-12` said with the
    /// parameter `;X-APPLE-OMIT-YEAR=1604`.
    static func appleDate(_ d: Day) -> (parameter: String, value: String) {
        guard d.isYearless else { return ("", d.description) }
        return (";X-APPLE-OMIT-YEAR=\(Day.appleYearlessYear)", "\(Day.appleYearlessYear)" + d.description.dropFirst(1))
    }

    /// A phone as vCard 4.0 has it: a `tel:` URI when the number is a valid global number of
    /// RFC 3966 (`+`, digits, and the separators `-.()`), else text, exactly as stored:
    ///
    ///     +1-415-555-0199  →  TEL;VALUE=uri:tel:+1-415-555-0199
    ///     (415) 555-0199   →  TEL;VALUE=text:(415) 555-0199
    static func telephone(_ number: String, params: String = "", _ version: Version = .v4) -> String {
        // 3.0's TEL is the number as text.
        if version == .v3 { return "TEL\(params):" + escape(number) }
        let body = number.utf8.dropFirst()
        let global =
            number.utf8.first == UInt8(ascii: "+") && body.contains { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            && body.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || "-.()".utf8.contains($0) }
        return global ? "TEL;VALUE=uri\(params):tel:" + number : "TEL;VALUE=text\(params):" + escape(number)
    }

    /// `;TYPE=work;PREF=1` (3.0: `;TYPE=work,pref`): a mobile is vCard's `cell`.
    static func params(_ type: String?, preferred: Bool, _ version: Version = .v4) -> String {
        let types = (type.map { [$0 == "mobile" ? "cell" : $0] } ?? []) + (preferred && version == .v3 ? ["pref"] : [])
        return (types.isEmpty ? "" : ";TYPE=" + types.joined(separator: ",")) + (preferred && version == .v4 ? ";PREF=1" : "")
    }

    /// A TEXT value (RFC 6350 §3.4, RFC 5545 §3.3.11): backslash, comma, semicolon and line
    /// break escaped; the other C0 controls and DEL, which neither grammar allows, left out, and
    /// the C1 controls (U+0080–U+009F; U+009B is CSI on terminals that read 8-bit controls),
    /// which no text means.
    static func escape(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        // Blanks at a value's ends are left out, as readers (Tend's among them) drop them: the
        // file then reads back to itself.
        let scalars = Array(s.trimmed.unicodeScalars)
        for (i, c) in scalars.enumerated() {
            switch c {
            case "\\": out += "\\\\".unicodeScalars
            case ",": out += "\\,".unicodeScalars
            case ";": out += "\\;".unicodeScalars
            case "\n": out += "\\n".unicodeScalars
            // A carriage return alone is a line break too (it was left out, joining the lines).
            case "\r": if i + 1 == scalars.count || scalars[i + 1] != "\n" { out += "\\n".unicodeScalars }
            default: if c == "\t" || (c.value >= 0x20 && !(0x7F...0x9F).contains(c.value)) { out.append(c) }
            }
        }
        return String(out)
    }

    /// Folds a line at 75 octets without splitting a UTF-8 sequence (RFC 6350 §3.2).
    public static func fold(_ line: String) -> String {
        var out = ""
        var width = 0
        for scalar in line.unicodeScalars {
            let n = String(scalar).utf8.count
            if width + n > 75 {
                out += "\r\n "
                width = 1
            }
            out.unicodeScalars.append(scalar)
            width += n
        }
        return out
    }
}

/// A run of cards one thread of `VCard.read` fills.
private final class CardRunBox: @unchecked Sendable {
    var run: VCard.CardRun
    init(_ run: VCard.CardRun) { self.run = run }
}
