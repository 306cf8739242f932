/// Text on its way to a terminal, with every scalar that could drive the terminal shown escaped.
///
/// Data comes from other people's files and scripts: a vCard named `Eve \e]52;c;…\a` would
/// otherwise write the clipboard (OSC 52), clear the screen or retitle the window. Every human
/// rendering (tables, cards, charts, confirmations, diagnostics) and every write to a terminal
/// goes through `escaped`, the one place that decides what is safe:
///
///     "Eve \u{1B}]52;c;aGk=\u{7}"  →  "Eve \e]52;c;aGk=\u{7}"
///
/// Escaped are the C0 controls (except a newline, a CR LF or a tab where the layout keeps them:
/// a CR LF shows as a line break), DEL, the C1 controls U+0080–U+009F (U+009B is CSI on
/// terminals that read 8-bit controls), the line and paragraph separators, and the
/// bidirectional overrides and isolates that reorder what is shown (the "Trojan Source"
/// characters). Machine formats keep data exact by their own escaping.
public enum TerminalText {
    /// What the layout at hand keeps as it is.
    public struct Keep: OptionSet, Sendable {
        public let rawValue: Int
        public init(rawValue: Int) { self.rawValue = rawValue }
        public static let newline = Keep(rawValue: 1)
        public static let tab = Keep(rawValue: 2)
        /// Tend's own colours (`TerminalText.palette`) and nothing else: data that carries
        /// `ESC [ 8 m` (hidden text) or any other sequence is escaped even where colours are kept.
        public static let colors = Keep(rawValue: 4)
        /// Running text: lines and indentation.
        public static let lines: Keep = [.newline, .tab]
    }

    /// True for a scalar that a terminal may act on instead of showing, or that shows nothing
    /// where it stands (a zero-width space, a byte-order mark, a soft hyphen: hidden text and
    /// look-alike names; the fillers and format characters that draw nothing, and the tag
    /// characters, which hide text). The joiners that shape scripts and emoji (U+200C, U+200D)
    /// show as they are, and so do the tags of a subdivision's flag (`escaped`).
    public static func isControl(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x00...0x1F, 0x7F...0x9F: return true
        case 0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A...0x202E, 0x2066...0x2069: return true
        case 0x00AD, 0x200B, 0x2060...0x2064, 0xFEFF, 0xFFF9...0xFFFB: return true
        case 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180E, 0x3164, 0xFFA0, 0x1D173...0x1D17A, 0xE0000...0xE007F: return true
        default: return false
        }
    }

    /// Where the tags of a subdivision's flag (U+1F3F4, then tag letters and digits, then
    /// U+E007F: 🏴󠁧󠁢󠁳󠁣󠁴󠁿) that start at `start` end; nil when the scalars there are not such a run.
    static func flagTagsEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        guard start > 0, scalars[start - 1].value == 0x1F3F4 else { return nil }
        var i = start
        while i < scalars.count, i - start < 8, (0xE0030...0xE0039).contains(scalars[i].value) || (0xE0061...0xE007A).contains(scalars[i].value) { i += 1 }
        return i > start && i < scalars.count && scalars[i].value == 0xE007F ? i + 1 : nil
    }

    /// The text with every control scalar escaped: `\e` for ESC, `\u{7}` for the others.
    public static func escaped(_ text: String, keep: Keep = []) -> String {
        // Most text is printable ASCII: it is returned as it is, without a copy.
        if text.utf8.allSatisfy({ ($0 >= 0x20 && $0 < 0x7F) || ($0 == 0x0A && keep.contains(.newline)) || ($0 == 0x09 && keep.contains(.tab)) }) {
            return text
        }
        var out = String.UnicodeScalarView()
        let scalars = Array(text.unicodeScalars)
        var i = 0
        while i < scalars.count {
            let s = scalars[i]
            i += 1
            if s == "\r", keep.contains(.newline), i < scalars.count, scalars[i] == "\n" {
                // A CR LF line end (a vCard's, an iCalendar's) is a line break where lines are kept.
                continue
            } else if !isControl(s) || (s == "\n" && keep.contains(.newline)) || (s == "\t" && keep.contains(.tab)) {
                out.append(s)
            } else if s == "\u{1B}", keep.contains(.colors), let end = colorSequenceEnd(scalars, from: i) {
                out.append(contentsOf: scalars[(i - 1)..<end])
                i = end
            } else if let end = flagTagsEnd(scalars, from: i - 1) {
                out.append(contentsOf: scalars[(i - 1)..<end])
                i = end
            } else if s == "\u{1B}" {
                out.append(contentsOf: "\\e".unicodeScalars)
            } else {
                out.append(contentsOf: "\\u{\(String(s.value, radix: 16, uppercase: true))}".unicodeScalars)
            }
        }
        return String(out)
    }

    /// The SGR parameters Tend paints with (the renderer's bold, dim and bars; the diagnostics'
    /// red, magenta and green; reset). A colour sequence with any other parameters is data.
    public static let palette: Set<String> = ["0", "1", "2", "36", "1;31", "1;35", "1;32"]

    /// Where a palette sequence that starts after an ESC at `start - 1` ends: `[`, one of the
    /// palette's parameters, `m`; nil for any other sequence.
    static func colorSequenceEnd(_ scalars: [Unicode.Scalar], from start: Int) -> Int? {
        guard start < scalars.count, scalars[start] == "[" else { return nil }
        var i = start + 1
        var parameters = ""
        while i < scalars.count, i - start <= 6, scalars[i] == ";" || ("0"..."9").contains(scalars[i]) {
            parameters.unicodeScalars.append(scalars[i])
            i += 1
        }
        return i < scalars.count && scalars[i] == "m" && palette.contains(parameters) ? i + 1 : nil
    }
}
