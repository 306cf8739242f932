import Foundation
import Testing

@testable import TendCore
@testable import TendREPL
@testable import TendStore

/// A query over every event of a network too large to hold (a million interactions took 1.77 GB
/// to print) is drawn as its rows are read, a batch at a time. Drawn so, it must print exactly
/// what the same query prints with its rows held, in every format.
@Suite struct StreamedTableTests {
    static let today = Day(year: 2026, month: 11, day: 23)!
    typealias Output = ConcurrencyTests.Output

    /// What a session printed: each `out` line and each block written in part.
    final class Printed: @unchecked Sendable {
        var text = ""
        var parts = 0
        var err: [String] = []
    }

    /// A session whose console takes output in parts when `streaming`; its interpreter pages the
    /// events (as it does past 300,000) when `paging`.
    static func session(_ path: String, _ printed: Printed, _ renderer: Renderer, paging: Bool) throws -> Session {
        let console = Console(
            out: { printed.text += $0 + "\n" }, err: { printed.err.append($0) },
            part: { printed.text += $0
                printed.parts += 1
            })
        let session = try Session(store: try Store(path: path), today: today, renderer: renderer, console: console)
        if paging {
            session.interpreter.cost.eventsInMemory = 0
            session.interpreter.cost.pageSize = 7
            session.interpreter.cost.streamedBatch = 25
        }
        return session
    }

    /// A network of 40 contacts and 400 interactions, two of the contacts with one name (a table
    /// shows their handles), notes with a line break and a control character.
    static func network(size: Int = 40) throws -> String {
        let path = ConcurrencyTests.path()
        let setUp = try session(path, Printed(), Renderer(), paging: false)
        try SampleNetwork(size: size, seed: 9, interactionsPerContact: 10, today: today).write(to: setUp.store as! Store)
        let status = setUp.runScripts(
            [
                Source(
                    name: "setup",
                    text: """
                        add "Sam Lee" handle: "sam-lee-a"
                        add "Sam Lee" handle: "sam-lee-b"
                        log call with @sam-lee-a on 2026-11-02 note: "two\\nlines"
                        log lunch with @sam-lee-b and @sam-lee-a on 2026-09-01 note: "a \\u{7} bell"
                        """)
            ], bail: true, readOnly: false)
        #expect(status == .success)
        return path
    }

    static let queries = [
        "interactions",
        "interactions where kind == \"call\"",
        "interactions where note != null show on, people, note",
        // Durations of both units in one column print in days, whichever batch they are in.
        "interactions as i show i.id, today - i.on",
        "interactions where quality >= 3 limit 30",
        "interactions limit 5",
        "interactions where kind == \"no such kind\"",
        "print interactions where kind == \"lunch\"",
        // Sorted: the ids and keys held, the rows read back by id in the sort's order (equal
        // keys in id order, nulls last either way).
        "interactions sort by on desc",
        "interactions where quality >= 2 sort by kind, on desc show id, kind, on, quality",
        "interactions as i sort by i.quality desc limit 40",
        "interactions sort by note",
        "print interactions sort by on",
    ]

    /// Grouped, the events read a page at a time are grouped as they are read (counted, unless
    /// `show` or `sort by` reads the groups' rows): the same groups as with the events held.
    static let grouped = [
        "interactions group by kind",
        "interactions where quality >= 2 group by kind, quality",
        "interactions group by people",
        "interactions group by kind show count(), avg(quality), max(on)",
        "interactions as i group by i.kind sort by count() desc",
    ]

    /// Two sessions on one database, printing alike: one with the events held, one reading them
    /// a page at a time (streamed where it can be).
    struct Pair {
        let held = Printed()
        let paged = Printed()
        let heldSession: Session
        let pagedSession: Session
        init(_ path: String, _ renderer: Renderer) throws {
            heldSession = try StreamedTableTests.session(path, held, renderer, paging: false)
            pagedSession = try StreamedTableTests.session(path, paged, renderer, paging: true)
        }

        /// Runs `q` in both; true when both succeed and print the same.
        func same(_ q: String) -> Bool {
            held.text = ""
            paged.text = ""
            paged.parts = 0
            let a = heldSession.runScripts([Source(name: "q", text: q)], bail: true, readOnly: true)
            let b = pagedSession.runScripts([Source(name: "q", text: q)], bail: true, readOnly: true)
            #expect(a == .success && b == .success, "\(q): \(held.err) \(paged.err)")
            return a == .success && paged.text == held.text
        }
    }

    @Test func groupsOfEventsReadAPageAtATimeAreTheGroupsOfEventsHeld() throws {
        let path = try Self.network()
        for renderer in [Renderer(format: .csv), Renderer(format: .table, color: true, width: 80)] {
            let pair = try Pair(path, renderer)
            for q in Self.grouped {
                #expect(pair.same(q), "\(q)")
                #expect(pair.held.text.split(separator: "\n").count > 3, "\(q): \(pair.held.text)")
            }
        }
    }

    @Test(arguments: [OutputFormat.table, .csv, .tsv, .json])
    func aStreamedTablePrintsWhatTheHeldTablePrints(format: OutputFormat) throws {
        let path = try Self.network()
        for width in format == .table ? [nil, 50] : [nil] {
            let pair = try Pair(path, Renderer(format: format, width: width, today: Self.today))
            for q in Self.queries {
                #expect(pair.same(q), "\(q) in \(format), width \(String(describing: width))")
                #expect(!pair.held.text.isEmpty)
                // Every query but the one with a small limit came in parts.
                #expect((pair.paged.parts > 0) == !q.hasSuffix("limit 5"), "\(q)")
            }
        }
    }

