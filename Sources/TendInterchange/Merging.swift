import Foundation
import TendCore

/// Who an imported record is: the contact it matches, in this order of evidence (issue 17):
///
/// 1. its UID (a vCard's, a `uid` column or key): a contact's stored UID, or one seen
///    earlier in the same import;
/// 2. Tend's own handle (`X-TEND-HANDLE`, a `handle` column or key), unless the record is
///    plainly someone else (`someoneElse`: another database's John Smith);
/// 3. any of its e-mails (case does not matter);
/// 4. any of its phones (compared by `phoneDigits`);
/// 5. its name and company, but only when neither an e-mail nor a phone disagrees.
///
/// Otherwise it is someone new. Records that carry distinct Tend handles are distinct people
/// by construction (they came from one Tend database), so one never matches a contact that
/// another record of the same import added under its own handle.
public struct ContactIndex {
    /// Contacts by e-mail, phone and name. A record matches the oldest contact with one of its
    /// e-mails or phones, so only that one is kept under them; under a name, every contact,
    /// oldest first (the first whose e-mails do not disagree is the match). The first contact
    /// under a key is kept apart from the rest: almost every key has one, and a list for each
    /// would be an allocation per key (100,000 of them for 50,000 cards).
    struct Keys {
        var byEmail: [String: Int64] = [:]
        var byPhone: [String: Int64] = [:]
        var byName: [String: Int64] = [:]
        var moreByName: [String: [Int64]] = [:]
        /// Contacts by the first and last words of their name at their company (`firstAndLastNameKey`).
        var byFirstAndLast: [String: [Int64]] = [:]
        /// LinkedIn profiles (`linkedin.com/in/ana-park`) named in the contacts' notes.
        var byProfile: [String: Int64] = [:]

        /// Files the contact under its keys; `old` (its values before a merge) is filed already.
        mutating func add(_ c: Contact, old: Contact? = nil) {
            // Every e-mail and phone is the person's; those filed before the merge are filed already.
            let oldEmails = Set(old?.emails.map { $0.value.lowercased() } ?? [])
            for e in c.emails.map({ $0.value.lowercased() }) where !e.isEmpty && !oldEmails.contains(e) { byEmail[e] = byEmail[e] ?? c.id }
            let oldPhones = Set(old?.phones.map { phoneDigits($0.value) } ?? [])
            for p in c.phones.map({ phoneDigits($0.value) }) where !p.isEmpty && !oldPhones.contains(p) { byPhone[p] = byPhone[p] ?? c.id }
            let oldProfiles = Set(ContactIndex.profiles(in: old?.notes ?? ""))
            for p in ContactIndex.profiles(in: c.notes ?? "") where !oldProfiles.contains(p) { byProfile[p] = byProfile[p] ?? c.id }
            let name = personKey(c.name, c.company)
            if !name.isEmpty, name != old.map({ personKey($0.name, $0.company) }) {
                if byName[name] == nil { byName[name] = c.id } else { moreByName[name, default: []].append(c.id) }
                if let short = firstAndLastNameKey(c.name, c.company) { byFirstAndLast[short, default: []].append(c.id) }
            }
        }

        func match(_ p: ImportedContact, in contacts: [Int64: Contact]) -> Int64? {
            // The contact of exactly this name (and company) that shares an e-mail or a phone with
            // the record is it, before an older one on the same e-mail or line (Paula Smith's
            // card went to Paul Smith, the first on their landline).
            let key = personKey(p.name, p[text: "company"])
            if let first = byName[key],
                let id = ([first] + (moreByName[key] ?? [])).first(where: { id in
                    contacts[id].map { ContactIndex.sharesAPoint($0, p) && !ContactIndex.uidsDiffer($0, p) && ContactIndex.couldBeOne($0, p) } == true
                })
            {
                return id
            }
            // Cards that carry different UIDs and given names that cannot be one person's are
            // different people, whatever they share; so are others sharing one address
            // (`otherPersonOnASharedEmail`: a family's, a team's).
            for e in p.emails {
                if let id = byEmail[e.value.lowercased()], !ContactIndex.uidsDiffer(contacts[id], p),
                    !(contacts[id].map { ContactIndex.otherPersonOnASharedEmail($0, p) } ?? false)
                {
                    return id
                }
            }
            // A LinkedIn profile is one person's, whatever their employer: a connection who
            // changed jobs is the same person (the company a conflict), not a second contact.
            for profile in p.notes.flatMap(ContactIndex.profiles) { if let id = byProfile[profile] { return id } }
            // A phone is often shared (an office's main line, a family's landline): it is someone
            // only when the e-mails do not disagree and every word of the shorter name is in the
            // other (John Smith is not Mary Smith; J. Smith may be John Smith).
            for phone in p.phones {
                if let id = byPhone[phoneDigits(phone.value)], let c = contacts[id], !ContactIndex.emailsDisagree(c, p), !ContactIndex.uidsDiffer(c, p),
                    p.nameStandsForContactPoint || ContactIndex.couldBeOne(c, p)
                {
                    return id
                }
            }
            let fits = { (id: Int64) in contacts[id].map { !ContactIndex.disagrees($0, p) && ContactIndex.couldBeOne($0, p) } == true }
            if let first = byName[key], let id = ([first] + (moreByName[key] ?? [])).first(where: fits) { return id }
            // The same name but for a middle name, at the same company.
            return firstAndLastNameKey(p.name, p[text: "company"]).flatMap { byFirstAndLast[$0] }?.first(where: fits)
        }
    }

