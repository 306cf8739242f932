import Foundation

/// Turns Tend text into tokens. It never throws: bad text becomes an `.error` token, and the
/// parser reports it with its location.
public struct Lexer {
    /// Words that may end a line and still need more: `contacts where +vip and` ⏎ `stage > visibility`.
    static let continuingWords = Keyword.words(.endsIncomplete)
    /// A line that starts with one of these words continues the previous statement.
    static let clauseWords = Keyword.words(.continuesStatement)
    /// Whether `line` starts with a clause word, and so continues the statement before it
    /// (`sort by name` after `contacts`): the REPL asks this of pasted lines.
    public static func startsWithClauseWord(_ line: String) -> Bool {
        var lexer = Lexer(Source(name: "<line>", text: line))
        guard case .identifier(let w)? = lexer.tokenize().first?.kind else { return false }
        return clauseWords.contains(w)
    }
    static let continuingSymbols = BinaryOperator.continuingSymbols
    /// One-character symbols by byte value.
    static let singleSymbols: [String?] = (0..<256).map { b in
        "+-*/%<>=~.,:;()[]{}".utf8.contains(UInt8(b)) ? String(UnicodeScalar(UInt8(b))) : nil
    }
    /// The longest string literal accepted, in bytes; longer text is surely a mistake (a missing quote).
    public static let maxStringBytes = 1 << 20

    let source: Source
    let bytes: [UInt8]
    var pos: Int
    let end: Int
    var tokens: [Token] = []
    var depth = 0
    /// Set when the input stopped inside a bracket, a string, or after a trailing operator.
    public private(set) var endsIncomplete = false

    public init(_ source: Source, range: SourceRange? = nil) {
        self.source = source
        self.bytes = source.bytes
        self.pos = range?.start ?? 0
        self.end = range?.end ?? source.bytes.count
        self.rangeStart = pos
    }
    let rangeStart: Int
    /// Where the comments are (`#` to the line's end; a `#` inside a string is no comment).
    public private(set) var comments: [SourceRange] = []

    /// Tokenizes the whole range, ending with `.eof`.
    public mutating func tokenize() -> [Token] {
        tokens.reserveCapacity((end - pos) / 6)
        if pos + 1 < end, bytes[pos] == UInt8(ascii: "#"), bytes[pos + 1] == UInt8(ascii: "!") { skipComment() }
        while true {
            skipSpace()
            guard pos < end else { break }
            let c = bytes[pos]
            if c == UInt8(ascii: "#") {
                skipComment()
                continue
            }
            if c == 0x0A {
                let start = pos
                pos += 1
                newline(at: start)
                continue
            }
            scanToken()
        }
        if depth > 0 { endsIncomplete = true }
        if let last = tokens.last, continues(last) { endsIncomplete = true }
        if tokens.last.map({ $0.kind == .newline }) == true { tokens.removeLast() }
        tokens.append(Token(kind: .eof, range: SourceRange(end, end)))
        return tokens
    }

    // MARK: - Newlines

    private mutating func newline(at offset: Int) {
        // Inside brackets, or after an operator that needs a right side, the statement goes on.
        guard depth == 0, let last = tokens.last, last.kind != .newline, !continues(last) else { return }
        if case .symbol(";") = last.kind { return }
        tokens.append(Token(kind: .newline, range: SourceRange(offset, offset + 1)))
    }

    private func continues(_ t: Token) -> Bool {
        switch t.kind {
        case .symbol(let s): return Lexer.continuingSymbols.contains(s)
        // `by` needs more only after `sort`, `group` or `agenda`: after `show id,` it is the
        // events' field (`interactions show id, by` ended there, and took the next line with it).
        case .identifier("by"):
            guard tokens.count >= 2, case .identifier(let before) = tokens[tokens.count - 2].kind else { return false }
            return before == "sort" || before == "group" || before == "agenda"
        case .identifier(let w): return Lexer.continuingWords.contains(w)
        default: return false
        }
    }

    // MARK: - Scanning

    private mutating func skipSpace() {
        while pos < end, bytes[pos] == 0x20 || bytes[pos] == 0x09 || bytes[pos] == 0x0D { pos += 1 }
    }

