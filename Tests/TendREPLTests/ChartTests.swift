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