    /// A row that fails part way (a run-time error in the where-clause, the work budget) stops
    /// the statement before anything is written, as with the rows held: a CSV or JSON document
    /// was written up to the failing row.
    @Test(arguments: [OutputFormat.csv, .json, .table])
    func aRowThatFailsPartWayWritesNothing(format: OutputFormat) throws {
        // More rows before the failing one than a block of output holds (64 KB).
        let path = try Self.network(size: 300)
        let pair = try Pair(path, Renderer(format: format))
        let q = "interactions where max([if id == 2900 then \"x\" else 1, 2]) > 0"
        for (session, printed) in [(pair.heldSession, pair.held), (pair.pagedSession, pair.paged)] {
            printed.text = ""
            #expect(session.runScripts([Source(name: "q", text: q)], bail: true, readOnly: true) == .failed)
            #expect(printed.text.isEmpty, "\(printed.text.prefix(300))")
        }
    }

    /// Output held for a run that may be tried again (PostgreSQL's conflicts, a question in the
    /// REPL) keeps a streamed table's blocks, written as they would have been.
    @Test func heldOutputKeepsParts() throws {
        let held = Session.HeldOutput()
        held.console.out("Added @ann.")
        try held.console.part?("id,on\n1,")
        try held.console.part?("2026-11-01\n")
        held.console.err("warning")
        let parts = Printed()
        held.replay(to: Console(out: { parts.text += "out:" + $0 + "|" }, err: { parts.err.append($0) }, part: { parts.text += "part:" + $0 + "|" }))
        #expect(parts.text == "out:Added @ann.|part:id,on\n1,2026-11-01\n|" && parts.err == ["warning"])
        let lines = Printed()
        held.replay(to: Console(out: { lines.text += $0 + "\n" }, err: { lines.err.append($0) }))
        #expect(lines.text == "Added @ann.\nid,on\n1,2026-11-01\n")
    }

    /// A cell that ends in a prepended mark (U+0600) keeps the space the mark takes in.
    @Test func trailingBlanksGoByCharacters() {
        for text in ["x\u{600}  ", "ab  ", "é ", "x\u{110BD} ", "  "] {
            var old = text
            while old.last == " " { old.removeLast() }
            #expect(text.trimmingTrailing() == old, "\(text.unicodeScalars.map(\.value))")
        }
    }

    /// `show` keeps its values a batch at a time: what it makes of every row together may
    /// be more than a statement may keep.
    @Test func showCountsItsBytesABatchAtATime() throws {
        let path = try Self.network()
        let printed = Printed()
        let session = try Self.session(path, printed, Renderer(format: .csv), paging: true)
        session.interpreter.maxStatementBytes = 20_000
        #expect(session.runScripts([Source(name: "q", text: "count(interactions show id, note, people)")], bail: true, readOnly: true) == .failed)
        #expect(printed.err.joined().contains("MB of values"), "\(printed.err)")
        printed.text = ""
        let q = "interactions show id, note, people"
        #expect(session.runScripts([Source(name: "q", text: q)], bail: true, readOnly: true) == .success, "\(printed.err)")
        // The header, 402 rows, and the line a quoted note breaks.
        #expect(printed.text.split(separator: "\n").count == 404)
        // Read whole (a console that takes no parts), the batches are kept: their bytes count together.
        session.console = Console(out: { printed.text += $0 }, err: { printed.err.append($0) })
        printed.err = []
        #expect(session.runScripts([Source(name: "q", text: q)], bail: true, readOnly: true) == .failed)
        #expect(printed.err.joined().contains("MB of values"), "\(printed.err)")
    }

    /// An output that is gone (a closed pipe) stops the reading: the run fails and says why.
    @Test func aClosedOutputStopsTheReading() throws {
        // Far more than one block of output (64 KB): the first block written fails.
        let path = try Self.network(size: 300)
        let printed = Printed()
        let session = try Self.session(path, printed, Renderer(format: .csv), paging: true)
        var blocks = 0
        session.console.part = { _ in
            blocks += 1
            throw TerminalOutput.OutputError(code: EPIPE)
        }
        #expect(session.runScripts([Source(name: "q", text: "interactions")], bail: true, readOnly: true) == .failed)
        #expect(blocks == 1)
        #expect(printed.err.joined().contains("cannot write the output"), "\(printed.err)")
        // The output's loss is no statement's error: said without a place, as for a held table.
        #expect(!printed.err.joined().contains("q:1:"), "\(printed.err)")
    }

    /// A streamed table reads its statement's rows: once another statement has run, it refuses.
    @Test func aStreamedTableReadsOnlyUntilTheNextStatement() throws {
        let path = try Self.network()
        let interpreter = Interpreter(model: try Store(path: path), today: Self.today)
        interpreter.streamsLargeResults = true
        interpreter.cost.eventsInMemory = 0
        func run(_ text: String) throws -> [TendCore.Output] {
            let parsed = Parser.parse(Source(name: "q", text: text))
            var checker = Checker(definitions: interpreter.definitions)
            checker.check(parsed.statements)
            interpreter.resolutions.merge(checker.resolutions)
            return try parsed.statements.flatMap { try interpreter.execute($0) }
        }
        guard case .table(let first)? = try run("interactions").first, first.stream != nil else {
            Issue.record("not streamed")
            return
        }
        #expect(try first.materialized().rows.count == 402)
        _ = try run("contacts limit 1")
        #expect(throws: Diagnostic.self) { try first.materialized() }
    }
}
