/// One problem found in Tend text or while running it.
public struct Diagnostic: Error, Sendable, CustomStringConvertible {
    /// What kind of problem: decides the exit code and whether the REPL asks for another line.
    public enum Kind: Sendable, Equatable {
        case syntax
        /// The input stopped in the middle of a statement; the REPL reads a continuation line.
        case incomplete
        case type
        case runtime
        case assertion
        /// Said, and the run goes on (an agenda item left off: its rule failed for its contact).
        case warning
    }

    public var kind: Kind
    public var message: String
    public var source: Source?
    public var range: SourceRange
    public var notes: [String]
    /// An error in the definitions themselves (a cycle, nesting too deep), which no contact's
    /// data causes: the agenda page stops with it instead of leaving one item off.
    public var inDefinitions = false
    /// A replacement the user likely meant, shown as "did you mean …?".
    public var suggestion: String?

    public init(
        _ kind: Kind, _ message: String, at range: SourceRange, in source: Source? = nil,
        suggestion: String? = nil, notes: [String] = []
    ) {
        self.kind = kind
        self.message = message
        self.range = range
        self.source = source
        self.suggestion = suggestion
        self.notes = notes
    }

    public var description: String { DiagnosticFormatter.plain.format(self) }

    /// Problems in the order of the text: the sources in the order given (others after them, in
    /// the order they come), and by place within each; problems at one place keep their order.
    public static func inSourceOrder(_ diags: [Diagnostic], sources: [Source]) -> [Diagnostic] {
        var rank: [ObjectIdentifier: Int] = [:]
        for s in sources + diags.compactMap(\.source) where rank[ObjectIdentifier(s)] == nil { rank[ObjectIdentifier(s)] = rank.count }
        func key(_ d: Diagnostic) -> Int { d.source.map { rank[ObjectIdentifier($0)]! } ?? rank.count }
        return diags.enumerated().sorted { a, b in
            (key(a.element), a.element.range.start, a.offset) < (key(b.element), b.element.range.start, b.offset)
        }.map(\.element)
    }
}

/// Text the user typed that the REPL put inside a longer statement (a clause line refining the
/// query before it): a problem in it is shown on the line as typed, not in the statement made.
public struct TypedPart: Sendable {
    /// The statement made, and where the typed text is in it.
    public let within: Source
    public let range: SourceRange
    /// The line as typed, and where that text begins in it.
    public let typed: Source
    public let offset: Int
    public init(within: Source, range: SourceRange, typed: Source, offset: Int) {
        (self.within, self.range, self.typed, self.offset) = (within, range, typed, offset)
    }

    /// The diagnostic on the typed line when it falls in the typed text; else as it is. The
    /// statement made may wrap the text in brackets of its own (`where (a\n) and (b\n)`): a
    /// problem with the whole of `(b\n)` is one with `b`; one at the end points just past it.
    func shown(_ d: Diagnostic) -> Diagnostic {
        guard d.source === within, d.range.start >= range.start - 1, d.range.end <= range.end + 2 else { return d }
        var moved = d
        let end = typed.text.utf8.count
        let start = min(end, max(d.range.start, range.start) - range.start + offset)
        moved.source = typed
        moved.range = SourceRange(start, max(start, min(end + 1, min(d.range.end, range.end) - range.start + offset)))
        return moved
    }
}

/// Draws a diagnostic as `file:line:col: error: message`, the source line and a caret.
public struct DiagnosticFormatter: Sendable {
    public var color: Bool
    /// Set by the REPL while a statement it made of a typed line runs.
    public var typedPart: TypedPart?
    /// The columns of the terminal the diagnostics are shown on (nil off a terminal): a source
    /// line wider is cut to fit, so that the terminal does not wrap it away from its caret.
    public var width: Int?
    public init(color: Bool, width: Int? = nil) {
        self.color = color
        self.width = width
    }
    public static let plain = DiagnosticFormatter(color: false)
    /// Source lines longer than this are cut to a window around the error.
    static let maxLineWidth = 160
    /// Messages, suggestions and notes longer than this are cut: one that quotes a megabyte
    /// name or value is read by its start.
    static let maxMessageLength = 1000

    static func cut(_ text: String) -> String {
        guard text.utf8.count > maxMessageLength else { return text }
        return String(text.prefix(maxMessageLength)) + "…"
    }

