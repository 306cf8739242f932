import Testing

@testable import TendCore

let testToday = Day(year: 2026, month: 11, day: 23)!

/// An interpreter over an in-memory model, with the prelude's definitions unless told otherwise.
final class Harness {
    let model = MemoryModel()
    let interpreter: Interpreter

    init(today: Day = testToday, prelude: Bool = true) {
        interpreter = Interpreter(model: model, today: today, definitions: prelude ? Harness.checkedPrelude : Definitions())
    }

    static let checkedPrelude: Definitions = {
        var c = Checker(definitions: Definitions())
        c.check(Prelude.statements)
        return c.definitions
    }()

    /// Parses, checks and runs text; throws the first diagnostic.
    @discardableResult
    func run(_ text: String, name: String = "t") throws -> [Output] {
        let source = Source(name: name, text: text)
        let parsed = Parser.parse(source)
        if let d = parsed.diagnostics.first { throw d }
        var checker = Checker(definitions: interpreter.definitions)
        checker.check(parsed.statements)
        if let d = checker.diagnostics.first { throw d }
        interpreter.resolutions = checker.resolutions
        var out: [Output] = []
        for s in parsed.statements { out += try interpreter.execute(s) }
        return out
    }

    /// The value of one expression.
    func value(_ text: String) throws -> Value {
        let out = try run(text)
        switch out.last {
        case .value(let v, _)?: return v
        case .table(let t)?: return .list(t.rows.map { .list($0) })
        default: return .null
        }
    }

    /// The first column of a query's rows, as text (contacts by handle).
    func column(_ text: String) throws -> [String] {
        guard case .table(let t)? = try run(text).last else { return [] }
        return t.rows.map { row in
            if case .contact(let id) = row[0] { return t.people[id]?.handle ?? "?" }
            return plainText(row[0])
        }
    }

    func handles(_ text: String) throws -> [String] {
        guard case .table(let t)? = try run(text).last else { return [] }
        let i = t.columns.firstIndex(of: "handle") ?? t.columns.firstIndex(of: "contact") ?? 0
        return t.rows.map { row in
            if case .contact(let id) = row[i] { return t.people[id]?.handle ?? "?" }
            return plainText(row[i])
        }
    }

    func text(_ v: Value) -> String { (try? interpreter.display(v)) ?? "" }
}

/// The small network the language examples run against.
func fixture(prelude: Bool = true) throws -> Harness {
    let h = Harness(prelude: prelude)
    try h.run(
        """
        add "Joan Rivera" profession: "hairstylist", company: "Salon Joan", +vendor, cadence: 3mo, created: 2025-01-10
        add "Dana Lee" profession: "financial advisor", stage: credibility, serves: ["retired empty nesters"], created: 2025-02-01
        add "Tom Okafor" profession: "travel agent", created: 2025-03-01, +vip
        add "Mike Chen" profession: "landscaper", created: 2025-04-01
        add "Ana Park" profession: "editor", created: 2025-05-01, met_at: "LinkedIn"
        add "Editor Jane" profession: "editor", created: 2025-06-01
        set @joan-rivera stage: visibility, next_step: "ask about newsletter ad", next_due: 2026-12-01, +local
        set me profession: "real estate agent", preferred_client: "retired empty nesters"
        market "retired empty nesters" served_by: ["financial advisor", "travel agent", "landscaper", "pet resort", "salon"]
        log lunch with @joan-rivera on 2026-11-20 note: "asked about ad space" quality: 4 asked
        log call with @dana-lee on 2026-11-01 gave
        log email with @tom-okafor on 2026-05-01 inbound
        refer "Mike Chen" to @joan-rivera on 2026-10-01 note: "needs a stylist" value: 120
        referral from @dana-lee about "Ana Park" on 2026-09-15 value: 500
        introduce @ana-park and @dana-lee on 2026-08-01 note: "both fly-fish"
        spend 85 at @joan-rivera on 2026-11-01
        knows @dana-lee @mike-chen
        knows @mike-chen @editor-jane
        goal "Write an article for the local paper" by 2027-03-31
        goal "Meet in person" metric: count(interactions where kind in ["lunch", "coffee", "meeting"]) target: 12 per quarter
        helps @editor-jane "Write an article for the local paper"
        """)
    return h
}

extension Diagnostic {
    var lineColumn: (Int, Int) { source?.location(of: range.start) ?? (0, 0) }
}
