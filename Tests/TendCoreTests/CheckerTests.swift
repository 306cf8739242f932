import Testing

@testable import TendCore

@Suite struct CheckerTests {
    /// A fn's body is checked again with each call's argument types; calls it suits, and calls
    /// whose arguments are not known before running, are no error.
    @Test(arguments: [
        "fn add2(a, b) = a + b\nadd2(1, 2)", "fn add2(a, b) = a + b\nadd2(\"a\", \"b\")", "fn add2(a, b) = a + b\nadd2(null, 2)",
        "fn w(c) = days(c.overdue) / 7\ncontacts where w(it) > 1", "fn w(c) = days(c.overdue) / 7\nw(@x)",
        "fn f(a) = if a == null then 0 else a + 1\nf(2)", "fn n(c) = c.name\ninteractions show n(contact)",
        "fn later(d) = d + 7d\nlater(today)", "fn later(d) = d + 7d\nlet x = later(today)",
        // A branch the arguments do not suit may never run: left to run time, as before.
        "fn fmt(x, as_days) = if as_days then days(x) else x\nfmt(3, false)",
        "fn fmt(x, as_days) = if as_days then days(x) else x\nfn outer(y) = fmt(y, false)\nouter(3)",
        "fn or0(x) = (x ?? 0) + 1\nor0(\"a\" == \"a\")",
        // A date minus a parameter may be a duration (the parameter a date): it was refused.
        "fn dd(p) = days(today - p)\ndd(start_of(month))", "fn back(p) = today - p\nback(3d)",
        "fn days_left(d) = days(d - today)\ndays_left(end_of(month))", "knows @a @b @a",
        // A definition looking for what a list cannot hold is let through (definitions kept in
        // a database, and their dumps, must still run), also where a query calls it.
        "rule \"r\" when count(interactions where it in people) > 1 then remind \"x\"",
        "fn g(c) = count(interactions where it in people)\ncount(contacts where g(it) > 0)",
        "let w = 1\nrule \"s\" when stage in [\"credibility\"] and w > 0 then remind \"x\"\nlet w = 2",
    ])
    func callsThatSuitTheirFn(_ input: String) throws {
        try Self.expectNoErrors(input)
    }

    /// Every call is checked, not only the first with those argument types, however many
    /// fns a script calls.
    @Test func everyCallIsChecked() throws {
        var text = "fn w(c) = days(c.overdue) / 7\n"
        for n in 0..<40 { text += "fn g\(n)(x) = x + 1\nlet v\(n) = g\(n)(\(n))\n" }
        text += "w(5)\nw(5)\n"
        let parsed = Parser.parse(Source(name: "t", text: text))
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(parsed.statements)
        #expect(checker.diagnostics.map(\.lineColumn.0) == [82, 83], "\(checker.diagnostics.map(\.message))")
    }

    /// A command of tend's command line, or the REPL's way out, typed as a statement says where
    /// it is found (`dump` suggested "due", `quit` "uid", `exit` "edit"); as a word inside one,
    /// it is an unknown name as before, and a definition of the name is used.
    @Test(arguments: [
        ("dump", "'dump' is not a statement: tend dump > network.tend"),
        ("run", "'run' is not a statement: tend run FILE runs a script from a shell; in a script or the REPL, load \"FILE\" runs one"),
        ("exit", "'exit' is not a statement: .quit or Ctrl-D leaves the REPL"),
        ("print dump", "unknown name 'dump'"),
        ("let quit = 1\nquit", nil),
    ])
    func aCommandOfTendTypedAsAStatement(_ text: String, _ message: String?) throws {
        let parsed = Parser.parse(Source(name: "t", text: text))
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(parsed.statements)
        #expect(checker.diagnostics.first.map { $0.message.hasPrefix(message ?? "-") } ?? (message == nil), "\(checker.diagnostics.map(\.message))")
    }

