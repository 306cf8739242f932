import Testing

@testable import TendCore

/// Members (issue 22) in the core: every event records who logged it (`by`), `me` compared is
/// the member's name, `last_touch_by` names who touched a contact last, a note may be private,
/// and a dump keeps all of it.
@Suite struct MemberTests {
    /// A network where ann and bob each log touches with the same people.
    static func team() throws -> Harness {
        let h = Harness()
        try h.run(
            """
            add "Cleo Diaz"
            add "Dev Shah"
            """)
        h.model.member = "ann"
        try h.run(
            """
            log call with @cleo-diaz on 2026-11-10
            refer "Mo Ali" to @dev-shah on 2026-11-12
            log note with @dev-shah "asks about rates" on 2026-11-20 private
            """)
        h.model.member = "bob"
        try h.run(
            """
            log lunch with @cleo-diaz on 2026-11-18
            introduce @cleo-diaz and @dev-shah on 2026-11-01
            spend 12.50 at @dev-shah on 2026-11-02
            """)
        return h
    }

    @Test func everyEventRecordsItsMember() throws {
        let h = try Self.team()
        #expect(try h.column("interactions sort by id show by") == ["ann", "ann", "bob"])
        #expect(try h.column("referrals show by") == ["ann"])
        #expect(try h.column("introductions show by") == ["bob"])
        #expect(try h.column("spending show by") == ["bob"])
        #expect(h.model.data.stageChanges.allSatisfy { $0.by == nil })
        #expect(try h.column("interactions where private show kind") == ["note"])
    }

    @Test func meComparedIsTheMembersName() throws {
        let h = try Self.team()
        h.model.member = "ann"
        #expect(try h.column("interactions where by == me sort by id show kind") == ["call", "note"])
        #expect(try h.column("interactions where me != by show kind") == ["lunch"])
        h.model.member = "bob"
        #expect(try h.column("interactions where by == me show kind") == ["lunch"])
        // Still a record elsewhere.
        try h.run("set me name: \"Bob Byrne\"")
        #expect(Value.equal(try h.value("me.name"), .string("Bob Byrne")))
    }

    @Test func lastTouchByNamesWhoTouchedLast() throws {
        let h = try Self.team()
        // Cleo: ann's call on 11-10, bob's lunch on 11-18 (and bob's introduction on 11-01).
        // Dev: bob's introduction 11-01, ann's referral 11-12; ann's note is no touch.
        #expect(try h.column("contacts sort by name show last_touch_by") == ["bob", "ann"])
        #expect(try h.column("contacts sort by name show last_touch") == ["2026-11-18", "2026-11-12"])
    }

    @Test func onOnePersonsDataEverythingIsMine() throws {
        let h = Harness()
        try h.run("add \"Cleo Diaz\"\nlog call with @cleo-diaz on 2026-11-10")
        #expect(try h.column("interactions where by == null show kind") == ["call"])
        #expect(try h.column("interactions where by == me show kind") == ["call"])
        #expect(try h.column("contacts where last_touch_by == null show name") == ["Cleo Diaz"])
    }

    @Test func aDumpKeepsWhoLoggedWhatAndWhatIsPrivate() throws {
        let h = try Self.team()
        let dump = try ScriptWriter.dump(h.model.data, definitions: h.interpreter.definitions, prelude: Prelude.definitions)
        #expect(dump.contains(#"log note with @dev-shah on 2026-11-20 note: "asks about rates" private by: "ann""#), "\(dump)")
        #expect(dump.contains(#"log lunch with @cleo-diaz on 2026-11-18 by: "bob""#))
        #expect(dump.contains(#"refer "Mo Ali" to @dev-shah on 2026-11-12 status: "open" by: "ann""#))
        #expect(dump.contains(#"introduce @cleo-diaz and @dev-shah on 2026-11-01 by: "bob""#))
        #expect(dump.contains(#"spend 12.5 at @dev-shah on 2026-11-02 by: "bob""#))
        // Restored by someone else, each event keeps its member.
        let restored = Harness()
        restored.model.member = "cat"
        try restored.run(dump)
        #expect(try restored.column("interactions sort by id show by") == ["ann", "ann", "bob"])
        #expect(try restored.column("interactions where private show by") == ["ann"])
        #expect(try restored.column("spending show by") == ["bob"])
    }

    /// A private note whose people another member removed (on PostgreSQL the note stays, with
    /// no one) was dumped as `log note with  on …`, and the dump did not restore.
    @Test func aNoteWithNoOneLeftIsSaidInTheDump() throws {
        let h = try Self.team()
        let note = try #require(h.model.data.interactions.firstIndex { $0.isPrivate })
        h.model.data.interactions[note].people = []
        let dump = try ScriptWriter.dump(h.model.data, definitions: h.interpreter.definitions, prelude: Prelude.definitions)
        #expect(dump.contains(#"# Not in this dump: interaction 2, note on 2026-11-20, with no one left in it (its people were removed), note "asks about rates""#), "\(dump)")
        // No article that would read "a email" or "a event".
        #expect(!dump.contains(", a note on"))
        let restored = Harness()
        try restored.run(dump)
        #expect(try restored.column("interactions sort by id show id") == ["1", "3"])
    }

    @Test func byIsCheckedAsText() throws {
        let h = Harness()
        try h.run("add \"Cleo Diaz\"")
        #expect(throws: Diagnostic.self) { try h.run("log call with @cleo-diaz by: 3") }
        #expect(throws: Diagnostic.self) { try h.run("interactions where by == 3") }
    }
}
