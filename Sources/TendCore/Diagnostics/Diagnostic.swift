/// One problem found in Tend text or while running it.
public struct Diagnostic: Error, Sendable, CustomStringConvertible {
    public enum Severity: String, Sendable { case error, warning, note }
    /// What kind of problem: decides the exit code and whether the REPL asks for another line.
    public enum Kind: Sendable, Equatable {
        case syntax
        /// The input stopped in the middle of a statement; the REPL reads a continuation line.
        case incomplete
        case type
        case runtime
        case assertion
    }

    public var severity: Severity
    public var kind: Kind
    public var message: String
    public var source: Source?
    public var range: SourceRange
    public var notes: [String]
    /// A replacement the user likely meant, shown as "did you mean …?".
    public var suggestion: String?

    public init(
        _ kind: Kind, _ message: String, at range: SourceRange, in source: Source? = nil,
        suggestion: String? = nil, notes: [String] = [], severity: Severity = .error
    ) {
        self.kind = kind
        self.message = message
        self.range = range
        self.source = source
        self.suggestion = suggestion
        self.notes = notes
        self.severity = severity
    }

    public var description: String { DiagnosticFormatter.plain.format(self) }
}

/// A batch of diagnostics thrown together (a script that does not parse or check).
public struct DiagnosticList: Error, Sendable {
    public var diagnostics: [Diagnostic]
    public init(_ diagnostics: [Diagnostic]) { self.diagnostics = diagnostics }
}

/// Draws a diagnostic as `file:line:col: error: message`, the source line and a caret.
public struct DiagnosticFormatter: Sendable {
    public var color: Bool
    public init(color: Bool) { self.color = color }
    public static let plain = DiagnosticFormatter(color: false)
    /// Source lines longer than this are cut to a window around the error.
    static let maxLineWidth = 160

    public func format(_ d: Diagnostic) -> String {
        let label = d.kind == .assertion ? "assertion failed" : d.severity.rawValue
        guard let source = d.source else {
            var out = "\(paint(label + ":", d.severity)) \(d.message)"
            if let s = d.suggestion { out += " (did you mean \(s)?)" }
            for n in d.notes { out += "\n  note: \(n)" }
            return out
        }
        let (line, col) = source.location(of: d.range.start)
        var out = bold("\(source.name):\(line):\(col):") + " \(paint(label + ":", d.severity)) \(bold(d.message))"
        if let s = d.suggestion { out += "; did you mean \(s)?" }
        var text = source.line(line).replacingTabs()
        let (endLine, endCol) = source.location(of: max(d.range.start, d.range.end))
        var width = endLine == line ? max(1, endCol - col) : max(1, text.unicodeScalars.count - col + 1)
        var column = col
        // A very long line (a pasted blob) is shown as a window around the error.
        if text.unicodeScalars.count > DiagnosticFormatter.maxLineWidth {
            let scalars = Array(text.unicodeScalars)
            let from = max(0, col - 1 - 40)
            let to = min(scalars.count, from + DiagnosticFormatter.maxLineWidth)
            var window = String(String.UnicodeScalarView(scalars[from..<to]))
            if from > 0 { window = "…" + window }
            if to < scalars.count { window += "…" }
            column = col - from + (from > 0 ? 1 : 0)
            text = window
            width = min(width, DiagnosticFormatter.maxLineWidth - column + 1)
        }
        out += "\n" + text
        let pad = String(repeating: " ", count: max(0, column - 1))
        let marks = "^" + String(repeating: "~", count: max(0, min(width, 200) - 1))
        out += "\n" + pad + paint(marks, .note)
        for n in d.notes { out += "\n" + paint("note:", .note) + " \(n)" }
        return out
    }

    private func paint(_ s: String, _ severity: Diagnostic.Severity) -> String {
        guard color else { return s }
        switch severity {
        case .error: return "\u{1B}[1;31m\(s)\u{1B}[0m"
        case .warning: return "\u{1B}[1;35m\(s)\u{1B}[0m"
        case .note: return "\u{1B}[1;32m\(s)\u{1B}[0m"
        }
    }
    private func bold(_ s: String) -> String { color ? "\u{1B}[1m\(s)\u{1B}[0m" : s }
}

extension String {
    fileprivate func replacingTabs() -> String {
        // A tab would throw the caret off; one space per tab keeps columns aligned.
        String(unicodeScalars.map { $0 == "\t" ? " " : Character($0) })
    }
}
