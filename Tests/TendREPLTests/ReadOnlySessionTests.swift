import Foundation
import Testing

@testable import TendCore
@testable import TendREPL
@testable import TendStore

/// Under `--read-only`, definitions last for the run, and a REPL session is the run: each line
/// is run on its own, and the definitions of one were gone by the next (`let zz = 5`, then `zz`:
/// unknown name). Nothing reaches the database.
@Suite struct ReadOnlySessionTests {
    @Test func aReadOnlyREPLKeepsItsDefinitionsForTheSession() throws {
        let path = ConcurrencyTests.path()
        let output = ConcurrencyTests.Output()
        _ = AgendaMemoTests.run(try AgendaMemoTests.session(path, output), output, #"add "Dana Lee" +vip"#)
        let session = try AgendaMemoTests.session(path, output)
        session.readOnly = true
        AgendaMemoTests.run(session, output, "let zz = 5")
        #expect(AgendaMemoTests.run(session, output, "zz") == "5")
        _ = AgendaMemoTests.run(session, output, #"rule "r1" when +vip then remind "x""#)
        #expect(AgendaMemoTests.run(session, output, #"count(agenda where rule == "r1")"#) == "1")
        // A failing line leaves the session's definitions as they were before it.
        output.out = []
        #expect(session.runScripts([Source(name: "<repl>", text: "let yy = 1\nprint count(who serves my preferred client)")], bail: false, readOnly: false) != .success)
        #expect(AgendaMemoTests.run(session, output, "zz") == "5")
        let fresh = try AgendaMemoTests.session(path, output)
        #expect(fresh.runScripts([Source(name: "<repl>", text: "zz")], bail: false, readOnly: false) != .success)
        #expect(try Store(path: path).definitions().contains { $0.name == "zz" || $0.name == "r1" } == false)
    }
}
