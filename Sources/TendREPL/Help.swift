import TendCore

/// The `.help` text of a topic (`add`, `rules`, …), for the command line's help too.
public func languageHelp(_ topic: String, width: Int? = nil) -> String { Help.wrapped(Help.text(topic), width: width) }

/// The `.help` topics' names (`tend help queries` shows one as `.help queries` does).
public let languageTopics: [String] = Help.topics.map(\.name) + ["fields", "functions"]

/// The REPL's `.help` and `.schema` text.
enum Help {
    /// One `.help` topic: the grammar of its statements, then examples that run as written, in
    /// order, topic after topic (the golden `14-help-examples.tend` runs every one of them).
    struct Topic {
        var name: String
        var synopsis: [String]
        /// A statement and what it shows, drawn side by side.
        var examples: [(code: String, note: String)]

        var text: String {
            let width = min(64, examples.map(\.code.count).max() ?? 0)
            let lines = examples.map { e in
                e.note.isEmpty
                    ? "  " + e.code : "  " + e.code + String(repeating: " ", count: max(0, width - e.code.count)) + "   " + e.note
            }
            return (synopsis + lines).joined(separator: "\n")
        }
    }

    static let topics: [Topic] = [
        Topic(
            name: "add", synopsis: ["add \"NAME\" [field: value, …] [+tag] [flags]"],
            examples: [
                ("add \"Joan Rivera\" profession: \"hairstylist\", company: \"Salon Joan\", +vendor, cadence: 3mo", ""),
                ("add \"Joan Rivera\" handle: \"joan-rivera-2\"", "a second person with a taken name"),
            ]),
        Topic(
            name: "set",
            synopsis: [
                "set @handle|me|QUERY field: value, … [+tag -tag] [on DATE]",
                "edit @handle | edit interaction|referral|introduction|spend N      (in $VISUAL or $EDITOR)",
            ],
            examples: [
                ("set @joan-rivera stage: visibility, next_step: \"ask about newsletter ad\", next_due: 2026-12-01", ""),
                ("set me profession: \"real estate agent\", preferred_client: \"retired empty nesters\"", ""),
                ("set contacts where met_at == \"LinkedIn\" +linkedin", "many at once"),
                ("set @dana-lee stage: profitability on 2026-11-02", "a dated stage change"),
                (
                    "set @dana-lee emails: [{value: \"dana@lee-wealth.example\", type: \"work\"}, \"dana@home.example\"], city: \"Tustin\"",
                    "several e-mails, the preferred first"
                ),
                (
                    "set @dana-lee birthday: --04-12, dates: [{label: \"kids' birthday\", date: 2019-05-02}]",
                    "a birthday without its year; a named date"
                ),
            ]),
        Topic(
            name: "log",
            synopsis: ["log KIND with @a[, @b] [\"NOTE\"] [on DATE] [note: \"…\"] [quality: 1-5] [gave] [asked] [inbound] [pitch] [private]"],
            examples: [
                ("log lunch with @joan-rivera on 2026-11-20 note: \"asked about ad space\" quality: 4 asked", ""),
                ("log call with @dana-lee gave", ""),
                ("log note with @mike-chen \"thinks of moving\" private", "on PostgreSQL, seen by you alone"),
            ]),
        Topic(
            name: "events",
            synopsis: [
                "refer \"WHOM\" to @x | referral from @x [about \"WHOM\"] | introduce @a and @b | spend N at @x   [on DATE] [options]",
                "knows @a @b      timeline @x      merge @from into @into",
                "remove @x | remove interaction|referral|introduction|spend|stage N | remove knows @a @b | remove market|goal \"NAME\"",
                "numbers given interactions: N, contacts: N, …   (a dump's: numbers up to N are not given again)",
            ],
            examples: [
                ("refer \"Mike Chen\" to @joan-rivera note: \"needs a stylist\" value: 120", "a referral I gave"),
                ("referral from @dana-lee about \"Ana Park\" value: 500", "a referral I received"),
                ("introduce @ana-park and @dana-lee note: \"both fly-fish\"", ""),
                ("spend 85 at @joan-rivera on 2026-11-01", ""),
                ("knows @dana-lee @mike-chen", ""),
                ("timeline @dana-lee", "every event, with its number"),
                ("remove interaction 2", "events by number"),
                ("remove knows @dana-lee @mike-chen", "an edge recorded by mistake"),
                ("merge @joan-rivera-2 into @joan-rivera", ""),
            ]),
        Topic(
            name: "queries",
            synopsis: [
                "COLLECTION [where COND] [group by EXPR] [sort by EXPR [asc|desc], …] [show EXPR [as NAME], …] [limit N]",
                "collections: " + Schema.queryable.map(\.name).joined(separator: " "),
            ],
            examples: [
                ("contacts where +vip and stage >= credibility sort by last_touch limit 10", ""),
                ("contacts where overdue > 0d sort by overdue desc show name, company, last_touch, overdue", ""),
                ("interactions where contact == @dana-lee and on >= today - 90d", ""),
                ("contacts group by profession", "a bar chart on a terminal"),
                ("count(contacts where stage >= credibility)", ""),
                ("sum(spending where contact == @joan-rivera, amount)", ""),
                ("contacts where birthday != null sort by days_until(birthday) show name, next_date(birthday), days_until(birthday)", "birthdays to come"),
            ]),
        Topic(
            name: "goals", synopsis: [],
            examples: [
                ("goal \"Write an article for the local paper\" by 2027-03-31", ""),
                ("goal \"Meet in person\" metric: count(interactions where kind in [\"lunch\", \"coffee\"]) target: 12 per quarter", ""),
                ("helps @editor-jane \"Write an article for the local paper\"", ""),
                ("progress", "each goal's metric this period and the last ones, against its target"),
                ("market \"retired empty nesters\" served_by: [\"financial advisor\", \"travel agent\"]", ""),
            ]),
        Topic(
            name: "who", synopsis: ["report network | reciprocity | money | duplicates | unclassified"],
            examples: [
                ("who serves my preferred client", ""),
                ("who serves \"retired empty nesters\"", ""),
                ("who can help \"Write an article for the local paper\"", ""),
                ("who knows @dana-lee", ""),
                ("who is overdue", ""),
                ("gaps in my preferred client", ""),
                ("path to @editor-jane", ""),
                ("connectors", ""),
                ("explain who serves my preferred client", ""),
                ("report reciprocity", ""),
                ("report unclassified", "contacts without a profession by title or company, with the set line that classifies each group"),
            ]),
        Topic(
            name: "rules",
            synopsis: [
                "rule \"NAME\" when COND then remind \"TEMPLATE {field}\" [log KIND] [priority EXPR]",
                "agenda [on DATE] [where COND] [limit N]      why @handle      snooze @x 2w | until DATE      unsnooze @x",
                "(.help agenda: the page, done, dismiss and snoozing one item)",
            ],
            examples: [
                ("rule \"vip monthly\" when +vip and (last_touch == null or days_since(last_touch) > 30) then remind \"Call {name}\" priority 8", ""),
                ("agenda limit 5", ""),
                ("why @dana-lee", "which rules fired, and the priority term by term"),
                ("snooze @dana-lee 2w", ""),
                ("unsnooze @dana-lee", ""),
                ("rules", "every definition"),
                ("drop rule \"vip monthly\"", ""),
                ("reset rules", "brings the prelude back"),
            ]),
        Topic(
            name: "agenda",
            synopsis: [
                "agenda [on DATE] [by item] [all] [limit N]     the page: one line per person (by item: per rule), numbered",
                "done N [note: \"…\"]      dismiss N [for 30d]      snooze N 1w | until DATE",
                "snooze @x rule \"NAME\" 2w      snooze contacts where … 2w (all their items)",
                "snooze agenda where … 2w       (the items the query gives)",
                "done|dismiss|snooze @x rule \"NAME\" since DATE [until DATE] [note: \"…\"]     an item's state as tend dump writes it",
                "undo [N]      history [limit N]      (each statement at the prompt, script run or import is one change)",
            ],
            examples: [
                ("rule \"thank\" when referrals_received > 0 then remind \"Call {name} to thank them\" log call priority 12", "done logs the call"),
                ("agenda", "20 lines; the numbers stay until the agenda is shown again"),
                ("agenda by item limit 5", "one line per rule and contact"),
                ("done 1 note: \"agreed on a coffee\"", "logs the rule's touch, else closes the item"),
                ("dismiss 2 for 30d", "hidden, nothing logged"),
                ("snooze 3 1w", ""),
                ("snooze @dana-lee rule \"plan a next step\" 2w", ""),
                ("snooze contacts where +linkedin 2w", ""),
                ("why @dana-lee", "shows what was closed, dismissed or snoozed"),
                ("history limit 2", "the changes undo takes back, newest first"),
            ]),
        Topic(
            name: "scores",
            synopsis: [
                "score NAME = EXPR        a number per contact, readable as a field",
                "let NAME = EXPR          fn NAME(a, b) = EXPR",
                "The score named priority ranks agenda items whose rule gives no priority.",
            ],
            examples: [
                ("fn weeks_over(c) = days(c.overdue) / 7", ""),
                ("score priority = 2 * stage_rank + min(weeks_over(it), 5) + (if +connector then 3 else 0)", ""),
                ("let vips = contacts where +vip", ""),
                ("count(vips)", ""),
            ]),
        Topic(
            name: "scripts",
            synopsis: [
                "import \(FileFormats.contactImports.joined(separator: "|")) FILE [dry_run] [skip_bad] [update]      (touches: .help touches)",
                "export \(FileFormats.exports.joined(separator: "|")) FILE [QUERY] [overwrite]      save FILE [overwrite]      load FILE",
                "(an existing file is replaced only with overwrite, or when you answer yes; \"-\" is standard output)",
            ],
            examples: [
                ("save \"my-rules.tend\"", "every definition, as a script"),
                ("load \"team-rules.tend\"", ""),
                ("assert count(contacts where stage >= credibility and next_step == null) <= 1, \"plan next steps\"", ""),
                ("print \"overdue: {count(contacts where overdue > 0d)}\"", ""),
                ("export csv \"network.csv\" contacts where +vendor", ""),
                ("export vdir \"cards\"", "a folder of one .vcf per contact, named by its UID (import vdir reads it back)"),
            ]),
        Topic(
            name: "touches",
            synopsis: [
                "import \(FileFormats.touchImports.joined(separator: "|")) FILE [dry_run] [skip_bad] [plan] [no_notes]",
                "Meetings and e-mails from your own calendar and mail files become touches with the contacts in them",
                "(any of their e-mails). Headers only: no body is read or stored, and nothing leaves the machine.",
                "Importing a file again adds nothing; plan makes a meeting after today the contacts' next step.",
                "An event that cannot be read stops the import, nothing logged, unless skip_bad.",
            ],
            examples: [
                ("set me emails: [\"me@example.com\", \"me@work.example\"]", "your own addresses, never a contact"),
                ("report candidates", "people met or written to who are not contacts"),
            ]),
    ]