    /// A new let that reads itself is the cycle it is, as one defined before is (b100 #7: it
    /// suggested the text "total").
    @Test func aNewLetReadingItselfIsACycle() throws {
        let parsed = Parser.parse(Source(name: "t", text: "let total = total + 1"))
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(parsed.statements)
        #expect(checker.diagnostics.map(\.message) == ["definitions cannot refer to themselves (the language always terminates): let total → let total"])
    }

    /// Mistakes the run would otherwise make quietly or fail on later, each refused before
    /// anything runs. Redefining what stored definitions use checks them again: one that would
    /// no longer check makes the redefinition the error (the agenda failed later, or went
    /// quietly wrong); a redefinition that still suits them, or one after they were dropped, is
    /// accepted. A goal's metric is a number; a kind or a name is not empty text.
    @Test(
        arguments: [
            ("let w_stage = \"x\"", "score priority uses let w_stage, and would no longer check: cannot apply '*'"),
            ("fn spend_this_year(c, d) = 1", "rule \"follow the money\" uses fn spend_this_year, and would no longer check: spend_this_year takes 2"),
            ("fn default_cadence(c) = \"weekly\"", "default_cadence gives a contact's cadence: a duration such as 3mo or 2w, not a string"),
            ("fn default_cadence() = 1d", "default_cadence takes one parameter, the contact: fn default_cadence(c) = …"),
            ("fn default_cadence(a, b) = 1d", "default_cadence takes one parameter, the contact: fn default_cadence(c) = …"),
            ("score w_partner = 1", "'w_partner' is already a let; a score of the same name"),
            ("score s = 1\nlet s = 2", "'s' is already a score; a let of the same name"),
            ("goal \"x\" metric: \"a\" target: 5 per week", "a goal's metric is an expression"),
            ("goal \"z\" metric: contacts target: 5 per week", "'metric:' must be a number"),
            ("goal \"m\" metric: sum(spending, amount) target: 500 per month", nil),
            ("log \"\" with @dana-lee", "an interaction needs a kind"),
            ("goal \"\"", "a goal needs a name"),
            ("rule \"\" when true then remind \"x\"", "a rule needs a name"),
            ("refer \"\" to @dana-lee", "a referral needs what it is about"),
            ("market \" \" served_by: [\"x\"]", "a market needs a name"),
            ("let w_stage = 2d\nscore priority = days(w_stage) * stage_rank", nil),
            ("let w_stage = 3", nil),
            ("fn default_cadence(c) = if c.stage_rank > 3 then 1mo else null", nil),
            ("drop score priority cascade\nlet w_stage = \"x\"", nil),
            ("drop let w_stage\nlet w_stage = \"x\"", "score priority uses let w_stage"),
        ] as [(String, String?)])
    func mistakesAreRefusedBeforeAnythingRuns(_ input: String, _ error: String?) throws {
        let parsed = Parser.parse(Source(name: "t", text: input))
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(parsed.statements)
        let messages = checker.diagnostics.map(\.message)
        if let error {
            #expect(messages.count == 1 && messages[0].hasPrefix(error), "\(input): \(messages)")
        } else {
            #expect(messages.isEmpty, "\(input): \(messages)")
        }
    }

    static func expectNoErrors(_ input: String) throws {
        let parsed = Parser.parse(Source(name: "t", text: input))
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(parsed.statements)
        #expect(parsed.diagnostics.isEmpty && checker.diagnostics.isEmpty, "\(input): \(checker.diagnostics.map(\.message))")
    }

