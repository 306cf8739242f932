import Testing

@testable import TendCore

/// Issue 19, item 4: a handle for every script, built from the person's names alone.
@Suite struct HandleTests {
    @Test(arguments: [
        ("李小龍", "li-xiao-long"),
        ("Владимир Петров", "vladimir-petrov"),
        ("José Núñez", "jose-nunez"),
        ("Ελένη Παπαδοπούλου", "elene-papadopoulou"),
        ("Jürgen Weiß", "jurgen-weiss"),
        ("Søren Ørsted", "soren-orsted"),
        ("Łukasz Żółć", "lukasz-zolc"),
        ("김민수", "gimminsu"),
        ("Nguyễn Văn An", "nguyen-van-an"),
    ])
    func everyScriptIsTransliterated(_ name: String, _ handle: String) {
        #expect(makeHandle(name) == handle)
        #expect(isValidHandle(makeHandle(name)))
    }

    @Test(arguments: [
        ("Dr. Jane Doe", "jane-doe"),
        ("Mr. John Richter James Doe Sr.", "john-richter-james-doe"),
        ("Mrs Ann Lee", "ann-lee"),
        ("Ms. Kim Park", "kim-park"),
        ("Prof. Dr. Hans Meier", "hans-meier"),
        ("Martin Luther King Jr.", "martin-luther-king"),
        ("Henry Ford II", "henry-ford"),
        ("Louis Dreyfus III", "louis-dreyfus"),
        ("Dana Lee, PhD", "dana-lee"),
        ("Linda Lotus PhD MBA", "linda-lotus"),
        ("Sir Ian Holm", "ian-holm"),
        // A name that is nothing but an honorific keeps it; so does a word that only looks like one inside a name.
        ("Dr.", "dr"),
        ("Drew Mrazek", "drew-mrazek"),
        ("Anna Ma", "anna-ma"),
    ])
    func honorificsAndSuffixesAreLeftOut(_ name: String, _ handle: String) {
        #expect(makeHandle(name) == handle)
    }

