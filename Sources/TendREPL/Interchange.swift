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

    /// Reads a file for import (`-`: standard input, `curl … | tend import vcard -`); devices and
    /// FIFOs are refused rather than read.
    static func readFile(_ path: String, format: String = "vcard") throws -> [UInt8] {
        if path == "-" {
            guard isatty(STDIN_FILENO) == 0 else {
                let example = ["ics": "calendar.ics", "mbox": "sent.mbox", "csv": "contacts.csv", "json": "contacts.json"][format] ?? "cards.vcf"
                throw Failure(description: "- is standard input, which is this terminal: pipe the file in (tend import \(format) - < \(example))")
            }
            return try Session.readStandardInput()
        }
        var st = stat()
        guard stat(path, &st) == 0 else { throw Failure(description: "\(path): no such file") }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            // A folder of cards (a phone's or a server's address book) has an importer of its own.
            if (st.st_mode & S_IFMT) == S_IFDIR, format == "vcard" {
                throw Failure(description: "\(path) is a folder; import vdir reads a folder of cards (one .vcf file each)")
            }
            throw Failure(description: "\(path) is not a regular file (a device, FIFO or folder); Tend does not read it")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw Failure(description: "\(path): cannot read it") }
        return [UInt8](data)
    }

    func run(format: String, path: String, options: [String: Value]) throws -> String {
        var mapping: [String: String] = [:]
        if case .record(let r)? = options["map"] {
            for (k, v) in zip(r.keys, r.values) { if let s = v.stringValue { mapping[k] = s } }
        }
        let batch: ImportBatch
        do {
            // A folder's cards are files of their own: one that cannot be read is skipped and named.
            if format == "vdir" { return try finish(try Vdir.read(path, session: session), path: path, options: options, skipBad: true, sync: true) }
            let bytes = try Importer.readFile(path, format: format)
            switch format {
            case "vcard": batch = try VCard.read(bytes)
            case "csv": batch = try CSVImport.read(bytes, flavor: .generic, mapping: mapping)
            case "linkedin": batch = try CSVImport.read(bytes, flavor: .linkedin, mapping: mapping)
            case "google": batch = try CSVImport.read(bytes, flavor: .google, mapping: mapping)
            case "json": batch = try JSONImport.read(bytes, scores: Set(session.interpreter.definitions.scores.keys))
            default: throw Failure(description: "cannot import \(format)")
            }
        } catch let e as ImportError {
            throw Failure(description: "\(path): \(e)")
        }
        return try finish(batch, path: path, options: options, skipBad: options["skip_bad"]?.isTrue ?? false)
    }

    /// Merges what was read into the database and says what was done.
    /// With `sync` (a vdir), a card is the person as the phone or server has them: see `apply`.
    func finish(_ batch: ImportBatch, path: String, options: [String: Value], skipBad: Bool, sync: Bool = false) throws -> String {
        let dryRun = options["dry_run"]?.isTrue ?? false
        let update = options["update"]?.isTrue ?? false
        // A record Tend could not store is a bad record, named, like one it could not read.
        var batch = batch
        batch.contacts = batch.contacts.filter { c in
            guard let e = c.unstorable() else { return true }
            batch.errors.append(e)
            return false
        }
        if let first = batch.errors.first, !skipBad {
            let more = batch.errors.count > 1 ? " (and \(batch.errors.count - 1) more bad records)" : ""
            throw Failure(description: "\(path): \(first)\(more); nothing was imported (\(session.option("skip_bad")) imports the good records)")
        }
        // What the reader had to guess or leave out of the records it read is said first.
        var report = Report(notes: batch.warnings.map(\.description))
        try apply(batch.contacts, dryRun: dryRun, update: update, sync: sync, report: &report)
        session.interpreter.invalidate()
        // Written once the run is committed.
        if sync && !dryRun && !(report.taken.isEmpty && report.copies.isEmpty) {
            Vdir.SyncState.record(report.taken, copies: report.copies, in: path, session: session)
        }
        let takeTheFiles = session.fromCommandLine ? "tend import --update" : "import … update"
        return report.text(path: path, dryRun: dryRun, update: update, errors: batch.errors, takeTheFiles: takeTheFiles)
    }

    /// What an import did, for its report.
    struct Report {
        var added = 0
        var merged = 0
        /// Records that bring nothing new (cards of a vdir no one changed since Tend wrote them,
        /// a file imported again): neither merged nor added.
        var unchanged = 0
        /// Fields that differed on a merge: taken from the file, or kept and in conflict.
        var changes: [FieldChange] = []
        /// What the user should know about records that were imported (a handle replaced, …).
        var notes: [String] = []
        /// The vdir cards the import took in whole (added) or with `--update`, by UID, with the
        /// digest of their bytes: recorded in the folder's `.tend-sync`, so that a later import
        /// passes them over until they change again (a Tend edit made in between stays) and
        /// an export may replace them.
        var taken: [String: Vdir.SyncState.Entry] = [:]
        /// The copies passed over for a card that was not taken (unchanged), by UID: recorded
        /// with what the folder's state knows of the card, else with the card as it is.
        var copies: [String: (digests: [String], card: Vdir.SyncState.Entry?)] = [:]
        /// The most lines of changes a report lists; the rest are counted.
        static let maxChangeLines = 1000

        /// Says which cards were passed over because Tend wrote them for contacts it no longer has
        /// (the first few by file).
        mutating func noteOrphaned(_ orphaned: [String]) {
            guard !orphaned.isEmpty else { return }
            let n = orphaned.count
            let some = Vdir.someOf(orphaned)
            notes.append(
                "\(n) card\(n == 1 ? "" : "s") Tend wrote for contacts it no longer has (removed, or merged into another) \(n == 1 ? "was" : "were") passed over (\(some)): delete \(n == 1 ? "it" : "them") on the phone")
        }

        /// `takeTheFiles`: how the user who ran the import asks for the file's values.
        func text(path: String, dryRun: Bool, update: Bool, errors: [ImportError], takeTheFiles: String) -> String {
            var lines = [
                "\(dryRun ? "Would import" : "Imported") from \(path): \(added) added, \(merged) merged, "
                    + (unchanged > 0 ? "\(unchanged) unchanged, " : "") + "\(errors.count) skipped."
            ]
            // A file of 20,000 damaged lines is told by its first thousand, the rest counted.
            for e in errors.prefix(Report.maxChangeLines) { lines.append("  skipped \(e)") }
            if errors.count > Report.maxChangeLines { lines.append("  … and \(errors.count - Report.maxChangeLines) more skipped") }
            for n in notes.prefix(Report.maxChangeLines) { lines.append("  \(n)") }
            if notes.count > Report.maxChangeLines { lines.append("  … and \(notes.count - Report.maxChangeLines) more warnings") }
            // Taken from the file (with update), then kept (without it, or a UID, which update keeps).
            for applied in [true, false] {
                let these = changes.filter { $0.applied == applied }
                guard !these.isEmpty else { continue }
                let n = these.count
                lines.append(
                    applied
                        ? "  \(n) field\(n == 1 ? "" : "s") \(dryRun ? "would be" : n == 1 ? "was" : "were") updated from the file:"
                        : "  \(n) conflict\(n == 1 ? "" : "s"): the database's value\(n == 1 ? " was" : "s were") kept"
                            + (update ? ":" : " (\(takeTheFiles) takes the file's):")
                )
                for c in these.prefix(Report.maxChangeLines) { lines.append("    \(c)") }
                if n > Report.maxChangeLines { lines.append("    … and \(n - Report.maxChangeLines) more") }
            }
            return lines.joined(separator: "\n")
        }
    }

    /// Adds new people and merges those already known (see `ContactIndex` for who is whom).
    /// With `sync`, a card linked to its contact by UID is news only when someone changed it
    /// since `export vdir` wrote it: an unchanged one is passed over (what Tend changed since
    /// stays), and with `update` a changed one replaces what the card carries (`Merge.applyCard`),
    /// so that a phone number deleted on the phone is deleted here too.
    func apply(_ people: [ImportedContact], dryRun: Bool, update: Bool, sync: Bool = false, report: inout Report) throws {
        let store = session.store
        let net = try store.network(events: false)
        var contacts = Dictionary(uniqueKeysWithValues: net.contacts.map { ($0.id, $0) })
        // Room for every card at once: growing copied every contact held so far, again and again.
        contacts.reserveCapacity(net.contacts.count + people.count)
        var index = ContactIndex(net.contacts)
        let today = session.today
        var nextDryID: Int64 = -1
        // Handles records of the file give themselves: one made for another record never takes
        // them (the record naming it would then be merged into that one).
        let named = Set(people.compactMap { $0.handle.flatMap { isValidHandle($0) ? $0 : nil } })
        // A folder this database syncs with (some card is a contact's by UID): a card Tend wrote
        // that no one changed since, whose contact is gone (removed, or merged into another), is
        // not news; taken, it brought the removed person back, or put a merged-away name and
        // title back over the contact it was merged into.
        let uids = Set(net.contacts.compactMap(\.uid))
        let syncedFolder = sync && people.contains { $0.uid.map(uids.contains) == true }
        var orphaned: [String] = []
        defer { report.noteOrphaned(orphaned) }
        for var p in people {
            // Ctrl-C or SIGTERM: the import is rolled back whole, and says so.
            try Interruption.check()
            p.dropRepeatedPoints()
            if syncedFolder, p.unchangedSinceWritten, let uid = p.uid, !uids.contains(uid) {
                report.unchanged += 1
                orphaned.append(String(p.origin.prefix { $0 != ":" }))
                continue
            }
            if let id = index.match(p, in: contacts), var c = contacts[id] {
                let before = c
                let linked = sync && p.uid != nil && p.uid == c.uid
                if linked && p.unchangedSinceWritten {
                    if !p.staleCopies.isEmpty, let uid = p.uid { report.copies[uid] = (p.staleCopies, Vdir.SyncState.entry(of: p)) }
                    report.unchanged += 1
                    continue
                }
                // The parts of a synced card its owner left as Tend wrote them are what Tend holds
                // now, so that an edit made in Tend since the export stays.
                let changed = linked && update ? p.changedParts : nil
                if let changed, let tend = try VCard.read(Array(VCard.write(c).utf8)).contacts.first {
                    let asRead = p
                    p.takeParts(Set(ImportedContact.syncParts).subtracting(changed), from: tend)
                    p.mergeLists(changed, with: tend, asRead: asRead)
                }
                let changes = linked && update ? Merge.applyCard(p, to: &c) : Merge.merge(p, into: &c, update: update)
                report.changes += changes
                if linked && update, let uid = p.uid, let entry = Vdir.SyncState.entry(taking: p, as: c) { report.taken[uid] = entry }
                // A card Tend wrote or took in whose parts' digests are gone or unreadable (an older
                // Tend's, or a server that rewrote the line) cannot say what the phone changed.
                if linked && update && changed == nil && !changes.isEmpty && (p.writtenByTend || p.knownWithoutParts) {
                    let line =
                        p.writtenByTend
                        ? "its \(VCard.syncProperty) line does not say which fields were changed on the phone (an older Tend wrote it, or a server rewrote it)"
                        : "the folder's \(Vdir.SyncState.fileName) line for it does not say which fields were changed on the phone (an older Tend wrote it)"
                    report.notes.append("\(p.origin): \(line): the card was taken whole")
                }
                // A record that changes nothing (the same file imported again, or one whose
                // differing values were all kept and reported as conflicts) is unchanged, not merged.
                if c == before {
                    report.unchanged += 1
                    continue
                }
                report.merged += 1
                if !dryRun {
                    try store.apply(.updateContact(c))
                    if c.stage != before.stage { try store.apply(.insertStageChange(StageChange(contact: id, stage: c.stage, on: today))) }
                }
                contacts[id] = c
                index.index(c, old: before)
                continue
            }
            var c = Merge.newContact(p, handle: Importer.handle(for: p, index, named: named, report: &report), today: today)
            // The number the file gives (`export json`), when no contact has it: an export read
            // back into an empty database keeps the numbers that name its contacts.
            if let id = p.id, contacts[id] == nil { c.id = id }
            if dryRun {
                c.id = nextDryID
                nextDryID -= 1
            } else {
                try insert(&c, stageSince: p.stageSince)
            }
            contacts[c.id] = c
            index.added(c, from: p)
            report.added += 1
            if sync, let uid = c.uid, uid == p.uid, let entry = Vdir.SyncState.entry(taking: p, as: c) { report.taken[uid] = entry }
        }
    }

    /// The handle a new record takes: the one it gives when that is a handle, else one made of
    /// its name; `-2`, `-3`… when taken (or given by another record of the file, `named`). A
    /// given text that is no handle is said.
    static func handle(for p: ImportedContact, _ index: ContactIndex, named: Set<String>, report: inout Report) -> String {
        let invalid = p.handle.flatMap { isValidHandle($0) ? nil : $0 }
        let given = p.handle.flatMap { invalid != nil ? nil : $0 }
        var handle = given ?? makeHandle(given: p.givenName, family: p.familyName, name: p.name)
        let taken = { (h: String) in index.isTaken(h) || (given == nil && named.contains(h)) }
        if taken(handle) {
            var n = 2
            while taken("\(handle)-\(n)") { n += 1 }
            handle = "\(handle)-\(n)"
        }
        if let invalid {
            report.notes.append("\(p.origin): \(jsonStringLiteral(invalid)) is not a handle (lowercase letters and digits joined by dashes); imported as @\(handle)")
        }
        return handle
    }

    /// Stores a new contact, with its number, dated in its stage as `add … created: DATE, stage:
    /// S` dates it unless the file knows when the stage began.
    func insert(_ c: inout Contact, stageSince: Day?) throws {
        c.id = try session.store.apply(.insertContact(c)) ?? 0
        if c.stage != .contact {
            try session.store.apply(.insertStageChange(StageChange(contact: c.id, stage: c.stage, on: stageSince ?? c.created)))
        }
    }
}

