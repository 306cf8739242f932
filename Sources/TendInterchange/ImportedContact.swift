import TendCore

/// One person read from another program's file, before it is matched against the database.
public struct ImportedContact: Equatable, Sendable {
    /// Where the record starts: "card 3 (line 17)", "record 12 (line 14)".
    public var origin: String
    public var name: String
    /// What `name` is when the record gave none: "company", "e-mail" or "phone". Such a name
    /// conflicts with and replaces no contact's.
    public var nameGuessedFrom: String?
    public var nameIsGuessed: Bool { nameGuessedFrom != nil }
    /// The name is the record's e-mail or phone: no name of a person's, so it keeps no one
    /// with that phone from being the record (a company's is one: the company's line).
    var nameStandsForContactPoint: Bool { nameGuessedFrom == "e-mail" || nameGuessedFrom == "phone" }
    /// Tend's own handle (`X-TEND-HANDLE`, a `handle` column or key): who this is in Tend.
    public var handle: String?
    /// Tend's own number for the contact (`export json`'s `id`): a new contact takes it when it is free.
    public var id: Int64?
    /// A vCard's UID (or a `uid` column or key): the contact with it is this person, and two
    /// records of one import with the same UID are one person.
    public var uid: String? {
        get { self[text: "uid"] }
        set { self[text: "uid"] = newValue }
    }
    /// The given and family name when the file gives them apart (vCard N, CSV first and last
    /// name columns): a handle is made of them, without honorifics.
    public var givenName: String?
    public var familyName: String?
    /// E-mails, phones and addresses, the preferred one first.
    public var emails: [ContactPoint] = []
    public var phones: [ContactPoint] = []
    public var addresses: [PostalAddress] = []
    public var tags: [String] = []
    /// Named important dates (the birthday and anniversary are `fields`).
    public var dates: [NamedDate] = []
    /// Everything that has no field of its own ("birthday: 1980-04-02", "url: …"), kept as notes.
    public var notes: [String] = []
    /// A card's own NOTE as written (several joined by line breaks; empty when the card gives
    /// an empty one), or nil when it gives none: what a synced card's notes are (`Merge.applyCard`).
    public var note: String?
    /// The other stored fields the file gave, by `ContactFields` name.
    public var fields: [String: FieldValue] = [:]
    /// The date of the last stage change (`stage_since` in `export json`).
    public var stageSince: Day?
    /// A vdir card that still carries the digest `export vdir` wrote in it: no one changed it
    /// since, so what it says is not news.
    public var unchangedSinceWritten = false
    /// The card carries `X-TEND-SYNC`: an export of Tend's wrote it (changed since or not).
    public var writtenByTend = false
    /// The vdir folder's state knows the card (Tend wrote or took it in) but not its parts: a
    /// line an older Tend wrote, with the digest alone.
    public var knownWithoutParts = false
    /// The digests of other vdir cards with this card's UID that were passed over for it (a
    /// phone's duplicate): recorded in the folder's state with the card.
    public var staleCopies: [String] = []
    /// The digest of a vdir card's bytes (`Vdir.SyncState.digest`), when its file holds it
    /// alone or its chunk reads as one card: what an import with `--update` records as taken in.
    public var cardDigest: String?
    /// The vdir card's bytes, with `cardDigest`: what the export keeps of it.
    public var cardBytes: [UInt8]?
    /// The digests of the parts of a vdir card as `export vdir` wrote it (`partDigests`, six hex
    /// digits each, one after another), when the card carries them: the parts whose digest
    /// differs now are what its owner changed.
    public var writtenParts: String?
    /// The digests of the items of each list (`itemDigests`) as `export vdir` wrote them.
    public var writtenItems: String?

    /// The parts of a synced card its owner changed since Tend wrote it; nil when the card does
    /// not say (written by an older Tend, or by another program).
    public var changedParts: Set<String>? {
        guard let written = writtenParts.flatMap(ImportedContact.digests), written.count == ImportedContact.syncParts.count else { return nil }
        let now = partDigests
        return Set(now.indices.filter { written[$0] != now[$0] }.map { ImportedContact.syncParts[$0] })
    }

    public init(origin: String, name: String) {
        self.origin = origin
        self.name = name
    }

