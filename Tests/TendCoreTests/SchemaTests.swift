import Testing

@testable import TendCore

/// `Schema` is the one table of the contact's fields: the other lists of them agree with it.
@Suite struct SchemaTests {
    @Test func theInterpretersFieldKeysAreTheSchemasFields() {
        #expect(Set(Interpreter.ContactKey.allCases.map(\.rawValue)) == Set(Schema.contacts.fields.map(\.name)))
    }

    @Test func theFlagsAreTheStoredYesNoFields() {
        let stored = Schema.contacts.fields.filter { !$0.derived && $0.type == .bool }.map(\.name)
        #expect(Set(Schema.contactFlags.keys) == Set(stored))
        for (name, path) in Schema.contactFlags {
            var c = Contact(name: "x", handle: "x", created: testToday)
            Interpreter.setFlag(name, true, on: &c)
            #expect(c[keyPath: path])
        }
    }

    /// Every stored field but the id and handle (set otherwise) can be given to `add`.
    @Test func everyStoredFieldIsAnOption() {
        for f in Schema.contacts.fields where !f.derived && !["id", "own_cadence"].contains(f.name) {
            #expect(Checker.contactOptionTypes[f.name] != nil, "\(f.name)")
        }
    }
}
