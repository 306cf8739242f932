import TendCore

/// A stored field's value as a file carries it.
public enum FieldValue: Equatable, Sendable, CustomStringConvertible {
    case text(String)
    case date(Day)
    case duration(Duration)
    case flag(Bool)
    case list([String])
    case stage(Stage)

    /// A value that says no more than its absence: a flag that is off, the first stage. A
    /// contact "lacks" such a field, and vCard leaves it out.
    public var isBlank: Bool { self == .flag(false) || self == .stage(.contact) }

    /// As an import report shows it.
    public var description: String {
        switch self {
        case .text(let s): return s
        case .date(let d): return d.description
        case .duration(let d): return d.description
        case .flag(let b): return b ? "true" : "false"
        case .list(let items): return items.joined(separator: "; ")
        case .stage(let s): return s.description
        }
    }
}

/// The stored fields of a contact that every format carries the same way, in one table: the
/// CSV columns and JSON keys are their names, vCard writes them as standard properties where
/// one exists (ORG, TITLE) and as `X-TEND-NAME` otherwise, and import merges them field by
/// field. Name, handle, e-mails, phones, addresses, tags and notes are not here: each format
/// reads them its own way (typed lists, tags as labels, notes gathered from other properties).
public struct ContactField: Sendable {
    public enum Kind: Sendable { case text, date, duration, flag, list, stage }
    public let name: String
    public let kind: Kind
    /// The key `export json` writes it under (the schema's name).
    public let jsonKey: String
    /// The vCard property that holds it, when a standard one does.
    public let vcardProperty: String?
    public let get: @Sendable (Contact) -> FieldValue?
    public let set: @Sendable (inout Contact, FieldValue?) -> Void

    /// `X-TEND-NEXT-STEP` for `next_step`.
    public var extendedProperty: String { "X-TEND-" + name.uppercased().replacingOccurrences(of: "_", with: "-") }

    static func text(_ name: String, _ path: WritableKeyPath<Contact, String?> & Sendable, vcard: String? = nil) -> ContactField {
        ContactField(
            name: name, kind: .text, jsonKey: name, vcardProperty: vcard, get: { $0[keyPath: path].map(FieldValue.text) },
            set: { c, v in if case .text(let s)? = v { c[keyPath: path] = s } else { c[keyPath: path] = nil } })
    }

    static func date(_ name: String, _ path: WritableKeyPath<Contact, Day?> & Sendable, vcard: String? = nil) -> ContactField {
        ContactField(
            name: name, kind: .date, jsonKey: name, vcardProperty: vcard, get: { $0[keyPath: path].map(FieldValue.date) },
            set: { c, v in if case .date(let d)? = v { c[keyPath: path] = d } else { c[keyPath: path] = nil } })
    }

    static func flag(_ name: String, _ path: WritableKeyPath<Contact, Bool> & Sendable) -> ContactField {
        ContactField(
            name: name, kind: .flag, jsonKey: name, vcardProperty: nil, get: { .flag($0[keyPath: path]) },
            set: { c, v in c[keyPath: path] = v == .flag(true) })
    }

    static func list(_ name: String) -> ContactField {
        ContactField(
            name: name, kind: .list, jsonKey: name, vcardProperty: nil, get: { $0[list: name].isEmpty ? nil : .list($0[list: name]) },
            set: { c, v in if case .list(let items)? = v { c[list: name] = items } else { c[list: name] = [] } })
    }
}

public enum ContactFields {
    /// In the order CSV columns and vCard properties are written.
    public static let all: [ContactField] = [
        .text("company", \.company, vcard: "ORG"), .text("title", \.title, vcard: "TITLE"), .text("profession", \.profession),
        .text("met_at", \.metAt), .date("met_on", \.metOn), .text("relationship", \.relationship),
        .flag("internal", \.isInternal),
        ContactField(
            name: "stage", kind: .stage, jsonKey: "stage", vcardProperty: nil, get: { .stage($0.stage) },
            set: { c, v in if case .stage(let s)? = v { c.stage = s } else { c.stage = .contact } }),
        ContactField(
            name: "cadence", kind: .duration, jsonKey: "own_cadence", vcardProperty: nil, get: { $0.cadence.map(FieldValue.duration) },
            set: { c, v in if case .duration(let d)? = v { c.cadence = d } else { c.cadence = nil } }),
        .text("next_step", \.nextStep), .date("next_due", \.nextDue),
        .list("goals"), .list("accomplishments"), .list("interests"), .list("networks"), .list("skills"), .list("serves"),
        .flag("expert", \.expert), .flag("passionate", \.passionate), .flag("honors_referrals", \.honorsReferrals),
        ContactField(
            name: "created", kind: .date, jsonKey: "created", vcardProperty: nil, get: { .date($0.created) },
            set: { c, v in if case .date(let d)? = v { c.created = d } }),
        .date("snoozed_until", \.snoozedUntil),
        .date("birthday", \.birthday, vcard: "BDAY"), .date("anniversary", \.anniversary, vcard: "ANNIVERSARY"),
        .text("uid", \.uid, vcard: "UID"),
    ]

