import Foundation
import TendCore
import TendInterchange
import TendStore

/// A vdir folder (the layout vdirsyncer, khard and Evolution keep): one vCard per contact in a
/// `.vcf` file named by its UID. `import vdir DIR` reads every card of the folder; `export vdir
/// DIR` writes each contact's card into it, keeping what other programs put in the file that
/// Tend has no field for (a photo, a URL, their own properties), so that a folder synced with a
/// CardDAV server goes through Tend and back unchanged.
///
/// Only regular `.vcf` files are read or written: a symbolic link is never followed, other files
/// are left alone, and a card whose contact Tend does not export (deleted, or outside the query)
/// is left as it is — `export vdir` never deletes a file.
enum Vdir {
    /// The largest card file read: a card with a photo is well under a megabyte, and a field
    /// holds at most 16 MB.
    static let maxFileBytes = 16 << 20

    /// A card file of the folder: its name and bytes.
    struct CardFile {
        var name: String
        var bytes: [UInt8]
    }

    /// The folder's `.vcf` files, by name; what was left out, in words.
    static func cardFiles(_ dir: String) throws -> (files: [CardFile], notes: [String], errors: [ImportError]) {
        var st = stat()
        guard stat(dir, &st) == 0 else { throw Importer.Failure(description: "\(dir): no such folder") }
        guard (st.st_mode & S_IFMT) == S_IFDIR else { throw Importer.Failure(description: "\(dir) is not a folder; a vdir is a folder of .vcf files") }
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: dir).sorted()
        } catch {
            throw Importer.Failure(description: "\(dir): cannot read the folder")
        }
        var files: [CardFile] = []
        var notes: [String] = []
        var errors: [ImportError] = []
        var others = 0
        for name in names where !name.hasPrefix(".") {
            guard name.lowercased().hasSuffix(".vcf") else {
                others += 1
                continue
            }
            let path = dir + "/" + name
            guard lstat(path, &st) == 0 else { continue }
            if (st.st_mode & S_IFMT) == S_IFLNK {
                notes.append("\(name) is a symbolic link: left out (Tend does not follow links in a vdir)")
                continue
            }
            guard (st.st_mode & S_IFMT) == S_IFREG else {
                notes.append("\(name) is \(FileWriter.kind(st.st_mode)): left out")
                continue
            }
            guard st.st_size <= maxFileBytes else {
                errors.append(ImportError(name, "\(st.st_size >> 20) MB; a card file is at most \(maxFileBytes >> 20) MB"))
                continue
            }
            guard let bytes = readNoFollow(path) else {
                errors.append(ImportError(name, "cannot read it"))
                continue
            }
            files.append(CardFile(name: name, bytes: bytes))
        }
        if others > 0 { notes.append("\(others) file\(others == 1 ? " is" : "s are") not .vcf: left out") }
        return (files, notes, errors)
    }

    /// A regular file's bytes, opened without following a link (one put there since it was looked at).
    static func readNoFollow(_ path: String) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = Foundation.read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n >= 0 else { return nil }
            if n == 0 { return out }
            out += buffer[..<n]
            if out.count > maxFileBytes { return nil }
        }
    }

    /// The cards of a file, each with the bytes from its BEGIN:VCARD line up to the next one
    /// (what comes before the first goes with it): most files hold one, some programs write
    /// several. Joined, they are the file again.
    static func cards(_ bytes: [UInt8]) -> [[UInt8]] {
        var starts: [Int] = []
        var lineStart = 0
        for i in 0...bytes.count where i == bytes.count || bytes[i] == 0x0A || bytes[i] == 0x0D {
            let line = bytes[lineStart..<i]
            if line.count >= 11, line.count < 32,
                String(decoding: line, as: UTF8.self).trimmingCharacters(in: .whitespaces).uppercased() == "BEGIN:VCARD"
            {
                starts.append(lineStart)
            }
            lineStart = i + 1
        }
        guard starts.count > 1 else { return [bytes] }
        starts[0] = 0
        return zip(starts, starts.dropFirst() + [bytes.count]).map { Array(bytes[$0..<$1]) }
    }

    /// The UID of a card that has none, made from where it is, so that the card is found again
    /// on export (and written with it) instead of a second card being added for the person:
    /// the file's name (a vdir names a card's file by its UID), and the card's number when the
    /// file holds several.
    static func placeUID(file: String, card: Int, of count: Int) -> String {
        let base = String(file.dropLast(4))
        return ContactUID.storable(count > 1 ? "\(base)-\(card + 1)" : base)
    }

    /// A card's place as its reader says it ("card 1 (line 3)", "line 3") in a file where the
    /// card begins after `offset` lines: "line 17".
    static func shifted(_ origin: String, by offset: Int) -> String {
        var text = Substring(origin)
        if text.hasPrefix("card 1 (line "), text.hasSuffix(")") { text = text.dropFirst("card 1 (".count).dropLast() }
        guard text.hasPrefix("line "), let n = Int(text.dropFirst("line ".count)) else { return origin }
        return "line \(n + offset)"
    }

    /// Every card of the folder, several of a file each by its UID. A card that cannot be read
    /// is named, with its file, card and line, and the others are read; two cards with one UID
    /// are one person, said in a note.
    static func read(_ dir: String, session: Session? = nil) throws -> ImportBatch {
        let (files, notes, errors) = try cardFiles(dir)
        // With what an import earlier in the run took in: two imports in one run take a change once.
        let (leftAsIs, problem, _) = SyncState.read(dir, session: session)
        var batch = ImportBatch()
        batch.errors = errors
        batch.warnings = notes.map { ImportError("folder", $0) }
        if let problem { batch.warnings.append(ImportError("folder", "\(problem): cards no export of Tend's wrote are taken whole when changed")) }
        var cardsOfUID: [String: [SameUID]] = [:]
        for f in files {
            let chunks = cards(f.bytes)
            // Each card is read alone: where it says "card 1 (line 3)", the file's card and line are meant.
            var linesBefore = 0
            for (k, chunk) in chunks.enumerated() {
                defer { linesBefore += chunk.count { $0 == 10 } }
                let place = chunks.count > 1 ? "\(f.name) card \(k + 1)" : f.name
                let inFile = { (origin: String) in chunks.count > 1 ? Vdir.shifted(origin, by: linesBefore) : origin }
                let cards: ImportBatch
                do {
                    cards = try VCard.read(chunk)
                } catch let e as ImportError {
                    batch.errors.append(ImportError("\(place): \(inFile(e.origin))", field: e.field, e.message))
                    continue
                }
                func located(_ e: ImportError) -> ImportError { ImportError("\(place): \(inFile(e.origin))", field: e.field, e.message) }
                batch.errors += cards.errors.map(located)
                batch.warnings += cards.warnings.filter { !$0.keptInAFolder }.map(located)
                for var c in cards.contacts {
                    c.origin = "\(place): \(c.origin)"
                    let uid = c.uid ?? placeUID(file: f.name, card: k, of: chunks.count)
                    c.uid = uid
                    var digest: String?
                    // The folder's state names the card's bytes an export left as they were, or an
                    // import with `--update` took in: what it says is not news. Nor is a copy
                    // passed over before and unchanged since.
                    if chunks.count == 1 || cards.contacts.count == 1 {
                        digest = SyncState.digest(chunk)
                        c.cardDigest = digest
                        c.cardBytes = chunk
                        if let known = leftAsIs[uid] {
                            if Standing(digest: digest, writtenByTend: false, known: known) != .other {
                                c.unchangedSinceWritten = true
                            } else if let parts = known.parts {
                                // Newer than the card's own X-TEND-SYNC, when it has one.
                                VCard.setWritten(parts, on: &c)
                            } else {
                                c.knownWithoutParts = true
                            }
                        }
                    }
                    let standing = Standing(digest: digest, writtenByTend: c.writtenByTend, known: leftAsIs[uid])
                    cardsOfUID[uid, default: []].append((batch.contacts.count, place, standing, digest))
                    batch.contacts.append(c)
                }
            }
        }
        return withoutStaleCopies(batch, cardsOfUID)
    }

    /// How well Tend knows a card among others with its UID: the import reads and the export
    /// writes the best known (`withoutStaleCopies`, `cardsByUID`), the same card both ways.
    enum Standing: Int, Comparable {
        /// A copy passed over before, unchanged since (`SyncState.Entry.copies`).
        case knownCopy = -1
        case other
        /// It carries Tend's `X-TEND-SYNC`: an export of Tend's wrote it.
        case writtenByTend
        /// The card the folder's state names by its bytes.
        case named

        init(digest: String?, writtenByTend: Bool, known: SyncState.Entry?) {
            if let digest, let known, known.copies.contains(digest) {
                self = .knownCopy
            } else if let digest, known?.digest == digest {
                self = .named
            } else {
                self = writtenByTend ? .writtenByTend : .other
            }
        }
        static func < (a: Standing, b: Standing) -> Bool { a.rawValue < b.rawValue }
    }

    /// A card of a folder, among others with its UID: where it is in the batch and the folder,
    /// how well Tend knows it, and the digest of its bytes.
    typealias SameUID = (index: Int, place: String, standing: Standing, digest: String?)

    /// Two files with one UID (a phone's or another program's copy) are one person. When Tend
    /// knows one card better than the others (`Standing`) the others are passed over and named,
    /// and recorded as copies (`staleCopies`): read as news on every import, a stale copy put its
    /// values back over each edit made in Tend. A copy passed over before stays one when the
    /// card Tend syncs with was changed since (it is then no better known than a stranger's).
    static func withoutStaleCopies(_ batch: ImportBatch, _ cardsOfUID: [String: [SameUID]]) -> ImportBatch {
        var batch = batch
        var passedOver = Set<Int>()
        for (uid, cards) in cardsOfUID.sorted(by: { $0.value[0].index < $1.value[0].index }) where cards.count > 1 {
            let best = cards.map(\.standing).max()!
            let copies = cards.filter { $0.standing < best && (best > .other || $0.standing == .knownCopy) }
            let rest = cards.filter { card in !copies.contains { $0.index == card.index } }
            for card in rest.dropFirst() where card.place != rest[0].place {
                batch.warnings.append(ImportError(card.place, "has the UID of \(rest[0].place) (\(uid)): read as the same person"))
            }
            guard !copies.isEmpty else { continue }
            let kept = rest.first { $0.standing == best }!
            for card in copies {
                passedOver.insert(card.index)
                let said =
                    card.standing == .knownCopy
                    ? "an old copy of \(kept.place)'s card (\(uid)), unchanged since: passed over (delete it)"
                    : "has the UID of \(kept.place) (\(uid)), the card Tend syncs with: passed over, and what it says otherwise is not taken (make the change in \(kept.place) or in Tend, then delete the copy)"
                batch.warnings.append(ImportError(card.place, said))
            }
            batch.contacts[kept.index].staleCopies = copies.compactMap(\.digest)
        }
        guard !passedOver.isEmpty else { return batch }
        batch.contacts = batch.contacts.indices.filter { !passedOver.contains($0) }.map { batch.contacts[$0] }
        return batch
    }
}