    /// Each row: input, the start of the message, the line and column it points at, the suggestion.
    @Test(
        arguments: [
            ("contacts where stage > 3", "cannot compare a stage with a number", 1, 16, "stage_rank"),
            // One person twice is found before anything runs (it was exit 3, and `tend check` passed it).
            ("export csv \"f.csv\" count(contacts)", "export takes a query, as in: export csv \"vip.csv\" contacts where +vip; this is a number", 1, 20, nil),
            // Beside a number a bare word is no text: no "did you mean "zzqq"?".
            ("assert zzqq == 1", "unknown name 'zzqq'", 1, 8, nil),
            // Where a duration or a date is wanted, neither: following it gave a second error (b89).
            ("set @a cadence: banana", "unknown name 'banana'", 1, 17, nil),
            ("log call with @a on yesterdy", "unknown name 'yesterdy'", 1, 21, "yesterday"),
            ("set @a cadence: tomorow", "unknown name 'tomorow'", 1, 17, nil),
            ("add \"  \"", "a contact needs a name", 1, 5, nil),
            ("set @a", "set needs a field to change, as in: set @dana-lee stage: credibility", 1, 1, nil),
            ("knows @a @a", "@a is named twice: knows takes two or more different people", 1, 10, nil),
            ("set @a on 2026-01-01", "set needs a field to change, as in: set @dana-lee stage: credibility", 1, 1, nil),
            ("introduce @a and @a", "@a is named twice: introduce takes two different people", 1, 18, nil),
            ("today + 3", "cannot add a number to a date", 1, 1, "3d"),
            // 0.5d is no duration either: no suggestion (it suggested 0.5d).
            ("today + 0.5", "cannot add a number to a date", 1, 1, nil),
            ("contacts where name - 1 > 0", "cannot subtract a number from a string", 1, 16, nil),
            ("contacts where overdue > 0", "cannot compare a duration with a number", 1, 16, "0d"),
            ("contacts where profesion == \"x\"", "unknown name 'profesion'", 1, 16, "profession"),
            ("contcts", "unknown name 'contcts'", 1, 1, "contacts"),
            ("count(contacts where x)", "unknown name 'x'", 1, 22, nil),
            // Where text cannot be meant, no "did you mean "nosuch"?" (taken, it sorted by a constant).
            ("contacts sort by nosuchfield", "unknown name 'nosuchfield'", 1, 18, nil),
            ("contacts show nosuchfield", "unknown name 'nosuchfield'", 1, 15, nil),
            ("print vip_days > 3", "unknown name 'vip_days'", 1, 7, nil),
            ("start_of(decade)", "start_of takes week, month, quarter or year", 1, 10, nil),
            ("start_of(mnoth)", "start_of takes week, month, quarter or year", 1, 10, "month"),
            ("dayz_since(today)", "unknown function 'dayz_since'", 1, 1, "days_since()"),
            ("days_since(today, 1)", "days_since takes 1 argument, not 2", 1, 1, nil),
            ("it", "'it' is the row in view", 1, 1, nil),
            ("@dana-lee.overdu", "contacts have no field 'overdu'", 1, 1, "overdue"),
            ("fn f(x) = f(x)", "definitions cannot refer to themselves", 1, 1, nil),
            ("contacts where stage == \"credibility\"", "cannot compare a stage with a string", 1, 16, "credibility"),
            // `in` looks for what the right side holds, as `==` compares (each was always false).
            ("contacts where stage in [\"credibility\", \"visibility\"]", "cannot look for a stage in a list of strings", 1, 16, "[credibility, visibility]"),
            ("interactions where \"Zoe Khan\" in people", "cannot look for a string in a list of contacts", 1, 20, nil),
            ("contacts where 5 in tags", "cannot look for a number in a list of strings", 1, 16, nil),
            ("contacts where cadence not in [\"1mo\"]", "cannot look for a duration in a list of strings; the result would always be true", 1, 16, nil),
            ("5 in \"abc\"", "'in' on text looks for text; the left side is a number", 1, 1, nil),
            // Other languages' words and symbols get Tend's; a word of the language is never
            // suggested as text, nor a name as itself.
            ("contacts where +vip && stage > contact", "unexpected '&&'; did you mean and?", 1, 21, nil),
            ("contacts where +vip || +hot", "unexpected '||'; did you mean or?", 1, 21, nil),
            ("contacts where !+vip", "unexpected '!'; did you mean not?", 1, 16, nil),
            ("contacts order by name", "expected the end of the statement, found order", 1, 10, "sort"),
            // A number where a duration goes is its days; a duration where a number goes, counted in days.
            ("days(5)", "days needs a duration here, not a number", 1, 6, "5d"),
            ("contacts show round(overdue)", "round needs a number here, not a duration", 1, 21, "days(overdue)"),
            ("contacts where stage in [\"CREDIBILITY\", \"Visibility\"]", "cannot look for a stage in a list of strings", 1, 16, "[credibility, visibility]"),
            ("count(contacts where \"Dana Khan\" in contacts)", "cannot look for a string among contacts", 1, 22, nil),
            // A word that may be a value is still suggested as text (a query source's `client`).
            ("set @x relationship: client", "unknown name 'client'", 1, 22, "\"client\""),
            ("contacts where name like \"jo%\"", "expected the end of the statement, found like", 1, 21, "~"),
            ("print \"{1} {2\"", "unterminated '{' in string", 1, 12, nil),
            ("print for + 1", "unknown name 'for'", 1, 7, nil),
            ("people", "unknown name 'people'", 1, 1, nil),
            ("add \"X\" profesion: \"y\"", "unknown option 'profesion:'", 1, 9, "profession:"),
            ("log call with @x gvae", "unknown flag 'gvae'", 1, 18, "gave"),
            ("rule \"r\" when agenda == null then remind \"x\"", "rule \"r\" reads agenda, which evaluates every rule", 1, 1, nil),
            ("set @x stage: 3", "'stage:' must be a stage, not a number", 1, 15, nil),
            ("snooze @x 14", "how long to snooze (2w) must be a duration, not a number", 1, 11, "14d"),
            // A unit in words after the number is the one suggested (`2 weeks` suggested 2d).
            ("snooze @x 2 weeks", "expected the end of the statement, found weeks", 1, 13, "2w"),
            ("contacts where overdue > 3 months", "expected the end of the statement, found months", 1, 28, "3mo"),
            ("today + 1 year", "expected the end of the statement, found year", 1, 11, "1y"),
            ("set @x stage: credibility by: \"a\" by: \"b\"", "'by:' is given twice", 1, 35, nil),
            // What the run refuses, the check refuses (tend check passed both, and the run failed).
            ("snooze @x -1w", "a snooze must end after today: give a duration longer than 0d (2w)", 1, 11, nil),
            ("dismiss 3 for 0d", "a dismiss must end after today: give a duration longer than 0d (2w)", 1, 15, nil),
            ("refer \"A\" to @x status: \"maybe\"", "status is open, won or lost", 1, 25, nil),
            ("goal \"G\" metric: \"count(interactions)\" target: 3 per month", "a goal's metric is an expression", 1, 18, "count(interactions)"),
            ("goal \"G\" metric: count(interactions) target: -5 per month", "a goal's target must be more than 0", 1, 46, nil),
            ("goal \"G\" metric: count(interactions) target: 0 per week", "a goal's target must be more than 0", 1, 46, nil),
            ("rule \"r\" when name then remind \"x\"", "a rule's when condition must be a bool, not a string", 1, 15, nil),
            ("print nmae", "unknown name 'nmae'", 1, 7, "name"),
            ("rule \"r\" when touches then remind \"x\"", "a rule's when condition must be a bool, not a number", 1, 15, nil),
            ("contacts where +vip and\n\n  stage > 3", "cannot compare a stage with a number", 3, 3, "stage_rank"),
            ("fn f2(a, a) = a", "fn f2 has two parameters named 'a'", 1, 1, nil),
            ("len(5)", "len needs text or a list here, not a number", 1, 5, nil),
            ("min(\"a\", 1)", "min compares values of one kind, not a string and a number", 1, 10, nil),
            ("contains(1, 2)", "contains needs text or a list here, not a number", 1, 10, nil),
            ("starts_with(1, \"a\")", "starts_with needs a string here, not a number", 1, 13, nil),
            ("ends_with(\"a\", today)", "ends_with needs a string here, not a date", 1, 16, nil),
            ("{a: 1, b: 2, a: 3}", "the record has two fields named 'a'", 1, 17, nil),
            ("interactions where kind == lunch", "unknown name 'lunch'", 1, 28, "\"lunch\""),
            ("referral from @x about \"Z\" status: won", "unknown name 'won'", 1, 36, "\"won\""),
            ("contacts wher stage == contact", "expected the end of the statement, found wher", 1, 10, "where"),
            ("contacts sort by overdue descending", "expected the end of the statement, found descending", 1, 26, "desc"),
            ("set @x stage: bogus", "unknown stage 'bogus'; the stages are contact, visibility, credibility and profitability", 1, 15, nil),
            ("add \"X\" stage: credibilty", "unknown stage 'credibilty'", 1, 16, "credibility"),
            ("log with @x", "expected the kind of interaction after 'log'", 1, 5, nil),
            ("count(contacts where vip)", "unknown name 'vip'", 1, 22, "+vip"),
            // A market is text or a list of it (`who serves 5` printed "No one serves : …").
            ("who serves 5", "who serves's market must be a market's name (a string) or a list of them, not a number", 1, 12, nil),
            ("gaps in @dana-lee", "gaps in's market must be a market's name", 1, 9, nil),
            ("served_by(true)", "served_by's market must be a market's name", 1, 11, nil),
            // A status is one of three words (`status: maybe` suggested "maybe", which the run refused).
            ("refer \"X\" to @dana-lee status: maybe", "status is open, won or lost", 1, 32, nil),
            ("refer \"X\" to @dana-lee status: wno", "status is open, won or lost", 1, 32, "\"won\""),
            ("refer \"X\" to @dana-lee status: won", "unknown name 'won'; a status is text", 1, 32, "\"won\""),
            // A statement's word alone (`knows` suggested "knows").
            ("knows", "'knows' begins a statement, and the rest of it is missing", 1, 1, nil),
            // A field alone at a statement's start is a field (`stage` suggested save, `gave` save).
            ("stage > 3", "unknown name 'stage'", 1, 1, nil),
            ("gave > 0", "unknown name 'gave'", 1, 1, nil),
            ("nmae", "unknown name 'nmae'", 1, 1, "name"),
            // The language's words in other capitals (`Null` suggested "rule").
            ("Null", "unknown name 'Null'", 1, 1, "null"),
            ("count(contacts where +vip == TRUE)", "unknown name 'TRUE'", 1, 30, "true"),
            // History kept outside the collections is never taken for text ("stage_changes").
            ("count(stage_changes)", "unknown name 'stage_changes'", 1, 7, nil),
            ("count(knows)", "unknown name 'knows'", 1, 7, nil),
            // The comma after a group by or show list is the list's (b72): the query in parentheses.
            ("max(contacts group by profession, count)", "max of a collection needs the value to take from each row", 1, 1,
             "max((contacts group by profession), count)"),
            ("sum(contacts show touches * 2 as dbl, dbl)", "sum of a collection needs the value to take from each row", 1, 1,
             "sum((contacts show touches * 2 as dbl), dbl)"),
            ("fn w(c) = days(c.overdue) / 7\nw(5)", "w(…): a number has no fields", 2, 1, nil),
            ("fn add2(a, b) = a + b\n1 + add2(\"a\", 1)", "add2(…): cannot add a number to a string", 2, 5, nil),
            ("fn f(a) = a + 1\nfn g(b) = f(b) * 2\ng(today)", "g(…): f(…): cannot add a number to a date", 3, 1, nil),
        ] as [(String, String, Int, Int, String?)])
    func diagnostics(_ input: String, _ message: String, _ line: Int, _ column: Int, _ suggestion: String?) throws {
        let source = Source(name: "t", text: input)
        let parsed = Parser.parse(source)
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(parsed.statements)
        let d = try #require((parsed.diagnostics + checker.diagnostics).first, "no error for \(input)")
        #expect(d.message.hasPrefix(message), "\(input): \(d.message)")
        #expect(d.lineColumn == (line, column), "\(input): \(d.message) at \(d.lineColumn)")
        #expect(d.suggestion == suggestion, "\(input): \(String(describing: d.suggestion))")
    }