    /// The same e-mail in another case, or the same phone written otherwise ("+1 212 555 0100"
    /// and "(212) 555-0100"), given twice in one record is one value, as merging records takes
    /// them: the first, with the kind the later one gives when it has none.
    public mutating func dropRepeatedPoints() {
        emails = Self.withoutRepeats(emails) { $0.lowercased() }
        phones = Self.withoutRepeats(phones) { value in
            let digits = phoneDigits(value)
            return digits.isEmpty ? value : digits
        }
    }

    static func withoutRepeats(_ points: [ContactPoint], by key: (String) -> String) -> [ContactPoint] {
        guard points.count > 1 else { return points }
        var out: [ContactPoint] = []
        var at: [String: Int] = [:]
        for p in points {
            let k = key(p.value)
            if let i = at[k] {
                if out[i].type == nil { out[i].type = p.type }
                continue
            }
            at[k] = out.count
            out.append(p)
        }
        return out
    }

    /// A text field, read back (`company`, `title`, …).
    public subscript(text name: String) -> String? {
        get { if case .text(let s)? = fields[name] { return s } else { return nil } }
        set { fields[name] = newValue.map(FieldValue.text) }
    }

    /// What of the record Tend could not store (text over 16 MB in one value, as the notes
    /// are joined), as an error naming the record and the field; nil when it all fits. Fields
    /// read through `read` are checked there.
    public func unstorable() -> ImportError? {
        func over(_ text: String) -> Bool { text.utf8.count > Interpreter.maxStringBytes }
        func error(_ field: String, _ bytes: Int) -> ImportError {
            ImportError(origin, field: field, ContactFields.tooLong(bytes))
        }
        if over(name) { return error("name", name.utf8.count) }
        let joined = notes.reduce(0) { $0 + $1.utf8.count } + max(0, notes.count - 1)
        if joined > Interpreter.maxStringBytes { return error("notes", joined) }
        for (field, values) in [("emails", emails.map(\.value)), ("phones", phones.map(\.value)), ("tags", tags), ("dates", dates.map(\.label))] {
            if let big = values.first(where: over) { return error(field, big.utf8.count) }
        }
        // An address is kept as one text, its parts joined (`PostalAddress.formatted`), as the store checks it.
        if let big = addresses.map(\.formatted).first(where: over) { return error("addresses", big.utf8.count) }
        for (name, value) in fields.sorted(by: { $0.key < $1.key }) {
            if case .text(let t) = value, over(t) { return error(name, t.utf8.count) }
        }
        return nil
    }

    /// Sets a field from text in the file; a value that is not of the field's kind is an error
    /// naming the record and the field.
    public mutating func read(_ field: String, _ text: String, listSeparator: Unicode.Scalar, label: String? = nil) throws {
        guard let f = ContactFields.byName[field] else { return }
        do {
            if let v = try ContactFields.value(f, from: text, listSeparator: listSeparator) { fields[field] = v }
        } catch let e as FieldError {
            throw ImportError(origin, field: label ?? field, e.description)
        }
    }
}

/// A tag as Tend keeps it: a file's label ("VIP", "* myContacts") made into a handle-like word;
/// a tag that already is one is kept as it is.
public func tagName(_ label: String) -> String {
    isValidHandle(label) ? label : slug(label)
}

/// A tag from a file Tend wrote (`export json`, a card with `X-TEND-HANDLE`): kept as `add`
/// keeps it (lowercased), so that "real estate" reads back as it was written.
public func writtenTag(_ label: String) -> String { label.lowercased() }

/// A record that could not be read: where, which field, and why.
public struct ImportError: Error, CustomStringConvertible, Sendable {
    public var origin: String
    public var field: String?
    public var message: String
    /// What a card loses on import but keeps in a vdir folder, whose card Tend writes back with
    /// the lines it came with (an Apple label, N's middle names): said for a file, not a folder.
    public var keptInAFolder = false
    public init(_ origin: String, field: String? = nil, _ message: String) {
        self.origin = origin
        self.field = field
        self.message = message
    }
    public var description: String { "\(origin)\(field.map { ", field \($0)" } ?? ""): \(message)" }
}

/// What an import read: good records, bad ones with their errors, and what the reader had to
/// guess or leave out of the good ones (a card named by its e-mail, a charset guessed).
public struct ImportBatch: Sendable {
    public var contacts: [ImportedContact] = []
    public var errors: [ImportError] = []
    public var warnings: [ImportError] = []
    public init() {}
}

// MARK: - What a synced card's owner changed

