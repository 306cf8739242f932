import Foundation
import Testing

@testable import TendCore
@testable import TendREPL
@testable import TendStore

/// Restoring a dump or running a generated script takes time in proportion to its statements
/// (#18.5): a change touches only its rows, and the network read before it is updated in place,
/// never read again from the database after each change.
@Suite struct BulkScriptTests {
    static let today = Day(year: 2026, month: 11, day: 23)!

    /// A generated network's dump, run on an empty database: how many times that run read the
    /// whole network, and whether the copy's dump is the same text.
    static func restore(size: Int) throws -> (reads: Int, statements: Int, same: Bool) {
        let quiet = Console(out: { _ in }, err: { _ in })
        let source = try Session(store: try Store(path: nil), today: today, console: quiet)
        try SampleNetwork(size: size, seed: 3, interactionsPerContact: 3, today: today).write(to: source.store as! Store)
        source.interpreter.invalidate()
        let dump = try source.dump()
        let store = try Store(path: nil)
        let copy = try Session(store: store, today: today, console: quiet)
        let before = store.wholeReads
        #expect(copy.runScripts([Source(name: "dump", text: dump)], bail: false, readOnly: false) == .success)
        let reads = store.wholeReads - before
        return (reads, dump.split(separator: "\n").count, try copy.dump() == dump)
    }

    /// Stage changes (`set @x stage: … on DATE`, one per contact with a history) made the store
    /// drop its network, so the next statement read every contact again: n² for n contacts.
    @Test func aRestoreReadsTheNetworkOnce() throws {
        let (reads, statements, same) = try Self.restore(size: 120)
        #expect(same)
        #expect(statements > 500)
        #expect(reads <= 1, "the network was read \(reads) times for \(statements) statements")
    }

    /// Four times the contacts, the same number of whole reads.
    @Test func wholeReadsDoNotGrowWithTheScript() throws {
        let small = try Self.restore(size: 40)
        let large = try Self.restore(size: 160)
        #expect(large.statements > 3 * small.statements)
        #expect(large.reads == small.reads)
    }

    /// Edges are added without searching every edge, and a merge or a removal leaves no
    /// duplicate behind (the set of edges is made again after them).
    @Test func knowsEdgesStayUniqueThroughMergesAndRemovals() throws {
        var net = Network()
        for n in 1...5 { net.apply(.insertContact(Contact(name: "P\(n)", handle: "p\(n)", created: Self.today))) }
        net.apply(.insertKnows(1, 2))
        net.apply(.insertKnows(2, 1))
        net.apply(.insertKnows(3, 4))
        #expect(net.knows.count == 2)
        net.apply(.mergeContact(from: 3, into: 1))
        net.apply(.insertKnows(1, 4))
        net.apply(.insertKnows(4, 1))
        #expect(net.knows.map { [$0.0, $0.1] } == [[1, 2], [1, 4]])
        net.apply(.deleteContact(2))
        net.apply(.insertKnows(1, 5))
        net.apply(.insertIntroduction(Introduction(a: 5, b: 1, on: Self.today)))
        #expect(net.knows.map { [$0.0, $0.1] } == [[1, 4], [1, 5]])
    }
}
