import Foundation
import TendCore

/// vCard 2.1, 3.0 and 4.0 (RFC 6350): folded lines, escapes, parameters, groups,
/// QUOTED-PRINTABLE and CHARSET in 2.1. Reading never crashes on bad input: a bad card becomes an
/// error that names the card and line.
public enum VCard {
    /// A content line: `[group.]NAME;PARAM=a,b:value`.
    struct Property {
        var name: String
        var params: [String: [String]]
        var value: String
        var line: Int
        func param(_ key: String) -> [String] { params[key] ?? [] }
        var types: [String] { (param("TYPE") + (params[""] ?? [])).map { $0.lowercased() } }
    }

    /// Reads every card of a file.
    public static func read(_ bytes: [UInt8]) throws -> ImportBatch {
        // 2.1 files may be in another charset; decode as UTF-8, else as Latin-1 when a card says so.
        let text: String
        do {
            text = try decodeText(bytes, what: "file")
        } catch let e as ImportError where e.message.hasPrefix("invalid UTF-8") {
            let head = String(decoding: bytes.prefix(8192), as: UTF8.self).uppercased()
            guard head.contains("CHARSET=ISO-8859-1") || head.contains("CHARSET=WINDOWS-1252") else { throw e }
            text = String(bytes.map { Character(Unicode.Scalar($0)) })
        }
        var batch = ImportBatch()
        var card: [Property]?
        var cardLine = 0
        var cardNumber = 0
        for (line, number) in unfold(text) {
            // Most lines start with a letter: only the others can be blank.
            if let first = line.utf8.first, first > 0x20, first < 0x80 {
            } else if line.trimmed.isEmpty {
                continue
            }
            guard let p = parseLine(line, number) else {
                if card != nil {
                    batch.errors.append(
                        ImportError("card \(cardNumber) (line \(number))", "expected NAME:VALUE, found \(String(line.prefix(40)).debugDescription)"))
                    card = nil
                } else {
                    batch.errors.append(ImportError("line \(number)", "not a vCard line (expected BEGIN:VCARD)"))
                }
                continue
            }
            switch (p.name, p.name == "BEGIN" || p.name == "END" ? p.value.uppercased() : "") {
            case ("BEGIN", "VCARD"):
                if card != nil { batch.errors.append(ImportError("card \(cardNumber) (line \(cardLine))", "no END:VCARD before the next BEGIN")) }
                cardNumber += 1
                card = []
                cardLine = number
            case ("END", "VCARD"):
                guard let props = card else {
                    batch.errors.append(ImportError("line \(number)", "END:VCARD without BEGIN:VCARD"))
                    continue
                }
                let origin = "card \(cardNumber) (line \(cardLine))"
                do { batch.contacts.append(try contact(props, origin: origin)) } catch let e as ImportError { batch.errors.append(e) }
                card = nil
            default:
                if card == nil {
                    batch.errors.append(ImportError("line \(number)", "\(p.name) outside BEGIN:VCARD … END:VCARD"))
                } else {
                    card!.append(p)
                }
            }
        }
        if card != nil { batch.errors.append(ImportError("card \(cardNumber) (line \(cardLine))", "the file ends before END:VCARD")) }
        if cardNumber == 0 && batch.errors.isEmpty { batch.errors.append(ImportError("file", "no BEGIN:VCARD: this is not a vCard file")) }
        return batch
    }