// MARK: - Export

extension Vdir {
    /// What an export did, for its report.
    struct Written {
        var added = 0
        var updated = 0
        var unchanged = 0
        /// Cards left as they were (changed on the other side, unreadable, a link).
        var notWritten = 0
        var notes: [String] = []

        /// Says which cards were left because someone changed them since (the first few by
        /// file), and how many cards are of no exported contact.
        mutating func noteLeft(changedThere: [String], others: Int) {
            if !changedThere.isEmpty {
                let n = changedThere.count
                let some = Vdir.someOf(changedThere)
                notes.append(
                    "\(n) card\(n == 1 ? " was" : "s were") changed since Tend last wrote or imported \(n == 1 ? "it" : "them"): left as \(n == 1 ? "it is" : "they are") (\(some)); "
                        + "import the folder with --update first, or export with --overwrite to replace \(n == 1 ? "it" : "them") with Tend's")
            }
            if others > 0 {
                notes.append("\(others) card\(others == 1 ? " is" : "s are") not of an exported contact: left as \(others == 1 ? "it is" : "they are")")
            }
        }
    }

    /// Writes the contacts' cards into the folder (made when missing, with the folders above it,
    /// as vdirsyncer's `~/.local/share/contacts/…` on a new machine). A contact without a UID
    /// takes the one of the card in the folder that carries its handle (an export whose
    /// transaction was undone), else a new UUID; either is stored, so it is given once. A card
    /// in a file of several is written in its place there.
    static func export(_ people: [Contact], to dir: String, session: Session) throws -> Written {
        try makeFolder(dir)
        // What a killed export left (each card is written beside its name first) goes first.
        TemporaryFile.removeAbandoned(in: dir)
        let (files, notes, errors) = try cardFiles(dir)
        var done = Written(notes: notes + errors.map { "\($0): left as it is" })
        let (known, problem, writable) = SyncState.read(dir, session: session)
        let existing = cardsByUID(files, known: known)
        let newCards = version(ofMost: existing.byUID.values.sorted { ($0.file, $0.card) < ($1.file, $1.card) }.map(\.bytes))
        var takenNames = Set(files.map(\.name))
        var exported = Set<String>()
        var leftAsIs: [String: SyncState.Entry] = [:]
        var edited: [String: (cards: [[UInt8]], uids: [String])] = [:]
        if let problem { done.notes.append("\(problem): a card no export of Tend's wrote that differs from Tend's is left as it is") }
        let replacing = if case .replace = session.exporting { true } else { false }
        var changedThere: [String] = []
        for var c in people {
            // Stopped between two cards (SIGTERM, Ctrl-C): the run fails and the cards go back.
            try Interruption.check()
            let uid = try givenUID(&c, existing.uidOfHandle, people, session)
            exported.insert(uid)
            // Its card there cannot be read (the phone wrote a date off the calendar): written
            // beside it, the folder would hold two cards of one UID.
            if existing.byUID[uid] == nil, let file = existing.unreadable[uid] {
                done.notes.append("\(file) cannot be read: @\(c.handle)'s card was not written (import vdir names what is wrong with it)")
                done.notWritten += 1
                continue
            }
            let old = existing.byUID[uid]
            let name = old?.file ?? fileName(uid, taken: takenNames)
            takenNames.insert(name)
            let written = old.map { card(c, keeping: $0.bytes) } ?? VCard.write(c, version: newCards)
            let bytes = Array(VCard.withDigest(written).utf8)
            // The copies the folder knows of stay known: one left alone is still no news.
            let copies = known[uid]?.copies ?? []
            let entry = { (card: [UInt8]) in SyncState.Entry(digest: SyncState.digest(card), parts: VCard.partsDigests(of: written), copies: copies) }
            if let old, old.bytes == bytes {
                if !copies.isEmpty { leftAsIs[uid] = entry(bytes) }
                done.unchanged += 1
                continue
            }
            if let old, VCard.saysTheSame(old.bytes, as: written) {
                // Left as another program wrote it, it is still as the imports took it in.
                leftAsIs[uid] = entry(old.bytes)
                leftAsIs[uid]?.changes = known[uid]?.changes ?? []
                done.unchanged += 1
                continue
            }
            // A card someone changed since Tend last wrote it or took it in (a phone's edit not
            // yet imported) is left as it is: Tend's card would write over that edit. So is one
            // of another program's when the folder's state cannot be read.
            if let old, !replacing, changedSince(old, known: known[uid]) || (problem != nil && old.changedSinceWritten == nil) {
                if let entry = known[uid] { leftAsIs[uid] = entry }
                changedThere.append(old.file)
                done.notWritten += 1
                continue
            }
            if !copies.isEmpty { leftAsIs[uid] = entry(bytes) }
            if let old, old.of > 1 {
                var file = edited[name] ?? (cards(files.first { $0.name == name }!.bytes), [])
                file.cards[old.card] = bytes
                edited[name] = (file.cards, file.uids + [uid])
                done.updated += 1
                continue
            }
            guard try write(bytes, name, in: dir, session: session, notes: &done.notes) else {
                leftAsIs[uid] = known[uid]
                done.notWritten += 1
                continue
            }
            if old == nil { done.added += 1 } else { done.updated += 1 }
        }
        for (name, file) in edited.sorted(by: { $0.key < $1.key }) {
            // Made a link since it was read: none of its cards was written, and the folder's
            // state keeps what it knew of them.
            guard try write(Array(file.cards.joined()), name, in: dir, session: session, notes: &done.notes) else {
                done.updated -= file.uids.count
                done.notWritten += file.uids.count
                for uid in file.uids { leftAsIs[uid] = known[uid] }
                continue
            }
        }
        // Cards this export did not look at (a query's export) keep what the folder knew of them.
        if writable { try SyncState.write(known.filter { !exported.contains($0.key) }.merging(leftAsIs) { $1 }, in: dir, session: session) }
        FileWriter.syncFolder(dir)
        done.noteLeft(changedThere: changedThere, others: existing.byUID.keys.filter { !exported.contains($0) }.count)
        return done
    }

