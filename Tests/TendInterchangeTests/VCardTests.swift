import Foundation
import Testing

@testable import TendCore
@testable import TendInterchange

func fixture(_ name: String) -> [UInt8] {
    let url = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/\(name)")
    return [UInt8]((try? Data(contentsOf: url)) ?? Data())
}

@Suite struct VCardTests {
    /// A card of more values of one kind than a person has (a list's members on one card) is
    /// refused with its field, at once; up to the limit each is kept (a contains over the list
    /// made 100,000 e-mails take minutes).
    @Test(arguments: ["EMAIL:m%d@example.org", "TEL:+1 555 %07d", "CATEGORIES:group%d"])
    func aCardOfTooManyValuesIsRefused(_ line: String) throws {
        func card(_ n: Int) -> [UInt8] {
            var text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Many Values\r\n"
            for i in 0..<n { text += String(format: line, i) + "\r\n" }
            return Array((text + "END:VCARD\r\n").utf8)
        }
        let full = try VCard.read(card(VCard.maxValues))
        #expect(full.errors.isEmpty && full.contacts.count == 1, "\(full.errors)")
        let c = try #require(full.contacts.first)
        #expect(max(c.emails.count, c.phones.count, c.tags.count) == VCard.maxValues)
        let over = try VCard.read(card(50_000))
        #expect(over.contacts.isEmpty)
        #expect(over.errors.first.map { "\($0)".contains("more than \(VCard.maxValues) values") } == true, "\(over.errors)")
    }

    @Test func versionsThreeAndFour() throws {
        let batch = try VCard.read(fixture("contacts-3-4.vcf"))
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        #expect(batch.contacts.count == 2)
        let joan = batch.contacts[0]
        #expect(joan.name == "Joan Rivera")
        #expect(joan[text: "company"] == "Salon Joan")
        #expect(joan[text: "title"] == "Owner")
        #expect(joan.emails.map(\.value) == ["joan@salon.example", "joan@home.example"])
        #expect(joan.phones.map(\.value) == ["+1 555 0100"])
        #expect(joan.addresses.first?.city == "Lake Forest")
        #expect(joan.tags == ["vip", "local-business"])
        #expect(joan.notes.contains("Loves fly fishing, jazz; and long notes\nsecond line"))
        #expect(joan.fields["birthday"] == .date(Day(iso: "1980-04-02")!) && !joan.notes.contains { $0.hasPrefix("birthday") })
        #expect(joan.notes.contains("url: https://salon.example"))
        #expect(joan.notes.contains("department: Hair"))
        #expect(!joan.notes.contains { $0.contains("9j/4AAQ") })
        let dana = batch.contacts[1]
        #expect(dana.phones.map(\.value) == ["+1-555-0101"])
        #expect(dana[text: "profession"] == "financial advisor")
    }

    /// Cards joined by `cat` from several programs: each file's byte order mark, and CRLF and LF
    /// line ends in one file. Every card is read, with no warning. (A CR alone is a line end
    /// where a property or a folded line follows it: elsewhere it is data, as written.)
    @Test func filesJoinedByCatAreReadWhole() throws {
        let bom = "\u{FEFF}"
        let text = bom + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann One\r\nEND:VCARD\r\n"
            + bom + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bob Two\r\nEMAIL:bob@x.com\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Cy Three\r\nNOTE:from a Mac\r\nEND:VCARD\r\n"
            + "BEGIN:VCARD\nVERSION:3.0\nFN:Di Four\nEND:VCARD\n"
        let batch = try VCard.read(Array(text.utf8))
        #expect(batch.errors.isEmpty && batch.warnings.isEmpty, "\(batch.errors) \(batch.warnings)")
        #expect(batch.contacts.map(\.name) == ["Ann One", "Bob Two", "Cy Three", "Di Four"])
        #expect(batch.contacts[1].emails.map(\.value) == ["bob@x.com"] && batch.contacts[2].notes == ["from a Mac"])
    }

    /// A classic Mac OS card (lines ended by CR alone) joined with others whose lines end in LF
    /// or CRLF: its lines are lines (it was one long line: the card was lost, with a warning about
    /// a BEGIN outside a card, or the file called no vCard at all). A CR alone inside a value is
    /// still the value's.
    @Test(arguments: [false, true]) func aClassicMacCardJoinedWithOthersIsRead(macFirst: Bool) throws {
        let mac = "BEGIN:VCARD\rVERSION:3.0\rFN:Carl Mac\rEMAIL:carl@mac.example\rNOTE:old mac\\nfile\r and folded\rEND:VCARD\r"
        let lower = "begin:vcard\nversion:3.0\nfn:Lower Case\nemail;type=internet:lower@x.example\nnote:one\rtwo\nend:vcard\n"
        let crlf = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Crlf Person\r\nEND:VCARD\r\n"
        let text = macFirst ? mac + lower + crlf : crlf + mac + lower
        let batch = try VCard.read(Array(text.utf8))
        #expect(batch.errors.isEmpty && batch.warnings.isEmpty, "\(batch.errors) \(batch.warnings)")
        #expect(Set(batch.contacts.map(\.name)) == ["Carl Mac", "Lower Case", "Crlf Person"])
        let carl = try #require(batch.contacts.first { $0.name == "Carl Mac" })
        #expect(carl.emails.map(\.value) == ["carl@mac.example"] && carl.notes == ["old mac\nfileand folded"], "\(carl.notes)")
        let lowerCase = try #require(batch.contacts.first { $0.name == "Lower Case" })
        #expect(lowerCase.notes == ["one\ntwo"] || lowerCase.notes == ["one\rtwo"], "\(lowerCase.notes)")
    }