    /// The dates a file may give without a year.
    static let mayBeYearless: Set<String> = ["birthday", "anniversary"]

    public static let byName: [String: ContactField] = Dictionary(uniqueKeysWithValues: all.map { ($0.name, $0) })

    // MARK: - As text (CSV cells, vCard values)

    /// The field's value as a CSV cell or vCard value writes it; a list's items are joined by
    /// `separator` with `\` and the separator escaped in them.
    public static func text(_ v: FieldValue, listSeparator: Character) -> String {
        switch v {
        case .duration(let d): return d.description.replacingOccurrences(of: " ", with: "")
        case .list(let items):
            // As import reads them back: an item without the blanks at its ends, none of blanks
            // alone (written as stored, `golf;  padded  ` came back `golf;padded`).
            return items.map(\.trimmed).filter { !$0.isEmpty }.map {
                $0.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: String(listSeparator), with: "\\\(listSeparator)")
            }
            .joined(separator: String(listSeparator))
        default: return v.description
        }
    }

    /// Why text of this many bytes cannot be a field's value.
    static func tooLong(_ bytes: Int) -> String { "\(bytes) bytes of text; a field holds at most 16 MB" }

    /// Reads a field from text; throws a worded error (the caller adds where).
    public static func value(_ f: ContactField, from text: String, listSeparator: Unicode.Scalar) throws -> FieldValue? {
        let t = text.trimmed
        // Blanks alone are no value, as in the language (`company: "  "` is null).
        if t.isEmpty { return nil }
        // Text Tend could not hold (or restore from a dump) is refused here, where the record is known.
        if t.utf8.count > Interpreter.maxStringBytes { throw FieldError(tooLong(t.utf8.count)) }
        switch f.kind {
        // Text is as the file has it: a reader that trims (a vCard's line, a CSV cell not quoted
        // whole) has trimmed it already, and Tend's own exports keep blanks at its ends.
        // A UID the language would refuse (a tab in it, 300 bytes) is made storable, as a card's
        // is: kept, it made a dump that stopped at its `uid:`.
        case .text: return .text(f.name == "uid" ? ContactUID.storable(t) : text)
        case .date:
            guard let d = CSVImport.parseDate(t) else { throw FieldError("\"\(t)\" is not a date") }
            // Only a birthday or an anniversary may leave its year out (`--04-12`): the others
            // are counted from, as `set` and `add` take them.
            if d.isYearless && !ContactFields.mayBeYearless.contains(f.name) {
                throw FieldError("\"\(t)\" has no year; \(f.name) is a date with its year (YYYY-MM-DD)")
            }
            return .date(d)
        case .duration:
            guard let d = cadence(t) else { throw FieldError("\"\(t)\" is not a cadence (2w, 3mo, 1y, 3mo+10d; at most 100 years)") }
            return .duration(d)
        case .flag:
            switch t.lowercased() {
            case "true", "yes", "1", "x": return .flag(true)
            case "false", "no", "0": return .flag(false)
            default: throw FieldError("\"\(t)\" is not true or false")
            }
        case .list:
            let items = VCard.split(t, on: listSeparator).map(\.trimmed).filter { !$0.isEmpty }
            return items.isEmpty ? nil : .list(items)
        case .stage:
            guard let s = Stage(name: t) else { throw FieldError("\"\(t)\" is not a stage (contact, visibility, credibility, profitability)") }
            return .stage(s)
        }
    }

    /// `2w`, `3mo`, `1y`, and sums such as `1y2mo`, `3mo+10d`, `3mo + 10d`; nil when it is not one
    /// or is not between 1 day and 100 years.
    public static func cadence(_ text: String) -> Duration? {
        var total = Duration()
        var digits = ""
        var unit = ""
        // A part after a minus counts back (`1mo-1d`, as an export writes a month less a day).
        var sign = 1
        func flush() -> Bool {
            guard !digits.isEmpty, digits.count <= 6, let n = Int(digits).map({ $0 * sign }) else { return false }
            sign = 1
            switch unit {
            case "d": total = total + Duration(days: n)
            case "w": total = total + Duration(days: 7 * n)
            case "mo": total = total + Duration(months: n)
            case "y": total = total + Duration(months: 12 * n)
            default: return false
            }
            digits = ""
            unit = ""
            return true
        }
        for ch in text where ch != " " && ch != "+" && ch != "_" {
            if ch == "-" {
                // Only between parts: after one whole part, before the next one's digits.
                guard !digits.isEmpty, !unit.isEmpty, flush() else { return nil }
                sign = -1
            } else if ch.isASCII && ch.isNumber {
                if !unit.isEmpty { guard flush() else { return nil } }
                digits.append(ch)
            } else {
                unit.append(ch)
            }
        }
        guard flush(), total.approximateDays >= StoredRange.minCadenceDays, total.approximateDays <= StoredRange.maxCadenceDays else { return nil }
        return total
    }
}

