import Foundation
import Testing

@testable import TendCore
@testable import TendREPL
@testable import TendStore

/// `report money` reads the year's spending and the interactions that asked or pitched from the
/// store, narrowed (every event of a large network held took 389 MB); `report network` reads the
/// contacts and their figures, `report reciprocity` the referrals alone (each held every event:
/// 363-367 MB at 1M interactions): the same reports as from every event in memory.
@Suite struct MoneyReportReadsTests {
    static let today = Day(year: 2026, month: 11, day: 23)!

    /// The report from the store, as a table's cells.
    static func narrowed(_ file: String, _ report: String = "report money") throws -> [[String]] {
        var tables: [Table] = []
        var errors: [String] = []
        let store = try Store(path: file)
        let session = try Session(store: store, today: today, console: Console(out: { _ in }, err: { errors.append($0) }))
        let outputs = try session.interpreter.execute(Parser.parse(Source(name: "r", text: report)).statements[0])
        for case .table(let t) in outputs { tables.append(t) }
        #expect(errors.isEmpty, "\(errors)")
        // Narrowed, the store never held every event: its network read since is the contacts'.
        #expect(try store.network(events: false).interactions.isEmpty)
        return tables.first.map(cells) ?? []
    }

    /// The report from every event in memory (a model that narrows nothing).
    static func fromEveryEvent(_ file: String, _ report: String = "report money") throws -> [[String]] {
        let interpreter = Interpreter(model: MemoryModel(try Store(path: file).network()), today: today)
        let outputs = try interpreter.execute(Parser.parse(Source(name: "r", text: report)).statements[0])
        for case .table(let t) in outputs { return cells(t) }
        return []
    }

    static func cells(_ t: Table) -> [[String]] { [t.columns] + t.rows.map { $0.map { "\($0)" } } }

    /// A database of 40 sample contacts with their events, and their handles.
    static func sampleNetwork(seed: UInt64) throws -> (file: String, handles: [String]) {
        let file = DumpTests.path("t.db")
        let store = try Store(path: file)
        _ = try Session(store: store, today: today, console: DumpTests.quiet)
        _ = try SampleNetwork(size: 40, seed: seed, interactionsPerContact: 5, today: today).write(to: store)
        return (file, try store.handles())
    }

    static func run(_ script: String, on file: String) throws {
        let session = try Session(store: try Store(path: file), today: today, console: DumpTests.quiet)
        #expect(session.runScripts([Source(name: "setup", text: script)], bail: true, readOnly: false) == .success)
    }

    @Test func narrowedReadsMakeTheReportOfEveryEvent() throws {
        let (file, h) = try Self.sampleNetwork(seed: 6)
        let script = """
            spend 120 at @\(h[0]) on 2026-11-01
            spend 80 at @\(h[0]) on 2025-11-23
            spend 75 at @\(h[1]) on 2025-11-24
            spend 300 at @\(h[2]) on 2027-02-01
            log call with @\(h[1]) on 2020-01-01 asked
            log lunch with @\(h[3]) and @\(h[0]) on 2026-10-01 pitch
            spend 10 at @\(h[3]) on 2026-06-01
            """
        try Self.run(script, on: file)
        let narrowed = try Self.narrowed(file)
        #expect(narrowed == (try Self.fromEveryEvent(file)))
        #expect(narrowed.count >= 4, "\(narrowed)")
        let text = narrowed.map { $0.joined(separator: ",") }.joined(separator: "\n")
        #expect(text.contains("true") && text.contains("120"), "\(text)")
    }

    @Test(arguments: ["report network", "report reciprocity"])
    func aReportOfContactsOrReferralsReadsNoInteraction(report: String) throws {
        let (file, h) = try Self.sampleNetwork(seed: 8)
        let script = """
            set me profession: "florist"
            set @\(h[0]) profession: "Florist "
            refer "Ana Park" to @\(h[1]) value: 120 on 2026-11-01
            refer "Bo Li" to @\(h[1]) on 2026-11-02
            referral from @\(h[2]) about "Cy Orr" value: 500 on 2026-10-01
            refer "Di Fay" to @\(h[2]) on 2027-01-01
            log call with @\(h[3]) on 2025-01-01
            """
        try Self.run(script, on: file)
        let narrowed = try Self.narrowed(file, report)
        #expect(narrowed == (try Self.fromEveryEvent(file, report)))
        #expect(narrowed.count >= 4, "\(narrowed)")
    }
}
