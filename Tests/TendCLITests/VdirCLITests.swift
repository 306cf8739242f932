import Foundation
import Testing

/// Issue 19, items 2 and 5: important dates through every format, and vdir folders (one card
/// per contact, named by its UID) read and written through the `tend` binary.
@Suite struct VdirCLITests {
    /// Contacts with every kind of field a card carries, several of each where a contact may
    /// have several, and dates with and without a year.
    static let setup = """
        add "Ana Lima" emails: [{value: "ana@work.example", type: "work"}, "ana@home.example"], phones: [{value: "+1 555 0100", type: "mobile"}], addresses: [{street: "12 Main St", city: "Irvine", region: "CA", postcode: "92630", country: "USA", type: "home"}, {city: "Lisbon", type: "work"}], company: "Lima & Co", title: "Owner", +vip +family, notes: "Likes jazz; and fado\\nsecond line", birthday: --04-12, anniversary: 2010-06-01, dates: [{label: "kids' birthday", date: 2019-05-02}, {label: "name day", date: --07-26}], met_on: 2020-01-02, expert
        add "Bo Chen" email: "bo@x.example", birthday: 1988-02-29, cadence: 2w, goals: ["grow, fast", "hire"]
        add "李小龍" phone: "+852 5550 1234"
        """

    static func files(_ dir: URL) throws -> [String: String] {
        var out: [String: String] = [:]
        for name in try FileManager.default.contentsOfDirectory(atPath: dir.path) {
            out[name] = try String(contentsOf: dir.appendingPathComponent(name), encoding: .utf8)
        }
        return out
    }

    static func dump(_ dir: URL) throws -> String { try CLI.run(["dump"], in: dir).stdout }

    /// A dump's lines in order: a folder is read in the order of its files' names (the UIDs),
    /// so its contacts may be numbered in another order than they were added.
    static func lines(_ dump: String) -> [String] { dump.split(separator: "\n").map(String.init).sorted() }