    /// Joins folded lines (CRLF or LF followed by a space or tab) and 2.1 soft line breaks.
    static func unfold(_ text: String) -> [(String, Int)] {
        var out: [(String, Int)] = []
        var number = 0
        var lastQP = false
        // Split the bytes: "\r\n" is one Character in Swift, so splitting Characters would miss it;
        // a plain loop over the contiguous bytes (the generic split was a twentieth of an import).
        var text = text
        let lines: [String] = text.withUTF8 { buf in
            var out: [String] = []
            var start = 0
            for i in 0...buf.count where i == buf.count || buf[i] == UInt8(ascii: "\n") {
                var end = i
                if end > start, buf[end - 1] == UInt8(ascii: "\r") { end -= 1 }
                out.append(String(decoding: UnsafeBufferPointer(rebasing: buf[start..<end]), as: UTF8.self))
                start = i + 1
            }
            return out
        }
        for line in lines {
            number += 1
            if let first = line.utf8.first, first == UInt8(ascii: " ") || first == UInt8(ascii: "\t"), !out.isEmpty {
                out[out.count - 1].0 += String(decoding: line.utf8.dropFirst(), as: UTF8.self)
                continue
            }
            if lastQP, !out.isEmpty {
                out[out.count - 1].0 += line
            } else {
                out.append((line, number))
            }
            // QUOTED-PRINTABLE: a trailing "=" continues on the next line.
            lastQP = out[out.count - 1].0.utf8.last == UInt8(ascii: "=") && out[out.count - 1].0.uppercased().contains("QUOTED-PRINTABLE")
            if lastQP { out[out.count - 1].0.removeLast() }
        }
        return out
    }

    /// Splits a content line into name, parameters and value; nil when it has no colon.
    /// Works on the UTF-8 bytes: every delimiter is ASCII, so byte positions are valid indices.
    static func parseLine(_ line: String, _ number: Int) -> Property? {
        let u = line.utf8
        var inQuotes = false
        var colon: String.Index?
        var parts: [Substring] = []
        var partStart = u.startIndex
        var quoted = false
        for i in u.indices {
            let b = u[i]
            if b == UInt8(ascii: "\"") {
                inQuotes.toggle()
                quoted = true
            } else if !inQuotes && (b == UInt8(ascii: ":") || b == UInt8(ascii: ";")) {
                parts.append(line[partStart..<i])
                partStart = u.index(after: i)
                if b == UInt8(ascii: ":") {
                    colon = i
                    break
                }
            }
        }
        guard let colon else { return nil }
        var value = String(line[u.index(after: colon)...])
        func text(_ part: Substring) -> String {
            quoted ? part.replacingOccurrences(of: "\"", with: "") : String(part)
        }
        var name = parts[0].uppercased()
        if let dot = name.utf8.lastIndex(of: UInt8(ascii: ".")) { name = String(name[name.utf8.index(after: dot)...]) }  // item1.EMAIL
        guard !name.isEmpty,
            name.utf8.allSatisfy({ b in
                (b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) || b == UInt8(ascii: "-")
            })
        else { return nil }
        var params: [String: [String]] = [:]
        for p in parts.dropFirst() {
            if let eq = p.utf8.firstIndex(of: UInt8(ascii: "=")) {
                let key = p[..<eq].uppercased()
                params[key, default: []] += text(p[p.utf8.index(after: eq)...]).split(separator: ",").map(String.init)
            } else {
                params["", default: []].append(text(p))  // 2.1: bare TYPE values (TEL;WORK;VOICE)
            }
        }
        if !params.isEmpty {
            let encoding = (params["ENCODING"]?.first ?? params[""]?.first { ["QUOTED-PRINTABLE", "BASE64", "B"].contains($0.uppercased()) } ?? "")
                .uppercased()
            if encoding == "QUOTED-PRINTABLE" {
                value = quotedPrintable(value, charset: params["CHARSET"]?.first)
            }
        }
        return Property(name: name, params: params, value: value, line: number)
    }