extension ImportedContact {
    /// The parts of a card a sync tells apart, in the order `export vdir` writes their digests
    /// (`VCard.withDigest`): one a field of Tend's, or a list, the name, or the notes.
    public static let syncParts: [String] =
        ["name", "emails", "phones", "addresses", "tags", "dates", "note", "notes"] + ContactFields.all.map(\.name).filter { $0 != "uid" }

    /// The digest of the list of parts, six hex digits and a colon, before the parts' digests:
    /// a card written with another list (a field added or dropped) is taken whole, its digests
    /// never paired with the wrong parts.
    public static let syncPartsVersion: String = digest6(syncParts.joined(separator: ",")) + ":"

    /// Six hex digits of a text's FNV-1a hash, its 64 bits folded (the low bits alone are the weakest).
    static func digest6(_ text: String) -> String {
        var hash = StableHash()
        hash.add(Array(text.utf8))
        let v = hash.value
        let hex = String((v >> 48 ^ v >> 24 ^ v) & 0xff_ffff, radix: 16)
        return String(repeating: "0", count: 6 - hex.count) + hex
    }

    /// Digests written one after another, six hex digits each, apart; nil when they are not.
    static func digests(_ written: some StringProtocol) -> [String]? {
        let bytes = Array(written.utf8)
        guard bytes.count % 6 == 0 else { return nil }
        return stride(from: 0, to: bytes.count, by: 6).map { String(decoding: bytes[$0..<$0 + 6], as: UTF8.self) }
    }

    /// Each part's digest, six hex digits, in `syncParts` order.
    public var partDigests: [String] {
        ImportedContact.syncParts.map { ImportedContact.digest6(partText($0)) }
    }

    /// A part as text that differs when the part does.
    func partText(_ part: String) -> String {
        switch part {
        case "name": return [name, givenName ?? "\u{1}", familyName ?? "\u{1}", nameGuessedFrom ?? "\u{1}"].joined(separator: "\u{0}")
        case "emails": return emails.map { "\($0.value)\u{0}\($0.type ?? "\u{1}")" }.joined(separator: "\u{2}")
        case "phones": return phones.map { "\($0.value)\u{0}\($0.type ?? "\u{1}")" }.joined(separator: "\u{2}")
        case "addresses": return addresses.map { "\($0.formatted)\u{0}\($0.type ?? "\u{1}")" }.joined(separator: "\u{2}")
        case "tags": return tags.joined(separator: "\u{2}")
        case "dates": return dates.map(\.description).joined(separator: "\u{2}")
        case "note": return note ?? "\u{1}"
        case "notes": return otherNotes.joined(separator: "\u{2}")
        default: return fields[part].map { "\($0)" } ?? "\u{1}"
        }
    }

    /// The notes the card's properties other than NOTE give (`url: …`); the NOTE is among
    /// `notes` too.
    var otherNotes: [String] { notes.filter { !(note ?? "").contains($0) } }

    /// The parts named taken from `other`: a synced card's parts its owner left as Tend wrote
    /// them are what Tend holds now (`other`, Tend's contact as a card reads back), so that what
    /// Tend changed since its export stays.
    public mutating func takeParts(_ parts: Set<String>, from other: ImportedContact) {
        for part in parts {
            switch part {
            case "name":
                (name, givenName, familyName, nameGuessedFrom) = (other.name, other.givenName, other.familyName, other.nameGuessedFrom)
            case "emails": emails = other.emails
            case "phones": phones = other.phones
            case "addresses": addresses = other.addresses
            case "tags": tags = other.tags
            case "dates": dates = other.dates
            case "note":
                // The card's NOTE leaves its notes with it: its lines are not added back to Tend's.
                notes = otherNotes
                note = other.note
            case "notes": notes = notes.filter { !otherNotes.contains($0) } + other.otherNotes
            default: fields[part] = other.fields[part]
            }
        }
    }
}

// MARK: - Lists changed on both sides

extension ImportedContact {
    /// The parts that are lists of items, merged item by item when both sides changed them.
    /// The lines the card's other properties give (`notes`) came last: a card an older Tend
    /// wrote has digests of the six before them alone.
    static let listParts = ["emails", "phones", "addresses", "tags", "dates", "note", "notes"]