    /// Names with nothing to make a handle of ("!!!", "😀😀") all became @contact: the second
    /// was refused as taken. They take the next free contact-N; a name with letters that is
    /// taken is still refused, with a free handle suggested.
    @Test func namesWithoutLettersTakeTheNextFreeHandle() throws {
        let h = Harness()
        let out = try h.run("add \"!!!\"\nadd \"😀😀\"\nadd \"???\"")
        #expect(out.map { "\($0)" }.joined(separator: "\n").contains("contact-3"), "\(out)")
        #expect(h.model.data.contacts.map(\.handle) == ["contact", "contact-2", "contact-3"])
        try h.run("add \"Ann Lee\"")
        #expect(throws: Diagnostic.self) { try h.run("add \"Ann Lee\"") }
        // The same such name again is taken, as any name is (it silently made a second person),
        // with the free handle to give for a second person.
        #expect {
            try h.run("add \"😀😀\"")
        } throws: { e in
            "\(e)".contains("\"😀😀\" is @contact-2 already; to add a second person, give a handle") && "\(e)".contains("handle: \"contact-4\"")
        }
        try h.run("add \"😀😀\" handle: \"contact-4\"")
        #expect(h.model.data.contacts.map(\.handle) == ["contact", "contact-2", "contact-3", "ann-lee", "contact-4"])
        // A handle given that is taken asks for another (it said "give a handle" to one who had).
        #expect {
            try h.run("add \"Other\" handle: \"ann-lee\"")
        } throws: { e in
            "\(e)".contains("@ann-lee is taken by Ann Lee; give another handle") && "\(e)".contains("handle: \"ann-lee-2\"")
        }
    }

    /// Text of blanks alone is no text, as the empty text is (a company of blanks looked empty
    /// yet was not null); an item of blanks alone is no item of a list (it counted a GAINS list
    /// as known).
    @Test func blankTextIsNoText() throws {
        let h = Harness()
        try h.run("add \"Ann Lee\" company: \"   \", title: \"\", serves: [\"\", \" \", \"x\"], goals: [\"  \"]")
        #expect(h.text(try h.value("@ann-lee.company == null and @ann-lee.title == null")) == "true")
        #expect(h.text(try h.value("len(@ann-lee.serves)")) == "1")
        #expect(h.text(try h.value("@ann-lee.gains")) == "0")
    }

    @Test func givenAndFamilyNameWhenKnown() {
        #expect(makeHandle(given: "John", family: "Doe", name: "Mr. John Richter James Doe Sr.") == "john-doe")
        // In the order the name writes them: family first where it comes first.
        #expect(makeHandle(given: "小龍", family: "李", name: "李小龍") == "li-xiao-long")
        #expect(makeHandle(given: "Ferenc", family: "Nagy", name: "Nagy Ferenc") == "nagy-ferenc")
        #expect(makeHandle(given: nil, family: nil, name: "Dr. Jane Doe") == "jane-doe")
        #expect(makeHandle(given: "", family: "Madonna", name: "Madonna") == "madonna")
    }

    /// Tags and rule names are not people: they keep every word.
    @Test func slugsKeepEveryWord() {
        #expect(slug("Dr Who Fans") == "dr-who-fans")
        #expect(slug("Друзья") == "druz-a")
        #expect(slug("😀") == "contact")
    }

    /// Whatever the text, the handle is valid, at most 60 characters, and made quickly.
    @Test func alwaysValidAndBounded() {
        let names = ["", "   ", "😀😀", "-", "Ω", String(repeating: "Жж ", count: 100), "a\u{0301}b", "\u{202E}evil", "Dr. Mr."]
        for n in names {
            let h = makeHandle(n)
            #expect(isValidHandle(h) && h.count <= 60, "\(n.debugDescription) → \(h)")
        }
    }

    /// The parts of a vCard's N guessed from a full name (a review found `N:Berg;Dr. Mary Ann van der;;;`).
    @Test(arguments: [
        ("Dr. Mary Ann van der Berg", "van der Berg", "Mary Ann", "Dr.", ""),
        ("Jane Q. Public, Esq.", "Public", "Jane Q.", "", "Esq."),
        ("Maya Ngozi Okafor PhD", "Okafor", "Maya Ngozi", "", "PhD"),
        ("Ludwig van Beethoven", "van Beethoven", "Ludwig", "", ""),
        ("Vincent Van Gogh", "Van Gogh", "Vincent", "", ""),
        ("Jean de La Fontaine", "de La Fontaine", "Jean", "", ""),
        ("Mr. Smith", "Smith", "", "Mr.", ""),
        ("+1 555 3333", "", "", "", ""),
        ("ana@park.example", "", "", "", ""),
        ("Mr. John Doe Jr., PhD", "Doe", "John", "Mr.", "Jr. PhD"),
        ("Cher", "", "Cher", "", ""),
        ("Dr. Who", "Who", "", "Dr.", ""),
        ("  Ana   Park ", "Park", "Ana", "", ""),
        // Family name first in Chinese, Japanese and Korean; an emoji after a name is no part of it.
        ("山田 太郎", "山田", "太郎", "", ""),
        ("김 민준", "김", "민준", "", ""),
        ("Mike Chen 🚀", "Chen", "Mike", "", ""),
        ("Mike Chen 🚀 ✨", "Chen", "Mike", "", ""),
        // A list's "Family, Given" form (it gave N:John;Smith\,).
        ("Smith, John", "Smith", "John", "", ""),
        ("O'Brien, Seán \"Shane\"", "O'Brien", "Seán \"Shane\"", "", ""),
        ("van der Berg, Dr. Mary Ann, PhD", "van der Berg", "Mary Ann", "Dr.", "PhD"),
        ("Smith, John Jr.", "Smith", "John", "", "Jr."),
        ("Dr. Smith, John", "Smith", "John", "Dr.", ""),
        // A company's name with a comma is not that form, nor a word without a letter a given name.
        ("Acme, Inc.", "Acme, Inc.", "", "", ""),
        ("Smith, Jones & Co", "Smith, Jones & Co", "", "", ""),
        ("Müller GmbH", "Müller GmbH", "", "", ""),
        ("Smith, 🚀", "", "Smith,", "", ""),
    ])
    func nameParts(_ name: String, _ family: String, _ given: String, _ prefix: String, _ suffix: String) {
        let n = NameParts(name)
        #expect([n.family, n.given, n.prefix, n.suffix] == [family, given, prefix, suffix], "\(name)")
    }
}

/// The handles offered for one that names no contact: misspelt ones first, then the same words
/// in another order, then those sharing its first word, then another of its words.
@Suite struct CloseHandleTests {
    static let handles = ["dana-khan", "zoe-lee", "chloe-lee", "zoe-khan", "jonas-adams", "jonas-rivera", "joan-rivera"]

    @Test(arguments: [
        ("joan-riviera", ["joan-rivera", "jonas-rivera"]),
        ("dana-lee", ["dana-khan", "chloe-lee", "zoe-lee"]),
        ("khan-dana", ["dana-khan", "zoe-khan"]),
        ("jonas", ["jonas-adams", "jonas-rivera"]),
        ("nobody-here", []),
    ])
    func offered(_ handle: String, _ expected: [String]) {
        #expect(closeHandles(handle, among: Self.handles) == expected)
    }
}