    var byHandle: [String: Int64] = [:]
    var byUID: [String: Int64] = [:]
    /// Contacts that were there before the import, or that it added from records without a handle.
    var open = Keys()
    /// Contacts the import added from records with their own Tend handle: only records without
    /// a handle may match them.
    var sealed = Keys()
    var sealedIDs: Set<Int64> = []

    public init(_ contacts: [Contact]) {
        for c in contacts { index(c) }
    }

    public func isTaken(_ handle: String) -> Bool { byHandle[handle] != nil }

    /// Indexes a contact that was there before the import; after a merge, `old` is how it was.
    public mutating func index(_ c: Contact, old: Contact? = nil) {
        byHandle[c.handle] = c.id
        // Also under the form an import reads it as (`ContactUID.storable`), when the stored one is not.
        if let uid = c.uid { for key in Set([uid, ContactUID.storable(uid.trimmed)]) { byUID[key] = c.id } }
        if sealedIDs.contains(c.id) { sealed.add(c, old: old) } else { open.add(c, old: old) }
    }

    /// Indexes a contact this import added for the record `p`.
    public mutating func added(_ c: Contact, from p: ImportedContact) {
        byHandle[c.handle] = c.id
        if let uid = p.uid { byUID[uid] = c.id }
        if p.handle.map(isValidHandle) == true {
            sealed.add(c)
            sealedIDs.insert(c.id)
        } else {
            open.add(c)
        }
    }

    /// The contact the record is, if any; `contacts` holds every indexed contact as it is now.
    public mutating func match(_ p: ImportedContact, in contacts: [Int64: Contact]) -> Int64? {
        if let uid = p.uid, let id = byUID[uid] { return id }
        if let h = p.handle, let id = byHandle[h], !ContactIndex.someoneElse(contacts[id], p) { return id }
        let carriesHandle = p.handle.map(isValidHandle) == true
        guard let id = open.match(p, in: contacts) ?? (carriesHandle ? nil : sealed.match(p, in: contacts)) else { return nil }
        if let uid = p.uid { byUID[uid] = id }
        return id
    }

    /// True when a record whose handle is the contact's is plainly someone else: it gives
    /// e-mails, phones and a company, the contact a company and an e-mail or a phone, and not
    /// one of the record's is the contact's (a handle is made of a name, so two databases' John
    /// Smiths share one; a contact without a phone does not make a stranger's phone its own). A
    /// record with fewer of them, or sharing one, is the contact (a new job, a new e-mail): it
    /// merges, its differences conflicts.
    static func someoneElse(_ c: Contact?, _ p: ImportedContact) -> Bool {
        guard let c, !p.emails.isEmpty, !p.phones.isEmpty, !(c.emails.isEmpty && c.phones.isEmpty) else { return false }
        let companies = (c.company?.trimmed.lowercased() ?? "", p[text: "company"]?.trimmed.lowercased() ?? "")
        let companiesDiffer = !companies.0.isEmpty && !companies.1.isEmpty && companies.0 != companies.1
        let sharesEmail = p.emails.contains { e in c.emails.contains { $0.value.lowercased() == e.value.lowercased() } }
        let sharesPhone = p.phones.contains { n in c.phones.contains { samePhone($0.value, n.value) } }
        return companiesDiffer && !sharesEmail && !sharesPhone
    }

