import Foundation
import TendTestSupport
import Testing

@testable import TendCore
@testable import TendPostgres
@testable import TendStore

/// `tend push` writes each kind of row a statement per thousand (issue 22): the round trips
/// to the server do not grow with the network. Before, contacts, stage changes, referrals,
/// introductions, spending and `knows` went a row at a time (one or two statements each).
@Suite(.enabled(if: TestCluster.available, Comment(rawValue: TestCluster.skipped)))
struct PushBatchTests {
    /// The statements a push of `SampleNetwork(size:)` sends, and how many rows it added.
    static func push(size: Int) throws -> (statements: Int, added: Int) {
        let personal = try Store(path: nil)
        try SampleNetwork(size: size, seed: 2, today: Pushdown.today).write(to: personal)
        let team = try PostgresStore(url: try TestCluster.freshDatabase("pushbatch"))
        defer { team.close() }
        let before = team.connection.statements
        let counts = try team.transaction { try Push(from: personal, into: team).run() }
        return (team.connection.statements - before, counts.added)
    }

    /// Nine times the network: a few more statements per thousand rows more, where a row at
    /// a time made one or two more per row.
    @Test func statementsGrowByAThousandthOfTheRows() throws {
        let small = try Self.push(size: 100)
        let large = try Self.push(size: 900)
        #expect(large.added > 8 * small.added, "\(small) \(large)")
        let more = (statements: large.statements - small.statements, rows: large.added - small.added)
        #expect(more.statements <= more.rows / 200, "\(more.statements) more statements for \(more.rows) more rows")
    }
}
