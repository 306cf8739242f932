import Foundation
import TendTestSupport
import Testing

@testable import TendCore
@testable import TendPostgres
@testable import TendREPL
@testable import TendStore

/// `history` and `undo` on PostgreSQL (#22), with the journal's tables (migration v3): the same output as on
/// SQLite, and an undo that meets another member's later change is refused, undoing nothing.
@Suite(.enabled(if: TestCluster.available, Comment(rawValue: TestCluster.skipped)))
struct PostgresJournalTests {
    /// A new Tend database on the test cluster, with the journal.
    static func journalled() throws -> String {
        let url = try TestCluster.freshDatabase("journal")
        // Made Tend's by a session, which puts the prelude in.
        try MemberSessions.session(try PostgresStore(url: url), Printed()).store.close()
        return url
    }

    /// The database's URL for another member: a role of their own, with a member's rights.
    static func member(_ url: String) throws -> String {
        let role = "tend_member_\(UUID().uuidString.prefix(8).lowercased())"
        try TestCluster.psql("CREATE ROLE \(role) LOGIN", url: url)
        try TestCluster.psql("GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO \(role)", url: url)
        try TestCluster.psql("GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO \(role)", url: url)
        return url.replacingOccurrences(of: "//tend@", with: "//\(role)@")
    }

    /// Runs each part of a script as a run of its own (as each line at the prompt is); what the
    /// runs printed.
    static func runParts(_ parts: [String], on store: any TendDatabase) throws -> [String] {
        let output = Printed()
        let session = try MemberSessions.session(store, output, format: .csv)
        defer { store.close() }
        for part in parts { output.lines.append("exit \(MemberSessions.run(session, part).rawValue)") }
        return output.lines
    }

    /// The morning golden (done, dismiss, snooze, remove, undo, history), run by run.
    @Test func theAgendaMorningIsTheSameOnBothStores() throws {
        let golden = CLIGolden.text("24-agenda-morning.tend")
        let setup = CLIGolden.setup(golden)
        let parts = [setup] + golden.components(separatedBy: "\n# next run\n")
        let sqlite = try Self.runParts(parts, on: try Store(path: nil))
        let postgres = try Self.runParts(parts, on: try PostgresStore(url: try Self.journalled()))
        let differing = zip(postgres, sqlite).enumerated().first { $0.element.0 != $0.element.1 }
        #expect(postgres == sqlite, "first difference, run line \(differing?.offset ?? -1): on PostgreSQL \(differing?.element.0 ?? ""), on SQLite \(differing?.element.1 ?? "")")
        #expect(sqlite.contains { $0.hasPrefix("stderr: Undid change") }, "\(sqlite)")
    }

    @Test func undoRefusesWhenAnotherMemberChangedARowSince() throws {
        let url = try Self.journalled()
        let (mine, a, theirs, b) = try MemberSessions.pair(
            url, second: try Self.member(url), setup: "add \"Joan Rivera\" company: \"A-Co\"")
        defer {
            mine.store.close()
            theirs.store.close()
        }
        #expect(MemberSessions.run(mine, "set @joan-rivera company: \"B-Co\"") == .success)
        #expect(MemberSessions.run(theirs, "set @joan-rivera city: \"Irvine\"") == .success)
        a.lines = []
        #expect(MemberSessions.run(mine, "undo") == .failed)
        #expect(a.lines.contains { $0.contains("was changed since, by another member or outside Tend; nothing was undone") }, "\(a.lines)")
        #expect(try TestCluster.psql("SELECT company || ' ' || city FROM contacts", url: url) == "B-Co Irvine")
        // Their own change is theirs to undo; then mine can be.
        #expect(MemberSessions.run(theirs, "undo") == .success, "\(b.lines)")
        #expect(MemberSessions.run(mine, "undo") == .success, "\(a.lines)")
        #expect(try TestCluster.psql("SELECT company || ' ' || coalesce(city, '-') FROM contacts", url: url) == "A-Co -")
        // Each member's history is their own.
        b.lines = []
        #expect(MemberSessions.run(theirs, "history") == .success)
        #expect(b.lines.joined(separator: "\n").contains("set @joan-rivera city") && !b.lines.joined().contains("company"), "\(b.lines)")
    }