    /// The version most of a folder's cards are written in (by the first hundred): a phone's
    /// folder of 3.0 cards gets 3.0 cards; a folder of 4.0 cards, or an empty one, 4.0.
    static func version(ofMost cards: [[UInt8]]) -> VCard.Version {
        let versions = cards.prefix(100).compactMap { VCard.Version(ofCard: $0) }
        return versions.filter { $0 == .v3 }.count * 2 > versions.count ? .v3 : .v4
    }

    /// The first three names, and how many more: `a.vcf, b.vcf, c.vcf and 2 more`.
    static func someOf(_ names: [String]) -> String {
        names.prefix(3).joined(separator: ", ") + (names.count > 3 ? " and \(names.count - 3) more" : "")
    }

    /// The folder, made when missing with the folders above it, each from the top down (one
    /// made meanwhile by another is fine).
    static func makeFolder(_ dir: String) throws {
        var st = stat()
        guard stat(dir, &st) != 0 else { return }
        var made = dir.hasPrefix("/") ? "" : "."
        for part in dir.split(separator: "/") {
            made += "/" + part
            if stat(made, &st) != 0, mkdir(made, 0o700) != 0, errno != EEXIST { throw FileWriter.failure(made, errno) }
        }
    }

    /// The contact's UID, given and stored when it has none: that of the card in the folder that
    /// carries its handle (an export whose transaction was undone), unless another exported
    /// contact has it, else a new UUID.
    static func givenUID(_ c: inout Contact, _ uidOfHandle: [String: String], _ people: [Contact], _ session: Session) throws -> String {
        if let uid = c.uid { return uid }
        let uid = uidOfHandle[c.handle].flatMap { uid in people.contains { $0.uid == uid } ? nil : uid } ?? UUID().uuidString.lowercased()
        c.uid = uid
        _ = try session.store.apply(.updateContact(c, fields: ["uid"]))
        return uid
    }