    static func quotedPrintable(_ s: String, charset: String?) -> String {
        var bytes: [UInt8] = []
        var it = Array(s.utf8)[...]
        while let b = it.first {
            it = it.dropFirst()
            if b == UInt8(ascii: "="), it.count >= 2, let v = UInt8(String(decoding: it.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(v)
                it = it.dropFirst(2)
            } else {
                bytes.append(b)
            }
        }
        if let cs = charset?.uppercased(), cs.hasPrefix("ISO-8859-1") || cs == "WINDOWS-1252" || cs == "LATIN1" {
            return String(bytes.map { Character(Unicode.Scalar($0)) })
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Splits on an unescaped separator, then unescapes each part.
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

    static func unescape(_ s: String) -> String {
        guard s.utf8.contains(UInt8(ascii: "\\")) else { return s }
        var out = ""
        var escaped = false
        for c in s {
            if escaped {
                switch c {
                case "n", "N": out.append("\n")
                default: out.append(c)
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

    /// Tend's fields without a standard property: `X-TEND-NEXT-STEP` → next_step.
    static let extended: [String: ContactField] = Dictionary(
        uniqueKeysWithValues: ContactFields.all.filter { $0.vcardProperty == nil }.map { ($0.extendedProperty, $0) })

    static func contact(_ props: [Property], origin: String) throws -> ImportedContact {
        let fn = props.first { $0.name == "FN" }.map { unescape($0.value).trimmed }
        var name = fn ?? ""
        if name.isEmpty, let n = props.first(where: { $0.name == "N" }) {
            let parts = split(n.value, on: ";")
            let family = parts.first ?? ""
            let given = parts.count > 1 ? parts[1] : ""
            let middle = parts.count > 2 ? parts[2] : ""
            name = [parts.count > 3 ? parts[3] : "", given, middle, family, parts.count > 4 ? parts[4] : ""]
                .filter { !$0.isEmpty }.joined(separator: " ")
        }
        if name.isEmpty, let org = props.first(where: { $0.name == "ORG" }) { name = split(org.value, on: ";").first ?? "" }
        guard !name.isEmpty else { throw ImportError(origin, field: "FN", "the card has no name (FN or N)") }
        var c = ImportedContact(origin: origin, name: name)
        for p in props {
            let v = unescape(p.value).trimmed
            if let f = extended[p.name] {
                // A list keeps its escapes until it is split on its unescaped commas.
                try c.read(f.name, f.kind == .list ? p.value : v, listSeparator: ",", label: p.name)
                continue
            }
            switch p.name {
            case "FN", "N", "VERSION", "PRODID", "REV", "PHOTO", "LOGO", "SOUND", "KEY", "KIND", "SOURCE", "CLIENTPIDMAP":
                continue
            case "UID": if !v.isEmpty { c.uid = v }
            case "ORG":
                let parts = split(p.value, on: ";").filter { !$0.isEmpty }
                if c.fields["company"] == nil { c[text: "company"] = parts.first }
                if parts.count > 1 { c.notes.append("department: " + parts.dropFirst().joined(separator: ", ")) }
            case "TITLE": if c.fields["title"] == nil, !v.isEmpty { c[text: "title"] = v }
            case "ROLE": if !v.isEmpty { c.notes.append("role: \(v)") }
            case "EMAIL":
                if !v.isEmpty {
                    if p.types.contains("pref") || p.param("PREF").first == "1" { c.emails.insert(v, at: 0) } else { c.emails.append(v) }
                }
            case "TEL":
                let number = v.hasPrefix("tel:") ? String(v.dropFirst(4)) : v
                if !number.isEmpty {
                    if p.types.contains("pref") || p.param("PREF").first == "1" { c.phones.insert(number, at: 0) } else { c.phones.append(number) }
                }
            case "ADR":
                let parts = split(p.value, on: ";")
                if c.fields["city"] == nil, parts.count > 3, !parts[3].isEmpty { c[text: "city"] = parts[3] }
                let address = parts.filter { !$0.isEmpty }.joined(separator: ", ")
                // An address that is only the city is kept as the city alone.
                let onlyCity = parts.enumerated().allSatisfy { $0.offset == 3 || $0.element.isEmpty }
                if !address.isEmpty && !onlyCity {
                    c.notes.append("address\(p.types.isEmpty ? "" : " (\(p.types.joined(separator: ", ")))"): \(address)")
                }
            case "NOTE": if !v.isEmpty { c.notes.append(v) }
            case "CATEGORIES":
                for t in split(p.value, on: ",") {
                    let tag = tagName(t.trimmed)
                    if !t.trimmed.isEmpty, !c.tags.contains(tag) { c.tags.append(tag) }
                }
            case "BDAY": if !v.isEmpty { c.notes.append("birthday: \(v)") }
            case "ANNIVERSARY": if !v.isEmpty { c.notes.append("anniversary: \(v)") }
            case "URL": if !v.isEmpty { c.notes.append("url: \(v)") }
            case "X-TEND-HANDLE": c.handle = v
            default:
                // Apple's labels and unique ids (X-ABLABEL, X-ABUID, …) describe other lines; they are not data.
                if p.name.hasPrefix("X-AB") { continue }
                if !v.isEmpty { c.notes.append("\(p.name.lowercased()): \(v)") }
            }
        }
        return c
    }

    // MARK: - Writing

    /// A vCard 4.0 card: CRLF line ends, lines folded at 75 octets, values escaped. Every stored
    /// field is written: standard properties where they exist, `X-TEND-…` for the rest.
    public static func write(_ c: Contact) -> String {
        var lines = ["BEGIN:VCARD", "VERSION:4.0"]
        lines.append("FN:" + escape(c.name))
        let words = c.name.split(separator: " ").map(String.init)
        let family = words.count > 1 ? words.last! : ""
        let given = words.count > 1 ? words.dropLast().joined(separator: " ") : c.name
        lines.append("N:\(escape(family));\(escape(given));;;")
        // One e-mail field, whose kind (home, work) Tend does not know: no TYPE is claimed.
        if let v = c.email { lines.append("EMAIL:" + escape(v)) }
        if let v = c.phone { lines.append(telephone(v)) }
        if !c.tags.isEmpty { lines.append("CATEGORIES:" + c.tags.map(escape).joined(separator: ",")) }
        if let v = c.notes { lines.append("NOTE:" + escape(v)) }
        lines.append("X-TEND-HANDLE:" + escape(c.handle))
        for f in ContactFields.all {
            guard let v = f.get(c), !v.isBlank else { continue }
            switch (f.vcardProperty, v) {
            case ("ORG"?, .text(let s)): lines.append("ORG:" + escape(s))
            case ("TITLE"?, .text(let s)): lines.append("TITLE:" + escape(s))
            case ("ADR"?, .text(let s)): lines.append("ADR:;;;\(escape(s));;;")
            case (_, .list(let items)): lines.append(f.extendedProperty + ":" + items.map(escape).joined(separator: ","))
            default: lines.append(f.extendedProperty + ":" + escape(ContactFields.text(v, listSeparator: ",")))
            }
        }
        lines.append("END:VCARD")
        return lines.map(fold).joined(separator: "\r\n") + "\r\n"
    }

    /// A phone as vCard 4.0 has it: a `tel:` URI when the number is a valid global number of
    /// RFC 3966 (`+`, digits, and the separators `-.()`), else text, exactly as stored:
    ///
    ///     +1-415-555-0199  →  TEL;VALUE=uri:tel:+1-415-555-0199
    ///     (415) 555-0199   →  TEL;VALUE=text:(415) 555-0199
    static func telephone(_ number: String) -> String {
        let body = number.utf8.dropFirst()
        let global =
            number.utf8.first == UInt8(ascii: "+") && body.contains { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
            && body.allSatisfy { ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || "-.()".utf8.contains($0) }
        return global ? "TEL;VALUE=uri:tel:" + number : "TEL;VALUE=text:" + escape(number)
    }

    /// A TEXT value (RFC 6350 §3.4, RFC 5545 §3.3.11): backslash, comma, semicolon and line
    /// break escaped; the other C0 controls and DEL, which neither grammar allows, left out.
    static func escape(_ s: String) -> String {
        var out = String.UnicodeScalarView()
        for c in s.unicodeScalars {
            switch c {
            case "\\": out += "\\\\".unicodeScalars
            case ",": out += "\\,".unicodeScalars
            case ";": out += "\\;".unicodeScalars
            case "\n": out += "\\n".unicodeScalars
            default: if c == "\t" || (c.value >= 0x20 && c.value != 0x7F) { out.append(c) }
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
