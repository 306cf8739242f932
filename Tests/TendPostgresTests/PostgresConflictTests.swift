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
    final class Output: @unchecked Sendable {
        var out: [String] = []
        var err: [String] = []
    }

    static func session(_ url: String, _ output: Output) throws -> Session {
        let console = Console(out: { output.out.append($0) }, err: { output.err.append($0) })
        return try Session(store: try PostgresStore(url: url), today: Day(year: 2026, month: 11, day: 23)!, console: console)
    }

    /// A session (the REPL's) that read Joan in an earlier statement, while member B changed
    /// her since: A's next change is made on what is there now, not on its earlier copy (a
    /// tag B added was lost: the session kept what it had read across statements).
    @Test func aSessionReadsAgainWhatAnotherMemberChanged() throws {
        let url = try TestCluster.freshDatabase("stale")
        let (outA, outB) = (Output(), Output())
        let a = try Self.session(url, outA)
        let b = try Self.session(url, outB)
        defer {
            a.store.close()
            b.store.close()
        }
        func run(_ s: Session, _ text: String) {
            #expect(s.runScripts([Source(name: "<repl>", text: text)], bail: false, readOnly: false) == .success, "\(text)")
        }
        run(a, "add \"Joan Rivera\" company: \"A-Co\", +vip")
        run(a, "@joan-rivera.tags")
        run(b, "set @joan-rivera company: \"B-Co\", +golf")
        run(b, "log call with @joan-rivera on 2026-11-20")
        run(a, "set @joan-rivera +lease")
        outA.out = []
        run(a, "@joan-rivera.company")
        #expect(outA.out == ["B-Co"], "\(outA.out)")
        #expect(try TestCluster.psql("SELECT company || ' ' || tags FROM contacts", url: url) == "B-Co [\"vip\",\"golf\",\"lease\"]")
    }

    /// Member A's run reads Joan, writes a file, and is asked (at the prompt) before removing
    /// her; meanwhile member B changes her and commits. A's removal then conflicts (B changed
    /// the row after A's snapshot): A's run is tried again, sees B's company, replaces the file
    /// its first attempt wrote, and prints each line once.
    @Test func aConflictingRunIsRunAgainAndPrintsOnce() throws {
        let url = try TestCluster.freshDatabase("conflict")
        let (outA, outB) = (Output(), Output())
        let a = try Self.session(url, outA)
        let b = try Self.session(url, outB)
        defer {
            a.store.close()
            b.store.close()
        }
        #expect(a.runScripts([Source(name: "<setup>", text: "add \"Joan Rivera\" company: \"A-Co\"\nlog call with @joan-rivera")], bail: false, readOnly: false) == .success)
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("tend-conflict-\(UUID().uuidString).csv").path
        var asked = 0
        a.confirmRemoval = { _ in
            asked += 1
            if asked == 1 {
                let status = b.runScripts([Source(name: "<b>", text: "set @joan-rivera company: \"B-Co\"")], bail: false, readOnly: false)
                #expect(status == .success, "\(outB.err)")
            }
            return true
        }
        outA.out = []
        let script = "@joan-rivera.company\nexport csv \"\(file)\" contacts\nremove @joan-rivera"
        let status = a.runScripts([Source(name: "<repl>", text: script)], bail: false, readOnly: false)
        #expect(status == .success, "\(outA.err)")
        #expect(asked == 2)
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
        let (outA, outB) = (Output(), Output())
        let a = try Self.session(url, outA)
        let b = try Self.session(url, outB)
        defer {
            a.store.close()
            b.store.close()
        }
        #expect(a.runScripts([Source(name: "<setup>", text: "add \"Joan Rivera\"\nlog call with @joan-rivera")], bail: false, readOnly: false) == .success)
        var asked = 0
        a.confirmRemoval = { _ in
            asked += 1
            _ = b.runScripts([Source(name: "<b>", text: "set @joan-rivera company: \"B-Co \(asked)\"")], bail: false, readOnly: false)
            return true
        }
        let status = a.runScripts([Source(name: "<repl>", text: "remove @joan-rivera")], bail: false, readOnly: false)
        #expect(status == .failed)
        #expect(asked == a.store.conflictAttempts)
        #expect(outA.err.last?.hasPrefix("Gave up after \(a.store.conflictAttempts) attempts") == true, "\(outA.err)")
        #expect(try TestCluster.psql("SELECT company FROM contacts", url: url) == "B-Co \(asked)")
    }
}
