import Foundation
import Testing

@testable import TendCore
@testable import TendREPL
@testable import TendStore

/// An export makes its contacts' cells a thousand at a time (every contact's cells and their
/// text held at once took 871 MB for JSON at 100,000 contacts): the file is the same whatever
/// the batches.
@Suite struct ExportBatchTests {
    static let today = Day(year: 2026, month: 11, day: 23)!

    /// What `export FORMAT -` prints with batches of `batch` contacts.
    static func exported(_ file: String, _ format: String, batch: Int) throws -> String {
        var out: [String] = []
        var errors: [String] = []
        let session = try Session(store: try Store(path: file), today: today, console: Console(out: { out.append($0) }, err: { errors.append($0) }))
        session.exportBatch = batch
        let status = session.runScripts([Source(name: "export", text: "export \(format) \"-\"")], bail: true, readOnly: true)
        #expect(status == .success, "\(errors)")
        return out.joined(separator: "\n")
    }

    @Test(arguments: ["json", "csv"])
    func theFileIsTheSameWhateverTheBatches(format: String) throws {
        let file = DumpTests.path("t.db")
        let store = try Store(path: file)
        _ = try Session(store: store, today: Self.today, console: DumpTests.quiet)
        _ = try SampleNetwork(size: 60, seed: 4, interactionsPerContact: 3, today: Self.today).write(to: store)
        // A duration column in days in one batch and in months in another; two contacts of one name.
        let setUp = try Session(store: try Store(path: file), today: Self.today, console: DumpTests.quiet)
        let handles = try store.handles()
        let script = """
            set @\(handles[0]) cadence: 10d
            set @\(handles[59]) cadence: 2mo
            add "Sam Lee" handle: "sam-lee-a", emails: [{value: "a@x.org", type: "work"}]
            add "Sam Lee" handle: "sam-lee-b", notes: "two\\nlines, and \\"quotes\\""
            """
        #expect(setUp.runScripts([Source(name: "setup", text: script)], bail: true, readOnly: false) == .success)
        let whole = try Self.exported(file, format, batch: Int.max)
        #expect(whole.components(separatedBy: "sam-lee-").count == 3 && whole.utf8.count > 10_000)
        for batch in [1, 7, 61] {
            #expect(try Self.exported(file, format, batch: batch) == whole, "batches of \(batch)")
        }
        // Through a console that takes output in parts (the command line's): the same bytes,
        // written a block at a time.
        var parts: [String] = []
        let streaming = try Session(
            store: try Store(path: file), today: Self.today, console: Console(out: { _ in }, err: { _ in }, part: { parts.append($0) }))
        #expect(streaming.runScripts([Source(name: "export", text: "export \(format) \"-\"")], bail: true, readOnly: true) == .success)
        #expect(parts.joined() == whole + "\n")
        #expect(whole.utf8.count <= 1 << 16 || parts.count > 1, "\(whole.utf8.count) bytes in \(parts.count) parts")
        #expect(format == "csv" || whole.utf8.count > 1 << 16, "JSON comes in several blocks")
        if format == "csv" {
            // The rows as one table, drawn by the renderer as before.
            var csv = Renderer(format: .csv)
            csv.quotingBlanks = true
            let people = try Store(path: file).network(events: false).contacts.sorted { $0.id < $1.id }
            #expect(whole == csv.render(Table(columns: Exporter.csvFields, rows: people.map(Exporter.csvRow))))
        }
    }

    /// An export to a file is written as it is made (an export of every contact held whole took
    /// 393 MB for JSON at 100,000 contacts): the same bytes as to standard output, a file
    /// holding them already is left alone, and a file with others is kept unless told.
    @Test(arguments: ["json", "csv", "vcard"])
    func aFileIsWrittenAsItIsMade(format: String) throws {
        let file = DumpTests.path("t.db")
        let store = try Store(path: file)
        _ = try Session(store: store, today: Self.today, console: DumpTests.quiet)
        _ = try SampleNetwork(size: 60, seed: 5, interactionsPerContact: 2, today: Self.today).write(to: store)
        let whole = try Self.exported(file, format, batch: Int.max)
        let target = DumpTests.path("out.\(format)")
        func export(_ options: String = "", batch: Int = 7) throws -> (TendREPL.ExitStatus, [String]) {
            var errors: [String] = []
            let session = try Session(store: try Store(path: file), today: Self.today, console: Console(out: { _ in }, err: { errors.append($0) }))
            session.exportBatch = batch
            let status = session.runScripts(
                [Source(name: "export", text: "export \(format) \"\(target)\"\(options)")], bail: true, readOnly: false)
            return (status, errors)
        }
        #expect(try export().0 == .success)
        let written = try String(contentsOfFile: target, encoding: .utf8)
        #expect(written == whole + "\n" || (format == "vcard" && written == whole), "\(written.suffix(40).debugDescription)")
        var first = stat()
        stat(target, &first)
        // Again, in other batches: the same bytes, the file untouched, no overwrite needed.
        #expect(try export(batch: 1).0 == .success)
        var again = stat()
        stat(target, &again)
        #expect(first.st_ino == again.st_ino)
        // Another contact: refused without overwrite, the file as it was, no temporary file left.
        let setUp = try Session(store: try Store(path: file), today: Self.today, console: DumpTests.quiet)
        #expect(setUp.runScripts([Source(name: "setup", text: "add \"Zed Quill\"")], bail: true, readOnly: false) == .success)
        let (status, errors) = try export()
        #expect(status != .success && errors.joined().contains("already exists"), "\(errors)")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == written)
        let folder = PathName.folder(target)
        #expect(try FileManager.default.contentsOfDirectory(atPath: folder).allSatisfy { !$0.contains(".tend-") })
        #expect(try export(" overwrite").0 == .success)
        #expect(try String(contentsOfFile: target, encoding: .utf8).contains("Zed Quill"))
    }

    /// `export dot` draws who knows whom: the edges are not in the contacts' network, and it
    /// wrote none unless every event had been read.
    @Test func aDotExportDrawsTheEdges() throws {
        let (file, h) = try MoneyReportReadsTests.sampleNetwork(seed: 11)
        try MoneyReportReadsTests.run("knows @\(h[0]) @\(h[1])", on: file)
        let dot = try Self.exported(file, "dot", batch: 1_000)
        #expect(dot.contains("\"\(h[0])\" -- \"\(h[1])\";") || dot.contains("\"\(h[1])\" -- \"\(h[0])\";"), "\(dot.prefix(400))")
    }
}
