import Foundation
import Testing

@testable import TendCore
@testable import TendREPL
@testable import TendStore

/// `tend dump` is an exact backup (#17.10): run on an empty database, it rebuilds one whose dump
/// is the same text, whatever was done to the data before.
@Suite struct DumpTests {
    static let today = Day(year: 2026, month: 11, day: 23)!
    static var quiet: Console { Console(out: { _ in }, err: { _ in }) }

    static func path(_ name: String) -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tend-dump-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.appendingPathComponent(name).path
    }

    /// The dump, and the dump of what running it on an empty database made.
    static func roundTrip(_ session: Session) throws -> (String, String) {
        let first = try session.dump()
        let copy = try Session(store: try Store(path: path("copy.db")), today: today, console: quiet)
        var errors: [String] = []
        copy.console = Console(out: { _ in }, err: { errors.append($0) })
        let status = copy.runScripts([Source(name: "dump", text: first)], bail: false, readOnly: false)
        #expect(status == .success, "\(errors.prefix(5).joined(separator: "\n"))")
        // Contacts and events keep their numbers: `remove interaction N` means the same event in
        // both, and `contacts where id == N` the same person.
        #expect(try numbers(session.store.network()) == numbers(copy.store.network()))
        return (first, try copy.dump())
    }

    /// The contacts' and each kind of event's numbers, in order.
    static func numbers(_ net: Network) -> [[Int64]] {
        [net.contacts.map(\.id), net.stageChanges.map(\.id), net.interactions.map(\.id), net.referrals.map(\.id), net.introductions.map(\.id), net.spending.map(\.id)]
            .map { $0.sorted() }
    }

    static let odd = [
        "quote \" and backslash \\", "braces {x} and { alone", "tab\tand\nnew line\r\n", "emoji 😀 é ñ 中文", "\u{1}\u{7F}\u{85}\u{2028}\u{FEFF}",
        "  padded  ", "# not a comment", "a + b; c", "", "@handle-like", "x\" [label=\"INJECTED\"]",
    ]

    /// A dump reads the interactions a page at a time (a million of them held, with the
    /// script's text, took 816 MB) and writes in blocks: the same text as the dump of the
    /// network held, whatever the page boundaries and the gaps in the numbers.
    @Test func aDumpReadAPageAtATimeIsTheDumpOfTheNetworkHeld() throws {
        let file = Self.path("t.db")
        let store = try Store(path: file)
        _ = try Session(store: store, today: Self.today, console: Self.quiet)
        _ = try SampleNetwork(size: 25, seed: 5, interactionsPerContact: 40, today: Self.today).write(to: store)
        let setUp = try Session(store: try Store(path: file), today: Self.today, console: Self.quiet)
        let status = setUp.runScripts(
            [Source(name: "gaps", text: "remove interaction 7\nremove interaction 8\nremove interaction 1000\nlog call with @\(try store.handles()[0]) note: \"last\"")],
            bail: true, readOnly: false)
        #expect(status == .success)
        let paged = try Session(store: try Store(path: file), today: Self.today, console: Self.quiet)
        paged.interpreter.cost.pageSize = 7
        #expect(try paged.store.networkButInteractions().interactions.isEmpty, "the interactions are read a page at a time")
        var blocks = 0
        var text = ""
        try paged.dump {
            text += $0
            blocks += 1
        }
        let held = try Session(store: try Store(path: file), today: Self.today, console: Self.quiet)
        #expect(try held.store.network().interactions.count == 998)
        #expect(text == (try held.dump()))
        #expect(text.contains("id: 9 ") && text.contains("id: 1001 ") && text.hasSuffix(ScriptWriter.dumpEnd + "\n"))
        #expect(text.components(separatedBy: "\nlog ").count == 999)
        #expect(text.utf8.count > 1 << 16 && blocks > 1, "\(text.utf8.count) bytes in \(blocks) blocks")
    }

    /// Random statements of every kind on a generated network (seeded), then dump → run → dump.
    @Test(arguments: [1, 2, 3, 4])
    func randomOperationsRoundTrip(_ seed: UInt64) throws {
        let file = Self.path("t.db")
        let store = try Store(path: file)
        _ = try Session(store: store, today: Self.today, console: Self.quiet)
        _ = try SampleNetwork(size: 25, seed: seed, interactionsPerContact: 4, today: Self.today).write(to: store)
        let session = try Session(store: try Store(path: file), today: Self.today, console: Self.quiet)
        var rng = SampleNetwork.Random(state: seed)
        var ok = 0
        for n in 0..<250 {
            let handles = try session.store.handles()
            let statement = Self.randomStatement(&rng, n, handles.map { "@" + $0 })
            if session.runScripts([Source(name: "op \(n)", text: statement)], bail: false, readOnly: false) == .success { ok += 1 }
        }
        #expect(ok > 150, "most statements run: \(ok) of 250")
        let (before, again) = try Self.roundTrip(session)
        #expect(before == again, "\(Self.firstDifference(before, again))")
        // A note longer than a string literal may be (1 MB), as an import can bring one.
        var c = try session.store.network().contacts[3]
        c.notes = String(repeating: "long note {with} \"quotes\" and é ", count: 60_000)
        try session.store.apply(.updateContact(c, fields: ["notes"]))
        session.interpreter.invalidate()
        let (first, second) = try Self.roundTrip(session)
        #expect(first == second, "\(Self.firstDifference(first, second))")
    }

    static func firstDifference(_ a: String, _ b: String) -> String {
        let x = a.split(separator: "\n", omittingEmptySubsequences: false)
        let y = b.split(separator: "\n", omittingEmptySubsequences: false)
        for i in 0..<max(x.count, y.count) where i >= x.count || i >= y.count || x[i] != y[i] {
            return "line \(i + 1):\n- \(i < x.count ? String(x[i].prefix(300)) : "(none)")\n+ \(i < y.count ? String(y[i].prefix(300)) : "(none)")"
        }
        return "same"
    }

    static func randomStatement(_ rng: inout SampleNetwork.Random, _ n: Int, _ people: [String]) -> String {
        func q() -> String { ScriptWriter.quote(rng.pick(odd)) }
        func p() -> String { rng.pick(people) }
        func d() -> String { today.adding(days: rng.int(400) - 350).description }
        let number = rng.int(9) + 1
        let stage = rng.pick(Stage.allCases)
        switch rng.int(30) {
        case 0: return "set \(p()) company: \(q()), title: \(q())"
        case 1: return "set \(p()) notes: \(q()), +tag\(rng.int(3)), -vip"
        case 2: return "set \(p()) stage: \(stage) on \(d())"
        case 3: return "set \(p()) stage: \(stage)"
        case 4: return "set \(p()) cadence: \(number)w, next_step: \(q()), next_due: \(d())"
        case 5: return "set \(p()) interests: [\(q()), \(q())], expert, relationship: \(q())"
        case 6:
            return
"log \(rng.pick(["call", "lunch", "note", "\"odd kind\""])) with \(p()), \(p()) on \(d()) note: \(q()) quality: \(rng.int(5) + 1) gave"
                // Imported touches keep their source id through a restore (#20).
                + (rng.chance(0.5) ? " source: \(ScriptWriter.quote("ical:\(n)/" + rng.pick(odd)))" : "")
        case 7: return "refer \(q()) to \(p()) on \(d()) value: \(number * 37).5 status: \"won\" note: \(q())"
        case 8: return "referral from \(p()) about \(q()) on \(d()) value: \(number)"
        case 9: return "introduce \(p()) and \(p()) on \(d()) note: \(q())"
        case 10: return "spend \(number).25 at \(p()) on \(d()) note: \(q())"
        case 11: return "knows \(p()) \(p()) \(p())"
        case 12: return "set referral \(number) status: \"lost\" value: \(number * 3)"
        case 13: return "set interaction \(number) note: \(q()) quality: 2 asked: false on \(d())"
        case 14: return "set spend \(number) amount: \(number * 11)"
        case 15: return "remove \(rng.pick(["interaction", "referral", "introduction", "spend", "stage"])) \(number)"
        case 16: return rng.chance(0.3) ? "remove \(p())" : "snooze \(p()) until \(d())"
        case 17: return "unsnooze \(p())"
        case 18:
            return rng.chance(0.3)
                ? "merge \(p()) into \(p())" : "add \(q() == "\"\"" ? "\"Nobody\"" : q()) handle: \"odd-\(n)\", company: \(q()), stage: \(stage)"
        case 19: return "fn f\(number)(c) = c.touches * \(number) + l\(number % 3)"
        case 20: return "let l\(number % 3) = \(number)"
        case 21: return "score s\(number) = f\(number)(it) + 1"
        case 22: return "rule \"r\(number)\" when s\(number) > 2 then remind \"call {name} \\{\(number)\\}\""
        case 23:
            return
                "drop \(rng.pick(["fn default_cadence", "score priority", "rule \"reconnect\"", "let w_stage", "fn f\(number)", "score s\(number)"])) cascade"
        case 24: return "rule \(rng.pick(["\"stay in touch\"", "\"reconnect\"", "\"r\(number)\""])) when overdue > \(number)d then remind \(q())"
        case 25:
            return
                "goal \"G\(number % 4)\" metric: count(interactions) + l\(number % 3) target: \(number) per \(rng.pick(["week", "month", "quarter"]))"
        case 26: return "goal \(q() == "\"\"" ? "\"empty\"" : q()) by \(d())"
        case 27: return "helps \(p()) \"G\(number % 4)\""
        case 28: return "market \(q()) served_by: [\(q()), \"salon\"]"
        default:
            return "set me name: \(q()), profession: \"salon\", preferred_client: [\(q()), \"retired\"], goals: [\(q())], emails: [\(q()), \"me@x.org\"]"
        }
    }

    /// #17.10: a note over 1 MB imported from CSV made the dump unrestorable (a literal may hold 1 MB).
    @Test func aLongNoteFromCSVRestores() throws {
        let file = Self.path("t.db")
        let csv = (file as NSString).deletingLastPathComponent + "/long.csv"
        let note = String(repeating: "a long note, with \"quotes\" {and braces} ", count: 40_000) + "end"
        try "name,email,notes\nLong Note,long@example.com,\"\(note.replacingOccurrences(of: "\"", with: "\"\""))\"\n"
            .write(toFile: csv, atomically: true, encoding: .utf8)
        let session = try Session(store: try Store(path: file), today: Self.today, console: Self.quiet)
        #expect(session.runScripts([Source(name: "import", text: "import csv \(ScriptWriter.quote(csv))")], bail: false, readOnly: false) == .success)
        #expect(try session.store.network().contacts.first?.notes == note)
        let (first, second) = try Self.roundTrip(session)
        #expect(first == second, "\(Self.firstDifference(first, second))")
        #expect(first.contains("\" + \""))
    }

    /// A list longer than a list literal may be (interests built with `+`, tags and e-mails from
    /// a JSON file, a market's professions) is written as literals joined by `+`: one literal
    /// made a dump that did not run ("a list literal holds at most 10000 items").
    @Test func aListLongerThanALiteralRestores() throws {
        let file = Self.path("t.db")
        let json = (file as NSString).deletingLastPathComponent + "/many.json"
        let n = Parser.maxItems + 5
        let tags = (0..<n).map { "\"t\($0)\"" }.joined(separator: ",")
        let emails = (0..<n).map { "\"e\($0)@x.example\"" }.joined(separator: ",")
        try "[{\"name\": \"Many\", \"handle\": \"many\", \"tags\": [\(tags)], \"emails\": [\(emails)]}]"
            .write(toFile: json, atomically: true, encoding: .utf8)
        let session = try Session(store: try Store(path: file), today: Self.today, console: Self.quiet)
        let half = (0..<6000).map { "\"i\($0)\"" }.joined(separator: ", ")
        let script = """
            import json \(ScriptWriter.quote(json))
            set @many interests: [\(half)] + [\(half.replacingOccurrences(of: "i", with: "j"))]
            market "big" served_by: [\(half)] + [\(half.replacingOccurrences(of: "i", with: "k"))]
            """
        #expect(session.runScripts([Source(name: "s", text: script)], bail: false, readOnly: false) == .success)
        #expect(try session.store.network().contacts.first?.tags.count == n)
        let (first, second) = try Self.roundTrip(session)
        #expect(first == second, "\(Self.firstDifference(first, second))")
    }

    /// A UID read from a JSON or CSV file is kept only when `uid:` would take it (at most 200
    /// bytes of printable text), else made up from it as for a vCard: one with a tab or of 300
    /// bytes was stored, and the dump stopped at its `uid:` when run.
    @Test func anImportedUIDTheLanguageRefusesIsNotKept() throws {
        let file = Self.path("t.db")
        let dir = (file as NSString).deletingLastPathComponent
        let long = String(repeating: "u", count: 300)
        try "name,handle,uid\nCsv Tab,csv-tab,\"a\tb\"\n".write(toFile: dir + "/u.csv", atomically: true, encoding: .utf8)
        try "[{\"name\": \"Json Long\", \"handle\": \"json-long\", \"uid\": \"\(long)\"}]".write(toFile: dir + "/u.json", atomically: true, encoding: .utf8)
        let session = try Session(store: try Store(path: file), today: Self.today, console: Self.quiet)
        let script = "import csv \(ScriptWriter.quote(dir + "/u.csv"))\nimport json \(ScriptWriter.quote(dir + "/u.json"))"
        #expect(session.runScripts([Source(name: "s", text: script)], bail: false, readOnly: false) == .success)
        let uids = try session.store.network().contacts.map { $0.uid ?? "" }
        #expect(uids.count == 2 && uids.allSatisfy { !$0.isEmpty && $0.utf8.count <= 200 && !$0.contains("\t") }, "\(uids)")
        let (first, second) = try Self.roundTrip(session)
        #expect(first == second, "\(Self.firstDifference(first, second))")
        // The same file again matches the same people.
        #expect(session.runScripts([Source(name: "s", text: script)], bail: false, readOnly: false) == .success)
        #expect(try session.store.network().contacts.count == 2)
    }

    /// Who changed a stage is kept by the dump, as who logged an event is (`set … by:`): a
    /// restore left it out.
    @Test func whoChangedAStageRestores() throws {
        let session = try Session(store: try Store(path: Self.path("t.db")), today: Self.today, console: Self.quiet)
        let script = """
            add "Mia Chen" created: 2026-01-05
            set @mia-chen stage: credibility on 2026-03-01 by: "cat"
            set @mia-chen stage: profitability on 2026-04-01
            """
        #expect(session.runScripts([Source(name: "s", text: script)], bail: false, readOnly: false) == .success)
        #expect(try session.store.network().stageChanges.map(\.by) == ["cat", nil])
        let (first, second) = try Self.roundTrip(session)
        #expect(first == second, "\(Self.firstDifference(first, second))")
        #expect(first.contains("set @mia-chen stage: credibility on 2026-03-01 by: \"cat\"\n"), "\(first)")
        // by: goes with a stage.
        #expect(session.runScripts([Source(name: "s", text: "set @mia-chen company: \"X\" by: \"cat\"")], bail: false, readOnly: false) == .invalid)
    }

    /// #17.10: `add … stage: contact` records a stage change, which the dump's replay must too.
    @Test func stageHistoryRestores() throws {
        let session = try Session(store: try Store(path: Self.path("t.db")), today: Self.today, console: Self.quiet)
        let script = """
            add "Joan Rivera" stage: contact, created: 2026-01-05
            add "Dana Lee" created: 2026-02-01
            set @dana-lee stage: credibility on 2026-03-01
            set @dana-lee stage: visibility on 2026-02-15
            set @dana-lee stage: visibility on 2026-04-01
            remove stage 3
            """
        #expect(session.runScripts([Source(name: "s", text: script)], bail: false, readOnly: false) == .success)
        let (first, second) = try Self.roundTrip(session)
        #expect(first == second, "\(Self.firstDifference(first, second))")
        #expect(first.contains("set @joan-rivera stage: contact on 2026-01-05"))
    }
}