    /// vdir → Tend → vdir and vCard → Tend → vCard → Tend keep every field, the multi-valued
    /// ones and the dates included; the UIDs given on the first export are kept.
    /// What a card loses on import but a folder keeps (an Apple label of the user's own, N's
    /// middle names: `export vdir` writes them back) is said for a file, not for a folder, where
    /// it was said again on every sync.
    @Test func whatAFolderKeepsIsNotSaid() throws {
        let dir = CLI.tempDir()
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ada King\r\nN:King;Ada;Augusta;;\r\nUID:ada-1\r\nitem1.EMAIL:ada@x.example\r\nitem1.X-ABLabel:Gym\r\nEND:VCARD\r\n"
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("book"), withIntermediateDirectories: true)
        try card.write(to: dir.appendingPathComponent("book/ada-1.vcf"), atomically: true, encoding: .utf8)
        try card.write(to: dir.appendingPathComponent("ada.vcf"), atomically: true, encoding: .utf8)
        let folder = try CLI.run(["import", "vdir", "book"], in: dir)
        #expect(folder.status == 0 && !(folder.stdout + folder.stderr).contains("Gym") && !(folder.stdout + folder.stderr).contains("are not in FN"), "\(folder.stdout)")
        let file = try CLI.run(["import", "vcard", "ada.vcf", "--dry-run"], in: dir)
        #expect((file.stdout + file.stderr).contains("\"Gym\" is no kind Tend keeps") && (file.stdout + file.stderr).contains("(Augusta) are not in FN"), "\(file.stdout)")
    }

    /// A run that fails takes its vdir cards back as it takes its other files (b88): the cards
    /// stayed, one for a contact the rollback took away and one with a title it took back, and
    /// the sync loop carried them to the phone and back into Tend.
    @Test func aFailedRunPutsItsCardsBack() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Ada King\" title: \"CEO\""], in: dir).status == 0)
        #expect(try CLI.run(["-e", "add \"Bo Chen\""], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let before = try VdirCLITests.files(dir.appendingPathComponent("book"))
        let script = """
            set @ada-king title: "CHANGED"
            add "Ghost One"
            export vdir "book"
            add "Ghost One" handle: "ghost-one"
            """
        let r = try CLI.run(["run", "-"], stdin: script + "\n", in: dir)
        #expect(r.status == 3 && r.stderr.contains("was removed; book/") && r.stderr.contains("was put back as it was"), "\(r.stderr)")
        #expect(try VdirCLITests.files(dir.appendingPathComponent("book")) == before)
    }

    /// SIGTERM stops an export to a folder between two cards, and the cards written go back
    /// (b88: it wrote every one of 20,000 cards, 43 s after the signal, then said nothing was
    /// changed with the cards left).
    @Test func aStoppedExportPutsItsCardsBack() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["demo", "--size", "3000"], in: dir).status == 0)
        let run = Process()
        run.executableURL = URL(fileURLWithPath: CLI.binary)
        run.arguments = ["--db", dir.appendingPathComponent("tend.db").path, "--today", "2026-11-23", "export", "vdir", "book"]
        run.currentDirectoryURL = dir
        run.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        run.standardError = errors
        try run.run()
        let book = dir.appendingPathComponent("book").path
        let started = Date()
        while Date().timeIntervalSince(started) < 30, ((try? FileManager.default.contentsOfDirectory(atPath: book))?.count ?? 0) < 20 {
            Thread.sleep(forTimeInterval: 0.01)
        }
        run.terminate()
        let stopped = Date()
        let said = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        run.waitUntilExit()
        #expect(run.terminationReason == .exit && run.terminationStatus == 3, "\(run.terminationStatus): \(said)")
        #expect(said.contains("stopped (SIGTERM)") && !said.contains("Exported"), "\(said)")
        #expect(Date().timeIntervalSince(stopped) < 10, "\(said)")
        let left = (try? FileManager.default.contentsOfDirectory(atPath: book)) ?? []
        let cards = left.filter { $0.hasSuffix(".vcf") }.count
        #expect(cards == 0, "\(cards) cards left: \(said)")
        #expect(try CLI.run(["-e", "count(contacts where uid != null)"], in: dir).stdout == "0\n")
    }

    /// `export vdir` makes the folders above a missing folder too (b74: on a new machine
    /// `~/.local/share/contacts/tend` failed, "No such file or directory", about "the file").
    @Test func anExportMakesTheFoldersAboveItsFolder() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Ada King\""], in: dir).status == 0)
        let r = try CLI.run(["export", "vdir", "share/contacts/tend"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let files = try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("share/contacts/tend").path)
        #expect(files.count == 1 && files[0].hasSuffix(".vcf"), "\(files)")
        let mode = try FileManager.default.attributesOfItem(atPath: dir.appendingPathComponent("share").path)[.posixPermissions] as? Int
        #expect(mode == 0o700)
    }

    /// A phone's card whose EMAIL is a display name: the address is read from it, and after
    /// `export vdir` writes the card back with the phone's line, a sync reads the same address
    /// (b66: the card then looked like Tend's and was read as written, and the display name
    /// replaced the address).
    @Test func aDisplayNameEmailStaysTheAddressThroughSyncs() throws {
        let dir = CLI.tempDir()
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("book"), withIntermediateDirectories: true)
        let card = { (tel: String) in "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob Ray\r\nUID:bob-1\r\nEMAIL:\"Bob R\" <bob@y.example>\r\nTEL:\(tel)\r\nEND:VCARD\r\n" }
        try card("+1 555 0100").write(to: dir.appendingPathComponent("book/bob-1.vcf"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "@bob-ray.emails"], in: dir).stdout == "bob@y.example\n")
        #expect(try CLI.run(["-e", "set @bob-ray +friend"], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let written = try String(contentsOf: dir.appendingPathComponent("book/bob-1.vcf"), encoding: .utf8)
        try written.replacingOccurrences(of: "+1 555 0100", with: "+1 555 0199").write(to: dir.appendingPathComponent("book/bob-1.vcf"), atomically: true, encoding: .utf8)
        let sync = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(sync.status == 0, "\(sync.stderr)")
        #expect(try CLI.run(["-e", "@bob-ray.emails"], in: dir).stdout == "bob@y.example\n", "\(sync.stdout)")
    }

    @Test func roundTrips() throws {
        let one = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: VdirCLITests.setup, in: one).status == 0)
        let e = try CLI.run(["export", "vdir", "book"], in: one)
        #expect(e.status == 0 && e.stdout == "Exported 3 contacts to book: 3 new, 0 updated, 0 unchanged.\n", "\(e.stdout)\(e.stderr)")
        let book = one.appendingPathComponent("book")
        let cards = try VdirCLITests.files(book)
        #expect(cards.count == 3)
        let dumped = try VdirCLITests.dump(one)
        for (name, text) in cards {
            let uid = String(name.dropLast(4))
            #expect(text.contains("UID:\(uid)\r\n") && dumped.contains("uid: \"\(uid)\""), "\(name)")
            let mode = try FileManager.default.attributesOfItem(atPath: book.appendingPathComponent(name).path)[.posixPermissions] as? Int
            #expect(mode == 0o600)
        }
        // The UIDs are kept: exporting again changes nothing.
        #expect(try CLI.run(["export", "vdir", "book"], in: one).stdout.hasPrefix("Exported 3 contacts to book: 0 new, 0 updated, 3 unchanged."))
        #expect(try VdirCLITests.dump(one) == dumped)

        let two = CLI.tempDir()
        try FileManager.default.copyItem(at: book, to: two.appendingPathComponent("book"))
        let i = try CLI.run(["import", "vdir", "book"], in: two)
        #expect(i.status == 0 && i.stdout.hasPrefix("Imported from book: 3 added, 0 merged, 0 skipped."), "\(i.stdout)\(i.stderr)")
        #expect(VdirCLITests.lines(try VdirCLITests.dump(two)) == VdirCLITests.lines(dumped))
        #expect(try CLI.run(["export", "vdir", "again"], in: two).status == 0)
        #expect(try VdirCLITests.files(two.appendingPathComponent("again")) == cards)
        // Importing the folder again is the same people.
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: two).stdout == "Imported from book: 0 added, 0 merged, 3 unchanged, 0 skipped.\n")
        #expect(VdirCLITests.lines(try VdirCLITests.dump(two)) == VdirCLITests.lines(dumped))

        // vCard → Tend → vCard → Tend.
        #expect(try CLI.run(["export", "vcard", "all.vcf"], in: one).status == 0)
        let three = CLI.tempDir()
        try FileManager.default.copyItem(at: one.appendingPathComponent("all.vcf"), to: three.appendingPathComponent("all.vcf"))
        #expect(try CLI.run(["import", "vcard", "all.vcf"], in: three).status == 0)
        #expect(try VdirCLITests.dump(three) == dumped)
        #expect(try CLI.run(["export", "vcard", "back.vcf"], in: three).status == 0)
        let first = try String(contentsOf: one.appendingPathComponent("all.vcf"), encoding: .utf8)
        #expect(try String(contentsOf: three.appendingPathComponent("back.vcf"), encoding: .utf8) == first)
        #expect(first.contains("BDAY:--0412\r\n") && first.contains("BDAY:19880229\r\n") && first.contains("tend2.X-ABDATE;X-APPLE-OMIT-YEAR=1604:1604-07-26"))
    }

    /// CSV and JSON carry the dates and the UID too, and read back to the same database.
    @Test func csvAndJSONCarryDates() throws {
        let one = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: VdirCLITests.setup + "\nset @bo-chen uid: \"bo-1\"", in: one).status == 0)
        let dumped = try VdirCLITests.dump(one)
        for format in ["csv", "json"] {
            #expect(try CLI.run(["export", format, "all.\(format)"], in: one).status == 0)
            let other = CLI.tempDir()
            try FileManager.default.copyItem(at: one.appendingPathComponent("all.\(format)"), to: other.appendingPathComponent("all.\(format)"))
            let r = try CLI.run(["import", format, "all.\(format)"], in: other)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(try VdirCLITests.dump(other) == dumped, "\(format)")
        }
        // Google's and Outlook's Birthday columns: with a year, without one, and Outlook's none.
        let csv = "First Name,Last Name,Birthday,Anniversary\nCy,Dee,--04-12,\nDi,Eck,4/12/1980,0/0/00\nEd,Fox,sometime,\n"
        let dir = CLI.tempDir()
        try csv.write(to: dir.appendingPathComponent("g.csv"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "google", "g.csv"], in: dir).status == 0)
        let rows = try CLI.run(["--format", "csv", "-e", "contacts sort by name show name, birthday, anniversary, notes"], in: dir).stdout
        #expect(rows == "name,birthday,anniversary,notes\nCy Dee,--04-12,,\nDi Eck,1980-04-12,,\nEd Fox,,,birthday: sometime\n", "\(rows)")
    }

    /// Export into a folder another program keeps: what Tend has no field for stays in the file
    /// (a photo, a URL, a program's own property), changed fields are written, unchanged files
    /// are not touched, and a card of a contact Tend no longer has is left in the folder.
    @Test func exportKeepsWhatOtherProgramsWrote() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: VdirCLITests.setup, in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let book = dir.appendingPathComponent("book")
        let uid = try #require(try CLI.run(["-e", "@bo-chen.uid"], in: dir).stdout.split(separator: "\n").first.map(String.init))
        let file = book.appendingPathComponent("\(uid).vcf")
        var card = try String(contentsOf: file, encoding: .utf8)
        card = card.replacingOccurrences(of: "FN:Bo Chen", with: "FN:Bo Chen-Park")
        card = card.replacingOccurrences(
            of: "END:VCARD", with: "URL:https://bo.example\r\nPHOTO;ENCODING=b;TYPE=JPEG:AAAA\r\nX-OTHER-APP:kept\\, as is\r\nREV:20240301T120000Z\r\nEND:VCARD")
        try card.write(to: file, atomically: true, encoding: .utf8)
        let i = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(i.stdout.contains("@bo-chen name: Bo Chen → Bo Chen-Park"), "\(i.stdout)")
        #expect(try CLI.run(["-e", "@bo-chen.notes"], in: dir).stdout == "url: https://bo.example\nx-other-app: kept, as is\n")
        #expect(try CLI.run(["-e", "remove @li-xiao-long"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "set @ana-lima birthday: 1980-04-12"], in: dir).status == 0)
        let e = try CLI.run(["export", "vdir", "book"], in: dir)
        #expect(
            e.stdout == "Exported 2 contacts to book: 0 new, 2 updated, 0 unchanged.\n  1 card is not of an exported contact: left as it is\n",
            "\(e.stdout)")
        let written = try String(contentsOf: file, encoding: .utf8)
        // A 3.0 photo is written the 4.0 way, as a data URI (a review found ENCODING=b in a 4.0
        // card), and the phone's old revision stamp goes: the card is Tend's writing now.
        for line in ["FN:Bo Chen-Park", "URL:https://bo.example", "PHOTO:data:image/jpeg;base64,AAAA", "X-OTHER-APP:kept\\, as is"] {
            #expect(written.contains(line + "\r\n"), "\(line)\n\(written)")
        }
        #expect(!written.contains("ENCODING") && !written.contains("REV:"), "\(written)")
        #expect(!written.contains("NOTE:"), "\(written)")
        #expect(try VdirCLITests.files(book).count == 3)
        // Read back, nothing changes: the kept properties are the notes they were.
        let again = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        // The card of the contact removed in Tend, unchanged since Tend wrote it, is not news.
        #expect(again.stdout.hasPrefix("Imported from book: 0 added, 0 merged, 3 unchanged, 0 skipped.\n"), "\(again.stdout)")
        #expect(again.stdout.contains("1 card Tend wrote for contacts it no longer has (removed, or merged into another) was passed over"), "\(again.stdout)")
        #expect(try CLI.run(["-e", "@bo-chen.notes"], in: dir).stdout == "url: https://bo.example\nx-other-app: kept, as is\n")
    }

    /// A card the export cannot read (a date off the calendar the phone wrote) is not written
    /// again beside it (b94 #5: a second card with the same UID, p1-2.vcf, which vdirsyncer
    /// refuses); it is left and named.
    @Test func anUnreadableCardIsLeftAndNamed() throws {
        let dir = CLI.tempDir()
        let book = dir.appendingPathComponent("book")
        try FileManager.default.createDirectory(at: book, withIntermediateDirectories: true)
        let file = book.appendingPathComponent("p1.vcf")
        try "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:p1\r\nFN:Pat Q\r\nN:Q;Pat;;;\r\nEMAIL:p@q.example\r\nEND:VCARD\r\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        let bad = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:p1\r\nFN:Pat Q\r\nN:Q;Pat;;;\r\nEMAIL:p@q.example\r\nBDAY:1985-02-30\r\nEND:VCARD\r\n"
        try bad.write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["-e", "set @pat-q city: \"Rome\""], in: dir).status == 0)
        let e = try CLI.run(["export", "vdir", "book"], in: dir)
        #expect(e.status == 0 && e.stdout.contains("p1.vcf cannot be read: @pat-q's card was not written"), "\(e.stdout)\(e.stderr)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: book.path).filter { $0.hasSuffix(".vcf") } == ["p1.vcf"])
        #expect(try String(contentsOf: file, encoding: .utf8) == bad)
    }

    /// Cards as an iPhone keeps them in a vdir (3.0, Apple's groups and labels, no UID on some).
    static let appleCards = [
        "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//iPhone OS 17.2//EN\r\nN:Appleseed;John;Q.;Dr.;Jr.\r\nFN:Dr. John Q. Appleseed Jr.\r\n"
            + "ORG:Apple Inc.;Engineering;\r\nTITLE:Senior Engineer\r\nitem1.EMAIL;type=INTERNET;type=pref:john@apple.example\r\n"
            + "item1.X-ABLabel:_$!<Other>!$_\r\nEMAIL;type=INTERNET;type=WORK:jappleseed@work.example\r\n"
            + "TEL;type=CELL;type=VOICE;type=pref:+1 (408) 555-0101\r\nTEL;type=HOME;type=VOICE:(408) 555-0199\r\n"
            + "item2.ADR;type=HOME;type=pref:;;1 Infinite Loop;Cupertino;CA;95014;United States\r\nitem2.X-ABADR:us\r\n"
            + "item3.URL;type=pref:https://example.com\r\nitem3.X-ABLabel:_$!<HomePage>!$_\r\nBDAY;value=date:1980-04-15\r\n"
            + "NOTE:Met at WWDC\\, loves coffee\\nSecond line\r\nPHOTO;ENCODING=b;TYPE=JPEG:AAECAwQFBgcICQoL\r\n"
            + "UID:6B29FC40-CA47-1067-B31D-00DD010662DA\r\nX-SOCIALPROFILE;type=twitter:http://twitter.com/japple\r\n"
            + "REV:2023-11-02T10:11:12Z\r\nEND:VCARD\r\n",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nPRODID:-//Apple Inc.//Mac OS X 10.15//EN\r\nN:;;;;\r\nFN:Acme Plumbing\r\nORG:Acme Plumbing;\r\n"
            + "X-ABShowAs:COMPANY\r\nTEL;type=WORK;type=VOICE;type=pref:555-0123\r\nitem1.EMAIL;type=INTERNET;type=pref:info@acmeplumbing.example\r\n"
            + "item1.X-ABLabel:_$!<Work>!$_\r\nUID:ACME-0001\r\nEND:VCARD\r\n",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Müller;Jürgen;;;\r\nORG:Bäckerei Müller\r\nEMAIL;type=INTERNET:juergen@baeckerei.example\r\n"
            + "item1.TEL:+49 30 1234567\r\nitem1.X-ABLabel:Laden\r\nEND:VCARD\r\n",
        "BEGIN:VCARD\r\nVERSION:3.0\r\nN:;;;;\r\nORG:Solo Corp;\r\nX-ABShowAs:COMPANY\r\nEND:VCARD\r\n",
    ]

    /// A folder of Apple's cards, imported: card0.vcf … card3.vcf.
    static func appleBook(in dir: URL) throws -> URL {
        let book = dir.appendingPathComponent("book")
        try FileManager.default.createDirectory(at: book, withIntermediateDirectories: true)
        for (i, card) in appleCards.enumerated() {
            try card.write(to: book.appendingPathComponent("card\(i).vcf"), atomically: true, encoding: .utf8)
        }
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        return book
    }

    /// The first export after an import rewrites only the card of the contact changed in Tend:
    /// another program's card that says what Tend has is left as that program wrote it.
    @Test func untouchedCardsOfAnotherProgramStayAsTheyAre() throws {
        let dir = CLI.tempDir()
        let book = try VdirCLITests.appleBook(in: dir)
        #expect(try CLI.run(["-e", "set @john-appleseed profession: \"engineer\""], in: dir).status == 0)
        let e = try CLI.run(["export", "vdir", "book"], in: dir)
        #expect(e.stdout == "Exported 4 contacts to book: 0 new, 1 updated, 3 unchanged.\n", "\(e.stdout)")
        let files = try VdirCLITests.files(book)
        for i in 1..<4 { #expect(files["card\(i).vcf"] == VdirCLITests.appleCards[i]) }
        #expect(files["card0.vcf"]?.contains("X-TEND-PROFESSION:engineer\r\n") == true)
        let again = try CLI.run(["export", "vdir", "book"], in: dir)
        #expect(again.stdout == "Exported 4 contacts to book: 0 new, 0 updated, 4 unchanged.\n", "\(again.stdout)")
        let back = try CLI.run(["import", "vdir", "book", "--update"], in: dir).stdout
        #expect(back.hasPrefix("Imported from book: 0 added, 0 merged, 4 unchanged, 0 skipped.\n") && !back.contains("→"), "\(back)")
    }

    /// A folder of an iPhone's (or iCloud's) 3.0 cards gets 3.0 cards, rewritten and new: Apple's
    /// Contacts passes over a 4.0 card and marks the whole address book's sync as failed. What
    /// only 4.0 has is said as Apple says it (an anniversary, a date without a year, a company's
    /// own card, a photo), and reads back as it was. A company's card is not rewritten on the
    /// next export (its KIND line moved to the end each time, in 4.0 too).
    @Test func aFolderOf30CardsGets30Cards() throws {
        let dir = CLI.tempDir()
        let book = try VdirCLITests.appleBook(in: dir)
        let set = """
            set @john-appleseed anniversary: 2010-06-01, birthday: --04-15, phones: ["+1 (408) 555-0101", "+1 555 0102"]
            add "Acme Inc" company: "Acme Inc", anniversary: --03-04, emails: ["a@acme.example", "b@acme.example"]
            """
        #expect(try CLI.run(["-e", set], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).stdout.hasPrefix("Exported 5 contacts to book: 1 new, 1 updated, 3 unchanged."))
        let files = try VdirCLITests.files(book)
        let john = try #require(files["card0.vcf"])
        let acme = try #require(files.first { !$0.key.hasPrefix("card") && $0.key.hasSuffix(".vcf") }?.value)
        for (card, lines) in [
            (john, ["VERSION:3.0", "BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15", "tend0.X-ABDATE:2010-06-01", "tend0.X-ABLabel:_$!<Anniversary>!$_",
                    "TEL:+1 555 0102", "PHOTO;ENCODING=b;TYPE=JPEG:AAECAwQFBgcICQoL"]),
            (acme, ["VERSION:3.0", "X-ABShowAs:COMPANY", "EMAIL;TYPE=pref:a@acme.example", "tend0.X-ABDATE;X-APPLE-OMIT-YEAR=1604:1604-03-04"]),
        ] {
            for line in lines { #expect(card.contains("\r\n" + line + "\r\n"), "\(line)\n\(card)") }
            for word in ["VERSION:4.0", "VALUE=", "KIND:", "ANNIVERSARY:", "PREF=1", "data:"] { #expect(!card.contains(word), "\(word)\n\(card)") }
        }
        let back = try CLI.run(["import", "vdir", "book", "--update"], in: dir).stdout
        #expect(back.hasPrefix("Imported from book: 0 added, 0 merged, 5 unchanged, 0 skipped.\n"), "\(back)")
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).stdout.hasPrefix("Exported 5 contacts to book: 0 new, 0 updated, 5 unchanged."))
        let people = try CLI.run(["--format", "csv", "-e", "contacts where company == name or handle == \"john-appleseed\" sort by name show name, company, birthday, anniversary"], in: dir).stdout
        #expect(people == "name,company,birthday,anniversary\nAcme Inc,Acme Inc,,--03-04\nAcme Plumbing,Acme Plumbing,,\nDr. John Q. Appleseed Jr.,Apple Inc.,--04-15,2010-06-01\nSolo Corp,Solo Corp,,\n", "\(people)")
        // An empty folder, or one of 4.0 cards, gets 4.0 cards.
        #expect(try CLI.run(["export", "vdir", "fresh"], in: dir).status == 0)
        let fresh = try VdirCLITests.files(dir.appendingPathComponent("fresh")).filter { $0.key.hasSuffix(".vcf") }
        #expect(fresh.count == 5 && fresh.values.allSatisfy { $0.contains("\r\nVERSION:4.0\r\n") }, "\(fresh.keys)")
        #expect(try CLI.run(["import", "vdir", "fresh", "--update"], in: dir).stdout.hasPrefix("Imported from fresh: 0 added, 0 merged, 5 unchanged"))
    }

    /// Review b101: the line that says a card is a company's follows the contact (a company's
    /// card renamed to a person kept showing as the company; one whose company was cleared
    /// showed as "No Name"), once, in whatever group the phone put it (`item1.X-ABShowAs` was
    /// written once more at each export); Tend's group for an anniversary never takes a name
    /// an item of the card has (`tend0.EMAIL` got the anniversary's label).
    @Test func aCompanysCardAndTendsGroupsFollowTheContact() throws {
        let dir = CLI.tempDir()
        let book = dir.appendingPathComponent("book")
        try FileManager.default.createDirectory(at: book, withIntermediateDirectories: true)
        func card(_ file: String, _ lines: String) throws {
            try "BEGIN:VCARD\r\nVERSION:3.0\r\n\(lines)END:VCARD\r\n".write(to: book.appendingPathComponent(file), atomically: true, encoding: .utf8)
        }
        try card("o1.vcf", "N:;;;;\r\nFN:Acme Widgets\r\nORG:Acme Widgets;\r\nitem1.X-ABShowAs:COMPANY\r\nUID:o1\r\n")
        try card("o2.vcf", "N:;;;;\r\nFN:Beta Co\r\nORG:Beta Co;\r\nX-ABShowAs:COMPANY\r\nUID:o2\r\n")
        try card("c1.vcf", "N:Cee;Carl;;;\r\nFN:Carl Cee\r\ntend0.EMAIL;type=INTERNET;type=HOME:carl@example.com\r\ntend0.X-ABLabel:_$!<Home>!$_\r\nUID:c1\r\n")
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        func text(_ file: String) throws -> String { try String(contentsOf: book.appendingPathComponent(file), encoding: .utf8) }
        for n in 1...3 {
            #expect(try CLI.run(["-e", "set @acme-widgets notes: \"n\(n)\"\nset @carl-cee notes: \"n\(n)\""], in: dir).status == 0)
            #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        }
        let acme = try text("o1.vcf")
        #expect(acme.components(separatedBy: "X-ABShowAs:COMPANY").count == 2, "\(acme)")
        let carl = try text("c1.vcf")
        #expect(carl.contains("\r\ntend0.EMAIL;TYPE=home:carl@example.com\r\ntend0.X-ABLabel:_$!<Home>!$_\r\n"), "\(carl)")
        #expect(try CLI.run(["-e", "set @carl-cee anniversary: 2001-02-03"], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let dated = try text("c1.vcf")
        #expect(dated.contains("\r\ntend1.X-ABDATE:2001-02-03\r\ntend1.X-ABLabel:_$!<Anniversary>!$_\r\n") && dated.components(separatedBy: "tend0.").count == 3, "\(dated)")
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).stdout.hasPrefix("Imported from book: 0 added, 0 merged, 3 unchanged"))
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).stdout.hasPrefix("Exported 3 contacts to book: 0 new, 0 updated, 3 unchanged."))
        // Renamed to a person, and a company's card without its company: persons' cards.
        #expect(try CLI.run(["-e", "set @acme-widgets name: \"Jane Doe\"\nset @beta-co company: null"], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let (jane, beta) = (try text("o1.vcf"), try text("o2.vcf"))
        #expect(!jane.contains("ShowAs") && jane.contains("\r\nN:Doe;Jane;;;\r\n"), "\(jane)")
        #expect(!beta.contains("ShowAs") && !beta.contains("\r\nN:;;;;\r\n"), "\(beta)")
        // A person whose name becomes the company's: a company's card.
        #expect(try CLI.run(["-e", "set @carl-cee company: \"Carl Cee\""], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        #expect(try text("c1.vcf").contains("\r\nX-ABShowAs:COMPANY\r\n"))
    }

    /// An anniversary and a date of the user's own labelled "anniversary" each read back as
    /// what they were (the date took the anniversary's place, and `export vcard` lost the
    /// anniversary); the anniversary said twice on a card (X-ANNIVERSARY and Apple's date) is one.
    @Test func anAnniversaryIsNotADateLabelledSo() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Eve Ee\" anniversary: 2001-02-03, dates: [{label: \"anniversary\", date: 2005-06-07}]"], in: dir).status == 0)
        let seed = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:S;S;;;\r\nFN:S S\r\nUID:seed\r\nEND:VCARD\r\n"
        try FileManager.default.createDirectory(at: dir.appendingPathComponent("phone"), withIntermediateDirectories: true)
        try seed.write(to: dir.appendingPathComponent("phone/seed.vcf"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["export", "vcard", "eve.vcf"], in: dir).status == 0)
        for export in [["export", "vdir", "book"], ["export", "vdir", "phone"]] { #expect(try CLI.run(export, in: dir).status == 0) }
        // Apple's own label, as the phone wrote it (a label of the user's own, "anniversary", before).
        let book = try VdirCLITests.files(dir.appendingPathComponent("book")).values.joined()
        #expect(book.contains(".X-ABDATE:2005-06-07\r\ntend1.X-ABLabel:_$!<Anniversary>!$_\r\n"), "\(book)")
        for (i, what) in [["import", "vcard", "eve.vcf"], ["import", "vdir", "book"], ["import", "vdir", "phone"]].enumerated() {
            let db = "back\(i).db"
            #expect(try CLI.run(["--db", db] + what, in: dir).status == 0)
            let eve = try CLI.run(["--db", db, "export", "json", "-"], in: dir).stdout
            #expect(eve.contains("\"anniversary\":\"2001-02-03\",\"dates\":[{\"label\":\"anniversary\",\"date\":\"2005-06-07\"}]"), "\(what): \(eve)")
        }
        let twice = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Qu;Quinn;;;\r\nFN:Quinn Qu\r\nX-ANNIVERSARY:2001-02-03\r\nitem1.X-ABDATE:2001-02-03\r\nitem1.X-ABLabel:_$!<Anniversary>!$_\r\nEND:VCARD\r\n"
        try twice.write(to: dir.appendingPathComponent("q.vcf"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["--db", "q.db", "import", "vcard", "q.vcf"], in: dir).status == 0)
        #expect(try CLI.run(["--db", "q.db", "--format", "csv", "-e", "contacts show anniversary, count(dates)"], in: dir).stdout == "anniversary,count_dates\n2001-02-03,0\n")
    }

    /// A card Tend writes over Apple's keeps Apple's groups on the e-mails, phones and addresses
    /// it still has as they were: the label (`Laden`) and `X-ABADR` still name their property.
    /// Apple's 3.0 cards stay 3.0 (a preferred e-mail is `TYPE=pref`, a number plain text).
    @Test func applesGroupsAndLabelsAreKept() throws {
        let dir = CLI.tempDir()
        let book = try VdirCLITests.appleBook(in: dir)
        #expect(try CLI.run(["-e", "set @john-appleseed profession: \"engineer\"\nset @jurgen-muller profession: \"baker\""], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let files = try VdirCLITests.files(book)
        let john = try #require(files["card0.vcf"])
        for line in [
            "item1.EMAIL;TYPE=other,pref:john@apple.example", "item1.X-ABLabel:_$!<Other>!$_",
            "item2.ADR;TYPE=home:;;1 Infinite Loop;Cupertino;CA;95014;United States", "item2.X-ABADR:us",
        ] {
            #expect(john.contains(line + "\r\n"), "\(line)\n\(john)")
        }
        let jurgen = try #require(files["card2.vcf"])
        for line in ["item1.TEL;TYPE=other:+49 30 1234567", "item1.X-ABLabel:Laden"] {
            #expect(jurgen.contains(line + "\r\n"), "\(line)\n\(jurgen)")
        }
        let back = try CLI.run(["import", "vdir", "book", "--update"], in: dir).stdout
        #expect(back.hasPrefix("Imported from book: 0 added, 0 merged, 4 unchanged, 0 skipped.\n") && !back.contains("→"), "\(back)")
    }

    /// A file of several cards names each card's problem at the file's card and line (each card
    /// is read alone, and said "card 2: card 1 (line 1)" for what was on line 6).
    @Test func aFileOfSeveralCardsSaysTheFilesLine() throws {
        let dir = CLI.tempDir()
        let book = dir.appendingPathComponent("book")
        try FileManager.default.createDirectory(at: book, withIntermediateDirectories: true)
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann One\r\nEND:VCARD\r\nBEGIN:VCARD\r\nVERSION:3.0\r\nORG:Acme Plumbing\r\nEND:VCARD\r\n"
        try text.write(to: book.appendingPathComponent("a.vcf"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", "vdir", "book"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("a.vcf card 2: line 5"), "\(r.stdout)")
        #expect(!r.stdout.contains("card 2: card 1"), "\(r.stdout)")
    }

    /// A folder with what a folder may hold: other files, a broken card, a link, a huge file,
    /// two files with one UID. The good cards are imported; each problem is named.
    @Test func hostileFolder() throws {
        let dir = CLI.tempDir()
        let book = dir.appendingPathComponent("book")
        try FileManager.default.createDirectory(at: book, withIntermediateDirectories: true)
        func card(_ file: String, _ text: String) throws { try text.write(to: book.appendingPathComponent(file), atomically: true, encoding: .utf8) }
        try card("a.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:same\r\nFN:Ann One\r\nEMAIL:ann@x.example\r\nEND:VCARD\r\n")
        try card("b.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:same\r\nFN:Ann One\r\nTEL:+1 555 0100\r\nEND:VCARD\r\n")
        try card("broken.vcf", "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:no name at all\r\nEND:VCARD\r\n")
        try card("notes.txt", "not a card")
        try card("outside.txt", "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Secret Link\r\nEND:VCARD\r\n")
        try FileManager.default.createSymbolicLink(atPath: book.appendingPathComponent("link.vcf").path, withDestinationPath: "outside.txt")
        _ = FileManager.default.createFile(atPath: book.appendingPathComponent("huge.vcf").path, contents: nil)
        let huge = try FileHandle(forWritingTo: book.appendingPathComponent("huge.vcf"))
        try huge.truncate(atOffset: 17 << 20)
        try huge.close()
        let r = try CLI.run(["import", "vdir", "book"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let lines = r.stdout.split(separator: "\n").map(String.init)
        #expect(lines.first == "Imported from book: 1 added, 1 merged, 2 skipped.", "\(r.stdout)")
        for line in [
            "  skipped huge.vcf: 17 MB; a card file is at most 16 MB",
            "  skipped broken.vcf: card 1 (line 1), field FN: the card has no name, company, e-mail or phone",
            "  folder: link.vcf is a symbolic link: left out (Tend does not follow links in a vdir)",
            "  folder: 2 files are not .vcf: left out",
            "  b.vcf: has the UID of a.vcf (same): read as the same person",
        ] {
            #expect(lines.contains(line), "\(line)\n\(r.stdout)")
        }
        let people = try CLI.run(["--format", "csv", "-e", "contacts show name, email, phone, uid"], in: dir).stdout
        #expect(people == "name,email,phone,uid\nAnn One,ann@x.example,'+1 555 0100,same\n", "\(people)")
        // Export never writes through a link: the link's name is left as it is.
        #expect(try CLI.run(["-e", "add \"Link Target\" uid: \"link\""], in: dir).status == 0)
        let e = try CLI.run(["export", "vdir", "book"], in: dir)
        #expect(e.stdout.contains("  link.vcf is a symbolic link: not written (Tend does not write through links in a vdir)"), "\(e.stdout)")
        #expect(try String(contentsOf: book.appendingPathComponent("outside.txt"), encoding: .utf8).contains("Secret Link"))
        #expect(try String(contentsOf: book.appendingPathComponent("notes.txt"), encoding: .utf8) == "not a card")
    }

    /// A run that fails after an export is rolled back, UIDs included, and its cards with it.
    /// Cards whose contacts lost their UIDs otherwise (a process killed before it put them back,
    /// `set … uid: null`) are not written twice: the next export takes each contact's UID from
    /// the card that carries its handle, so the folder does not get a second card per person.
    @Test func aRolledBackExportIsNotWrittenTwice() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: VdirCLITests.setup, in: dir).status == 0)
        let failed = try CLI.run(["run", "-"], stdin: "export vdir \"book\"\nadd \"Bo Chen\"\n", in: dir)
        #expect(failed.status == 3, "\(failed.stderr)")
        #expect(try CLI.run(["-e", "count(contacts where uid != null)"], in: dir).stdout == "0\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("book").path).isEmpty)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "set contacts uid: null"], in: dir).status == 0)
        let names = Set(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("book").path))
        #expect(names.count == 3)
        let again = try CLI.run(["export", "vdir", "book"], in: dir)
        #expect(again.stdout == "Exported 3 contacts to book: 0 new, 0 updated, 3 unchanged.\n", "\(again.stdout)")
        let uids = try CLI.run(["--format", "csv", "-e", "contacts show uid"], in: dir).stdout.split(separator: "\n").dropFirst()
        #expect(Set(uids.map { "\($0).vcf" }) == names)
    }

    /// A card's UID with a control character, or longer than a file name allows, is kept as a
    /// stable `tend-…` UID: the card is found again on every export instead of being written anew
    /// (two more files in two exports), and the dump runs back (`uid:` refused the raw one).
    @Test func unstorableUIDsAreMadeStable() throws {
        let dir = CLI.tempDir()
        let book = dir.appendingPathComponent("book")
        try FileManager.default.createDirectory(at: book, withIntermediateDirectories: true)
        let long = String(repeating: "u", count: 300)
        try "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u\u{1}x\r\nFN:Ctl Uid\r\nEMAIL:c@x.example\r\nEND:VCARD\r\n"
            .write(to: book.appendingPathComponent("a.vcf"), atomically: true, encoding: .utf8)
        try "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:\(long)\r\nFN:Long Uid\r\nEND:VCARD\r\n"
            .write(to: book.appendingPathComponent("b.vcf"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        for _ in 0..<2 { #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0) }
        let files = try FileManager.default.contentsOfDirectory(atPath: book.path).filter { $0.hasSuffix(".vcf") }
        #expect(files.count == 2, "\(files.sorted())")
        let uids = try CLI.run(["--format", "csv", "-e", "contacts sort by name show uid"], in: dir).stdout
        #expect(uids.split(separator: "\n").dropFirst().allSatisfy { $0.hasPrefix("tend-") && $0.count == 21 }, "\(uids)")
        let copy = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: Self.dump(dir), in: copy).status == 0)
        #expect(try Self.dump(copy) == Self.dump(dir))
    }

    /// Under --read-only an export writes no file and gives no UID; a folder that is a file is an error.
    @Test func readOnlyAndNotAFolder() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: VdirCLITests.setup, in: dir).status == 0)
        let r = try CLI.run(["--read-only", "export", "vdir", "book"], in: dir)
        #expect(r.status == 2 && r.stderr.contains("error: export writes a file, which --read-only does not allow"), "\(r.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("book").path))
        #expect(try CLI.run(["-e", "count(contacts where uid != null)"], in: dir).stdout == "0\n")
        try "x".write(to: dir.appendingPathComponent("file"), atomically: true, encoding: .utf8)
        let i = try CLI.run(["import", "vdir", "file"], in: dir)
        #expect(i.status == 3 && i.stderr.contains("file is not a folder; a vdir is a folder of .vcf files"), "\(i.stderr)")
    }
}