    /// The texts of a list part's items, each told apart from the others.
    func items(_ part: String) -> [String] {
        switch part {
        case "emails": return emails.map { "\($0.value.lowercased())\u{0}\($0.type ?? "")" }
        case "phones": return phones.map { "\($0.value)\u{0}\($0.type ?? "")" }
        case "addresses": return addresses.map { "\($0.formatted)\u{0}\($0.type ?? "")" }
        case "tags": return tags.map { $0.lowercased() }
        case "dates": return dates.map(\.description)
        case "notes": return otherNotes
        default: return ImportedContact.lines(of: note)
        }
    }

    static func lines(of note: String?) -> [String] {
        (note ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    }

    /// Each list part's items' digests, six hex digits each, the parts joined by dots.
    public var itemDigests: String {
        ImportedContact.listParts.map { items($0).map(ImportedContact.digest6).joined() }.joined(separator: ".")
    }

    /// The lists this card and Tend (`tend`, its contact as a card reads back) both changed since
    /// the export (`changed` are the card's changed parts): item by item, what the card added
    /// and removed is applied to Tend's list, so that what Tend added or removed stays. A list
    /// only the card changed is the card's, in its order.
    /// `asRead` is the card as it was read, before `takeParts`.
    public mutating func mergeLists(_ changed: Set<String>, with tend: ImportedContact, asRead: ImportedContact) {
        guard let writtenItems else { return }
        let written = writtenItems.split(separator: ".", omittingEmptySubsequences: false)
        guard written.count == ImportedContact.listParts.count || written.count == ImportedContact.listParts.count - 1 else { return }
        for (part, digests) in zip(ImportedContact.listParts, written) where changed.contains(part) {
            guard let base = ImportedContact.digests(digests) else { continue }
            if part == "notes" {
                mergeNoteLines(base, asRead: asRead)
                continue
            }
            let tendKeys = tend.items(part).map(ImportedContact.digest6)
            // Tend left the list as exported: the card's list as it is.
            guard tendKeys != base else { continue }
            let cardKeys = items(part).map(ImportedContact.digest6)
            let removed = Set(base).subtracting(cardKeys)
            let kept = Set(tendKeys)
            let baseSet = Set(base)
            // Tend's items the card did not remove, then the card's new ones.
            let keepTend = tendKeys.indices.filter { !removed.contains(tendKeys[$0]) }
            let addCard = cardKeys.indices.filter { !baseSet.contains(cardKeys[$0]) && !kept.contains(cardKeys[$0]) }
            func merged<T>(_ tendList: [T], _ cardList: [T]) -> [T] { keepTend.map { tendList[$0] } + addCard.map { cardList[$0] } }
            switch part {
            case "emails": emails = merged(tend.emails, emails)
            case "phones": phones = merged(tend.phones, phones)
            case "addresses": addresses = merged(tend.addresses, addresses)
            case "tags": tags = merged(tend.tags, tags)
            case "dates": dates = merged(tend.dates, dates)
            default:
                // The card's NOTE, among its notes too, is replaced by the lines merged.
                let lines = merged(tend.items("note"), items("note"))
                notes = otherNotes
                note = lines.joined(separator: "\n")
            }
        }
    }

    /// The lines the card's other properties gave when Tend wrote it (`base`, their digests)
    /// merged with the note, which holds Tend's lines by now (`takeParts`, `mergeLists`; Tend
    /// keeps every line in one text, and the card's NOTE leaves out those its other properties
    /// say): a line the card gives no more (a related name deleted or edited on the phone)
    /// leaves the note as many times as the card dropped it, unless the card's own NOTE holds
    /// it; a line Tend no longer has (deleted in Tend) is not taken from the card again.
    mutating func mergeNoteLines(_ base: [String], asRead card: ImportedContact) {
        let digest = ImportedContact.digest6
        var gone: [String: Int] = [:]
        for k in base { gone[k, default: 0] += 1 }
        for k in card.items("notes").map(digest) + ImportedContact.lines(of: card.note).map(digest) { gone[k]? -= 1 }
        var kept: [String] = []
        for line in ImportedContact.lines(of: note) {
            let k = digest(line)
            if let n = gone[k], n > 0 { gone[k] = n - 1 } else { kept.append(line) }
        }
        if note != nil { note = kept.joined(separator: "\n") }
        let held = Set(kept.map(digest))
        let deletedInTend = Set(base).subtracting(held)
        let others = Set(card.otherNotes)
        notes.removeAll { others.contains($0) && deletedInTend.contains(digest($0)) }
    }
}