    /// True when both give an e-mail (or both a phone) and none of the record's is the contact's.
    static func disagrees(_ c: Contact, _ p: ImportedContact) -> Bool {
        if emailsDisagree(c, p) || uidsDiffer(c, p) { return true }
        // Two LinkedIn profiles are two people, however alike their names and employers.
        let mine = profiles(in: c.notes ?? "")
        if !mine.isEmpty, case let theirs = p.notes.flatMap(profiles), !theirs.isEmpty, !theirs.contains(where: mine.contains) { return true }
        return phonesDisagree(c, p)
    }
}

extension ContactIndex {
    /// The LinkedIn profiles a text names (`https://www.linkedin.com/in/Ana-Park/` as
    /// `ana-park`): the part after `linkedin.com/in/` up to a slash, `?`, `#` or space, lowercased.
    /// Only the notes' lines of a card's or a row's own addresses count (`url: …`, `url (work): …`,
    /// and a phone's social profile, `x-socialprofile: …`, `socialprofile (…): …`): a profile
    /// named in a sentence about someone else ("reports to linkedin.com/in/boss") is not the contact's.
    static func profiles(in text: String) -> [String] {
        guard text.utf8.count >= 17, text.range(of: "linkedin.com/in/", options: .caseInsensitive) != nil else { return [] }
        var out: [String] = []
        for line in text.split(whereSeparator: \.isNewline) where ownAddressLabels.contains { line.hasPrefix($0 + ": ") || line.hasPrefix($0 + " (") } {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            guard let r = value.range(of: "linkedin.com/in/", options: .caseInsensitive),
                value[..<r.lowerBound].allSatisfy({ !$0.isWhitespace })
            else { continue }
            let slug = value[r.upperBound...].prefix { !"/?# \t\"'<>".contains($0) }
            if !slug.isEmpty { out.append(slug.lowercased()) }
        }
        return out
    }

    /// The note labels under which imports keep a record's own web addresses.
    static let ownAddressLabels = ["url", "x-socialprofile", "socialprofile"]

    /// True when the contact and the record both carry a UID, not the same one, and given names
    /// that cannot be one person's: two people of one family's or office's address book. The
    /// same person under another program's UID keeps a given name that fits.
    static func uidsDiffer(_ c: Contact?, _ p: ImportedContact) -> Bool {
        guard let c, let mine = c.uid, let theirs = p.uid, mine != theirs else { return false }
        // A middle initial, a title or a short form (Dr. John Q. Smith, J. Smith) is the same person.
        return givenNamesDiffer(c.name, p)
    }

    static let titles: Set<String> = ["dr", "mr", "mrs", "ms", "miss", "mx", "prof", "sir", "dame", "rev", "fr", "hon"]

    /// True when both give a phone and none of the record's is the contact's.
    static func phonesDisagree(_ c: Contact, _ p: ImportedContact) -> Bool {
        !c.phones.isEmpty && !p.phones.isEmpty && !p.phones.contains { n in c.phones.contains { samePhone($0.value, n.value) } }
    }

    /// True when both give an e-mail and none of the record's is the contact's.
    static func emailsDisagree(_ c: Contact, _ p: ImportedContact) -> Bool {
        !c.emails.isEmpty && !p.emails.isEmpty
            && !p.emails.contains(where: { e in c.emails.contains { $0.value.lowercased() == e.value.lowercased() } })
    }

