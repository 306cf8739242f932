import Testing

@testable import TendCore

/// `group by … show …` (#23.4): the key is not repeated, and the chart draws the value `show`
/// names first, labelled by the keys alone.
@Suite struct GroupTests {
    func table(_ h: Harness, _ text: String) throws -> Table {
        guard case .table(let t)? = try h.run(text).last else { throw Diagnostic(.runtime, "no table", at: .none) }
        return t
    }

    @Test func aShownKeyIsOneColumn() throws {
        let h = try fixture()
        #expect(try table(h, "contacts group by stage show stage, count()").columns == ["stage", "count"])
        #expect(try table(h, "contacts group by stage show count(), stage").columns == ["count", "stage"])
        #expect(try table(h, "contacts group by stage show stage as stage, count()").columns == ["stage", "count"])
        #expect(try table(h, "contacts group by profession show upper(profession) as profession").columns == ["profession", "profession_2"])
        #expect(try table(h, "contacts group by stage, met_at show met_at, count()").columns == ["stage", "met_at", "count"])
        // A key named by its column is the key (it was shown twice, as stage and stage_2).
        let named = try table(h, "interactions group by contact.stage show stage, count()")
        #expect(named.columns == ["stage", "count"], "\(named.columns)")
    }

    /// Keys equal by `==` share a group (b72): `1y == 365d`, so one group of two, shown as the
    /// first met; they made two groups.
    @Test func durationsEqualByEqualsShareAGroup() throws {
        let h = Harness(prelude: false)
        try h.run("add \"A\" cadence: 1y\nadd \"B\" cadence: 365d\nadd \"C\" cadence: 2w\nadd \"D\" cadence: 14d")
        #expect(h.text(try h.value("count(contacts where cadence == 1y)")) == "2")
        let t = try table(h, "contacts group by own_cadence sort by own_cadence")
        #expect(t.rows.map { $0.map(h.text) } == [["2w", "2"], ["1y", "2"]], "\(t.rows)")
    }

    @Test func theChartDrawsTheFirstShownValueLabelledByTheKeys() throws {
        let h = try fixture()
        let t = try table(h, "contacts group by met_at show sum(touches), count()")
        #expect(t.columns == ["met_at", "sum_touches", "count"])
        #expect(t.chartColumn == 1 && t.labelColumns == [0])
        let keyLast = try table(h, "contacts group by stage show count(), avg(gains), stage")
        #expect(keyLast.chartColumn == 0 && keyLast.labelColumns == [2])
        // A value that is not a number is not drawn; the next one is.
        let text = try table(h, "contacts group by stage show max(name), count()")
        #expect(text.chartColumn == 2 && text.labelColumns == [0])
        #expect(try table(h, "contacts group by profession").chartColumn == 1)
    }

    /// Without `sort by`, the biggest groups come first whatever `show` holds, ties by key: with
    /// no count shown, the groups came by their first column backwards (Z to A).
    @Test func theBiggestGroupsComeFirstWithoutACount() throws {
        let h = Harness()
        try h.run("""
            add "A1" met_at: "alpha"
            add "B1" met_at: "beta"
            add "B2" met_at: "beta"
            add "C1" met_at: "gamma"
            add "C2" met_at: "gamma"
            add "C3" met_at: "gamma"
            add "D1" met_at: "delta"
            """)
        for text in [
            "contacts group by met_at show met_at", "contacts group by met_at show met_at, max(name)", "contacts group by met_at show met_at, count()",
            // A column named like a count is no count (it sorted by the average).
            "contacts group by met_at show met_at, avg(gains) as counter", "contacts group by met_at show met_at as country",
        ] {
            let t = try table(h, text)
            #expect(t.rows.map { plainText($0[0]) } == ["gamma", "beta", "alpha", "delta"], "\(text)")
        }
    }

    /// A row's field that is not a key is read through an aggregate: alone it is a check error,
    /// not a run-time one.
    @Test func aFieldThatIsNotAKeyIsAnError() throws {
        let h = try fixture()
        for text in ["contacts group by stage show name", "contacts group by stage sort by touches", "contacts group by stage show it"] {
            #expect(throws: Diagnostic.self, "\(text)") { try h.run(text) }
            do { try h.run(text) } catch let d as Diagnostic {
                #expect(d.kind == .type && d.message.contains("show a key (stage) or an aggregate"), "\(d.message)")
            }
        }
        #expect(try table(h, "contacts group by stage sort by count desc show stage, max(name)").columns == ["stage", "max_name"])
    }