/// A field's value that cannot be read; the reader says which record and field.
public struct FieldError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

/// E-mails, phones and addresses as text in one CSV cell: the items `;`-separated, each
/// `type: ` first when it has a type, an address's parts `|`-separated; a backslash escapes
/// the separators and itself. The preferred one is first.
///
///     work: ana@work.example;ana@home.example
///     home: 12 Main St|Irvine|CA|92630|USA;PO Box 5||||
public enum ContactListText {
    public static func cell(_ points: [ContactPoint]) -> String {
        points.map { escape(prefix($0.type, before: $0.value) + $0.value, ";") }.joined(separator: ";")
    }

    /// Tags: `;`-separated, with a backslash before a `;`, `,`, `|` or backslash inside one
    /// (a tags cell is split on any of the three, as people write them by hand).
    public static func cell(tags: [String]) -> String {
        tags.map { escape($0, tagSeparators) }.joined(separator: ";")
    }

    static let tagSeparators: Set<Character> = [";", ",", "|"]

    /// The tags of a cell: split on an unescaped `;`, `,` or `|`.
    static func tags(_ text: String) -> [String] { split(text, on: tagSeparators) }

    public static func cell(_ addresses: [PostalAddress]) -> String {
        addresses.map { a in
            let parts = PostalAddress.parts.map { escape(a[part: $0] ?? "", "|") }.joined(separator: "|")
            return escape(prefix(a.type, before: parts) + parts, ";")
        }.joined(separator: ";")
    }

    public static func points(_ text: String) -> [ContactPoint] {
        split(text, on: ";").compactMap { item in
            let (type, value) = typed(item)
            return value.trimmed.isEmpty ? nil : ContactPoint(value.trimmed, type: type)
        }
    }

    public static func addresses(_ text: String) -> [PostalAddress] {
        split(text, on: ";").compactMap { item in
            let (type, rest) = typed(item)
            var a = PostalAddress(type: type)
            for (part, value) in zip(PostalAddress.parts, split(rest, on: "|")) { a[part: part] = value.trimmed }
            return a.isEmpty ? nil : a
        }
    }

    /// Named dates: `label|date` for each, `;`-separated: `kids' birthday|2019-05-02;name day|--07-26`.
    public static func cell(_ dates: [NamedDate]) -> String {
        dates.map { escape(escape($0.label, "|") + "|" + $0.date.description, ";") }.joined(separator: ";")
    }

    /// The named dates of a cell; an item that is not `label|date` is returned as text for a note.
    public static func namedDates(_ text: String) -> ([NamedDate], [String]) {
        var dates: [NamedDate] = []
        var rest: [String] = []
        for item in split(text, on: ";") where !item.trimmed.isEmpty {
            let parts = split(item, on: "|")
            if parts.count == 2, !parts[0].trimmed.isEmpty, let d = ImportantDate.parse(parts[1]) {
                dates.append(NamedDate(NamedDate.oneLine(parts[0]), d))
            } else {
                rest.append(item.trimmed)
            }
        }
        return (dates, rest)
    }

    /// `type: ` before an item's text; for an item without a type whose text begins as a
    /// typed one does (`home: 123`, or `: x`), an empty type (`: home: 123`), so that it reads
    /// back as it was.
    static func prefix(_ type: String?, before text: String) -> String {
        if let type { return "\(type): " }
        return typed(text).type != nil || text.hasPrefix(": ") ? ": " : ""
    }

    /// `work: x` → ("work", "x"); `: x` → (nil, "x"); an item without one of the types before it has none.
    static func typed(_ item: String) -> (type: String?, text: String) {
        if item.hasPrefix(": ") { return (nil, String(item.dropFirst(2))) }
        for t in ContactPoint.types where item.hasPrefix(t + ": ") { return (t, String(item.dropFirst(t.count + 2))) }
        return (nil, item)
    }

    static func escape(_ s: String, _ separator: Character) -> String { escape(s, [separator]) }

    /// A backslash before each separator and backslash in `s`.
    static func escape(_ s: String, _ separators: Set<Character>) -> String {
        var out = ""
        for ch in s {
            if ch == "\\" || separators.contains(ch) { out.append("\\") }
            out.append(ch)
        }
        return out
    }

    static func split(_ s: String, on separator: Character) -> [String] { split(s, on: [separator]) }