    /// Whether a contact's name and a record's could be one person's, accents and case aside,
    /// the family name first after a comma (`Doe, Jane` is Jane Doe), titles left out: the given
    /// names (first words) are one, or one is the other's initial, every word of the shorter name
    /// is a word of the other or its initial, a generation (Jr., Sr., III) is the same on both,
    /// and so is a Mr. or Mrs. given on both. `J. Smith` and `Dr. John Q. Smith` are John Smith;
    /// Mary Smith, Jo Smith, Paula Smith, John Smith Jr., a contact named Smith alone, and
    /// Jean-Pierre Dupont beside Pierre Dupont are someone else; 山田太郎 is not 山田花子. The
    /// record's given and family names count where its name does not hold them. A name of no
    /// letters or digits is no one's.
    static func couldBeOne(_ c: Contact, _ p: ImportedContact) -> Bool {
        // A suffix a CSV gives in a column of its own (Outlook's Suffix, Google's Name Suffix) is
        // kept in the notes; it is part of the name here (John Smith Jr. is not his father).
        func suffixes(_ notes: [String]) -> [String] {
            notes.compactMap { line in ["Suffix: ", "Name Suffix: "].first(where: line.hasPrefix).map { String(line.dropFirst($0.count)) } }
        }
        let parts = [p.givenName, p.familyName].compactMap { $0 }.filter { !$0.isEmpty && !p.name.contains($0) } + suffixes(p.notes)
        let stored = suffixes((c.notes ?? "").components(separatedBy: "\n"))
        let (x, y) = (nameWords(([c.name] + stored).joined(separator: " ")), nameWords(([p.name] + parts).joined(separator: " ")))
        guard let first = x.words.first, let other = y.words.first else { return false }
        guard x.generation == y.generation, x.title == nil || y.title == nil || x.title == y.title else { return false }
        guard oneWord(first, other) else { return false }
        let (shorter, longer) = x.words.count <= y.words.count ? (x.words, y.words) : (y.words, x.words)
        return shorter.allSatisfy { u in longer.contains { v in oneWord(u, v) } }
    }

    /// Two words of names that are one: the same, or one the other's initial (`j` and `john`).
    static func oneWord(_ u: String, _ v: String) -> Bool {
        u == v || (u.count == 1 && v.hasPrefix(u)) || (v.count == 1 && u.hasPrefix(v))
    }

    /// A name's words, folded, the part after a comma first (`Doe, Jane`; not `Smith, Jr.`),
    /// without titles and generations, which are given apart.
    static func nameWords(_ s: String) -> (words: [String], generation: String?, title: String?) {
        var text = s.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil)
        let pieces = text.split(separator: ",", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
        if pieces.count == 2, !pieces[1].isEmpty,
            !pieces[1].split(whereSeparator: { !$0.isLetter }).allSatisfy({ generations.contains(String($0)) || titles.contains(String($0)) || degrees.contains(String($0)) })
        {
            text = pieces[1] + " " + pieces[0]
        }
        var seen = Set<String>()
        var generation: String?
        var title: String?
        var words: [String] = []
        // A hyphenated or apostrophed name is one word: Jean-Pierre is not Jean, O'Brien is one.
        for w in text.split(whereSeparator: { !$0.isLetter && !$0.isNumber && $0 != "-" && $0 != "'" && $0 != "’" }) {
            let word = String(w).trimmingCharacters(in: CharacterSet(charactersIn: "-'’"))
            if word.isEmpty { continue }
            if generations.contains(word) { generation = word == "junior" ? "jr" : word == "senior" ? "sr" : word; continue }
            if titles.contains(word) || degrees.contains(word) {
                if ["mr", "mrs", "ms", "miss"].contains(word) { title = word == "mrs" ? "mrs" : word == "mr" ? "mr" : "ms" }
                continue
            }
            if seen.insert(word).inserted { words.append(word) }
        }
        return (words, generation, title)
    }

    /// Letters after a name that are no part of it.
    static let degrees: Set<String> = ["phd", "md", "esq", "mba", "cpa", "dds", "jd"]

    static let generations: Set<String> = ["jr", "sr", "junior", "senior", "ii", "iii", "iv"]

    /// True when the two given names (the first word of each that is no title, the family name
    /// after a comma put last) cannot be one person's: neither is the other's start (John and
    /// Mary, Ann Lee and Bob Lee written `Lee, Ann`; not J. and John, Ben and Benjamin).
    static func givenNamesDiffer(_ name: String, _ p: ImportedContact) -> Bool {
        guard let a = nameWords(name).words.first, let b = (p.givenName.flatMap { nameWords($0).words.first }) ?? nameWords(p.name).words.first else {
            return false
        }
        return !(a.hasPrefix(b) || b.hasPrefix(a))
    }