    /// Whether a card was changed since Tend last wrote it or took it in: its bytes are not those
    /// the folder's state records (`known`), and either its `X-TEND-SYNC` no longer matches it or,
    /// having none, the state recorded other bytes for it. A card of another program's that Tend
    /// never recorded is not: the first export after an import writes it.
    static func changedSince(_ card: CardPlace, known: SyncState.Entry?) -> Bool {
        let digest = SyncState.digest(card.bytes)
        if let known, known.digest == digest || known.copies.contains(digest) { return false }
        return card.changedSinceWritten ?? (known != nil)
    }

    /// What the folder knows of cards Tend has seen as they are: those an export left as another
    /// program wrote them because they said what Tend has (`VCard.saysTheSame`: such a card
    /// carries no digest of Tend's), and those an import with `--update` took in. The folder keeps
    /// them in `.tend-sync` (vdirsyncer and khard read only `.vcf` files): a line a card, its UID,
    /// the digest of its bytes and the digests of its parts and items as Tend had them then
    /// (`VCard.partsDigests`). Read back with the same bytes, no one changed the card since, and
    /// the import passes it over as it does a card Tend wrote; changed, the parts whose digest
    /// differs are what its owner changed, and the others keep what Tend has now.
    enum SyncState {
        static let fileName = ".tend-sync"