    private mutating func skipComment() {
        let start = pos
        while pos < end, bytes[pos] != 0x0A { pos += 1 }
        comments.append(SourceRange(start, pos))
    }

    private mutating func add(_ kind: Token.Kind, from start: Int) {
        // A clause word on a line of its own continues the statement above: the new line goes.
        if case .identifier(let w) = kind, tokens.last?.kind == .newline, Lexer.clauseWords.contains(w) { tokens.removeLast() }
        tokens.append(Token(kind: kind, range: SourceRange(start, pos)))
    }

    private func peek(_ offset: Int = 0) -> UInt8 { pos + offset < end ? bytes[pos + offset] : 0 }

    private static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    private static func isASCIILetter(_ b: UInt8) -> Bool { (b | 0x20) >= 0x61 && (b | 0x20) <= 0x7A }

    /// The Unicode scalar at `offset` and its length in bytes (invalid UTF-8 reads as U+FFFD).
    private func scalar(at offset: Int) -> (Unicode.Scalar, Int) {
        guard offset < end else { return ("\0", 0) }
        let b = bytes[offset]
        if b < 0x80 { return (Unicode.Scalar(b), 1) }
        var it = bytes[offset..<min(end, offset + 4)].makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let s) = decoder.decode(&it) { return (s, s.utf8.count) }
        return ("\u{FFFD}", 1)
    }

    private func isIdentifierStart(at offset: Int) -> Bool {
        guard offset < end else { return false }
        let b = bytes[offset]
        return Lexer.startsIdentifier(b < 0x80 ? Unicode.Scalar(b) : scalar(at: offset).0)
    }

    private func isIdentifierContinue(at offset: Int) -> Bool {
        guard offset < end else { return false }
        let b = bytes[offset]
        return Lexer.continuesIdentifier(b < 0x80 ? Unicode.Scalar(b) : scalar(at: offset).0)
    }

    /// A scalar that may start a name: an ASCII letter, `_`, or a letter of any script.
    @inline(__always) private static func startsIdentifier(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return isASCIILetter(UInt8(s.value)) || s == "_" }
        return s != "\u{FFFD}" && s.properties.isAlphabetic
    }

    /// A scalar that may go on with a name: one that may start it, or a digit of any script.
    @inline(__always) private static func continuesIdentifier(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return startsIdentifier(s) || isDigit(UInt8(s.value)) }
        return s != "\u{FFFD}" && (s.properties.isAlphabetic || s.properties.numericType != nil)
    }

    /// True when `s` reads as one name (a word, not quoted), scalar by scalar as the lexer reads
    /// it: a dump writes a word only where `tend run` reads the same word back.
    public static func isIdentifier(_ s: String) -> Bool {
        var scalars = s.unicodeScalars.makeIterator()
        guard let first = scalars.next(), startsIdentifier(first) else { return false }
        while let c = scalars.next() { guard continuesIdentifier(c) else { return false } }
        return true
    }

    private mutating func scanToken() {
        let start = pos
        let c = bytes[pos]
        if Lexer.isDigit(c) { return scanNumber() }
        if c == UInt8(ascii: "\"") { return scanString() }
        if c == UInt8(ascii: "@") { return scanHandle() }
        if c == UInt8(ascii: "-"), inTagPosition(), isYearlessDate() { return scanYearlessDate() }
        if (c == UInt8(ascii: "+") || c == UInt8(ascii: "-")) && inTagPosition() && isIdentifierStart(at: pos + 1) {
            pos += 1
            let nameStart = pos
            scanWord(allowDashes: true)
            let name = String(decoding: bytes[nameStart..<pos], as: UTF8.self)
            return add(.tag(name.lowercased(), adds: c == UInt8(ascii: "+")), from: start)
        }
        if isIdentifierStart(at: pos) {
            scanWord(allowDashes: false)
            return add(.identifier(String(decoding: bytes[start..<pos], as: UTF8.self)), from: start)
        }
        let next = peek(1)
        let pair: String? = {
            switch (c, next) {
            case (UInt8(ascii: "="), UInt8(ascii: "=")): return "=="
            case (UInt8(ascii: "!"), UInt8(ascii: "=")): return "!="
            case (UInt8(ascii: "<"), UInt8(ascii: "=")): return "<="
            case (UInt8(ascii: ">"), UInt8(ascii: "=")): return ">="
            case (UInt8(ascii: "?"), UInt8(ascii: "?")): return "??"
            default: return nil
            }
        }()
        if let pair {
            pos += 2
            return add(.symbol(pair), from: start)
        }
        switch c {
        case UInt8(ascii: "("), UInt8(ascii: "["), UInt8(ascii: "{"):
            depth += 1
        case UInt8(ascii: ")"), UInt8(ascii: "]"), UInt8(ascii: "}"):
            depth = max(0, depth - 1)
        default: break
        }
        if let symbol = Lexer.singleSymbols[Int(c)] {
            pos += 1
            return add(.symbol(symbol), from: start)
        }
        // Another language's `&&`, `||` and `!`: the word Tend writes for it.
        for (symbol, word) in [("&&", "and"), ("||", "or"), ("&", "and"), ("|", "or"), ("!", "not")] where bytes[pos...].starts(with: symbol.utf8) {
            pos += symbol.utf8.count
            return add(.error("unexpected '\(symbol)'; did you mean \(word)?"), from: start)
        }
        let (s, n) = scalar(at: pos)
        pos += max(1, n)
        let shown = s == "\u{FFFD}" ? "invalid UTF-8 byte" : "character '\(s)'"
        add(.error("unexpected \(shown)"), from: start)
    }

    /// A sign is a tag only after the start of input, whitespace, `(`, `[`, `,` or `:`.
    private func inTagPosition() -> Bool {
        if pos == rangeStart { return true }
        let before = bytes[pos - 1]
        return before == 0x20 || before == 0x09 || before == 0x0A || before == 0x0D
            || "([,:".utf8.contains(before)
    }

    private mutating func scanWord(allowDashes: Bool) {
        while pos < end {
            let b = bytes[pos]
            if b < 0x80, Lexer.isASCIILetter(b) || Lexer.isDigit(b) || b == UInt8(ascii: "_") {
                pos += 1
            } else if isIdentifierContinue(at: pos) {
                pos += scalar(at: pos).1
            } else if allowDashes, bytes[pos] == UInt8(ascii: "-"), isIdentifierContinue(at: pos + 1) {
                pos += 1
            } else {
                break
            }
        }
    }

    /// `--MM-DD`, a date without a year as vCard writes it (`birthday: --04-12`), where a tag
    /// could start: never between two operands.
    private func isYearlessDate() -> Bool {
        guard pos + 7 <= end, bytes[pos + 1] == UInt8(ascii: "-"), bytes[pos + 4] == UInt8(ascii: "-") else { return false }
        return [2, 3, 5, 6].allSatisfy { Lexer.isDigit(bytes[pos + $0]) } && !Lexer.isDigit(peek(7)) && !isIdentifierStart(at: pos + 7)
    }

    private mutating func scanYearlessDate() {
        let start = pos
        pos += 7
        let text = String(decoding: bytes[start..<pos], as: UTF8.self)
        if let day = Day(iso: text) { return add(.date(day), from: start) }
        add(.error("\(text) is not a date on the calendar: \(Day.problem(iso: text) ?? "")"), from: start)
    }

    private mutating func scanNumber() {
        let start = pos
        // A date: exactly DDDD-DD-DD.
        if pos + 10 <= end, (0..<4).allSatisfy({ Lexer.isDigit(bytes[pos + $0]) }), bytes[pos + 4] == UInt8(ascii: "-"),
            Lexer.isDigit(bytes[pos + 5]), Lexer.isDigit(bytes[pos + 6]), bytes[pos + 7] == UInt8(ascii: "-"),
            Lexer.isDigit(bytes[pos + 8]), Lexer.isDigit(bytes[pos + 9]), !Lexer.isDigit(peek(10))
        {
            pos += 10
            let text = String(decoding: bytes[start..<pos], as: UTF8.self)
            if let day = Day(iso: text) { return add(.date(day), from: start) }
            return add(.error("\(text) is not a date on the calendar: \(Day.problem(iso: text) ?? "")"), from: start)
        }
        var digits = ""
        while pos < end, Lexer.isDigit(bytes[pos]) || (bytes[pos] == UInt8(ascii: "_") && Lexer.isDigit(peek(1))) {
            if bytes[pos] != UInt8(ascii: "_") { digits.append(Character(UnicodeScalar(bytes[pos]))) }
            pos += 1
        }
        var isWhole = true
        if peek() == UInt8(ascii: "."), Lexer.isDigit(peek(1)) {
            isWhole = false
            digits.append(".")
            pos += 1
            while pos < end, Lexer.isDigit(bytes[pos]) || (bytes[pos] == UInt8(ascii: "_") && Lexer.isDigit(peek(1))) {
                if bytes[pos] != UInt8(ascii: "_") { digits.append(Character(UnicodeScalar(bytes[pos]))) }
                pos += 1
            }
        }
        // A unit directly after the digits makes a duration: 10d 2w 3mo 1y.
        if isIdentifierStart(at: pos) {
            let unitStart = pos
            scanWord(allowDashes: false)
            let unit = String(decoding: bytes[unitStart..<pos], as: UTF8.self)
            guard ["d", "w", "mo", "y"].contains(unit) else {
                return add(.error("unknown unit '\(unit)' after a number; durations use d, w, mo or y (e.g. 10d)"), from: start)
            }
            guard isWhole else { return add(.error("a duration is a whole number of d, w, mo or y"), from: start) }
            // Seven digits hold every duration on the calendar; more would not fit in an Int.
            guard digits.count <= 7, let n = Int(digits), let d = Duration(n, unit: unit[...]) else {
                return add(.error("this duration is off the calendar: durations go up to \(Duration.limitText)"), from: start)
            }
            return add(.duration(d), from: start)
        }
        guard digits.count <= 40, let value = Decimal(literal: digits) else {
            return add(.error("number too long"), from: start)
        }
        add(.number(value), from: start)
    }

    private mutating func scanHandle() {
        let start = pos
        pos += 1
        let nameStart = pos
        while pos < end {
            let b = bytes[pos]
            if Lexer.isDigit(b) || (b >= 0x61 && b <= 0x7A) {
                pos += 1
            } else if b == UInt8(ascii: "-"), pos > nameStart, Lexer.isDigit(peek(1)) || (peek(1) >= 0x61 && peek(1) <= 0x7A) {
                pos += 1
            } else {
                break
            }
        }
        if pos < end, isIdentifierContinue(at: pos) {
            while pos < end, isIdentifierContinue(at: pos) || bytes[pos] == UInt8(ascii: "-") { pos += scalar(at: pos).1 }
            let text = String(decoding: bytes[start..<pos], as: UTF8.self)
            return add(.error("a handle is lowercase letters, digits and dashes: @\(slug(String(text.dropFirst())))?"), from: start)
        }
        if pos == nameStart { return add(.error("expected a handle after '@'"), from: start) }
        add(.handle(String(decoding: bytes[nameStart..<pos], as: UTF8.self)), from: start)
    }

    private mutating func scanString() {
        let start = pos
        pos += 1
        var pieces: [StringPiece] = []
        var text: [UInt8] = []
        func flush() {
            if !text.isEmpty {
                pieces.append(.text(String(decoding: text, as: UTF8.self)))
                text.removeAll()
            }
        }
        while pos < end {
            let c = bytes[pos]
            // The bytes after the opening quote.
            if pos - start - 1 > Lexer.maxStringBytes {
                while pos < end, bytes[pos] != UInt8(ascii: "\"") { pos += 1 }
                if pos < end { pos += 1 }
                return add(.error("string longer than \(Lexer.maxStringBytes) bytes"), from: start)
            }
            if c == UInt8(ascii: "\"") {
                pos += 1
                flush()
                return add(.string(pieces), from: start)
            }
            if c == UInt8(ascii: "\\") {
                let escStart = pos
                pos += 1
                guard pos < end else { break }
                let e = bytes[pos]
                pos += 1
                switch e {
                case UInt8(ascii: "n"): text.append(0x0A)
                case UInt8(ascii: "t"): text.append(0x09)
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "{"), UInt8(ascii: "}"): text.append(e)
                case UInt8(ascii: "u"):
                    // An escape that is wrong ends the string with an error.
                    guard let s = unicodeEscape(from: escStart) else { return }
                    text.append(contentsOf: Array(String(s).utf8))
                default:
                    skipRestOfString()
                    return add(.error("unknown escape '\\\(UnicodeScalar(e))'; escapes are \\\" \\\\ \\n \\t \\u{…} \\{"), from: escStart)
                }
                continue
            }
            if c == UInt8(ascii: "{") {
                flush()
                let brace = pos
                let codeStart = pos + 1
                guard let close = matchingBrace(from: codeStart) else {
                    // An interpolation closes on its own line; more lines cannot complete it, so
                    // the REPL reports it at once instead of asking for a continuation. The
                    // error points at the brace left open.
                    while pos < end, bytes[pos] != 0x0A { pos += 1 }
                    return add(.error("unterminated '{' in string; close it with '}' on the same line, or write \\{ for a brace"), from: brace)
                }
                pieces.append(.code(SourceRange(codeStart, close)))
                pos = close + 1
                continue
            }
            // A line break in the text is a line break whichever way the file ends its lines: a
            // CRLF script means what its LF copy means.
            if c == 0x0D, pos + 1 < end, bytes[pos + 1] == 0x0A {
                pos += 1
                continue
            }
            text.append(c)
            pos += 1
        }
        endsIncomplete = true
        add(.error("unterminated string"), from: start)
    }

    /// The scalar of a `\u{…}` escape, `pos` at its `u`'s next byte; nil when the escape is
    /// wrong, which is reported and the rest of the string skipped.
    private mutating func unicodeEscape(from escStart: Int) -> Unicode.Scalar? {
        guard peek() == UInt8(ascii: "{") else {
            skipRestOfString()
            add(.error("expected '{' after \\u, as in \\u{1F600}"), from: escStart)
            return nil
        }
        pos += 1
        let hexStart = pos
        // One to eight hex digits, then `}`: the message says which part is wrong
        // (a missing brace was reported as a scalar that is not one; `+41` was read
        // as 41 by UInt32's parser).
        func isHex(_ b: UInt8) -> Bool { (0x30...0x39).contains(b) || (0x41...0x46).contains(b) || (0x61...0x66).contains(b) }
        while pos < end, isHex(bytes[pos]) { pos += 1 }
        let hex = String(decoding: bytes[hexStart..<pos], as: UTF8.self)
        guard peek() == UInt8(ascii: "}") else {
            let next = String(decoding: bytes[pos..<min(end, pos + 4)], as: UTF8.self).unicodeScalars.first.map { String($0) }
            let found = next.map { "'\(TerminalText.escaped($0, keep: []))'" } ?? "the end of the text"
            skipRestOfString()
            add(.error("expected hex digits and '}' after \\u{, as in \\u{1F600}, found \(found)"), from: escStart)
            return nil
        }
        guard !hex.isEmpty, hex.count <= 8 else {
            skipRestOfString()
            add(.error("\\u{…} takes one to eight hex digits, as in \\u{1F600}"), from: escStart)
            return nil
        }
        guard let v = UInt32(hex, radix: 16), let s = Unicode.Scalar(v) else {
            skipRestOfString()
            add(.error("\\u{\(hex)} is not a Unicode scalar (0 to 10FFFF, but not D800 to DFFF)"), from: escStart)
            return nil
        }
        pos += 1
        return s
    }

    private mutating func skipRestOfString() {
        while pos < end, bytes[pos] != UInt8(ascii: "\"") {
            if bytes[pos] == UInt8(ascii: "\\") { pos += 1 }
            pos += 1
        }
        if pos < end { pos += 1 }
        pos = min(pos, end)
    }

    /// The offset of the `}` that closes an interpolation on the same line, skipping nested braces
    /// and strings; nil when the line or the input ends first.
    private func matchingBrace(from offset: Int) -> Int? {
        var i = offset
        var level = 0
        var inString = false
        while i < end {
            let b = bytes[i]
            if b == 0x0A { return nil }
            if inString {
                if b == UInt8(ascii: "\\") { i += 1 } else if b == UInt8(ascii: "\"") { inString = false }
            } else if b == UInt8(ascii: "\"") {
                inString = true
            } else if b == UInt8(ascii: "{") {
                level += 1
            } else if b == UInt8(ascii: "}") {
                if level == 0 { return i }
                level -= 1
            }
            i += 1
        }
        return nil
    }
}
