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
        // Two outer values (city and company) make the key; a null city is a value of its own.
        #expect(h.text(try h.value("count(contacts as c where count(contacts where city == c.city and company == c.company) > 20)")) == "150")
        #expect(h.text(try h.value("count(contacts as c where c.city == null and count(contacts where city == c.city) == 1)")) == "1")
        let biggest = try h.handles("contacts as c where count(contacts where city == c.city) >= 150 and +vip sort by name show handle limit 2")
        #expect(biggest == ["p0", "p10"], "\(biggest)")
    }

    /// What is not the same from one outer row to the next runs every time: a query that
    /// reads each row itself (`contact == c`, `name != c.name`), one whose rows come from
    /// the outer row, a name both outside and inside.
    @Test func whatDiffersForEachRowStillRunsEachTime() throws {
        let h = try NestedQueryTests.town()
        #expect(h.text(try h.value("count(contacts as c where count(contacts where city == c.city and name != c.name) == 49)")) == "50")
        #expect(h.text(try h.value("count(contacts as c where count(contacts as c where city == \"Chicago\") == 50)")) == "301")
        #expect(h.text(try h.value("count(contacts as c where count(contacts where name < c.name and city == c.city) == 0)")) == "4")
        let outer = Interpreter.nestedRunsTried
        #expect(h.text(try h.value("count(contacts as c where count(contacts where name == c.name) == 1)")) == "301")
        #expect(outer == 64)
    }
}