    /// Stage changes and who knows whom are kept, but no query starts from them: the error says
    /// where each is read.
    @Test(arguments: [("count(stage_changes)", "timeline @handle"), ("count(knows where true)", "path to @handle")])
    func historyKeptElsewhereIsPointedTo(_ input: String, _ pointer: String) throws {
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(Parser.parse(Source(name: "t", text: input)).statements)
        let d = try #require(checker.diagnostics.first)
        #expect(d.notes.contains { $0.contains(pointer) }, "\(d.notes)")
    }

    /// `-touches` tests a tag (as `+vip` does); where a number was wanted, the error says so.
    @Test(arguments: [
        "rule \"r\" when true then remind \"x\" priority -touches + 1",
        "contacts where -touches < 3",
        "contacts where 2 * -gave > 0",
        "contacts where 1 - -spend == 0",
    ])
    func aMinusWordIsATagTest(_ input: String) throws {
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(Parser.parse(Source(name: "t", text: input)).statements)
        let d = try #require(checker.diagnostics.first, "no error for \(input)")
        #expect(d.notes.contains { $0.hasPrefix("-") && $0.contains("is the test that the contact is not tagged") && $0.contains("write -(") }, "\(input): \(d.notes)")
    }

    /// `it` inside a query over events is the event: looking for it among people is told how
    /// to name the contact of the query around it.
    @Test func itAmongPeopleIsToldToNameTheOuterRow() throws {
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(Parser.parse(Source(name: "t", text: "contacts where count(interactions where it in people) > 0")).statements)
        let d = try #require(checker.diagnostics.first)
        #expect(d.message.hasPrefix("cannot look for an interaction in a list of contacts"), "\(d.message)")
        #expect(d.notes.contains { $0.contains("contacts as c where count(interactions where c in people) > 0") }, "\(d.notes)")
    }