    /// The text with each line wider than the terminal (`width` columns; nil off a terminal)
    /// broken at its blanks, the rest of a line indented under its start, two columns further:
    /// the terminal broke them in the middle of words.
    static func wrapped(_ text: String, width: Int?) -> String {
        guard let width, width >= 20 else { return text }
        let limit = width - 1
        return text.split(separator: "\n", omittingEmptySubsequences: false).map { line -> String in
            guard line.count > limit else { return String(line) }
            let indent = String(repeating: " ", count: min(line.prefix { $0 == " " }.count + 2, limit / 2))
            var rows: [String] = []
            var rest = Substring(line)
            var room = limit
            while rest.count > room {
                let head = rest.prefix(room + 1)
                // The last blank that leaves something on the row; none: the word is cut.
                let cut = head.lastIndex(of: " ").flatMap { i in head[..<i].contains(where: { $0 != " " }) ? i : nil } ?? rest.index(rest.startIndex, offsetBy: room)
                rows.append(String(rest[..<cut]).replacingOccurrences(of: " +$", with: "", options: .regularExpression))
                rest = rest[cut...].drop { $0 == " " }
                room = limit - indent.count
            }
            rows.append(String(rest))
            return rows.enumerated().map { $0.offset == 0 ? $0.element : indent + $0.element }.joined(separator: "\n")
        }.joined(separator: "\n")
    }

    static func text(_ topic: String?) -> String {
        guard let topic else {
            return """
                Tend — statements end at a newline; open brackets or a trailing operator continue them.
                Topics: .help \(topics.map(\.name).joined(separator: " | ")) | fields | functions
                Dot-commands:
                  .help [TOPIC]            this text, or one topic
                  .mode table|json|csv|tsv how results print
                  .schema [COLLECTION]     collections and their fields with types
                  .read FILE               run a script file in this session
                  .rules                   every rule, score, let and fn
                  .today YYYY-MM-DD        set "today" for this session
                  .quit                    leave (Ctrl-D, quit or exit too)
                A line that is an expression prints its value; @handle prints the contact's card.
                """
        }
        if topic == "fields" { return schema("contacts", definitions: Definitions()) }
        if topic == "functions" {
            return Builtin.all.map { "  \($0.signature)\n      \($0.doc)" }.joined(separator: "\n")
        }
        if let exact = topics.first(where: { $0.name == topic }) { return exact.text }
        if let first = topics.first(where: { $0.text.contains(topic) }) { return first.text }
        return "No help on \(topic). Topics: " + topics.map(\.name).joined(separator: ", ") + ", fields, functions"
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