    /// Every piece taken from the user's text or data (the message quotes names and values, the
    /// echoed line may hold anything) is shown with its control characters escaped.
    public func format(_ d: Diagnostic) -> String {
        let d = typedPart?.shown(d) ?? d
        let label = d.kind == .assertion ? "assertion failed" : d.kind == .warning ? "warning" : "error"
        // Masked before it is cut: a URL cut short of its `@` would show its password's start.
        let message = TerminalText.escaped(DiagnosticFormatter.cut(Self.maskingPasswords(d.message)), keep: .lines)
        let suggestion = d.suggestion.map { TerminalText.escaped(DiagnosticFormatter.cut(Self.maskingPasswords($0)), keep: []) }
        let notes = d.notes.map { TerminalText.escaped(DiagnosticFormatter.cut(Self.maskingPasswords($0)), keep: .lines) }
        guard let source = d.source, !(source.isMadeFromCommandLine && d.range.start == 0) else {
            // Said by the command, as its other errors are (`tend: error: …`).
            var out = (d.source?.isMadeFromCommandLine == true ? "tend: " : "") + "\(paint(label + ":")) \(message)"
            if let s = suggestion { out += " (did you mean \(s)?)" }
            for n in notes { out += "\n  note: \(n)" }
            return out
        }
        let range = source.focus(d.range)
        let (line, col) = source.location(of: range.start)
        let name = TerminalText.escaped(source.name, keep: [])
        var out = bold("\(name):\(line):\(col):") + " \(paint(label + ":")) \(bold(message))"
        if let s = suggestion { out += "; did you mean \(s)?" }
        let (endLine, endCol) = source.location(of: max(range.start, range.end))
        let (text, column, width) = excerpt(source.line(line), column: col, endColumn: endLine == line ? endCol : nil)
        out += "\n" + text
        let pad = String(repeating: " ", count: max(0, column - 1))
        let marks = "^" + String(repeating: "~", count: max(0, min(width, 200) - 1))
        out += "\n" + pad + paintNote(marks)
        for n in notes { out += "\n" + paintNote("note:") + " \(n)" }
        return out
    }

    /// The text with the password of each URL in it (`postgresql://bob:s3cret@host`,
    /// `…?password=s3cret`) shown as asterisks, one for each character, so that a caret under
    /// the line stays where it was: a mistyped `push` echoed its connection string whole. The
    /// user's part of a URL runs to the last `@` of the word (a password may hold `/` unencoded,
    /// so this hides more rather than less, as `ConnectionSettings.redacted` does).
    public static func maskingPasswords(_ text: String) -> String {
        guard text.contains("://") || text.localizedCaseInsensitiveContains("password=") else { return text }
        return String(String.UnicodeScalarView(maskingPasswords(Array(text.unicodeScalars))))
    }

    static func maskingPasswords(_ scalars: [Unicode.Scalar]) -> [Unicode.Scalar] {
        var s = scalars
        func endsWord(_ c: Unicode.Scalar) -> Bool { c.properties.isWhitespace || c == "\"" || c == "'" || c == "`" }
        var i = 0
        while i < s.count {
            if s[i] == ":", i + 2 < s.count, s[i + 1] == "/", s[i + 2] == "/" {
                // The user's part ends at the last `@` before the URL ends (a password may hold `/`).
                var end = i + 3
                while end < s.count, !endsWord(s[end]) { end += 1 }
                if let at = s[(i + 3)..<end].lastIndex(of: "@"), let colon = s[(i + 3)..<at].firstIndex(of: ":") {
                    for k in (colon + 1)..<at { s[k] = "*" }
                }
                // On through the rest of the URL: its query may give a password too.
                i += 3
                continue
            }
            // A URL's query parameter (`?password=…`, `&password=…`), up to the next parameter or
            // the word's end, less the punctuation that ends a sentence after it.
            if s[i] == "=", i >= 9, "?&".unicodeScalars.contains(s[i - 9]), String(String.UnicodeScalarView(s[(i - 8)..<i])).lowercased() == "password" {
                var end = i + 1
                while end < s.count, s[end] != "&", !endsWord(s[end]) { end += 1 }
                while end > i + 1, ",.:;)]".unicodeScalars.contains(s[end - 1]) { end -= 1 }
                for k in (i + 1)..<end { s[k] = "*" }
                i = end
                continue
            }
            i += 1
        }
        return s
    }