    /// A Chinese, Japanese or Korean name given by N alone is its family name first, without a
    /// space (王小明 was read 小明 王).
    @Test func anEastAsianNameFromItsPartsIsFamilyFirst() throws {
        let text = ["N:王;小明;;;", "N:山田;太郎;;;", "N:김;민준;;;", "N:Smith;John;;;"].map { "BEGIN:VCARD\r\nVERSION:3.0\r\n\($0)\r\nTEL:123\r\nEND:VCARD\r\n" }.joined()
        let batch = try VCard.read(Array(text.utf8))
        #expect(batch.contacts.map(\.name) == ["王小明", "山田太郎", "김민준", "John Smith"])
    }

    /// An EMAIL that is a display name gives the address it holds, and a list of addresses each
    /// of them (`"Bob" <bob@x.example>` was stored whole, and no mail matched it); any other
    /// value is kept as written (`"john doe"@x` is an address; a card Tend wrote holds what its
    /// e-mails hold). Several preferred keep their order, the first preferred.
    @Test func anEmailValueGivesTheAddressesInIt() throws {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Bad Email\r\nEMAIL:not an email at all\r\nEMAIL;TYPE=INTERNET:\"Bob\" <bob@x.example>\r\n"
            + "EMAIL:mailto:m@x.example\r\nEMAIL;TYPE=work:ada@e.example,ada2@e.example\r\nEMAIL:\"john doe\"@x.example\r\nEMAIL:ann lee@x.example\r\n"
            + "EMAIL;TYPE=home;PREF=1:p1@x.example,p2@x.example\r\nEND:VCARD\r\n"
        let c = try #require(try VCard.read(Array(text.utf8)).contacts.first)
        #expect(
            c.emails.map(\.value) == [
                "p1@x.example", "p2@x.example", "not an email at all", "bob@x.example", "m@x.example", "ada@e.example", "ada2@e.example",
                "\"john doe\"@x.example", "ann lee@x.example",
            ], "\(c.emails)")
        #expect(c.emails.first(where: { $0.value == "ada2@e.example" })?.type == "work")
        #expect(c.notes.isEmpty, "\(c.notes)")
        // What a card escapes is the address's own (Tend keeps `a,b@x` as it was given), and a
        // card Tend wrote is read as written.
        let escaped = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Odd\r\nEMAIL:a\\,b@x.example\r\nEMAIL:nobody\r\nEND:VCARD\r\n"
        #expect(try VCard.read(Array(escaped.utf8)).contacts.first?.emails.map(\.value) == ["a,b@x.example", "nobody"])
        // A card export vdir wrote back keeps the phone's line: it is read as the first time
        // (b66: read as written, it put the display name back as the address). A list whose
        // items are display names gives each (only the last was kept), `mailto:` taken off each.
        let synced = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Own\r\nEMAIL:\"Bob R\" <bob@x.example>\r\nX-TEND-HANDLE:own\r\n"
            + "EMAIL:a@x.example, Bob <b@y.example>\r\nEMAIL:mailto:c@x.example,mailto:d@y.example\r\nEND:VCARD\r\n"
        #expect(
            try VCard.read(Array(synced.utf8)).contacts.first?.emails.map(\.value) == ["bob@x.example", "a@x.example", "b@y.example", "c@x.example", "d@y.example"])
    }

    /// A label of the user's own on an e-mail or phone (Apple's `item2.X-ABLabel:Gym`) is no kind
    /// Tend keeps: read as other, and the report says so (it went without a word); Apple's own
    /// labels say nothing.
    @Test func aLabelOfTheUsersOwnIsSaid() throws {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Johnny Appleseed\r\nitem1.EMAIL;type=INTERNET:j@home.example\r\nitem1.X-ABLabel:Gym\r\n"
            + "item2.TEL:+46 70 123\r\nitem2.X-ABLabel:_$!<Main>!$_\r\nitem3.TEL:+46 70 456\r\nitem3.X-ABLabel:_$!<Work>!$_\r\nEND:VCARD\r\n"
        let batch = try VCard.read(Array(text.utf8))
        let c = try #require(batch.contacts.first)
        #expect(c.emails.first?.type == "other" && c.phones.map(\.type) == ["other", "work"])
        #expect(batch.warnings.map(\.description).filter { $0.contains("label") }.count == 1, "\(batch.warnings)")
        #expect(batch.warnings.contains { $0.description.contains("\"Gym\" is no kind Tend keeps") }, "\(batch.warnings)")
    }

    /// Middle names, a prefix or a suffix that N gives and FN leaves out are said in the report
    /// (they went without a word: `N:Lovelace-King;Ada;Augusta\,Byron;Countess;` came back
    /// `N:Lovelace-King;Ada;;;`); the notes are not changed.
    @Test func namePartsFNLeavesOutAreSaid() throws {
        func read(_ n: String, _ fn: String) throws -> (notes: [String], said: [String]) {
            let text = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:\(fn)\r\nN:\(n)\r\nEND:VCARD\r\n"
            let batch = try VCard.read(Array(text.utf8))
            return (try #require(batch.contacts.first).notes, batch.warnings.map(\.description).filter { $0.contains("are not in FN") })
        }
        let ada = try read("Lovelace-King;Ada;Augusta\\,Byron;Countess;", "Ada Lovelace-King")
        #expect(ada.notes.isEmpty && ada.said.count == 1 && ada.said[0].contains("(Augusta Byron Countess) are not in FN"), "\(ada)")
        #expect(try read("Appleseed;Johnny;Q.;Dr.;Jr.", "Dr. Johnny Q. Appleseed Jr.").said.isEmpty)
        #expect(try read("Lee;Ann;;;", "Ann Lee").said.isEmpty)
    }

    /// A CR alone in a value of a card whose lines end otherwise is the value's, whatever follows
    /// it (a review: "Email: bob@…" after one in a note became the contact's e-mail).
    @Test func aCRInsideANoteIsTheNotes() throws {
        let text = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ann Lee\r\nNOTE:Forwarded from her assistant.\rEmail: bob@example.com\rTel: 555 0100\r PS\r\nEND:VCARD\r\n"
        let batch = try VCard.read(Array(text.utf8))
        #expect(batch.errors.isEmpty && batch.warnings.isEmpty, "\(batch.errors) \(batch.warnings)")
        let ann = try #require(batch.contacts.first)
        #expect(ann.emails.isEmpty && ann.phones.isEmpty, "\(ann.emails) \(ann.phones)")
        #expect(ann.notes.count == 1 && ann.notes[0].contains("bob@example.com") && ann.notes[0].contains("555 0100"), "\(ann.notes)")
    }

    /// A vCard 2.1 AGENT's own card, written inside the person's, is their agent (a line of the
    /// notes), not a person of its own, and the rest of the person's card is read.
    @Test func anAgentsCardIsPartOfThePersons() throws {
        let text = "BEGIN:VCARD\r\nVERSION:2.1\r\nN:Main;Person\r\nEMAIL;INTERNET:m@x.com\r\nAGENT:\r\nBEGIN:VCARD\r\nVERSION:2.1\r\n"
            + "N:Friday;Fred\r\nFN:Fred Friday\r\nTEL;WORK;VOICE:+1-213-555-1234\r\nEND:VCARD\r\nNOTE:after agent\r\nEND:VCARD\r\n"
        let batch = try VCard.read(Array(text.utf8))
        #expect(batch.errors.isEmpty && batch.warnings.isEmpty, "\(batch.errors) \(batch.warnings)")
        #expect(batch.contacts.count == 1 && batch.contacts[0].name == "Person Main", "\(batch.contacts.map(\.name))")
        #expect(batch.contacts.first?.phones.isEmpty == true)
        #expect(batch.contacts.first?.notes.sorted() == ["after agent", "agent: Fred Friday"], "\(batch.contacts.first?.notes ?? [])")
    }

    @Test func version21QuotedPrintable() throws {
        let batch = try VCard.read(fixture("v21.vcf"))
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        let c = try #require(batch.contacts.first)
        #expect(c.name == "José Núñez")
        #expect(c.phones.map(\.value) == ["555-0102"])
        #expect(c.notes == ["first line\nsecond line"])
    }

    /// 2.1 and 3.0 text in base64 (`ENCODING=BASE64`, `ENCODING=b`) is decoded, in its CHARSET
    /// as quoted-printable is, also when it runs on unindented lines up to a blank one; a value
    /// that is not base64 or not text is a warning. A photo stays data.
    @Test func base64TextIsDecoded() throws {
        let card = """
            BEGIN:VCARD\r
            VERSION:2.1\r
            N:Note;Nina\r
            FN:Nina Note\r
            NOTE;ENCODING=BASE64;CHARSET=UTF-8:Tm90aXogbWl0IFVtbGF1dGVuOiDDpMO2w7w=\r
            TITLE;ENCODING=b:Q2hlZg==\r
            X-SPOUSE;ENCODING=BASE64;CHARSET=ISO-8859-1:SvxyZ2Vu\r
            URL;ENCODING=BASE64:aHR0cHM6Ly9leGFtcGxl\r
            LmNvbS9uaW5h\r
            \r
            PHOTO;ENCODING=BASE64;TYPE=JPEG:/9j/4AAQ\r
            NICKNAME;ENCODING=BASE64:!!!\r
            ROLE;ENCODING=BASE64:AAECAw==\r
            END:VCARD\r

            """
        let batch = try VCard.read(Array(card.utf8))
        let c = try #require(batch.contacts.first)
        #expect(c.notes == ["Notiz mit Umlauten: äöü", "spouse: Jürgen", "url: https://example.com/nina"], "\(c.notes)")
        #expect(c[text: "title"] == "Chef")
        #expect(
            batch.warnings.map(\.description) == [
                "card 1 (line 1), field NICKNAME: line 12 is not base64: left out",
                "card 1 (line 1), field ROLE: line 13 is base64 data, not text: left out",
            ], "\(batch.warnings)")
    }

    /// The name in base64 (2.1 and 3.0 forms) is decoded as other text is: the contact was named
    /// by the base64 text itself.
    @Test func aBase64NameIsDecoded() throws {
        let cards = """
            BEGIN:VCARD\r
            VERSION:2.1\r
            N;ENCODING=BASE64;CHARSET=UTF-8:TcO8bGxlcjtKw7ZyZw==\r
            FN;ENCODING=BASE64;CHARSET=UTF-8:SsO2cmcgTcO8bGxlcg==\r
            END:VCARD\r
            BEGIN:VCARD\r
            VERSION:3.0\r
            FN;ENCODING=b:Wm/Dqw==\r
            END:VCARD\r

            """
        let batch = try VCard.read(Array(cards.utf8))
        #expect(batch.contacts.map(\.name) == ["Jörg Müller", "Zoë"], "\(batch.contacts.map(\.name))")
    }

    /// A vCard 2.1 name in the charset of a Chinese, Taiwanese, Korean, Russian or Japanese
    /// phone is decoded in it (GB2312, Big5, EUC-KR, KOI8-R, EUC-JP came in as Windows-1252).
    @Test(arguments: [
        ("GB2312", "王小明", [0xCD, 0xF5, 0xD0, 0xA1, 0xC3, 0xF7]),
        ("GBK", "王小明", [0xCD, 0xF5, 0xD0, 0xA1, 0xC3, 0xF7]),
        ("BIG5", "陳大文", [0xB3, 0xAF, 0xA4, 0x6A, 0xA4, 0xE5]),
        ("EUC-KR", "김철수", [0xB1, 0xE8, 0xC3, 0xB6, 0xBC, 0xF6]),
        ("KOI8-R", "Иван Петров", [0xE9, 0xD7, 0xC1, 0xCE, 0x20, 0xF0, 0xC5, 0xD4, 0xD2, 0xCF, 0xD7]),
        ("EUC-JP", "山田太郎", [0xBB, 0xB3, 0xC5, 0xC4, 0xC2, 0xC0, 0xCF, 0xBA]),
        // Latin-9's euro sign (read as Windows-1252, it was ¤); TSCII writes four characters for one
        // byte, past the room first given.
        ("ISO-8859-15", "Zoë €", [0x5A, 0x6F, 0xEB, 0x20, 0xA4]),
        ("TSCII", "A" + String(repeating: "ஸ்ரீ", count: 10), [0x41] + Array(repeating: 0x82, count: 10)),
    ] as [(String, String, [UInt8])])
    func aNameInItsPhonesCharsetIsDecoded(_ charset: String, _ name: String, _ encoded: [UInt8]) throws {
        let bytes = Array("BEGIN:VCARD\r\nVERSION:2.1\r\nFN;CHARSET=\(charset):".utf8) + encoded + Array("\r\nTEL:+1 555 0100\r\nEND:VCARD\r\n".utf8)
        let batch = try VCard.read(bytes)
        #expect(batch.contacts.map(\.name) == [name])
        #expect(batch.warnings.isEmpty, "\(batch.warnings)")
    }

    /// A fax or pager is not the contact's phone: the voice numbers come first, in their order
    /// (the preferred one first), then the faxes and pagers, each typed as before.
    @Test func faxesComeAfterVoiceNumbers() throws {
        let card = """
            BEGIN:VCARD\r
            VERSION:2.1\r
            FN:Fax First\r
            TEL;WORK;FAX:555-0700\r
            TEL;PAGER:555-0702\r
            TEL;VOICE:555-0701\r
            END:VCARD\r
            BEGIN:VCARD\r
            VERSION:3.0\r
            FN:Comma Types\r
            TEL;TYPE=WORK,FAX,PREF:555-1111\r
            TEL;TYPE=HOME:555-3333\r
            TEL;TYPE=CELL,VOICE;TYPE=PREF:555-2222\r
            END:VCARD\r

            """
        let c = try VCard.read(Array(card.utf8)).contacts
        #expect(c[0].phones == [ContactPoint("555-0701"), ContactPoint("555-0700", type: "work"), ContactPoint("555-0702", type: "other")])
        #expect(
            c[1].phones == [ContactPoint("555-2222", type: "mobile"), ContactPoint("555-3333", type: "home"), ContactPoint("555-1111", type: "work")])
    }

    /// Quoted-printable is named in any case, and only in the parameters (before the colon).
    @Test(arguments: [
        ("NOTE;ENCODING=QUOTED-PRINTABLE:a=3Db", true), ("NOTE;encoding=quoted-printable:a", true),
        ("NOTE;Encoding=Quoted-Printable;CHARSET=UTF-8:a", true), ("NOTE;QUOTED-PRINTABLE:a", true),
        ("NOTE:QUOTED-PRINTABLE", false), ("NOTE;ENCODING=QUOTED-PRINT:a", false), ("NOTE;ENCODING=QUOTED-PRINTABLE", false),
        ("NOTE;X=QUOTED-PRıNTABLE:a", false), ("", false),
    ])
    func quotedPrintableIsFound(_ line: String, _ expected: Bool) {
        #expect(VCard.isQuotedPrintable(ArraySlice(Array(line.utf8))) == expected, "\(line)")
    }

    /// A phone's last ten ASCII digits, when it has at least seven; other scripts' digits are not counted.
    @Test(arguments: [
        ("+1 (415) 555-0199", "4155550199"), ("555-01", ""), ("555-0199", "5550199"), ("+44 20 7946 0958 ext 12", "7946095812"),
        ("٥٥٥٠١٩٩٥٥٥", ""), ("tél. 06 12 34 56 78", "0612345678"), ("", ""),
    ])
    func phoneDigitsAreTheLastTen(_ phone: String, _ expected: String) {
        #expect(phoneDigits(phone) == expected)
    }

    @Test func hostileFiles() throws {
        #expect(throws: ImportError.self) { try VCard.read(fixture("binary.vcf")) }
        // An empty file is no card, said (an export of no one reads back); text without one is no vCard.
        #expect(try VCard.read([]).warnings.map(\.description) == ["file: the file is empty: it holds no cards"])
        // No card at all is the file's error, not a bad record among good ones.
        #expect(throws: ImportError.self) { try VCard.read(Array("hello\nworld".utf8)) }
        // Random bytes never crash the reader.
        var seed: UInt64 = 1
        for _ in 0..<200 {
            var bytes: [UInt8] = []
            for _ in 0..<300 {
                seed = seed &* 6364136223846793005 &+ 1442695040888963407
                bytes.append(UInt8(truncatingIfNeeded: seed >> 33))
            }
            _ = try? VCard.read(Array("BEGIN:VCARD\n".utf8) + bytes)
        }
    }

    @Test func writesValidFoldedVCard4() {
        var c = Contact(name: "Joan Rivera", handle: "joan-rivera", created: Day(year: 2026, month: 1, day: 1)!)
        c.company = "Salon; Joan, Inc"
        c.notes = String(repeating: "é", count: 60) + "\nline"
        c.tags = ["vip"]
        let card = VCard.write(c)
        for line in card.components(separatedBy: "\r\n") { #expect(line.utf8.count <= 75, "\(line)") }
        #expect(card.contains("ORG:Salon\\; Joan\\, Inc"))
        #expect(card.hasPrefix("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Joan Rivera\r\n"))
        let back = try? VCard.read(Array(card.utf8))
        #expect(back?.contacts.first?.notes == [c.notes!])
        #expect(back?.contacts.first?[text: "company"] == "Salon; Joan, Inc")
        #expect(back?.contacts.first?.handle == "joan-rivera")
    }
}