/// khard (from PyPI) lists a folder Tend exported, and edits a card there that Tend imports back.
@Suite(.enabled(if: Khard.path != nil, "khard is not installed and `python3 -m pip install khard` failed")) struct KhardTests {
    @Test func khardReadsAndEditsTendsFolder() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: VdirCLITests.setup, in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let config = dir.appendingPathComponent("khard.conf")
        try """
        [addressbooks]
        [[tend]]
        path = \(dir.appendingPathComponent("book").path)

        [general]
        default_action = list
        editor = /bin/true
        merge_editor = /bin/true

        [contact table]
        display = formatted_name
        sort = last_name
        """.write(to: config, atomically: true, encoding: .utf8)
        let khard = Khard.path!
        let env = ["HOME": dir.path]
        let list = try CLI.run([khard, "-c", config.path, "list", "--parsable"], in: dir, env: env, raw: true)
        #expect(list.status == 0, "\(list.stderr)")
        let names = Set(list.stdout.split(separator: "\n").compactMap { $0.split(separator: "\t").dropFirst().first.map(String.init) })
        #expect(names == ["Ana Lima", "Bo Chen", "李小龍"], "\(list.stdout)")
        let birthdays = try CLI.run([khard, "-c", config.path, "birthdays", "--parsable"], in: dir, env: env, raw: true)
        #expect(birthdays.stdout.contains("1988.02.29\tBo Chen"), "\(birthdays.stdout)\(birthdays.stderr)")

        // Edit Bo as a user would in khard: a new birthday, a mobile phone, a nickname.
        var yaml = try CLI.run([khard, "-c", config.path, "show", "--format", "yaml", "Bo Chen"], in: dir, env: env, raw: true).stdout
        yaml = yaml.replacingOccurrences(of: "Birthday: '1988-02-29'", with: "Birthday: '1988-03-01'")
        yaml = yaml.replacingOccurrences(of: "Phone:\n    cell:\n", with: "Phone:\n    cell: \"+1 555 0199\"\n")
        yaml = yaml.replacingOccurrences(of: "Nickname:\n", with: "Nickname: Bobby\n")
        let template = dir.appendingPathComponent("bo.yaml")
        try yaml.write(to: template, atomically: true, encoding: .utf8)
        let edit = try CLI.run([khard, "-c", config.path, "edit", "-i", template.path, "Bo Chen"], stdin: "yes\n", in: dir, env: env, raw: true)
        #expect(edit.status == 0 && edit.stdout.contains("Done"), "\(edit.stdout)\(edit.stderr)")

        let i = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(i.stdout.hasPrefix("Imported from book: 0 added, 1 merged, 2 unchanged, 0 skipped."), "\(i.stdout)\(i.stderr)")
        #expect(i.stdout.contains("@bo-chen birthday: 1988-02-29 → 1988-03-01"), "\(i.stdout)")
        let bo = try CLI.run(["--format", "csv", "-e", "contacts where handle == \"bo-chen\" show name, email, phone, birthday, notes"], in: dir).stdout
        #expect(bo == "name,email,phone,birthday,notes\nBo Chen,bo@x.example,'+1 555 0199,1988-03-01,nickname: Bobby\n", "\(bo)")
        // Written back, khard's own properties stay in the file.
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let shown = try CLI.run([khard, "-c", config.path, "show", "Bo Chen"], in: dir, env: env, raw: true).stdout
        #expect(shown.contains("Nickname: Bobby") && shown.contains("+1 555 0199"), "\(shown)")
    }
}

/// khard's executable, installed with pip when it is missing (as Scripts/test does).
enum Khard {
    static let path: String? = {
        func find() -> String? {
            let which = try? CLI.run(["/usr/bin/env", "sh", "-c", "command -v khard"], in: FileManager.default.temporaryDirectory, raw: true)
            return which.flatMap { $0.status == 0 ? $0.stdout.trimmingCharacters(in: .whitespacesAndNewlines) : nil }
        }
        if let p = find() { return p }
        _ = try? CLI.run(["/usr/bin/env", "python3", "-m", "pip", "install", "-q", "khard"], in: FileManager.default.temporaryDirectory, raw: true)
        return find()
    }()
}
