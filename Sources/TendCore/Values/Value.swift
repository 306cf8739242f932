import Foundation

/// A value of the Tend language.
public enum Value: Sendable {
    case null
    case bool(Bool)
    /// Numbers are decimal so that money adds up exactly to the cent.
    case number(Decimal)
    case string(String)
    case date(Day)
    case duration(Duration)
    case stage(Stage)
    case list([Value])
    case record(Record)
    /// A contact, by its id in the model.
    case contact(Int64)
    /// A row of an event collection (interactions, referrals, …) or of a computed one (agenda).
    case row(Row)
    /// A collection or a query's result.
    case rows(RowSet)

    public static func int(_ n: Int) -> Value { .number(Decimal(n)) }
    public static func optional(_ s: String?) -> Value { s.map(Value.string) ?? .null }
    public static func optional(_ d: Day?) -> Value { d.map(Value.date) ?? .null }

    public var isNull: Bool { if case .null = self { return true } else { return false } }
    /// `[]`: sorts last, as null does.
    var isEmptyList: Bool { if case .list(let l) = self { return l.isEmpty } else { return false } }

    /// `where`, `when` and `assert` hold only for `true`; null and everything else count as false.
    public var isTrue: Bool { if case .bool(true) = self { return true } else { return false } }

    public var typeName: String {
        switch self {
        case .null: return "null"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .date: return "date"
        case .duration: return "duration"
        case .stage: return "stage"
        case .list: return "list"
        case .record: return "record"
        case .contact: return "contact"
        case .row(let r): return r.collection.rowName
        case .rows(let r): return r.collection?.name ?? "rows"
        }
    }

    public var stringValue: String? { if case .string(let s) = self { return s } else { return nil } }
    public var numberValue: Decimal? { if case .number(let n) = self { return n } else { return nil } }
    public var dateValue: Day? { if case .date(let d) = self { return d } else { return nil } }
    /// A whole number as an Int (nil for fractions and for numbers beyond ±10^18).
    public var intValue: Int? { numberValue?.exactInt }
    public var listValue: [Value]? { if case .list(let l) = self { return l } else { return nil } }
}

/// Named fields in a stable order: a `{kind: "lunch"}` literal, a `show` row, a group.
public struct Record: Sendable {
    public var keys: [String]
    public var values: [Value]
    public init(keys: [String] = [], values: [Value] = []) {
        self.keys = keys
        self.values = values
    }
    public subscript(key: String) -> Value? {
        get { keys.firstIndex(of: key).map { values[$0] } }
        set {
            if let i = keys.firstIndex(of: key) {
                values[i] = newValue ?? .null
            } else {
                keys.append(key)
                values.append(newValue ?? .null)
            }
        }
    }
}

/// A row of a collection other than contacts; fields are in the collection's schema order.
public struct Row: Sendable {
    public var collection: CollectionSpec
    public var values: [Value]
    public init(_ collection: CollectionSpec, _ values: [Value]) {
        self.collection = collection
        self.values = values
    }
    public subscript(field: String) -> Value? {
        collection.index(of: field).map { $0 < values.count ? values[$0] : .null }
    }
}

/// The rows of a collection or query. `columns` is set once `show` or `group by` reshaped them into records.
public struct RowSet: Sendable {
    public var collection: CollectionSpec?
    public var rows: [Value]
    /// Set by `group by`: the key columns. The result draws as a bar chart on a terminal, one
    /// bar per group labelled by its keys.
    public var groupKeys: [String]?
    public var grouped: Bool { groupKeys != nil }
    public var columns: [String]?
    /// Set when the query's where-clause has been applied while the rows were made.
    var filtered = false
    public init(collection: CollectionSpec?, rows: [Value], columns: [String]? = nil, groupKeys: [String]? = nil) {
        self.collection = collection
        self.rows = rows
        self.columns = columns
        self.groupKeys = groupKeys
    }

    /// A report's table: one record per row of values, in the columns' order.
    static func records(_ columns: [String], _ rows: [[Value]]) -> RowSet {
        RowSet(collection: nil, rows: rows.map { .record(Record(keys: columns, values: $0)) }, columns: columns)
    }
}

// MARK: - Formatting