    /// Whether a record on a contact's e-mail is someone else sharing it: both names are a given
    /// and a family name at least and the given names are not one (John and Mary Smith on the
    /// family's address, Sales Team Lead and Peter Parker on info@), or the given names differ at
    /// all and the record brings a phone the contact lacks. "Mom" is Jane Doe; Jane Smith is Jane
    /// Doe under her new name.
    static func otherPersonOnASharedEmail(_ c: Contact, _ p: ImportedContact) -> Bool {
        guard !p.nameStandsForContactPoint else { return false }
        let (x, y) = (nameWords(c.name).words, nameWords(p.name).words)
        if x.count >= 2, y.count >= 2, let a = x.first, let b = y.first, !oneWord(a, b) {
            return true
        }
        return bringsAnotherPhone(c, p) && givenNamesDiffer(c.name, p)
    }

    /// Whether the record brings a phone the contact, which has phones, does not have (a mobile
    /// of their own beside a shared landline).
    static func bringsAnotherPhone(_ c: Contact, _ p: ImportedContact) -> Bool {
        !c.phones.isEmpty && p.phones.contains { n in !c.phones.contains { samePhone($0.value, n.value) } }
    }

    /// Whether the contact and the record share an e-mail or a phone.
    static func sharesAPoint(_ c: Contact, _ p: ImportedContact) -> Bool {
        p.emails.contains { e in c.emails.contains { $0.value.lowercased() == e.value.lowercased() } }
            || p.phones.contains { n in c.phones.contains { samePhone($0.value, n.value) } }
    }
}

/// One number, however it is written.
func samePhone(_ a: String, _ b: String) -> Bool {
    a == b || (!phoneDigits(a).isEmpty && phoneDigits(a) == phoneDigits(b))
}

/// A field that an import found different from what is stored: taken from the file (with
/// `update`) or kept and reported as a conflict.
public struct FieldChange: Equatable, Sendable, CustomStringConvertible {
    public var handle: String
    public var field: String
    public var stored: String
    public var file: String
    public var applied: Bool

    /// `@john-smith phone: kept +1 415 555 0100, file has +1 650 555 0199`, or with update
    /// `@john-smith phone: +1 415 555 0100 → +1 650 555 0199`.
    public var description: String {
        let show = { (s: String) in s.count > 60 ? String(s.prefix(59)) + "…" : s }
        return applied
            ? "@\(handle) \(field): \(show(stored)) → \(show(file))"
            : "@\(handle) \(field): kept \(show(stored)), file has \(show(file))"
    }
}

/// How an imported record's values go into a contact.
public enum Merge {
    /// A new contact from a record: every value the file gave. The handle is the caller's.
    public static func newContact(_ p: ImportedContact, handle: String, today: Day) -> Contact {
        var c = Contact(name: p.name, handle: handle, created: today)
        for f in ContactFields.all { if let v = p.fields[f.name] { f.set(&c, v) } }
        c.emails = p.emails
        c.phones = p.phones
        c.addresses = p.addresses
        c.dates = p.dates
        c.tags = p.tags
        c.notes = p.notes.isEmpty ? nil : p.notes.joined(separator: "\n")
        return c
    }

    /// The stored list with the file's items it lacks added (a kind the stored item lacks is
    /// filled in). With `update`, the file's preferred item becomes the preferred one; returns
    /// the preferred item before and after when that changed it.
    static func union<T: Equatable>(
        _ stored: inout [T], _ file: [T], same: (T, T) -> Bool, fill: (inout T, T) -> Void, update: Bool
    ) -> (T, T)? {
        for item in file {
            if let i = stored.firstIndex(where: { same($0, item) }) { fill(&stored[i], item) } else { stored.append(item) }
        }
        guard update, let first = file.first, let before = stored.first, !same(before, first),
            let i = stored.firstIndex(where: { same($0, first) })
        else { return nil }
        stored.insert(stored.remove(at: i), at: 0)
        return (before, stored[0])
    }

    /// E-mails, phones and addresses: the file's are added, none is dropped; with `update` the
    /// file's preferred one becomes the preferred one, and the report says so.
    static func mergeLists(_ p: ImportedContact, into c: inout Contact, update: Bool) -> [(String, String, String)] {
        var changed: [(String, String, String)] = []
        let fillType = { (a: inout ContactPoint, b: ContactPoint) in if a.type == nil { a.type = b.type } }
        if let (a, b) = union(&c.emails, p.emails, same: { $0.value.lowercased() == $1.value.lowercased() }, fill: fillType, update: update) {
            changed.append(("email", a.value, b.value))
        }
        if let (a, b) = union(&c.phones, p.phones, same: { samePhone($0.value, $1.value) }, fill: fillType, update: update) {
            changed.append(("phone", a.value, b.value))
        }
        let sameAddress = { (a: PostalAddress, b: PostalAddress) in normalize(a.formatted) == normalize(b.formatted) }
        let fillAddress = { (a: inout PostalAddress, b: PostalAddress) in if a.type == nil { a.type = b.type } }
        if let (a, b) = union(&c.addresses, p.addresses, same: sameAddress, fill: fillAddress, update: update) {
            changed.append(("address", a.formatted, b.formatted))
        }
        return changed
    }

