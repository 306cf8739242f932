/// What `edit @x` and `edit interaction 12` put in the editor, and the statements that turn
/// the file the user saved into changes. One statement per line, each setting one field:
///
///     set @joan-rivera company: "Salon Joan"
///     set @joan-rivera tags: ["vendor"]
///     set @joan-rivera goals: ["open a second salon"]
///
/// A changed or added line runs as written; a deleted line clears its field (`company: null`,
/// `goals: []`, `expert: false`), unless another line sets that field; unchanged lines do
/// nothing.
public enum EditText {
    /// A contact's lines: its name, every stored field it has, its stage.
    public static func lines(of c: Contact) -> [String] {
        (["name: \(ScriptWriter.quote(c.name))"] + ScriptWriter.fieldOptions(c, stage: true)).map { "set @\(c.handle) \($0)" }
    }

    /// An event's lines: what `set KIND N` corrects, and its date.
    public static func lines(of kind: EventKind, _ id: Int64, in net: Network) -> [String]? {
        let q = ScriptWriter.quote
        var o: [String] = []
        let on: Day
        switch kind {
        case .interaction:
            guard let i = net.interactions.first(where: { $0.id == id }) else { return nil }
            on = i.on
            o = ["kind: \(q(i.kind))"] + (i.note.map { ["note: \(q($0))"] } ?? []) + (i.quality.map { ["quality: \($0)"] } ?? [])
            o += [("gave", i.gave), ("asked", i.asked), ("inbound", i.inbound), ("pitch", i.pitch)].filter(\.1).map(\.0)
        case .referral:
            guard let r = net.referrals.first(where: { $0.id == id }) else { return nil }
            on = r.on
            o = [r.about.map { "about: \(q($0))" }, r.value.map { "value: \($0.tendText)" }, r.status.map { "status: \(q($0))" }, r.note.map { "note: \(q($0))" }]
                .compactMap { $0 }
        case .introduction:
            guard let i = net.introductions.first(where: { $0.id == id }) else { return nil }
            on = i.on
            o = i.note.map { ["note: \(q($0))"] } ?? []
        case .spend:
            guard let s = net.spending.first(where: { $0.id == id }) else { return nil }
            on = s.on
            o = ["amount: \(s.amount.tendText)"] + (s.note.map { ["note: \(q($0))"] } ?? [])
        case .stage:
            return nil
        }
        return (o + ["on \(on)"]).map { "set \(kind.rawValue) \(id) \($0)" }
    }

    /// The lines of a file that are statements: not blank, not comments.
    public static func statements(in text: String) -> [String] {
        text.split(separator: "\n", omittingEmptySubsequences: true).map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && !$0.hasPrefix("#") }
    }

    /// What changed between the lines written and the lines saved: the diff to show (`- old`,
    /// `+ new`) and the statements to run, the clearing ones first.
    public static func changes(from old: [String], to new: [String]) -> (diff: [String], statements: [String]) {
        let before = Set(old)
        let after = Set(new)
        let removed = old.filter { !after.contains($0) }
        let added = new.filter { !before.contains($0) }
        let setAgain = Set(new.compactMap(field))
        let clearing = removed.compactMap { line -> String? in
            guard let f = field(line), !setAgain.contains(f) else { return nil }
            // A field no statement can clear (`name`, `stage`, an event's date) is set to null,
            // which the check refuses in words: the edit does not claim a change it cannot make.
            let value = cleared[f] ?? (Schema.contactListFields.contains(f) ? "[]" : "null")
            // An event's date is written `on DATE` (`on: null` did not even parse).
            if f == "on" { return target(line) + " on null" }
            return target(line) + " \(f): \(value)"
        }
        return (removed.map { "- " + $0 } + added.map { "+ " + $0 }, clearing + added)
    }

    /// How a deleted line clears its field (a stage goes back to the first, its default); any
    /// other field (`name`, `kind`, the date) is set to null, which is refused.
    static let cleared: [String: String] = [
        "stage": "contact", "birthday": "null", "anniversary": "null", "dates": "[]", "uid": "null",
        "company": "null", "title": "null", "profession": "null", "emails": "[]", "phones": "[]", "addresses": "[]",
        "met_at": "null", "met_on": "null", "relationship": "null", "internal": "false", "cadence": "null", "next_step": "null",
        "next_due": "null", "expert": "false", "passionate": "false", "honors_referrals": "false", "notes": "null", "note": "null",
        "quality": "null", "gave": "false", "asked": "false", "inbound": "false", "pitch": "false", "about": "null", "value": "null",
        "status": "null", "snoozed_until": "null",
    ]

    /// `set @x` or `set interaction 12`: what a line sets.
    static func target(_ line: String) -> String {
        let words = line.split(separator: " ", maxSplits: 3)
        guard words.count >= 2 else { return line }
        return words[1].hasPrefix("@") ? words[0...1].joined(separator: " ") : words.prefix(3).joined(separator: " ")
    }

    /// The field a `set` line sets (`email:` and `emails:` set the same one), or nil for another
    /// statement.
    static func field(_ line: String) -> String? {
        guard line.hasPrefix("set ") else { return nil }
        let rest = line.dropFirst(target(line).count).drop { $0 == " " }
        let name = String(rest.prefix { $0.isLetter || $0 == "_" })
        guard !name.isEmpty else { return nil }
        return ["email": "emails", "phone": "phones", "city": "addresses"][name] ?? name
    }
}