        struct Entry: Equatable {
            var digest: String
            /// `VCard.partsDigests` of Tend's card then; nil in a line an older Tend wrote.
            var parts: String?
            /// The digests of other files' cards with the UID (a phone's duplicate) as an import
            /// passed them over: such a copy, unchanged since, is never news, even once the card
            /// Tend syncs with is gone.
            var copies: [String] = []
            /// The numbers of the journal's changes of the imports that took the card in since an
            /// export last wrote it, those that changed the database (at most `changesKept`): once
            /// one is undone, the card is not known as taken in, so that the next import takes the
            /// phone's edit again and an export leaves the card.
            var changes: [Int64] = []
        }

        static let changesKept = 8
        /// The number a card's line takes once its import's run is committed (`record`).
        static let thisRun: Int64 = -1

        /// What the folder is to remember of a card an export of Tend's wrote, as it is (its
        /// `X-TEND-SYNC` parts), with its copies: nil for a card without them.
        static func entry(of card: ImportedContact) -> Entry? {
            guard let digest = card.cardDigest, let parts = card.writtenParts else { return nil }
            return Entry(
                digest: digest, parts: ImportedContact.syncPartsVersion + parts + (card.writtenItems.map { " " + $0 } ?? ""), copies: card.staleCopies)
        }

