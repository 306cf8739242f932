/// A piece of Tend text with the name it is reported under (a file path, `<repl>`, `<-e>`).
/// Immutable, so one source (the prelude's) is shared between threads safely.
public final class Source: Sendable {
    public let name: String
    public let text: String
    /// The text as UTF-8; offsets everywhere in the core are offsets into this array.
    public let bytes: [UInt8]
    /// The offset where each line begins.
    private let lineStarts: [Int]
    /// A statement Tend made from a command line (`tend import`, `tend export`) rather than text
    /// the user wrote: an error about the whole statement names no place in it and does not echo
    /// it (one in the query the user gave does).
    public let isMadeFromCommandLine: Bool

    /// A carriage return alone (a file saved with old Mac line ends) ends a line, as CR LF does:
    /// read as a space, it left a comment open to the end of the file, and the statements after
    /// it (a CI check's asserts) were passed over unsaid.
    public init(name: String, text: String, madeFromCommandLine: Bool = false) {
        self.name = name
        var bytes = Array(text.utf8)
        var loneReturns = false
        var starts = [0]
        for i in bytes.indices {
            if bytes[i] == 0x0D && (i + 1 == bytes.count || bytes[i + 1] != 0x0A) {
                bytes[i] = 0x0A
                loneReturns = true
            }
            if bytes[i] == 0x0A { starts.append(i + 1) }
        }
        self.text = loneReturns ? String(decoding: bytes, as: UTF8.self) : text
        isMadeFromCommandLine = madeFromCommandLine
        self.bytes = bytes
        lineStarts = starts
    }

    /// The 1-based line and column (in characters) of a byte offset.
    public func location(of offset: Int) -> (line: Int, column: Int) {
        let offset = max(0, min(offset, bytes.count))
        var lo = 0
        var hi = lineStarts.count - 1
        while lo < hi {
            let mid = (lo + hi + 1) / 2
            if lineStarts[mid] <= offset { lo = mid } else { hi = mid - 1 }
        }
        let start = lineStarts[lo]
        return (lo + 1, Source.characterCount(bytes[start..<offset]) + 1)
    }

    /// The text of the 1-based line, without its line break.
    public func line(_ number: Int) -> String {
        guard number >= 1, number <= lineStarts.count else { return "" }
        let start = lineStarts[number - 1]
        var end = number < lineStarts.count ? lineStarts[number] - 1 : bytes.count
        if end > start, end <= bytes.count, end - 1 >= start, bytes[end - 1] == 0x0D { end -= 1 }
        return String(decoding: bytes[start..<max(start, end)], as: UTF8.self)
    }

    /// The source text of a range.
    /// The text of a range, its line ends LF (a definition's text, a goal's metric, kept and
    /// dumped: a dump saved with CR LF ends read back with a CR on every line of them).
    public func slice(_ range: SourceRange) -> String {
        let lo = max(0, min(range.start, bytes.count))
        let hi = max(lo, min(range.end, bytes.count))
        let part = bytes[lo..<hi]
        guard part.contains(0x0D) else { return String(decoding: part, as: UTF8.self) }
        var kept: [UInt8] = []
        kept.reserveCapacity(part.count)
        for i in part.indices where !(part[i] == 0x0D && i + 1 < bytes.count && bytes[i + 1] == 0x0A) { kept.append(part[i]) }
        return String(decoding: kept, as: UTF8.self)
    }

    /// The range a message points at: without parentheses that enclose the whole of it, and
    /// the blanks and line breaks inside them, so that an error in `(⏎ stage > 3⏎)` is shown on
    /// the line of `stage > 3`, not at the `(` lines above.
    public func focus(_ range: SourceRange) -> SourceRange {
        var lo = max(0, min(range.start, bytes.count))
        var hi = max(lo, min(range.end, bytes.count))
        func isBlank(_ b: UInt8) -> Bool { b == 0x20 || b == 0x09 || b == 0x0A || b == 0x0D }
        while hi - lo >= 2, bytes[lo] == UInt8(ascii: "("), bytes[hi - 1] == UInt8(ascii: ")") {
            // The first parenthesis must close at the last (not `(a) + (b)`).
            var depth = 0
            var closesAtEnd = false
            for i in lo..<hi {
                if bytes[i] == UInt8(ascii: "(") { depth += 1 } else if bytes[i] == UInt8(ascii: ")") { depth -= 1 }
                if depth == 0 {
                    closesAtEnd = i == hi - 1
                    break
                }
            }
            guard closesAtEnd else { break }
            lo += 1
            hi -= 1
            while lo < hi, isBlank(bytes[lo]) { lo += 1 }
            while hi > lo, isBlank(bytes[hi - 1]) { hi -= 1 }
        }
        return SourceRange(lo, hi)
    }

    static func characterCount(_ slice: ArraySlice<UInt8>) -> Int {
        // Count UTF-8 lead bytes: a column is a Unicode scalar, which is what a caret lines up with
        // for the text people type (accents, emoji without joiners).
        var n = 0
        for b in slice where b & 0xC0 != 0x80 { n += 1 }
        return n
    }
}

/// A half-open range of byte offsets into a `Source`.
public struct SourceRange: Hashable, Sendable, CustomStringConvertible {
    public var start: Int
    public var end: Int
    public init(_ start: Int, _ end: Int) {
        self.start = start
        self.end = max(start, end)
    }
    public static let none = SourceRange(0, 0)
    public func to(_ other: SourceRange) -> SourceRange { SourceRange(min(start, other.start), max(end, other.end)) }
    public var description: String { "\(start)..<\(end)" }
}
