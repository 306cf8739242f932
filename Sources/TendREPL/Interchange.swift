import Foundation
import TendCore
import TendStore

/// `import FORMAT FILE`: reads contacts from other programs' files (see issue 7 for the formats).
struct Importer {
    let session: Session

    func run(format: String, path: String, options: [String: Value]) throws -> String {
        throw Session.ReadError.io("import \(format) is not available yet in this build")
    }
}

/// `export FORMAT FILE [QUERY]`: writes contacts (or the agenda) for other programs.
struct Exporter {
    let session: Session

    func run(format: String, path: String, table: Table, contacts: [Int64]) throws -> String {
        let text: String
        switch format {
        case "json":
            text = try contactsJSON(contacts)
        case "csv":
            text = Renderer(format: .csv).render(try contactsTable(contacts)) + "\n"
        default:
            throw Session.ReadError.io("export \(format) is not available yet in this build")
        }
        try Session.writePrivate(text, to: path)
        return "Exported \(contacts.count) contact\(contacts.count == 1 ? "" : "s") to \(path)."
    }

    /// Every stored and derived field of the contacts.
    func contactsTable(_ ids: [Int64]) throws -> Table {
        let interpreter = session.interpreter
        let set = RowSet(collection: nil, rows: ids.map(Value.contact),
            columns: Schema.contacts.fields.map(\.name) + interpreter.definitions.scores.keys.sorted())
        return try interpreter.table(set)
    }

    func contactsJSON(_ ids: [Int64]) throws -> String {
        Renderer(format: .json).render(try contactsTable(ids)) + "\n"
    }
}
