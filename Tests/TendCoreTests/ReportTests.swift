import Testing

@testable import TendCore

/// Reports on a small network whose answers are worked out by hand.
@Suite struct ReportTests {
    func network() throws -> Harness {
        let h = Harness(prelude: false)
        try h.run(
            """
            set me profession: "real estate agent", preferred_client: "retired empty nesters"
            add "Ann Able" profession: "salon", stage: credibility, met_at: "gym", relationship: "vendor", internal, created: 2024-01-01
            add "Bob Best" profession: "salon", met_at: "gym", created: 2024-01-01
            add "Cat Cole" profession: "real estate agent", met_at: "work", created: 2024-01-01
            add "Dan Dee" created: 2024-01-01
            refer "X" to @ann-able on 2026-05-01 value: 100
            refer "Y" to @ann-able on 2026-06-01 value: 200
            refer "Z" to @bob-best on 2026-02-01 value: 10
            referral from @bob-best about "W" on 2026-03-01 value: 500
            spend 400 at @ann-able on 2026-06-01
            spend 100 at @ann-able on 2025-01-01
            spend 50 at @bob-best on 2026-10-01
            log lunch with @bob-best on 2026-10-02 asked
            knows @ann-able @bob-best
            knows @ann-able @cat-cole
            knows @bob-best @cat-cole
            knows @cat-cole @dan-dee
            """)
        return h
    }

    func rows(_ h: Harness, _ q: String) throws -> [[String: String]] {
        guard case .table(let t)? = try h.run(q).last else { return [] }
        return t.rows.map { row in
            Dictionary(
                uniqueKeysWithValues: zip(
                    t.columns,
                    row.map { v -> String in
                        if case .contact(let id) = v { return t.people[id]?.handle ?? "?" }
                        return plainText(v)
                    }))
        }
    }

    /// A candidate named as Exchange and Outlook write names, family name first, is suggested
    /// as a person's name is written (`add "Stranger, Anna"` was suggested); a suffix after a
    /// comma stays where it is.
    @Test func aCandidateNamedFamilyFirstIsTurned() {
        #expect(CandidateCount.displayName("Stranger, Anna", address: "anna@x.example") == "Anna Stranger")
        #expect(CandidateCount.addLine("Doe, Jane", address: "jane@x.example") == "add \"Jane Doe\" email: \"jane@x.example\"")
        #expect(CandidateCount.displayName("Jane Doe, Jr.", address: "jane@x.example") == "Jane Doe, Jr.")
        #expect(CandidateCount.displayName("Doe, Jane, Sales", address: "jane@x.example") == "Doe, Jane, Sales")
    }

    @Test func reciprocity() throws {
        let r = try rows(network(), "report reciprocity")
        #expect(r.count == 2)
        #expect(r[0]["contact"] == "ann-able" && r[0]["given"] == "2" && r[0]["received"] == "0" && r[0]["value_given"] == "300")
        #expect(r[0]["never_gave_back"] == "true" && r[0]["last_referral"] == "2026-06-01")
        #expect(r[1]["contact"] == "bob-best" && r[1]["value_received"] == "500" && r[1]["never_gave_back"] == "false")
        // A referral dated after today has not happened: it is in no row, as in no figure.
        let h = try network()
        try h.run("refer \"X\" to @bob-best on 2026-12-20 value: 70\nadd \"Cy Later\"\nrefer \"Y\" to @cy-later on 2026-12-20")
        let later = try rows(h, "report reciprocity")
        #expect(later.count == 2 && later[1]["given"] == "1" && later[1]["value_given"] == "10", "\(later)")
        // What was won, apart from what is open or was lost.
        try h.run("set referral 1 won\nset referral 2 lost\nset referral 4 status: \"won\"")
        let won = try rows(h, "report reciprocity")
        #expect(won[0]["value_given"] == "300" && won[0]["won_given"] == "100", "\(won)")
        #expect(won[1]["won_received"] == "500" && won[1]["won_given"] == "0", "\(won)")
    }

    @Test func money() throws {
        let r = try rows(network(), "report money")
        #expect(r.map { $0["contact"]! } == ["ann-able", "bob-best"])
        #expect(r[0]["spend_12mo"] == "400" && r[0]["referrals_sent"] == "2" && r[0]["asked_for_reciprocity"] == "false")
        #expect(r[1]["spend_12mo"] == "50" && r[1]["referrals_received"] == "1" && r[1]["asked_for_reciprocity"] == "true")
        // An ask planned for a later day has not been made, as the `asked` figure says.
        let planned = try network()
        try planned.run("log lunch with @ann-able on 2026-12-20 asked")
        #expect(try rows(planned, "report money")[0]["asked_for_reciprocity"] == "false")
        // A pitch is asking, as the `asked` figure and the "follow the money" rule count it.
        let h = try network()
        try h.run("log call with @ann-able on 2026-10-05 pitch")
        #expect(try rows(h, "report money")[0]["asked_for_reciprocity"] == "true")
    }

