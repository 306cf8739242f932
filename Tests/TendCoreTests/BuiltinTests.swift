import Testing

@testable import TendCore

/// Each built-in is one entry of `Builtin.all`: the checker types a call and the interpreter
/// runs it from that entry alone, so a new entry works everywhere or fails here.
@Suite struct BuiltinTests {
    static let functions = Builtin.all.filter { $0.run != nil }.map(\.name)

    @Test(arguments: functions)
    func runsFromItsEntry(_ name: String) throws {
        let b = try #require(Builtin.byName[name])
        let h = Harness()
        var args = Array(repeating: "null", count: b.arity.lowerBound)
        if case .period = b.typing { args[0] = "month" }
        let v = try h.value("\(name)(\(args.joined(separator: ", ")))")
        if case .period = b.typing { #expect(["2026-11-01", "2026-11-30"].contains(plainText(v)), "\(plainText(v))") }
        // An argument of the wrong type is a check error that names the function.
        if case .fixed(let params, _) = b.typing, let first = params.first, first != .any {
            let wrong = first == .string ? "1" : "\"x\""
            let text = "\(name)(\(([wrong] + args.dropFirst()).joined(separator: ", ")))"
            #expect(throws: Diagnostic.self, "\(text)") { try h.run(text) }
            do { try h.run(text) } catch let d as Diagnostic { #expect(d.message.hasPrefix("\(name) needs"), "\(d.message)") }
        }
    }

    /// `join` of a query joins its contacts' names or its one shown column (b105 F5: it gave
    /// the text "2 rows", so a rule's message could print that); two columns are an error.
    @Test func joinTakesAQuerysRows() throws {
        let h = Harness()
        _ = try h.run(#"add "Ana Park" city: "Oslo", +vip"#)
        _ = try h.run(#"add "Bo Li" city: "Rome", +vip"#)
        #expect(h.text(try h.value(#"join((contacts where +vip show city), "; ")"#)) == "Oslo; Rome")
        #expect(h.text(try h.value("join(contacts where +vip)")) == "Ana Park, Bo Li")
        #expect(h.text(try h.value(#"join(contacts where name == "x")"#)) == "")
        do {
            _ = try h.value("join(contacts show name, city)")
            Issue.record("two columns joined")
        } catch let d as Diagnostic {
            #expect(d.message == "join needs a list, or a query of contacts or that shows one column; this one shows 2 (name, city)", "\(d.message)")
        }
        // Rows of another collection, without `show`, are no text (they were "item, item").
        _ = try h.run(#"market "Dentists" served_by: ["dentist"]"#)
        #expect(throws: Diagnostic.self) { _ = try h.value("join(markets)") }
    }

    @Test func aggregatesAreTheEntriesWithoutAnImplementation() {
        #expect(Builtin.aggregates == ["count", "sum", "avg", "min", "max"])
        #expect(Set(Builtin.all.map(\.name)).count == Builtin.all.count)
    }
}
