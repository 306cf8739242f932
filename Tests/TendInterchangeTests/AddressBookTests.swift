import Foundation
import Testing

@testable import TendCore
@testable import TendInterchange

/// Issue 19, item 3: every real export imports. Each fixture holds one program's quirk, written
/// from the vCard RFCs and the issue's descriptions; each is read with the expected people and
/// fields, and only a record that cannot be read at all is an error.
@Suite struct AddressBookTests {
    static func read(_ name: String) throws -> ImportBatch {
        let batch = try VCard.read(fixture(name))
        #expect(batch.errors.isEmpty, "\(name): \(batch.errors)")
        return batch
    }

    static func warnings(_ batch: ImportBatch) -> [String] { batch.warnings.map(\.description) }

    /// An empty label (Google writes `item1.X-ABLabel:`) is none: the note said `url (): …`.
    @Test func anEmptyLabelIsNone() throws {
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Grace Wong\r\nitem1.URL:http\\://wonglaw.example\r\nitem1.X-ABLabel:\r\nEND:VCARD\r\n"
        let batch = try VCard.read(Array(card.utf8))
        #expect(batch.contacts.first?.notes == ["url: http://wonglaw.example"], "\(batch.contacts)")
    }

    /// A group's member named by e-mail (`MEMBER:mailto:…`, as RFC 6350's example has it) is
    /// found in the file (the report said it was not there, and it was not tagged).
    @Test func aGroupMemberByEmail() throws {
        let cards = [
            "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nFN:Golf buddies\r\nMEMBER:mailto:Candide@x.example\r\nMEMBER:urn:uuid:b1\r\nEND:VCARD\r\n",
            "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Candide Lebron\r\nEMAIL:candide@x.example\r\nEND:VCARD\r\n",
            "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:Bo Li\r\nUID:urn:uuid:b1\r\nEND:VCARD\r\n",
        ]
        let batch = try VCard.read(Array(cards.joined().utf8))
        #expect(batch.contacts.map(\.tags) == [["golf-buddies"], ["golf-buddies"]], "\(batch.contacts)")
        #expect(batch.warnings.isEmpty, "\(batch.warnings)")
    }