@Suite struct CSVImportTests {
    @Test func linkedinWithItsPreamble() throws {
        let batch = try CSVImport.read(fixture("Connections.csv"), flavor: .linkedin)
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        #expect(batch.contacts.map(\.name) == ["Ana Park", "Tom Okafor"])
        #expect(batch.contacts[0][text: "company"] == "Park, Editing & Co")
        #expect(batch.contacts[0].fields["met_on"] == .date(Day(year: 2023, month: 11, day: 24)!))
        #expect(batch.contacts[0][text: "met_at"] == "LinkedIn")
        #expect(batch.contacts[0][text: "title"] == "Editor")
        #expect(batch.contacts[1].emails.isEmpty)
    }

    /// A member who hides their details is a row without a name: skipped with a warning, not an
    /// error that stops the import, nor a contact named by the company they work at.
    @Test func linkedinHiddenMembers() throws {
        let file = """
            First Name,Last Name,URL,Email Address,Company,Position,Connected On
            Ana,Park,https://www.linkedin.com/in/anapark,ana@park.example,Park Editing,Editor,24 Nov 2023
            ,,,,,,03 Jan 2024
            ,,,,Okafor Travel,,04 Jan 2024

            """
        let batch = try CSVImport.read(Array(file.utf8), flavor: .linkedin)
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        #expect(batch.contacts.map(\.name) == ["Ana Park"])
        #expect(
            batch.warnings.map(\.description) == [
                "record 2 (line 3): a connection with no name (hidden by them): left out",
                "record 3 (line 4): a connection with no name (hidden by them): left out",
            ])
    }

    /// `import linkedin` reads LinkedIn's Connections.csv only: another export with a First
    /// Name column (Google's, Outlook.com's, a hand-made list) is refused, not imported as
    /// connections met on LinkedIn with its nameless rows dropped as hidden members.
    @Test func linkedinRefusesOtherFiles() throws {
        let others = [
            "First Name,Middle Name,Last Name,Organization Name,E-mail 1 - Value\n,,,Joe's Pizza,\n",
            "\"First Name\",\"Middle Name\",\"Last Name\",\"Company\",\"Job Title\",\"E-mail Address\"\r\n\"Tom\",\"\",\"Jones\",\"\",\"\",\"tom@jones.example\"\r\n",
            "First Name,Last Name,Email,Company,Position\nAna,Park,ana@park.example,Park Editing,Editor\n",
        ]
        for file in others {
            #expect {
                try CSVImport.read(Array(file.utf8), flavor: .linkedin)
            } throws: { error in
                "\(error)".hasPrefix("line 1: the header has neither URL nor Connected On: is this LinkedIn's Connections.csv?")
            }
        }
        #expect(throws: ImportError.self) { try CSVImport.read(fixture("google.csv"), flavor: .linkedin) }
        // Exports before 2018 had no URL column; the header may come after LinkedIn's notes.
        let older =
            "Notes:\n\"Some e-mails are missing.\"\n\nFirst Name,Last Name,Email Address,Company,Position,Connected On\nAna,Park,,,,24 Nov 2023\n"
        #expect(try CSVImport.read(Array(older.utf8), flavor: .linkedin).contacts.map(\.name) == ["Ana Park"])
    }

    /// A localised LinkedIn export is read when the mapping names its columns (b94 #8: the
    /// header was looked for as `First Name` before the mapping was applied).
    @Test func aLocalisedLinkedinFileIsReadWithAMapping() throws {
        let file = "Notizen:\n\nVorname,Nachname,Profil URL,Firma,Verbunden am\nAna,Park,https://www.linkedin.com/in/anapark,Park Editing,24 Nov 2023\n"
        let mapping = ["Vorname": "first name", "Nachname": "last name", "Profil URL": "url", "Firma": "company", "Verbunden am": "connected on"]
        let batch = try CSVImport.read(Array(file.utf8), flavor: .linkedin, mapping: mapping)
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        let ana = try #require(batch.contacts.first)
        #expect(ana.name == "Ana Park" && ana[text: "company"] == "Park Editing", "\(ana)")
        #expect(throws: ImportError.self) { try CSVImport.read(Array(file.utf8), flavor: .linkedin) }
    }

    /// A header row with a column name over 1,000 bytes is refused at once, named (b82: a 50 MB
    /// first line took a minute and a gigabyte to be refused; LinkedIn's reader took longer).
    @Test func aColumnNameOverAThousandBytesIsNoHeader() throws {
        let long = String(repeating: "x", count: 1_001)
        for (file, flavor) in [(long + "\n", CSVImport.Flavor.generic), ("name,\(long)\nAna,1\n", .google), ("First Name,Last Name,URL,\(long)\n", .linkedin)] {
            #expect {
                try CSVImport.read(Array(file.utf8), flavor: flavor)
            } throws: { error in
                "\(error)".hasPrefix("line 1: the header's column \"xxxxxxxx") && "\(error)".hasSuffix("is 1001 bytes long; a column's name is 1000 bytes at most")
            }
        }
        #expect(try CSVImport.read(Array("name,\(long.dropLast())\nAna,1\n".utf8)).contacts.map(\.name) == ["Ana"])
    }

    /// Google's older export gives one type per value in a cell of several ("* Work ::: Home"
    /// beside "a ::: b"): each value keeps its own (b82 #6: none kept one); one type for
    /// several values is each's.
    /// A `KIND:org` card is the organisation's: its name is its company (b82: a person named
    /// "Acme Org" with no company, which the next export wrote as a person's card).
    @Test func anOrganisationsCardIsItsCompany() throws {
        let card = "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:org\r\nFN:Acme Org\r\nEMAIL:hello@acme.example\r\nEND:VCARD\r\n"
        let acme = try #require(try VCard.read(Array(card.utf8)).contacts.first)
        #expect(acme.name == "Acme Org" && acme[text: "company"] == "Acme Org")
        var c = Contact(name: "Acme Org", handle: "acme-org", created: Day(year: 2026, month: 1, day: 1)!)
        c.company = "Acme Org"
        let back = try #require(try VCard.read(Array(VCard.write(c).utf8)).contacts.first)
        #expect(back[text: "company"] == "Acme Org")
    }

    @Test func googleTypesOneAValue() throws {
        let file = """
            Name,Given Name,Family Name,E-mail 1 - Type,E-mail 1 - Value,Phone 1 - Type,Phone 1 - Value
            Kim Lee,Kim,Lee,* Work ::: Home,kim@work.example ::: kim@home.example,Mobile,+1 555 0100 ::: +1 555 0101

            """
        let kim = try #require(try CSVImport.read(Array(file.utf8), flavor: .google).contacts.first)
        #expect(kim.emails.map { "\($0.value) \($0.type ?? "-")" } == ["kim@work.example work", "kim@home.example home"])
        #expect(kim.phones.map { "\($0.value) \($0.type ?? "-")" } == ["+1 555 0100 mobile", "+1 555 0101 mobile"])
    }

    @Test func googleContacts() throws {
        let batch = try CSVImport.read(fixture("google.csv"), flavor: .google)
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        let mike = try #require(batch.contacts.first)
        #expect(mike.name == "Mike Chen")
        // A second e-mail is the person's too (issue 19), no longer dropped.
        #expect(mike.emails.map(\.value) == ["mike@green.example", "mike@home.example"])
        #expect(mike[text: "company"] == "Green Thumb" && mike[text: "title"] == "Landscaper" && mike.addresses.first?.city == "Irvine")
        #expect(mike.tags == ["gardeners"])
        #expect(mike.notes.contains("Met at the \"garden\" show\nhas two lines"))
    }

    /// Google's export since 2023: no Name column, labels and values per kind.
    /// Google's Event columns are dates: an anniversary is the field, any other a named date
    /// (also without a year); one that is no date is a note (they were all notes).
    @Test func googleEventsAreDates() throws {
        let csv = "First Name,Last Name,Birthday,Event 1 - Label,Event 1 - Value,Event 2 - Label,Event 2 - Value,Event 3 - Label,Event 3 - Value\r\n"
            + "Mia,Rossi,,Anniversary,2012-05-05,Graduation,--07-01,Party,someday\r\n"
        let batch = try CSVImport.read(Array(csv.utf8), flavor: .google)
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        let mia = try #require(batch.contacts.first)
        #expect(mia.fields["anniversary"] == .date(Day(iso: "2012-05-05")!))
        #expect(mia.dates == [NamedDate("Graduation", Day(iso: "--07-01")!)] && mia.notes == ["Event 3 - Value: Party someday"], "\(mia.dates) \(mia.notes)")
    }

    @Test func googleContactsNewHeaders() throws {
        let csv = """
            First Name,Middle Name,Last Name,Phonetic First Name,Nickname,File As,Organization Name,Organization Title,Organization Department,Birthday,Notes,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,Phone 1 - Label,Phone 1 - Value,Address 1 - Label,Address 1 - City
            Dana,,Lee,,,,Lee Wealth,Advisor,,1980-02-29,,* myContacts ::: Clients,* Work,dana@lee.example,Home,dana@home.example,Mobile,+1 555 0101,Work,Tustin

            """
        let batch = try CSVImport.read(Array(csv.utf8), flavor: .google)
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        let dana = try #require(batch.contacts.first)
        #expect(
            dana.name == "Dana Lee" && dana[text: "company"] == "Lee Wealth" && dana[text: "title"] == "Advisor"
                && dana.addresses.first?.city == "Tustin")
        #expect(
            dana.emails.map(\.value) == ["dana@lee.example", "dana@home.example"] && dana.phones.map(\.value) == ["+1 555 0101"]
                && dana.tags == ["clients"])
    }

    /// Outlook's export names its columns its own way; they map without a `map {…}`.
    @Test func outlookHeaders() throws {
        let csv = """
            "First Name","Middle Name","Last Name","Company","Job Title","Business City","Business Phone","Mobile Phone","E-mail Address","E-mail 2 Address","Web Page","Notes"
            "Joan","","Rivera","Salon Joan","Owner","Irvine","","+1 555 0100","joan@salon.example","joan@home.example","https://salon.example","met at the fair"

            """
        let batch = try CSVImport.read(Array(csv.utf8))
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        let joan = try #require(batch.contacts.first)
        #expect(
            joan.name == "Joan Rivera" && joan[text: "company"] == "Salon Joan" && joan[text: "title"] == "Owner"
                && joan.addresses.first?.city == "Irvine")
        #expect(joan.phones.map(\.value) == ["+1 555 0100"] && joan.emails.map(\.value) == ["joan@salon.example", "joan@home.example"])
        #expect(joan.notes.contains("met at the fair") && joan.notes.contains("url: https://salon.example"))
    }

    /// Outlook's full export has a "Title" column before "Job Title": the honorific. It became
    /// the title ("Ms.") and the job title was lost.
    @Test func outlookTitleIsTheHonorific() throws {
        let csv = """
            "Title","First Name","Middle Name","Last Name","Suffix","Company","Department","Job Title","E-mail Address"
            "Ms.","Kim","","Lee","","Fabrikam","Sales","Account Manager","kim@fabrikam.example"

            """
        let batch = try CSVImport.read(Array(csv.utf8))
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        let kim = try #require(batch.contacts.first)
        #expect(kim.name == "Kim Lee" && kim[text: "title"] == "Account Manager" && kim[text: "company"] == "Fabrikam")
        #expect(kim.notes.contains { $0.contains("Ms.") } && kim.notes.contains { $0.contains("Sales") }, "\(kim.notes)")
        // A line break inside a quoted cell is one "\n", whoever wrote it.
        let breaks = try CSVImport.read(Array("Name,Notes\r\nAna Park,\"one\r\ntwo\rthree\nfour\"\r\n".utf8))
        #expect(breaks.contacts.first?.notes == ["one\ntwo\nthree\nfour"], "\(breaks.contacts.first?.notes ?? [])")
        // A tag of the user's called mycontacts is kept; Google's own "* myContacts" group is not.
        let tags = try CSVImport.read(Array("Name,Tags\nAna Park,vip;mycontacts;* myContacts ::: * starred\n".utf8))
        #expect(tags.contacts.first?.tags == ["vip", "mycontacts", "starred"], "\(tags.contacts.first?.tags ?? [])")
        // A file with a title column alone keeps it as the title.
        let plain = try CSVImport.read(Array("Name,Title\nAna Park,Owner\n".utf8))
        #expect(plain.contacts.first?[text: "title"] == "Owner")
    }

    @Test func genericWithBOMQuotesAndABadRecord() throws {
        let batch = try CSVImport.read(fixture("people.csv"))
        #expect(batch.contacts.map(\.name) == ["Rivera, Joan"])
        #expect(batch.contacts[0].tags == ["vip", "local"])
        #expect(batch.contacts[0].fields["stage"] == .stage(.visibility))
        #expect(batch.errors.map(\.description) == ["record 2 (line 3), field met_on: \"not-a-date\" is not a date"])
    }

    @Test func mappingAndMissingHeader() throws {
        let text = Array("Who,Mail\nAna Park,ana@x.org\n".utf8)
        #expect(throws: ImportError.self) { try CSVImport.read(text) }
        let mapped = try CSVImport.read(text, mapping: ["Who": "name", "Mail": "email"])
        #expect(mapped.contacts.first?.emails.map(\.value) == ["ana@x.org"])
        #expect(throws: ImportError.self) { try CSVImport.read(fixture("empty.csv")) }
    }

    @Test func icsIsFoldedAndEscaped() {
        let ics = CalendarWriter.ics(
            [
                CalendarWriter.Item(
                    uid: "a@tend", summary: "Call Joan, then; lunch", description: String(repeating: "x", count: 200),
                    due: Day(year: 2026, month: 11, day: 23)!, priority: 1, category: "r")
            ], stamp: Day(year: 2026, month: 11, day: 23)!)
        #expect(ics.contains("SUMMARY:Call Joan\\, then\\; lunch"))
        #expect(ics.components(separatedBy: "\r\n").allSatisfy { $0.utf8.count <= 75 })
        #expect(ics.contains("DUE;VALUE=DATE:20261123"))
        #expect(!ics.contains("VTIMEZONE"))
    }

    /// A calendar holds one component at least (RFC 5545, 3.4; b71): with nothing on the agenda
    /// it held none. It holds UTC's time zone, which a calendar app shows nothing of.
    @Test func anEmptyAgendaIsStillACalendar() {
        let ics = CalendarWriter.ics([], stamp: Day(year: 2026, month: 11, day: 23)!)
        let lines = ics.components(separatedBy: "\r\n")
        #expect(lines.filter { $0.hasPrefix("BEGIN:") } == ["BEGIN:VCALENDAR", "BEGIN:VTIMEZONE", "BEGIN:STANDARD"], "\(ics)")
        #expect(lines.contains("TZID:UTC") && lines.suffix(2) == ["END:VCALENDAR", ""])
    }
}

