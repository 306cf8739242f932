import Foundation

/// Writes data and definitions back as Tend statements (`save`, `tend dump`).
public enum ScriptWriter {
    /// A string literal that reads back as the same text.
    public static func quote(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "{": out += "\\{"
            case "}": out += "\\}"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\u{D}"
            default:
                if ch.value < 0x20 || ch.value == 0x7F {
                    out += "\\u{\(String(ch.value, radix: 16, uppercase: true))}"
                } else {
                    out.unicodeScalars.append(ch)
                }
            }
        }
        return out + "\""
    }

    static func list(_ items: [String]) -> String { "[" + items.map(quote).joined(separator: ", ") + "]" }

    static func word(_ s: String) -> String {
        let isWord =
            s.first.map { $0.isLetter || $0 == "_" } ?? false
            && s.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" } && !Parser.reservedWords.contains(s)
            && s != "with"
        return isWord ? s : quote(s)
    }

    /// Markets and goals, then let / fn / score / rule definitions, in a stable order: what
    /// `save` writes. No data (not `set me`, not who helps a goal), so that loading the file
    /// works under `--read-only`, where definitions last for the run.
    public static func definitions(of net: Network, definitions: Definitions, prelude: Definitions? = nil) -> String {
        var lines = ["# Tend definitions"]
        lines += markets(net)
        for g in net.goals { lines.append(goal(g)) }
        lines += definitionLines(definitions, prelude: prelude)
        return lines.joined(separator: "\n") + "\n"
    }

    static func meAndMarkets(_ net: Network) -> [String] {
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
        if !opts.isEmpty { lines.append("set me " + opts.joined(separator: ", ")) }
        return lines + markets(net)
    }

    static func markets(_ net: Network) -> [String] {
        net.markets.sorted(by: { $0.name < $1.name }).map { "market \(quote($0.name)) served_by: \(list($0.servedBy))" }
    }

    static func goal(_ g: Goal) -> String {
        var s = "goal \(quote(g.name))"
        if let d = g.due { s += " by \(d)" }
        if let m = g.metric { s += " metric: \(m)" }
        if let t = g.target { s += " target: \(t.tendText)" }
        if let p = g.period { s += " per \(p.rawValue)" }
        return s
    }

    static func definitionLines(_ defs: Definitions, prelude: Definitions?) -> [String] {
        var lines: [String] = []
        if let prelude {
            // A new database starts with the prelude; drop what this one no longer has.
            for d in prelude.all where defs.kind(of: d.name) != d.kind || (d.kind == .rule && !defs.rules.contains { $0.name == d.name }) {
                lines.append("drop \(d.kind.rawValue) \(d.kind == .rule ? quote(d.name) : d.name)")
            }
        }
        for d in defs.all { lines.append(d.source) }
        return lines
    }

    /// The whole database as a script that rebuilds it on an empty database.
    public static func dump(_ net: Network, definitions: Definitions, prelude: Definitions?) -> String {
        var lines = ["# Tend dump: run it with `tend run` on an empty database to rebuild this one."]
        lines += meAndMarkets(net)
        let handle = Dictionary(net.contacts.map { ($0.id, "@" + $0.handle) }, uniquingKeysWith: { a, _ in a })
        func h(_ id: Int64) -> String { handle[id] ?? "@unknown" }
        let history = Dictionary(grouping: net.stageChanges, by: \.contact)
        for c in net.contacts.sorted(by: { $0.id < $1.id }) {
            var o = ["handle: \(quote(c.handle))", "created: \(c.created)"]
            func add(_ name: String, _ v: String?) { if let v { o.append("\(name): \(quote(v))") } }
            add("company", c.company)
            add("title", c.title)
            add("profession", c.profession)
            add("email", c.email)
            add("phone", c.phone)
            add("city", c.city)
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
            if (history[c.id] ?? []).isEmpty && c.stage != .contact { o.append("stage: \(c.stage)") }
            lines.append("add \(quote(c.name)) " + o.joined(separator: ", "))
        }
        for s in net.stageChanges.sorted(by: { $0.id < $1.id }) {
            lines.append("set \(h(s.contact)) stage: \(s.stage) on \(s.on)")
        }
        for i in net.interactions.sorted(by: { $0.id < $1.id }) {
            var s = "log \(word(i.kind)) with \(i.people.map(h).joined(separator: ", ")) on \(i.on)"
            if let n = i.note { s += " note: \(quote(n))" }
            if let q = i.quality { s += " quality: \(q)" }
            if i.gave { s += " gave" }
            if i.asked { s += " asked" }
            if i.inbound { s += " inbound" }
            if i.pitch { s += " pitch" }
            lines.append(s)
        }
        for r in net.referrals.sorted(by: { $0.id < $1.id }) {
            var s =
                r.direction == .given
                ? "refer \(quote(r.about ?? "")) to \(h(r.contact)) on \(r.on)"
                : "referral from \(h(r.contact))\(r.about.map { " about \(quote($0))" } ?? "") on \(r.on)"
            if let v = r.value { s += " value: \(v.tendText)" }
            if let st = r.status { s += " status: \(quote(st))" }
            if let n = r.note { s += " note: \(quote(n))" }
            lines.append(s)
        }
        for i in net.introductions.sorted(by: { $0.id < $1.id }) {
            lines.append("introduce \(h(i.a)) and \(h(i.b)) on \(i.on)" + (i.note.map { " note: \(quote($0))" } ?? ""))
        }
        for sp in net.spending.sorted(by: { $0.id < $1.id }) {
            lines.append("spend \(sp.amount.tendText) at \(h(sp.contact)) on \(sp.on)" + (sp.note.map { " note: \(quote($0))" } ?? ""))
        }
        let edges = net.knows.map { e -> (String, String) in
            let a = h(e.0)
            let b = h(e.1)
            return a < b ? (a, b) : (b, a)
        }.sorted { $0 < $1 }
        for (a, b) in edges { lines.append("knows \(a) \(b)") }
        for g in net.goals {
            lines.append(goal(g))
            for helper in g.helpers { lines.append("helps \(h(helper)) \(quote(g.name))") }
        }
        lines += definitionLines(definitions, prelude: prelude)
        for c in net.contacts.sorted(by: { $0.id < $1.id }) {
            if let until = c.snoozedUntil { lines.append("snooze @\(c.handle) until \(until)") }
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// A duration as a literal the lexer reads back (`1y2mo` is written `14mo`).
    public static func durationLiteral(_ d: Duration) -> String {
        if d.months != 0 && d.days != 0 { return "\(d.months)mo + \(d.days)d" }
        return d.description
    }
}
