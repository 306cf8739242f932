import Foundation
import Testing

@testable import TendCore
@testable import TendREPL
@testable import TendStore

/// `report money` reads the year's spending and the interactions that asked or pitched from the
/// store, narrowed (every event of a large network held took 389 MB): the same report as from
/// every event in memory.
@Suite struct MoneyReportReadsTests {
    static let today = Day(year: 2026, month: 11, day: 23)!

    static func report(_ file: String, eventsInMemory: Bool) throws -> String {
        var out: [String] = []
        var errors: [String] = []
        let store = try Store(path: file)
        // A store with the network in memory narrows nothing: the report takes every event.
        if eventsInMemory { _ = try store.network() }
        let session = try Session(
            store: store, today: today, renderer: Renderer(format: .csv), console: Console(out: { out.append($0) }, err: { errors.append($0) }))
        #expect(session.runScripts([Source(name: "report", text: "report money")], bail: true, readOnly: true) == .success, "\(errors)")
        return out.joined(separator: "\n")
    }

    @Test func narrowedReadsMakeTheReportOfEveryEvent() throws {
        let file = DumpTests.path("t.db")
        let store = try Store(path: file)
        _ = try Session(store: store, today: Self.today, console: DumpTests.quiet)
        _ = try SampleNetwork(size: 40, seed: 6, interactionsPerContact: 5, today: Self.today).write(to: store)
        let h = try store.handles()
        let setUp = try Session(store: try Store(path: file), today: Self.today, console: DumpTests.quiet)
        let script = """
            spend 120 at @\(h[0]) on 2026-11-01
            spend 80 at @\(h[0]) on 2025-11-23
            spend 75 at @\(h[1]) on 2025-11-24
            spend 300 at @\(h[2]) on 2027-02-01
            log call with @\(h[1]) on 2020-01-01 asked
            log lunch with @\(h[3]) and @\(h[0]) on 2026-10-01 pitch
            spend 10 at @\(h[3]) on 2026-06-01
            """
        #expect(setUp.runScripts([Source(name: "setup", text: script)], bail: true, readOnly: false) == .success)
        let narrowed = try Self.report(file, eventsInMemory: false)
        #expect(narrowed == (try Self.report(file, eventsInMemory: true)))
        #expect(narrowed.split(separator: "\n").count >= 4, "\(narrowed)")
        #expect(narrowed.contains("true") && narrowed.contains("120"), "\(narrowed)")
    }
}