    /// The checker's own error on the number suggests the unit the word after it names too.
    @Test func aUnitInWordsIsTheOneSuggested() throws {
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(Parser.parse(Source(name: "t", text: "snooze @x 2 weeks")).statements)
        #expect(checker.diagnostics.first?.suggestion == "2w", "\(checker.diagnostics.map(\.message))")
    }

    @Test func mutualRecursionIsRefused() {
        let parsed = Parser.parse(Source(name: "t", text: "fn a(x) = 1\nfn b(x) = a(x)\nfn a(x) = b(x)"))
        var checker = Checker(definitions: Definitions())
        checker.check(parsed.statements)
        #expect(checker.diagnostics.contains { $0.message.contains("refer to themselves") })
    }

    @Test func scoreReadingAgendaIsRefused() {
        let parsed = Parser.parse(Source(name: "t", text: "score s = count(agenda)"))
        var checker = Checker(definitions: Definitions())
        checker.check(parsed.statements)
        #expect(checker.diagnostics.contains { $0.message == "score s reads agenda, which evaluates every rule" })
    }

    @Test func thePreludeChecksCleanly() {
        var checker = Checker(definitions: Definitions())
        let parsed = Parser.parse(Prelude.source)
        checker.check(parsed.statements)
        #expect(parsed.diagnostics.isEmpty, "\(parsed.diagnostics)")
        #expect(checker.diagnostics.isEmpty, "\(checker.diagnostics)")
        #expect(checker.definitions.rules.count >= 9)
    }