extension Decimal {
    /// Every digit kept (38 at most): JSON's numbers, which programs read (the page's six
    /// decimals made 0.123456789 read back as 0.123457).
    public var exactText: String {
        if let text = plainText { return text }
        let s = NSDecimalNumber(decimal: self).stringValue
        return s == "-0" ? "0" : s
    }

    /// The smallest magnitude shown as itself: below it a number is the last digits of 38-digit
    /// arithmetic (1 / 3 * 3 - 1), shown as 0.
    static let smallestShown = Decimal(sign: .plus, exponent: -18, significand: 1)
    static let millionth = Decimal(sign: .plus, exponent: -6, significand: 1)

    /// Up to six decimals, trailing zeros dropped: 3, 3.5, 0.333333; a number below a millionth
    /// (down to `smallestShown`) to its first six significant digits: 0.0000001.
    public var tendText: String {
        if let text = plainText { return text }
        var value = self
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 6, .plain)
        if self != 0 && self.magnitude < Decimal.millionth && self.magnitude >= Decimal.smallestShown {
            var (scaled, zeros) = (self.magnitude, 0)
            while scaled < Decimal(sign: .plus, exponent: -1, significand: 1) {
                scaled *= 10
                zeros += 1
            }
            NSDecimalRound(&rounded, &value, zeros + 6, .plain)
        }
        let s = NSDecimalNumber(decimal: rounded).stringValue
        return s == "-0" ? "0" : s
    }
}

