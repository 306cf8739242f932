import Foundation
import Testing

/// Issue 19's hostile review: a vdir kept in step with a phone or a CardDAV server. A card is
/// the person as the phone has them; Tend's own fields stay Tend's.
@Suite struct VdirSyncTests {
    static let ana = """
        add "Ana Lima" phones: ["+1 555 0100", {value: "+1 555 0101", type: "work"}], emails: ["ana@a.example", "ana@b.example"], addresses: [{city: "Lisbon"}], birthday: 1980-04-12, anniversary: 2010-06-01, dates: [{label: "name day", date: --07-26}], company: "Lima Co", title: "Owner", stage: visibility, cadence: 2w, +vip, notes: "likes jazz"
        """

    /// The test's folder `book`, made empty, where the phone's cards are put.
    static func book(_ dir: URL) throws -> URL {
        let book = dir.appendingPathComponent("book")
        try FileManager.default.createDirectory(at: book, withIntermediateDirectories: true)
        return book
    }

    /// A phone's vCard 3.0 card of `fields` (CRLF-ended lines) with `uid`, written to the folder
    /// as `UID.vcf`: its file and its text.
    static func phoneCard(_ fields: String, uid: String, in dir: URL) throws -> (file: URL, text: String) {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\n\(fields)UID:\(uid)\r\nEND:VCARD\r\n"
        let file = try book(dir).appendingPathComponent(uid + ".vcf")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return (file, text)
    }

    /// The folder's one card file, and its text.
    static func card(_ dir: URL) throws -> (URL, String) {
        let book = dir.appendingPathComponent("book")
        let name = try #require(try FileManager.default.contentsOfDirectory(atPath: book.path).first { $0.hasSuffix(".vcf") })
        let file = book.appendingPathComponent(name)
        return (file, try String(contentsOf: file, encoding: .utf8))
    }

    /// Edits the card as a phone app would: lines dropped (the app keeps Tend's digest line, an
    /// unknown property to it, so the card no longer matches it).
    static func edit(_ dir: URL, dropping: [String]) throws {
        let (file, text) = try card(dir)
        let lines = text.components(separatedBy: "\r\n").filter { line in !dropping.contains { line.hasPrefix($0) } }
        try lines.joined(separator: "\r\n").write(to: file, atomically: true, encoding: .utf8)
    }

    static func ana(_ dir: URL, _ fields: String) throws -> String {
        try CLI.run(["--format", "csv", "-e", "contacts show \(fields)"], in: dir).stdout
    }

