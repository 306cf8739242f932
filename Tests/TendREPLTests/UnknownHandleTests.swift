import Foundation
import Testing

@testable import TendCore
@testable import TendREPL
@testable import TendStore

/// An unknown @handle is an error before anything runs, wherever it is written (#23.2): not a
/// value of 1 from a branch not taken, not 0 over an empty collection, and never half a run.
@Suite struct UnknownHandleTests {
    typealias Output = ConcurrencyTests.Output

    static func session(_ output: Output) throws -> Session {
        let console = Console(out: { _ in }, err: { output.err.append($0) })
        let session = try Session(store: try Store(path: nil), today: Day(year: 2026, month: 11, day: 23)!, console: console)
        #expect(session.runScripts([Source(name: "setup", text: "add \"Joan Rivera\"")], bail: false, readOnly: false) == .success)
        return session
    }

    @Test(
        arguments: [
            ("if false then @nobody-here else 1", "t:1:15: error: no contact @nobody-here"),
            ("count(interactions where contact == @joan-riviera)", "t:1:37: error: no contact @joan-riviera; did you mean @joan-rivera?"),
            ("add \"Ana Park\"\nlog call with @ana-park\nlog call with @ana-parc", "t:3:15: error: no contact @ana-parc; did you mean @ana-park?"),
            ("rule \"r\" when it == @nobody then remind \"x\"", "t:1:21: error: no contact @nobody"),
            ("print \"{@nobody.name}\"", "t:1:9: error: no contact @nobody"),
        ])
    func isAnErrorBeforeAnythingRuns(_ text: String, _ error: String) throws {
        let output = Output()
        let session = try Self.session(output)
        let status = session.runScripts([Source(name: "t", text: text)], bail: false, readOnly: false)
        #expect(status == .invalid)
        #expect(output.err.contains { $0.hasPrefix(error) }, "\(output.err)")
        // Nothing ran: the database holds what it held.
        #expect(try session.store.network().contacts.map(\.handle) == ["joan-rivera"])
        #expect(try session.store.network().interactions.isEmpty)
    }

    /// A contact the script itself adds is known to it; one it removes is an error when used,
    /// at run time (exit 3), and the run is rolled back.
    @Test func theScriptsOwnContacts() throws {
        let output = Output()
        let session = try Self.session(output)
        #expect(session.runScripts([Source(name: "t", text: "add \"Ana Park\"\nlog call with @ana-park")], bail: false, readOnly: false) == .success)
        let removed = "add \"Ben Ode\"\nremove @ben-ode\nlog call with @ben-ode"
        #expect(session.runScripts([Source(name: "t", text: removed)], bail: false, readOnly: false) == .failed)
        #expect(try session.store.network().contacts.map(\.handle).sorted() == ["ana-park", "joan-rivera"])
    }
}