    /// Merges a record into the contact it matched. What the contact lacks is filled, lists
    /// gain the file's items and notes its new lines; a value that differs is taken from the
    /// file with `update`, else kept. Either way each differing field is returned, so that no
    /// value is dropped without a word.
    public static func merge(_ p: ImportedContact, into c: inout Contact, update: Bool) -> [FieldChange] {
        var changes: [FieldChange] = []
        func differs(_ field: String, _ stored: String, _ file: String) -> Bool {
            changes.append(FieldChange(handle: c.handle, field: field, stored: stored, file: file, applied: update))
            return update
        }
        // A name the record did not give (its e-mail or phone standing in) is no one's.
        if !p.nameIsGuessed, personKey(p.name, nil) != personKey(c.name, nil), differs("name", c.name, p.name) { c.name = p.name }
        for (field, stored, file) in mergeLists(p, into: &c, update: update) { _ = differs(field, stored, file) }
        // The creation date is this database's own record, not the person's.
        for f in ContactFields.all where f.name != "created" {
            guard let v = p.fields[f.name] else { continue }
            guard let stored = f.get(c), !stored.isBlank else {
                f.set(&c, v)
                continue
            }
            if stored == v { continue }
            if f.name == "uid" {
                // The stored UID names the contact's card in a vdir: a record matched by another
                // key keeps it, even with update (taking the file's would orphan that card).
                changes.append(FieldChange(handle: c.handle, field: "uid", stored: stored.description, file: v.description, applied: false))
                continue
            }
            if case .list(let items) = v, case .list(let have) = stored, !update {
                // Adding a list's items loses nothing.
                f.set(&c, .list(have + items.filter { !have.contains($0) }))
            } else if differs(f.name, stored.description, v.description) {
                f.set(&c, v)
            }
        }
        // Named dates only grow: a date the contact lacks is added.
        var heldDates = Set(c.dates)
        for d in p.dates where heldDates.insert(d).inserted { c.dates.append(d) }
        // A tag an older Tend read back from its own file as a word (`real-estate` for "real
        // estate": `tagName`) is the same tag; tags that merely share a word are not.
        let newTags = p.tags.filter { t in !c.tags.contains(t) && !(t.contains(where: \.isLetter) && c.tags.contains(tagName(t))) }
        if update, !p.tags.isEmpty, Set(p.tags) != Set(c.tags), !c.tags.isEmpty {
            _ = differs("tags", c.tags.joined(separator: ", "), p.tags.joined(separator: ", "))
            c.tags = p.tags
        } else {
            c.tags += newTags
        }
        // Notes only grow, by the lines the contact's notes do not hold yet (a note edited on the
        // phone adds its new lines, not its old ones again; a synced card's replace them: `applyCard`).
        c.notes = addingLines(p.notes, to: c.notes)
        return changes
    }

    /// `notes` with the lines of `added` it does not hold yet. Lines are looked up in a set, so
    /// a record with thousands of notes merges in linear time. A line a note repeats within
    /// itself (a bullet under two headings) is kept twice: only lines held before it are left out.
    static func addingLines(_ added: [String], to notes: String?) -> String? {
        var held = noteLines(notes)
        var new: [String] = []
        for n in added {
            let lines = n.split(whereSeparator: \.isNewline).map { ($0, noteLine($0)) }
            new += lines.filter { !held.contains($0.1) }.map { String($0.0) }
            held.formUnion(lines.map(\.1))
        }
        return new.isEmpty ? notes : ((notes.map { [$0] } ?? []) + new).joined(separator: "\n")
    }

    /// The lines of notes as `noteLine` compares them.
    static func noteLines(_ notes: String?) -> Set<String> {
        Set((notes ?? "").split(whereSeparator: \.isNewline).map(noteLine))
    }

