import Foundation
import Testing

/// Data from other people's files must never drive the user's terminal (issue 16, item 7): a
/// vCard named `Eve \e]52;c;…\a \e[2J` would write the clipboard and clear the screen.
@Suite struct TerminalHygieneTests {
    /// ESC, BEL, CSI as one C1 scalar, a right-to-left override, a carriage return.
    static let hostileName = "Eve \u{1B}]52;c;aGVsbG8=\u{7} \u{1B}[2J \u{9B}31m \u{202E}evil\r!"

    /// The byte sequences a terminal acts on; a pseudo-terminal's own CR before LF is allowed.
    static func controls(in text: String, pty: Bool = false) -> [String] {
        var found: [String] = []
        let scalars = Array(text.unicodeScalars)
        for (i, s) in scalars.enumerated() {
            if pty, s == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n" { continue }
            if s == "\n" || s == "\t" { continue }
            if s.value < 0x20 || (0x7F...0x9F).contains(s.value) || (0x202A...0x202E).contains(s.value) {
                found.append(String(format: "U+%04X at %d", s.value, i))
            }
        }
        return found
    }

    /// A database holding Eve (imported from a hostile vCard), a rule that names her, a touch
    /// whose note carries an escape, and a definition whose source does too.
    static func hostileDatabase() throws -> URL {
        let dir = CLI.tempDir()
        let card = "BEGIN:VCARD\r\nVERSION:4.0\r\nFN:\(hostileName)\r\nORG:\u{1B}[8mHidden Co\r\nX-TEND-HANDLE:eve\r\nEND:VCARD\r\n"
        try card.write(to: dir.appendingPathComponent("hostile.vcf"), atomically: true, encoding: .utf8)
        let r = try CLI.run(["import", "vcard", "hostile.vcf"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(controls(in: r.stdout + r.stderr).isEmpty, "import report: \(r.stdout.debugDescription) \(r.stderr.debugDescription)")
        let setup = """
            log call with @eve note: "said \\u{1B}]0;pwned\\u{7} hi"
            rule "call eve" when name ~ "Eve" then remind "call {name}" priority 5
            set @eve cadence: 1w
            """
        let s = try CLI.run(["run", "-"], stdin: setup, in: dir)
        #expect(s.status == 0, "\(s.stderr)")
        return dir
    }

    @Test(arguments: [
        "contacts", "@eve", "timeline @eve", "print @eve.name", "print @eve", "why @eve", "agenda", "contacts group by company",
        "explain who knows @eve", "report network",
    ])
    func everyHumanRenderingEscapes(_ statement: String) throws {
        let dir = try TerminalHygieneTests.hostileDatabase()
        let r = try CLI.run(["-e", statement], in: dir)
        #expect(r.status == 0, "\(statement): \(r.stderr)")
        let found = TerminalHygieneTests.controls(in: r.stdout + r.stderr)
        #expect(found.isEmpty, "\(statement) printed raw control characters \(found):\n\(r.stdout.debugDescription)")
    }

    @Test func theEscapesAreShownReadably() throws {
        let dir = try TerminalHygieneTests.hostileDatabase()
        let r = try CLI.run(["-e", "print @eve.name"], in: dir)
        #expect(r.stdout == "Eve \\e]52;c;aGVsbG8=\\u{7} \\e[2J \\u{9B}31m \\u{202E}evil\\u{D}!\n", "\(r.stdout.debugDescription)")
    }

    /// A confirmation keeps data on its line (a name's line break printed raw split "Added …"
    /// in two), and text that shows nothing where it stands (a zero-width space, a byte-order
    /// mark, a soft hyphen) is shown escaped, as the joiners emoji need are not.
    @Test func confirmationsAndInvisibleTextAreShownReadably() throws {
        let dir = CLI.tempDir()
        let added = try CLI.run(["-e", #"add "p\nq\u{200B}x\u{FEFF}y\u{AD}z""#], in: dir)
        #expect(added.stdout == "Added @p-q-x-y-z (p\\u{A}q\\u{200B}x\\u{FEFF}y\\u{AD}z).\n", "\(added.stdout.debugDescription)")
        let referral = try CLI.run(["-e", #"refer "Mike\nChen" to @p-q-x-y-z"#], in: dir)
        #expect(referral.stdout == "Referral 1: Mike\\u{A}Chen to @p-q-x-y-z.\n", "\(referral.stdout.debugDescription)")
        let family = try CLI.run(["-e", #"add "Ana 👩\u{200D}👩\u{200D}👧""#, "-e", "print @ana.name"], in: dir)
        #expect(family.stdout.hasSuffix("Ana 👩\u{200D}👩\u{200D}👧\n"), "\(family.stdout.debugDescription)")
    }

    @Test func jsonEscapesByItsOwnRulesAndStaysExact() throws {
        let dir = try TerminalHygieneTests.hostileDatabase()
        for statement in ["contacts", "@eve", "print @eve.name", "agenda"] {
            let r = try CLI.run(["--format", "json", "-e", statement], in: dir)
            #expect(r.status == 0)
            #expect(TerminalHygieneTests.controls(in: r.stdout + r.stderr).isEmpty, "\(statement): \(r.stdout.debugDescription)")
        }
        let r = try CLI.run(["--format", "json", "-e", "contacts show name"], in: dir)
        let rows = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [[String: Any]]
        #expect(rows?.first?["name"] as? String == TerminalHygieneTests.hostileName)
    }

    /// CSV and TSV keep the data exact for the programs they are piped to.
    @Test(arguments: ["csv", "tsv"])
    func csvToAPipeKeepsTheDataExact(_ format: String) throws {
        let dir = try TerminalHygieneTests.hostileDatabase()
        let r = try CLI.run(["--format", format, "-e", "contacts show name"], in: dir)
        #expect(r.stdout.contains("\u{1B}]52;c;aGVsbG8=\u{7}"), "\(r.stdout.debugDescription)")
    }

    /// On a terminal every format is escaped, CSV and TSV included: run in a pseudo-terminal
    /// made by util-linux's `script`, which copies what the terminal received.
    @Test(arguments: ["table", "csv", "tsv", "json"])
    func nothingRawReachesATerminal(_ format: String) throws {
        let script = "/usr/bin/script"
        try #require(FileManager.default.isExecutableFile(atPath: script), "util-linux script is needed to make a terminal")
        let dir = try TerminalHygieneTests.hostileDatabase()
        for statement in ["contacts show name, company", "print @eve.name", "@eve", "add \\\"x\\\" handle: \\\"eve\\\""] {
            let command = "\(CLI.binary) --format \(format) -e \"\(statement)\""
            let r = try CLI.run([script, "-q", "-e", "-c", command, "/dev/null"], in: dir, raw: true)
            let found = TerminalHygieneTests.controls(in: r.stdout, pty: true)
            #expect(found.isEmpty, "\(format) \(statement) on a terminal: \(found)\n\(r.stdout.debugDescription)")
            #expect(r.stdout.contains("Eve") || r.stdout.contains("taken"), "\(r.stdout.debugDescription)")
        }
    }

    /// Data that carries the very sequences Tend colours with (bold, dim, red, green, cyan) is
    /// escaped too, in confirmations and in errors that quote it, on a terminal with colours on.
    @Test(arguments: [
        #"add "A\u{1B}[2mB\u{1B}[1;31mC\u{1B}[0m" handle: "a""#,
        #"goal "G\u{1B}[1;32mreen" metric: count(interactions) target: 3 per month"#,
        #"market "M\u{1B}[1m" served_by: ["x\u{1B}[36m"]"#,
    ])
    func ownColourCodesInDataAreEscaped(_ statement: String) throws {
        let script = "/usr/bin/script"
        try #require(FileManager.default.isExecutableFile(atPath: script), "util-linux script is needed to make a terminal")
        let dir = CLI.tempDir()
        try statement.write(to: dir.appendingPathComponent("s.tend"), atomically: true, encoding: .utf8)
        let command = "env -u NO_COLOR \(CLI.binary) --db t.db --today 2026-11-23 run s.tend"
        let r = try CLI.run([script, "-q", "-e", "-c", command, "/dev/null"], in: dir, raw: true)
        #expect(!r.stdout.contains("\u{1B}"), "\(statement) on a terminal: \(r.stdout.debugDescription)")
        #expect(r.stdout.contains("\\e["), "\(statement): \(r.stdout.debugDescription)")
    }

    /// `export csv -` and `export json -` on a terminal are data end to end: a note's `\e[1m`,
    /// `\e[2m`, `\e[36m` and `\e[0m` (Tend's own colours) were let through. Paths are data too:
    /// a database or backup path holding escapes reached the terminal raw in "created a new
    /// database at" and "Backed up … to …".
    @Test func exportsAndPathsOnATerminalAreEscaped() throws {
        let script = "/usr/bin/script"
        try #require(FileManager.default.isExecutableFile(atPath: script), "util-linux script is needed to make a terminal")
        let dir = CLI.tempDir()
        let add = try CLI.run(["--db", "t.db", "-e", #"add "Ann" notes: "\u{1B}[1mbold\u{1B}[2mdim\u{1B}[36mcyan\u{1B}[0m""#], in: dir)
        #expect(add.status == 0, "\(add.stderr)")
        for format in ["csv", "json", "vcard"] {
            let command = "env -u NO_COLOR \(CLI.binary) --db t.db --today 2026-11-23 export \(format) -"
            let r = try CLI.run([script, "-q", "-e", "-c", command, "/dev/null"], in: dir, raw: true)
            #expect(r.stdout.contains("Ann"), "\(r.stdout.debugDescription)")
            #expect(!r.stdout.contains("\u{1B}"), "export \(format) - on a terminal: \(r.stdout.debugDescription)")
            // A CR LF line end shows as a line break (b83 #3: `\u{D}` ended every line of a card),
            // and none is added after the last.
            if format == "vcard" {
                #expect(r.stdout.hasSuffix("END:VCARD\r\n") && !r.stdout.contains("\\u{D}"), "\(r.stdout.suffix(30).debugDescription)")
            }
        }
        let odd = "odd\u{1B}]0;title\u{7}\u{1B}[2J"
        try FileManager.default.createDirectory(at: dir.appendingPathComponent(odd), withIntermediateDirectories: true)
        let command = "\(CLI.binary) --db \"$(printf 'odd\\033]0;title\\007\\033[2J')/n.db\" -e 'add \"Bo\"' && \(CLI.binary) --db t.db backup \"$(printf 'odd\\033]0;title\\007\\033[2J')/b.db\""
        let r = try CLI.run([script, "-q", "-e", "-c", command, "/dev/null"], in: dir, raw: true)
        #expect(r.stdout.contains("created a new database at") && r.stdout.contains("Backed up"), "\(r.stdout.debugDescription)")
        #expect(TerminalHygieneTests.controls(in: r.stdout, pty: true).isEmpty, "\(r.stdout.debugDescription)")
    }

    /// NO_COLOR turns colour off when it holds something; set to nothing, it does not (no-color.org).
    @Test(arguments: [("NO_COLOR=1", false), ("NO_COLOR=", true), ("-u NO_COLOR", true)])
    func noColorCountsWhenItHoldsSomething(_ setting: String, _ coloured: Bool) throws {
        let script = "/usr/bin/script"
        try #require(FileManager.default.isExecutableFile(atPath: script), "util-linux script is needed to make a terminal")
        let dir = CLI.tempDir()
        let command = "env \(setting) TERM=xterm \(CLI.binary) --db t.db --today 2026-11-23 -e 'contacts wher'"
        let r = try CLI.run([script, "-q", "-e", "-c", command, "/dev/null"], in: dir, raw: true)
        #expect(r.stdout.contains("\u{1B}[") == coloured, "\(setting): \(r.stdout.debugDescription)")
    }

    @Test func anErrorQuotingColourCodesEscapesThem() throws {
        let script = "/usr/bin/script"
        try #require(FileManager.default.isExecutableFile(atPath: script), "util-linux script is needed to make a terminal")
        let dir = CLI.tempDir()
        let command = "env -u NO_COLOR \(CLI.binary) --db t.db --today \"$(printf '2026\\033[1;31m')\" -e 1"
        let r = try CLI.run([script, "-q", "-e", "-c", command, "/dev/null"], in: dir, raw: true)
        #expect(r.stdout.contains("today must be a date"), "\(r.stdout.debugDescription)")
        #expect(!r.stdout.contains("\u{1B}"), "\(r.stdout.debugDescription)")
    }

    /// Error messages quote names and echo source lines: both are escaped.
    @Test func errorMessagesEscapeWhatTheyQuote() throws {
        let dir = try TerminalHygieneTests.hostileDatabase()
        // The name is taken: the message quotes Eve's name.
        let taken = try CLI.run(["-e", "add \"Someone\" handle: \"eve\""], in: dir)
        #expect(taken.status == 3)
        #expect(taken.stderr.contains("taken by Eve \\e]52"), "\(taken.stderr.debugDescription)")
        #expect(TerminalHygieneTests.controls(in: taken.stderr).isEmpty, "\(taken.stderr.debugDescription)")
        // A script line that holds raw escapes, echoed under a parse error and a check error.
        let script = "print \"\u{1B}]52;c;eA==\u{7}\" + nosuch\n"
        try script.write(to: dir.appendingPathComponent("bad\u{1B}[2J.tend"), atomically: true, encoding: .utf8)
        for args in [["run", "bad\u{1B}[2J.tend"], ["check", "bad\u{1B}[2J.tend"]] {
            let r = try CLI.run(args, in: dir)
            #expect(r.status == 2)
            #expect(r.stderr.contains("\\e]52;c;eA==\\u{7}"), "\(r.stderr.debugDescription)")
            #expect(TerminalHygieneTests.controls(in: r.stderr).isEmpty, "\(args): \(r.stderr.debugDescription)")
        }
    }

    /// The caret stays under the error when escapes widen the line before it.
    @Test func caretStaysUnderTheErrorAfterEscapes() throws {
        let dir = CLI.tempDir()
        let r = try CLI.run(["-e", "print \"\u{1B}\u{7}\" + nosuch"], in: dir)
        let lines = r.stderr.split(separator: "\n").map(String.init)
        let echoed = try #require(lines.firstIndex { $0.hasPrefix("print ") })
        let caret = lines[echoed + 1]
        let column = caret.firstIndex(of: "^").map { caret.distance(from: caret.startIndex, to: $0) } ?? -1
        let source = lines[echoed]
        #expect(source.dropFirst(column).hasPrefix("nosuch"), "\(source)\n\(caret)")
    }
}
