import Foundation
import Testing

@testable import TendCore

/// Every check and every statement ends quickly: linear in what it touches, or stopped by a
/// stated limit with a located error. Each case is timed in-process against a generous bound
/// (debug builds on a busy machine); the figures measured are in the commit messages.
@Suite struct BoundedTests {
    static let bound: TimeInterval = 5

    /// Runs `body` and returns how long it took, in seconds.
    func timed(_ body: () throws -> Void) rethrows -> TimeInterval {
        let start = Date()
        try body()
        return Date().timeIntervalSince(start)
    }

    /// Checks a script after the prelude and returns its diagnostics.
    func check(_ text: String, name: String = "t") -> [Diagnostic] {
        let parsed = Parser.parse(Source(name: name, text: text))
        var checker = Checker(definitions: Harness.checkedPrelude)
        checker.check(parsed.statements)
        return parsed.diagnostics + checker.diagnostics
    }

    /// The diagnostic a run ends with (parse, check or run time), or nil.
    func failure(_ h: Harness, _ text: String) -> Diagnostic? {
        do {
            try h.run(text)
            return nil
        } catch let d as Diagnostic {
            return d
        } catch {
            return nil
        }
    }

    // MARK: - Exponential definitions

    static func doublingFns(_ levels: Int) -> String {
        "fn f0(x) = x\n" + (1...levels).map { "fn f\($0)(x) = f\($0 - 1)(x) + f\($0 - 1)(x)\n" }.joined() + "print f\(levels)(1)\n"
    }

    /// 40 levels of `fn fi(x) = f{i-1}(x) + f{i-1}(x)` never finished; now the first level
    /// past a million steps is refused where it is defined, once.
    @Test func exponentialFnsAreRefusedWhereDefined() throws {
        var diagnostics: [Diagnostic] = []
        let seconds = timed { diagnostics = check(Self.doublingFns(40)) }
        #expect(seconds < Self.bound)
        let d = try #require(diagnostics.first)
        #expect(d.message == "fn f18 would take more than 1,000,000 steps each time it runs: every call of a fn runs its whole body")
        #expect(d.lineColumn == (19, 1))
        #expect(diagnostics.allSatisfy { $0.message.contains("would take more than") }, "\(diagnostics.map(\.message))")
        // Rules, scores, lets and goals' metrics that expand past the limit are refused alike.
        for use in ["rule \"r\" when f17(1) + f17(1) > 0 then remind \"x\"", "score s = f17(1) + f17(1)", "let l = f17(1) + f17(1)"] {
            let found = check(Self.doublingFns(17) + use)
            #expect(found.first?.message.contains("would take more than 1,000,000 steps") == true, "\(use): \(found.map(\.message))")
        }
    }

    /// The same functions stored by an older Tend stop at run time at once: the checker that
    /// reads stored definitions notes each fn's steps (and for definitions never checked the
    /// interpreter works them out), and the first call past the limit is refused.
    @Test func storedExponentialFnsStopAtRunTime() throws {
        let h = Harness()
        try h.run("add \"Ann Lee\"")
        let parsed = Parser.parse(Source(name: "stored", text: Self.doublingFns(40)))
        var checker = Checker(definitions: h.interpreter.definitions)
        checker.check(Array(parsed.statements.dropLast()))
        h.interpreter.definitions = checker.definitions
        var d: Diagnostic?
        let seconds = timed { d = failure(h, "f40(1)") }
        #expect(seconds < Self.bound)
        #expect(
            d?.message.hasSuffix("would take more than 1,000,000 steps each time it runs; redefine it") == true, "\(String(describing: d?.message))")

