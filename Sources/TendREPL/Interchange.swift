import Foundation
import TendCore
import TendInterchange
import TendStore

/// `import FORMAT FILE`: people from other programs' files, matched against the database.
struct Importer {
    let session: Session

    struct Failure: Error, CustomStringConvertible {
        let description: String
    }

    /// Reads a file for import; devices and FIFOs are refused rather than read.
    static func readFile(_ path: String) throws -> [UInt8] {
        var st = stat()
        guard stat(path, &st) == 0 else { throw Failure(description: "\(path): no such file") }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            throw Failure(description: "\(path) is not a regular file (a device, FIFO or folder); Tend does not read it")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(description: "\(path): cannot read it") }
        return [UInt8](data)
    }

    func run(format: String, path: String, options: [String: Value]) throws -> String {
        let bytes = try Importer.readFile(path)
        var mapping: [String: String] = [:]
        if case .record(let r)? = options["map"] {
            for (k, v) in zip(r.keys, r.values) { if let s = v.stringValue { mapping[k] = s } }
        }
        let batch: ImportBatch
        do {
            switch format {
            case "vcard": batch = try VCard.read(bytes)
            case "csv": batch = try CSVImport.read(bytes, flavor: .generic, mapping: mapping)
            case "linkedin": batch = try CSVImport.read(bytes, flavor: .linkedin, mapping: mapping)
            case "google": batch = try CSVImport.read(bytes, flavor: .google, mapping: mapping)
            case "json": batch = try JSONImport.read(bytes)
            default: throw Failure(description: "cannot import \(format)")
            }
        } catch let e as ImportError {
            throw Failure(description: "\(path): \(e)")
        }
        let skipBad = options["skip_bad"]?.isTrue ?? false
        let dryRun = options["dry_run"]?.isTrue ?? false
        if let first = batch.errors.first, !skipBad {
            let more = batch.errors.count > 1 ? " (and \(batch.errors.count - 1) more bad records)" : ""
            throw Failure(description: "\(path): \(first)\(more); nothing was imported (skip_bad imports the good records)")
        }
        var report = Report()
        try apply(batch.contacts, dryRun: dryRun, report: &report)
        session.interpreter.invalidate()
        var lines = [
            "\(dryRun ? "Would import" : "Imported") from \(path): \(report.added) added, \(report.merged) merged, \(batch.errors.count + report.skipped.count) skipped."
        ]
        for e in batch.errors { lines.append("  skipped \(e)") }
        for s in report.skipped { lines.append("  skipped \(s)") }
        return lines.joined(separator: "\n")
    }

    struct Report {
        var added = 0
        var merged = 0
        var skipped: [String] = []
    }

    /// Adds new people and merges those already known (same e-mail, or same name and company).
    func apply(_ people: [ImportedContact], dryRun: Bool, report: inout Report) throws {
        let store = session.store
        let net = try store.network(events: false)
        var byEmail: [String: Int64] = [:]
        var byName: [String: Int64] = [:]
        var handles = Set(net.contacts.map(\.handle))
        var contacts: [Int64: Contact] = [:]
        for c in net.contacts {
            contacts[c.id] = c
            if let e = c.email { byEmail[e.lowercased()] = c.id }
            byName[key(c.name, c.company)] = c.id
        }
        let today = session.today
        var nextDryID: Int64 = -1
        for p in people {
            let match = p.emails.lazy.compactMap { byEmail[$0.lowercased()] }.first ?? byName[key(p.name, p.company)]
            if let id = match, var c = contacts[id] {
                fill(&c, from: p)
                if !dryRun { try store.apply(.updateContact(c)) }
                contacts[id] = c
                report.merged += 1
                continue
            }
            var handle = p.handle.flatMap { handles.contains($0) ? nil : $0 } ?? makeHandle(p.name)
            if handles.contains(handle) {
                var n = 2
                while handles.contains("\(handle)-\(n)") { n += 1 }
                handle = "\(handle)-\(n)"
            }
            var c = Contact(name: p.name, handle: handle, created: today)
            fill(&c, from: p)
            if let s = p.stage { c.stage = s }
            let id: Int64
            if dryRun {
                id = nextDryID
                nextDryID -= 1
            } else {
                id = try store.apply(.insertContact(c)) ?? 0
                if let s = p.stage, s != .contact { try store.apply(.insertStageChange(StageChange(contact: id, stage: s, on: today))) }
            }
            c.id = id
            contacts[id] = c
            handles.insert(handle)
            for e in p.emails { byEmail[e.lowercased()] = byEmail[e.lowercased()] ?? id }
            byName[key(c.name, c.company)] = id
            report.added += 1
        }
    }

    func key(_ name: String, _ company: String?) -> String {
        Importer.collapsingSpaces(normalize(name)) + "\u{1F}" + normalize(company ?? "")
    }

    /// Runs of spaces as one, none at either end; ASCII text on its bytes (splitting Characters
    /// was a tenth of an import), other text by Characters.
    static func collapsingSpaces(_ s: String) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(s.utf8.count)
        for b in s.utf8 {
            if b >= 0x80 { return s.split(separator: " ").joined(separator: " ") }
            if b == 32, bytes.last ?? 32 == 32 { continue }
            bytes.append(b)
        }
        if bytes.last == 32 { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// Fills what the contact lacks; lists are joined; notes are appended once.
    func fill(_ c: inout Contact, from p: ImportedContact) {
        if c.company == nil { c.company = p.company }
        if c.title == nil { c.title = p.title }
        if c.profession == nil { c.profession = p.profession }
        if c.email == nil { c.email = p.emails.first }
        if c.phone == nil { c.phone = p.phones.first }
        if c.city == nil { c.city = p.city }
        if c.metAt == nil { c.metAt = p.metAt }
        if c.metOn == nil { c.metOn = p.metOn }
        if c.relationship == nil { c.relationship = p.relationship }
        if c.cadence == nil { c.cadence = p.cadence }
        for t in p.tags where !c.tags.contains(t) { c.tags.append(t) }
        var extra = p.notes
        extra += p.emails.dropFirst().map { "email: \($0)" }
        extra += p.phones.dropFirst().map { "phone: \($0)" }
        for n in extra where !(c.notes ?? "").contains(n) {
            c.notes = c.notes.map { $0 + "\n" + n } ?? n
        }
    }
}