    /// Whatever `show` lists, no two columns of a grouped result share a name, and every key
    /// is a column once.
    @Test func columnsAreUnique() throws {
        let h = try fixture()
        let items = [
            "stage", "count()", "met_at", "upper(met_at) as stage", "sum(touches)", "stage as met_at", "max(touches) as count", "count() as stage",
        ]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<60 {
            let n = Int.random(in: 1...4, using: &generator)
            let show = (0..<n).map { _ in items.randomElement(using: &generator)! }
            let keys = Bool.random(using: &generator) ? ["met_at", "stage"] : ["stage", "met_at"]
            let text = "contacts group by \(keys.joined(separator: ", ")) show \(show.joined(separator: ", "))"
            let t = try table(h, text)
            #expect(Set(t.columns).count == t.columns.count, "\(text): \(t.columns)")
            for k in keys { #expect(t.columns.filter { $0 == k }.count == 1, "\(text): \(t.columns)") }
            #expect(t.rows.allSatisfy { $0.count == t.columns.count })
        }
    }

    /// A group keeps the values its aggregates take from its rows, not the rows (a group by
    /// over a million events held them all): each aggregate is what it is over the rows kept,
    /// as a query that reads the rows otherwise (one with a query in its `show`) keeps them.
    @Test func aggregatesTakenAsRowsComeAreTheAggregatesOfTheRowsKept() throws {
        let h = try fixture()
        let queries = [
            "contacts group by stage show count(), avg(gains), max(name), min(met_on), sum(touches)",
            "contacts group by tags show count(), avg(touches), count",
            "contacts as c group by c.met_at sort by sum(c.touches) desc, count show met_at, max(c.touches) - min(c.touches) as spread",
            "contacts group by stage show round(avg(touches), 1), if count() > 1 then \"many\" else \"one\", max(1, count())",
            "contacts group by profession sort by max(last_touch) desc, count() show profession, max(last_touch)",
        ]
        for text in queries {
            try compareFoldedAndKept(h, text)
        }
    }

    /// An aggregate whose argument fails on some row fails only where `show` or `sort by`
    /// reaches it, as with the rows kept; where several would fail, the one reached first
    /// says so (a `show` column before a later one, `show` before `sort by`).
    @Test func anAggregateFailsOnlyWhereItIsReached() throws {
        let h = try fixture()
        let unreached = [
            "contacts group by stage show if count() > 1000 then max(start_of(name)) else 0",
            "contacts group by stage show count() > 1000 and max(start_of(name)) != null",
            "contacts group by stage sort by count() > 1000 and max(start_of(name)) != null show count()",
        ]
        for text in unreached { try compareFoldedAndKept(h, text) }
        let failing = [
            "contacts group by stage show max(start_of(name)), avg(start_of(company))",
            "contacts group by stage sort by max(start_of(company)) show max(start_of(name))",
        ]
        for text in failing {
            var errors: [(String, Int)] = []
            for t in [text, text + ", count(contacts where false) as kept_rows"] {
                do {
                    _ = try table(h, t)
                    Issue.record("\(t) ran")
                } catch let d as Diagnostic {
                    errors.append((d.message, d.range.start))
                }
            }
            #expect(errors.count == 2 && errors[0] == errors[1], "\(text): \(errors)")
            // The column `show` reaches first: `max(start_of(name))`.
            let reached = text.utf8.count - text[text.range(of: "start_of(name)")!.lowerBound...].utf8.count
            #expect(errors.first?.1 == reached, "\(text): \(errors)")
        }
    }

    /// A grouped query and its twin made to keep its rows (a query in its `show`) print alike.
    func compareFoldedAndKept(_ h: Harness, _ text: String) throws {
        let folded = try table(h, text)
        let kept = try table(h, text + ", count(contacts where false) as kept_rows")
        #expect(kept.columns.last == "kept_rows")
        #expect(folded.columns == Array(kept.columns.dropLast()), "\(text)")
        let cells = { (rows: [[Value]]) in rows.map { $0.map { "\($0)" } } }
        #expect(cells(folded.rows) == cells(kept.rows.map { Array($0.dropLast()) }), "\(text)")
        #expect(folded.rows.count > 1, "\(text)")
    }
}