/// Issue 19, item 2: birthdays, anniversaries and Apple's labelled dates in the forms each
/// vCard version and program writes them.
@Suite struct VCardDateTests {
    static func day(_ s: String) -> FieldValue { .date(Day(iso: s)!) }

    @Test func everyFormOfADate() throws {
        let batch = try VCard.read(fixture("dates.vcf"))
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        let c = batch.contacts
        #expect(c.map(\.name) == ["Bea Ross", "Cal Apple", "Dee Four", "Eve Text"])
        // 2.1: a date-time; Outlook's anniversary in the basic form.
        #expect(c[0].fields["birthday"] == VCardDateTests.day("1980-04-02") && c[0].fields["anniversary"] == VCardDateTests.day("2005-09-17"))
        // Apple: the year 1604 is no year; labelled dates are named dates, its anniversary the field.
        #expect(c[1].fields["birthday"] == VCardDateTests.day("--07-26"))
        #expect(c[1].fields["anniversary"] == VCardDateTests.day("2011-09-10"))
        #expect(c[1].dates == [NamedDate("kids, birthday", Day(iso: "2019-05-02")!), NamedDate("other", Day(iso: "--03-01")!)])
        #expect(c[1].notes.isEmpty, "\(c[1].notes)")
        // 4.0: --MM-DD (February 29 without a year exists), a date-time.
        #expect(c[2].fields["birthday"] == VCardDateTests.day("--02-29") && c[2].fields["anniversary"] == VCardDateTests.day("1999-01-01"))
        // Text, or a year alone, is not a date: kept as a note, not refused; the next form is read.
        #expect(c[3].fields["birthday"] == nil && c[3].notes == ["birthday: circa 1950", "anniversary: 1999"])
        #expect(c[3].fields["anniversary"] == VCardDateTests.day("2001-02-03"))
        // Each is said in the report (2026-02-30 went into the notes unsaid).
        let said = batch.warnings.map { "\($0)" }.filter { $0.contains("is not a date Tend can read: kept in the notes") }
        #expect(said.count == 2 && said[0].contains("circa 1950") && said[1].contains("1999"), "\(batch.warnings)")
        // Text, whatever it looks like, is a note.
        let text = try VCard.read(Array("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Text Date\r\nBDAY;VALUE=text:1985-02-30\r\nEND:VCARD\r\n".utf8))
        #expect(text.errors.isEmpty && text.contacts.first?.notes == ["birthday: 1985-02-30"], "\(text.errors) \(text.contacts.map(\.notes))")
        // A date that is none is the card's error.
        let impossible = try VCard.read(Array("BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bad Date\r\nBDAY:2026-02-30\r\nEND:VCARD\r\n".utf8))
        #expect(impossible.errors.map { "\($0)" }.contains { $0.contains("BDAY") && $0.contains("2026-02-30 is not a date") }, "\(impossible.errors)")
    }

