import Testing

@testable import TendCore

/// Each rule of the prelude, on a hand-made network where it must fire and one where it must not.
@Suite struct PreludeTests {
    func fires(_ setup: String, _ rule: String, _ handle: String = "x") throws -> Bool {
        let h = Harness()
        try h.run("add \"X\" created: 2026-01-01, met_on: 2026-01-01\n" + setup)
        let n = try h.value("count(agenda where rule == \"\(rule)\" and contact == @\(handle))")
        return h.text(n) == "1"
    }

    /// A default_cadence that gives no cadence a contact could have (0d, -1w, past a century) is
    /// an error naming the contact (the agenda said "11 days past a -1w cadence").
    @Test(arguments: ["0d", "-1w", "200y"])
    func aDefaultCadenceIsACadence(_ given: String) throws {
        let h = Harness()
        try h.run("add \"X\" created: 2026-11-01\nfn default_cadence(c) = \(given)")
        #expect {
            try h.value("@x.overdue")
        } throws: { e in
            "\(e)".contains("default_cadence gave \(given) for @x: a cadence")
        }
        try h.run("fn default_cadence(c) = 1w")
        #expect(h.text(try h.value("@x.overdue")) == "15d")
    }

    @Test func stayInTouch() throws {
        #expect(try fires("", "stay in touch"))  // contact stage: 6mo from met_on, long past
        #expect(try !fires("log call with @x on 2026-11-01", "stay in touch"))
        // A tag gives a weekly cadence, by rule.
        #expect(try fires("set @x +weekly\nlog call with @x on 2026-11-10", "stay in touch"))
        #expect(try !fires("set @x cadence: 1y\nlog call with @x on 2026-06-01", "stay in touch"))
    }

    @Test func planANextStep() throws {
        #expect(try fires("set @x stage: credibility\nlog call with @x", "plan a next step"))
        #expect(try !fires("set @x stage: credibility, next_step: \"lunch\"", "plan a next step"))
        #expect(try !fires("set @x stage: visibility", "plan a next step"))
    }

    @Test func nextStepDue() throws {
        #expect(try fires("set @x next_step: \"send article\", next_due: 2026-11-20", "next step due"))
        #expect(try !fires("set @x next_step: \"send article\", next_due: 2026-12-20", "next step due"))
    }

    @Test func giveFirst() throws {
        #expect(try fires("log call with @x asked", "give first"))
        #expect(try !fires("log call with @x asked\nlog email with @x gave\nlog lunch with @x gave", "give first"))
    }

    @Test func reciprocity() throws {
        #expect(try fires("refer \"Mike\" to @x", "ask for reciprocity"))
        #expect(try !fires("refer \"Mike\" to @x\nreferral from @x about \"Ana\"", "ask for reciprocity"))
        #expect(try fires("referral from @x about \"Ana\"", "thank and give back"))
        #expect(try !fires("referral from @x about \"Ana\"\nlog coffee with @x gave", "thank and give back"))
    }

    @Test func followTheMoney() throws {
        #expect(try fires("spend 250 at @x on 2026-03-01\nspend 150 at @x on 2026-09-01", "follow the money"))
        #expect(try !fires("spend 400 at @x on 2025-09-01", "follow the money"))
        #expect(try !fires("spend 400 at @x on 2026-09-01\nlog lunch with @x asked", "follow the money"))
    }

    @Test func reconnect() throws {
        let h = Harness()
        try h.run(
            "add \"Old\" created: 2023-01-01\nlog call with @old on 2024-06-01\nadd \"New\" created: 2026-01-01\nlog call with @new on 2026-10-01")
        #expect(h.text(try h.value("count(agenda where rule == \"reconnect\" and contact == @old)")) == "1")
        #expect(h.text(try h.value("count(agenda where rule == \"reconnect\" and contact == @new)")) == "0")
    }

    @Test func noPitchYet() throws {
        #expect(try fires("log call with @x on 2026-11-15 pitch", "no pitch yet"))
        #expect(try !fires("set @x stage: credibility\nlog call with @x on 2026-11-15 pitch", "no pitch yet"))
        // A pitch planned for a later day has not been made yet.
        #expect(try !fires("log call with @x on 2026-11-25 pitch", "no pitch yet"))
        #expect(try !fires("log call with @x on 2026-05-15 pitch", "no pitch yet"))
    }

    @Test func completeGains() throws {
        #expect(try fires("refer \"Mike\" to @x", "complete GAINS"))
        #expect(
            try !fires(
                """
                refer "Mike" to @x
                set @x goals: "grow", accomplishments: "award", interests: "golf", networks: "BNI", skills: "tax"
                """, "complete GAINS"))
        #expect(try !fires("", "complete GAINS"))
    }

    /// A birthday comes onto the agenda birthday_lead (7d) ahead, through the day; a touch in
    /// those days clears it. Today is 2026-11-23.
    @Test func birthday() throws {
        #expect(try fires("set @x birthday: 1980-11-30", "birthday"))
        #expect(try fires("set @x birthday: --11-23", "birthday"))
        #expect(try !fires("set @x birthday: --12-01", "birthday"))
        #expect(try !fires("set @x birthday: --11-22", "birthday"))
        #expect(try !fires("set @x birthday: --11-30\nlog call with @x on 2026-11-23", "birthday"))
        #expect(try fires("set @x birthday: --11-30\nlog call with @x on 2026-11-20", "birthday"))
        #expect(try fires("set @x birthday: --12-01\nlet birthday_lead = 8d", "birthday"))
        let h = Harness()
        try h.run("add \"Ana\" created: 2026-11-01, birthday: --11-25\nlog call with @ana")
        #expect(try h.column("agenda show message") == [])
        try h.run("add \"Bo\" created: 2026-11-01, birthday: 1988-11-25\nlog call with @bo on 2026-11-01")
        #expect(try h.column("agenda show message") == ["Bo's birthday is on 2026-11-25, in 2 days: send a personal note"])
    }

    /// The prelude's messages say "1 day" and "1 referral" (they said "in 1 days", "1 days past
    /// a 1w cadence" and "1 referral(s)"), and a birthday today is "today".
    @Test func messagesCountInWords() throws {
        let h = Harness()
        try h.run(
            """
            add "Cy" created: 2026-11-01, birthday: --11-24
            log call with @cy on 2026-11-01
            add "Di" created: 2026-11-01, birthday: --11-23
            log call with @di on 2026-11-01
            add "Ed" created: 2026-11-01, cadence: 1w
            log call with @ed on 2026-11-15
            add "Flo" created: 2026-11-01
            refer "Mike" to @flo
            """)
        let messages = try h.column("agenda where rule in [\"birthday\", \"stay in touch\", \"ask for reciprocity\"] show message")
        #expect(messages.contains("Cy's birthday is on 2026-11-24, in 1 day: send a personal note"), "\(messages)")
        #expect(messages.contains("Di's birthday is on 2026-11-23, today: send a personal note"), "\(messages)")
        #expect(messages.contains("Touch base with Ed: 1 day past a 1w cadence"), "\(messages)")
        #expect(messages.contains { $0.hasPrefix("You sent Flo 1 referral and got none back") }, "\(messages)")
        #expect(!messages.contains { $0.contains("(s)") || $0.contains(" 1 days") }, "\(messages)")
        #expect(
            try h.text(h.value("plural(2, \"person\", \"people\") + \", \" + plural(1, \"person\", \"people\") + \", \" + plural(0, \"day\")"))
                == "2 people, 1 person, 0 days")
    }

    @Test func priorityWeightsCanBeRedefined() throws {
        let h = Harness()
        try h.run(
            """
            add "Connector" created: 2024-01-01, +connector
            add "Credible" created: 2024-01-01, stage: credibility
            """)
        let before = try h.column("agenda where rule == \"stay in touch\" show contact")
        #expect(before.first == "credible")
        try h.run("let w_connector = 50")
        #expect(try h.column("agenda where rule == \"stay in touch\" show contact").first == "connector")
    }

    @Test func whyBreaksThePriorityDown() throws {
        let h = Harness()
        try h.run("add \"Dana Lee\" created: 2024-01-01, stage: credibility, +connector")
        guard case .table(let t)? = try h.run("why @dana-lee").last else {
            Issue.record("no table")
            return
        }
        let lines = t.rows.map { $0.map(plainText).joined(separator: " | ") }
        #expect(lines.contains("rule \"stay in touch\" | fires | true"))
        #expect(lines.contains("  when | overdue > 0d | true"))
        #expect(lines.contains("  score priority | + w_stage * stage_rank | 6"))
        #expect(lines.contains("  score priority | + (if +connector then w_connector else 0) | 3"))
        #expect(lines.contains("  score priority | = total | 17"))
        guard case .table(let same)? = try h.run("explain agenda @dana-lee").last else {
            Issue.record("no table")
            return
        }
        #expect(same.rows.count == t.rows.count)
    }

    @Test func snoozeExpires() throws {
        let h = Harness()
        try h.run("add \"X\" created: 2024-01-01\nsnooze @x until 2026-12-01")
        #expect(try h.column("agenda show contact").isEmpty)
        h.interpreter.today = Day(year: 2026, month: 12, day: 1)!
        h.interpreter.invalidate()
        #expect(!(try h.column("agenda show contact")).isEmpty)
    }
}
