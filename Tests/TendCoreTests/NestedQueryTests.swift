import Testing

@testable import TendCore

/// A query nested in another's rows runs once for each value it reads from outside (b100 #3:
/// `contacts as c where count(contacts where city == c.city) > 3` ran once a contact, a
/// minute at 5,000 contacts), with the answers it gave when it ran once a row.
@Suite struct NestedQueryTests {
    /// 300 people in three cities (150, 100, 50), a tenth of them vips, and one with no city.
    static func town() throws -> Harness {
        let h = Harness(prelude: false)
        var script = ""
        for i in 0..<300 {
            let city = i < 150 ? "Austin" : i < 250 ? "Boston" : "Chicago"
            script += "add \"P\(i)\" city: \"\(city)\", company: \"Co \(i % 7)\"\(i % 10 == 0 ? ", +vip" : "")\n"
        }
        script += "add \"Nobody Anywhere\"\n"
        try h.run(script)
        return h
    }

    @Test func aNestedQueryRunsOnceForEachOuterValue() throws {
        let h = try NestedQueryTests.town()
        // Once a contact, 301 × 301 rows: over the limit. Once a city: four runs of 301.
        h.interpreter.maxWork = 30_000
        #expect(h.text(try h.value("count(contacts as c where count(contacts where city == c.city) > 60)")) == "250")
        #expect(h.text(try h.value("count(contacts as c where count(contacts where city == c.city and +vip) == 5)")) == "50")
        #expect(h.text(try h.value("count(contacts as c where c.city == null and count(contacts where city == c.city) == 1)")) == "1")
        let biggest = try h.handles("contacts as c where count(contacts where city == c.city) >= 150 and +vip sort by name show handle limit 2")
        #expect(biggest == ["p0", "p10"], "\(biggest)")
    }

    /// Each answer is the one the query gives when it runs for every row (made to, by reading
    /// each row's own name): two outer values in the key, a fn's parameter, a name given to rows
    /// both outside and inside, a rule's contact.
    @Test(arguments: [
        "count(contacts as c where count(contacts where city == c.city and company == c.company) == 22)",
        "count(contacts as c where count(contacts where company == c.company and city != c.city) > 20)",
        "count(contacts as c where same_town(c) > 60)",
        "count(contacts as c where count(contacts where city == c.city and count(contacts as c where company == \"Co 1\") > 0) > 60)",
        "count(contacts as c where count(contacts as d where d.city == c.city and +vip) > 5)",
        "count(agenda)",
    ])
    func eachAnswerIsTheOneOfARunARow(_ query: String) throws {
        let h = try NestedQueryTests.town()
        try h.run("""
            fn same_town(p) = count(contacts where city == p.city)
            rule "crowd" as c when count(contacts where city == c.city and company == c.company) > 20 then remind "x"
            """)
        let kept = h.text(try h.value(query))
        let once = query.replacingOccurrences(of: "where city", with: "where name != c.name + \"~\" and city")
            .replacingOccurrences(of: "where company", with: "where name != c.name + \"~\" and company")
            .replacingOccurrences(of: "where d.city", with: "where name != c.name + \"~\" and d.city")
            .replacingOccurrences(of: "fn same_town(p) = count(contacts where", with: "")
        #expect(once != query || query.contains("same_town") || query == "count(agenda)")
        if query.contains("same_town") {
            try h.run("fn same_town(p) = count(contacts where name != p.name + \"~\" and city == p.city)")
        }
        if query == "count(agenda)" {
            try h.run("rule \"crowd\" as c when count(contacts where name != c.name + \"~\" and city == c.city and company == c.company) > 20 then remind \"x\"")
        }
        #expect(kept == h.text(try h.value(once)), "\(query)")
        #expect(["0", "301"].contains(kept) == false || query.contains("Co 1"), "\(query): \(kept) says nothing")
    }

    /// Runs made on one day are not read on another (`agenda on DATE` in the same statement).
    @Test func anotherDaysRunsAreNotRead() throws {
        let h = try NestedQueryTests.town()
        try h.run("""
            log call with @p0 on 2026-11-20
            rule "quiet" as c when count(interactions where c in people and on >= today - 7d) == 0 and city == "Austin" then remind "x"
            """)
        let together = h.text(try h.value("[count(agenda), count(agenda on 2026-11-25), count(agenda on 2026-12-20)]"))
        let apart = try ["count(agenda)", "count(agenda on 2026-11-25)", "count(agenda on 2026-12-20)"].map { h.text(try h.value($0)) }
        #expect(together == apart.joined(separator: ", "), "\(together) against \(apart)")
        #expect(apart == ["149", "149", "150"], "\(apart)")
    }

    /// A query read once for each outer row keeps nothing after its first 64 runs.
    @Test func runsThatAreNeverReadAgainAreNotKept() throws {
        let h = try NestedQueryTests.town()
        #expect(h.text(try h.value("count(contacts as c where count(contacts where name == c.name) == 1)")) == "301")
        #expect(h.interpreter.nestedRuns.values.map(\.results.count) == [Interpreter.nestedRunsTried])
        #expect(h.text(try h.value("count(contacts as c where count(contacts where city == c.city) > 0)")) == "301")
        #expect(h.interpreter.nestedRuns.values.map(\.results.count) == [4])
    }
}
