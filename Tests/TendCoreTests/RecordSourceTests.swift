import Testing

@testable import TendCore

/// The rows of the reports, `connectors`, `gaps in` and `why` have columns a query reads by
/// name, as a collection's fields: `report money show contact` printed the stage named
/// "contact" on every row, and `report reciprocity where contact == @x` was a type error.
@Suite struct RecordSourceTests {
    static func harness() throws -> Harness {
        let h = Harness()
        try h.run(
            """
            add "Dana Lee" profession: "financial advisor"
            add "Joan Rivera" profession: "hairstylist"
            add "Mike Chen"
            set me preferred_client: "retired empty nesters"
            market "retired empty nesters" served_by: ["financial advisor", "travel agent"]
            refer "Ana Park" to @joan-rivera value: 120
            referral from @dana-lee about "Bo Li" value: 500
            spend 85 at @joan-rivera
            knows @dana-lee @mike-chen
            knows @joan-rivera @mike-chen
            """)
        return h
    }

    @Test(arguments: [
        ("report money show contact", ["joan-rivera"]),
        ("report reciprocity where contact == @dana-lee show contact", ["dana-lee"]),
        ("report reciprocity where given > 0 show contact", ["joan-rivera"]),
        ("report money as r where r.spend_12mo > 50 show r.contact", ["joan-rivera"]),
        ("connectors where bridges > 1 show contact", ["mike-chen"]),
    ])
    func aColumnIsTheRowsValue(_ query: String, _ handles: [String]) throws {
        #expect(try Self.harness().column(query) == handles)
    }

    /// `x in (QUERY show COLUMN)` looks among the column's values, as SQL's IN (SELECT …) does
    /// (it was always false); among whole rows of another kind it is an error.
    @Test func membershipInOneColumn() throws {
        let h = try Self.harness()
        #expect(try h.column("contacts where it in (report money show contact) show handle") == ["joan-rivera"])
        #expect(try h.column("contacts where name in (contacts where profession != null show name) sort by name show handle") == ["dana-lee", "joan-rivera"])
        #expect(try h.column("contacts where handle in (report reciprocity show contact.handle) sort by name show handle") == ["dana-lee", "joan-rivera"])
        do {
            try h.run("count(contacts where it in (report money))")
            Issue.record("no error")
        } catch let d as Diagnostic {
            #expect(d.message == "cannot look for a contact among the rows of report money; the result would always be false", "\(d.message)")
        }
    }

    @Test func gapsAndWhyReadTheirColumns() throws {
        let h = try Self.harness()
        #expect(try h.column("gaps in my preferred client where contacts == 0 show profession") == ["travel agent"])
        #expect(try h.value("count(why @dana-lee where what ~ \"rule\")").numberValue ?? 0 > 0)
    }

    /// A name that is no column of the source is an error with the nearest column (it was read
    /// as the stage or a tag, or as null on every row).
    @Test(arguments: [
        ("why @dana-lee where rule == \"x\"", "unknown name 'rule'"),
        ("connectors show contact, bridge", "unknown name 'bridge'"),
        ("report money show spend", "unknown name 'spend'"),
    ])
    func aNameThatIsNoColumnIsAnError(_ query: String, _ message: String) throws {
        #expect(throws: Diagnostic.self) { try Self.harness().run(query) }
        do { try Self.harness().run(query) } catch let d as Diagnostic { #expect(d.message.hasPrefix(message), "\(d.message)") }
    }

    /// Every report the language knows has its columns, and each source's rows are made with them.
    @Test func everySourceMakesTheColumnsItsSchemaGives() throws {
        #expect(Set(Interpreter.reportKinds) == Set(Schema.reports.keys))
        let h = try Self.harness()
        for (kind, spec) in Schema.reports where kind != "candidates" {
            guard case .table(let t)? = try h.run("report \(kind)").last else { continue }
            #expect(t.columns == spec.fieldNames, "\(kind)")
        }
        for (query, spec) in [("connectors", Schema.connectors), ("gaps in my preferred client", Schema.gaps), ("why @dana-lee", Schema.why)] {
            guard case .table(let t)? = try h.run(query).last else {
                Issue.record("no table: \(query)")
                continue
            }
            #expect(t.columns == spec.fieldNames, "\(query)")
        }
    }
}
