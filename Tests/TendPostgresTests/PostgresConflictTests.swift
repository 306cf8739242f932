import Foundation
import TendTestSupport
import Testing

@testable import TendCore
@testable import TendPostgres
@testable import TendREPL

/// A run another member's transaction conflicts with (#22.5): it is run again, whole, and
/// prints, writes and counts only what its last attempt did.
@Suite(.enabled(if: TestCluster.available, Comment(rawValue: TestCluster.skipped)))
struct PostgresConflictTests {
    /// A session (the REPL's) that read Joan in an earlier statement, while member B changed
    /// her since: A's next change is made on what is there now, not on its earlier copy (a
    /// tag B added was lost: the session kept what it had read across statements).
    @Test func aSessionReadsAgainWhatAnotherMemberChanged() throws {
        let url = try TestCluster.freshDatabase("stale")
        let (a, outA, b, _) = try MemberSessions.pair(url, setup: "add \"Joan Rivera\" company: \"A-Co\", +vip")
        defer {
            a.store.close()
            b.store.close()
        }
        func run(_ s: Session, _ text: String) { #expect(MemberSessions.run(s, text) == .success, "\(text)") }
        run(a, "@joan-rivera.tags")
        run(b, "set @joan-rivera company: \"B-Co\", +golf")
        run(b, "log call with @joan-rivera on 2026-11-20")
        run(a, "set @joan-rivera +lease")
        outA.out = []
        run(a, "@joan-rivera.company")
        #expect(outA.out == ["B-Co"], "\(outA.out)")
        #expect(try TestCluster.psql("SELECT company || ' ' || tags FROM contacts", url: url) == "B-Co [\"vip\",\"golf\",\"lease\"]")
    }

    /// Member A's run reads Joan, writes a file, and is asked (at the prompt, outside the run's
    /// transaction) before removing her; in the attempt that follows the answer, member B
    /// changes her and commits after A's export, before A removes her. A's removal then conflicts (B changed the row
    /// after A's snapshot): A's run is tried again with the answer given, sees B's company,
    /// replaces the file its earlier attempts wrote, and prints each line once.
    @Test func aConflictingRunIsRunAgainAndPrintsOnce() throws {
        let url = try TestCluster.freshDatabase("conflict")
        let (a, outA, b, outB) = try MemberSessions.pair(url, setup: "add \"Joan Rivera\" company: \"A-Co\"\nlog call with @joan-rivera")
        defer {
            a.store.close()
            b.store.close()
        }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tend-conflict-\(UUID().uuidString).csv").path
        var asked = 0
        a.confirmRemoval = { _ in
            asked += 1
            return true
        }
        var removals = 0
        a.beforeStatement = { s in
            guard case .remove = s.kind else { return }
            removals += 1
            if removals == 2 { #expect(MemberSessions.run(b, "set @joan-rivera company: \"B-Co\"") == .success, "\(outB.err)") }
        }
        outA.out = []
        let script = "@joan-rivera.company\nexport csv \"\(file)\" contacts\nremove @joan-rivera"
        #expect(MemberSessions.run(a, script) == .success, "\(outA.err)")
        #expect(asked == 1)
        #expect(a.conflictRetries == 1)
        #expect(outA.out.filter { $0.contains("Co") } == ["B-Co"], "\(outA.out)")
        #expect(outA.err.isEmpty, "\(outA.err)")
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("B-Co"))
        #expect(try TestCluster.psql("SELECT count(*) FROM contacts", url: url) == "0")
    }

    /// A run that keeps conflicting gives up after the store's attempts, saying so, with
    /// nothing changed.
    @Test func aRunThatKeepsConflictingGivesUp() throws {
        let url = try TestCluster.freshDatabase("giveup")
        let (a, outA, b, _) = try MemberSessions.pair(url, setup: "add \"Joan Rivera\"\nlog call with @joan-rivera")
        defer {
            a.store.close()
            b.store.close()
        }
        var asked = 0
        a.confirmRemoval = { _ in
            asked += 1
            return true
        }
        var changes = 0
        a.beforeStatement = { _ in
            changes += 1
            MemberSessions.run(b, "set @joan-rivera company: \"B-Co \(changes)\"")
        }
        #expect(MemberSessions.run(a, "remove @joan-rivera") == .failed)
        // The first attempt stops for the question; each attempt after it conflicts.
        #expect(asked == 1 && changes == a.store.conflictAttempts + 1, "\(asked) \(changes)")
        #expect(outA.err.last?.hasPrefix("Gave up after \(a.store.conflictAttempts) attempts") == true, "\(outA.err)")
        #expect(try TestCluster.psql("SELECT company FROM contacts", url: url) == "B-Co \(changes)")
    }
}
