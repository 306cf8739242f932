import Foundation
import Testing

@testable import TendCore
@testable import TendREPL

/// Every way the renderer draws a value, fed every control scalar: nothing a terminal acts on
/// comes out (the class of issue 16, item 7, for the next output kind someone adds).
@Suite struct RendererHygieneTests {
    static let controls: [Unicode.Scalar] =
        (0x00...0x1F).compactMap(Unicode.Scalar.init) + (0x7F...0x9F).compactMap(Unicode.Scalar.init)
        + [0x061C, 0x200E, 0x200F, 0x2028, 0x2029, 0x202A, 0x202E, 0x2066, 0x2069].compactMap(Unicode.Scalar.init)
        // Characters that draw nothing (b92 F8: fillers, a musical format character, the tags
        // that hide text after an emoji or on their own).
        + [0x115F, 0x180E, 0x3164, 0xFFA0, 0x1D173, 0xE0001, 0xE0041, 0xE007F].compactMap(Unicode.Scalar.init)

    static func raw(_ text: String) -> [UInt32] {
        text.unicodeScalars.filter { $0 != "\n" && $0 != "\t" && TerminalText.isControl($0) }.map(\.value)
    }

    /// Every output kind holding `s` in each of its places: a cell, a list, a record, a contact's
    /// name, a column name, a card's field, a chart's label.
    static func outputs(_ s: String) -> [Output] {
        let people: [Int64: (name: String, handle: String)] = [1: (name: s, handle: "eve")]
        let table = Table(
            columns: ["name", s, "n"],
            rows: [
                [.string(s), .list([.string(s), .contact(1)]), .number(1)],
                [.record(Record(keys: [s], values: [.string(s)])), .contact(1), .number(2)],
            ],
            people: people)
        var chart = table
        chart.chartColumn = 2
        let card = Card(name: s, handle: s, fields: [("name", .string(s)), (s, .string(s)), ("notes", .string(s + "\n" + s))], timeline: table)
        return [.text(s), .value(.string(s)), .value(.list([.string(s)])), .table(table), .table(chart), .card(card)]
    }

    @Test func noFormatLetsAControlCharacterReachATerminal() {
        for c in RendererHygieneTests.controls {
            let s = "a\(Character(c))b"
            for format in OutputFormat.allCases {
                for width: Int? in [nil, 80] {
                    let renderer = Renderer(format: format, color: false, width: width, terminal: true)
                    for o in RendererHygieneTests.outputs(s) {
                        let text = renderer.render(o) ?? ""
                        #expect(RendererHygieneTests.raw(text).isEmpty, "U+\(String(c.value, radix: 16)) in \(format) \(o): \(text.debugDescription)")
                    }
                }
            }
        }
    }

    /// The last step before a terminal keeps Tend's own colours and escapes anything else.
    @Test func terminalTextKeepsOnlyColours() {
        let painted = "\u{1B}[1mbold\u{1B}[0m \u{1B}[1;31mred\u{1B}[0m"
        #expect(TerminalText.escaped(painted, keep: .colors) == painted)
        #expect(TerminalText.escaped("\u{1B}]0;title\u{7}", keep: .colors) == "\\e]0;title\\u{7}")
        #expect(TerminalText.escaped("\u{1B}[2J", keep: .colors) == "\\e[2J")
        // Colour sequences that Tend does not paint with are data: hidden text, blinking, a
        // foreground colour from an imported calendar's summary.
        #expect(TerminalText.escaped("2026\u{1B}[8mHIDDEN\u{1B}[0m", keep: .colors) == "2026\\e[8mHIDDEN\u{1B}[0m")
        #expect(TerminalText.escaped("\u{1B}[5;31mx", keep: .colors) == "\\e[5;31mx")
        #expect(TerminalText.escaped("\u{1B}[31m", keep: .colors) == "\\e[31m")
        #expect(TerminalText.escaped("a\nb\tc", keep: .lines) == "a\nb\tc")
        // A CR LF is a line break where lines are kept; a CR alone is escaped.
        #expect(TerminalText.escaped("a\r\nb\rc\r", keep: .lines) == "a\nb\\u{D}c\\u{D}")
        #expect(TerminalText.escaped("a\r\nb") == "a\\u{D}\\u{A}b")
        #expect(TerminalText.escaped("a\nb\tc") == "a\\u{A}b\\u{9}c")
        #expect(TerminalText.escaped("Ünïcödé 日本 🙂") == "Ünïcödé 日本 🙂")
        // A subdivision's flag keeps its tags; tags after anything else are escaped.
        let scotland = "\u{1F3F4}\u{E0067}\u{E0062}\u{E0073}\u{E0063}\u{E0074}\u{E007F}"
        #expect(TerminalText.escaped("go " + scotland + "!") == "go " + scotland + "!")
        #expect(TerminalText.escaped("ok\u{E0041}\u{E0042}") == "ok\\u{E0041}\\u{E0042}")
        #expect(TerminalText.escaped("\u{1F3F4}\u{E0041}x") == "\u{1F3F4}\\u{E0041}x")
    }

    /// JSON escapes every control scalar by its own rules, so it stays exact.
    @Test func jsonEscapesEveryControl() throws {
        for c in RendererHygieneTests.controls {
            let s = "a\(Character(c))b"
            let literal = jsonStringLiteral(s)
            #expect(RendererHygieneTests.raw(literal).isEmpty)
            let back = try JSONSerialization.jsonObject(with: Data(("[" + literal + "]").utf8)) as? [String]
            #expect(back == [s])
        }
    }
}