        /// What the folder is to remember of a card an import took in as contact `c`: its bytes'
        /// digest, and the parts as Tend's card of `c` would have them. Nil for a card read
        /// with others from one chunk (no digest of its own).
        static func entry(taking card: ImportedContact, as c: Contact) -> Entry? {
            guard let digest = card.cardDigest else { return nil }
            return Entry(digest: digest, parts: card.cardBytes.flatMap { VCard.partsDigests(of: Vdir.card(c, keeping: $0)) }, copies: card.staleCopies)
        }

        static func digest(_ bytes: [UInt8]) -> String {
            var hash = StableHash()
            hash.add(bytes)
            return hash.hex
        }

        /// The folder's state, with what this run recorded and has not written yet; and why the
        /// file could not be read, when it is there and cannot be (a link, a folder, damaged).
        /// A file with damaged lines is still Tend's to write: the lines it could read are kept.
        static func read(_ dir: String, session: Session? = nil) -> (entries: [String: Entry], problem: String?, writable: Bool) {
            let path = dir + "/" + fileName
            var entries: [String: Entry] = [:]
            var problem: String?
            var writable = true
            var st = stat()
            if lstat(path, &st) == 0 {
                writable = false
                if (st.st_mode & S_IFMT) == S_IFLNK {
                    problem = "\(fileName) is a symbolic link, which Tend does not follow"
                } else if (st.st_mode & S_IFMT) != S_IFREG {
                    problem = "\(fileName) is \(FileWriter.kind(st.st_mode))"
                } else if let bytes = readNoFollow(path) {
                    var bad = 0
                    for line in bytes.split(separator: 0x0A) {
                        let parts = line.split(separator: 0x09, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
                        let changes = parts.count == 5 ? parts[4].split(separator: ",").map { Int64($0) } : []
                        guard (2...5).contains(parts.count), !parts[0].isEmpty, !parts[1].isEmpty, !changes.contains(where: { ($0 ?? 0) <= 0 }) else {
                            bad += 1
                            continue
                        }
                        entries[parts[0]] = Entry(
                            digest: parts[1], parts: parts.count >= 3 && !parts[2].isEmpty ? parts[2] : nil,
                            copies: parts.count >= 4 ? parts[3].split(separator: ",").map(String.init) : [], changes: changes.compactMap { $0 })
                    }
                    if bad > 0 { problem = "\(bad) line\(bad == 1 ? "" : "s") of \(fileName) could not be read" }
                    writable = true
                } else {
                    problem = "\(fileName) cannot be read"
                }
            }
            // Cards taken in by an import whose change was undone are not known as taken in.
            if let session, entries.values.contains(where: { !$0.changes.isEmpty }),
                case let undone = Set(((try? session.store.history(limit: nil)) ?? []).filter(\.undone).map(\.number)), !undone.isEmpty
            {
                entries = entries.filter { !$0.value.changes.contains(where: undone.contains) }
            }
            if let pending = session?.syncStatesToWrite[dir] { entries.merge(pending) { $1 } }
            return (entries, problem, writable)
        }

        /// The file's text for `entries`.
        static func text(_ entries: [String: Entry]) -> [UInt8] {
            // A UID holds neither a tab nor a line break (`ContactUID.storable`), nor do digests.
            // UID, digest, then the parts when there are parts or copies, then the copies.
            Array(
                entries.sorted { $0.key < $1.key }.map { uid, e in
                    var fields = [uid, e.digest]
                    if e.parts != nil || !e.copies.isEmpty || !e.changes.isEmpty { fields.append(e.parts ?? "") }
                    if !e.copies.isEmpty || !e.changes.isEmpty { fields.append(e.copies.joined(separator: ",")) }
                    if !e.changes.isEmpty { fields.append(e.changes.map(String.init).joined(separator: ",")) }
                    return fields.joined(separator: "\t") + "\n"
                }.joined().utf8)
        }

        /// Replaces the folder's state with `entries` (removed when there are none) during a run:
        /// a run that fails puts the file back.
        static func write(_ entries: [String: Entry], in dir: String, session: Session) throws {
            let path = dir + "/" + fileName
            session.syncStatesToWrite[dir] = nil
            let text = text(entries)
            var st = stat()
            if entries.isEmpty {
                if lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFREG { try session.removingFile(path) }
                return
            }
            guard readNoFollow(path) != text else { return }
            var notes: [String] = []
            _ = try Vdir.write(text, fileName, in: dir, session: session, notes: &notes)
        }

        /// Records what an import took in, to be written once its run is committed: written
        /// before, a run killed before its commit left a state that named cards as taken in which
        /// the database did not have, and the next export wrote over them.
        static func record(_ taken: [String: Entry], copies: [String: (digests: [String], card: Entry?)] = [:], in dir: String, session: Session) {
            let first = session.syncStatesToWrite[dir] == nil
            let (known, _, _) = read(dir, session: session)
            // A card taken in keeps the changes of the imports that took it in before, and takes
            // this run's (a copy's line alone, for a phone's duplicate, takes none).
            var taken = taken
            for uid in taken.keys { taken[uid]?.changes = Array(((known[uid]?.changes ?? []) + [thisRun]).suffix(changesKept)) }
            if !copies.isEmpty {
                for (uid, copied) in copies {
                    guard var entry = taken[uid] ?? known[uid] ?? copied.card else { continue }
                    entry.copies = copied.digests
                    taken[uid] = entry
                }
            }
            session.syncStatesToWrite[dir, default: [:]].merge(taken) { $1 }
            guard first else { return }
            // The run's change, if it makes one, is the journal's newest once it is committed.
            let newest = { (try? session.store.history(limit: 1))?.first?.number ?? 0 }
            let before = newest()
            session.afterCommit.append { [unowned session] in
                guard var pending = session.syncStatesToWrite.removeValue(forKey: dir) else { return }
                let change = newest()
                pending = pending.mapValues { entry in
                    var entry = entry
                    entry.changes = entry.changes.compactMap { $0 == thisRun ? (change > before ? change : nil) : $0 }
                    return entry
                }
                let (entries, problem, writable) = read(dir)
                if let problem, !writable {
                    session.console.err("warning: \(dir): the cards taken in are not recorded (\(problem)): the next import takes their changes again")
                    return
                }
                let path = dir + "/" + fileName
                do {
                    try FileWriter(database: session.store.path).write(text(entries.merging(pending) { $1 }), to: path, existing: .replace, syncingFolder: true)
                } catch {
                    session.console.err("warning: \(dir): the cards taken in are not recorded (\(error)): the next import takes their changes again")
                }
            }
        }
    }