    /// The source line as shown under the message, with the caret's column and width in it: a
    /// very long line (a pasted blob) is cut to a window around the error, and control characters
    /// are escaped (which widens them, so the caret is placed on the escaped text).
    func excerpt(_ line: String, column col: Int, endColumn: Int?) -> (text: String, column: Int, width: Int) {
        var scalars = Self.maskingPasswords(Array(line.replacingTabs().unicodeScalars))
        let width = endColumn.map { max(1, $0 - col) } ?? max(1, scalars.count - col + 1)
        var column = col
        var (head, tail) = ("", "")
        func shown(_ part: ArraySlice<Unicode.Scalar>) -> String {
            TerminalText.escaped(String(String.UnicodeScalarView(part)), keep: [])
        }
        // The window around the error, in the columns the text takes as shown (wide characters
        // two, an escaped control its escape), with an ellipsis for each end cut.
        let room = min(DiagnosticFormatter.maxLineWidth, max(24, (self.width ?? .max) - 1))
        if scalars.count > room / 2 {
            // A pasted megabyte is measured near the error only.
            let near = max(0, col - 1 - 4 * room)..<min(scalars.count, max(0, col - 1) + 4 * room)
            if near.count < scalars.count {
                if near.lowerBound > 0 { head = "…" }
                if near.upperBound < scalars.count { tail = "…" }
                scalars = Array(scalars[near])
                column -= near.lowerBound
            }
            let columns = scalars.map { Self.displayWidth(shown([$0][...])) }
            if columns.reduce(0, +) + head.count + tail.count > room {
                let at = max(0, min(column - 1, scalars.count))
                var (from, to, used) = (at, at, 0)
                // A quarter of the room before the error, the rest after it, then what is left
                // before; two columns kept for the ellipses.
                let budget = room - 2
                while from > 0, used + columns[from - 1] <= budget / 4 {
                    from -= 1
                    used += columns[from]
                }
                while to < scalars.count, used + columns[to] <= budget {
                    used += columns[to]
                    to += 1
                }
                while from > 0, used + columns[from - 1] <= budget {
                    from -= 1
                    used += columns[from]
                }
                if from > 0 { head = "…" }
                if to < scalars.count { tail = "…" }
                scalars = Array(scalars[from..<to])
                column -= from
            }
        }
        let start = max(0, min(column - 1, scalars.count))
        let end = max(start, min(start + width, scalars.count))
        let before = head + shown(scalars[..<start])
        let marked = shown(scalars[start..<end])
        let markedWidth = end > start ? Self.displayWidth(marked) : width
        return (before + marked + shown(scalars[end...]) + tail, Self.displayWidth(before) + 1, max(1, markedWidth))
    }

    /// The columns a terminal gives the text: two for wide characters (CJK, Hangul, fullwidth
    /// forms, emoji shown as emoji), none for combining marks, joiners and variation selectors,
    /// one for the rest; so that the caret stays under the error after `日本語` or `☕`.
    static func displayWidth(_ text: String) -> Int {
        text.unicodeScalars.reduce(0) { sum, s in
            let p = s.properties
            switch s.value {
            case 0x200B...0x200D, 0xFE00...0xFE0F, 0xE0100...0xE01EF: return sum
            case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF,
                0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x20000...0x3FFFD:
                return sum + 2
            default:
                if p.generalCategory == .nonspacingMark || p.generalCategory == .enclosingMark { return sum }
                return sum + (p.isEmojiPresentation ? 2 : 1)
            }
        }
    }

    /// The label (`error:`, `assertion failed:`) in bold red.
    private func paint(_ s: String) -> String {
        color ? "\u{1B}[1;31m\(s)\u{1B}[0m" : s
    }
    /// The caret and the notes in bold green.
    private func paintNote(_ s: String) -> String {
        color ? "\u{1B}[1;32m\(s)\u{1B}[0m" : s
    }
    private func bold(_ s: String) -> String { color ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
}

extension String {
    fileprivate func replacingTabs() -> String {
        // A tab would throw the caret off; one space per tab keeps columns aligned.
        String(unicodeScalars.map { $0 == "\t" ? " " : Character($0) })
    }
}