    @Test func networkSummary() throws {
        let r = try rows(network(), "report network")
        func count(_ section: String, _ group: String) -> String? { r.first { $0["section"] == section && $0["group"] == group }?["count"] }
        #expect(count("total", "contacts") == "4")
        #expect(count("stage", "credibility") == "1" && count("stage", "contact") == "3")
        #expect(count("met_at", "gym") == "2" && count("met_at", "work") == "1" && count("met_at", "(none)") == "1")
        #expect(count("profession", "salon") == "2")
        #expect(count("organisation", "internal") == "1" && count("organisation", "external") == "3")
        // Dan has no profession: neither the same as mine nor different.
        #expect(count("profession", "same as mine") == "1" && count("profession", "different from mine") == "2")
        #expect(count("activity", "touched in 90 days") == "1")
        #expect(count("activity", "dormant (no touch for a year)") == "2")
        // Spellings of one profession are one group, as who serves compares them; without a
        // profession of mine nothing is different from it.
        let h = Harness(prelude: false)
        try h.run("add \"A\" profession: \"Financial Advisor\"\nadd \"B\" profession: \"financial advisor \"\nadd \"C\" profession: \"financial advisor\"")
        let alike = try rows(h, "report network")
        let professions = alike.filter { $0["section"] == "profession" }.map { "\($0["group"]!)=\($0["count"]!)" }
        #expect(professions == ["Financial Advisor=3", "same as mine=", "different from mine="], "\(professions)")
        // Past the tenth profession, the rest are one row: the shares add up.
        let many = Harness(prelude: false)
        try many.run((1...12).map { "add \"P\($0)\" profession: \"prof\(String(format: "%02d", $0))\"" }.joined(separator: "\n"))
        let listed = try rows(many, "report network").filter { $0["section"] == "profession" }.map { "\($0["group"]!)=\($0["count"]!)" }
        #expect(listed.count == 13 && listed[9] == "prof10=1" && listed[10] == "other (2 more)=2", "\(listed)")
        // Dormant is what the reconnect rule says: over 365 days, across a leap day too.
        let leap = Harness(today: Day(year: 2028, month: 2, day: 29)!)
        try leap.run("add \"Pat One\" created: 2027-01-01\nlog call with @pat-one on 2027-02-28")
        let dormant = try rows(leap, "report network").first { $0["group"] == "dormant (no touch for a year)" }?["count"]
        #expect(dormant == "1")
        #expect(try rows(leap, "agenda where rule == \"reconnect\"").count == 1)
    }

    @Test func connectors() throws {
        let r = try rows(network(), "connectors")
        // Cat knows Ann, Bob (who know each other) and Dan: two separate groups.
        #expect(r.first?["contact"] == "cat-cole" && r.first?["degree"] == "3" && r.first?["bridges"] == "2")
    }

    /// Namesakes alike in degree and bridges come in the order of their contact numbers (they
    /// came in the dictionary's order, which differs from run to run).
    @Test func connectorsNamesakesInTheirOrder() throws {
        let h = Harness(prelude: false)
        var script = ""
        for n in 1...8 { script += "add \"Dana Chen\" handle: \"dana-\(n)\"\nadd \"Hub \(n)\"\nknows @dana-\(n) @hub-\(n)\n" }
        try h.run(script)
        let danas = try rows(h, "connectors").compactMap { $0["contact"] }.filter { $0.hasPrefix("dana-") }
        #expect(danas == (1...8).map { "dana-\($0)" }, "\(danas)")
    }

    @Test func groupByListFields() throws {
        let h = try network()
        try h.run("set @ann-able networks: [\"BNI\", \"Rotary\"]\nset @bob-best networks: \"BNI\"")
        let r = try rows(h, "contacts group by networks")
        #expect(r.first?["networks"] == "BNI" && r.first?["count"] == "2")
        #expect(r.contains { $0["networks"] == "Rotary" && $0["count"] == "1" })
        #expect(r.contains { $0["networks"] == "" && $0["count"] == "2" })
    }

    /// Likely duplicates: same name (and company), same e-mail, same phone in any notation;
    /// each with the merge that joins the newer into the older.
    @Test func duplicates() throws {
        let h = Harness(prelude: false)
        try h.run(
            """
            add "John Smith" company: "Google", email: "john@google.com"
            add "John  smith" handle: "js2", company: "google", email: "jsmith@gmail.com"
            add "Jo Smith" email: "JOHN@google.com"
            add "Pat Lee" phone: "+1 (415) 555-0101"
            add "Patricia Lee" phone: "415.555.0101"
            add "Sam Solo" email: "sam@solo.example"
            """)
        let r = try rows(h, "report duplicates")
        #expect(r.count == 3, "\(r)")
        #expect(
            r.contains {
                $0["contact"] == "john-smith" && $0["other"] == "js2" && $0["reason"] == "same name and company"
                    && $0["merge"] == "merge @js2 into @john-smith"
            })
        #expect(r.contains { $0["contact"] == "john-smith" && $0["other"] == "jo-smith" && $0["reason"] == "same e-mail" })
        #expect(r.contains { $0["contact"] == "pat-lee" && $0["other"] == "patricia-lee" && $0["reason"] == "same phone" })
    }
}