/// Reads `export json` output back (stored fields; derived ones are ignored).
enum JSONImport {
    static func read(_ bytes: [UInt8]) throws -> ImportBatch {
        let text = try decodeText(bytes, what: "file")
        guard let rows = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [[String: Any]] else {
            throw ImportError("file", "expected a JSON array of objects (what export json writes)")
        }
        var batch = ImportBatch()
        for (i, row) in rows.enumerated() {
            let origin = "record \(i + 1)"
            guard let name = row["name"] as? String, !name.isEmpty else {
                batch.errors.append(ImportError(origin, field: "name", "no name"))
                continue
            }
            var c = ImportedContact(origin: origin, name: name)
            func s(_ k: String) -> String? { row[k] as? String }
            c.handle = s("handle")
            c.company = s("company")
            c.title = s("title")
            c.profession = s("profession")
            c.emails = s("email").map { [$0] } ?? []
            c.phones = s("phone").map { [$0] } ?? []
            c.city = s("city")
            c.tags = row["tags"] as? [String] ?? []
            c.metAt = s("met_at")
            c.metOn = s("met_on").flatMap { Day(iso: $0) }
            c.relationship = s("relationship")
            c.stage = s("stage").flatMap { Stage(name: $0) }
            c.cadence = s("own_cadence").flatMap { Duration(literal: $0) }
            if let n = s("notes") { c.notes = [n] }
            batch.contacts.append(c)
        }
        return batch
    }
}

/// `export FORMAT FILE [QUERY]`: contacts (or the agenda, for ics) for other programs.
struct Exporter {
    let session: Session

    /// The stored fields that CSV export writes and CSV import reads back.
    static let csvFields = [
        "name", "handle", "company", "title", "profession", "email", "phone", "city", "tags", "met_at",
        "met_on", "relationship", "stage", "cadence", "notes",
    ]

    func run(format: String, path: String, table: Table, contacts ids: [Int64]) throws -> String {
        let net = try session.store.network()
        let people = ids.compactMap { net.contact($0) }
        let text: String
        var count = people.count
        switch format {
        case "json":
            text = Renderer(format: .json).render(try contactsTable(ids)) + "\n"
        case "csv":
            let rows = people.map { c -> [Value] in
                [
                    .string(c.name), .string(c.handle), .optional(c.company), .optional(c.title), .optional(c.profession),
                    .optional(c.email), .optional(c.phone), .optional(c.city), .string(c.tags.joined(separator: ";")),
                    .optional(c.metAt), .optional(c.metOn), .optional(c.relationship), .string(c.stage.description),
                    c.cadence.map { .string(ScriptWriter.durationLiteral($0).replacingOccurrences(of: " ", with: "")) } ?? .null,
                    .optional(c.notes),
                ]
            }
            text = Renderer(format: .csv).render(Table(columns: Exporter.csvFields, rows: rows)) + "\n"
        case "vcard":
            text = people.map(VCard.write).joined()
        case "ics":
            let items = table.rows.compactMap { row -> CalendarWriter.Item? in
                let cell = Dictionary(uniqueKeysWithValues: zip(table.columns, row))
                guard case .contact(let id)? = cell["contact"], let c = net.contact(id) else { return nil }
                let priority = cell["priority"]?.numberValue.map { NSDecimalNumber(decimal: $0).intValue } ?? 0
                let rule = cell["rule"].map(plainText) ?? ""
                return CalendarWriter.Item(
                    uid: "\(c.handle)-\(makeHandle(rule))@tend", summary: cell["message"].map(plainText) ?? rule,
                    description: "\(c.name) (@\(c.handle)): rule \"\(rule)\"", due: session.today,
                    // iCalendar: 1 is the highest priority, 9 the lowest.
                    priority: max(1, min(9, 10 - priority)), category: rule)
            }
            count = items.count
            text = CalendarWriter.ics(items, stamp: session.today)
        case "dot":
            text = CalendarWriter.dot(people, edges: net.knows)
        default:
            throw Importer.Failure(description: "cannot export \(format); formats are vcard, csv, json, ics, dot")
        }
        try session.output(text, to: path, existing: session.exporting)
        let noun = format == "ics" ? "agenda item" : "contact"
        return "Exported \(count) \(noun)\(count == 1 ? "" : "s") to \(path)."
    }

    /// Every stored and derived field of the contacts.
    func contactsTable(_ ids: [Int64]) throws -> Table {
        let interpreter = session.interpreter
        let set = RowSet(
            collection: nil, rows: ids.map(Value.contact),
            columns: Schema.contacts.fields.map(\.name) + interpreter.definitions.scores.keys.sorted())
        return try interpreter.table(set)
    }
}
