import Testing

@testable import TendCore
@testable import TendREPL

/// A table narrowed to a terminal's width wraps its long text at blanks rather than cutting it
/// (an 80-column agenda showed twenty characters of each message).
@Suite struct WrappedTableTests {
    @Test func longTextWrapsWithinItsColumn() {
        let message = "Touch base with Priya Sato: 67 days past a 3mo cadence"
        let t = Table(
            columns: ["number", "contact", "message", "overdue"],
            rows: [[.number(1), .string("Priya Sato"), .string(message), .string("67d")], [.number(12), .string("Bo"), .string("Call"), .null]])
        let lines = Renderer(format: .table, width: 50).render(.table(t))!.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { Renderer.displayWidth($0) <= 50 }, "\(lines)")
        // The message whole, a word never split, over the first row's lines; the number once, flush right.
        let column = lines[0].range(of: "message")!.lowerBound.utf16Offset(in: lines[0])
        let first = lines.dropFirst(2).prefix { !$0.hasPrefix("    12") && !$0.hasPrefix("(") }
        #expect(first.count > 1, "\(lines)")
        let pieces = first.map { String($0.dropFirst(column).prefix { _ in true }).components(separatedBy: "  ").first ?? "" }
        #expect(pieces.joined(separator: " ") == message, "\(pieces)")
        #expect(first.first!.hasPrefix("     1  Priya Sato"), "\(lines)")
        #expect(first.dropFirst().allSatisfy { $0.prefix(column).allSatisfy { $0 == " " } }, "\(lines)")
        #expect(lines.contains { $0.hasPrefix("    12  Bo") && $0.contains("Call") })
    }

    /// The room goes first to the text that would otherwise lose its end: a long message beside
    /// a shorter list of rules keeps every word at 80 columns (b89: both got 19 columns and the
    /// message was cut with "…", while the rules fitted with room to spare).
    @Test func theLongestTextKeepsItsEnd() {
        let message = "You sent Joan Rivera 1 referral and got none back: share what a good referral for you looks like"
        let t = Table(
            columns: ["number", "priority", "contact", "message", "rules", "overdue"],
            rows: [[.number(1), .number(4), .string("Joan Rivera"), .string(message), .string("ask for reciprocity, complete GAINS"), .string("0d")]])
        let lines = Renderer(format: .table, width: 80).render(.table(t))!.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { Renderer.displayWidth($0) <= 80 }, "\(lines)")
        #expect(!lines.joined().contains("…"), "\(lines.joined(separator: "\n"))")
        let words = lines.dropFirst(2).dropLast().joined(separator: " ").split(separator: " ")
        for word in message.split(separator: " ") { #expect(words.contains(word), "\(word): \(lines.joined(separator: "\n"))") }
    }

    /// The room comes from text that wraps at blanks before a word is broken: at 60 columns a
    /// handle and a date stay whole while the company and the message wrap (b92 F4: every
    /// column was narrowed alike, `chloe-` over `lee`, `2026-04` over `-26`).
    @Test func wordsStayWholeWhileTextCanWrap() {
        let t = Table(
            columns: ["handle", "name", "company", "last_touch", "message"],
            rows: [
                [.string("chloe-lee"), .string("Chloe Lee"), .string("Northwind IT Consulting"), .string("2026-04-26"), .string("Touch base with Chloe Lee: 195 days past a 3mo cadence")],
                [.string("dana-khan"), .string("Dana Khan"), .string("Keystone Attorneys"), .string("2026-11-15"), .string("Ask for a referral")],
            ])
        let lines = Renderer(format: .table, width: 60).render(.table(t))!.split(separator: "\n").map(String.init)
        #expect(lines.allSatisfy { Renderer.displayWidth($0) <= 60 }, "\(lines.joined(separator: "\n"))")
        for word in ["chloe-lee", "dana-khan", "2026-04-26", "2026-11-15", "Northwind", "Consulting", "Keystone", "Attorneys"] {
            #expect(lines.contains { $0.contains(word) }, "\(word)\n\(lines.joined(separator: "\n"))")
        }
    }

    /// A single word (a handle, a stage) stays whole while a column of text with blanks can give
    /// room, even past its own longest word (b98 #2: at 80 columns `felix-jense` over `n`); a
    /// grid that cannot fit at six characters a column leaves its last columns out, and says so
    /// (b98 #1: at 40 columns the lines were 54 wide, wrapped by the terminal).
    @Test func narrowTerminalsKeepTheGridWithinTheirWidth() {
        let t = Table(
            columns: ["handle", "name", "company", "profession", "stage", "last_touch", "overdue"],
            rows: [
                [.string("felix-jensen"), .string("Felix Jensen"), .string("Lighthouse Chiropractic"), .string("chiropractor"), .string("credibility"), .string("2026-11-28"), .string("0d")],
                [.string("chloe-mensah"), .string("Chloe Mensah"), .string("Orchard Insurance"), .string("insurance agent"), .string("profitability"), .string("2026-12-01"), .string("0d")],
            ])
        let wide = Renderer(format: .table, width: 80).render(.table(t))!.split(separator: "\n").map(String.init)
        #expect(wide.allSatisfy { Renderer.displayWidth($0) <= 80 }, "\(wide.joined(separator: "\n"))")
        for word in ["felix-jensen", "chloe-mensah", "credibility", "profitability", "2026-11-28"] {
            #expect(wide.contains { $0.contains(word) }, "\(word)\n\(wide.joined(separator: "\n"))")
        }
        for width in [50, 40, 20] {
            let lines = Renderer(format: .table, width: width).render(.table(t))!.split(separator: "\n").map(String.init)
            #expect(lines.allSatisfy { Renderer.displayWidth($0) <= width }, "\(width)\n\(lines.joined(separator: "\n"))")
            #expect(lines.joined(separator: " ").contains("left out for the terminal's width") && lines.joined(separator: " ").contains("overdue"), "\(lines)")
            // What is shown is named in the header, and not as left out.
            let said = lines.drop { !$0.hasPrefix("(") }.joined(separator: " ")
            let header = lines[0].split(separator: " ").map(String.init)
            #expect(header.first == "handle" && header.allSatisfy { !said.contains(" \($0),") && !said.contains(" \($0))") }, "\(lines)")
        }
    }

    @Test(arguments: [
        ("one two three four", 7, ["one two", "three", "four"]),
        ("abcdefghij klm", 4, ["abcd", "efgh", "ij", "klm"]),
        ("a b c d e f g h i j k l m n o p", 3, ["a b", "c d", "e f", "g …"]),
        ("日本語のテキスト", 6, ["日本語", "のテキ", "スト"]),
        ("ab 日本 cd", 1, ["a", "b", "…"]),
    ])
    func wrapping(text: String, width: Int, expected: [String]) {
        let lines = GridLayout.wrapped(text, width, lines: 4)
        #expect(lines == expected)
        #expect(lines.allSatisfy { Renderer.displayWidth($0) <= max(width, 1) }, "\(lines)")
    }
}