    /// An e-mail changed on the phone is said once, as changed (it was said again as not on
    /// the card, and counted as two fields).
    @Test func aChangedEmailIsSaidOnce() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", VdirSyncTests.ana], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let (file, text) = try VdirSyncTests.card(dir)
        try text.replacingOccurrences(of: "ana@a.example", with: "ana@c.example").write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("@ana-lima email: ana@a.example → ana@c.example"), "\(r.stdout)")
        #expect(!r.stdout.contains("ana@a.example → (not on the card)"), "\(r.stdout)")
        #expect(try VdirSyncTests.ana(dir, "emails") == "emails\nana@c.example; ana@b.example\n")
    }

    /// A number, an e-mail, an address, a named date, the birthday, the anniversary, the title
    /// and the company deleted on the phone are deleted by `import vdir --update`; Tend's own
    /// fields (stage, cadence, tags, notes) stay.
    @Test func whatThePhoneDeletedIsDeleted() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", VdirSyncTests.ana], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        try VdirSyncTests.edit(
            dir, dropping: ["TEL;VALUE=text;TYPE=work", "EMAIL:", "ADR", "tend1.", "BDAY", "ANNIVERSARY", "TITLE", "ORG", "X-TEND-STAGE", "NOTE"])
        let r = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        for line in [
            "@ana-lima phone: +1 555 0101 → (not on the card)", "@ana-lima email: ana@b.example → (not on the card)",
            "@ana-lima birthday: 1980-04-12 → (not on the card)", "@ana-lima dates: name day: --07-26 → (not on the card)",
        ] {
            #expect(r.stdout.contains(line), "\(line)\n\(r.stdout)")
        }
        let fields = "phones, emails, addresses, birthday, anniversary, dates, title, company, stage, cadence, tags, notes"
        #expect(
            try VdirSyncTests.ana(dir, fields)
                == "phones,emails,addresses,birthday,anniversary,dates,title,company,stage,cadence,tags,notes\n'+1 555 0100,ana@a.example,,,,,,,visibility,2w,vip,likes jazz\n")
        // A number added on the phone comes in.
        let (file, text) = try VdirSyncTests.card(dir)
        try text.replacingOccurrences(of: "END:VCARD", with: "TEL;TYPE=cell:+1 555 0199\r\nEND:VCARD").write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).status == 0)
        #expect(try VdirSyncTests.ana(dir, "phones") == "phones\n'+1 555 0100; +1 555 0199\n")
    }

    /// Tend and the phone each changed the contact between two syncs, in other fields: both
    /// stay (b89: the card's old city came back over the one set in Tend, and the next export
    /// sent it to the phone). A part the phone changed wins (the phones both sides changed are
    /// merged: the number Tend removed stays removed), and a field Tend filled in since the
    /// export, which the card lacks, stays; a card an older Tend wrote (no digests of its parts)
    /// is taken whole, as before.
    @Test func editsOnBothSidesInOtherFieldsBothStay() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", VdirSyncTests.ana], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["-e", #"set @ana-lima addresses: [{city: "Rome"}], emails: ["ana@new.example"], relationship: "friend", phones: ["+1 555 0100"]"#], in: dir).status == 0)
        let (file, text) = try VdirSyncTests.card(dir)
        try text.replacingOccurrences(of: "TITLE:Owner", with: "TITLE:Head stylist").replacingOccurrences(of: "+1 555 0100", with: "+1 555 0111")
            .write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(r.status == 0 && !r.stdout.contains("Lisbon") && !r.stdout.contains("ana@a.example"), "\(r.stdout)\(r.stderr)")
        #expect(
            try VdirSyncTests.ana(dir, "city, emails, title, relationship, phones")
                == "city,emails,title,relationship,phones\nRome,ana@new.example,Head stylist,friend,'+1 555 0111\n")
        // The next export sends both sides' edits to the phone.
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let (_, sent) = try VdirSyncTests.card(dir)
        #expect(sent.contains("Rome") && sent.contains("TITLE:Head stylist") && !sent.contains("Lisbon"), "\(sent)")
        // A card without the parts' digests (an older Tend's) is the card whole.
        let old = sent.components(separatedBy: "\r\n").map { $0.hasPrefix("X-TEND-SYNC:") ? String($0.prefix { $0 != " " }) : $0 }
            .filter { !$0.hasPrefix(" ") }.joined(separator: "\r\n")
        #expect(try CLI.run(["-e", #"set @ana-lima addresses: [{city: "Oslo"}]"#], in: dir).status == 0)
        try old.replacingOccurrences(of: "TITLE:Head stylist", with: "TITLE:Boss").write(to: file, atomically: true, encoding: .utf8)
        let whole = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(whole.status == 0 && whole.stdout.contains("line does not say which fields were changed on the phone"), "\(whole.stdout)")
        #expect(try VdirSyncTests.ana(dir, "city, title") == "city,title\nRome,Boss\n")
    }

    /// A second import before an export takes nothing from a card an import took in already
    /// (b91 #7: the phone's title came back over the one set in Tend since the first import):
    /// the folder's `.tend-sync` records the card's bytes once `--update` took them in.
    @Test func aCardImportedOnceIsNotTakenAgain() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", VdirSyncTests.ana], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let (file, text) = try VdirSyncTests.card(dir)
        try text.replacingOccurrences(of: "TITLE:Owner", with: "TITLE:Head stylist").write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).status == 0)
        #expect(try VdirSyncTests.ana(dir, "title") == "title\nHead stylist\n")
        #expect(try CLI.run(["-e", #"set @ana-lima title: "Founder""#], in: dir).status == 0)
        let again = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(again.status == 0 && again.stdout.contains("0 merged, 1 unchanged"), "\(again.stdout)\(again.stderr)")
        #expect(try VdirSyncTests.ana(dir, "title") == "title\nFounder\n")
        // So within one run (b95 #4: the state is written after the commit, and the second import
        // of the run read it without what the first took in).
        try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "TITLE:Head stylist", with: "TITLE:Chief").write(to: file, atomically: true, encoding: .utf8)
        let twice = try CLI.run(["-e", "import vdir \"book\" update\nset @ana-lima title: \"CEO\"\nimport vdir \"book\" update"], in: dir)
        #expect(twice.status == 0, "\(twice.stderr)")
        #expect(try VdirSyncTests.ana(dir, "title") == "title\nCEO\n")
        try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "TITLE:Chief", with: "TITLE:Head stylist").write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).status == 0)
        #expect(try CLI.run(["-e", #"set @ana-lima title: "Founder""#], in: dir).status == 0)
        // Changed on the phone again, the card is news again; a dry run records nothing.
        let (_, now) = try VdirSyncTests.card(dir)
        try now.replacingOccurrences(of: "TITLE:Head stylist", with: "TITLE:Boss").write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book", "--update", "--dry-run"], in: dir).stdout.contains("1 merged"))
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).stdout.contains("1 merged"))
        #expect(try VdirSyncTests.ana(dir, "title") == "title\nBoss\n")
    }

    /// A card the phone wrote, which an export left as it was (it said what Tend had), keeps
    /// Tend's edits too when both sides change it (b94 #1: with no X-TEND-SYNC of its own it
    /// was taken whole, and the city set in Tend was deleted): the folder's state holds the
    /// digests of its parts as Tend had them.
    @Test func aPhonesOwnCardKeepsEditsOnBothSides() throws {
        let dir = CLI.tempDir()
        let book = try VdirSyncTests.book(dir)
        let file = book.appendingPathComponent("c1.vcf")
        try "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:c1\r\nFN:Cy Dee\r\nN:Dee;Cy;;;\r\nEMAIL:cy@z.example\r\nTITLE:Dev\r\nEND:VCARD\r\n"
            .write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).stdout.contains("1 added"))
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).stdout.contains("1 unchanged"))
        #expect(try CLI.run(["-e", #"set @cy-dee city: "Porto", +vip"#], in: dir).status == 0)
        try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "TITLE:Dev", with: "TITLE:Lead").write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(r.status == 0 && !r.stdout.contains("Porto"), "\(r.stdout)")
        #expect(try VdirSyncTests.ana(dir, "city, title, tags") == "city,title,tags\nPorto,Lead,vip\n")
    }

    /// The folder's state goes with a run that fails (b94 #2: an export that emptied it removed
    /// it, and the rollback, finding it gone, said another program had changed it); what an
    /// import took in is recorded once the run is committed, never before (b94 #3: killed in
    /// between, the state named cards as taken in that the database did not have, and the next
    /// export wrote over the phone's edits).
    @Test func theFoldersStateFollowsTheDatabase() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", VdirSyncTests.ana], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let (file, text) = try VdirSyncTests.card(dir)
        try text.replacingOccurrences(of: "TITLE:Owner", with: "TITLE:Head stylist").write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).status == 0)
        let state = dir.appendingPathComponent("book/.tend-sync")
        let recorded = try String(contentsOf: state, encoding: .utf8)
        try "set @ana-lima city: \"Oslo\"\nexport vdir \"book\"\nassert false, \"stop\"\nprint 1\n".write(to: dir.appendingPathComponent("s.tend"), atomically: true, encoding: .utf8)
        let failing = try CLI.run(["run", "s.tend", "--bail"], in: dir)
        #expect(failing.status == 1 && failing.stderr.contains("the files the run wrote go with it"), "\(failing.stderr)")
        #expect(try String(contentsOf: state, encoding: .utf8) == recorded, "\(failing.stderr)")
        #expect(!failing.stderr.contains("changed by another program"), "\(failing.stderr)")
        // An import whose run is killed before its commit records nothing.
        try FileManager.default.removeItem(at: state)
        #expect(try CLI.run(["demo", "--size", "1500", "--db", "big.db"], in: dir).status == 0)
        let run = Process()
        run.executableURL = URL(fileURLWithPath: CLI.binary)
        run.arguments = ["--db", "big.db", "--today", "2026-11-23", "-e",
            "import vdir \"book\" update\ncount(contacts as c where count(interactions as i where c in i.people and i.note != c.name) > 0)"]
        run.currentDirectoryURL = dir
        let out = Pipe()
        run.standardOutput = out
        run.standardError = FileHandle.nullDevice
        try run.run()
        var said = Data()
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline, !String(decoding: said, as: UTF8.self).contains("Imported from") {
            said += out.fileHandleForReading.availableData
        }
        #expect(String(decoding: said, as: UTF8.self).contains("Imported from book: 1 added"), "\(String(decoding: said, as: UTF8.self))")
        Thread.sleep(forTimeInterval: 0.3)
        #expect(run.isRunning && !FileManager.default.fileExists(atPath: state.path), "the state was written before the commit")
        kill(run.processIdentifier, SIGKILL)
        run.waitUntilExit()
        #expect(!FileManager.default.fileExists(atPath: state.path))
    }

    /// A card Tend wrote that no one changed since, whose contact Tend no longer has, is passed
    /// over and named (b95 #1, #3: a removed contact came back on the next import; a contact
    /// merged into another had the merged-away card's name and title put back over it, on every
    /// import); changed on the phone since, it is news and comes in.
    @Test func aCardOfAContactGoneFromTendIsPassedOver() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", #"add "Ana Lima" emails: ["ana@a.example"], title: "Owner"; add "Ana L" emails: ["al@b.example"]; add "Bo Kim""#], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "merge @ana-l into @ana-lima", "--yes"], in: dir).status == 0)
        #expect(try CLI.run(["-e", #"set @ana-lima title: "Founder"; remove @bo-kim"#, "--yes"], in: dir).status == 0)
        let r = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(r.status == 0 && r.stdout.hasPrefix("Imported from book: 0 added, 0 merged, 3 unchanged"), "\(r.stdout)")
        #expect(r.stdout.contains("2 cards Tend wrote for contacts it no longer has (removed, or merged into another) were passed over"), "\(r.stdout)")
        #expect(try CLI.run(["--format", "csv", "-e", "contacts sort by handle show handle, title"], in: dir).stdout == "handle,title\nana-lima,Founder\n")
    }

    /// An export leaves a card changed on the phone since Tend wrote it that no import took in
    /// (b91 #4: the phone's new title was written over, and the next sync sent Tend's back to
    /// the phone), and says so; once imported with `--update`, the export writes both sides'
    /// edits; `--overwrite` replaces such a card with Tend's.
    @Test func anExportLeavesACardChangedOnThePhoneUntilItIsImported() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", VdirSyncTests.ana], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["-e", #"set @ana-lima addresses: [{city: "Rome"}]"#], in: dir).status == 0)
        let (file, text) = try VdirSyncTests.card(dir)
        let phone = text.replacingOccurrences(of: "TITLE:Owner", with: "TITLE:Head stylist")
        try phone.write(to: file, atomically: true, encoding: .utf8)
        let left = try CLI.run(["export", "vdir", "book"], in: dir)
        #expect(
            left.status == 0 && left.stdout.contains("1 card was changed since Tend last wrote or imported it: left as it is (\(file.lastPathComponent))"),
            "\(left.stdout)\(left.stderr)")
        // The summary counts it (b95 #8: "0 new, 0 updated, 0 unchanged" for one contact).
        #expect(left.stdout.hasPrefix("Exported 1 contact to book: 0 new, 0 updated, 0 unchanged, 1 not written.\n"), "\(left.stdout)")
        #expect(try VdirSyncTests.card(dir).1 == phone)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).status == 0)
        let sent = try CLI.run(["export", "vdir", "book"], in: dir)
        #expect(sent.status == 0 && sent.stdout.contains("1 updated") && !sent.stdout.contains("left as it is"), "\(sent.stdout)")
        let card = try VdirSyncTests.card(dir).1
        #expect(card.contains("TITLE:Head stylist") && card.contains("Rome"), "\(card)")
        try card.replacingOccurrences(of: "TITLE:Head stylist", with: "TITLE:Boss").write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["export", "vdir", "book", "--overwrite"], in: dir).stdout.contains("1 updated"))
        #expect(try VdirSyncTests.card(dir).1.contains("TITLE:Head stylist"))
    }

    /// A list both sides changed is merged item by item (b91): what the phone added and removed
    /// is applied to Tend's list, so an e-mail or tag Tend added stays beside the phone's change,
    /// and a line of the notes Tend edited stays beside a line the phone edited.
    @Test func listsChangedOnBothSidesAreMergedItemByItem() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", #"add "Ana Lima" emails: ["ana@a.example", "ana@b.example"], +vip +golf, notes: "met at golf\nlikes coffee\nhas two kids""#], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["-e", #"set @ana-lima emails: ["ana@a.example", "ana@b.example", "ana@tend.example"], +client, notes: "met at golf\nlikes coffee\nhas three kids""#], in: dir).status == 0)
        let (file, text) = try VdirSyncTests.card(dir)
        let phone = text.components(separatedBy: "\r\n").filter { !$0.hasPrefix("EMAIL:ana@b.example") }.map { line in
            line.hasPrefix("CATEGORIES:") ? "CATEGORIES:vip" : line.hasPrefix("NOTE:") ? "NOTE:met at golf\\nlikes tea\\nhas two kids" : line
        }
        try phone.joined(separator: "\r\n").write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let got = try CLI.run(["--format", "json", "-e", "contacts show emails, tags, notes"], in: dir).stdout
        #expect(got.contains(#""emails":["ana@a.example","ana@tend.example"]"#) && got.contains(#""tags":["vip","client"]"#), "\(got)\n\(r.stdout)")
        #expect(got.contains(#""notes":"met at golf\nhas three kids\nlikes tea""#), "\(got)\n\(r.stdout)")
    }

    /// A line of the note edited or deleted on the phone is so in Tend, its blank lines kept
    /// (b82: the old line stayed beside the new one, unreported, and the next export wrote both
    /// back to the phone); a card without a NOTE (a program that drops it) leaves the notes,
    /// however many lines its other properties give (`url: …`).
    @Test func aNoteEditedOnThePhoneReplacesTheNotes() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", #"add "Ana Lima" emails: ["ana@a.example"], notes: "likes jazz\n\nhas two kids""#], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        var (file, text) = try VdirSyncTests.card(dir)
        try text.replacingOccurrences(of: "likes jazz", with: "likes blues").write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("@ana-lima notes: likes jazz / has two kids → likes blues / has two kids"), "\(r.stdout)")
        #expect(try VdirSyncTests.ana(dir, "notes") == "notes\n\"likes blues\n\nhas two kids\"\n")
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        (file, text) = try VdirSyncTests.card(dir)
        #expect(!text.contains("jazz"), "\(text)")
        // A line deleted there goes too; the same card read again changes nothing.
        try text.replacingOccurrences(of: "likes blues\\n\\n", with: "").write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).status == 0)
        #expect(try VdirSyncTests.ana(dir, "notes") == "notes\nhas two kids\n")
        let again = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(!again.stdout.contains("notes:"), "\(again.stdout)")
        // The NOTE dropped, a URL added: the notes stay, with the URL's line.
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        (file, text) = try VdirSyncTests.card(dir)
        let dropped = text.components(separatedBy: "\r\n").filter { !$0.hasPrefix("NOTE") }.joined(separator: "\r\n")
        try dropped.replacingOccurrences(of: "END:VCARD", with: "URL:https://ana.example\r\nEND:VCARD").write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).status == 0)
        #expect(try VdirSyncTests.ana(dir, "notes") == "notes\n\"has two kids\nurl: https://ana.example\"\n")
    }

    /// A line of the notes another property of the card gives (a related name: `spouse: Jane`)
    /// deleted or edited on the phone is so in Tend, beside a line Tend added since the export
    /// (b101 #8: import said "unchanged", and the next export wrote the spouse back to the
    /// phone in its NOTE).
    @Test func aRelatedNameDeletedOnThePhoneLeavesTheNotes() throws {
        let dir = CLI.tempDir()
        let (file, _) = try VdirSyncTests.phoneCard(
            "N:Rel;Rita;;;\r\nFN:Rita Rel\r\nitem1.X-ABRELATEDNAMES;type=pref:Jane\r\nitem1.X-ABLabel:_$!<Spouse>!$_\r\n"
                + "item2.X-ABRELATEDNAMES:Sam\r\nitem2.X-ABLabel:_$!<Child>!$_\r\nNOTE:line one\r\n",
            uid: "R1", in: dir)
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["-e", #"set @rita-rel title: "x", notes: @rita-rel.notes + "\nplays golf""#], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        var text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("item1.X-ABRELATEDNAMES") && !text.contains("NOTE:spouse"), "\(text)")
        // The phone deletes the spouse and renames the child.
        text = text.components(separatedBy: "\r\n").filter { !$0.hasPrefix("item1.") }.joined(separator: "\r\n")
        try text.replacingOccurrences(of: "RELATEDNAMES:Sam", with: "RELATEDNAMES:Samuel").write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(r.stdout.hasPrefix("Imported from book: 0 added, 1 merged"), "\(r.stdout)")
        let notes = try CLI.run(["--format", "json", "-e", "@rita-rel.notes"], in: dir).stdout
        #expect(!notes.contains("Jane") && !notes.contains("Sam\\n") && !notes.contains("Sam\"") && notes.contains("child: Samuel"), "\(notes)")
        #expect(notes.contains("line one") && notes.contains("plays golf"), "\(notes)")
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        text = try String(contentsOf: file, encoding: .utf8)
        #expect(!text.contains("Jane") && text.contains("RELATEDNAMES:Samuel"), "\(text)")
        // The same card again changes nothing.
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).stdout.contains(" 1 unchanged"))
    }

    /// Those lines merge as the note's do (review b104): one the phone moved into its NOTE
    /// stays; one of two like lines deleted there leaves one; one Tend deleted while the phone
    /// deleted another does not come back from the card.
    @Test func noteLinesOfPropertiesMergeAsTheNotesDo() throws {
        let dir = CLI.tempDir()
        let (file, _) = try VdirSyncTests.phoneCard(
            "N:Muster;Hans;;;\r\nFN:Hans Muster\r\nNOTE:mine\r\nitem1.X-ABRELATEDNAMES:Jane\r\nitem1.X-ABLabel:_$!<Spouse>!$_\r\n"
                + "item2.X-ABRELATEDNAMES:Sam\r\nitem2.X-ABLabel:_$!<Child>!$_\r\nitem3.X-ABRELATEDNAMES:Sam\r\nitem3.X-ABLabel:_$!<Child>!$_\r\n"
                + "NICKNAME:Hansi\r\nURL:https://x.example\r\n",
            uid: "u1", in: dir)
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        func notes() throws -> [String] {
            try CLI.run(["-e", "@hans-muster.notes"], in: dir).stdout.split(separator: "\n").map(String.init).sorted()
        }
        // The phone deletes the spouse and types its line into the note, and deletes one child.
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "NOTE:mine", with: "NOTE:mine\\nspouse: Jane")
        text = text.components(separatedBy: "\r\n").filter { !$0.hasPrefix("item1.") && !$0.hasPrefix("item3.") }.joined(separator: "\r\n")
        try text.write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).status == 0)
        #expect(try notes() == ["child: Sam", "mine", "nickname: Hansi", "spouse: Jane", "url: https://x.example"])
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).stdout.contains(" 1 unchanged"))
        // Tend deletes the spouse and the URL while the phone deletes the nickname.
        #expect(try CLI.run(["-e", #"set @hans-muster notes: "mine\nchild: Sam\nnickname: Hansi""#], in: dir).status == 0)
        text = try String(contentsOf: file, encoding: .utf8)
        try text.components(separatedBy: "\r\n").filter { !$0.hasPrefix("NICKNAME") }.joined(separator: "\r\n").write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).status == 0)
        #expect(try notes() == ["child: Sam", "mine"])
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        text = try String(contentsOf: file, encoding: .utf8)
        #expect(!text.contains("Jane") && !text.contains("x.example") && !text.contains("Hansi") && text.contains("RELATEDNAMES:Sam"), "\(text)")
    }

    /// `undo` of an import that took a phone's edit in forgets that it did (b105 F12: the folder's
    /// state still named the card as taken in, so the next import passed the edit over and the
    /// next export wrote Tend's old value over the phone's card): an export leaves the card and
    /// names it, and the next import takes the edit again.
    @Test func undoingAnImportForgetsWhatItTookIn() throws {
        let dir = CLI.tempDir()
        let (file, _) = try VdirSyncTests.phoneCard("FN:Una One\r\nN:One;Una;;;\r\nTITLE:Dev\r\n", uid: "u1", in: dir)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).status == 0)
        #expect(try CLI.run(["-e", #"set @una-one company: "Acme""#], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: "TITLE:Dev", with: "TITLE:Lead").write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).stdout.contains("title: Dev → Lead"))
        // The phone writes the card again with the same values: an import that changes nothing
        // keeps what the one before took in (review b106).
        let same = try String(contentsOf: file, encoding: .utf8)
        try same.replacingOccurrences(of: "END:VCARD", with: "REV:20261207T101010Z\r\nEND:VCARD").write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).status == 0)
        #expect(try CLI.run(["undo"], in: dir).status == 0)
        #expect(try VdirSyncTests.ana(dir, "title") == "title\nDev\n")
        let export = try CLI.run(["export", "vdir", "book"], in: dir)
        #expect(export.stdout.contains("1 not written") && export.stdout.contains("left as it is (u1.vcf)"), "\(export.stdout)")
        #expect(try String(contentsOf: file, encoding: .utf8).contains("TITLE:Lead\r\n"))
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).stdout.contains("title: Dev → Lead"))
        #expect(try VdirSyncTests.ana(dir, "title") == "title\nLead\n")
    }

    /// The reverse: what Tend deleted since the export does not come back from the card, which
    /// no one changed since Tend wrote it, with or without --update; the next export drops it.
    @Test func whatTendDeletedStaysDeleted() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", VdirSyncTests.ana], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "set @ana-lima phones: [\"+1 555 0100\"], birthday: null, title: \"Chair\""], in: dir).status == 0)
        for update in [[], ["--update"]] {
            let r = try CLI.run(["import", "vdir", "book"] + update, in: dir)
            #expect(r.stdout == "Imported from book: 0 added, 0 merged, 1 unchanged, 0 skipped.\n", "\(r.stdout)")
        }
        #expect(try VdirSyncTests.ana(dir, "phones, birthday, title") == "phones,birthday,title\n'+1 555 0100,,Chair\n")
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).stdout.hasPrefix("Exported 1 contact to book: 0 new, 1 updated"))
        let (_, text) = try VdirSyncTests.card(dir)
        #expect(!text.contains("0101") && !text.contains("BDAY") && text.contains("TITLE:Chair\r\n"), "\(text)")
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).status == 0)
        #expect(try VdirSyncTests.ana(dir, "phones, birthday, title") == "phones,birthday,title\n'+1 555 0100,,Chair\n")
    }

    /// A phone-made card's N (prefix, middle name, suffix) and ORG (with its department) are
    /// written back as they were while Tend's name and company are theirs: the phone shows the
    /// same name and company after an export. A name changed in Tend writes a new N.
    @Test func exportKeepsThePhonesNameAndCompany() throws {
        let dir = CLI.tempDir()
        let book = try VdirSyncTests.book(dir)
        let file = book.appendingPathComponent("jd-1.vcf")
        try "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:jd-1\r\nFN:Dr. John Q. Doe Jr.\r\nN:Doe;John;Q.;Dr.;Jr.\r\nORG:Acme;Sales\r\nEND:VCARD\r\n"
            .write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "set contacts phone: \"+1 555 0100\""], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).stdout.hasPrefix("Exported 1 contact to book: 0 new, 1 updated"))
        var text = try String(contentsOf: file, encoding: .utf8)
        for line in ["N:Doe;John;Q.;Dr.;Jr.", "ORG:Acme;Sales", "FN:Dr. John Q. Doe Jr.", "TEL:+1 555 0100"] {
            #expect(text.contains(line + "\r\n"), "\(line)\n\(text)")
        }
        #expect(!text.contains("department"), "\(text)")
        // Read back, it is the same person with nothing new; the next export leaves it.
        let again = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(again.stdout == "Imported from book: 0 added, 0 merged, 1 unchanged, 0 skipped.\n", "\(again.stdout)")
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).stdout.hasPrefix("Exported 1 contact to book: 0 new, 0 updated, 1 unchanged."))
        // Tend's own name and company are written when they change.
        #expect(try CLI.run(["-e", "set contacts name: \"John Doe\", company: \"Beta\""], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("N:Doe;John;;;\r\n") && text.contains("ORG:Beta\r\n"), "\(text)")
    }

    /// A vCard 2.1 card in Windows-1252 and one in quoted-printable UTF-8 (Outlook's and
    /// Android's): the lines an export keeps from them (the name, the company, a nickname) are
    /// written again as UTF-8 4.0 lines. Copied as they were, the 1252 letters became U+FFFD for
    /// good and quoted-printable, no encoding of 4.0, stayed in the card.
    @Test func linesKeptFromA21CardAreWrittenAgainInUTF8() throws {
        let dir = CLI.tempDir()
        let book = try VdirSyncTests.book(dir)
        let windows = "BEGIN:VCARD\r\nVERSION:2.1\r\nUID:jm\r\nN;CHARSET=Windows-1252:M\u{FC}ller;J\u{FC}rgen\r\nFN;CHARSET=Windows-1252:J\u{FC}rgen M\u{FC}ller\r\nORG;CHARSET=Windows-1252:Caf\u{E9} GmbH\r\nNICKNAME;CHARSET=Windows-1252:J\u{FC}\r\nEMAIL;PREF;INTERNET:jm@contoso.example\r\nEND:VCARD\r\n"
        try #require(windows.data(using: .windowsCP1252)).write(to: book.appendingPathComponent("jm.vcf"))
        let android = "BEGIN:VCARD\r\nVERSION:2.1\r\nUID:ao\r\nN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:=C3=96zt=C3=BCrk;Ay=C5=9Fe;;;Jr., MD\r\nFN;CHARSET=UTF-8;ENCODING=QUOTED-PRINTABLE:Ay=C5=9Fe =C3=96zt=C3=BCrk\r\nTEL;CELL;PREF:+905321234567\r\nEND:VCARD\r\n"
        try android.write(to: book.appendingPathComponent("ao.vcf"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "set contacts title: \"Boss\""], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).stdout.hasPrefix("Exported 2 contacts to book: 0 new, 2 updated"))
        let jm = try String(contentsOf: book.appendingPathComponent("jm.vcf"), encoding: .utf8)
        for line in ["N:Müller;Jürgen", "ORG:Café GmbH", "NICKNAME:Jü", "TITLE:Boss"] { #expect(jm.contains(line + "\r\n"), "\(line)\n\(jm)") }
        let ao = try String(contentsOf: book.appendingPathComponent("ao.vcf"), encoding: .utf8)
        // 2.1 escapes no comma; 4.0 parts values at one.
        #expect(ao.contains("N:Öztürk;Ayşe;;;Jr.\\, MD\r\n"), "\(ao)")
        for card in [jm, ao] { #expect(!card.contains("CHARSET") && !card.contains("QUOTED-PRINTABLE") && !card.contains("\u{FFFD}"), "\(card)") }
        // Read into another database, the people are the same.
        let other = CLI.tempDir()
        try FileManager.default.copyItem(at: book, to: other.appendingPathComponent("book"))
        #expect(try CLI.run(["import", "vdir", "book"], in: other).status == 0)
        let people = try Self.ana(other, "name, company, title").split(separator: "\n").dropFirst().sorted()
        #expect(people == ["Ayşe Öztürk,,Boss", "Jürgen Müller,Café GmbH,Boss"])
    }

    /// A vCard 2.1 card Tend rewrites is written as 3.0, the nearest version Tend writes, each
    /// line it keeps in 3.0's form: it became 4.0 with 3.0's `TYPE=cell,pref` and dashed dates
    /// (b101 #7); a 2.1 photo is 3.0's `ENCODING=b`.
    @Test func a21CardIsWrittenAgainAs30() throws {
        let dir = CLI.tempDir()
        let book = try VdirSyncTests.book(dir)
        let file = book.appendingPathComponent("t1.vcf")
        try ("BEGIN:VCARD\r\nVERSION:2.1\r\nN:Tw;Tom;;;\r\nFN:Tom Tw\r\nTEL;CELL;PREF:+1 555 000 1\r\nTEL;HOME:+1 555 111 1\r\nBDAY:1970-01-02\r\nPHOTO;ENCODING=BASE64;JPEG:/9j/4AAQ\r\n\r\n"
            + "LOGO;VALUE=URL;TYPE=GIF:http://x.example/l.gif\r\nX-FOO;ENCODING=8BIT:caf\u{E9}\r\n"
            + "item1.PHOTO;ENCODING=BASE64;TYPE=image/png;X-ABCROP-RECTANGLE=ABClipRect_1&0&0&10&10:iVBORw0KGgo=\r\n\r\nUID:t1\r\nEND:VCARD\r\n")
            .write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["-e", #"set @tom-tw title: "x""#], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let text = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "\r\n ", with: "")
        for line in ["VERSION:3.0", "TEL;TYPE=cell,pref:+1 555 000 1", "TEL;TYPE=home:+1 555 111 1", "BDAY:1970-01-02", "PHOTO;ENCODING=b;TYPE=JPEG:/9j/4AAQ", "TITLE:x",
            "LOGO;TYPE=GIF;VALUE=uri:http://x.example/l.gif", "X-FOO:caf\u{E9}", "item1.PHOTO;ENCODING=b;TYPE=PNG;X-ABCROP-RECTANGLE=ABClipRect_1&0&0&10&10:iVBORw0KGgo="] {
            #expect(text.contains("\r\n" + line + "\r\n"), "\(line)\n\(text)")
        }
        #expect(!text.contains("4.0") && !text.contains("BASE64"), "\(text)")
        // Read back, it says what Tend has; the next export leaves it.
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).stdout.contains(" 1 unchanged"))
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).stdout.contains(" 1 unchanged"))
    }

    /// A phone's card that gives one e-mail twice, in two cases, says what Tend has (the one
    /// e-mail): an export leaves it as the phone wrote it (it was written over on every export).
    @Test func aCardGivingAValueTwiceIsLeftAsItIs() throws {
        let dir = CLI.tempDir()
        let book = try VdirSyncTests.book(dir)
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:nq-1\r\nFN:Nora Quinn\r\nEMAIL:nora@quinn.example\r\nEMAIL:Nora@Quinn.Example\r\nEND:VCARD\r\n"
        try card.write(to: book.appendingPathComponent("nq-1.vcf"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        let r = try CLI.run(["export", "vdir", "book"], in: dir)
        #expect(r.stdout.hasPrefix("Exported 1 contact to book: 0 new, 0 updated, 1 unchanged."), "\(r.stdout)")
        #expect(try String(contentsOf: book.appendingPathComponent("nq-1.vcf"), encoding: .utf8) == card)
    }

    /// The phone's groups and year-less birthday come back as the phone wrote them while Tend
    /// has the same tags and birthday ("Golf Club" became golf-club, renaming the phone's group;
    /// Apple's 1604 birthday became --0415); once Tend changes them, Tend's are written.
    @Test func thePhonesGroupsAndBirthdayAreKept() throws {
        let dir = CLI.tempDir()
        let book = try VdirSyncTests.book(dir)
        let file = book.appendingPathComponent("cat-1.vcf")
        try "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:cat-1\r\nFN:Cat Egory\r\nN:Egory;Cat;;;\r\nCATEGORIES:Golf Club,Friends\r\nBDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15\r\nEND:VCARD\r\n"
            .write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "set contacts title: \"CEO\""], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        var text = try String(contentsOf: file, encoding: .utf8)
        for line in ["CATEGORIES:Golf Club,Friends", "BDAY;X-APPLE-OMIT-YEAR=1604:1604-04-15", "TITLE:CEO"] {
            #expect(text.contains(line + "\r\n"), "\(line)\n\(text)")
        }
        let again = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(again.stdout == "Imported from book: 0 added, 0 merged, 1 unchanged, 0 skipped.\n", "\(again.stdout)")
        #expect(try CLI.run(["-e", "set contacts +vip, birthday: --05-01"], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("CATEGORIES:golf-club,friends,vip\r\n") && text.contains("BDAY;X-APPLE-OMIT-YEAR=1604:1604-05-01\r\n"), "\(text)")
    }

    /// An older Apple card's year-less birthday (1604 without X-APPLE-OMIT-YEAR) is not kept
    /// as it was on the card Tend writes: on a card of Tend's, 1604 is a real year, so the
    /// phone's next edit brought the birthday back as 1604-04-15.
    @Test func anOldAppleYearlessBirthdayStaysYearless() throws {
        let dir = CLI.tempDir()
        let book = try VdirSyncTests.book(dir)
        let file = book.appendingPathComponent("ann-1.vcf")
        try "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lee;Ann;;;\r\nFN:Ann Lee\r\nTEL;type=CELL:+1 408 555 0101\r\nBDAY;value=date:1604-04-15\r\nUID:ann-1\r\nEND:VCARD\r\n"
            .write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "set @ann-lee title: \"CFO\""], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let text = try String(contentsOf: file, encoding: .utf8)
        try text.replacingOccurrences(of: "0101", with: "0202").write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(r.status == 0 && !r.stdout.contains("birthday"), "\(r.stdout)\n\(text)")
        #expect(try VdirSyncTests.ana(dir, "birthday, phones") == "birthday,phones\n--04-15,'+1 408 555 0202\n")
    }

    /// A labelled date Tend has as the card gives it is written back as the card had it: a
    /// Google card's year-less `item3.X-ABDATE:--0704` was rewritten in Apple's year 1604 when
    /// any field changed (b101 #9); a date changed in Tend is written in Tend's form, in a group
    /// of its own, and one removed in Tend leaves the card.
    @Test func datesTendHasAsTheCardGivesAreKept() throws {
        let dir = CLI.tempDir()
        let (file, _) = try VdirSyncTests.phoneCard(
            "PRODID:-//Google Inc//Google Contacts//EN\r\nFN:Gabe Goo\r\nN:Goo;Gabe;;;\r\nitem2.X-ABDATE:2010-06-01\r\n"
                + "item2.X-ABLabel:_$!<Anniversary>!$_\r\nitem3.X-ABDATE:--0704\r\nitem3.X-ABLabel:Namenstag\r\nX-ABDATE:--0101\r\n"
                + "item4.X-ABDATE:2001-02-03\r\nitem4.X-ABLabel:Gone\r\nBDAY:--0315\r\n",
            uid: "g1", in: dir)
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        #expect(try VdirSyncTests.dates(dir) == #""anniversary":"2010-06-01" [{"label":"Namenstag","date":"--07-04"},{"label":"date","date":"--01-01"},{"label":"Gone","date":"2001-02-03"}]"#)
        #expect(try CLI.run(["-e", #"set @gabe-goo title: "Lead", dates: [{label: "Namenstag", date: --07-04}, {label: "date", date: --01-01}]"#], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        var text = try String(contentsOf: file, encoding: .utf8)
        for line in ["item2.X-ABDATE:2010-06-01\r\nitem2.X-ABLabel:_$!<Anniversary>!$_\r\n", "item3.X-ABDATE:--0704\r\nitem3.X-ABLabel:Namenstag\r\n", "\r\nX-ABDATE:--0101\r\n"] {
            #expect(text.contains(line), "\(line)\n\(text)")
        }
        #expect(!text.contains("1604") && !text.contains("Gone") && !text.contains("item4") && text.contains("TITLE:Lead"), "\(text)")
        // A date changed in Tend takes Tend's form; the card read back says what Tend has.
        #expect(try CLI.run(["-e", #"set @gabe-goo dates: [{label: "Namenstag", date: --07-05}, {label: "date", date: --01-01}]"#], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        text = try String(contentsOf: file, encoding: .utf8)
        #expect(!text.contains("item3") && text.contains("X-ABDATE;X-APPLE-OMIT-YEAR=1604:1604-07-05") && text.contains("\r\nX-ABDATE:--0101\r\n"), "\(text)")
        let again = CLI.tempDir()
        try FileManager.default.createDirectory(at: again.appendingPathComponent("book"), withIntermediateDirectories: true)
        try text.write(to: again.appendingPathComponent("book/g1.vcf"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book"], in: again).status == 0)
        #expect(try VdirSyncTests.dates(again) == #""anniversary":"2010-06-01" [{"label":"Namenstag","date":"--07-05"},{"label":"date","date":"--01-01"}]"#)
        // A date whose group holds another property kept is written anew: its label was
        // written once more at each export (review b104).
        let grouped = try VdirSyncTests.phoneCard(
            "FN:Hans Muster\r\nN:Muster;Hans;;;\r\nitem3.X-ABDATE:--0704\r\nitem3.X-ABLabel:Namenstag\r\nitem3.X-FOO:bar\r\n", uid: "u3", in: dir
        ).file
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["-e", #"set @hans-muster title: "x""#], in: dir).status == 0)
        for _ in 0..<3 { #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0) }
        let written = try String(contentsOf: grouped, encoding: .utf8)
        // Its label once with the date (and once with the property kept in its group).
        #expect(written.components(separatedBy: "X-ABLabel:Namenstag").count == 3 && written.contains("item3.X-FOO:bar"), "\(written)")
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).stdout.contains(" 2 unchanged"))
        // A date added in Tend never takes the group of a date kept (`tend1`, an earlier export's).
        #expect(try CLI.run(["-e", #"set @gabe-goo dates: [{label: "New", date: 2020-01-01}, {label: "Namenstag", date: --07-05}, {label: "date", date: --01-01}]"#], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("tend1.X-ABDATE;X-APPLE-OMIT-YEAR=1604:1604-07-05\r\ntend1.X-ABLabel:Namenstag\r\n") && text.contains("tend2.X-ABDATE:2020-01-01\r\ntend2.X-ABLabel:New\r\n"), "\(text)")
    }

    /// The one contact's anniversary and named dates as `export json` writes them.
    static func dates(_ dir: URL) throws -> String {
        let json = try CLI.run(["export", "json", "-"], in: dir).stdout
        func part(_ key: String, to end: Character) -> String {
            guard let r = json.range(of: key) else { return "" }
            let rest = json[r.lowerBound...]
            return String(rest[..<(rest.firstIndex(of: end).map { rest.index(after: $0) } ?? rest.endIndex)])
        }
        return part(#""anniversary""#, to: ",").dropLast() + " " + part(#""dates":"#, to: "]").dropFirst(8)
    }

    /// A number or an e-mail Tend has as the card gives it is written back as the phone wrote
    /// it: a fax stays a fax and an iPhone's number keeps its IPHONE (a tag added in Tend made
    /// the fax a work phone on the phone); a line the phone marked preferred is kept only where
    /// Tend's preferred one is.
    @Test func numbersAndEmailsTendHasAsTheCardGivesAreKept() throws {
        let dir = CLI.tempDir()
        let book = try VdirSyncTests.book(dir)
        let file = book.appendingPathComponent("frank-1.vcf")
        let lines = [
            "TEL;type=WORK;type=FAX:+1 408 555 0300", "TEL;type=IPHONE;type=CELL;type=VOICE:+1 408 555 0301",
            "EMAIL;type=INTERNET;type=HOME:frank@home.example",
        ]
        try ("BEGIN:VCARD\r\nVERSION:3.0\r\nN:Fax;Frank;;;\r\nFN:Frank Fax\r\n" + lines.map { $0 + "\r\n" }.joined() + "UID:frank-1\r\nEND:VCARD\r\n")
            .write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        let before = try VdirSyncTests.ana(dir, "phones, emails")
        #expect(try CLI.run(["-e", "set @frank-fax +vip"], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let text = try String(contentsOf: file, encoding: .utf8)
        for line in lines { #expect(text.contains("\r\n" + line + "\r\n"), "\(line)\n\(text)") }
        try text.replacingOccurrences(of: "N:Fax;Frank;;;", with: "N:Fax;Frank;;;\r\nNOTE:edited").write(to: file, atomically: true, encoding: .utf8)
        let again = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(again.status == 0 && !again.stdout.contains("phone") && !again.stdout.contains("email"), "\(again.stdout)")
        #expect(try VdirSyncTests.ana(dir, "phones, emails") == before)
    }

    /// A file with several cards (some programs write that), one of them without a UID, and a
    /// file whose card has none: each card is one person on every sync, and an export writes
    /// each card in its place (no second file per person, which a server would take as a
    /// second person).
    @Test func severalCardsInAFileAreEachOnePerson() throws {
        let dir = CLI.tempDir()
        let book = try VdirSyncTests.book(dir)
        func card(_ fields: String) -> String { "BEGIN:VCARD\r\nVERSION:3.0\r\n\(fields)END:VCARD\r\n" }
        try (card("UID:a-1\r\nFN:Ann One\r\n") + card("UID:b-2\r\nFN:Bob Two\r\n") + card("FN:Cy Three\r\nEMAIL:cy@x.example\r\n"))
            .write(to: book.appendingPathComponent("all.vcf"), atomically: true, encoding: .utf8)
        try card("FN:Di Four\r\n").write(to: book.appendingPathComponent("di.vcf"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).stdout.hasPrefix("Imported from book: 4 added, 0 merged, 0 skipped."))
        #expect(try CLI.run(["-e", "set contacts where name == \"Bob Two\" title: \"Chair\""], in: dir).status == 0)
        for _ in 0..<2 {
            #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
            let i = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
            #expect(i.stdout == "Imported from book: 0 added, 0 merged, 4 unchanged, 0 skipped.\n", "\(i.stdout)")
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: book.path).filter { $0.hasSuffix(".vcf") }.sorted() == ["all.vcf", "di.vcf"])
        let all = try String(contentsOf: book.appendingPathComponent("all.vcf"), encoding: .utf8)
        #expect(all.components(separatedBy: "BEGIN:VCARD").count == 4 && all.contains("TITLE:Chair\r\n"), "\(all)")
        let people = try CLI.run(["--format", "csv", "-e", "contacts sort by name show name, title, uid"], in: dir).stdout
        #expect(people == "name,title,uid\nAnn One,,a-1\nBob Two,Chair,b-2\nCy Three,,all-3\nDi Four,,di\n", "\(people)")
        // A card changed in the file of several is read by its UID.
        try all.replacingOccurrences(of: "FN:Ann One", with: "FN:Ann Uno").write(to: book.appendingPathComponent("all.vcf"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).stdout.contains("@ann-one name: Ann One → Ann Uno"))
    }

    /// A card with 20,000 named dates (X-ABDATE and its label) is read, merged, written and
    /// applied in linear time: each date was looked for in the list of those before it
    /// (34 s for the first import on an idle machine). The bound only guards against a hang.
    @Test func manyNamedDatesAreLinear() throws {
        let dir = CLI.tempDir()
        let book = try VdirSyncTests.book(dir)
        var card = "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:wide-1\r\nFN:Wide Dates\r\n"
        for i in 0..<20_000 { card += "item\(i).X-ABDATE:\(1900 + i % 100)-0\(1 + i % 9)-1\(i % 9)\r\nitem\(i).X-ABLabel:date \(i)\r\n" }
        card += "END:VCARD\r\n"
        let file = book.appendingPathComponent("wide-1.vcf")
        try card.write(to: file, atomically: true, encoding: .utf8)
        for step in [["import", "vdir", "book"], ["import", "vdir", "book", "--update"], ["export", "vdir", "book"]] {
            let clock = ContinuousClock.now
            let r = try CLI.run(step, in: dir)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(ContinuousClock.now - clock < .seconds(90), "\(step)")
        }
        let written = try String(contentsOf: file, encoding: .utf8)
        try written.replacingOccurrences(of: "FN:Wide Dates", with: "FN:Wide Datez").write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "len(@wide-dates.dates)"], in: dir).stdout == "20000\n")
    }

    /// A label is one line: an Apple label with a line break (a URL's, a date's) is read as one
    /// line, so the URL stays a URL on the written card instead of becoming a NOTE the phone
    /// shows; a label with a line break set in Tend is refused where it is written.
    @Test func labelsAreOneLine() throws {
        let dir = CLI.tempDir()
        let book = try VdirSyncTests.book(dir)
        let file = book.appendingPathComponent("u-1.vcf")
        try """
        BEGIN:VCARD\r\nVERSION:3.0\r\nUID:u-1\r\nFN:Url Lab\r\nitem1.URL:http://x.example\r\nitem1.X-ABLabel:two\\nlines\r
        item2.X-ABDATE:2020-01-01\r\nitem2.X-ABLabel:kid\\n\\nname\r\nEND:VCARD\r\n
        """.write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "contacts show notes"], in: dir).stdout.contains("url (two lines): http://x.example"))
        let dump = try CLI.run(["dump"], in: dir).stdout
        #expect(dump.contains("dates: [{label: \"kid name\", date: 2020-01-01}]"), "\(dump)")
        #expect(try CLI.run(["-e", "set contacts title: \"T\""], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let card = try String(contentsOf: file, encoding: .utf8)
        #expect(card.contains("item1.URL:http://x.example\r\n") && !card.contains("NOTE"), "\(card)")
        let refused = try CLI.run(["-e", "set contacts dates: [{label: \"a\\nb\", date: 2020-01-01}]"], in: dir)
        #expect(refused.status != 0 && refused.stderr.contains("dates: a label is one line of text"), "\(refused.stderr)")
    }

    /// `--today` and TEND_TODAY need a date with its year; a real date in 1604 keeps its year
    /// through a card (Apple's 1604 without a year is still read as none).
    @Test func todayNeedsAYearAnd1604KeepsIt() throws {
        let dir = CLI.tempDir()
        // Each named as the user gave it (a stale TEND_TODAY was said to be "today").
        for (r, what) in [
            (try CLI.run(["--today=--04-12", "-e", "today"], in: dir), "--today"), (try CLI.run(["-e", "today"], in: dir, env: ["TEND_TODAY": "--04-12"]), "TEND_TODAY"),
        ] {
            #expect(r.status != 0 && r.stderr.contains("\(what) must be a date with its year (YYYY-MM-DD), and --04-12 has none"), "\(r.stderr)")
        }
        #expect(try CLI.run(["-e", "add \"Old Timer\" birthday: 1604-02-29, dates: [{label: \"day\", date: 1604-03-01}]"], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let other = CLI.tempDir()
        try FileManager.default.copyItem(at: dir.appendingPathComponent("book"), to: other.appendingPathComponent("book"))
        #expect(try CLI.run(["import", "vdir", "book"], in: other).status == 0)
        let rows = try CLI.run(["--format", "csv", "-e", "contacts show birthday, dates"], in: other).stdout
        #expect(rows == "birthday,dates\n1604-02-29,1604-03-01\n", "\(rows)")
    }

    /// A card matched by e-mail to a contact with another UID does not take its UID away, even
    /// with --update: that UID names the contact's own card, which would be orphaned (and read
    /// as someone new on the next sync). The report says so as a conflict, not an update.
    @Test func aStoredUIDIsKept() throws {
        let dir = CLI.tempDir()
        let book = try VdirSyncTests.book(dir)
        #expect(try CLI.run(["-e", "add \"Di Four\" email: \"di@x.example\", uid: \"u-1\""], in: dir).status == 0)
        try "BEGIN:VCARD\r\nVERSION:3.0\r\nUID:other\r\nFN:Di Four\r\nEMAIL:di@x.example\r\nTITLE:Boss\r\nEND:VCARD\r\n"
            .write(to: book.appendingPathComponent("other.vcf"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(
            r.stdout == "Imported from book: 0 added, 1 merged, 0 skipped.\n  1 conflict: the database's value was kept:\n    @di-four uid: kept u-1, file has other\n",
            "\(r.stdout)")
        #expect(try CLI.run(["--format", "csv", "-e", "contacts show uid, title"], in: dir).stdout == "uid,title\nu-1,Boss\n")
    }

    /// A phone's card that an export left as it was (it said what Tend had) is remembered by the
    /// folder: Tend's later edit stays when the card comes back unchanged, and a card the phone
    /// changed since is still news.
    @Test func anEditInTendOutlivesACardLeftAsThePhoneWroteIt() throws {
        let dir = CLI.tempDir()
        let (file, phone) = try VdirSyncTests.phoneCard("N:Phone;Quinn;;;\r\nFN:Quinn Phone\r\nEMAIL;TYPE=WORK:q@work.com\r\nTITLE:Engineer\r\n", uid: "q-1", in: dir)
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).stdout.hasPrefix("Exported 1 contact to book: 0 new, 0 updated, 1 unchanged."))
        #expect(try String(contentsOf: file, encoding: .utf8) == phone)
        #expect(try CLI.run(["-e", "set @quinn-phone title: \"CTO\""], in: dir).status == 0)
        let back = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(back.stdout == "Imported from book: 0 added, 0 merged, 1 unchanged, 0 skipped.\n", "\(back.stdout)")
        #expect(try CLI.run(["--format", "csv", "-e", "contacts where uid == \"q-1\" show title"], in: dir).stdout == "title\nCTO\n")
        // Tend's edit goes to the card, which then carries Tend's own digest.
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).stdout.hasPrefix("Exported 1 contact to book: 0 new, 1 updated"))
        #expect(try String(contentsOf: file, encoding: .utf8).contains("TITLE:CTO\r\n"))
        // A phone's card changed after an export left it is read as the phone's.
        try phone.write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["-e", "set @quinn-phone title: \"Engineer\""], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).stdout.contains("1 unchanged"))
        // An export of others (a query's) keeps what the folder knows of this card.
        #expect(try CLI.run(["-e", "add \"Vee Ip\" +vip"], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book", "contacts where +vip"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "set @quinn-phone title: \"Chief\""], in: dir).status == 0)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).status == 0)
        #expect(try CLI.run(["--format", "csv", "-e", "contacts where uid == \"q-1\" show title"], in: dir).stdout == "title\nChief\n")
        #expect(try CLI.run(["-e", "set @quinn-phone title: \"Engineer\""], in: dir).status == 0)
        try phone.replacingOccurrences(of: "TITLE:Engineer", with: "TITLE:Director").write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).status == 0)
        #expect(try CLI.run(["--format", "csv", "-e", "contacts where uid == \"q-1\" show title"], in: dir).stdout == "title\nDirector\n")
    }
    /// An iPhone's item keeps its group, label and Apple's own properties of the group when Tend
    /// changes its value (the city of an address, an e-mail): written bare, the phone showed the
    /// address as plain "home" and forgot its country format.
    @Test func anItemEditedInTendKeepsThePhonesGroupAndLabel() throws {
        let dir = CLI.tempDir()
        let book = try VdirSyncTests.book(dir)
        let file = book.appendingPathComponent("g-1.vcf")
        try """
            BEGIN:VCARD\r\nVERSION:3.0\r\nN:Group;Gia;;;\r\nFN:Gia Group\r\nitem1.EMAIL;type=INTERNET;type=WORK:gia@old.example\r\n\
            item1.X-ABLabel:Office\r\nitem2.ADR;type=HOME:;;1 Main St;Springfield;IL;62701;USA\r\nitem2.X-ABLabel:Beach house\r\n\
            item2.X-ABADR:us\r\nUID:g-1\r\nEND:VCARD\r\n
            """.write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        let set = try CLI.run(["-e", "set @gia-group city: \"Boston\""], in: dir)
        #expect(set.status == 0, "\(set.stderr)")
        #expect(try CLI.run(["-e", "set @gia-group emails: [{value: \"gia@new.example\", type: \"work\"}]"], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let text = try String(contentsOf: file, encoding: .utf8)
        let lines = text.components(separatedBy: "\r\n")
        #expect(lines.contains { $0.hasPrefix("item2.ADR") && $0.contains(";Boston;") }, "\(text)")
        #expect(lines.contains("item2.X-ABLabel:Beach house") && lines.contains("item2.X-ABADR:us"), "\(text)")
        #expect(lines.contains { $0.hasPrefix("item1.EMAIL") && $0.hasSuffix(":gia@new.example") }, "\(text)")
        #expect(lines.contains("item1.X-ABLabel:Office"), "\(text)")
        #expect(lines.filter { $0.hasPrefix("item2.X-ABLabel") }.count == 1, "\(text)")
        // Read back, the card is what Tend has.
        let back = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(back.stdout == "Imported from book: 0 added, 0 merged, 1 unchanged, 0 skipped.\n", "\(back.stdout)")
        // A number removed and another added: the new one is not the labelled one (b99 #6).
        #expect(try CLI.run(["-e", "set @gia-group emails: [{value: \"gia@other.example\", type: \"work\"}, {value: \"gia@third.example\", type: \"work\"}]"], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let two = try String(contentsOf: file, encoding: .utf8)
        #expect(!two.contains("Office") && !two.contains("item1.EMAIL"), "\(two)")
        // Another place is not the labelled one edited: the label goes with the address it named (b97 #5).
        #expect(try CLI.run(["-e", "set @gia-group addresses: [{street: \"9 New Ln\", city: \"Denver\", type: \"home\"}]"], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let moved = try String(contentsOf: file, encoding: .utf8)
        #expect(moved.contains("Denver") && !moved.contains("Beach house") && !moved.contains("X-ABADR"), "\(moved)")
    }

    /// Two files with one UID (a phone's duplicate): the card Tend wrote is the person; the
    /// other, which no one changed since, is passed over and named, instead of being taken
    /// whole on every import over what was edited in Tend.
    @Test func aStaleCopyOfACardDoesNotUndoTendsEdits() throws {
        let dir = CLI.tempDir()
        let book = try VdirSyncTests.book(dir)
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lopez;Ana;;;\r\nFN:Ana Lopez\r\nTITLE:Engineer\r\nADR;TYPE=HOME:;;1 Main St;Springfield;IL;62701;USA\r\nUID:ana-uid-1\r\nEND:VCARD\r\n"
        try card.write(to: book.appendingPathComponent("ana.vcf"), atomically: true, encoding: .utf8)
        try card.replacingOccurrences(of: "TITLE:Engineer", with: "TITLE:Dup")
            .write(to: book.appendingPathComponent("ana-copy.vcf"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).status == 0)
        for city in ["Boston", "Chicago"] {
            #expect(try CLI.run(["-e", "set @ana-lopez city: \"\(city)\""], in: dir).status == 0)
            #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
            let r = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
            #expect(r.status == 0, "\(r.stderr)")
            #expect(!r.stdout.contains("address:"), "\(r.stdout)")
            #expect(r.stdout.contains("(ana-uid-1)") && r.stdout.contains("passed over"), "\(r.stdout)")
            #expect(try CLI.run(["--format", "csv", "-e", "contacts show city"], in: dir).stdout == "city\n\(city)\n")
        }
    }

    /// A phone's card the folder's state knows by its digest alone (a line an older Tend wrote)
    /// cannot say what the phone changed: taken whole, and the report says so.
    @Test func aCardKnownWithoutItsPartsIsSaidToBeTakenWhole() throws {
        let dir = CLI.tempDir()
        let (file, phone) = try VdirSyncTests.phoneCard("N:Phone;Pia;;;\r\nFN:Pia Phone\r\nTITLE:Engineer\r\n", uid: "p-1", in: dir)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).status == 0)
        let state = file.deletingLastPathComponent().appendingPathComponent(".tend-sync")
        let lines = try String(contentsOf: state, encoding: .utf8).split(separator: "\n")
        // UID, digest, parts, (no copies,) the import's change.
        #expect(lines.count == 1 && lines[0].split(separator: "\t", omittingEmptySubsequences: false).count == 5, "\(lines)")
        try (lines[0].split(separator: "\t").prefix(2).joined(separator: "\t") + "\n").write(to: state, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["-e", "set @pia-phone city: \"Oslo\""], in: dir).status == 0)
        try phone.replacingOccurrences(of: "TITLE:Engineer", with: "TITLE:CTO").write(to: file, atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("p-1.vcf") && r.stdout.contains("the folder's .tend-sync line for it does not say which fields were changed"), "\(r.stdout)")
    }
    /// A UID Tend keeps in another form (a line break in it) is written back as the card gave
    /// it: a CardDAV server refuses a stored card whose UID changed (b95 #8).
    @Test func aUIDWithALineBreakIsWrittenAsTheCardGaveIt() throws {
        let dir = CLI.tempDir()
        let file = try VdirSyncTests.book(dir).appendingPathComponent("nl.vcf")
        try "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Break;Lina;;;\r\nFN:Lina Break\r\nUID:nl\\nuid\r\nEND:VCARD\r\n".write(to: file, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "set @lina-break title: \"Boss\""], in: dir).status == 0)
        let e = try CLI.run(["export", "vdir", "book"], in: dir)
        #expect(e.stdout.hasPrefix("Exported 1 contact to book: 0 new, 1 updated, 0 unchanged."), "\(e.stdout)")
        let text = try String(contentsOf: file, encoding: .utf8)
        #expect(text.contains("\r\nUID:nl\\nuid\r\n") && text.contains("TITLE:Boss"), "\(text)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir.appendingPathComponent("book").path).filter { $0.hasSuffix(".vcf") } == ["nl.vcf"])
        let back = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(back.stdout == "Imported from book: 0 added, 0 merged, 1 unchanged, 0 skipped.\n", "\(back.stdout)")
    }
    /// The card Tend syncs with is the same for the import and the export whatever the files'
    /// names (b97 #1: the export wrote the copy that sorted first, which the import passed over,
    /// and the loop never ended); a copy in a file of several cards is left alone (b97 #2); and
    /// a copy passed over before, unchanged, is no news once the card is deleted (b97 #3).
    @Test func theCardTendSyncsWithIsTheSameBothWays() throws {
        let dir = CLI.tempDir()
        let book = try VdirSyncTests.book(dir)
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lee;Ann;;;\r\nFN:Ann Lee\r\nTITLE:B\r\nUID:ann-1\r\nEND:VCARD\r\n"
        let (a, b, dup) = (book.appendingPathComponent("a.vcf"), book.appendingPathComponent("b.vcf"), book.appendingPathComponent("dup.vcf"))
        try card.write(to: b, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vdir", "book", "--update"], in: dir).status == 0)
        // Then the copies: one sorting first, two in one file.
        let copy = card.replacingOccurrences(of: "TITLE:B", with: "TITLE:A")
        try copy.write(to: a, atomically: true, encoding: .utf8)
        let pair = card.replacingOccurrences(of: "TITLE:B", with: "TITLE:X1") + card.replacingOccurrences(of: "TITLE:B", with: "TITLE:X2")
        try pair.write(to: dup, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["-e", "set @ann-lee title: \"Tend edit\""], in: dir).status == 0)
        for round in 1...2 {
            let i = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
            #expect(i.status == 0 && !i.stdout.contains("title:") && i.stdout.contains("a.vcf: ") && i.stdout.contains("passed over"), "\(i.stdout)")
            let e = try CLI.run(["export", "vdir", "book"], in: dir)
            #expect(e.stdout.hasPrefix("Exported 1 contact to book: 0 new, \(round == 1 ? "1 updated, 0" : "0 updated, 1") unchanged.\n"), "\(e.stdout)")
            #expect(try String(contentsOf: b, encoding: .utf8).contains("TITLE:Tend edit"))
            #expect(try String(contentsOf: a, encoding: .utf8) == copy)
            #expect(try String(contentsOf: dup, encoding: .utf8) == pair)
        }
        // The card is deleted on the phone: its old copies are no news, and Tend's card goes into one.
        try FileManager.default.removeItem(at: b)
        try FileManager.default.removeItem(at: dup)
        let i = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(i.stdout == "Imported from book: 0 added, 0 merged, 1 unchanged, 0 skipped.\n", "\(i.stdout)")
        #expect(try VdirSyncTests.ana(dir, "title") == "title\nTend edit\n")
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).stdout.hasPrefix("Exported 1 contact to book: 0 new, 1 updated"))
        #expect(try String(contentsOf: a, encoding: .utf8).contains("TITLE:Tend edit"))
    }
    /// A phone's copy of a card Tend exported is remembered too (b99 #1: with no line in the
    /// folder's state for the card, the copy was not, and once the card was deleted it came in
    /// over Tend's edit); and it stays remembered when the phone edits the card (b99 #2).
    @Test func aCopyOfACardTendWroteStaysACopy() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Ann Lee\" title: \"Owner\""], in: dir).status == 0)
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        let (file, text) = try VdirSyncTests.card(dir)
        let copy = file.deletingLastPathComponent().appendingPathComponent("0-copy.vcf")
        let phone = text.components(separatedBy: "\r\n").filter { !$0.hasPrefix("X-TEND-SYNC") && !$0.hasPrefix(" ") }.joined(separator: "\r\n")
            .replacingOccurrences(of: "TITLE:Owner", with: "TITLE:PhoneDup")
        try phone.write(to: copy, atomically: true, encoding: .utf8)
        #expect(try CLI.run(["-e", "set @ann-lee title: \"Tend edit\""], in: dir).status == 0)
        let first = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(first.stdout.contains("0-copy.vcf: has the UID of") && !first.stdout.contains("title:"), "\(first.stdout)")
        #expect(try CLI.run(["export", "vdir", "book"], in: dir).status == 0)
        // The phone edits the card (and keeps Tend's line), then the card is deleted.
        let edited = try String(contentsOf: file, encoding: .utf8).replacingOccurrences(of: "TITLE:Tend edit", with: "TITLE:Phone edit")
        try edited.write(to: file, atomically: true, encoding: .utf8)
        let second = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(second.stdout.contains("title: Tend edit → Phone edit") && second.stdout.contains("an old copy"), "\(second.stdout)")
        try FileManager.default.removeItem(at: file)
        let third = try CLI.run(["import", "vdir", "book", "--update"], in: dir)
        #expect(third.stdout == "Imported from book: 0 added, 0 merged, 1 unchanged, 0 skipped.\n", "\(third.stdout)")
        #expect(try VdirSyncTests.ana(dir, "title") == "title\nPhone edit\n")
    }
}
