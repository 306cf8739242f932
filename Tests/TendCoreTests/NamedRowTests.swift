import Testing

@testable import TendCore

/// Rows named with `as` (#23.1): inside a nested query, `it` and the fields are the inner
/// row's, and the name still means the row of the query around it.
@Suite struct NamedRowTests {
    func harness() throws -> Harness {
        let h = try fixture()
        try h.run(
            """
            set @dana-lee company: "Salon Joan"
            set @tom-okafor company: "Okafor Travel"
            """)
        return h
    }

    @Test func aNestedQueryComparesItsRowsWithTheNamedRow() throws {
        let h = try harness()
        // (`==` compares null as a value: the three contacts without a company share one.)
        #expect(
            try h.column("contacts as c where c.company != null and count(contacts where company == c.company) > 1 sort by name show handle")
                == ["dana-lee", "joan-rivera"])
        #expect(try h.column("contacts as c where count(referrals where contact == c) > 0 sort by name show handle") == ["dana-lee", "joan-rivera"])
        // Without a name, `it` is the inner row: the inner condition holds for every contact.
        #expect(try h.column("contacts where count(contacts where company == it.company) == count(contacts) show handle").count == 6)
        // Two levels: each name keeps meaning its own row.
        #expect(
            try h.column(
                "contacts as a where count(contacts as b where b != a and count(interactions where contact == b or contact == a) > 0 and b.company == a.company) > 0 sort by name show handle"
            ) == ["dana-lee", "joan-rivera"])
    }

    /// Every clause that evaluates per row sees the name: where, sort by, show, and an
    /// aggregate over a group's rows.
    @Test func everyClauseSeesTheName() throws {
        let h = try harness()
        #expect(try h.column("contacts as c where c.company != null sort by c.name desc show c.handle") == ["tom-okafor", "joan-rivera", "dana-lee"])
        #expect(
            try h.column("contacts as c where c.company != null sort by count(referrals where contact == c) desc, name show handle")
                == ["dana-lee", "joan-rivera", "tom-okafor"])
        #expect(try h.column("contacts as c sort by name show count(referrals where contact == c) limit 2") == ["0", "1"])
        guard
            case .table(let t)? = try h.run(
                "contacts as c where c.company != null group by company sort by company show sum(count(referrals where contact == c))"
            ).last
        else {
            Issue.record("no table")
            return
        }
        #expect(t.rows.map { $0.map(plainText) } == [["Okafor Travel", "0"], ["Salon Joan", "2"]])
    }

    @Test func rulesAndScoresNameTheirContact() throws {
        let h = try harness()
        try h.run(
            """
            rule "thank" as c when count(referrals where contact == c and direction == "received") > 0 then remind "Thank {c.name}" priority 50
            score partnered as p = count(referrals where contact == p)
            """)
        #expect(try h.column("agenda where rule == \"thank\" show message") == ["Thank Dana Lee"])
        #expect(try h.column("contacts where partnered > 0 sort by name show handle") == ["dana-lee", "joan-rivera"])
        // why shows the parts with the name bound.
        #expect(try h.column("why @dana-lee where expression ~ \"count(referrals\" show value").contains("true"))
    }

    @Test(
        arguments: [
            ("contacts as name where true", "'name' is a field of contacts; name the row something else", 1, 13),
            ("contacts as contacts where true", "'contacts' is already a word of the language", 1, 13),
            ("contacts as c group by company show c", "'c' names one row; after group by, use it inside an aggregate", 1, 37),
            ("rule \"r\" as stage when true then remind \"x\"", "'stage' is a field of contacts", 1, 13),
            ("contacts as c where d.name == \"x\"", "unknown name 'd'", 1, 21),
            ("count(referrals where contact == it)", "cannot compare a contact with a referral;", 1, 23),
            ("contacts as", "expected a name for the row after 'as'", 1, 12),
        ] as [(String, String, Int, Int)])
    func namingErrors(_ input: String, _ message: String, _ line: Int, _ column: Int) throws {
        let parsed = Parser.parse(Source(name: "t", text: input))
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(parsed.statements)
        let d = try #require((parsed.diagnostics + checker.diagnostics).first, "no error for \(input)")
        #expect(d.message.hasPrefix(message), "\(input): \(d.message)")
        #expect(d.lineColumn == (line, column), "\(input): at \(d.lineColumn)")
    }

    /// Comparing with `it` inside a nested query says how to reach the outer row.
    @Test func comparingWithItInANestedQueryPointsToAs() throws {
        let parsed = Parser.parse(Source(name: "t", text: "contacts where count(referrals where contact == it) > 0"))
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(parsed.statements)
        let d = try #require(checker.diagnostics.first)
        #expect(d.message == "cannot compare a contact with a referral; the result would always be false")
        #expect(d.notes.first?.contains("contacts as c where count(referrals where contact == c) > 0") == true)
    }

    /// Every type reads as English after an article in messages (not "a referrals").
    @Test func typesReadAsEnglish() {
        let checker = Checker(definitions: Definitions())
        for c in Schema.all {
            let row = checker.article(.row(c.name))
            #expect(row == "a \(c.rowName)" || row == "an \(c.rowName)", "\(row)")
            #expect(checker.article(.rows(c.name)) == "a collection of \(c.name)")
        }
    }
}
