import TendTestSupport
import Testing

@testable import TendCore

/// A book compares the numbers it kept with a page row by row (`KeptNumbersComparison`): the
/// answer is what reading the rows into lines and comparing them with the page's kept lines gives.
@Suite struct KeptNumbersTests {
    /// The lines the rows make, as a book reads them back (numbers below 1 on no line).
    static func lines(_ rows: [(Int, ItemKey)]) -> [[ItemKey]] {
        var lines: [[ItemKey]] = []
        for (n, key) in rows {
            while lines.count < n { lines.append([]) }
            if n >= 1 { lines[n - 1].append(key) }
        }
        return lines
    }

    static func compared(_ rows: [(Int, ItemKey)], _ page: [[ItemKey]]) -> Bool {
        var kept = KeptNumbersComparison(page)
        for (n, key) in rows { kept.next(n, key) }
        return kept.finish()
    }

    static let a = ItemKey(contact: 1, rule: "r")
    static let b = ItemKey(contact: 2, rule: "r")
    static let c = ItemKey(contact: 1, rule: "s")

    @Test(arguments: [
        ([], [], true),
        ([], [[]], true),
        ([(1, a)], [[a]], true),
        ([(1, a)], [[a], []], true),
        ([(1, a), (3, b)], [[a], [], [b]], true),
        ([(1, a), (1, c), (2, b)], [[a, c], [b]], true),
        ([(0, b), (1, a)], [[a]], true),
        ([(1, a)], [[a, c]], false),
        ([(1, a), (1, c)], [[a]], false),
        ([(1, a), (2, b)], [[a], [], [b]], false),
        ([(1, c), (1, a)], [[a, c]], false),
        ([(2, a)], [[a]], false),
        ([], [[a]], false),
        ([(1, a)], [], false),
    ] as [([(Int, ItemKey)], [[ItemKey]], Bool)])
    func rowsComparedWithAPage(rows: [(Int, ItemKey)], page: [[ItemKey]], same: Bool) {
        #expect(Self.compared(rows, page) == same)
        #expect((Self.lines(rows) == page.keptLines) == same)
    }

    /// Random pages and rows near them: the comparison row by row agrees with the lines read whole.
    @Test func agreesWithTheLinesReadWhole() {
        var rng = SeededGenerator(seed: 7)
        let keys = [Self.a, Self.b, Self.c]
        for _ in 0..<2_000 {
            let page = (0..<Int(rng.next() % 4)).map { _ in (0..<Int(rng.next() % 3)).map { _ in keys[Int(rng.next() % 3)] } }
            var rows = page.enumerated().flatMap { i, line in line.map { (i + 1, $0) } }
            switch rng.next() % 4 {
            case 0: if !rows.isEmpty { rows.removeLast() }
            case 1: rows.append((Int(rng.next() % 4), keys[Int(rng.next() % 3)]))
            case 2: if !rows.isEmpty { rows[Int(rng.next() % UInt64(rows.count))].0 += 1 }
            default: break
            }
            rows.sort { $0.0 < $1.0 }
            #expect(Self.compared(rows, page) == (Self.lines(rows) == page.keptLines), "\(rows) \(page)")
        }
    }
}