    @Test func iPhoneLineEndsAndAppleLabels() throws {
        let batch = try AddressBookTests.read("iphone-crcrlf.vcf")
        #expect(batch.contacts.map(\.name) == ["Johnny Appleseed", "Lan Nguyễn"])
        let j = batch.contacts[0]
        #expect(j.emails.map(\.value) == ["johnny@orchard.example", "jo@school.example"])
        #expect(j.phones.map(\.value) == ["+1 (408) 555-0101"])
        #expect(j[text: "company"] == "Orchard Inc." && j[text: "title"] == "Grower" && j.addresses.first?.city == "Cupertino")
        // Apple's labelled anniversary is the field; a date it cannot read stays a note.
        #expect(j.fields["anniversary"] == .date(Day(iso: "2012-06-09")!) && !j.notes.contains { $0.hasPrefix("anniversary") })
        #expect(j.notes.contains("spouse: Jane Appleseed"))
        #expect(j.notes.contains("url (homepage): https://orchard.example"))
        #expect(
            j.addresses == [
                PostalAddress(street: "1 Orchard Way", city: "Cupertino", region: "CA", postcode: "95014", country: "United States", type: "home")
            ])
        // Apple's own label is the kind; one of the user's own ("School") is other.
        #expect(j.emails.map(\.type) == ["work", "other"] && j.phones.map(\.type) == ["mobile"])
        #expect(!j.notes.contains { $0.contains("9j/4AAQ") || $0.contains("x-ab") || $0.contains("_$!<") })
        #expect(j.tags == ["family"])
        #expect(j.givenName == "Johnny" && j.familyName == "Appleseed")
        #expect(batch.warnings.isEmpty, "\(batch.warnings)")
    }

    /// Thunderbird's CSV: its "Home Address" is the street beside columns for the city and the
    /// rest (the street was dropped), "Work …" columns are the work address, "ZipCode" the
    /// postcode, and the birthday comes in three columns.
    @Test func thunderbirdsAddressesAndBirthday() throws {
        let header = "First Name,Last Name,Display Name,Primary Email,Work Phone,Mobile Number,Home Address,Home Address 2,Home City,Home State,Home ZipCode,Home Country,"
            + "Work Address,Work Address 2,Work City,Work State,Work ZipCode,Work Country,Job Title,Organization,Birth Year,Birth Month,Birth Day,Notes\r\n"
        let rows = "Karl,Marx,Karl Marx,karl@x.org,+1 555 1000,+1 555 2000,10 Main St,Apt 2,Trier,RP,54290,Germany,1 Work Rd,,London,,NW1,UK,Author,Press,1818,5,5,some notes\r\n"
            + "Ann,Lee,Ann Lee,ann@x.org,,,,,,,,,,,,,,,,,,12,24,\r\n"
        let batch = try CSVImport.read(Array((header + rows).utf8))
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        let karl = try #require(batch.contacts.first)
        #expect(karl.addresses.count == 2 && Set(karl.addresses) == [
            PostalAddress(street: "10 Main St, Apt 2", city: "Trier", region: "RP", postcode: "54290", country: "Germany", type: "home"),
            PostalAddress(street: "1 Work Rd", city: "London", postcode: "NW1", country: "UK", type: "work"),
        ], "\(karl.addresses)")
        #expect(karl.fields["birthday"] == .date(Day(iso: "1818-05-05")!) && karl.notes == ["some notes"], "\(karl.notes)")
        #expect(batch.contacts.last?.fields["birthday"] == .date(Day(iso: "--12-24")!), "\(batch.contacts.last?.fields ?? [:])")
        // A street that holds its city's name is a street.
        let bath = try CSVImport.read(Array("First Name,Home Address,Home City\r\nBo,5 Bathwick Hill,Bath\r\n".utf8))
        #expect(bath.contacts.first?.addresses == [PostalAddress(street: "5 Bathwick Hill", city: "Bath", type: "home")], "\(bath.contacts.first?.addresses ?? [])")
        // Outlook.com's whole address beside its parts is not taken for the street.
        let outlook = try CSVImport.read(Array("First Name,Home Address,Home City\r\nBo,\"1 A St\nSpringfield\",Springfield\r\n".utf8))
        #expect(outlook.contacts.first?.addresses == [PostalAddress(city: "Springfield", type: "home")], "\(outlook.contacts.first?.addresses ?? [])")
    }

    @Test func carriageReturnsAlone() throws {
        let batch = try AddressBookTests.read("cr-only.vcf")
        #expect(batch.contacts.map(\.name) == ["Carla Ruiz", "Dev Patel"])
        #expect(batch.contacts[0].notes == ["line one\nline two"])
        let csv = try CSVImport.read(fixture("cr-only.csv"))
        #expect(csv.errors.isEmpty && csv.contacts.map(\.name) == ["Ana Park", "Ben Ode"])
    }

    /// Android 2.1 writes cards with only an e-mail or a phone: named by it, with a warning.
    @Test func androidCardsWithoutNames() throws {
        let batch = try VCard.read(fixture("android-21.vcf"))
        #expect(batch.contacts.map(\.name) == ["Jürgen Müller", "only.mail@example.com", "+1 555 0104", "Acme Plumbing"])
        #expect(batch.contacts[0].notes == ["nickname: Jogi"])
        #expect(batch.contacts[1].emails.map(\.value) == ["only.mail@example.com"])
        #expect(batch.contacts[2].phones.map(\.value) == ["+1 555 0104"])
        #expect(
            AddressBookTests.warnings(batch) == [
                "card 2 (line 9): the card has no name (FN or N): named by its e-mail, only.mail@example.com",
                "card 3 (line 13): the card has no name (FN or N): named by its phone, +1 555 0104",
                "card 4 (line 18): the card has no name (FN or N): named by its company, Acme Plumbing",
            ])
        // Only a card that says nothing of who it is cannot be read.
        #expect(batch.errors.map(\.description) == ["card 5 (line 23), field FN: the card has no name, company, e-mail or phone"])
    }

    @Test func quotedPrintableSoftBreakNeverSwallowsTheEnd() throws {
        let batch = try AddressBookTests.read("qp-soft-break.vcf")
        #expect(batch.contacts.map(\.name) == ["Anna Grün", "Next Person"])
        #expect(batch.contacts[0].notes == ["first part, second part"])
    }

    /// One ISO-8859-1 card does not make the file Latin-1: "Café" stays "Café".
    @Test func charsetPerCard() throws {
        let batch = try AddressBookTests.read("mixed-charsets.vcf")
        #expect(batch.contacts.map(\.name) == ["Café Owner", "Hans Müller", "Zoë Faure"])
        #expect(batch.contacts[0][text: "company"] == "Café Central")
        #expect(batch.contacts[1].notes == ["Grüße"])
        #expect(batch.warnings.isEmpty, "\(batch.warnings)")
        // A card in Latin-1 that does not say so is read as Windows-1252, with a warning.
        let unsaid = try VCard.read(fixture("latin1-no-charset.vcf"))
        #expect(unsaid.contacts.map(\.name) == ["Café"])
        #expect(
            AddressBookTests.warnings(unsaid) == ["card 1 (line 1), field FN: line 2 is not in the charset it names (or UTF-8): read as Windows-1252"]
        )
    }

    @Test func thunderbirdLowercase() throws {
        let t = try #require(try AddressBookTests.read("thunderbird-lowercase.vcf").contacts.first)
        #expect(
            t.name == "Tina Bauer" && t.emails.map(\.value) == ["tina@bauer.example"] && t[text: "company"] == "Bauer GmbH"
                && t[text: "title"] == "Buyer")
        #expect(t.notes == ["department: Einkauf", "url: http://bauer.example"])
    }

    @Test func outlook() throws {
        let batch = try AddressBookTests.read("outlook.vcf")
        let o = try #require(batch.contacts.first)
        #expect(
            o.name == "Oscar Olsen" && o[text: "company"] == "Contoso" && o[text: "title"] == "Account Manager"
                && o.addresses.first?.city == "Redmond")
        #expect(o.emails.map(\.value) == ["oscar@contoso.example"] && o.phones.map(\.value) == ["(425) 555-0107", "(425) 555-0108"])
        // The card's design, its picture and the printed label (ADR says it) are not about the person.
        #expect(o.notes == ["department: Sales"])
        #expect(
            o.addresses == [
                PostalAddress(
                    street: "1 Microsoft Way", city: "Redmond", region: "WA", postcode: "98052", country: "United States of America", type: "work")
            ])
        #expect(o.phones.map(\.type) == ["work", "mobile"])
        let unicode = try AddressBookTests.read("outlook-utf16.vcf")
        #expect(unicode.contacts.map(\.name) == ["Hiro Ōta"] && unicode.contacts[0].emails.map(\.value) == ["hiro@ota.example"])
    }

    @Test func gmailEvolutionBlackBerryLotus() throws {
        let g = try #require(try AddressBookTests.read("gmail.vcf").contacts.first)
        #expect(g.emails.map(\.value) == ["grace@home.example", "grace@navy.example"] && g.phones.map(\.value) == ["+1 555 0109"])
        // Google's own group of every contact is no tag of the user's (as in its CSV).
        #expect(g.tags == ["starred", "engineers"])
        #expect(g.notes.contains("url (Blog): https://grace.example"))
        let e = try #require(try AddressBookTests.read("evolution.vcf").contacts.first)
        #expect(
            e.name == "Eva Ebert" && e.uid == "pas-id-5F3A1B2C00000001" && e.emails.map(\.value) == ["eva@ebert.example"]
                && e.addresses.first?.city == "Leeds")
        #expect(e.notes.contains("spouse: Emil Ebert") && e.notes.contains("blog: https://eva.example/blog"))
        #expect(!e.notes.contains { $0.contains("Ebert, Eva") })
        let b = try #require(try AddressBookTests.read("blackberry.vcf").contacts.first)
        #expect(
            b.name == "Bob Berry" && b.phones.map(\.value) == ["+1 519 555 0111", "+1 519 555 0112"] && b.emails.map(\.value) == ["bob@berry.example"]
        )
        let l = try #require(try AddressBookTests.read("lotus-notes.vcf").contacts.first)
        #expect(l.name == "Dr. Linda M. Lotus PhD" && l.givenName == "Linda" && l.familyName == "Lotus" && l[text: "company"] == "IBM")
        #expect(l.notes == ["Met at Lotusphere\nasked about Domino"])
    }

    @Test func version4AndGroupCards() throws {
        let batch = try VCard.read(fixture("v40.vcf"))
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        let s = try #require(batch.contacts.first)
        #expect(batch.contacts.count == 1)
        #expect(s.name == "Simon Perreault" && s[text: "company"] == "Viagenie" && s.addresses.first?.city == "Quebec")
        #expect(s.emails.map(\.value) == ["simon@home.example", "simon.perreault@viagenie.example"])
        #expect(s.phones.map(\.value) == ["+1-418-656-9254 ext. 102", "+1-418-262-6501"])
        #expect(s.fields["birthday"] == .date(Day(iso: "--04-12")!) && !s.notes.contains { $0.hasPrefix("birthday") })
        #expect(s.tags == ["board-games"])
        // RFC 6350's own example: its suffixes are not in FN, and the report says so.
        #expect(
            AddressBookTests.warnings(batch) == [
                "card 1 (line 1), field N: N's middle names, prefix or suffix (ing. jr M.Sc.) are not in FN: the name is FN's, Simon Perreault",
                "card 2 (line 17): group \"Board Games\": 1 of its 2 members is not in the file",
            ])
        let cloud = try AddressBookTests.read("icloud-group.vcf")
        #expect(cloud.contacts.map(\.name) == ["Ida Cloud"] && cloud.contacts[0].tags == ["cloud-friends"])
    }

    /// A line that is not a vCard line is left out with a warning; the card is still read.
    @Test func recoverableDamageIsAWarning() throws {
        let batch = try VCard.read(fixture("broken.vcf"))
        #expect(batch.errors.isEmpty)
        #expect(batch.contacts.map(\.name) == ["Good Person", "nobody@example.com", "Another Good"])
        #expect(
            AddressBookTests.warnings(batch) == [
                "card 2 (line 5): the card has no name (FN or N): named by its e-mail, nobody@example.com",
                "card 3 (line 9): line 12 is not a vCard line (\"this line has no colon\"): left out",
            ])
        let truncated = try VCard.read(Array("BEGIN:VCARD\r\nFN:Ana\r\nBEGIN:VCARD\r\nFN:Ben\r\n".utf8))
        // The card the file ends in may have lost its last value: it is a bad record.
        #expect(truncated.contacts.map(\.name) == ["Ana"])
        #expect(
            AddressBookTests.warnings(truncated) == [
                "card 1 (line 1): no END:VCARD before the next BEGIN:VCARD (line 3): read up to there"
            ])
        #expect(
            truncated.errors.map(\.description) == [
                "card 2 (line 3): the file ends before the card's END:VCARD: it may have been cut short, so the card is not read"
            ])
    }

    /// An unterminated quote is an error naming the record and line, never the rest of the file as one note.
    @Test func unterminatedCSVQuote() throws {
        let batch = try CSVImport.read(fixture("unterminated.csv"))
        #expect(batch.contacts.map(\.name) == ["Ana Park"])
        #expect(
            batch.errors.map(\.description) == [
                "record 2 (line 3): the quote that opens a cell on line 3 is never closed, so the rest of the file cannot be read; close it or remove it"
            ])
    }

    /// A header in another language (Outlook's German export) is refused with the way to name
    /// its columns, and read with that `map:`.
    @Test func aHeaderInAnotherLanguageIsToldHowToMapIt() throws {
        let text = Array("\"Vorname\";\"Nachname\";\"E-Mail-Adresse\"\n\"Anna\";\"Schmidt\";\"anna@example.de\"\n".utf8)
        #expect {
            try CSVImport.read(text)
        } throws: { e in
            "\(e)".hasSuffix("header: Vorname, Nachname, E-Mail-Adresse; to say which columns hold what: import csv \"FILE\" map: {\"Vorname\": \"name\"}, or on the command line --map \"Vorname=name\"")
        }
        let batch = try CSVImport.read(text, mapping: ["Vorname": "first name", "Nachname": "last name", "E-Mail-Adresse": "email"])
        #expect(batch.contacts.map(\.name) == ["Anna Schmidt"] && batch.contacts.first?.emails.map(\.value) == ["anna@example.de"])
    }

    /// A UID stored as a file gave it before imports made such UIDs storable (a tab in it) is
    /// still the contact's when the same file is imported again: the import reads it storable.
    @Test func aUIDStoredRawIsFoundByItsStorableForm() throws {
        var c = Contact(name: "Csv Tab", handle: "csv-tab", created: Day(year: 2026, month: 1, day: 1)!)
        c.id = 7
        c.uid = "a\tb"
        var index = ContactIndex([c])
        let batch = try CSVImport.read(Array("name,uid\nRenamed Person,\"a\tb\"\n".utf8))
        let p = try #require(batch.contacts.first)
        #expect(p.uid == ContactUID.storable("a\tb"))
        #expect(index.match(p, in: [7: c]) == 7)
    }

    @Test func windows1252AndSemicolons() throws {
        let batch = try CSVImport.read(fixture("outlook-cp1252.csv"))
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        let j = try #require(batch.contacts.first)
        #expect(j.name == "Jürgen Weiß" && j[text: "company"] == "Weiß & Söhne" && j.notes == ["„guter Kunde“"])
        #expect(
            AddressBookTests.warnings(batch) == ["line 2: the file is not UTF-8 (byte 53): read as Windows-1252 (Latin-1); check accented letters"])
    }

    /// A card's second title or organisation (a board seat beside the job) is kept in the
    /// notes (it was dropped without a word).
    @Test func aSecondTitleOrOrganisationIsKept() throws {
        let card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana Park\r\nTITLE:CTO\r\nTITLE:Board member\r\nORG:Acme\r\nORG:Food Bank\r\nTITLE:CTO\r\nEND:VCARD\r\n"
        let ana = try #require(try VCard.read(Array(card.utf8)).contacts.first)
        #expect(ana[text: "title"] == "CTO" && ana[text: "company"] == "Acme")
        #expect(ana.notes == ["title: Board member", "company: Food Bank"], "\(ana.notes)")
    }

    /// A file saved as UTF-16 without a byte-order mark, in either order, is read (it was "a
    /// binary file"); a file that is binary still is.
    @Test func utf16WithoutAByteOrderMark() throws {
        let text = "First Name,Last Name,E-mail Address\r\nRenée,Côté,renee@cote.example\r\n"
        for bigEndian in [false, true] {
            let bytes = Array(text.utf16).flatMap { u in bigEndian ? [UInt8(u >> 8), UInt8(u & 0xFF)] : [UInt8(u & 0xFF), UInt8(u >> 8)] }
            let batch = try CSVImport.read(bytes)
            #expect(batch.contacts.first?.name == "Renée Côté" && batch.contacts.first?.emails.first?.value == "renee@cote.example", "\(bigEndian)")
        }
        #expect(throws: ImportError.self) { try CSVImport.read([0x50, 0x4B, 0x03, 0x04, 0x14, 0x00, 0x00, 0x00, 0x08, 0x00, 0x21, 0x00]) }
    }

    /// Excel's first line `sep=;` names the delimiter (the file was refused: "the header has no
    /// name column; header: sep=,").
    @Test func excelsSeparatorLine() throws {
        let batch = try CSVImport.read(Array("sep=;\r\nName;E-Mail;Notes\r\nAna Park;ana@park.example;a, b\r\n".utf8))
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        let ana = try #require(batch.contacts.first)
        #expect(batch.contacts.count == 1 && ana.name == "Ana Park" && ana.emails.map(\.value) == ["ana@park.example"] && ana.notes == ["a, b"])
        #expect(ana.origin.contains("line 3"), "\(ana.origin)")
    }

    /// Every one of Outlook's phone columns is a phone (eight went into the notes, and a row with
    /// only its company's main line had no phone at all); the person's own come first. But the
    /// assistant's phone is another person's number (b93 #3: the assistant's own card would be
    /// matched to this person by it), and a telex is no phone: both are notes.
    @Test func everyOutlookPhoneColumnIsAPhone() throws {
        let columns = [
            "Assistant's Phone", "Business Fax", "Business Phone", "Business Phone 2", "Car Phone", "Company Main Phone", "Home Fax", "Home Phone",
            "Home Phone 2", "ISDN", "Mobile Phone", "Other Fax", "Other Phone", "Pager", "Primary Phone", "Radio Phone", "TTY/TDD Phone", "Telex",
        ]
        let row = columns.indices.map { "+1 555 01\(String(format: "%02d", $0))" }
        let text = "First Name,Last Name,Company," + columns.joined(separator: ",") + "\r\nPhone,Tester,Acme," + row.joined(separator: ",") + "\r\n"
            + "Fabrikam,,Fabrikam Inc." + String(repeating: ",", count: 6) + "+1 425 555 0199" + String(repeating: ",", count: columns.count - 6) + "\r\n"
        let batch = try CSVImport.read(Array(text.utf8))
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        let tester = try #require(batch.contacts.first)
        let notes = ["Assistant's Phone", "Telex"]
        let phones = Set(columns.indices.filter { !notes.contains(columns[$0]) }.map { row[$0] })
        #expect(Set(tester.phones.map(\.value)) == phones, "\(tester.phones)")
        #expect(tester.notes == notes.map { "\($0): \(row[columns.firstIndex(of: $0)!])" }, "\(tester.notes)")
        #expect(tester.phones.first?.value == row[columns.firstIndex(of: "Primary Phone")!])
        #expect(tester.phones.first { $0.value == row[columns.firstIndex(of: "Car Phone")!] }?.type == "mobile")
        #expect(batch.contacts.last?.phones == [ContactPoint("+1 425 555 0199", type: "work")], "\(batch.contacts.last?.phones ?? [])")
        // Outlook fills Primary Phone with one of the others: the number keeps that one's kind.
        let same = try CSVImport.read(Array("First Name,Last Name,Primary Phone,Business Phone,Mobile Phone\r\nCy,Lo,+1 555 0009,+1 555 0009,+1 555 0010\r\n".utf8))
        #expect(same.contacts.first?.phones == [ContactPoint("+1 555 0009", type: "work"), ContactPoint("+1 555 0010", type: "mobile")])
    }

    /// A UTF-8 file with one Latin-1 line keeps its UTF-8 lines as they are: read whole as
    /// Windows-1252, every accented name of the file was garbled ("JÃ¼rgen").
    @Test func aStrayLatin1LineLeavesTheUTF8LinesAlone() throws {
        let bytes = Array("name,company\nJürgen Weiß,Söhne\n".utf8) + [0x52, 0xE9, 0x6D, 0x69, 0x2C, 0x42] + Array("\nZoë Li,Ünter\n".utf8)
        let batch = try CSVImport.read(bytes)
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        #expect(batch.contacts.map(\.name) == ["Jürgen Weiß", "Rémi", "Zoë Li"])
        #expect(batch.contacts.map { $0[text: "company"] } == ["Söhne", "B", "Ünter"])
        #expect(
            AddressBookTests.warnings(batch) == [
                "line 3: the file is UTF-8 but for a byte that is not (byte 36): line 3 is read as Windows-1252 (Latin-1); check accented letters"
            ])
        // Lines that end in a CR alone (classic Mac OS) are lines too.
        let mac = try CSVImport.read(Array("name,company\rJürgen Weiß,Söhne\r".utf8) + [0x52, 0xE9, 0x6D, 0x69, 0x2C, 0x42, 0x0D])
        #expect(mac.contacts.map(\.name) == ["Jürgen Weiß", "Rémi"])
    }

    /// Dates in numbers are read in the order the file's own dates show: a European file's
    /// `24/11/1979` was no date (kept as a note), and its `03/04/1980` was read as 4 March.
    @Test(arguments: [
        ("name,birthday,met_on\nAnn,03/04/1980,\nBob,24/11/1979,01/02/2020\n", ["1980-04-03", "1979-11-24"], "2020-02-01", false),
        ("name,birthday,met_on\nAnn,03/04/1980,\nBob,11/24/1979,01/02/2020\n", ["1980-03-04", "1979-11-24"], "2020-01-02", false),
        ("name,birthday,met_on\nAnn,03/04/1980,\nBob,24.11.1979,1.2.2020\n", ["1980-03-04", "1979-11-24"], "2020-02-01", true),
        ("name,birthday,met_on\nAnn,1980-03-04,\nBob,24 Nov 1979,2/1/2020\n", ["1980-03-04", "1979-11-24"], "2020-02-01", true),
        // Written both ways: each date as it can only be, and the unclear ones said.
        ("name,birthday,met_on\nAnn,03/04/1980,24/11/2020\nBob,11/24/1979,02/01/2020\n", ["1980-03-04", "1979-11-24"], "2020-02-01", true),
    ])
    func numericDatesFollowTheFile(file: String, birthdays: [String?], metOn: String, unclear: Bool) throws {
        let batch = try CSVImport.read(Array(file.utf8))
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        #expect(batch.contacts.map { $0.fields["birthday"] } == birthdays.map { $0.map { .date(Day(iso: $0)!) } })
        #expect(batch.contacts.allSatisfy { $0.notes.isEmpty || $0.fields["birthday"] == nil }, "\(batch.contacts.map(\.notes))")
        #expect(batch.contacts[1].fields["met_on"] == .date(Day(iso: metOn)!))
        let said = AddressBookTests.warnings(batch).contains { $0.contains("could be either day first or month first") }
        #expect(said == unclear, "\(AddressBookTests.warnings(batch))")
    }

    /// A date that is none in either order (2/29/1981) is the record's error; it says nothing of
    /// the file's order, which the other records tell.
    @Test func aDateThatIsNoneInEitherOrderIsTheRecordsError() throws {
        let batch = try CSVImport.read(Array("name,birthday,met_on\nAnn,2/3/1980,24/11/2020\nBob,2/29/1981,02/01/2020\nCy,,03/01/2020\n".utf8))
        #expect(batch.errors.map { "\($0)" } == ["record 2 (line 3), field birthday: 2/29/1981 is not a date"])
        #expect(batch.contacts.map { $0.fields["birthday"] } == [.date(Day(iso: "1980-03-02")!), nil])
        #expect(batch.contacts[1].fields["met_on"] == .date(Day(iso: "2020-01-03")!))
    }

    /// Dates written year first as Chinese, Japanese and Korean spreadsheets and Google Sheets
    /// write them are read, in CSV and vCard alike (each was kept in the notes as no date).
    @Test func yearFirstDatesAreRead() throws {
        let file = "name,birthday\nA,1990/04/05\nB,1990.04.05\nC,1990年4月5日\nD,1990-4-5\nE,1990년 4월 5일\nF,1990/13/05\nG,1990. 4. 5.\nH,1990年4月5号\n"
        let batch = try CSVImport.read(Array(file.utf8))
        let day = FieldValue.date(Day(iso: "1990-04-05")!)
        // A 13th month is no date: that record's error.
        #expect(batch.contacts.map { $0.fields["birthday"] } == [day, day, day, day, day, day, day], "\(batch.contacts.map(\.notes))")
        #expect(batch.errors.map { "\($0)" } == ["record 6 (line 7), field birthday: 1990/13/05 is not a date"])
        let card = try VCard.read(Array("BEGIN:VCARD\r\nVERSION:3.0\r\nFN:G\r\nBDAY:1985-4-5\r\nEND:VCARD\r\n".utf8))
        #expect(card.contacts.first?.fields["birthday"] == .date(Day(iso: "1985-04-05")!))
    }

    /// A CR inside a cell is data in a file whose lines end in LF alone (as export csv writes
    /// it: a note's "a\r\nb" came back "a\nb"); in a Windows file it is part of a line break.
    @Test func aCarriageReturnInACellFollowsTheFilesLines() throws {
        let unix = try CSVImport.read(Array("name,notes\nAnn,\"a\r\nb\rc\"\n".utf8))
        #expect(unix.contacts.first?.notes == ["a\r\nb\rc"])
        let windows = try CSVImport.read(Array("name,notes\r\nAnn,\"a\r\nb\rc\"\r\n".utf8))
        #expect(windows.contacts.first?.notes == ["a\nb\nc"])
    }

    /// Import time is linear in the width of a record (it was quadratic: 121 s and 11 minutes).
    /// Debug builds are several times slower than release, and the whole suite runs at once on
    /// two cores, so the bound is generous (quadratic reading took minutes); the release figures
    /// are in the commit message.
    @Test func wideRecordsReadInLinearTime() throws {
        var card = "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Wide Card\r\n"
        for i in 0..<20_000 { card += "X-UNKNOWN-\(i):value \(i)\r\n" }
        card += "END:VCARD\r\n"
        var clock = ContinuousClock.now
        let batch = try VCard.read(Array(card.utf8))
        #expect(batch.contacts.first?.notes.count == 20_000)
        #expect(ContinuousClock.now - clock < .seconds(30))
        let header = "name," + (0..<100_000).map { "col\($0)" }.joined(separator: ",")
        let row = "Ana," + (0..<100_000).map { "v\($0)" }.joined(separator: ",")
        clock = ContinuousClock.now
        let csv = try CSVImport.read(Array((header + "\n" + row + "\n").utf8))
        #expect(csv.contacts.first?.notes.count == 100_000)
        #expect(ContinuousClock.now - clock < .seconds(30))
    }

    /// Google Contacts' CSV (2024): numbered groups of e-mail, phone and address columns keep
    /// their kinds and every part of an address; a row with only a company is named by it, with a
    /// warning (a hostile review: the whole file was refused, and streets and kinds were lost).
    @Test func googleNumberedColumnsAndCompanyRows() throws {
        let file = """
            First Name,Last Name,Organization Name,Labels,E-mail 1 - Label,E-mail 1 - Value,E-mail 2 - Label,E-mail 2 - Value,\
            Phone 1 - Label,Phone 1 - Value,Address 1 - Label,Address 1 - Formatted,Address 1 - Street,Address 1 - City,\
            Address 1 - Postal Code,Address 1 - Country
            Ana,Silva,,* myContacts,* Work,ana@silva.example,Home,ana@home.example ::: a2@home.example,Mobile,+351 912 345 678,\
            Home,"Rua A 1\nLisboa",Rua A 1,Lisboa,1000-001,PT
            ,,Joe's Pizza,* myContacts,,,,,Work,+1 212-555-0199,,,,,,
            ,,,,,,,,Custom,+1 555 0100,,,,,,
            ,,,,,,,,,,Home,"Somewhere 1",,,,

            """
        for flavor in [CSVImport.Flavor.google, .generic] {
            let batch = try CSVImport.read(Array(file.utf8), flavor: flavor)
            #expect(batch.contacts.map(\.name) == ["Ana Silva", "Joe's Pizza", "+1 555 0100"])
            #expect(batch.errors.map(\.description) == ["record 4 (line 6), field name: no name, company, e-mail or phone"])
            #expect(
                AddressBookTests.warnings(batch) == [
                    "record 2 (line 4): no name: named by its company, Joe's Pizza", "record 3 (line 5): no name: named by its phone, +1 555 0100",
                ])
            let ana = try #require(batch.contacts.first)
            #expect(
                ana.emails == [
                    ContactPoint("ana@silva.example", type: "work"), ContactPoint("ana@home.example", type: "home"),
                    ContactPoint("a2@home.example", type: "home"),
                ])
            #expect(ana.phones == [ContactPoint("+351 912 345 678", type: "mobile")])
            #expect(ana.addresses == [PostalAddress(street: "Rua A 1", city: "Lisboa", postcode: "1000-001", country: "PT", type: "home")])
            #expect(batch.contacts[1].phones == [ContactPoint("+1 212-555-0199", type: "work")])
            #expect(batch.contacts[2].phones == [ContactPoint("+1 555 0100")])
        }
    }

    /// Google's columns Tend has no field for are kept as notes, as Outlook's are (a prefix, a
    /// suffix, a department, a relation, a custom field were dropped unsaid); its Photo link and
    /// File As are its own bookkeeping; the older export's "* My Contacts" is no tag.
    @Test func googleColumnsWithoutAFieldAreNotes() throws {
        let file = """
            First Name,Last Name,Name Prefix,Name Suffix,File As,Organization Department,Photo,Labels,Relation 1 - Label,Relation 1 - Value
            Martin,King,Dr.,Jr.,"King, Martin",Leadership,https://lh3.googleusercontent.com/x,* My Contacts ::: VIP,Spouse,Coretta

            """
        let batch = try CSVImport.read(Array(file.utf8), flavor: .google)
        let m = try #require(batch.contacts.first)
        // A labelled group is one line, as Google's vCard export reads (it was two lines that
        // meant nothing alone: "Relation 1 - Label: Spouse", "Relation 1 - Value: Coretta").
        #expect(m.notes == ["Name Prefix: Dr.", "Name Suffix: Jr.", "department: Leadership", "spouse: Coretta"], "\(m.notes)")
        #expect(m.tags == ["vip"])
        // The legacy export's department is the same line (b93 #4: `Organization 1 - Department: Board`).
        let legacy = "Name,Organization 1 - Name,Organization 1 - Department\nAl Legacy,Acme,Board\n"
        #expect(try CSVImport.read(Array(legacy.utf8), flavor: .google).contacts.first?.notes == ["department: Board"])
        let more = """
            Name,Website 1 - Type,Website 1 - Value,Custom Field 1 - Label,Custom Field 1 - Value,IM 1 - Type,IM 1 - Service,IM 1 - Value
            Priya,Profile,https://vc.example/priya,Favorite color,blue,Home,Skype,priya.n

            """
        let p = try #require(try CSVImport.read(Array(more.utf8), flavor: .google).contacts.first)
        #expect(p.notes == ["url (Profile): https://vc.example/priya", "Favorite color: blue", "im (Skype, Home): priya.n"], "\(p.notes)")
    }

    /// Google's Nickname names a row with no other name; several addresses share one group as
    /// "a ::: b" in each part; an e-mail cell with no address is kept as a note, Exchange's
    /// X.500 names are left out with a warning.
    @Test func googleNicknamesSeveralAddressesAndOddEmails() throws {
        let file = """
            First Name,Last Name,Nickname,E-mail 1 - Value,E-mail 2 - Value,Phone 1 - Value,Address 1 - Label,Address 1 - Street,Address 1 - City
            ,,Mom,,,+1 555 7777,,,
            Ann,Lee,Annie,ann@lee.example,not-an-email,,Home ::: Work,1 A St ::: 2 B St,Springfield ::: Shelbyville
            Bo,Ode,,/o=ExchangeLabs/ou=Exchange/cn=Recipients/cn=bo,,,,,

            """
        let batch = try CSVImport.read(Array(file.utf8), flavor: .google)
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        #expect(batch.contacts.map(\.name) == ["Mom", "Ann Lee", "Bo Ode"])
        #expect(
            AddressBookTests.warnings(batch) == [
                "record 3 (line 4), field E-mail 1 - Value: \"/o=ExchangeLabs/ou=Exchange/cn=Recipients/cn=bo\" is an Exchange name, "
                    + "not an e-mail address: left out"
            ])
        let ann = batch.contacts[1]
        #expect(
            ann.addresses == [
                PostalAddress(street: "1 A St", city: "Springfield", type: "home"),
                PostalAddress(street: "2 B St", city: "Shelbyville", type: "work"),
            ])
        #expect(ann.notes == ["nickname: Annie", "e-mail: not-an-email"])
        #expect(batch.contacts[2].emails.isEmpty && batch.contacts[2].notes.isEmpty)
    }

    /// Outlook's classic export (BOM, quoted header, CRLF): each address, phone and e-mail keeps
    /// its kind and every part; the values Outlook writes for everyone (Priority Normal, Private
    /// False, Gender Unspecified, the initials of the name) are not notes; a colleague's Exchange
    /// name is left out with a warning instead of stopping the import (the Home City was lost,
    /// the Business address's other parts were notes, and the Exchange record stopped it all).
    @Test func outlookClassicExport() throws {
        let batch = try CSVImport.read(fixture("outlook-classic.csv"))
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        #expect(batch.contacts.map(\.name) == ["Olga Petrova", "Fabrikam"])
        let exchange = "/o=ExchangeLabs/ou=Exchange Administrative Group (FYDIBOHF23SPDLT)/cn=Recipients/cn=abc123-sales"
        #expect(
            AddressBookTests.warnings(batch) == [
                "record 1 (line 2), field anniversary: 6/1/2010 could be either day first or month first, and no date of the file says which: dates were read month first (as US exports write them); check them",
                "record 2 (line 4), field E-mail Address: \"\(exchange)\" is an Exchange name (Sales), not an e-mail address: left out",
                "record 2 (line 4): no name: named by its company, Fabrikam",
            ])
        let olga = batch.contacts[0]
        #expect(
            olga.addresses == [
                PostalAddress(street: "1 Contoso Way", city: "Seattle", region: "WA", postcode: "98101", country: "United States", type: "work"),
                PostalAddress(street: "5 Pine St", city: "Bellevue", region: "WA", type: "home"),
            ])
        #expect(
            olga.phones == [
                ContactPoint("(206) 555-0111", type: "work"), ContactPoint("(206) 555-0112", type: "mobile"),
                ContactPoint("(425) 555-0113", type: "home"),
            ])
        #expect(olga.emails == [ContactPoint("olga@contoso.example")])
        #expect(olga.notes == ["Met at expo\nLikes tea"])
        #expect(olga.tags == ["clients", "vip"] && olga[text: "profession"] == "Accountant" && olga[text: "title"] == "CFO")
        #expect(olga.fields["anniversary"] == .date(Day(year: 2010, month: 6, day: 1)!))
        let fabrikam = batch.contacts[1]
        #expect(fabrikam.phones == [ContactPoint("555-0999", type: "work")] && fabrikam.emails.isEmpty && fabrikam.notes.isEmpty)
    }

    /// Outlook's exports, classic and Outlook.com's, in the encodings and separators it writes
    /// them: every kind of address and phone Outlook names in its header, e-mails 1 to 3 in order.
    @Test(arguments: [
        ("UTF-8, commas", String.Encoding.utf8, ","), ("Windows-1252, semicolons", .windowsCP1252, ";"),
    ])
    func outlookKindsInItsHeader(_ name: String, _ encoding: String.Encoding, _ separator: String) throws {
        let cells: [(String, String)] = [
            ("First Name", "Renée"), ("Last Name", "Côté"), ("E-mail Address", "renee@cote.example"),
            ("E-mail 2 Address", "rcote@perso.example"), ("E-mail 3 Address", "r@third.example"), ("Home Phone", "555-0101"),
            ("Home Phone 2", "555-0102"), ("Business Phone", "555-0103"), ("Business Phone 2", "555-0104"), ("Mobile Phone", "555-0105"),
            ("Other Phone", "555-0106"), ("Primary Phone", "555-0100"), ("Business Fax", "555-0107"), ("Home Fax", "555-0108"),
            ("Other Fax", "555-0109"), ("Pager", "555-0110"), ("Car Phone", "555-0111"), ("Business Street", "100 rue Principale\nSuite 5"),
            ("Business Street 2", "Bureau 2"), ("Business City", "Montréal"), ("Business State", "QC"), ("Business Postal Code", "H2X 1Y4"),
            ("Business Country/Region", "Canada"), ("Home Street", "5 rue Sud"), ("Home City", "Laval"), ("Home Address PO Box", "BP 7"),
            ("Other Street", "1 Lac"), ("Other City", "Magog"), ("Other State", "QC"), ("Other Postal Code", "J1X"),
            ("Other Country/Region", "Canada"), ("Sensitivity", "Normal"), ("Private", "False"), ("Priority", "Normal"),
            ("Gender", "Unspecified"), ("Initials", "R.C."), ("Mileage", "12 km"),
        ]
        let quoted = { (s: String) in "\"" + s.replacingOccurrences(of: "\n", with: "\r\n") + "\"" }
        let text = cells.map { quoted($0.0) }.joined(separator: separator) + "\r\n" + cells.map { quoted($0.1) }.joined(separator: separator) + "\r\n"
        let bytes = (encoding == .utf8 ? [0xEF, 0xBB, 0xBF] : []) + [UInt8](try #require(text.data(using: encoding)))
        let batch = try CSVImport.read(bytes)
        #expect(batch.errors.isEmpty, "\(name): \(batch.errors)")
        let renee = try #require(batch.contacts.first)
        #expect(renee.name == "Renée Côté", "\(name)")
        #expect(
            renee.emails.map(\.value) == ["renee@cote.example", "rcote@perso.example", "r@third.example"]
                && renee.emails.allSatisfy { $0.type == nil },
            "\(name): \(renee.emails)")
        #expect(
            renee.phones == [
                ContactPoint("555-0100"), ContactPoint("555-0103", type: "work"), ContactPoint("555-0104", type: "work"),
                ContactPoint("555-0105", type: "mobile"), ContactPoint("555-0111", type: "mobile"), ContactPoint("555-0101", type: "home"),
                ContactPoint("555-0102", type: "home"),
                ContactPoint("555-0106", type: "other"), ContactPoint("555-0107", type: "work"), ContactPoint("555-0108", type: "home"),
                ContactPoint("555-0109", type: "other"), ContactPoint("555-0110", type: "other"),
            ], "\(name): \(renee.phones)")
        #expect(
            renee.addresses == [
                PostalAddress(
                    street: "100 rue Principale\nSuite 5, Bureau 2", city: "Montréal", region: "QC", postcode: "H2X 1Y4", country: "Canada",
                    type: "work"),
                PostalAddress(street: "5 rue Sud, BP 7", city: "Laval", type: "home"),
                PostalAddress(street: "1 Lac", city: "Magog", region: "QC", postcode: "J1X", country: "Canada", type: "other"),
            ], "\(name): \(renee.addresses)")
        // A car phone is a mobile one; what carries information stays a note.
        #expect(renee.notes == ["Mileage: 12 km"], "\(name): \(renee.notes)")
    }

    /// A cell of an "E-mail Address" column holding several addresses gives each (a plain
    /// e-mail column split them; read as Outlook's, they became one address that matched no mail).
    @Test func severalAddressesInAnOutlookEmailCell() throws {
        let file = """
            First Name,Last Name,E-mail Address,E-mail 2 Address,E-mail 3 Address
            Ann,Ash,ann@a.example; ann2@b.example,ann3@c.example ann4@d.example,"ann5@e.example, Ann Ash <ann6@f.example>"

            """
        let batch = try CSVImport.read(Array(file.utf8))
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        #expect(batch.contacts.first?.emails.map(\.value) == (1...6).map { "ann\($0 == 1 ? "" : "\($0)")@\(["a", "b", "c", "d", "e", "f"][$0 - 1]).example" })
        let plain = try CSVImport.read(Array("name,email\nBo,\"bo@a.example, Bo Ray <bo2@b.example>\"\n".utf8))
        #expect(plain.contacts.first?.emails.map(\.value) == ["bo@a.example", "bo2@b.example"])
    }

    /// An Exchange name whose display name holds an address is read as that address, and said
    /// so; one in a plain e-mail column is left out with a warning, not an error.
    @Test func exchangeNamesAreWarnings() throws {
        let file = """
            "First Name","Last Name","E-mail Address","E-mail Type","E-mail Display Name","E-mail 2 Address","E-mail 2 Type","E-mail 2 Display Name"\r
            "Kim","Lee","/o=ExchangeLabs/ou=EAG/cn=Recipients/cn=kim","EX","Kim Lee (kim@fabrikam.example)","/O=FABRIKAM/OU=SITE/CN=RECIPIENTS/CN=KLEE","EX","Kim"\r

            """
        let batch = try CSVImport.read(Array(file.utf8))
        #expect(batch.errors.isEmpty, "\(batch.errors)")
        #expect(batch.contacts.first?.emails == [ContactPoint("kim@fabrikam.example")])
        #expect(batch.contacts.first?.notes == [])
        #expect(
            AddressBookTests.warnings(batch) == [
                "record 1 (line 2), field E-mail Address: \"/o=ExchangeLabs/ou=EAG/cn=Recipients/cn=kim\" is an Exchange name: "
                    + "read as the address its display name holds, kim@fabrikam.example",
                "record 1 (line 2), field E-mail 2 Address: \"/O=FABRIKAM/OU=SITE/CN=RECIPIENTS/CN=KLEE\" is an Exchange name (Kim), "
                    + "not an e-mail address: left out",
            ])
        let plain = try CSVImport.read(Array("name,email\nAna Park,/o=ExchangeLabs/ou=EAG/cn=Recipients/cn=ana\n".utf8))
        #expect(plain.errors.isEmpty && plain.contacts.first?.emails == [], "\(plain.errors)")
        #expect(
            AddressBookTests.warnings(plain) == [
                "record 1 (line 2), field email: \"/o=ExchangeLabs/ou=EAG/cn=Recipients/cn=ana\" is an Exchange name, not an e-mail address: left out"
            ])
    }
}