    @Test func everyLanguageExampleChecks() {
        var checker = Checker(definitions: Harness.checkedPrelude)
        for line in languageExamples {
            let parsed = Parser.parse(Source(name: "t", text: line))
            checker.check(parsed.statements)
        }
        #expect(checker.diagnostics.isEmpty, "\(checker.diagnostics.map { "\($0.source!.text): \($0.message)" })")
    }

    @Test func formatterDrawsACaret() {
        let source = Source(name: "rules.tend", text: "contacts where stage > 3")
        let d = Diagnostic(.type, "cannot compare a stage with a number", at: SourceRange(15, 24), in: source, suggestion: "stage_rank")
        #expect(
            DiagnosticFormatter.plain.format(d) == """
                rules.tend:1:16: error: cannot compare a stage with a number; did you mean stage_rank?
                contacts where stage > 3
                               ^~~~~~~~~
                """)
    }

    /// The caret is placed by the columns a terminal gives the text before it: two for a wide
    /// character, none for a combining mark.
    /// A value written as a literal that the run would refuse is found before anything runs:
    /// on line 50 of a script, the 49 statements before it ran and were rolled back (exit 3).
    @Test(arguments: [
        ("add \"Q\" handle: \"Bad Handle!\"", "a handle is lowercase letters and digits joined by dashes"),
        ("log call with @x quality: 9", "quality is a whole number from 1 to 5"),
        ("log call with @x quality: 2.5", "quality is a whole number from 1 to 5"),
        ("contacts limit -1", "limit must be a number 0 or more"),
        ("contacts limit 1.5", "limit takes a whole number of rows, not 1.5"),
        ("set @x cadence: 0d", "a cadence must be longer than 0d"),
        ("spend 0.001 at @x", "the amount is money, exact to the cent: 0.001 has more than two decimals"),
        // Numbers print six decimals: the message shows the amount whole when those hide the rest (it said 0).
        ("spend 0.0000001 at @x", "the amount is money, exact to the cent: 0.0000001 has more than two decimals"),
        ("refer @x to @y value: -5", "a referral's value must be a number, 0 or more"),
        ("set spend 1 amount: 1.234", "the amount is money, exact to the cent"),
        ("set @x cadence: -1w", "a cadence must be longer than 0d"),
        ("add \"Zed\" cadence: - 2w", "a cadence must be longer than 0d"),
        ("set @x cadence: 1200mo + 36525d", "a cadence is at most 100 years"),
        ("agenda limit -1", "limit must be a number 0 or more"),
        ("agenda limit 1.5", "limit takes a whole number of rows, not 1.5"),
        ("remove interaction 99999999999999999999", "an event's number is a whole number from 1"),
        ("set interaction 1.5 note: \"x\"", "an event's number is a whole number from 1"),
        ("edit referral 0", "an event's number is a whole number from 1"),
        ("undo 0", "undo takes a whole number, 1 or more"), ("undo -1", "undo takes a whole number, 1 or more"),
        ("undo 1.5", "undo takes a whole number, 1 or more"), ("history limit 0", "history limit takes a whole number, 1 or more"),
    ])
    func literalsTheRunWouldRefuse(_ input: String, _ message: String) throws {
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(Parser.parse(Source(name: "t", text: input)).statements)
        #expect(checker.diagnostics.contains { $0.message.hasPrefix(message) }, "\(input): \(checker.diagnostics.map(\.message))")
    }

    @Test(arguments: [
        "log call with @x quality: 3", "log call with @x quality: 5.0", "contacts limit 0", "contacts limit 1e3", "spend 10.50 at @x",
        "set @x cadence: 2w", "set @x cadence: 1d", "set @x cadence: 100y + 1d", "add \"Q\" handle: \"@q-1\"", "agenda limit 3",
    ])
    func literalsTheRunTakes(_ input: String) throws {
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(Parser.parse(Source(name: "t", text: input)).statements)
        #expect(checker.diagnostics.isEmpty, "\(input): \(checker.diagnostics.map(\.message))")
    }

    @Test(arguments: [
        ("print \"日本語\" + nmae", "                 ^~~~"),
        ("print \"☕ café\" + nmae", "                  ^~~~"),
        ("print \"e\u{301}\" + nmae", "            ^~~~"),
        ("print \"한국\" + nmae", "               ^~~~"),
    ])
    func caretFollowsDisplayWidth(_ text: String, _ caret: String) {
        let source = Source(name: "t", text: text)
        let at = text.utf8.count - 4
        let d = Diagnostic(.type, "unknown name 'nmae'", at: SourceRange(at, at + 4), in: source)
        #expect(DiagnosticFormatter.plain.format(d).components(separatedBy: "\n").last == caret, "\(text)")
    }

    /// A source line wider than the terminal is cut to a window that fits it, so that the
    /// terminal does not wrap the line away from its caret (b92 F1: at 100 columns the caret sat
    /// under `name == "n003"`, a wrapped row below the error); wide characters count twice.
    @Test(arguments: [40, 60, 100, 200]) func aLongLineIsCutToTheTerminal(width: Int) {
        for filler in ["name == \"n001\" or ", "名前 == \"日本\" or "] {
            let text = "count(contacts where " + String(repeating: filler, count: 12) + "nosuchfield == 1 or " + String(repeating: filler, count: 12) + "true)"
            let at = text.utf8.count - (text.split(separator: "nosuchfield").last!.utf8.count) - "nosuchfield".utf8.count
            let d = Diagnostic(.type, "unknown name 'nosuchfield'", at: SourceRange(at, at + 11), in: Source(name: "t", text: text))
            let lines = DiagnosticFormatter(color: false, width: width).format(d).components(separatedBy: "\n")
            let (line, caret) = (lines[1], lines[2])
            #expect(DiagnosticFormatter.displayWidth(line) < width, "\(line)")
            #expect(line.hasPrefix("…") && line.hasSuffix("…"), "\(line)")
            // The caret's column, counted as the terminal counts the line above it.
            let before = caret.prefix { $0 == " " }.count
            var shown = ""
            for ch in line where DiagnosticFormatter.displayWidth(shown) < before { shown.append(ch) }
            #expect(line.dropFirst(shown.count).hasPrefix("nosuchfield") && caret.hasSuffix("^" + String(repeating: "~", count: 10)), "\(line)\n\(caret)")
        }
    }
    /// A connection string's password is never shown in an error, neither in the echoed line
    /// nor in the message (b92 F12: a mistyped `push postgresql://bob:s3cret@…` in the REPL
    /// showed it); the caret stays under what it marks.
    @Test func aPasswordInTheLineIsNotShown() {
        let text = "push postgresql://bob:s3cret@db.example/team?sslmode=require&password=other nosuch"
        let at = text.utf8.count - 6
        let d = Diagnostic(.syntax, "unknown name 'nosuch' after \"postgresql://bob:s3cret@db\"", at: SourceRange(at, at + 6), in: Source(name: "t", text: text))
        let shown = DiagnosticFormatter.plain.format(d)
        #expect(!shown.contains("s3cret") && !shown.contains("other"), "\(shown)")
        let lines = shown.components(separatedBy: "\n")
        #expect(lines[1] == "push postgresql://bob:******@db.example/team?sslmode=require&password=***** nosuch", "\(shown)")
        #expect(lines[2] == String(repeating: " ", count: at) + "^~~~~~", "\(shown)")
        #expect(DiagnosticFormatter.maskingPasswords("see https://example.com/a:b and user@host") == "see https://example.com/a:b and user@host")
        // A note (a failed assertion's values) is masked too (b98 #6).
        var noted = Diagnostic(.assertion, "m", at: SourceRange(0, 4), in: Source(name: "t", text: "assert x"))
        noted.notes = ["\"postgresql://bob:s3cret@h/db\" is \"postgresql://bob:s3cret@h/db\", expected == \"x\""]
        #expect(!DiagnosticFormatter.plain.format(noted).contains("s3cret"))
        // Only a URL's query parameter, and the punctuation after it is kept (b98 #7: the colon
        // after `load "/tmp/password=abc"` went, and prose was masked).
        #expect(DiagnosticFormatter.maskingPasswords("cannot load /tmp/x?password=abc: no such file") == "cannot load /tmp/x?password=***: no such file")
        #expect(DiagnosticFormatter.maskingPasswords("wifi password=guest123, mypassword=abc") == "wifi password=guest123, mypassword=abc")
        // A message cut to its length is masked first: cut short of its `@`, the URL showed its
        // password's start (b99 #4); a suggestion is masked too.
        let long = String(repeating: "x", count: 990) + " postgresql://bob:s3cretpassword@host/db"
        var cut = Diagnostic(.runtime, long, at: SourceRange(0, 4), in: Source(name: "t", text: "push"))
        cut.suggestion = "postgresql://bob:s3cret@host"
        let shownCut = DiagnosticFormatter.plain.format(cut)
        #expect(!shownCut.contains("s3c"), "\(shownCut)")
    }
}
