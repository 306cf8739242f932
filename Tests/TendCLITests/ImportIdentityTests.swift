import Foundation
import Testing

/// Issue 17, items 2 and 3: imports never merge different people, never drop a value, and a
/// changed file is reported (and taken with `--update`).
@Suite struct ImportIdentityTests {
    static func card(_ lines: [String]) -> String {
        (["BEGIN:VCARD", "VERSION:3.0"] + lines + ["END:VCARD"]).joined(separator: "\r\n") + "\r\n"
    }

    static func write(_ text: String, _ name: String, in dir: URL) throws {
        try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8)
    }

    /// One card (or one Google cell, `a ::: A`) giving the same e-mail in two cases, or the same
    /// number written two ways, gives it once, with the kind a later one adds (both were kept).
    @Test func aValueGivenTwiceInOneRecordIsKeptOnce() throws {
        let dir = CLI.tempDir()
        let card = ImportIdentityTests.card([
            "FN:Nora Quinn", "EMAIL:nora@quinn.example", "EMAIL;TYPE=WORK:Nora@Quinn.Example", "TEL;TYPE=CELL:+1 212 555 0100",
            "TEL;TYPE=WORK:+1 (212) 555-0100", "TEL:212 555 0199",
        ])
        try ImportIdentityTests.write(card, "n.vcf", in: dir)
        try ImportIdentityTests.write("Name,E-mail 1 - Type,E-mail 1 - Value\nOla Berg,* Home,ola@berg.example ::: OLA@berg.example\n", "g.csv", in: dir)
        #expect(try CLI.run(["import", "vcard", "n.vcf"], in: dir).status == 0)
        #expect(try CLI.run(["import", "google", "g.csv"], in: dir).status == 0)
        let r = try CLI.run(["--format", "json", "-e", "contacts sort by name show name, emails, phones"], in: dir)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]], "\(r.stdout)")
        #expect(rows.map { ($0["emails"] as? [Any])?.count } == [1, 1], "\(r.stdout)")
        #expect(rows.map { ($0["phones"] as? [Any])?.count } == [2, 0], "\(r.stdout)")
        let exported = try CLI.run(["export", "vcard", "-", "contacts where name == \"Nora Quinn\""], in: dir).stdout
        #expect(exported.contains("EMAIL;TYPE=work:nora@quinn.example\r\n"), "\(exported)")
    }

    /// A field of blanks alone is no value in a file, as in the language: it was kept, looked
    /// empty and was not null, and a dump restored it as null.
    @Test func aFieldOfBlanksIsNoValue() throws {
        let dir = CLI.tempDir()
        try ImportIdentityTests.write(#"[{"name": "Blank Co", "company": "   ", "title": "\t"}]"#, "b.json", in: dir)
        try ImportIdentityTests.write("name,company\nBlank Csv,\"  \"\n", "b.csv", in: dir)
        #expect(try CLI.run(["import", "json", "b.json"], in: dir).status == 0)
        #expect(try CLI.run(["import", "csv", "b.csv"], in: dir).status == 0)
        let r = try CLI.run(["-e", "count(contacts where company == null and title == null)"], in: dir)
        #expect(r.stdout == "2\n", "\(r.stdout) \(r.stderr)")
    }

    @Test func twoJohnSmithsAtGoogleAreTwoPeople() throws {
        let dir = CLI.tempDir()
        let file =
            ImportIdentityTests.card(["FN:John Smith", "ORG:Google", "EMAIL;TYPE=work:john@google.com", "TEL:+1 415 555 0100"])
            + ImportIdentityTests.card(["FN:John Smith", "ORG:Google", "EMAIL:jsmith@gmail.com", "TEL:+1 650 555 0199"])
        try ImportIdentityTests.write(file, "j.vcf", in: dir)
        let r = try CLI.run(["import", "vcard", "j.vcf"], in: dir)
        #expect(r.stdout.hasPrefix("Imported from j.vcf: 2 added, 0 merged, 0 skipped."), "\(r.stdout)")
        let people = try CLI.run(["--format", "csv", "-e", "contacts sort by handle show handle, email, phone"], in: dir)
        #expect(people.stdout == "handle,email,phone\njohn-smith,john@google.com,'+1 415 555 0100\njohn-smith-2,jsmith@gmail.com,'+1 650 555 0199\n")
        // report duplicates lists them, with the merge that joins them; the merge runs.
        let dups = try CLI.run(["--format", "csv", "-e", "report duplicates"], in: dir)
        #expect(dups.stdout == "contact,other,reason,merge\njohn-smith,john-smith-2,same name and company,merge @john-smith-2 into @john-smith\n")
        #expect(try CLI.run(["-e", "merge @john-smith-2 into @john-smith"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir).stdout == "1\n")
    }

    /// A LinkedIn connection who changed jobs is the same person in next month's export (their
    /// profile's address says so): a conflict on the company, not a second contact. Two people
    /// of one name with different profiles stay two.
    /// A handle is made of a name, so another database's John Smith carries this one's handle:
    /// when his e-mail, phone and company all disagree he is someone else, added beside him
    /// (he was merged in, his e-mail and phone put on this one). A new e-mail alone is the
    /// same person.
    @Test func anotherDatabasesJohnSmithIsNotThisOne() throws {
        let theirs = CLI.tempDir()
        #expect(try CLI.run(["-e", #"add "John Smith" email: "john@contoso.example", company: "Contoso", phone: "+1 425 555 0101""#], in: theirs).status == 0)
        #expect(try CLI.run(["export", "csv", "a.csv"], in: theirs).status == 0)
        #expect(try CLI.run(["-e", #"set @john-smith email: "john@fabrikam.example""#], in: theirs).status == 0)
        #expect(try CLI.run(["export", "csv", "moved.csv"], in: theirs).status == 0)
        let dir = CLI.tempDir()
        for f in ["a.csv", "moved.csv"] {
            try FileManager.default.copyItem(at: theirs.appendingPathComponent(f), to: dir.appendingPathComponent(f))
        }
        #expect(try CLI.run(["-e", #"add "John Smith" email: "jsmith@initech.example", company: "Initech", phone: "+1 512 555 0199""#], in: dir).status == 0)
        let r = try CLI.run(["import", "csv", "a.csv"], in: dir)
        #expect(r.stdout.hasPrefix("Imported from a.csv: 1 added, 0 merged, 0 skipped."), "\(r.stdout)")
        let people = try CLI.run(["--format", "csv", "-e", "contacts sort by handle show handle, company, emails"], in: dir)
        #expect(people.stdout == "handle,company,emails\njohn-smith,Initech,jsmith@initech.example\njohn-smith-2,Contoso,john@contoso.example\n", "\(people.stdout)")
        // Their John Smith's next export, with a new e-mail, is the same one.
        let again = try CLI.run(["import", "csv", "a.csv"], in: dir)
        #expect(again.stdout.hasPrefix("Imported from a.csv: 0 added, 0 merged, 1 unchanged, 0 skipped."), "\(again.stdout)")
        let home = CLI.tempDir()
        try FileManager.default.copyItem(at: theirs.appendingPathComponent("a.csv"), to: home.appendingPathComponent("a.csv"))
        try FileManager.default.copyItem(at: theirs.appendingPathComponent("moved.csv"), to: home.appendingPathComponent("moved.csv"))
        #expect(try CLI.run(["import", "csv", "a.csv"], in: home).status == 0)
        let moved = try CLI.run(["import", "csv", "moved.csv"], in: home)
        #expect(moved.stdout.hasPrefix("Imported from moved.csv: 0 added, 1 merged, 0 skipped."), "\(moved.stdout)")
    }

    /// Another database's John Smith is someone else when this one has no phone too: the
    /// record's phone is not his (his e-mail and company disagreeing were merged with a
    /// stranger's phone and e-mail). With one e-mail in common he is the same person.
    @Test func aContactWithoutAPhoneTakesNoStrangersPhone() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", #"add "John Smith" email: "js@a.example", company: "X Corp""#], in: dir).status == 0)
        let stranger = ["FN:John Smith", "X-TEND-HANDLE:john-smith", "EMAIL:john@b.example", "TEL:+1 555 7777", "ORG:Y Corp"]
        try ImportIdentityTests.write(ImportIdentityTests.card(stranger), "b.vcf", in: dir)
        let r = try CLI.run(["import", "vcard", "b.vcf"], in: dir)
        #expect(r.stdout.hasPrefix("Imported from b.vcf: 1 added, 0 merged"), "\(r.stdout)\(r.stderr)")
        let people = try CLI.run(["--format", "csv", "-e", "contacts sort by handle show handle, company, emails, phones"], in: dir)
        #expect(
            people.stdout == "handle,company,emails,phones\njohn-smith,X Corp,js@a.example,\njohn-smith-2,Y Corp,john@b.example,'+1 555 7777\n",
            "\(people.stdout)")
        try ImportIdentityTests.write(ImportIdentityTests.card(stranger + ["EMAIL:js@a.example"]), "same.vcf", in: dir)
        let same = try CLI.run(["import", "vcard", "same.vcf"], in: dir)
        #expect(same.stdout.hasPrefix("Imported from same.vcf: 0 added, 1 merged"), "\(same.stdout)\(same.stderr)")
    }

    /// One person's own export read back after a new job is still that person, whichever two of
    /// company, e-mail and phone changed (the rule for another database's John Smith split them).
    @Test(arguments: [
        (#"set @john-smith company: "Initech", phones: ["+1 555 2000"]"#, "vcard", "a.vcf"),
        (#"set @john-smith company: "Initech", emails: ["john@initech.example"]"#, "json", "a.json"),
        (#"set @john-smith company: "Initech", emails: ["john@initech.example"]"#, "csv", "a.csv"),
    ])
    func aNewJobIsTheSamePerson(_ change: String, _ format: String, _ file: String) throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", #"add "John Smith" company: "Acme", emails: ["john@acme.example"], phones: ["+1 555 1000"]"#], in: dir).status == 0)
        #expect(try CLI.run(["export", format, file], in: dir).status == 0)
        #expect(try CLI.run(["-e", change], in: dir).status == 0)
        let r = try CLI.run(["import", format, file], in: dir)
        #expect(r.stdout.contains("0 added"), "\(change): \(r.stdout)")
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir).stdout == "1\n")
    }

    /// A row with a company and its main line but no person is the company, not the person who
    /// shares the line (it was merged into her once a guessed name skipped the names' test).
    @Test func aCompanysRowIsNotThePersonOnItsLine() throws {
        let dir = CLI.tempDir()
        try ImportIdentityTests.write(
            "First Name,Last Name,Company,Business Phone,E-mail Address\nAna,Park,Acme,+1 555 0100,ana@acme.com\n,,Acme,+1 555 0100,\n", "o.csv", in: dir)
        let r = try CLI.run(["import", "csv", "o.csv"], in: dir)
        #expect(r.stdout.hasPrefix("Imported from o.csv: 2 added, 0 merged, 0 skipped."), "\(r.stdout)")
    }

    /// A card without a name is named by its e-mail or phone: that name is no one's. It neither
    /// conflicts with nor (with --update) overwrites the contact's real name, and a phone-only
    /// card is the contact with that phone (it was added again, named by the number).
    @Test func aNameStandingInForNoneIsNoOnesName() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", #"add "Dana Lee" email: "dana@lee.example", phone: "+1 415 555 0199""#], in: dir).status == 0)
        try ImportIdentityTests.write(ImportIdentityTests.card(["N:;;;;", "FN:", "EMAIL:dana@lee.example"]), "mail.vcf", in: dir)
        try ImportIdentityTests.write(ImportIdentityTests.card(["N:;;;;", "FN:", "TEL;TYPE=CELL:+1 415 555 0199", "NOTE:called about the boat"]), "tel.vcf", in: dir)
        for args in [["import", "vcard", "mail.vcf"], ["import", "vcard", "mail.vcf", "--update"]] {
            let r = try CLI.run(args, in: dir)
            #expect(r.stdout.hasPrefix("Imported from mail.vcf: 0 added, 0 merged, 1 unchanged, 0 skipped."), "\(r.stdout)")
            #expect(!r.stdout.contains("name:"), "\(r.stdout)")
        }
        let tel = try CLI.run(["import", "vcard", "tel.vcf", "--update"], in: dir)
        #expect(tel.stdout.hasPrefix("Imported from tel.vcf: 0 added, 1 merged, 0 skipped."), "\(tel.stdout)")
        let people = try CLI.run(["--format", "csv", "-e", "contacts show name, notes"], in: dir)
        #expect(people.stdout == "name,notes\nDana Lee,called about the boat\n", "\(people.stdout)")
    }

    /// A record whose differing values were all kept (conflicts) changed nothing: unchanged, not
    /// merged, each time the file is imported again.
    @Test func aRecordWhoseConflictsWereKeptIsUnchanged() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", #"add "Dr. Jürgen Müller" email: "jm@example.de""#], in: dir).status == 0)
        try ImportIdentityTests.write(ImportIdentityTests.card(["FN:Jürgen Müller", "EMAIL:jm@example.de"]), "j.vcf", in: dir)
        for _ in 0..<2 {
            let r = try CLI.run(["import", "vcard", "j.vcf"], in: dir)
            #expect(r.stdout.hasPrefix("Imported from j.vcf: 0 added, 0 merged, 1 unchanged, 0 skipped."), "\(r.stdout)")
            #expect(r.stdout.contains("@jurgen-muller name: kept Dr. Jürgen Müller, file has Jürgen Müller"), "\(r.stdout)")
        }
    }

    @Test func aConnectionWhoChangedJobsIsOnePerson() throws {
        let dir = CLI.tempDir()
        let header = "Notes:\n\"When exporting your connection data, you may notice that some of the email addresses are missing.\"\n\nFirst Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        try ImportIdentityTests.write(
            header + "Ana,Park,https://www.linkedin.com/in/ana-park-1234,,Acme,Engineer,04 Dec 2024\nBo,Li,https://www.linkedin.com/in/boli,,Initech,CTO,01 Jan 2025\n",
            "may.csv", in: dir)
        try ImportIdentityTests.write(
            header + "Ana,Park,https://www.linkedin.com/in/Ana-Park-1234/,,Globex,Director,04 Dec 2024\nBo,Li,https://www.linkedin.com/in/bo-li-2,,Initech,Analyst,02 Jan 2025\n",
            "june.csv", in: dir)
        #expect(try CLI.run(["import", "linkedin", "may.csv"], in: dir).status == 0)
        let r = try CLI.run(["import", "linkedin", "june.csv"], in: dir)
        // Ana's job change is two conflicts, kept: nothing of hers changed.
        #expect(r.stdout.hasPrefix("Imported from june.csv: 1 added, 0 merged, 1 unchanged, 0 skipped."), "\(r.stdout)")
        #expect(r.stdout.contains("@ana-park company: kept Acme, file has Globex"), "\(r.stdout)")
        let people = try CLI.run(["--format", "csv", "-e", "contacts sort by handle show handle, company"], in: dir)
        #expect(people.stdout == "handle,company\nana-park,Acme\nbo-li,Initech\nbo-li-2,Initech\n", "\(people.stdout)")
        // Her profile's address with its last slash is the one held: not a second url line.
        let notes = try CLI.run(["-e", "@ana-park.notes"], in: dir).stdout
        #expect(notes.components(separatedBy: "linkedin.com/in/").count == 2, "\(notes)")
        // A profile named in a note about someone else is not the contact's own.
        #expect(try CLI.run(["-e", "add \"Ann Worker\" company: \"Acme\", notes: \"reports to the boss, see linkedin.com/in/bossman\""], in: dir).status == 0)
        try ImportIdentityTests.write(header + "Big,Boss,https://www.linkedin.com/in/bossman,,Acme,CEO,24 Nov 2023\n", "boss.csv", in: dir)
        let boss = try CLI.run(["import", "linkedin", "boss.csv"], in: dir)
        #expect(boss.stdout.hasPrefix("Imported from boss.csv: 1 added, 0 merged"), "\(boss.stdout)")
        // An iPhone keeps the profile as X-SOCIALPROFILE (vCard 4.0: SOCIALPROFILE): the same
        // person, at another company (b93 #1: a second Åsa was added).
        try ImportIdentityTests.write(
            "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Lindqvist;Åsa;;;\r\nFN:Åsa Lindqvist\r\nX-SOCIALPROFILE;type=linkedin;x-user=asalind:https://www.linkedin.com/in/asalind\r\nEND:VCARD\r\n"
                + "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Cai Wen\r\nSOCIALPROFILE;SERVICE-TYPE=LinkedIn:https://linkedin.com/in/caiwen\r\nEND:VCARD\r\n",
            "phone.vcf", in: dir)
        #expect(try CLI.run(["import", "vcard", "phone.vcf"], in: dir).status == 0)
        try ImportIdentityTests.write(
            header + "Åsa,Lindqvist,https://www.linkedin.com/in/asalind,,Spotify,Designer,07 Dec 2026\nCai,Wen,https://www.linkedin.com/in/CaiWen/,,Initech,CFO,07 Dec 2026\n",
            "dec.csv", in: dir)
        let social = try CLI.run(["import", "linkedin", "dec.csv"], in: dir)
        #expect(social.stdout.hasPrefix("Imported from dec.csv: 0 added, 2 merged"), "\(social.stdout)")
    }

    /// A middle name one file gives and another leaves out, at the same company, is one person
    /// (b93 #2: Google's "Ana María Núñez" and LinkedIn's "Ana Núñez" at Clínica Sol were two,
    /// and report duplicates did not pair them); at another company, or with another first
    /// name, they stay two.
    @Test func aMiddleNameLeftOutIsTheSamePersonAtTheSameCompany() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", #"add "Ana María Núñez" company: "Clínica Sol"; add "Bo Li" company: "Initech""#], in: dir).status == 0)
        let header = "First Name,Last Name,URL,Email Address,Company,Position,Connected On\n"
        try ImportIdentityTests.write(
            header + "Ana,Núñez,https://www.linkedin.com/in/ana-nunez,,Clínica Sol,Orthodontist,07 Dec 2026\nBen,Li,,,Initech,CTO,07 Dec 2026\nAna,Núñez,,,Globex,CFO,07 Dec 2026\n",
            "li.csv", in: dir)
        let r = try CLI.run(["import", "linkedin", "li.csv"], in: dir)
        #expect(r.stdout.hasPrefix("Imported from li.csv: 2 added, 1 merged"), "\(r.stdout)")
        #expect(try CLI.run(["--format", "csv", "-e", "@ana-maria-nunez.title"], in: dir).stdout == "Orthodontist\n")
        #expect(try CLI.run(["-e", #"add "Cy Ode Obi" company: "Acme"; add "Cy Obi" handle: "cy-obi", company: "ACME""#], in: dir).status == 0)
        let dups = try CLI.run(["--format", "csv", "-e", "report duplicates"], in: dir).stdout
        #expect(dups.contains("cy-ode-obi,cy-obi,same first and last name and company,merge @cy-obi into @cy-ode-obi"), "\(dups)")
        // Two middle names are two people.
        #expect(try CLI.run(["-e", #"add "Mary Ann Smith" company: "Acme"; add "Mary Jo Smith" company: "Acme""#], in: dir).status == 0)
        #expect(!(try CLI.run(["--format", "csv", "-e", "report duplicates"], in: dir).stdout.contains("mary-jo-smith")))
    }

    /// A family's shared e-mail on two cards that carry different UIDs and names is two people
    /// (Jane was merged into John, and with update overwrote him); the same name under another
    /// program's UID is still one person.
    @Test func differentUIDsAndNamesAreTwoPeople() throws {
        let dir = CLI.tempDir()
        let family =
            ImportIdentityTests.card(["UID:u-john", "FN:John Smith", "EMAIL:smiths@family.example", "TEL;TYPE=CELL:+1 555 0101"])
            + ImportIdentityTests.card(["UID:u-jane", "FN:Jane Smith", "EMAIL:smiths@family.example", "TEL;TYPE=CELL:+1 555 0202"])
        try ImportIdentityTests.write(family, "family.vcf", in: dir)
        let r = try CLI.run(["import", "vcard", "family.vcf"], in: dir)
        #expect(r.stdout.hasPrefix("Imported from family.vcf: 2 added, 0 merged, 0 skipped."), "\(r.stdout)")
        let again = try CLI.run(["-e", "import vcard \"family.vcf\" update"], in: dir)
        #expect(again.stdout.hasPrefix("Imported from family.vcf: 0 added, 0 merged, 2 unchanged, 0 skipped."), "\(again.stdout)")
        let other = ImportIdentityTests.card(["UID:apple-77", "FN:Jane Smith", "EMAIL:smiths@family.example", "TITLE:Nurse"])
        try ImportIdentityTests.write(other, "apple.vcf", in: dir)
        let moved = try CLI.run(["import", "vcard", "apple.vcf"], in: dir)
        #expect(moved.stdout.hasPrefix("Imported from apple.vcf: 0 added, 1 merged, 0 skipped."), "\(moved.stdout)")
        let people = try CLI.run(["--format", "csv", "-e", "contacts sort by handle show handle, phone, title"], in: dir)
        #expect(people.stdout == "handle,phone,title\njane-smith,'+1 555 0202,Nurse\njohn-smith,'+1 555 0101,\n", "\(people.stdout)")
        // A middle initial, a title or an initial for the given name is the same person.
        let same =
            ImportIdentityTests.card(["UID:icloud-1", "FN:John Q. Smith", "N:Smith;John;Q.;;", "EMAIL:smiths@family.example"])
            + ImportIdentityTests.card(["UID:icloud-2", "FN:Dr. John Smith", "EMAIL:smiths@family.example"])
            + ImportIdentityTests.card(["UID:icloud-3", "FN:J. Smith", "TEL:+1 555 0101"])
        try ImportIdentityTests.write(same, "same.vcf", in: dir)
        let merged = try CLI.run(["import", "vcard", "same.vcf"], in: dir)
        // Their names and UIDs are kept (conflicts): nothing changed, so they are unchanged.
        #expect(merged.stdout.hasPrefix("Imported from same.vcf: 0 added, 0 merged, 3 unchanged, 0 skipped."), "\(merged.stdout)")
    }

    /// A family's landline or an office's switchboard on two people's cards (no UIDs, one family
    /// name) is two people: Mary Smith was merged into John Smith, her e-mail, mobile and note
    /// moved onto him, and with --update she renamed him. So are a father and son, 山田太郎 and
    /// 山田花子, Jo and John, and a couple on one e-mail who each give their own mobile. A short
    /// form of one name on one number is still the person.
    @Test(arguments: [
        ("vcard", "f.vcf",
         "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Smith;John;;;\r\nFN:John Smith\r\nTEL;TYPE=HOME:+1 503 555 0142\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\r\nVERSION:3.0\r\nN:Smith;Mary;;;\r\nFN:Mary Smith\r\nTEL;TYPE=HOME:+1 503 555 0142\r\nTEL;TYPE=CELL:+1 503 555 0199\r\nEMAIL:mary@smith.example\r\nNOTE:Mom\r\nEND:VCARD\r\n"),
        ("vcard", "f.vcf",
         "BEGIN:VCARD\r\nVERSION:3.0\r\nN:山田;太郎;;;\r\nFN:山田太郎\r\nTEL:+81 3 1234 5678\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\r\nVERSION:3.0\r\nN:山田;花子;;;\r\nFN:山田花子\r\nTEL:+81 3 1234 5678\r\nEND:VCARD\r\n"),
        ("csv", "f.csv", "name,email,phone\r\nAlice Acme,alice@acme.example,+1 415 555 0000\r\nDave Acme,,+1 415 555 0000\r\n"),
        ("csv", "f.csv", "name,phone\r\nJohn Smith,+1 415 555 0000\r\nJohn Smith Jr.,+1 415 555 0000\r\n"),
        ("csv", "f.csv", "First Name,Last Name,Suffix,Home Phone\r\nJohn,Smith,,+1 415 555 0000\r\nJohn,Smith,Jr.,+1 415 555 0000\r\n"),
        ("csv", "f.csv", "name,phone\r\nJohn Smith,+1 415 555 0000\r\nJo Smith,+1 415 555 0000\r\n"),
        ("csv", "f.csv", "name,email,phone\r\nJohn Smith,smiths@family.example,+1 415 555 0101\r\nMary Smith,smiths@family.example,+1 415 555 0202\r\n"),
        ("csv", "f.csv", "name,phone\r\nPaul Smith,+1 415 555 0000\r\nPaula Smith,+1 415 555 0000\r\n"),
        ("csv", "f.csv", "name,email\r\nJohn Smith,smiths@family.example\r\nMary Smith,smiths@family.example\r\n"),
        ("csv", "f.csv", "name,email,phone\r\nChris Wu,wu@family.example,+1 415 555 0101\r\nChristine Wu,wu@family.example,+1 415 555 0202\r\n"),
        ("csv", "f.csv", "name,phone\r\nJean Dupont,+33 1 23 45 67 89\r\nJean-Pierre Dupont,+33 1 23 45 67 89\r\n"),
        ("csv", "f.csv", "name,phone\r\nPierre Dupont,+33 1 23 45 67 89\r\nJean-Pierre Dupont,+33 1 23 45 67 89\r\n"),
        ("csv", "f.csv", "name,phone\r\n\"Lee, Ann\",+1 415 555 0000\r\n\"Lee, Bob\",+1 415 555 0000\r\n"),
        ("vcard", "f.vcf",
         "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:John Smith\r\nEMAIL:smiths@family.example\r\nTEL;TYPE=HOME:+1 415 555 0000\r\nTEL;TYPE=CELL:+1 415 555 0101\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Mary Smith\r\nEMAIL:smiths@family.example\r\nTEL;TYPE=HOME:+1 415 555 0000\r\nTEL;TYPE=CELL:+1 415 555 0202\r\nEND:VCARD\r\n"),
    ])
    func aSharedLineOrMailboxIsNotOnePerson(_ format: String, _ file: String, _ text: String) throws {
        let dir = CLI.tempDir()
        try ImportIdentityTests.write(text, file, in: dir)
        let r = try CLI.run(["import", format, file], in: dir)
        #expect(r.stdout.hasPrefix("Imported from \(file): 2 added, 0 merged"), "\(r.stdout)")
        let again = try CLI.run(["import", format, file, "--update"], in: dir)
        #expect(again.stdout.hasPrefix("Imported from \(file): 0 added, 0 merged, 2 unchanged"), "\(again.stdout)")
        #expect(try CLI.run(["-e", "count(contacts)"], in: dir).stdout == "2\n")
    }

    @Test func aShortFormOfTheNameOnItsNumberIsThePerson() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", #"add "John Q. Smith" phone: "+1 503 555 0142""#], in: dir).status == 0)
        try ImportIdentityTests.write("name,phone\r\nJ. Smith,+1 503 555 0142\r\n\"Smith, John\",(503) 555-0142\r\n", "short.csv", in: dir)
        let short = try CLI.run(["import", "csv", "short.csv"], in: dir)
        #expect(short.stdout.hasPrefix("Imported from short.csv: 0 added"), "\(short.stdout)")
        try ImportIdentityTests.write("name,phone\r\nMary Smith,+1 503 555 0142\r\n", "mary.csv", in: dir)
        #expect(try CLI.run(["import", "csv", "mary.csv"], in: dir).stdout.hasPrefix("Imported from mary.csv: 1 added"))
    }

    /// One e-mail is one person whatever the names say ("Mom" is Jane Doe), and a contact that is
    /// only a phone number takes no one else on it: John, Mary and Peter on that number are three.
    @Test func anEmailIsThePersonAndANumberAloneIsNoOne() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", #"add "Mom" email: "jane.doe@example.com""#], in: dir).status == 0)
        try ImportIdentityTests.write("First Name,Last Name,E-mail Address\nJane,Doe,jane.doe@example.com\n", "mom.csv", in: dir)
        #expect(try CLI.run(["import", "csv", "mom.csv"], in: dir).stdout.hasPrefix("Imported from mom.csv: 0 added"))
        try ImportIdentityTests.write("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:+1 555 867 5309\r\nTEL:+1 555 867 5309\r\nEND:VCARD\r\n", "p.vcf", in: dir)
        #expect(try CLI.run(["import", "vcard", "p.vcf"], in: dir).status == 0)
        try ImportIdentityTests.write(
            "First Name,Last Name,Home Phone\nJohn,Smith,+1 555 867 5309\nMary,Smith,+1 555 867 5309\nPeter,Parker,+1 555 867 5309\n", "f.csv", in: dir)
        let r = try CLI.run(["import", "csv", "f.csv"], in: dir)
        #expect(r.stdout.hasPrefix("Imported from f.csv: 3 added"), "\(r.stdout)")
        // Nor does one named by a family name alone, or by no letter at all.
        #expect(try CLI.run(["-e", #"add "Smith" phone: "+1 555 000 1234""#, "-e", #"add "🏠" phone: "+1 555 000 9999""#], in: dir).status == 0)
        try ImportIdentityTests.write("name,phone\nJohn Smith,+1 555 000 1234\nMary Doe,+1 555 000 9999\n", "g.csv", in: dir)
        let g = try CLI.run(["import", "csv", "g.csv"], in: dir)
        #expect(g.stdout.hasPrefix("Imported from g.csv: 2 added"), "\(g.stdout)")
        // The contact of the record's very name on a shared number is it, not the older one there.
        #expect(try CLI.run(["-e", #"add "Paul Smith" phone: "+1 555 000 4444""#, "-e", #"add "Paula Smith" phone: "+1 555 000 4444""#], in: dir).status == 0)
        try ImportIdentityTests.write("name,phone,notes\nPaula Smith,+1 555 000 4444,allergic to nuts\n", "h.csv", in: dir)
        #expect(try CLI.run(["import", "csv", "h.csv"], in: dir).stdout.hasPrefix("Imported from h.csv: 0 added, 1 merged"))
        #expect(try CLI.run(["-e", "@paula-smith.notes"], in: dir).stdout == "allergic to nuts\n")
    }

    /// Who is whom: handle first, then any e-mail (any case), then phone (any notation), then
    /// name and company when no e-mail or phone disagrees.
    /// A handle made for one card never takes the handle another card of the file names: the
    /// second card would be merged into the first (a hostile review: Other Person's e-mail
    /// ended up on Handle Test).
    @Test func aMadeHandleLeavesTheFilesOwnHandlesAlone() throws {
        let dir = CLI.tempDir()
        let file =
            ImportIdentityTests.card(["FN:Handle Test", "X-TEND-HANDLE:Bad Handle!"])
            + ImportIdentityTests.card(["FN:Other Person", "X-TEND-HANDLE:handle-test", "EMAIL:other@example.com"])
        try ImportIdentityTests.write(file, "h.vcf", in: dir)
        let r = try CLI.run(["import", "vcard", "h.vcf"], in: dir)
        #expect(r.stdout.hasPrefix("Imported from h.vcf: 2 added, 0 merged, 0 skipped."), "\(r.stdout)")
        let people = try CLI.run(["--format", "csv", "-e", "contacts sort by handle show handle, name, email"], in: dir)
        #expect(
            people.stdout
                == "handle,name,email\nhandle-test,Other Person,other@example.com\nhandle-test-2,Handle Test,\n",
            "\(people.stdout)")
    }

    /// Notes are compared without the spaces around their lines: a file that trims them (as
    /// vCard readers do) does not add the same note again (a hostile review: "  lead\nlead").
    @Test func aNoteTrimmedByTheFileIsNotAddedAgain() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Pat Quinn\" email: \"pat@q.example\", notes: \"  lead\\n\\tcall back  \""], in: dir).status == 0)
        #expect(try CLI.run(["export", "vcard", "p.vcf"], in: dir).status == 0)
        for flag in ["--update", "--dry-run"] {
            let r = try CLI.run(["import", "vcard", "p.vcf", flag], in: dir)
            #expect(r.status == 0, "\(r.stderr)")
        }
        #expect(try CLI.run(["--format", "json", "-e", "@pat-quinn.notes"], in: dir).stdout == "\"  lead\\n\\tcall back  \"\n")
    }

    /// A note edited on the phone adds its new lines, not the whole note again: importing
    /// "line a\nline c" over "line a\nline b" gave "line a\nline b\nline a\nline c", and every
    /// sync of an edited card piled up repeated lines (a sweep of real address books).
    @Test func anEditedNoteAddsOnlyItsNewLines() throws {
        let dir = CLI.tempDir()
        func card(_ note: String) -> String {
            "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Pat Ray\r\nEMAIL:pat@ray.example\r\nNOTE:\(note)\r\nEND:VCARD\r\n"
        }
        try card("line a\\nline b").write(to: dir.appendingPathComponent("1.vcf"), atomically: true, encoding: .utf8)
        try card("line a\\nline c").write(to: dir.appendingPathComponent("2.vcf"), atomically: true, encoding: .utf8)
        try card("line b\\nline c\\nline d").write(to: dir.appendingPathComponent("3.vcf"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vcard", "1.vcf"], in: dir).status == 0)
        #expect(try CLI.run(["import", "vcard", "2.vcf"], in: dir).status == 0)
        #expect(try CLI.run(["--format", "json", "-e", "@pat-ray.notes"], in: dir).stdout == "\"line a\\nline b\\nline c\"\n")
        #expect(try CLI.run(["import", "vcard", "3.vcf", "--update"], in: dir).status == 0)
        #expect(try CLI.run(["--format", "json", "-e", "@pat-ray.notes"], in: dir).stdout == "\"line a\\nline b\\nline c\\nline d\"\n")
        // A line the new note repeats within itself stays twice (a review: the second bullet was lost).
        try card("Kids:\\n- ask about school\\nWork:\\n- ask about school").write(to: dir.appendingPathComponent("4.vcf"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vcard", "4.vcf"], in: dir).status == 0)
        #expect(try CLI.run(["--format", "json", "-e", "@pat-ray.notes"], in: dir).stdout
            == "\"line a\\nline b\\nline c\\nline d\\nKids:\\n- ask about school\\nWork:\\n- ask about school\"\n")
    }

    /// A `map:` that names a field import csv does not fill, or a column the file does not
    /// have, is an error before anything is read, with the nearest field (a misspelt field
    /// threw its column away: "Müller GmbH" was in neither the company nor the notes); a field
    /// may be named as the header names it ("first name", "Job Title").
    @Test func aMapNamesRealFieldsAndColumns() throws {
        let dir = CLI.tempDir()
        try "Vorname,Nachname,Firma,Beruf\nHans,Müller,Müller GmbH,Steuerberater\n"
            .write(to: dir.appendingPathComponent("de.csv"), atomically: true, encoding: .utf8)
        let typo = try CLI.run(["-e", "import csv \"de.csv\" map: {\"Vorname\": \"first name\", \"Firma\": \"compnay\"}"], in: dir)
        #expect(typo.status == 3 && typo.stderr.contains("map: \"compnay\" (for \"Firma\") is not a field import csv fills; did you mean \"company\"?"), "\(typo.stderr)")
        let column = try CLI.run(["-e", "import csv \"de.csv\" map: {\"Vorname\": \"first name\", \"Frima\": \"company\"}"], in: dir)
        #expect(column.status == 3 && column.stderr.contains("map: the header has no column \"Frima\"; header: Vorname, Nachname, Firma, Beruf"), "\(column.stderr)")
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("tend.db").path))
        // Two columns for a field that holds one value, or one column twice: refused (a value was lost).
        let twice = try CLI.run(["-e", "import csv \"de.csv\" map: {\"Vorname\": \"name\", \"Firma\": \"name\"}"], in: dir)
        #expect(twice.status == 3 && twice.stderr.contains("both fill name, which holds one value"), "\(twice.stderr)")
        let loose = try CLI.run(["-e", "import csv \"de.csv\" map: {\"Firma\": \"company\", \"firma\": \"title\"}"], in: dir)
        #expect(loose.status == 3 && loose.stderr.contains("the column \"Firma\" is mapped twice"), "\(loose.stderr)")
        let good = try CLI.run(
            ["-e", "import csv \"de.csv\" map: {\"vorname\": \"first name\", \"Nachname\": \"Last Name\", \"FIRMA\": \"company\", \"Beruf\": \"Job Title\"}"], in: dir)
        #expect(good.status == 0, "\(good.stderr)")
        #expect(try CLI.run(["--format", "csv", "-e", "contacts show name, company, title, notes"], in: dir).stdout
            == "name,company,title,notes\nHans Müller,Müller GmbH,Steuerberater,\n")
        // On the command line, --map COLUMN=FIELD once per column (b93 #5: the hint named a
        // statement's map: that the command line could not give).
        try "Vorname,Nachname,Firma\nEva,Roth,Roth AG\n".write(to: dir.appendingPathComponent("de2.csv"), atomically: true, encoding: .utf8)
        let hint = try CLI.run(["import", "csv", "de2.csv"], in: dir)
        #expect(hint.status == 3 && hint.stderr.contains("--map \"Vorname=name\""), "\(hint.stderr)")
        let mapped = try CLI.run(["import", "csv", "de2.csv", "--map", "Vorname=first name", "--map", "Nachname=last name", "--map", "Firma=company"], in: dir)
        #expect(mapped.status == 0 && mapped.stdout.hasPrefix("Imported from de2.csv: 1 added"), "\(mapped.stdout)\(mapped.stderr)")
        #expect(try CLI.run(["--format", "csv", "-e", "@eva-roth.company"], in: dir).stdout == "Roth AG\n")
        let same = try CLI.run(["import", "csv", "de2.csv", "--map", "Vorname=first name", "--map", "Nachname=first name"], in: dir)
        #expect(same.status == 3 && same.stderr.contains("both fill first name, which holds one value"), "\(same.stderr)")
        // A column given twice is said of the options (b94 #11: the error showed the statement made of them).
        let again = try CLI.run(["import", "csv", "de2.csv", "--map", "Vorname=first name", "--map", "Vorname=company"], in: dir)
        #expect(again.status == 2 && again.stderr.contains("--map gives the column \"Vorname\" twice") && !again.stderr.contains("map: {"), "\(again.stderr)")
        let bad = try CLI.run(["import", "csv", "de2.csv", "--map", "Vorname"], in: dir)
        #expect(bad.status == 2 && bad.stderr.contains("is not COLUMN=FIELD"), "\(bad.stderr)")
        let vcard = try CLI.run(["import", "vcard", "de2.csv", "--map", "Vorname=name"], in: dir)
        #expect(vcard.status == 2 && vcard.stderr.contains("--map applies to CSV imports"), "\(vcard.stderr)")
    }

    /// A birthday written as a date that is none (February 30th, a 13th month) is the record's
    /// error, as any field's bad value is: the import stops, or --skip-bad skips the record (it
    /// was imported with the text in its notes). Text that is no date is kept in the notes and
    /// said, as a vCard's is; Outlook's zeros are no birthday.
    @Test func aBirthdayThatIsNoDateIsTheRecordsError() throws {
        let dir = CLI.tempDir()
        try "name,email,birthday\nA,a@x.example,1980-01-02\nB,b@x.example,1985-02-30\nC,c@x.example,circa 1950\nD,d@x.example,00/00/0000\n".write(
            to: dir.appendingPathComponent("b.csv"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", "csv", "b.csv"], in: dir)
        #expect(r.status == 3 && r.stderr.contains("record 2 (line 3), field birthday: 1985-02-30 is not a date"), "\(r.stderr)")
        let skip = try CLI.run(["import", "csv", "b.csv", "--skip-bad"], in: dir)
        #expect(skip.status == 0 && skip.stdout.contains("3 added, 0 merged, 1 skipped"), "\(skip.stdout)")
        #expect(skip.stdout.contains("record 3 (line 4), field birthday: circa 1950 is not a date Tend can read: kept in the notes"), "\(skip.stdout)")
        // Forms Tend does not read as dates (a two-digit year, a month alone, zeros) are notes,
        // as before: they are not dates that are none.
        let notes = ["4/12/85", "12/31/69", "12.4.85", "04/12", "1985-00-00", "0000-04-12", "1/0/00", "1985-04", "31121969"]
        try ("name,birthday\n" + notes.enumerated().map { "P\($0.offset),\($0.element)" }.joined(separator: "\n") + "\n").write(
            to: dir.appendingPathComponent("n.csv"), atomically: true, encoding: .utf8)
        let kept = try CLI.run(["import", "csv", "n.csv"], in: dir)
        #expect(kept.status == 0 && kept.stdout.contains("\(notes.count) added"), "\(kept.stdout)\(kept.stderr)")
        // A card's date with its year last is read either way round, as CSV reads one.
        let read = ["4/12/1985": "1985-04-12", "31/12/1969": "1969-12-31", "13.05.1990": "1990-05-13"]
        try read.keys.sorted().enumerated().map { "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Card \($0.offset)\r\nBDAY:\($0.element)\r\nEND:VCARD\r\n" }.joined()
            .write(to: dir.appendingPathComponent("ok.vcf"), atomically: true, encoding: .utf8)
        #expect(try CLI.run(["import", "vcard", "ok.vcf"], in: dir).status == 0)
        let days = try CLI.run(["--format", "csv", "-e", "contacts where name ~ \"Card\" sort by name show birthday"], in: dir).stdout
        #expect(days == "birthday\n" + read.keys.sorted().map { read[$0]! + "\n" }.joined(), "\(days)")
        let card = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bad Date\r\nBDAY:1985-13-45\r\nEND:VCARD\r\n"
        try card.write(to: dir.appendingPathComponent("b.vcf"), atomically: true, encoding: .utf8)
        let v = try CLI.run(["import", "vcard", "b.vcf"], in: dir)
        #expect(v.status == 3 && v.stderr.contains("field BDAY: line 4: 1985-13-45 is not a date"), "\(v.stderr)")
    }

    /// An office's main line is shared: people who share one stay apart, in the file and
    /// against the database, also with --update (Carol and Bob were merged into Alice, and with
    /// --update Alice was renamed). One person's other spelling (a title, the family name
    /// first) still matches by phone.
    @Test func aSharedPhoneOrEmailIsNotOnePerson() throws {
        let dir = CLI.tempDir()
        let file =
            ImportIdentityTests.card(["FN:Alice Smith", "ORG:Acme", "EMAIL:alice@acme.example", "TEL;TYPE=WORK:+1 555 000 0000"])
            + ImportIdentityTests.card(["FN:Bob Brown", "ORG:Acme", "EMAIL:bob@acme.example", "TEL;TYPE=WORK:+1 555 000 0000"])
            + ImportIdentityTests.card(["FN:Carol White", "ORG:Acme", "TEL;TYPE=WORK:+1 555 000 0000"])
            + ImportIdentityTests.card(["FN:Dr. Alice Smith", "N:Smith;Alice;;Dr.;", "TEL;TYPE=WORK:+1 555 000 0000"])
            + ImportIdentityTests.card(["FN:Doe\\, Jane", "N:Doe;Jane;;;", "TEL:+1 555 000 0111"])
            + ImportIdentityTests.card(["FN:Jane Doe", "TEL:(555) 000-0111"])
        try ImportIdentityTests.write(file, "shared.vcf", in: dir)
        // With --update the file's spelling of each one's name is taken; no one is merged into another.
        for (args, alice, jane) in [
            (["import", "vcard", "shared.vcf"], "Alice Smith", "\"Doe, Jane\""),
            (["import", "vcard", "shared.vcf", "--update"], "Dr. Alice Smith", "Jane Doe"),
        ] {
            let r = try CLI.run(args, in: dir)
            #expect(r.status == 0, "\(r.stderr)")
            let names = try CLI.run(["--format", "csv", "-e", "contacts sort by handle show name, email"], in: dir).stdout
            #expect(
                names == "name,email\n\(alice),alice@acme.example\nBob Brown,bob@acme.example\nCarol White,\n\(jane),\n",
                "\(args): \(names)")
        }
        let again = try CLI.run(["import", "vcard", "shared.vcf"], in: dir)
        // The two whose names the file spells otherwise keep them (conflicts): six unchanged.
        #expect(again.stdout.contains("0 added, 0 merged, 6 unchanged"), "\(again.stdout)")
    }

    @Test func matchingOrder() throws {
        let dir = CLI.tempDir()
        let setup = """
            add "Ana Park" email: "Ana@Example.org", company: "Parks"
            add "Ben Ode" phone: "+1 (415) 555-0101"
            add "Cy Lee" company: "Lee Co"
            add "Di Ray" handle: "di", email: "di@ray.example"
            """
        #expect(try CLI.run(["run", "-"], stdin: setup, in: dir).status == 0)
        let file =
            ImportIdentityTests.card(["FN:Ana P.", "EMAIL:ana@example.ORG", "TITLE:Editor"])  // e-mail, any case
            + ImportIdentityTests.card(["FN:B. Ode", "TEL:415.555.0101", "X-TEND-PROFESSION:plumber"])  // phone, an initial
            + ImportIdentityTests.card(["FN:Cy Lee", "ORG:Lee Co", "EMAIL:cy@lee.example"])  // name and company, nothing disagrees
            + ImportIdentityTests.card(["FN:Diane Ray", "X-TEND-HANDLE:di", "EMAIL:other@ray.example"])  // handle
        try ImportIdentityTests.write(file, "m.vcf", in: dir)
        let r = try CLI.run(["import", "vcard", "m.vcf"], in: dir)
        #expect(r.stdout.contains("0 added, 4 merged"), "\(r.stdout)")
        #expect(r.stdout.contains("@ana-park name: kept Ana Park, file has Ana P."))
        #expect(r.stdout.contains("@ben-ode name: kept Ben Ode, file has B. Ode"))
        #expect(r.stdout.contains("@di name: kept Di Ray, file has Diane Ray"))
        // A second e-mail is added, not a conflict (issue 19): the preferred one stays.
        #expect(!r.stdout.contains("@di email"), "\(r.stdout)")
        #expect(try CLI.run(["-e", "print @di.emails"], in: dir).stdout == "di@ray.example, other@ray.example\n")
        let q = try CLI.run(["--format", "csv", "-e", "contacts sort by name show handle, title, profession, email"], in: dir)
        #expect(
            q.stdout
                == "handle,title,profession,email\nana-park,Editor,,Ana@Example.org\nben-ode,,plumber,\ncy-lee,,,cy@lee.example\ndi,,,di@ray.example\n"
        )
    }

    /// Re-importing a changed file: each differing field is reported and nothing changes;
    /// with --update (or the language's `update`) each is taken and reported.
    @Test func aChangedFileIsReportedThenUpdated() throws {
        let dir = CLI.tempDir()
        try ImportIdentityTests.write(
            ImportIdentityTests.card(["FN:John Smith", "EMAIL:john@google.com", "TEL:+1 415 555 0100", "TITLE:Engineer"]), "v1.vcf", in: dir)
        try ImportIdentityTests.write(
            ImportIdentityTests.card(["FN:John Smith", "EMAIL:john@google.com", "TEL:+1 650 555 0199", "TITLE:Director", "CATEGORIES:vip"]),
            "v2.vcf", in: dir)
        #expect(try CLI.run(["import", "vcard", "v1.vcf"], in: dir).status == 0)
        let before = try CLI.run(["dump"], in: dir).stdout
        let dry = try CLI.run(["import", "vcard", "v2.vcf", "--dry-run", "--update"], in: dir)
        #expect(dry.stdout.contains("2 fields would be updated"), "\(dry.stdout)")
        let plain = try CLI.run(["import", "vcard", "v2.vcf"], in: dir)
        #expect(plain.stdout.contains("0 added, 1 merged"))
        #expect(plain.stdout.contains("1 conflict:"), "\(plain.stdout)")
        // In the command line's words (it said `import … update`, the statement's).
        #expect(plain.stdout.contains("(tend import --update takes the file's)"), "\(plain.stdout)")
        #expect(plain.stdout.contains("@john-smith title: kept Engineer, file has Director"))
        // The conflicting value was kept; the new tag and the second phone (which lose nothing) were added.
        #expect(try CLI.run(["-e", "print @john-smith.phone + \" \" + @john-smith.title"], in: dir).stdout == "+1 415 555 0100 Engineer\n")
        #expect(try CLI.run(["-e", "print @john-smith.phones"], in: dir).stdout == "+1 415 555 0100, +1 650 555 0199\n")
        #expect(try CLI.run(["dump"], in: dir).stdout != before)
        let updated = try CLI.run(["run", "-"], stdin: "import vcard \"v2.vcf\" update\n", in: dir)
        #expect(updated.stdout.contains("@john-smith phone: +1 415 555 0100 → +1 650 555 0199"), "\(updated.stdout) \(updated.stderr)")
        #expect(updated.stdout.contains("@john-smith title: Engineer → Director"))
        #expect(try CLI.run(["-e", "print @john-smith.phone + \" \" + @john-smith.title"], in: dir).stdout == "+1 650 555 0199 Director\n")
        // Now the file and the database agree: nothing to report.
        let again = try CLI.run(["import", "vcard", "v2.vcf"], in: dir)
        #expect(!again.stdout.contains("conflict"), "\(again.stdout)")
    }

    /// For every stored field a file can carry: a different value is never dropped without a
    /// word (a list's items, a phone or an address are added), and --update takes it (the next
    /// field added to ContactFields is covered too).
    @Test func everyFieldThatDiffersIsReportedOrUpdated() throws {
        let dir = CLI.tempDir()
        let setup = """
            add "Field Test" company: "A", title: "A", profession: "A", city: "A", met_at: "A", met_on: 2020-01-01, relationship: "A", internal, stage: visibility, cadence: 2w, next_step: "A", next_due: 2026-12-01, goals: ["A"], accomplishments: ["A"], interests: ["A"], networks: ["A"], skills: ["A"], serves: ["A"], expert, passionate, honors_referrals, snoozed_until: 2026-12-01, email: "a@a.example", phone: "+1 415 555 0100"
            """
        #expect(try CLI.run(["run", "-"], stdin: setup, in: dir).status == 0)
        try CLI.run(["export", "json", "a.json"], in: dir)
        var json = try String(contentsOf: dir.appendingPathComponent("a.json"), encoding: .utf8)
        let changed: [(String, String, String)] = [
            ("\"company\":\"A\"", "\"company\":\"B\"", "company"), ("\"title\":\"A\"", "\"title\":\"B\"", "title"),
            ("\"profession\":\"A\"", "\"profession\":\"B\"", "profession"), ("\"city\":\"A\"", "\"city\":\"B\"", "city"),
            ("\"met_at\":\"A\"", "\"met_at\":\"B\"", "met_at"), ("\"met_on\":\"2020-01-01\"", "\"met_on\":\"2021-01-01\"", "met_on"),
            ("\"relationship\":\"A\"", "\"relationship\":\"B\"", "relationship"), ("\"internal\":true", "\"internal\":false", "internal"),
            ("\"stage\":\"visibility\"", "\"stage\":\"credibility\"", "stage"), ("\"own_cadence\":\"2w\"", "\"own_cadence\":\"3mo\"", "cadence"),
            ("\"next_step\":\"A\"", "\"next_step\":\"B\"", "next_step"), ("\"next_due\":\"2026-12-01\"", "\"next_due\":\"2027-01-01\"", "next_due"),
            ("\"goals\":[\"A\"]", "\"goals\":[\"B\"]", "goals"), ("\"accomplishments\":[\"A\"]", "\"accomplishments\":[\"B\"]", "accomplishments"),
            ("\"interests\":[\"A\"]", "\"interests\":[\"B\"]", "interests"), ("\"networks\":[\"A\"]", "\"networks\":[\"B\"]", "networks"),
            ("\"skills\":[\"A\"]", "\"skills\":[\"B\"]", "skills"), ("\"serves\":[\"A\"]", "\"serves\":[\"B\"]", "serves"),
            ("\"expert\":true", "\"expert\":false", "expert"), ("\"passionate\":true", "\"passionate\":false", "passionate"),
            ("\"honors_referrals\":true", "\"honors_referrals\":false", "honors_referrals"),
            ("\"snoozed_until\":\"2026-12-01\"", "\"snoozed_until\":\"2027-01-01\"", "snoozed_until"),
            ("\"phone\":\"+1 415 555 0100\"", "\"phone\":\"+1 650 555 0100\"", "phone"),
        ]
        for (from, to, _) in changed {
            #expect(json.contains(from), "\(from) not in the export")
            json = json.replacingOccurrences(of: from, with: to)
        }
        try json.write(to: dir.appendingPathComponent("b.json"), atomically: true, encoding: .utf8)
        let plain = try CLI.run(["import", "json", "b.json"], in: dir)
        let lists = ["goals", "accomplishments", "interests", "networks", "skills", "serves"]
        // A phone or a city of another address is added beside the stored one (issue 19).
        let added = ["phone", "city"]
        for (_, _, field) in changed where !lists.contains(field) && !added.contains(field) {
            #expect(plain.stdout.contains("@field-test \(field): kept "), "\(field) not reported:\n\(plain.stdout)")
        }
        #expect(try CLI.run(["-e", "print @field-test.phones"], in: dir).stdout == "+1 415 555 0100, +1 650 555 0100\n")
        #expect(try CLI.run(["-e", "print @field-test.addresses"], in: dir).stdout == "A, B\n")
        // Lists gain the file's items without a conflict: nothing is lost.
        #expect(try CLI.run(["-e", "print @field-test.goals"], in: dir).stdout == "A, B\n")
        let update = try CLI.run(["import", "json", "b.json", "--update"], in: dir)
        #expect(update.status == 0, "\(update.stderr)")
        try CLI.run(["export", "json", "c.json"], in: dir)
        let after = try String(contentsOf: dir.appendingPathComponent("c.json"), encoding: .utf8)
        for (_, to, field) in changed {
            #expect(after.contains(to), "\(field) was not updated:\n\(update.stdout)")
        }
    }
}