        var unchecked = h.interpreter.definitions
        for s in Parser.parse(Source(name: "stored", text: Self.doublingFns(30))).statements { unchecked.define(s) }
        h.interpreter.definitions = unchecked
        var stopped: Diagnostic?
        let uncheckedSeconds = timed { stopped = failure(h, "f30(1)") }
        #expect(uncheckedSeconds < Self.bound)
        #expect(
            stopped?.message == "fn f30 would take more than 1,000,000 steps each time it runs; redefine it",
            "\(String(describing: stopped?.message))")
    }

    /// Lets are worked out once per view: 40 doubling lets are 40 additions, and a chain of
    /// 2,000 lets checks in linear time (it took 95 s) and runs without a deep stack.
    @Test func letChainsAreLinear() throws {
        let doubling = "let l0 = 1\n" + (1...40).map { "let l\($0) = l\($0 - 1) + l\($0 - 1)\n" }.joined()
        let chain = "let c0 = 1\n" + (1...2_000).map { "let c\($0) = c\($0 - 1) + 1\n" }.joined()
        for (script, name, value) in [(doubling, "l40", "1099511627776"), (chain, "c2000", "2001")] {
            var diagnostics: [Diagnostic] = []
            let checking = timed { diagnostics = check(script) }
            #expect(diagnostics.isEmpty, "\(diagnostics.map(\.message))")
            #expect(checking < Self.bound, "checking \(name): \(checking) s")
            let h = Harness()
            try h.run(script)
            var result = ""
            let running = try timed { result = h.text(try h.value(name)) }
            #expect(result == value)
            #expect(running < Self.bound, "running \(name): \(running) s")
        }
    }

    /// Checking stays linear however the text nests: each side of a comparison is checked once
    /// (the stage-name rule checked the left side again at every level: 2^depth).
    @Test func nestedComparisonsCheckInLinearTime() {
        var text = "stage"
        for _ in 0..<120 { text = "(\(text) == contact)" }
        var diagnostics: [Diagnostic] = []
        let seconds = timed { diagnostics = check("contacts where \(text) == contact") }
        #expect(seconds < Self.bound)
        _ = diagnostics
    }

    // MARK: - Text

    /// `"<32 KB>" ~ "<16 KB>"` took 23 s: text search is linear in the text.
    @Test func substringSearchIsLinear() throws {
        let h = Harness()
        let text = String(repeating: "a", count: 32_768)
        let pattern = String(repeating: "a", count: 16_383) + "b"
        for form in ["\"\(text)\" ~ \"\(pattern)\"", "\"\(pattern)\" in \"\(text)\"", "contains(\"\(text)\", \"\(pattern)\")"] {
            var v = Value.null
            let seconds = try timed { v = try h.value(form) }
            #expect(h.text(v) == "false")
            #expect(seconds < Self.bound, "\(seconds) s")
        }
        #expect(h.text(try h.value("\"\(text)b\" ~ \"\(pattern)\"")) == "true")
        #expect(h.text(try h.value("starts_with(\"\(text)\", \"\(pattern.dropLast())\")")) == "true")
        #expect(h.text(try h.value("ends_with(\"\(text)\", \"A\")")) == "true")
    }

    /// Accents are folded in time linear in the text, also written with combining marks (b73:
    /// Foundation's diacritic folding took 1.6 s for 200,000 of them, 126 s for 800,000).
    @Test func foldingCombiningAccentsIsLinear() {
        let text = String(repeating: "a\u{301}", count: 400_000) + "Z"
        var found = false
        let seconds = timed { found = FoldedText(text).contains(FoldedText("áz")) }
        #expect(found)
        #expect(seconds < Self.bound, "\(seconds) s")
        #expect(FoldedText("Łukasz Øster, İstanbul").contains(FoldedText("lukasz oster, istanbul")))
        #expect(FoldedText("שָׁלוֹם").contains(FoldedText("שלום")))
    }

    /// Compatibility characters fold to the letters they stand for, as a handle writes them
    /// (b79 #6): a titlecase digraph, fullwidth letters and digits, a ligature.
    @Test func compatibilityCharactersFold() {
        #expect(FoldedText("ǅemal Ｒｉｖｅｒａ").contains(FoldedText("dzemal rivera")))
        #expect(FoldedText("Suite ４２, ﬁnance").contains(FoldedText("suite 42, finance")))
        #expect(sameText("Ｒｉｖｅｒａ", "rivera"))
    }

    /// The search agrees with a plain one on many random texts and patterns (short and long,
    /// over a small alphabet so that near-matches are everywhere), and folds case and
    /// composition on both sides.
    @Test func searchAgreesWithAPlainOne() {
        var seed: UInt64 = 3
        func next(_ n: Int) -> Int {
            seed = seed &* 6364136223846793005 &+ 1442695040888963407
            return Int(seed >> 33) % n
        }
        for _ in 0..<3_000 {
            let text = (0..<next(80)).map { _ in ["a", "b", "A"][next(3)] }.joined()
            let needle = (0..<next(30)).map { _ in ["a", "b", "B"][next(3)] }.joined()
            let expected = needle.isEmpty || text.lowercased().contains(needle.lowercased())
            #expect(FoldedText(text).contains(FoldedText(needle)) == expected, "\(text) / \(needle)")
        }
        #expect(FoldedText("Café au lait").contains(FoldedText("CAFÉ")))
        #expect(FoldedText("Cafe\u{301} au lait").contains(FoldedText("café")))
        #expect(FoldedText("Café au lait").contains(FoldedText("cafe")))
        #expect(!FoldedText("Joan").contains(FoldedText("joann")))
        // Unicode's case folding, not lowercasing: ß is ss, a final ς is σ (both were missed).
        #expect(FoldedText("Hauptstraße 5").contains(FoldedText("STRASSE")))
        #expect(FoldedText("STRASSE").contains(FoldedText("straße")))
        #expect(FoldedText("ΚΩΣΤΑΣ").contains(FoldedText("κωστας")))
        #expect(sameText("Straße", "STRASSE"))
    }

    /// `fn d(s) = s + s` nested 26 times aborted allocating 6 GB: text a statement makes holds
    /// at most 16 MB, whichever way it is made, and the error points at what made it.
    @Test(
        arguments: [
            ("fn d(s) = s + s\nprint len(\(String(repeating: "d(", count: 26))\"x\"\(String(repeating: ")", count: 26)))", 1, 11),
            ("fn d(s) = \"{s}{s}\"\nprint len(\(String(repeating: "d(", count: 26))\"x\"\(String(repeating: ")", count: 26)))", 1, 11),
            ("fn d(s) = upper(s + s)\nprint len(\(String(repeating: "d(", count: 26))\"x\"\(String(repeating: ")", count: 26)))", 1, 17),
            (
                "let s = \"\(String(repeating: "x", count: 10_000))\"\nlet l = [\(Array(repeating: "s", count: 2000).joined(separator: ", "))]\nprint join(l)",
                3, 7
            ),
            (
                "let s = \"\(String(repeating: "x", count: 10_000))\"\nlet l = [\(Array(repeating: "s", count: 2000).joined(separator: ", "))]\nprint \"{l}\"",
                3, 9
            ),
            (
                "let s = \"\(String(repeating: "x", count: 10_000))\"\nlet l = [\(Array(repeating: "s", count: 2000).joined(separator: ", "))]\nprint string(l)",
                3, 7
            ),
        ] as [(String, Int, Int)])
    func textIsCapped(_ script: String, _ line: Int, _ column: Int) throws {
        let h = Harness()
        var d: Diagnostic?
        let seconds = timed { d = failure(h, script) }
        #expect(seconds < Self.bound)
        let error = try #require(d)
        #expect(error.kind == .runtime)
        #expect(
            error.message.hasPrefix("this text would be") && error.message.hasSuffix("text holds at most 16 MB (16,777,216 bytes)"),
            "\(error.message)")
        #expect(error.lineColumn == (line, column), "\(error.message) at \(error.lineColumn)")
    }

    /// Lists a statement makes are capped in length and in nesting.
    @Test func listsAreCapped() throws {
        let h = Harness()
        let doubling = "fn d(l) = l + l\nprint len(\(String(repeating: "d(", count: 21))[1]\(String(repeating: ")", count: 21)))"
        #expect(failure(h, doubling)?.message.hasPrefix("this list would hold 1,048,576 items") == true)
        let nesting = "let v0 = 1\n" + (1...300).map { "let v\($0) = [v\($0 - 1)]\n" }.joined() + "print len(v300)"
        #expect(failure(h, nesting)?.message == "lists and records nest at most 256 deep")
    }

    /// A 1 MB literal in `show` over 2,000 rows took 2 GB: the values a statement makes are
    /// counted, and past 256 MB it stops, pointing at the show clause.
    @Test func valuesPerStatementAreCapped() throws {
        let h = Harness()
        for i in 0..<2_000 { try h.model.apply(.insertContact(Contact(name: "P \(i)", handle: "p-\(i)", created: testToday))) }
        let big = String(repeating: "x", count: 1_000_000)
        var d: Diagnostic?
        let seconds = timed { d = failure(h, "contacts show name, \"\(big)\" as big") }
        #expect(seconds < Self.bound, "\(seconds) s")
        let error = try #require(d)
        #expect(error.message == "this statement makes more than 256 MB of values")
        #expect(error.lineColumn == (1, 15))
        // The same over a few rows is fine, and the budget is the statement's, not the run's.
        #expect(failure(h, "contacts show \"\(big)\" as big limit 200") == nil)
        #expect(failure(h, "contacts where name == \"P 1\" show \"\(big)\" as big") == nil)
        // Text made and dropped row by row is not kept, so not counted: 2,000 rows of 150 KB.
        let part = String(repeating: "x", count: 150_000)
        #expect(h.text(try h.value("count(contacts where len(\"{name}\(part)\") > 0)")) == "2000")
        let almost = String(repeating: "x", count: 900_000)
        // Lets a statement works out are kept: 300 different texts of 0.9 MB each are too many.
        let lets = "let b = \"\(almost)\"\n" + (1...300).map { "let a\($0) = b + \"\($0)\"\n" }.joined()
        let reading = "print len([" + (1...300).map { "a\($0)" }.joined(separator: ", ") + "])"
        #expect(failure(h, lets + reading)?.message == "this statement makes more than 256 MB of values")
    }

    /// `group by` over several list-valued keys multiplies: each combination is a row visit.
    @Test func groupCombinationsAreCharged() throws {
        let h = Harness()
        let items = (0..<300).map { "\"i\($0)\"" }.joined(separator: ", ")
        try h.run("add \"Ann Lee\" goals: [\(items)], interests: [\(items)], skills: [\(items)]")
        var d: Diagnostic?
        let seconds = timed { d = failure(h, "contacts group by goals, interests, skills") }
        #expect(seconds < Self.bound)
        #expect(d?.message.hasPrefix("this statement does too much work") == true, "\(String(describing: d?.message))")
    }
}