    /// Written as vCard 4.0 (`BDAY:19880412`, `--0412`), named dates as Apple's labelled ones,
    /// and read back to the same contact.
    @Test func writtenAndReadBack() throws {
        var c = Contact(name: "Ana Lima", handle: "ana-lima", created: Day(iso: "2026-11-23")!)
        c.birthday = Day(iso: "--04-12")
        c.anniversary = Day(iso: "2010-06-01")
        c.dates = [NamedDate("kids' birthday; twins", Day(iso: "2019-05-02")!), NamedDate("name day", Day(iso: "--07-26")!)]
        c.uid = "5f1c-aa"
        let card = VCard.write(c)
        for line in [
            "BDAY:--0412", "ANNIVERSARY:20100601", "UID:5f1c-aa", "tend1.X-ABDATE:2019-05-02", "tend1.X-ABLabel:kids' birthday\\; twins",
            "tend2.X-ABDATE;X-APPLE-OMIT-YEAR=1604:1604-07-26", "tend2.X-ABLabel:name day",
        ] {
            #expect(card.contains(line + "\r\n"), "\(line)\n\(card)")
        }
        let back = try #require(try VCard.read(Array(card.utf8)).contacts.first)
        var again = Merge.newContact(back, handle: "ana-lima", today: c.created)
        again.id = c.id
        #expect(again == c)
    }
}
