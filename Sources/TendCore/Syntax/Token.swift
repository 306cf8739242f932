import Foundation

/// One lexical unit with the range of text it came from.
public struct Token: Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable {
        case identifier(String)
        case number(Decimal)
        case string([StringPiece])
        case date(Day)
        case duration(Duration)
        case handle(String)
        /// `+vip` / `-vip` in tag position: `adds` is true for `+`.
        case tag(String, adds: Bool)
        case symbol(String)
        case newline
        case eof
        /// Text that is not a token; the message says why. The lexer never throws.
        case error(String)
    }
    public var kind: Kind
    public var range: SourceRange

    public var description: String {
        switch kind {
        case .identifier(let s): return s
        case .number(let n): return n.tendText
        case .string: return "string"
        case .date(let d): return d.description
        case .duration(let d): return d.description
        case .handle(let h): return "@" + h
        case .tag(let t, let adds): return (adds ? "+" : "-") + t
        case .symbol(let s): return s
        case .newline: return "newline"
        case .eof: return "end of input"
        case .error(let m): return m
        }
    }
}

/// A piece of a string literal: literal text, or the source range of an interpolated `{expr}`.
public enum StringPiece: Sendable, Equatable {
    case text(String)
    case code(SourceRange)
}