    /// Writes a card file, never through a link (said in a note); false when it was not written.
    static func write(_ bytes: [UInt8], _ name: String, in dir: String, session: Session, notes: inout [String]) throws -> Bool {
        var st = stat()
        let path = dir + "/" + name
        if lstat(path, &st) == 0 && (st.st_mode & S_IFMT) == S_IFLNK {
            notes.append("\(name) is a symbolic link: not written (Tend does not write through links in a vdir)")
            return false
        }
        // The folder is synced once, when the export has written every card. A run that fails
        // puts the card back as it was (or removes it), as it does every file it wrote.
        try session.writingFile(path) {
            try FileWriter(database: session.store.path).write(bytes, to: path, existing: .replace, syncingFolder: false)
        }
        return true
    }

    /// Where a card is: its file, its place among the file's cards, how many the file holds,
    /// and its bytes.
    struct CardPlace {
        var file: String
        var card: Int
        var of: Int
        var bytes: [UInt8]
        /// Whether someone changed the card since Tend's export wrote it (its `X-TEND-SYNC` no
        /// longer matches it); nil when no export of Tend's wrote it.
        var changedSinceWritten: Bool?
    }

    /// The folder's cards by UID (a card without one by `placeUID`), and the UID of the card
    /// that carries each Tend handle.
    static func cardsByUID(_ files: [CardFile], known: [String: SyncState.Entry] = [:]) -> (
        byUID: [String: CardPlace], uidOfHandle: [String: String], unreadable: [String: String]
    ) {
        var byUID: [String: CardPlace] = [:]
        var standings: [String: Standing] = [:]
        var uidOfHandle: [String: String] = [:]
        var unreadable: [String: String] = [:]
        for f in files {
            let chunks = cards(f.bytes)
            for (k, chunk) in chunks.enumerated() {
                guard let batch = try? VCard.read(chunk), batch.contacts.count == 1, let c = batch.contacts.first else {
                    let uid = VCard.uid(inCard: chunk) ?? placeUID(file: f.name, card: k, of: chunks.count)
                    unreadable[uid] = unreadable[uid] ?? f.name
                    continue
                }
                let uid = c.uid ?? placeUID(file: f.name, card: k, of: chunks.count)
                // Of several cards with the UID, the one an import takes (`withoutStaleCopies`).
                // A card is hashed only when the state knows its UID: an export reads every card.
                let standing = Standing(digest: known[uid].map { _ in SyncState.digest(chunk) }, writtenByTend: c.writtenByTend, known: known[uid])
                if standings[uid].map({ standing > $0 }) ?? true {
                    standings[uid] = standing
                    byUID[uid] = CardPlace(
                        file: f.name, card: k, of: chunks.count, bytes: chunk, changedSinceWritten: c.writtenByTend ? !c.unchangedSinceWritten : nil)
                }
                if let h = c.handle { uidOfHandle[h] = uid }
            }
        }
        return (byUID, uidOfHandle, unreadable)
    }

