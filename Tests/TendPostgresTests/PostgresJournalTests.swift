import Foundation
import TendTestSupport
import Testing

@testable import TendCore
@testable import TendPostgres
@testable import TendREPL
@testable import TendStore

/// `history` and `undo` on PostgreSQL (#22), in a database with the journal's tables
/// (PostgresStore.journalSchema, run here as the lead's migration will): the same output as on
/// SQLite, and an undo that meets another member's later change is refused, undoing nothing.
@Suite(.enabled(if: TestCluster.available, Comment(rawValue: TestCluster.skipped)))
struct PostgresJournalTests {
    final class Output: @unchecked Sendable {
        var lines: [String] = []
    }

    static let today = Day(year: 2026, month: 11, day: 23)!

    /// A new Tend database on the test cluster, with the journal.
    static func journalled() throws -> String {
        let url = try TestCluster.freshDatabase("journal")
        // Made Tend's by a session, which puts the prelude in.
        try Self.session(try PostgresStore(url: url), Output()).store.close()
        for sql in PostgresStore.journalSchema { try TestCluster.psql(sql, url: url) }
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

    static func session(_ store: any TendDatabase, _ output: Output) throws -> Session {
        let console = Console(out: { output.lines.append($0) }, err: { output.lines.append("stderr: " + $0) })
        return try Session(store: store, today: today, renderer: Renderer(format: .csv), console: console)
    }

    /// Runs each part of a script as a run of its own (as each line at the prompt is); what the
    /// runs printed.
    static func runParts(_ parts: [String], on store: any TendDatabase) throws -> [String] {
        let output = Output()
        let session = try Self.session(store, output)
        defer { store.close() }
        for part in parts {
            let status = session.runScripts([Source(name: "<repl>", text: part)], bail: false, readOnly: false)
            output.lines.append("exit \(status.rawValue)")
        }
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
        let (a, b) = (Output(), Output())
        let mine = try Self.session(try PostgresStore(url: url), a)
        let theirs = try Self.session(try PostgresStore(url: try Self.member(url)), b)
        defer {
            mine.store.close()
            theirs.store.close()
        }
        for text in ["add \"Joan Rivera\" company: \"A-Co\"", "set @joan-rivera company: \"B-Co\""] {
            #expect(mine.runScripts([Source(name: "<repl>", text: text)], bail: false, readOnly: false) == .success, "\(a.lines)")
        }
        #expect(theirs.runScripts([Source(name: "<repl>", text: "set @joan-rivera city: \"Irvine\"")], bail: false, readOnly: false) == .success)
        a.lines = []
        #expect(mine.runScripts([Source(name: "<repl>", text: "undo")], bail: false, readOnly: false) == .failed)
        #expect(a.lines.contains { $0.contains("was changed since, by another member or outside Tend; nothing was undone") }, "\(a.lines)")
        #expect(try TestCluster.psql("SELECT company || ' ' || city FROM contacts", url: url) == "B-Co Irvine")
        // Their own change is theirs to undo; then mine can be.
        #expect(theirs.runScripts([Source(name: "<repl>", text: "undo")], bail: false, readOnly: false) == .success, "\(b.lines)")
        #expect(mine.runScripts([Source(name: "<repl>", text: "undo")], bail: false, readOnly: false) == .success, "\(a.lines)")
        #expect(try TestCluster.psql("SELECT company || ' ' || coalesce(city, '-') FROM contacts", url: url) == "A-Co -")
        // Each member's history is their own.
        b.lines = []
        #expect(theirs.runScripts([Source(name: "<repl>", text: "history")], bail: false, readOnly: false) == .success)
        #expect(b.lines.joined(separator: "\n").contains("set @joan-rivera city") && !b.lines.joined().contains("company"), "\(b.lines)")
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