    /// `remove interaction N` is undone as on SQLite, the interaction with its people (its
    /// people were put back first, their privacy trigger found no interaction and made them rows
    /// the policy refuses: the undo failed, and every older change was stuck behind it).
    @Test func aRemovedInteractionIsUndoneWithItsPeople() throws {
        let url = try Self.journalled()
        let output = Printed()
        // A member's role: row-level security does not apply to the superuser.
        let session = try MemberSessions.session(try PostgresStore(url: try Self.member(url)), output)
        defer { session.store.close() }
        for line in ["add \"Mike Chen\"\nadd \"Ann Ash\"", "log call with @mike-chen, @ann-ash note: \"mine\"", "log note with @mike-chen \"secret\" private",
            "remove interaction 1", "remove interaction 2", "undo", "undo",
            // One change that logs and removes: undone, nothing of it is left (it was refused).
            "log lunch with @mike-chen, @ann-ash\nremove interaction 3", "undo"]
        {
            #expect(MemberSessions.run(session, line) == .success, "\(line): \(output.lines)")
        }
        #expect(try TestCluster.psql("SELECT string_agg(i.id || ' ' || i.kind || ' ' || i.private || ' ' || c.handle, ', ' ORDER BY i.id, ip.position) FROM interactions i JOIN interaction_people ip ON ip.interaction_id = i.id JOIN contacts c ON c.id = ip.contact_id", url: url)
            == "1 call 0 mike-chen, 1 call 0 ann-ash, 2 note 1 mike-chen")
    }

    /// Removing a contact deletes (by its foreign key's cascade, which row-level security does
    /// not stop) another member's private notes' links to them. Those rows are not the remover's
    /// to see: their journal does not keep them (before, `journal_rows` showed them the private
    /// note's number and author), and their undo brings the contact back without them (before, the
    /// undo failed on the policy, and every older change was stuck behind it).
    @Test func anotherMembersPrivateNoteNeitherLeaksIntoNorBlocksMyUndo() throws {
        let url = try Self.journalled()
        let removerURL = try Self.member(url)
        let (author, a, remover, b) = try MemberSessions.pair(
            url, second: removerURL, setup: "add \"Xa Xu\"\nlog note with @xa-xu \"secret plan\" private")
        defer {
            author.store.close()
            remover.store.close()
        }
        #expect(MemberSessions.run(remover, "remove @xa-xu") == .success, "\(b.lines)")
        #expect(try TestCluster.psql("SELECT count(*) FROM journal_rows WHERE before::text LIKE '%\"private\": 1%'", url: removerURL) == "0")
        b.lines = []
        #expect(MemberSessions.run(remover, "undo") == .success, "\(b.lines)")
        #expect(try TestCluster.psql("SELECT handle FROM contacts", url: url) == "xa-xu")
        // The note is its author's still, without the person (as after a merge or a remove).
        a.lines = []
        #expect(MemberSessions.run(author, "interactions show note") == .success)
        #expect(a.lines.contains { $0.contains("secret plan") }, "\(a.lines)")
    }
}

/// The CLI goldens' files (Tests/TendCLITests/Golden), read from here.
enum CLIGolden {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("TendCLITests/Golden")

    static func text(_ name: String) -> String {
        (try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8)) ?? ""
    }

    /// Its `# setup:` lines, as one script.
    static func setup(_ text: String) -> String {
        text.split(separator: "\n").filter { $0.hasPrefix("# setup: ") }.map { $0.dropFirst("# setup: ".count).replacingOccurrences(of: "\\n", with: "\n") }
            .joined(separator: "\n")
    }
}
