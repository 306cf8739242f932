import TendCore

/// The REPL's `.help` and `.schema` text.
enum Help {
    static let topics: [(String, String)] = [
        (
            "add",
            """
            add "NAME" [field: value, …] [+tag] [flags]
              add "Joan Rivera" profession: "hairstylist", company: "Salon Joan", +vendor, cadence: 3mo
              add "Joan Rivera" handle: "joan-rivera-2"      a second person with a taken name
            """
        ),
        (
            "set",
            """
            set @handle|me|QUERY field: value, … [+tag -tag] [on DATE]
              set @joan-rivera stage: visibility, next_step: "ask about newsletter ad", next_due: 2026-12-01
              set me profession: "real estate agent", preferred_client: "retired empty nesters"
              set contacts where met_at == "LinkedIn" +linkedin
              set @dana-lee stage: profitability on 2026-11-02    a dated stage change
            """
        ),
        (
            "log",
            """
            log KIND with @a[, @b] [on DATE] [note: "…"] [quality: 1-5] [gave] [asked] [inbound] [pitch]
              log lunch with @joan-rivera on 2026-11-20 note: "asked about ad space" quality: 4 asked
              log call with @dana-lee gave
            """
        ),
        (
            "events",
            """
            refer "Mike Chen" to @joan-rivera note: "needs a stylist" value: 120     a referral I gave
            referral from @dana-lee about "Ana Park" value: 500                    a referral I received
            introduce @ana-park and @dana-lee note: "both fly-fish"
            spend 85 at @joan-rivera on 2026-11-01
            knows @dana-lee @mike-chen
            remove interaction 41          (numbers are in timeline @handle)
            merge @joan-rivera-2 into @joan-rivera
            """
        ),
        (
            "queries",
            """
            COLLECTION [where COND] [group by EXPR] [sort by EXPR [asc|desc], …] [show EXPR [as NAME], …] [limit N]
              contacts where +vip and stage >= credibility sort by last_touch limit 10
              contacts where overdue > 0d sort by overdue desc show name, company, last_touch, overdue
              interactions where contact == @dana-lee and on >= today - 90d
              contacts group by profession
              count(contacts where stage >= credibility)     sum(spending where contact == @joan-rivera, amount)
            collections: contacts interactions referrals introductions spending goals markets agenda
            """
        ),
        (
            "who",
            """
            who serves my preferred client     who serves "retired empty nesters"
            who can help "Write an article for the local paper"
            who knows @dana-lee                who is overdue
            gaps in my preferred client        path to @editor-jane        connectors
            explain who serves my preferred client
            report network | reciprocity | money
            """
        ),
        (
            "rules",
            """
            rule "NAME" when COND then remind "TEMPLATE {field}" [priority EXPR]
              rule "vip monthly" when +vip and days_since(last_touch) > 30 then remind "Call {name}" priority 8
            agenda [on DATE] [limit N] [where COND]      why @handle      snooze @x 2w      unsnooze @x
            rules          lists every definition;      drop rule "NAME";      reset rules   brings the prelude back
            """
        ),
        (
            "scores",
            """
            score NAME = EXPR        a number per contact, readable as a field
              score priority = 2 * stage_rank + min(weeks_over(it), 5) + (if +connector then 3 else 0)
            the score named priority ranks agenda items whose rule gives no priority.
            let NAME = EXPR          fn NAME(a, b) = EXPR
            """
        ),
        (
            "goals",
            """
            goal "Write an article for the local paper" by 2027-03-31
            goal "Meet in person" metric: count(interactions where kind in ["lunch", "coffee"]) target: 12 per quarter
            helps @editor-jane "Write an article for the local paper"
            progress                 each goal's metric this period and the last ones, against its target
            market "retired empty nesters" served_by: ["financial advisor", "travel agent"]
            """
        ),
        (
            "scripts",
            """
            load "team-rules.tend"      save "my-rules.tend" [overwrite]
            assert EXPR, "message"      print "text {expr}"
            import vcard|csv|linkedin|google FILE      export vcard|csv|json|ics|dot FILE [QUERY] [overwrite]
            (an existing file is replaced only with overwrite, or when you answer yes; "-" is standard output)
            """
        ),
    ]

    static func text(_ topic: String?) -> String {
        guard let topic else {
            return """
                Tend — statements end at a newline; open brackets or a trailing operator continue them.
                Topics: .help add | set | log | events | queries | who | rules | scores | goals | scripts | fields | functions
                Dot-commands:
                  .help [TOPIC]            this text, or one topic
                  .mode table|json|csv|tsv how results print
                  .schema [COLLECTION]     collections and their fields with types
                  .read FILE               run a script file in this session
                  .rules                   every rule, score, let and fn
                  .today YYYY-MM-DD        set "today" for this session
                  .quit                    leave (Ctrl-D too)
                A line that is an expression prints its value; @handle prints the contact's card.
                """
        }
        if topic == "fields" { return schema("contacts", definitions: Definitions()) }
        if topic == "functions" {
            return Builtin.all.map { "  \($0.signature)\n      \($0.doc)" }.joined(separator: "\n")
        }
        let matches = topics.filter { $0.0 == topic || $0.1.contains(topic) }
        if let exact = topics.first(where: { $0.0 == topic }) { return exact.1 }
        if let first = matches.first { return first.1 }
        return "No help on \(topic). Topics: " + topics.map(\.0).joined(separator: ", ") + ", fields, functions"
    }

    static func schema(_ name: String?, definitions: Definitions) -> String {
        var out: [String] = []
        for c in Schema.all where name == nil || c.name == name || c.rowName == name {
            out.append("\(c.name) — \(c.doc)")
            let width = c.fields.map(\.name.count).max() ?? 10
            for f in c.fields {
                let pad = String(repeating: " ", count: width - f.name.count)
                out.append("  \(f.name)\(pad)  \(f.type)\(f.derived ? " (derived)" : "") — \(f.doc)")
            }
            if c.name == "contacts" {
                for s in definitions.scores.keys.sorted() { out.append("  \(s)  number (score)") }
            }
        }
        if out.isEmpty { return "No collection \(name ?? ""); collections: " + Schema.all.map(\.name).joined(separator: ", ") }
        return out.joined(separator: "\n")
    }
}
