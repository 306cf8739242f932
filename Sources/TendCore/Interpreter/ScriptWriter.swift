import Foundation

/// Writes data and definitions back as Tend statements (`save`, `tend dump`).
public enum ScriptWriter {
    /// A string literal that reads back as the same text. Text longer than the lexer takes in
    /// one literal (`Lexer.maxStringBytes` of source) is written as literals joined by `+`, so
    /// that any note restores: each piece holds at most a seventh of the limit, since an
    /// escape (`\u{1F}`) can take seven bytes for one.
    public static func quote(_ s: String) -> String {
        let piece = Lexer.maxStringBytes / 7
        guard s.utf8.count > piece else { return literal(s.unicodeScalars[...]) }
        var pieces: [String] = []
        var start = s.unicodeScalars.startIndex
        var bytes = 0
        for i in s.unicodeScalars.indices {
            let n = UTF8.width(s.unicodeScalars[i])
            if bytes + n > piece {
                pieces.append(literal(s.unicodeScalars[start..<i]))
                start = i
                bytes = 0
            }
            bytes += n
        }
        pieces.append(literal(s.unicodeScalars[start...]))
        return pieces.joined(separator: " + ")
    }

    private static func literal(_ scalars: Substring.UnicodeScalarView) -> String {
        var out = "\""
        for ch in scalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "{": out += "\\{"
            case "}": out += "\\}"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                // Escaped so that a dump printed on a terminal cannot drive it.
                if TerminalText.isControl(ch) {
                    out += "\\u{\(String(ch.value, radix: 16, uppercase: true))}"
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out + "\""
    }

    static func list(_ items: [String]) -> String { listLiteral(items.map(quote)) }

    /// Items written as a list: one literal, or literals of at most `Parser.maxItems` joined by
    /// `+` when there are more (a tag list read from a file, interests built with `+`).
    static func listLiteral(_ items: [String]) -> String {
        stride(from: 0, to: max(items.count, 1), by: Parser.maxItems).map { start in
            "[" + items[start..<min(start + Parser.maxItems, items.count)].joined(separator: ", ") + "]"
        }.joined(separator: " + ")
    }

    static func word(_ s: String) -> String {
        let isWord = Lexer.isIdentifier(s) && !Parser.reservedWords.contains(s) && s != "with"
        return isWord ? s : quote(s)
    }

    /// The first line of what `save` writes.
    public static let definitionsHeader = "# Tend definitions"

    /// The second line of what `save` writes: the hash of the rest, by which a later `save`
    /// knows the file is as it was written and may write over it (one edited by hand is kept).
    static func savedLine(_ body: String) -> String {
        var hash = StableHash()
        hash.add(body.utf8)
        return "# Saved by Tend: save writes over this file while it is as saved (\(hash.hex))."
    }

    /// Whether a file is what `save` wrote, unchanged since: its header, its hash line, and a
    /// body that has that hash.
    public static func isUnchangedSave(_ bytes: [UInt8]) -> Bool {
        let lines = bytes.split(separator: 10, maxSplits: 2, omittingEmptySubsequences: false)
        guard lines.count == 3, lines[0].elementsEqual(definitionsHeader.utf8) else { return false }
        return lines[1].elementsEqual(savedLine(String(decoding: lines[2], as: UTF8.self)).utf8)
    }

    /// Markets, let / fn / score / rule definitions, then goals, in a stable order: what
    /// `save` writes. No data (not `set me`, not who helps a goal), so that loading the file
    /// works under `--read-only`, where definitions last for the run.
    public static func definitions(of net: Network, definitions: Definitions, prelude: Definitions? = nil) -> String {
        var lines = markets(net)
        lines += definitionLines(definitions, prelude: prelude)
        // Goals last: a goal's metric may call the functions above.
        for g in net.goals { lines.append(goal(g)) }
        let body = lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
        return definitionsHeader + "\n" + savedLine(body) + "\n" + body
    }

    /// `set me …` and the markets: by name, or as stored (`inOrder`, for a dump).
    static func meAndMarkets(_ net: Network, inOrder: Bool = false) -> [String] {
        var lines: [String] = []
        let me = net.me
        var opts: [String] = []
        if let n = me.name { opts.append("name: \(quote(n))") }
        if let p = me.profession { opts.append("profession: \(quote(p))") }
        if let c = me.company { opts.append("company: \(quote(c))") }
        if !me.preferredClient.isEmpty {
            opts.append("preferred_client: " + (me.preferredClient.count == 1 ? quote(me.preferredClient[0]) : list(me.preferredClient)))
        }
        if !me.goals.isEmpty { opts.append("goals: \(list(me.goals))") }
        if !me.emails.isEmpty { opts.append("emails: \(list(me.emails))") }
        if !opts.isEmpty { lines.append("set me " + opts.joined(separator: ", ")) }
        return lines + markets(net, inOrder: inOrder)
    }

    /// The markets: by name, or as stored (`inOrder`, for a dump).
    static func markets(_ net: Network, inOrder: Bool = false) -> [String] {
        (inOrder ? net.markets : net.markets.sorted(by: { $0.name < $1.name })).map {
            "market \(quote($0.name)) served_by: \(list($0.servedBy))"
        }
    }

    static func goal(_ g: Goal) -> String {
        var s = "goal \(quote(g.name))"
        if let d = g.due { s += " by \(d)" }
        if let m = g.metric { s += " metric: \(m)" }
        // A target of 0 or less (one an older Tend kept) measures nothing, and no script states it.
        if let t = g.target, t > 0 { s += " target: \(t.exactText)" }
        if let p = g.period { s += " per \(p.rawValue)" }
        return s
    }

    /// The definitions as statements that recreate them, each after the ones it uses. With the
    /// prelude a new database starts with (a dump), the prelude's definitions are dropped first,
    /// each before what it uses: the database then holds exactly these, with its rules in this
    /// order (rules apply in order), whatever was dropped, redefined or added since.
    static func definitionLines(_ defs: Definitions, prelude: Definitions?) -> [String] {
        var lines: [String] = []
        if let prelude {
            lines += ordered(prelude.all, by: prelude).reversed().map { d in
                "drop \(d.kind.rawValue) \(d.kind == .rule ? quote(d.name) : d.name)"
            }
        }
        return lines + ordered(defs.all, by: defs).map(\.source)
    }

    /// Definitions, each after those it uses, otherwise in the order given.
    static func ordered(_ all: [Definition], by defs: Definitions) -> [Definition] {
        func key(_ d: Definition) -> String { "\(d.kind.rawValue):\(d.name)" }
        let checker = Checker(definitions: defs)
        var needs: [String: Set<String>] = [:]
        let keys = Set(all.map(key))
        for d in all { for user in checker.users(of: key(d)) where keys.contains(user) { needs[user, default: []].insert(key(d)) } }
        var remaining = all
        var placed = Set<String>()
        var out: [Definition] = []
        while !remaining.isEmpty {
            // A circle cannot be stored; should one be there all the same, the rest keep their order.
            let i = remaining.firstIndex { (needs[key($0)] ?? []).isSubset(of: placed) } ?? 0
            let d = remaining.remove(at: i)
            out.append(d)
            placed.insert(key(d))
        }
        return out
    }

    /// The whole database as a script that rebuilds it on an empty database: running the dump
    /// and dumping again gives the same text. Every date is written out, so the script means
    /// the same whatever day it runs.
    /// The agenda items closed, dismissed or snoozed, each as the state it was recorded in
    /// (`done @x rule "R" since DATE`), for the rules and contacts there are; after the rules.
    public static func itemStates(_ states: [ItemKey: ItemState], net: Network, rules: Set<String>) -> String {
        let handles = Dictionary(net.contacts.map { ($0.id, $0.handle) }) { a, _ in a }
        let verbs: [ItemState.Kind: String] = [.done: "done", .dismissed: "dismiss", .snoozed: "snooze"]
        var lines: [String] = []
        for (key, state) in states {
            guard let handle = handles[key.contact], rules.contains(key.rule) else { continue }
            var line = "\(verbs[state.kind]!) @\(handle) rule \(quote(key.rule)) since \(state.since)"
            if let until = state.until { line += " until \(until)" }
            if let note = state.note { line += " note: \(quote(note))" }
            lines.append(line)
        }
        return lines.sorted().map { $0 + "\n" }.joined()
    }

    /// `numbers given …` for the collections whose last numbers were removed, so that the
    /// rebuilt database does not give them again; nothing when there are none.
    public static func numbersGiven(_ given: [(collection: String, upTo: Int64)]) -> String {
        guard !given.isEmpty else { return "" }
        return "numbers given " + given.map { "\($0.collection): \($0.upTo)" }.joined(separator: ", ") + "\n"
    }

    /// A dump's first lines: the second says that its last line is `dumpEnd`, which a copy cut
    /// short (a full disk, a dropped `ssh … | tend run -`) lacks. Dumps an older Tend wrote have
    /// the first line alone, and no last line to check.
    public static let dumpHeader = [
        "# Tend dump: run it with `tend run` on an empty database to rebuild this one.",
        "# Its last line is \"\(dumpEnd)\": a copy without it was cut short, and none of it runs.",
    ]
    public static let dumpEnd = "# End of Tend dump."

    /// The last line of a script that says it is a dump ending with `dumpEnd` and has no such
    /// line (byte offsets in its text); nil for a whole dump and for any other script. What
    /// follows the end line (a script joined after it) runs as written. The end line counts
    /// only as one of the script's `comments` (the lexer's): a string of a definition can hold
    /// that line too.
    public static func cutShort(_ bytes: [UInt8], comments: [SourceRange]) -> SourceRange? {
        // Its first two lines make a script a dump: any other is passed over at once (every
        // script was split into lines here, a restore of hundreds of thousands included).
        let head = bytes.split(separator: 10, maxSplits: 2, omittingEmptySubsequences: false)
        let line = { (s: ArraySlice<UInt8>) in s.last == 13 ? s.dropLast() : s }
        if let cut = cutInHeader(bytes) { return cut }
        guard head.count >= 2, line(head[0]).elementsEqual(dumpHeader[0].utf8), line(head[1]).elementsEqual(dumpHeader[1].utf8) else {
            return nil
        }
        let blank = { (b: UInt8) in b == 32 || b == 9 }
        let commentStarts = Set(comments.map(\.start))
        var last = line(head[1])
        var start = head.count == 3 ? head[2].startIndex : bytes.endIndex
        while start < bytes.endIndex {
            let stop = bytes[start...].firstIndex(of: 10) ?? bytes.endIndex
            let text = line(bytes[start..<stop])
            let trimmed = text.drop(while: blank).reversed().drop(while: blank)
            if trimmed.elementsEqual(dumpEnd.utf8.reversed()), let first = text.firstIndex(where: { !blank($0) }), commentStarts.contains(first) {
                return nil
            }
            if !trimmed.isEmpty { last = text }
            start = stop + 1
        }
        return SourceRange(last.startIndex, last.endIndex)
    }

    /// A script that is all a dump's first lines cut inside them (a copy that stopped in its
    /// first bytes, from "# T" on, or after its first line): the whole text. The first line
    /// alone was also an older Tend's dump of a database with nothing in it, which restored
    /// nothing either: it is refused with the rest.
    private static func cutInHeader(_ bytes: [UInt8]) -> SourceRange? {
        let whole = Array((dumpHeader.joined(separator: "\n") + "\n").utf8)
        // Longer than the two lines with a CR each: no cut header (every script comes here).
        guard bytes.count < whole.count + 2 else { return nil }
        let text = bytes.filter { $0 != 13 }
        guard text.count >= 3, text.count < whole.count, whole.starts(with: text) else { return nil }
        return SourceRange(0, bytes.count)
    }

    public static func dump(_ net: Network, definitions: Definitions, prelude: Definitions?) throws -> String {
        var text = ""
        try dump(net, interactions: Interactions(net), definitions: definitions, prelude: prelude) { text += $0 }
        return text
    }

    /// Every interaction, in id order, handed over one at a time: those of a network in memory,
    /// or those a store reads a page at a time (a million held at once took most of a dump's
    /// memory).
    public struct Interactions {
        public let each: ((Interaction) throws -> Void) throws -> Void
        public init(each: @escaping ((Interaction) throws -> Void) throws -> Void) { self.each = each }
        public init(_ net: Network) {
            let sorted = net.interactions.sorted { $0.id < $1.id }
            each = { body in for i in sorted { try body(i) } }
        }
    }

    /// The dump, written a line at a time (`write` takes each with its line break): the
    /// network's interactions are those `interactions` hands over, not `net.interactions`.
    public static func dump(
        _ net: Network, interactions: Interactions, definitions: Definitions, prelude: Definitions?, write: (String) throws -> Void
    ) throws {
        func line(_ text: String) throws { try write(text + "\n") }
        for l in dumpHeader + meAndMarkets(net, inOrder: true) { try line(l) }
        let handle = Dictionary(net.contacts.map { ($0.id, "@" + $0.handle) }, uniquingKeysWith: { a, _ in a })
        func h(_ id: Int64) -> String { handle[id] ?? "@unknown" }
        let contacts = net.contacts.sorted { $0.id < $1.id }
        let history = Set(net.stageChanges.map(\.contact))
        // Numbered as the events are: `id:` on a contact after a gap (a removal, a merge).
        var numbered = Numbering()
        for c in contacts {
            for l in contactLines(c, hasHistory: history.contains(c.id), id: numbered.option(c.id)) { try line(l) }
        }
        // An `add … stage:` records a stage change too, numbered before the history's.
        try eventLines(
            net, interactions: interactions, h, stagesAdded: contacts.count { addsStage($0, hasHistory: history.contains($0.id)) }, line)
        // Goals after the definitions: a metric may call a function of the user's.
        for l in definitionLines(definitions, prelude: prelude) { try line(l) }
        for g in net.goals {
            try line(goal(g))
            for helper in g.helpers { try line("helps \(h(helper)) \(quote(g.name))") }
        }
        for c in contacts {
            // Written as the field: a snooze that has ended is history, which `snooze` (after today only) refuses.
            if let until = c.snoozedUntil { try line("set @\(c.handle) snoozed_until: \(until)") }
        }
    }

    /// `add` with every stored field; the stage comes from the history (`set … stage: … on`),
    /// or here when there is none; its number (`id: N`) when `Numbering` says it.
    static func contactLines(_ c: Contact, hasHistory: Bool, id: String? = nil) -> [String] {
        let o = ["handle: \(quote(c.handle))", "created: \(c.created)"] + (id.map { [$0] } ?? []) + fieldOptions(c, stage: addsStage(c, hasHistory: hasHistory))
        var lines = ["add \(quote(c.name.trimmed)) " + o.joined(separator: ", ")]
        // `add` trims the name it is given; `set … name:` keeps it as it is.
        if c.name != c.name.trimmed { lines.append("set @\(c.handle) name: \(quote(c.name))") }
        return lines
    }

    /// Whether a contact's `add` gives its stage (and so records a stage change).
    static func addsStage(_ c: Contact, hasHistory: Bool) -> Bool { !hasHistory && c.stage != .contact }

    /// The options that give a contact's stored fields but its name, handle and creation (empty
    /// ones left out), in the order of the schema; its stage too when `stage` says so.
    static func fieldOptions(_ c: Contact, stage: Bool) -> [String] {
        var o: [String] = []
        // Empty text is no text: `add` stores it so.
        func add(_ name: String, _ v: String?) { if let v, !v.isEmpty { o.append("\(name): \(quote(v))") } }
        add("company", c.company)
        add("title", c.title)
        add("profession", c.profession)
        o += contactListOptions(c)
        add("met_at", c.metAt)
        if let d = c.metOn { o.append("met_on: \(d)") }
        add("relationship", c.relationship)
        if c.isInternal { o.append("internal") }
        if let cad = c.cadence { o.append("cadence: \(durationLiteral(cad))") }
        add("next_step", c.nextStep)
        if let d = c.nextDue { o.append("next_due: \(d)") }
        for f in Schema.contactListFields where !c[list: f].isEmpty { o.append("\(f): \(list(c[list: f]))") }
        if c.expert { o.append("expert") }
        if c.passionate { o.append("passionate") }
        if c.honorsReferrals { o.append("honors_referrals") }
        add("notes", c.notes)
        if let d = c.birthday { o.append("birthday: \(d)") }
        if let d = c.anniversary { o.append("anniversary: \(d)") }
        if !c.dates.isEmpty {
            o.append("dates: " + listLiteral(c.dates.map { "{label: \(quote($0.label)), date: \($0.date)}" }))
        }
        // A UID is written as imports read one (`ContactUID.storable`), which `uid:` takes back.
        add("uid", c.uid.map { ContactUID.storable($0.trimmed) })
        if stage { o.append("stage: \(c.stage)") }
        return o
    }

    /// `email:`, `phone:` and `city:` when each is all the contact has of its kind (as before
    /// contacts had several), else `emails:`, `phones:` and `addresses:` with every item and type.
    static func contactListOptions(_ c: Contact) -> [String] {
        var o: [String] = []
        for (name, list) in [("email", c.emails), ("phone", c.phones)] {
            if list.count == 1 && list[0].type == nil {
                o.append("\(name): \(quote(list[0].value))")
            } else if !list.isEmpty {
                let items = list.map { p in p.type.map { "{value: \(quote(p.value)), type: \(quote($0))}" } ?? quote(p.value) }
                o.append("\(name)s: " + listLiteral(items))
            }
        }
        if c.addresses.count == 1, let city = c.addresses[0].city, c.addresses[0] == PostalAddress(city: city) {
            o.append("city: \(quote(city))")
        } else if !c.addresses.isEmpty {
            let items = c.addresses.map { a in
                "{" + (PostalAddress.parts + ["type"]).compactMap { k in a[part: k].map { "\(k): \(quote($0))" } }.joined(separator: ", ") + "}"
            }
            o.append("addresses: " + listLiteral(items))
        }
        return o
    }

    /// Stage changes, interactions, referrals, introductions, spending and who knows whom, each
    /// kind in the order it was recorded. Each keeps its number (`remove interaction 4` means
    /// the same event in the rebuilt database): one that is not the number the store gives
    /// the next event of its kind (one more than the last; after `stagesAdded` stage changes
    /// that `add` records) says it, with `id:`.
    static func eventLines(_ net: Network, _ h: (Int64) -> String, stagesAdded: Int = 0) throws -> [String] {
        var lines: [String] = []
        try eventLines(net, interactions: Interactions(net), h, stagesAdded: stagesAdded) { lines.append($0) }
        return lines
    }

    /// The event lines, each handed to `line`; the interactions are those `interactions` hands over.
    static func eventLines(
        _ net: Network, interactions: Interactions, _ h: (Int64) -> String, stagesAdded: Int = 0, _ line: (String) throws -> Void
    ) throws {
        var numbered = Numbering(next: Int64(stagesAdded) + 1)
        for s in net.stageChanges.sorted(by: { $0.id < $1.id }) {
            try line("set \(h(s.contact)) stage: \(s.stage) on \(s.on)" + numbered(s.id) + signed(s.by))
        }
        numbered = Numbering()
        try interactions.each { i in
            // A member's private note whose people another member removed has no one to be
            // logged with: said, not written as a statement that would not parse.
            guard !i.people.isEmpty else {
                try line(
                    "# Not in this dump: interaction \(i.id), \(word(i.kind)) on \(i.on), with no one left in it (its people were removed)"
                        + (i.note.map { ", note \(quote($0))" } ?? ""))
                return
            }
            var s = "log \(word(i.kind)) with \(i.people.map(h).joined(separator: ", ")) on \(i.on)" + numbered(i.id)
            if let n = i.note { s += " note: \(quote(n))" }
            if let q = i.quality { s += " quality: \(q)" }
            if i.gave { s += " gave" }
            if i.asked { s += " asked" }
            if i.inbound { s += " inbound" }
            if i.pitch { s += " pitch" }
            // Kept so that importing the same calendar or mailbox after a restore adds nothing.
            if let src = i.sourceID { s += " source: \(quote(src))" }
            if i.isPrivate { s += " private" }
            try line(s + signed(i.by))
        }
        numbered = Numbering()
        for r in net.referrals.sorted(by: { $0.id < $1.id }) {
            var s =
                r.direction == .given
                ? "refer \(r.about.flatMap { $0.trimmed.isEmpty ? nil : quote($0) + " " } ?? "")to \(h(r.contact)) on \(r.on)"
                : "referral from \(h(r.contact))\(r.about.map { " about \(quote($0))" } ?? "") on \(r.on)"
            s += numbered(r.id)
            if let v = r.value { s += " value: \(v.tendText)" }
            // A status none said is written so: `refer` and `referral` would make it open.
            s += " status: " + (r.status.map(quote) ?? "null")
            if let n = r.note { s += " note: \(quote(n))" }
            try line(s + signed(r.by))
        }
        numbered = Numbering()
        for i in net.introductions.sorted(by: { $0.id < $1.id }) {
            let note = i.note.map { " note: \(quote($0))" } ?? ""
            try line("introduce \(h(i.a)) and \(h(i.b)) on \(i.on)" + numbered(i.id) + note + signed(i.by))
        }
        numbered = Numbering()
        for sp in net.spending.sorted(by: { $0.id < $1.id }) {
            let note = sp.note.map { " note: \(quote($0))" } ?? ""
            try line("spend \(sp.amount.tendText) at \(h(sp.contact)) on \(sp.on)" + numbered(sp.id) + note + signed(sp.by))
        }
        let edges = net.knows.map { e -> (String, String) in
            let a = h(e.0)
            let b = h(e.1)
            return a < b ? (a, b) : (b, a)
        }.sorted { $0 < $1 }
        for (a, b) in edges { try line("knows \(a) \(b)") }
        // An introduction records that its two know each other; an edge taken away since
        // (`remove knows`) is taken away again after the introductions put it back.
        let kept = Set(net.knows.map { Pair($0.0, $0.1) })
        var gone = Set<Pair>()
        for i in net.introductions.sorted(by: { $0.id < $1.id }) where i.a != i.b {
            let p = Pair(i.a, i.b)
            if !kept.contains(p), gone.insert(p).inserted { try line("remove knows \(h(i.a)) \(h(i.b))") }
        }
    }

    /// The numbers a run of one kind's events in order gives them: ` id: N` for one that is
    /// not the next (after a gap), nothing otherwise.
    struct Numbering {
        var next: Int64 = 1
        mutating func callAsFunction(_ id: Int64) -> String { option(id).map { " " + $0 } ?? "" }
        /// `id: N` as an option of its own, or nil.
        mutating func option(_ id: Int64) -> String? {
            defer { next = id + 1 }
            return id == next ? nil : "id: \(id)"
        }
    }

    /// ` by: "NAME"`: the member who logged an event, kept by a dump (nothing in one person's file).
    static func signed(_ by: String?) -> String { by.map { " by: \(quote($0))" } ?? "" }

    /// A duration as a literal the lexer reads back (`1y2mo` is written `14mo`).
    public static func durationLiteral(_ d: Duration) -> String {
        if d.months != 0 && d.days != 0 { return "\(d.months)mo + \(d.days)d" }
        return d.description
    }
}