    /// `UID.vcf` when the UID makes a plain file name, else a name made from its hash; never a
    /// name another card of the folder has.
    static func fileName(_ uid: String, taken: Set<String>) -> String {
        let plain =
            uid.utf8.count <= 200 && uid.first != "." && uid.first != "-"
            && uid.unicodeScalars.allSatisfy { $0.isASCII && (CharacterSet.alphanumerics.contains($0) || "._@+-".unicodeScalars.contains($0)) }
        var hash = StableHash()
        hash.add(uid.utf8)
        let base = plain ? uid : "tend-" + hash.hex
        var name = base + ".vcf"
        var n = 2
        while taken.contains(name) {
            name = "\(base)-\(n).vcf"
            n += 1
        }
        return name
    }

    /// The contact's card with the properties of its old card that Tend has no field for: those
    /// Tend leaves out on import (a photo, a key, a program's own X- properties) and those it
    /// keeps as a line of the notes (a URL, a nickname) while that line is still in the notes —
    /// the line is then not repeated in NOTE. Its N and ORG are kept while Tend's name and
    /// company are the ones they give (`VCard.unchangedLines`).
    /// A 3.0 card is written again as 3.0 (Apple's Contacts and iCloud pass over a 4.0 card).
    static func card(_ c: Contact, keeping old: [UInt8]) -> String {
        let version = VCard.Version(ofCard: old) ?? .v4
        var (kept, noteLines, keptGroups) = VCard.foreignProperties(old, notes: c.notes, version: version)
        let (names, nameNotes) = VCard.unchangedLines(old, of: c)
        noteLines += nameNotes
        var c = c
        if !noteLines.isEmpty {
            var lines = (c.notes ?? "").split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            for l in noteLines { if let i = lines.firstIndex(of: l) { lines.remove(at: i) } }
            let rest = lines.joined(separator: "\n")
            c.notes = rest.trimmed.isEmpty ? nil : rest
        }
        let groups = VCard.appleGroups(old)
        let card = VCard.write(c, keeping: names, groups: groups, version: version, reservedGroups: keptGroups)
        // A kept property of the group of an e-mail, phone or address Tend no longer writes
        // (`item2.X-ABADR`) would name nothing; a kept label of one it writes is written with it.
        let written = Set(groups.values.filter { card.contains("\r\n" + $0.group + ".") }.map(\.group))
        kept = kept.filter { line in
            groups.values.allSatisfy { !line.hasPrefix($0.group + ".") || (written.contains($0.group) && line != $0.label) }
        }
        guard !kept.isEmpty else { return card }
        let end = "END:VCARD\r\n"
        return String(card.dropLast(end.count)) + kept.map { VCard.fold($0) + "\r\n" }.joined() + end
    }
}