/// Reads `export json` output back: every stored field it writes (derived ones are ignored).
enum JSONImport {
    /// Where the parser stopped, as a line and column when it says (`around character 17`).
    static func place(of error: Error, in data: Data) -> String {
        let said = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? ""
        guard let r = said.range(of: #"around character (\d+)"#, options: .regularExpression),
            let offset = Int(said[r].split(separator: " ").last ?? "")
        else { return "file" }
        return place(ofOffset: offset, in: data)
    }

    /// The line and column of a byte of the file.
    static func place(ofOffset offset: Int, in data: Data) -> String {
        var (line, column) = (1, 1)
        for b in data.prefix(offset) {
            if b == 0x0A { (line, column) = (line + 1, 1) } else if b & 0xC0 != 0x80 { column += 1 }
        }
        return "line \(line), column \(column)"
    }

    /// Where the first `\\uXXXX` escape of a string stands that is half a surrogate pair without
    /// its other half, and the escape (nil when there is none).
    static func loneSurrogate(in data: Data) -> (offset: Int, escape: String)? {
        let bytes = [UInt8](data)
        func unit(at i: Int) -> UInt16? {
            guard i + 6 <= bytes.count, bytes[i] == UInt8(ascii: "\\"), bytes[i + 1] == UInt8(ascii: "u") else { return nil }
            return UInt16(String(decoding: bytes[i + 2..<i + 6], as: UTF8.self), radix: 16)
        }
        var (i, inString) = (0, false)
        while i < bytes.count {
            let b = bytes[i]
            if !inString {
                if b == UInt8(ascii: "\"") { inString = true }
                i += 1
                continue
            }
            if b == UInt8(ascii: "\"") {
                inString = false
            } else if b == UInt8(ascii: "\\") {
                guard let u = unit(at: i) else {
                    i += 2
                    continue
                }
                let escape = String(decoding: bytes[i..<i + 6], as: UTF8.self)
                if (0xDC00...0xDFFF).contains(u) { return (i, escape) }
                if (0xD800...0xDBFF).contains(u) {
                    guard let low = unit(at: i + 6), (0xDC00...0xDFFF).contains(low) else { return (i, escape) }
                    i += 12
                    continue
                }
                i += 6
                continue
            }
            i += 1
        }
        return nil
    }

    /// The first key an object of the file gives twice, and where it stands the second time
    /// (nil when there is none). Called on a file the parser read: its strings are whole.
    static func repeatedKey(in data: Data) -> (key: String, offset: Int)? {
        let bytes = [UInt8](data)
        // Each open object's keys so far; nil for an open array.
        var open: [Set<String>?] = []
        var keyNext = false
        var i = 0
        while i < bytes.count {
            switch bytes[i] {
            case UInt8(ascii: "{"):
                open.append([])
                keyNext = true
            case UInt8(ascii: "["):
                open.append(nil)
                keyNext = false
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                _ = open.popLast()
                keyNext = false
            case UInt8(ascii: ","):
                keyNext = open.last.map { $0 != nil } ?? false
            case UInt8(ascii: "\""):
                let start = i
                var escaped = false
                i += 1
                while i < bytes.count && bytes[i] != UInt8(ascii: "\"") {
                    if bytes[i] == UInt8(ascii: "\\") {
                        escaped = true
                        i += 1
                    }
                    i += 1
                }
                guard keyNext, let last = open.indices.last, open[last] != nil else { break }
                keyNext = false
                let raw = Data(bytes[start...min(i, bytes.count - 1)])
                let key =
                    escaped
                    ? (try? JSONSerialization.jsonObject(with: raw, options: .fragmentsAllowed) as? String) ?? String(decoding: raw, as: UTF8.self)
                    : String(decoding: raw.dropFirst().dropLast(), as: UTF8.self)
                // Inserted in place: a copy of the set for each key made an object of 300,000 keys hang.
                if !open[last]!.insert(key).inserted { return (key, start) }
            default:
                break
            }
            i += 1
        }
        return nil
    }

    /// The parser's reason in words, without its own place (given apart).
    static func reason(_ error: Error) -> String {
        let said = ((error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String) ?? "it cannot be read"
        var bare = said.replacingOccurrences(of: #"\s*around character \d+"#, with: "", options: .regularExpression)
        while bare.hasSuffix(".") { bare.removeLast() }
        return (bare.isEmpty ? "it cannot be read" : bare.prefix(1).lowercased() + bare.dropFirst()) + " (export json writes an array of objects)"
    }

    /// `scores`: the database's scores, which export json writes beside the fields (read and ignored).
    static func read(_ bytes: [UInt8], scores: Set<String> = []) throws -> ImportBatch {
        let text = try decodeText(bytes, what: "file")
        let data = jsonDataKeepingFEFF(text)
        let parsed: Any
        do {
            parsed = try JSONSerialization.jsonObject(with: data)
        } catch {
            // Foundation gives no place for half a surrogate pair, and says "end of file": where it
            // gives none, the first such half is the place.
            if place(of: error, in: data) == "file", let (offset, escape) = loneSurrogate(in: data) {
                throw ImportError(
                    place(ofOffset: offset, in: data),
                    "this is not JSON: \(escape) is half of a character (a lone UTF-16 surrogate); its other half must follow it, or write the character itself")
            }
            throw ImportError(place(of: error, in: data), "this is not JSON: \(reason(error))")
        }
        // The parser keeps one value of a key given twice, without a word: the other is data lost.
        if let (key, offset) = repeatedKey(in: data) {
            throw ImportError(
                place(ofOffset: offset, in: data),
                "the key \(written(key)) is given twice in one object: the parser would keep one of its values and drop the other; keep one")
        }
        guard let rows = parsed as? [[String: Any]] else {
            throw ImportError("file", "expected a JSON array of objects (what export json writes)")
        }
        var batch = ImportBatch()
        var unknown: [String: Int] = [:]
        // A record with the export's figures reads `cadence` as the derived one: left out, said once.
        var derivedCadence: (record: Int, count: Int, figure: String)?
        for (i, row) in rows.enumerated() {
            for key in row.keys where !knownKeys.contains(key) && !scores.contains(key) { unknown[key, default: i + 1] = min(unknown[key] ?? i + 1, i + 1) }
            if row["own_cadence"] == nil, let v = row["cadence"], !(v is NSNull), let figure = row.keys.filter(derivedKeys.contains).min() {
                derivedCadence = (derivedCadence?.record ?? i + 1, (derivedCadence?.count ?? 0) + 1, derivedCadence?.figure ?? figure)
            }
            do {
                batch.contacts.append(try contact(row, origin: "record \(i + 1)"))
            } catch let e as ImportError {
                batch.errors.append(e)
            }
        }
        // A key Tend does not know is said, never dropped unsaid (a typo'd "compnay" loses data);
        // a score of another database is said too (its figures are worked out, never stored).
        for (key, first) in unknown.sorted(by: { ($0.value, $0.key) < ($1.value, $1.key) }) {
            let near = key.count <= 40 ? closest(key, among: knownKeys.sorted(), limit: 1).first : nil
            let suggestion = near.map { " (did you mean \(jsonStringLiteral($0))?)" } ?? ""
            batch.warnings.append(ImportError("record \(first)", "the key \(written(key)) is not a field Tend stores\(suggestion): left out"))
        }
        if let (first, count, figure) = derivedCadence {
            let more = count > 1 ? " (and \(count - 1) more record\(count == 2 ? "" : "s"))" : ""
            batch.warnings.append(
                ImportError(
                    "record \(first)",
                    "the key \"cadence\" is the cadence export json works out, as the record has its figures (\(written(figure))): left out\(more); a contact's own cadence is \"own_cadence\""
                ))
        }
        return batch
    }

    /// The derived fields export json writes, but `cadence` (which a hand-written file may mean).
    static let derivedKeys: Set<String> = Set(Schema.contacts.fields.filter { $0.derived && $0.name != "cadence" }.map(\.name))

    /// Every key `export json` writes: the contacts' fields (derived ones are read and ignored)
    /// and the lists of contact points, addresses and dates.
    static let knownKeys: Set<String> = Set(Schema.contacts.fields.map(\.name))
        .union(ContactFields.all.map(\.jsonKey))
        .union(["id", "emails", "phones", "addresses", "dates", "stage_since", "uid", "snoozed_until", "birthday", "anniversary"])

    static func contact(_ row: [String: Any], origin: String) throws -> ImportedContact {
        if let v = row["name"], !(v is String), !(v is NSNull) { throw ImportError(origin, field: "name", "\(written(v)) is not text") }
        guard let name = row["name"] as? String, !name.trimmed.isEmpty else { throw ImportError(origin, field: "name", "no name") }
        var c = ImportedContact(origin: origin, name: name.trimmed)
        // A value of another type than export json writes is refused, never dropped unsaid.
        func string(_ key: String) throws -> String? {
            switch row[key] {
            case nil, is NSNull: return nil
            case let s as String: return s.trimmed.isEmpty ? nil : s
            case let v?: throw ImportError(origin, field: key, "\(written(v)) is not text")
            }
        }
        c.handle = try string("handle")
        if let v = row["id"], !(v is NSNull) {
            // As the file writes it: a whole number (not true, 1.5 or "7").
            guard !(v is String), let id = Int64(written(v)), StoredRange.ids.contains(id) else {
                throw ImportError(origin, field: "id", "\(written(v)) is not a contact number")
            }
            c.id = id
        }
        // The single keys are the preferred values: one edited apart from its list leads it.
        c.emails = preferring(try string("email"), in: try points(row, "emails", origin) ?? [])
        c.phones = preferring(try string("phone"), in: try points(row, "phones", origin) ?? [])
        c.addresses = try addresses(row, origin) ?? []
        c.dates = try namedDates(row, origin)
        if let city = try string("city"), c.addresses.first?.city != city {
            if let i = c.addresses.firstIndex(where: { $0.city == city }) {
                c.addresses.insert(c.addresses.remove(at: i), at: 0)
            } else {
                c.addresses.insert(PostalAddress(city: city), at: 0)
            }
        }
        switch row["tags"] {
        case nil, is NSNull: break
        case let tags as [String]: c.tags = tags.map { writtenTag($0.trimmed) }.filter { !$0.isEmpty }
        case let v?: throw ImportError(origin, field: "tags", "\(written(v)) is not a list of text")
        }
        if let n = try string("notes") { c.notes = [n] }
        if let since = try string("stage_since") {
            guard let d = Day(iso: since), !d.isYearless else {
                throw ImportError(origin, field: "stage_since", "\(since.debugDescription) is not a date with its year")
            }
            c.stageSince = d
        }
        // A hand-written file says `cadence`; export json writes it as `own_cadence`, with
        // `cadence` the derived one (default_cadence's when the contact has none of its own), so a
        // record with the export's derived keys (its nulls stripped by jq, say) is not read so.
        let handWritten = row["own_cadence"] == nil && !row.keys.contains { derivedKeys.contains($0) }
        for f in ContactFields.all {
            let key = f.jsonKey == "own_cadence" && handWritten ? "cadence" : f.jsonKey
            switch row[key] {
            case nil, is NSNull: continue
            case let s as String where f.kind != .list && f.kind != .flag:
                // Strings are taken as they are: text fields keep their spaces (blanks alone are none).
                try c.read(f.name, s, listSeparator: ";", label: key)
            case let b as Bool where f.kind == .flag: c.fields[f.name] = .flag(b)
            case let items as [String] where f.kind == .list:
                let said = items.filter { !$0.trimmed.isEmpty }
                if !said.isEmpty { c.fields[f.name] = .list(said) }
            default: throw ImportError(origin, field: key, "\(written(row[key]!)) is not what export json writes for \(key)")
            }
        }
        return c
    }
}

extension JSONImport {
    /// A value as the file writes it (`true`, `"vip"`), for a message.
    /// A value as the file wrote it, for a message: cut to its first `writtenLimit` characters.
    static func written(_ v: Any) -> String {
        let whole = (try? JSONSerialization.data(withJSONObject: v, options: [.fragmentsAllowed])).map { String(decoding: $0, as: UTF8.self) } ?? "\(v)"
        return whole.count > writtenLimit ? whole.prefix(writtenLimit) + "…" : whole
    }
    static let writtenLimit = 80

    static func kind(_ v: Any?, _ key: String, _ origin: String) throws -> String? {
        guard let v, !(v is NSNull) else { return nil }
        guard let s = v as? String, ContactPoint.types.contains(s) else {
            throw ImportError(origin, field: key, "a type is one of \(ContactPoint.types.joined(separator: ", "))")
        }
        return s
    }

    /// The list with `value` first (added when it is not in the list).
    static func preferring(_ value: String?, in list: [ContactPoint]) -> [ContactPoint] {
        guard let value else { return list }
        var out = list
        if let i = out.firstIndex(where: { $0.value == value }) {
            out.insert(out.remove(at: i), at: 0)
        } else {
            out.insert(ContactPoint(value), at: 0)
        }
        return out
    }

    /// `emails` / `phones` as `export json` writes them; nil when the key is missing.
    static func points(_ row: [String: Any], _ key: String, _ origin: String) throws -> [ContactPoint]? {
        guard let items = row[key], !(items is NSNull) else { return nil }
        guard let list = items as? [Any] else { throw ImportError(origin, field: key, "is not a list") }
        return try list.map { item in
            if let s = item as? String { return ContactPoint(s) }
            guard let r = item as? [String: Any], let value = r["value"] as? String else {
                throw ImportError(origin, field: key, "an item is text or {\"value\": …, \"type\": …}")
            }
            return ContactPoint(value, type: try kind(r["type"], key, origin))
        }
    }

    /// `dates` as `export json` writes them: `[{"label": …, "date": "2019-05-02"}]`.
    static func namedDates(_ row: [String: Any], _ origin: String) throws -> [NamedDate] {
        guard let items = row["dates"], !(items is NSNull) else { return [] }
        guard let list = items as? [Any] else { throw ImportError(origin, field: "dates", "is not a list") }
        return try list.map { item in
            guard let r = item as? [String: Any], let label = r["label"] as? String, let text = r["date"] as? String else {
                throw ImportError(origin, field: "dates", "an item is {\"label\": …, \"date\": …}")
            }
            guard let d = ImportantDate.parse(text) else { throw ImportError(origin, field: "dates", "\(text.debugDescription) is not a date") }
            return NamedDate(NamedDate.oneLine(label), d)
        }
    }

    static func addresses(_ row: [String: Any], _ origin: String) throws -> [PostalAddress]? {
        guard let items = row["addresses"], !(items is NSNull) else { return nil }
        guard let list = items as? [Any] else { throw ImportError(origin, field: "addresses", "is not a list") }
        return try list.map { item in
            if let s = item as? String { return PostalAddress(street: s) }
            guard let r = item as? [String: Any] else { throw ImportError(origin, field: "addresses", "an address is a record of its parts") }
            var a = PostalAddress(type: try kind(r["type"], "addresses", origin))
            for part in PostalAddress.parts {
                guard let v = r[part], !(v is NSNull) else { continue }
                guard let text = v as? String else { throw ImportError(origin, field: "addresses", "\(part) is not text") }
                a[part: part] = text
            }
            return a
        }
    }
}

/// `export FORMAT FILE [QUERY]`: contacts (or the agenda, for ics) for other programs.
struct Exporter {
    let session: Session

    /// The stored fields that CSV export writes and CSV import reads back, in column order.
    /// `email`, `phone` and `city` (the preferred values, for other programs) come before the
    /// typed lists that import reads back (`ContactListText`).
    static let csvFields =
        ["name", "handle", "email", "phone", "city", "emails", "phones", "addresses", "tags", "dates"] + ContactFields.all.map(\.name) + ["notes"]

    /// A contact as a CSV row: lists `;`-separated (with `\;` inside an item), as import reads them.
    static func csvRow(_ c: Contact) -> [Value] {
        [
            .string(c.name), .string(c.handle), .optional(c.email), .optional(c.phone), .optional(c.city),
            .string(ContactListText.cell(c.emails)), .string(ContactListText.cell(c.phones)), .string(ContactListText.cell(c.addresses)),
            .string(ContactListText.cell(tags: c.tags)), .string(ContactListText.cell(c.dates)),
        ]
            + ContactFields.all.map { f in f.get(c).map { .string(ContactFields.text($0, listSeparator: ";")) } ?? .null }
            + [.optional(c.notes)]
    }

    /// The typed lists as `export json` writes them: an e-mail or phone as its text, or
    /// `{"value": …, "type": …}` when it has a type; an address as a record of its parts.
    static func jsonLists(_ c: Contact) -> [String: Value] {
        func point(_ p: ContactPoint) -> Value {
            p.type.map { .record(Record(keys: ["value", "type"], values: [.string(p.value), .string($0)])) } ?? .string(p.value)
        }
        func address(_ a: PostalAddress) -> Value {
            let keys = (PostalAddress.parts + ["type"]).filter { a[part: $0] != nil }
            return .record(Record(keys: keys, values: keys.map { .string(a[part: $0]!) }))
        }
        let dates = c.dates.map { d in Value.record(Record(keys: ["label", "date"], values: [.string(d.label), .string(d.date.description)])) }
        return [
            "emails": .list(c.emails.map(point)), "phones": .list(c.phones.map(point)), "addresses": .list(c.addresses.map(address)),
            "dates": .list(dates),
        ]
    }

    func run(format: String, path: String, table: Table, contacts ids: [Int64]) throws -> String {
        // The contacts alone: every format writes their stored fields (JSON's figures come with
        // `table`); every event read as well took 1.2 GB for an export at 100,000 contacts.
        let net = try session.store.network(events: false)
        let people = ids.compactMap { net.contact($0) }
        if format == "vdir" {
            guard path != "-" else { throw Importer.Failure(description: "export vdir writes a folder, not standard output") }
            let done = try Vdir.export(people, to: path, session: session)
            session.interpreter.invalidate()
            let n = people.count
            return ([
                "Exported \(n) contact\(n == 1 ? "" : "s") to \(path): \(done.added) new, \(done.updated) updated, \(done.unchanged) unchanged"
                    + (done.notWritten > 0 ? ", \(done.notWritten) not written." : ".")
            ] + done.notes.map { "  " + $0 }).joined(separator: "\n")
        }
        guard FileFormats.exports.contains(format) else { throw Exporter.unknown(format) }
        // The text goes out a block at a time, to standard output or into the file (an export
        // of every contact is some hundred megabytes).
        var written = (count: people.count, laterSteps: 0)
        try session.output(to: path, existing: session.exporting) { emit in
            written = try text(format, people, ids, net, table, to: emit)
        }
        let (count, laterSteps) = written
        let noun = format == "ics" ? "agenda item" : "contact"
        let steps = laterSteps == 0 ? "" : " and \(laterSteps) next step\(laterSteps == 1 ? "" : "s") due later"
        return "Exported \(count) \(noun)\(count == 1 ? "" : "s")\(steps) to \(path)."
    }

    /// A contact's next step's to-do, while it is not due and once a rule reports it due.
    static func nextStepUID(_ contact: Int64) -> String { "contact-\(contact).next-step@tend" }

    /// Whether a rule's condition reads a contact's `next_due` (then it reports the next step).
    static func readsNextDue(_ when: Expr) -> Bool {
        when.contains { e in
            switch e.kind {
            case .name("next_due"), .member(_, "next_due"): return true
            default: return false
            }
        }
    }

    static func unknown(_ format: String) -> Importer.Failure {
        Importer.Failure(description: "cannot export \(format); formats are \(FileFormats.exports.joined(separator: ", "))")
    }

    /// The export's text in `format`, handed to `emit` a block at a time; how many contacts or
    /// agenda items it holds, and how many next steps due later.
    private func text(
        _ format: String, _ people: [Contact], _ ids: [Int64], _ net: Network, _ table: Table, to emit: (String) throws -> Void
    ) throws -> (count: Int, laterSteps: Int) {
        switch format {
        case "json":
            // A thousand contacts' fields at a time: every contact's cells with their text do
            // not fit in memory at once for a large network.
            // Read twice: a duration column's unit (`cadence`, `overdue`) needs every row first.
            try Exporter.rendered(Renderer(format: .json), columns: contactsTable([]).columns, ids, plain: false, batch: session.exportBatch, to: emit) { part in
                var table = try contactsTable(Array(part))
                // The lists with their types, which the language shows as text.
                for (r, id) in part.enumerated() {
                    guard let c = net.contact(id) else { continue }
                    for (key, value) in Exporter.jsonLists(c) { if let i = table.columns.firstIndex(of: key) { table.rows[r][i] = value } }
                }
                return table
            }
        case "csv":
            var csv = Renderer(format: .csv)
            csv.quotingBlanks = true
            try Exporter.rendered(csv, columns: Exporter.csvFields, people, plain: true, batch: session.exportBatch, to: emit) { part in
                Table(columns: Exporter.csvFields, rows: part.map(Exporter.csvRow))
            }
        case "vcard":
            var cards = ""
            for c in people {
                cards += VCard.write(c)
                if cards.utf8.count >= 1 << 16 {
                    try emit(cards)
                    cards = ""
                }
            }
            try emit(cards)
        case "ics":
            // A rule that fires on a next step's date (the prelude's "next step due") is that
            // step's to-do, under the UID and date it had while not due yet: a calendar updates
            // it instead of keeping two. One to-do per UID, the first (highest priority).
            let stepRules = Set(session.interpreter.definitions.rules.filter { Exporter.readsNextDue($0.when) }.map(\.name))
            var seen = Set<String>()
            let items = table.rows.compactMap { row -> CalendarWriter.Item? in
                let cell = Dictionary(uniqueKeysWithValues: zip(table.columns, row))
                guard case .contact(let id)? = cell["contact"], let c = net.contact(id) else { return nil }
                let priority = cell["priority"]?.numberValue.map { NSDecimalNumber(decimal: $0).intValue } ?? 0
                let rule = cell["rule"].map(plainText) ?? ""
                let step = stepRules.contains(rule) && c.nextStep != nil && c.nextDue != nil
                let uid = step ? Exporter.nextStepUID(c.id) : CalendarWriter.uid(contact: c.id, rule: rule)
                guard seen.insert(uid).inserted else { return nil }
                return CalendarWriter.Item(
                    uid: uid, summary: cell["message"].map(plainText) ?? rule,
                    description: "\(c.name) (@\(c.handle)): rule \"\(rule)\"", due: step ? min(c.nextDue!, session.today) : session.today,
                    // iCalendar: 1 is the highest priority, 9 the lowest.
                    priority: max(1, min(9, 10 - priority)), category: rule)
            }
            // Next steps not due yet are on no agenda: each is a to-do due on its day.
            let steps = people.compactMap { c -> CalendarWriter.Item? in
                guard let step = c.nextStep, let due = c.nextDue, due > session.today else { return nil }
                // No rule's UID has this form (theirs end in the hash of the rule's name).
                return CalendarWriter.Item(
                    uid: Exporter.nextStepUID(c.id), summary: "\(step) (\(c.name))",
                    description: "\(c.name) (@\(c.handle)): next step", due: due, priority: 5, category: "next step")
            }
            try emit(CalendarWriter.ics(items + steps, stamp: session.today))
            return (items.count, steps.count)
        case "dot":
            // The edges are not in the network of contacts alone.
            try emit(CalendarWriter.dot(people, edges: try session.store.knowsEdges()))
        default:
            throw Exporter.unknown(format)
        }
        return (people.count, 0)
    }

    /// The text of a table of these items' rows, made `batch` at a time by `table` and handed to
    /// `write` as the renderer writes a streamed table (the same text as the whole table's).
    /// `plain`: no cell is a duration (see `TableStream.plain`).
    static func rendered<Item>(
        _ renderer: Renderer, columns: [String], _ items: [Item], plain: Bool, batch: Int, to write: (String) throws -> Void,
        table: @escaping (ArraySlice<Item>) throws -> Table
    ) throws {
        var shell = Table(columns: columns, rows: [])
        shell.stream = TableStream(plain: plain) { _, body in
            for start in stride(from: 0, to: items.count, by: batch) { try body(try table(items[start..<min(start + batch, items.count)])) }
        }
        // The renderer is done with `write` when it returns.
        try withoutActuallyEscaping(write) { try renderer.render(streamed: shell, write: $0) }
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
