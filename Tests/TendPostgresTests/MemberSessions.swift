import Foundation
import TendTestSupport
import Testing

@testable import TendCore
@testable import TendPostgres
@testable import TendREPL
@testable import TendStore

/// Sessions as members' REPLs hold them, on databases of the test cluster, with what they print.
final class Printed: @unchecked Sendable {
    var out: [String] = []
    var err: [String] = []
    /// Both, in order, standard error's lines marked.
    var lines: [String] = []
}

enum MemberSessions {
    static let today = Day(year: 2026, month: 11, day: 23)!

    static func session(_ store: any TendDatabase, _ printed: Printed, format: OutputFormat = .table) throws -> Session {
        let console = Console(
            out: {
                printed.out.append($0)
                printed.lines.append($0)
            },
            err: {
                printed.err.append($0)
                printed.lines.append("stderr: " + $0)
            })
        return try Session(store: store, today: today, renderer: Renderer(format: format), console: console)
    }

    /// Runs `text` as one run, as typed at the prompt.
    @discardableResult
    static func run(_ s: Session, _ text: String, as name: String = "<repl>") -> TendREPL.ExitStatus {
        s.runScripts([Source(name: name, text: text)], bail: false, readOnly: false)
    }

    /// Two members' sessions on `url` (the second as `second`, else the same role), the first
    /// having run `setup`.
    static func pair(_ url: String, second: String? = nil, setup: String) throws -> (a: Session, outA: Printed, b: Session, outB: Printed) {
        let (outA, outB) = (Printed(), Printed())
        let a = try session(try PostgresStore(url: url), outA)
        let b = try session(try PostgresStore(url: second ?? url), outB)
        #expect(run(a, setup, as: "<setup>") == .success, "\(outA.err)")
        return (a, outA, b, outB)
    }
}
