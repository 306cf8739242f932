import Testing

@testable import TendCore
@testable import TendREPL

/// A grouped result on a terminal (#23.4): bars labelled by the keys alone, under a line that
/// names the keys and the value drawn; the other values follow as a table.
@Suite struct ChartTests {
    @Test func barsAreLabelledByTheKeysAndNameTheirValue() {
        var t = Table(
            columns: ["company", "sum_touches", "count"],
            rows: [[.string("Salon Joan"), .number(7), .number(2)], [.null, .number(1), .number(4)]])
        t.chartGroups(keys: ["company"])
        let lines = Renderer(format: .table, width: 60).render(.table(t))!.split(separator: "\n").map(String.init)
        #expect(lines[0].hasPrefix("company") && lines[0].hasSuffix("│ sum_touches"), "\(lines)")
        #expect(lines[1].hasPrefix("Salon Joan │█") && lines[1].hasSuffix(" 7"), "\(lines)")
        #expect(lines[2].hasPrefix("(none)     │") && lines[2].hasSuffix(" 1"), "\(lines)")
        // The labels hold no value, and the count follows in the table below.
        #expect(!lines[1].contains("·"))
        #expect(lines.contains { $0.hasPrefix("company") && $0.contains("count") && $0.contains("sum_touches") })
    }

    @Test func aKeyShownLastStillLabelsTheBars() {
        var t = Table(columns: ["count", "stage"], rows: [[.number(3), .stage(.contact)], [.number(1), .stage(.visibility)]])
        t.chartGroups(keys: ["stage"])
        let lines = Renderer(format: .table, width: 60).render(.table(t))!.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(lines)")
        #expect(lines[0] == "stage      │ count")
        #expect(lines[1].hasPrefix("contact    │██") && lines[1].hasSuffix("█ 3"), "\(lines)")
        #expect(lines[2].hasPrefix("visibility │██") && lines[2].hasSuffix(" 1"), "\(lines)")
    }
}

/// A card on a terminal: its timeline, indented, fits the width as every table does (b83 #2: it
/// was made for the whole width and went two columns past it, and the terminal wrapped it).
@Suite struct CardWidthTests {
    @Test(arguments: [40, 60, 80]) func theTimelineFitsTheWidth(_ width: Int) {
        let note = String(repeating: "talked about the spring referral campaign ", count: 4)
        let timeline = Table(
            columns: ["on", "kind", "note"],
            rows: (1...3).map { [.date(Day(year: 2026, month: 11, day: $0)!), .string("lunch"), .string(note)] })
        let card = Card(name: "Ana Park", handle: "ana-park", fields: [("name", .string("Ana Park")), ("city", .string("Irvine"))], timeline: timeline)
        let lines = Renderer(format: .table, width: width).render(card).split(separator: "\n").map(String.init)
        #expect(lines.count > 4)
        for line in lines { #expect(Renderer.displayWidth(line) <= width, "\(line.count): \(line)") }
    }
}