    /// `noteLines`, each with how many times the notes hold it: one of two like lines deleted
    /// on a card is a change.
    static func noteLineCounts(_ notes: String?) -> [String: Int] {
        (notes ?? "").split(whereSeparator: \.isNewline).reduce(into: [:]) { $0[noteLine($1), default: 0] += 1 }
    }

    /// A line of notes as two files are compared by: without the spaces around it, which files
    /// do not all keep, and without the control characters a vCard cannot carry (Tend's own
    /// export read back is the same note); an address without its last slash, and a LinkedIn
    /// profile's in any case (its exports write one several ways), is the same.
    static func noteLine(_ line: Substring) -> String {
        var s = String(String.UnicodeScalarView(line.unicodeScalars.filter { $0 == "\t" || ($0.value >= 0x20 && !(0x7F...0x9F).contains($0.value)) }))
            .trimmingCharacters(in: .whitespaces)
        guard s.hasPrefix("url: ") || s.hasPrefix("url (") else { return s }
        if s.hasSuffix("/") { s.removeLast() }
        return s.range(of: "linkedin.com/in/", options: .caseInsensitive) != nil ? s.lowercased() : s
    }
}

extension Merge {
    /// Applies a synced card (a vdir's, with `update`) to the contact linked to it by its UID:
    /// the card is the person as the phone or server has them now, so what the card carries
    /// replaces what is stored — the name, e-mails, phones, addresses, company, title, birthday,
    /// anniversary and named dates, a value the card no longer has included, and the notes
    /// when the card has a NOTE (as `export vdir` wrote it and the phone edited it). What
    /// only Tend keeps (stage, cadence, goals, the log) is merged as any import merges it.
    /// Each value replaced or dropped is returned.
    public static func applyCard(_ p: ImportedContact, to c: inout Contact) -> [FieldChange] {
        let notesBefore = c.notes
        var changes = merge(p, into: &c, update: true)
        let handle = c.handle
        func dropped(_ field: String, _ stored: String) {
            // A value the merge already said was replaced is not said again as dropped (one
            // changed e-mail was listed twice, and counted as two fields).
            if changes.contains(where: { $0.field == field && $0.stored == stored }) { return }
            changes.append(FieldChange(handle: handle, field: field, stored: stored, file: "(not on the card)", applied: true))
        }
        func keep<T>(_ list: inout [T], _ field: String, onCard: (T) -> Bool, text: (T) -> String) {
            list.removeAll { item in
                guard !onCard(item) else { return false }
                dropped(field, text(item))
                return true
            }
        }
        let emails = Set(p.emails.map { $0.value.lowercased() })
        keep(&c.emails, "email", onCard: { emails.contains($0.value.lowercased()) }, text: \.value)
        let numbers = Set(p.phones.map(\.value))
        let digits = Set(p.phones.map { phoneDigits($0.value) }.filter { !$0.isEmpty })
        keep(&c.phones, "phone", onCard: { numbers.contains($0.value) || digits.contains(phoneDigits($0.value)) }, text: \.value)
        let addresses = Set(p.addresses.map { normalize($0.formatted) })
        keep(&c.addresses, "address", onCard: { addresses.contains(normalize($0.formatted)) }, text: \.formatted)
        let dates = Set(p.dates)
        keep(&c.dates, "dates", onCard: dates.contains, text: \.description)
        for f in ContactFields.all where f.vcardProperty != nil && f.name != "uid" && p.fields[f.name] == nil {
            guard let v = f.get(c), !v.isBlank else { continue }
            dropped(f.name, v.description)
            f.set(&c, nil)
        }
        // The card's NOTE as the phone has it (its blank lines and order too), with the lines its
        // other properties give (`url: …`) that it does not hold, when it gives one: a line edited
        // or deleted there is so here. A card without one (a program that drops NOTE) leaves them.
        if let note = p.note, case let card = addingLines(p.notes, to: note.isEmpty ? nil : note), noteLineCounts(card) != noteLineCounts(notesBefore) {
            let oneLine = { (notes: String?) in (notes ?? "").split(whereSeparator: \.isNewline).joined(separator: " / ") }
            changes.append(
                FieldChange(handle: handle, field: "notes", stored: oneLine(notesBefore), file: card == nil ? "(not on the card)" : oneLine(card), applied: true))
            c.notes = card
        }
        return changes
    }
}
