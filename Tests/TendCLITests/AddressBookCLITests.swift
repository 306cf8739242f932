import Foundation
import Testing

/// Issue 19: real address books, end to end through the `tend` binary.
@Suite struct AddressBookCLITests {
    static let fixtures = CLI.packageRoot.appendingPathComponent("Tests/TendInterchangeTests/Fixtures")

    static func copy(_ name: String, to dir: URL) throws {
        try FileManager.default.copyItem(at: fixtures.appendingPathComponent(name), to: dir.appendingPathComponent(name))
    }

    /// A file with quirks imports; what was guessed is in the report, and only the card that
    /// cannot be read is skipped (with skip_bad) or stops the import (without).
    @Test func reportSaysWhatWasGuessed() throws {
        let dir = CLI.tempDir()
        try AddressBookCLITests.copy("android-21.vcf", to: dir)
        let refused = try CLI.run(["import", "vcard", "android-21.vcf"], in: dir)
        #expect(refused.status == 3)
        #expect(refused.stderr.contains("card 5 (line 23), field FN: the card has no name, company, e-mail or phone; nothing was imported"))
        let r = try CLI.run(["import", "vcard", "android-21.vcf", "--skip-bad"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.hasPrefix("Imported from android-21.vcf: 4 added, 0 merged, 1 skipped."), "\(r.stdout)")
        #expect(r.stdout.contains("  card 2 (line 9): the card has no name (FN or N): named by its e-mail, only.mail@example.com"))
        let names = try CLI.run(["--format", "csv", "-e", "contacts sort by name show name, email, phone"], in: dir)
        #expect(names.stdout.contains("only.mail@example.com,only.mail@example.com,\n"), "\(names.stdout)")
    }

    @Test func unterminatedQuoteStopsTheImportWithWhere() throws {
        let dir = CLI.tempDir()
        try AddressBookCLITests.copy("unterminated.csv", to: dir)
        let r = try CLI.run(["import", "csv", "unterminated.csv"], in: dir)
        #expect(r.status == 3)
        #expect(r.stderr.contains("unterminated.csv: record 2 (line 3): the quote that opens a cell on line 3 is never closed"), "\(r.stderr)")
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir).stdout == "0\n")
    }

    /// Importing a wide record again (a merge) is linear too: its notes were compared one by
    /// one against all the others (2 minutes for 20,000 properties).
    @Test func wideRecordsImportAndMergeInLinearTime() throws {
        let dir = CLI.tempDir()
        var card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Wide Card\r\n"
        for i in 0..<20_000 { card += "X-UNKNOWN-\(i):value \(i)\r\n" }
        card += "END:VCARD\r\n"
        try card.write(to: dir.appendingPathComponent("wide.vcf"), atomically: true, encoding: .utf8)
        let header = "name," + (0..<100_000).map { "col\($0)" }.joined(separator: ",")
        let row = "Ana," + (0..<100_000).map { "v\($0)" }.joined(separator: ",")
        try (header + "\n" + row + "\n").write(to: dir.appendingPathComponent("wide.csv"), atomically: true, encoding: .utf8)
        for file in ["wide.vcf", "wide.csv", "wide.vcf", "wide.csv"] {
            let clock = ContinuousClock.now
            let r = try CLI.run(["import", file.hasSuffix("vcf") ? "vcard" : "csv", file], in: dir)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(ContinuousClock.now - clock < .seconds(10), "\(file)")
        }
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir).stdout == "2\n")
    }

    /// Issue 19, item 4: non-Latin names get handles of their own; honorifics stay out of them;
    /// a handle made before never changes.
    @Test func handlesForEveryScript() throws {
        let dir = CLI.tempDir()
        let setup = """
            add "Old Style" handle: "mr-john-richter-james-doe-sr"
            add "李小龍"
            add "Владимир Петров"
            add "Dr. Jane Doe PhD"
            """
        let r = try CLI.run(["run", "-"], stdin: setup, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("Added @li-xiao-long (李小龍).") && r.stdout.contains("Added @vladimir-petrov (Владимир Петров)."), "\(r.stdout)")
        #expect(r.stdout.contains("Added @jane-doe (Dr. Jane Doe PhD)."))
        let card =
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mr. John Richter James Doe Sr.\r\nN:Doe;John;Richter,James;Mr.;Sr.\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Old Style\r\nX-TEND-HANDLE:mr-john-richter-james-doe-sr\r\nEMAIL:old@style.example\r\nEND:VCARD\r\n"
        try card.write(to: dir.appendingPathComponent("doe.vcf"), atomically: true, encoding: .utf8)
        let i = try CLI.run(["import", "vcard", "doe.vcf"], in: dir)
        #expect(i.stdout.hasPrefix("Imported from doe.vcf: 1 added, 1 merged"), "\(i.stdout)")
        let handles = try CLI.run(["--format", "csv", "-e", "contacts sort by handle show handle"], in: dir)
        #expect(handles.stdout == "handle\njane-doe\njohn-doe\nli-xiao-long\nmr-john-richter-james-doe-sr\nvladimir-petrov\n")
    }

    /// Issue 19, item 6: after an import, `report unclassified` gives each group of contacts
    /// without a profession the line that classifies it, and an empty `who serves` says why.
    @Test func seedQuestionsAfterAnImport() throws {
        let dir = CLI.tempDir()
        let csv = """
            name,title,company,email
            Ana Park,Financial Advisor,Park Wealth,ana@park.example
            Ben Ode,financial advisor,Ode Wealth,ben@ode.example
            Cy Lee,,"Salon ""Joan\""",cy@lee.example
            Di Ray,,,di@ray.example

            """
        try csv.write(to: dir.appendingPathComponent("people.csv"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "csv", "people.csv"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "set me preferred_client: \"retired empty nesters\""], in: dir).status == 0)
        // No market: the rows stay empty (JSON is still []), the reason is on stderr.
        let none = try CLI.run(["--format", "json", "-e", "who serves my preferred client"], in: dir)
        #expect(none.status == 0 && none.stdout == "[]\n", "\(none.stdout)")
        #expect(none.stderr.contains("No one serves \"retired empty nesters\": no market of that name is defined."), "\(none.stderr)")
        #expect(try CLI.run(["-e", "market \"retired empty nesters\" served_by: [\"financial advisor\"]"], in: dir).status == 0)
        // On a terminal-style table the reason follows "(no rows)".
        let table = try CLI.run(["-e", "who serves my preferred client"], in: dir)
        #expect(
            table.stdout
                == "(no rows)\nNo contact has a profession that serves \"retired empty nesters\" (financial advisor), and none lists it in serves. 4 contacts have no profession: `report unclassified` groups them by title and company, with the set line that gives each group one.\n",
            "\(table.stdout)")
        let report = try CLI.run(["--format", "csv", "-e", "report unclassified"], in: dir)
        let lines = [
            #"title,company,count,contacts,set"#,
            #"Financial Advisor,,2,Ana Park; Ben Ode,"set contacts where profession == null and title ~ ""Financial Advisor"" profession: ""financial advisor""""#,
            #","Salon ""Joan""",1,Cy Lee,"set contacts where profession == null and company ~ ""Salon \""Joan\"""" profession: ""…""""#,
            #",,1,Di Ray,"#,
        ]
        #expect(report.stdout == lines.joined(separator: "\n") + "\n", "\(report.stdout)")
        // The report's line runs as written, and then the seed question answers.
        let line = try #require(report.stdout.split(separator: "\n").dropFirst().first?.split(separator: ",", maxSplits: 3).last)
        let statement = String(line.dropFirst().dropLast()).replacingOccurrences(of: "\"\"", with: "\"")
        #expect(try CLI.run(["-e", statement], in: dir).stdout == "Updated 2 contacts.\n")
        let serves = try CLI.run(["--format", "csv", "-e", "who serves my preferred client show handle"], in: dir)
        #expect(serves.stdout == "handle\nana-park\nben-ode\n" && serves.stderr.isEmpty, "\(serves.stdout) \(serves.stderr)")
    }
}