extension Value {
    /// Ordering used by `sort by`, `min` and `max`; values of different kinds order by kind.
    public static func compare(_ a: Value, _ b: Value) -> Int? {
        switch (a, b) {
        case (.number(let x), .number(let y)): return Decimal.order(x, y)
        case (.string(let x), .string(let y)):
            let c = x.localizedCaseInsensitiveCompareSimple(y)
            return c != 0 ? c : (x < y ? -1 : (x > y ? 1 : 0))
        case (.date(let x), .date(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.duration(let x), .duration(let y)):
            let dx = x.approximateDays
            let dy = y.approximateDays
            return dx < dy ? -1 : (dx > dy ? 1 : 0)
        case (.stage(let x), .stage(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.bool(let x), .bool(let y)): return x == y ? 0 : (!x ? -1 : 1)
        case (.contact(let x), .contact(let y)): return x < y ? -1 : (x > y ? 1 : 0)
        case (.list(let x), .list(let y)):
            // Item by item, then the shorter first (`sort by tags`: by the first tag, then the next).
            for (i, j) in zip(x, y) {
                guard let c = compare(i, j) else { return nil }
                if c != 0 { return c }
            }
            return x.count < y.count ? -1 : (x.count > y.count ? 1 : 0)
        default: return nil
        }
    }

    /// `==` in the language: null equals only null; numbers by value; lists element-wise.
    public static func equal(_ a: Value, _ b: Value) -> Bool {
        switch (a, b) {
        case (.null, .null): return true
        case (.null, _), (_, .null): return false
        case (.string(let x), .string(let y)): return x == y
        case (.list(let x), .list(let y)):
            return x.count == y.count && zip(x, y).allSatisfy { equal($0, $1) }
        case (.duration(let x), .duration(let y)): return x.approximateDays == y.approximateDays
        case (.record(let x), .record(let y)):
            return x.keys == y.keys && zip(x.values, y.values).allSatisfy { equal($0, $1) }
        case (.row(let x), .row(let y)):
            return x.collection.name == y.collection.name && x["id"].map { equal($0, y["id"] ?? .null) } ?? false
        default: return compare(a, b) == 0
        }
    }
}

extension Value {
    /// The value `sort by` compares in place of this one: text that is not ASCII with its
    /// accents taken off and its case folded (`FoldedText`), then as written for ties, so that
    /// Émile sorts beside Emile and not after Zed; a list item by item. Worked out once a row,
    /// not at each comparison. ASCII text compares as it is (`compare` lowercases it: the same).
    var sortKey: Value {
        switch self {
        case .string(let s) where !s.utf8.allSatisfy({ $0 < 0x80 }):
            return .string(String(decoding: FoldedText(s).bytes, as: UTF8.self) + "\u{0}" + s)
        case .list(let items):
            return .list(items.map(\.sortKey))
        default:
            return self
        }
    }
}

extension String {
    /// Case-insensitive comparison without Foundation's locale machinery (fast and deterministic).
    func localizedCaseInsensitiveCompareSimple(_ other: String) -> Int {
        let a = self.lowercased()
        let b = other.lowercased()
        return a < b ? -1 : (a > b ? 1 : 0)
    }
}

/// JSON text as Foundation's JSONSerialization is to read it: it drops a U+FEFF that begins a
/// string (it takes it for a byte-order mark), and keeps one written as its escape. U+FEFF is no
/// JSON white space, so outside a string the text was not JSON either way.
public func jsonDataKeepingFEFF(_ text: String) -> Data {
    guard text.unicodeScalars.contains("\u{FEFF}") else { return Data(text.utf8) }
    var escaped = String.UnicodeScalarView()
    for scalar in text.unicodeScalars {
        if scalar == "\u{FEFF}" { escaped.append(contentsOf: "\\uFEFF".unicodeScalars) } else { escaped.append(scalar) }
    }
    return Data(String(escaped).utf8)
}

/// A JSON string literal: what the JSON output and the store's list columns both write.
public func jsonStringLiteral(_ s: String) -> String {
    // Most strings need no escape: quoted as they are. Control characters (see TerminalText)
    // start with a byte below 0x20, 0x7F, one of the lead bytes 0xC2, 0xD8, 0xE1, 0xE2, 0xE3, 0xEF,
    // 0xF3, or 0xF0 0x9D (U+1D173…U+1D17A; the other scalars of 0xF0, emoji among them, print).
    var previous: UInt8 = 0
    if !s.utf8.contains(where: { b in
        defer { previous = b }
        return b < 0x20 || b == 0x7F || b == 0xC2 || b == 0xD8 || (0xE1...0xE3).contains(b) || b == 0xEF || b == 0xF3
            || (previous == 0xF0 && b == 0x9D)
            || b == UInt8(ascii: "\"")
            || b == UInt8(ascii: "\\")
    }) {
        return "\"" + s + "\""
    }
    var out = "\""
    for ch in s.unicodeScalars {
        switch ch {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case "\n": out += "\\n"
        case "\r": out += "\\r"
        case "\t": out += "\\t"
        default:
            // Escaped, these stay exact for a JSON reader and harmless on a terminal.
            if TerminalText.isControl(ch) {
                // A scalar past U+FFFF (a tag character) is its UTF-16 pair, as JSON writes it.
                for unit in String(ch).utf16 {
                    let hex = String(unit, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                }
            } else {
                out.unicodeScalars.append(ch)
            }
        }
    }
    return out + "\""
}

extension Decimal {
    /// Reads `123`, `3.5` or `.25` (ASCII digits and at most one point) exactly. Written out
    /// because `Decimal(string:)` sets up a locale, and that was a fifth of Tend's start-up.
    public init?(literal text: String) {
        // Up to 18 digits are summed as an Int (each Decimal operation costs hundreds of
        // nanoseconds, and a restore reads tens of thousands of numbers); past that, as a Decimal.
        var whole = 0
        var significand = Decimal(0)
        var fractionDigits = 0
        var seenPoint = false
        var seenDigit = false
        var count = 0
        for b in text.utf8 {
            if b == UInt8(ascii: ".") {
                guard !seenPoint else { return nil }
                seenPoint = true
            } else if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                seenDigit = true
                if count == 0 && b == UInt8(ascii: "0") && !seenPoint { continue }
                count += 1
                guard count <= 38 else { return nil }
                let digit = Int(b - UInt8(ascii: "0"))
                if count <= 18 {
                    whole = whole * 10 + digit
                } else {
                    if count == 19 { significand = Decimal(whole) }
                    significand = significand * 10 + Decimal(digit)
                }
                if seenPoint { fractionDigits += 1 }
            } else {
                return nil
            }
        }
        guard seenDigit else { return nil }
        if count <= 18 { significand = Decimal(whole) }
        self = fractionDigits == 0 ? significand : Decimal(sign: .plus, exponent: -fractionDigits, significand: significand)
    }
}