    /// Splits on each unescaped separator; `\\` and `\` before a separator are read back,
    /// any other backslash is kept (it belongs to an inner level).
    static func split(_ s: String, on separators: Set<Character>) -> [String] {
        var parts: [String] = []
        var current = ""
        var escaped = false
        for ch in s {
            if escaped {
                if ch != "\\" && !separators.contains(ch) { current.append("\\") }
                current.append(ch)
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if separators.contains(ch) {
                parts.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        if escaped { current.append("\\") }
        parts.append(current)
        return parts
    }
}

/// Important dates as files write them: ISO 8601 (`1988-04-12`), its basic form (`19880412`),
/// vCard's dates without a year (`--0412`, `--04-12`), a date-time (`1988-04-12T00:00:00Z`,
/// vCard 2.1); Apple's year 1604 for "no year" is read where its `X-APPLE-OMIT-YEAR` says so
/// (`VCard.date`). Other forms (`4/12/1988`, `12 Apr 1988`) are `CSVImport.parseDate`'s.
public enum ImportantDate {
    public static func parse(_ text: String) -> Day? {
        var t = text.trimmed
        if let tee = t.firstIndex(of: "T"), t.distance(from: t.startIndex, to: tee) >= 6 { t = String(t[..<tee]) }
        if let d = Day(iso: t) { return d }
        let digits = t.filter { $0 != "-" }
        guard digits.allSatisfy({ $0.isASCII && $0.isNumber }) else { return nil }
        let n = digits.compactMap { $0.wholeNumberValue }
        func number(_ r: Range<Int>) -> Int { r.reduce(0) { $0 * 10 + n[$1] } }
        if t.hasPrefix("--"), n.count == 4 { return Day(month: number(0..<2), day: number(2..<4)) }
        if !t.hasPrefix("-"), n.count == 8, t.count == 8 { return Day(year: number(0..<4), month: number(4..<6), day: number(6..<8)) }
        return nil
    }

    /// Whether text is written as a whole date with its year — `1985-02-30`, `1990/13/05`,
    /// `31/02/1980`, `19850230` — none of its parts zero: such a date that is none is a mistake,
    /// the record's error. Anything else that is no date (`circa 1950`, a year alone, `4/12/85`,
    /// `1985-04`, `0000-00-00`) is kept as a note.
    public static func isWrittenAsDate(_ text: String) -> Bool {
        var t = text.trimmed
        if let tee = t.firstIndex(of: "T"), t.distance(from: t.startIndex, to: tee) >= 6 { t = String(t[..<tee]) }
        var parts = t.split(omittingEmptySubsequences: false, whereSeparator: { "-/.".contains($0) }).map(String.init)
        if parts.count == 1, t.count == 8 {
            // 19850230 year first; 31121969 (day, month, year) is a date written otherwise, a note.
            if let y = Int(t.suffix(4)), let a = Int(t.prefix(2)), let b = Int(t.dropFirst(2).prefix(2)),
                Day(year: y, month: a, day: b) != nil || Day(year: y, month: b, day: a) != nil
            {
                return false
            }
            parts = [String(t.prefix(4)), String(t.dropFirst(4).prefix(2)), String(t.suffix(2))]
        }
        guard parts.count == 3, parts.allSatisfy({ !$0.isEmpty && $0.allSatisfy { $0.isASCII && $0.isNumber } && $0.contains { $0 != "0" } }) else {
            return false
        }
        let year = parts[0].count == 4 ? 0 : parts[2].count == 4 ? 2 : -1
        guard year >= 0, parts.indices.allSatisfy({ $0 == year || (1...2).contains(parts[$0].count) }) else { return false }
        // Year last: a date that is none whichever of the others is the month (31/12/1969 is one).
        return year == 0 ? Day(year: Int(parts[0])!, month: Int(parts[1])!, day: Int(parts[2])!) == nil : yearLast(parts.joined(separator: "/")) == nil
    }

    /// A date with its four-digit year last, month first when that is a date (4/12/1985 is April
    /// 12th, as CSV reads one alone), else day first (31/12/1969, 13.05.1990).
    public static func yearLast(_ text: String) -> Day? {
        let parts = text.trimmed.split(omittingEmptySubsequences: false, whereSeparator: { "-/.".contains($0) }).map(String.init)
        guard parts.count == 3, parts[2].count == 4, (1...2).contains(parts[0].count), (1...2).contains(parts[1].count),
            let a = Int(parts[0]), let b = Int(parts[1]), let y = Int(parts[2])
        else { return nil }
        return Day(year: y, month: a, day: b) ?? Day(year: y, month: b, day: a)
    }

    /// vCard 4.0's form of a date (RFC 6350 §4.3.1): `19880412`, `--0412` without the year.
    public static func vcard(_ d: Day) -> String {
        let digits = d.description.replacingOccurrences(of: "-", with: "")
        return d.isYearless ? "--" + digits : digits
    }
}
