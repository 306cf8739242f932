/// The static type of an expression, as the checker sees it.
public indirect enum ValueType: Equatable, Sendable, CustomStringConvertible {
    /// Not known until run time (a `fn` parameter, a field read through `any`).
    case any
    case null, bool, number, string, date, duration, stage, contact, record
    case list(ValueType)
    /// A row of the named collection.
    case row(String)
    /// A collection (or query result) of the named collection's rows; nil when reshaped by `show`.
    case rows(String?)

    public var description: String {
        switch self {
        case .any: return "any"
        case .null: return "null"
        case .bool: return "bool"
        case .number: return "number"
        case .string: return "string"
        case .date: return "date"
        case .duration: return "duration"
        case .stage: return "stage"
        case .contact: return "contact"
        case .record: return "record"
        case .list(let t): return t == .any ? "list" : "list of \(t)"
        case .row(let c): return c
        case .rows(let c): return c.map { "collection of \($0)" } ?? "rows"
        }
    }
}

/// A field of a collection: its name, type, whether it is stored or derived, and what it means.
public struct FieldSpec: Sendable {
    public let name: String
    public let type: ValueType
    public let derived: Bool
    public let doc: String
    public init(_ name: String, _ type: ValueType, derived: Bool = false, _ doc: String) {
        self.name = name
        self.type = type
        self.derived = derived
        self.doc = doc
    }
}

/// A collection the language can query: its fields, and which date field places a row in a period.
public final class CollectionSpec: Sendable {
    public let name: String
    public let rowName: String
    public let fields: [FieldSpec]
    /// The field that dates a row (for goal periods), if the collection is dated.
    public let dateField: String?
    public let doc: String
    private let indexByName: [String: Int]

    /// The fields' names, in order: the columns of a source that makes records (a report).
    public var fieldNames: [String] { fields.map(\.name) }

    init(_ name: String, row: String, dateField: String?, doc: String, _ fields: [FieldSpec]) {
        self.name = name
        self.rowName = row
        self.fields = fields
        self.dateField = dateField
        self.doc = doc
        var map: [String: Int] = [:]
        for (i, f) in fields.enumerated() { map[f.name] = i }
        indexByName = map
    }

    public func index(of field: String) -> Int? { indexByName[field] }
    public func field(_ name: String) -> FieldSpec? { indexByName[name].map { fields[$0] } }
}

/// Every collection and field the language knows, stored and derived. The checker, the REPL's
/// completion, `.schema` and the language reference all read this one table.
public enum Schema {
    static let gainsDoc = "GAINS list"
    /// The contact fields `default_cadence` gives (a contact's own cadence aside).
    public static let cadenceFields: Set<String> = ["cadence", "due", "overdue"]

    public static let contacts = CollectionSpec(
        "contacts", row: "contact", dateField: "created", doc: "everyone you know",
        [
            FieldSpec("id", .number, "the contact's number in this database"),
            FieldSpec("name", .string, "full name"),
            FieldSpec("handle", .string, "unique slug, written @handle"),
            FieldSpec("company", .string, "company or organisation"),
            FieldSpec("title", .string, "job title"),
            FieldSpec("profession", .string, "functional category (financial advisor, salon, …)"),
            FieldSpec("email", .string, "the preferred e-mail address (the first of emails)"),
            FieldSpec("phone", .string, "the preferred phone number (the first of phones)"),
            FieldSpec("city", .string, "the preferred address's city"),
            FieldSpec("emails", .list(.string), "every e-mail address, preferred first; each may have a type: work, home, mobile, other"),
            FieldSpec("phones", .list(.string), "every phone number, preferred first; each may have a type: work, home, mobile, other"),
            FieldSpec("addresses", .list(.string), "every postal address on one line (street, city, region, postcode, country), preferred first"),
            FieldSpec("tags", .list(.string), "tags, written +tag"),
            FieldSpec("met_at", .string, "where or how you met: school, work, event, travel, worship, gym, …"),
            FieldSpec("met_on", .date, "when you met"),
            FieldSpec("relationship", .string, "vendor, customer, peer, partner, prospect, colleague, friend, family, …"),
            FieldSpec("internal", .bool, "works in your own organisation"),
            FieldSpec("stage", .stage, "contact < visibility < credibility < profitability"),
            FieldSpec("own_cadence", .duration, "the cadence set on this contact (null: the prelude's default_cadence applies)"),
            FieldSpec("cadence", .duration, derived: true, "how often to stay in touch: own_cadence, else default_cadence(it)"),
            FieldSpec("next_step", .string, "the agreed next step"),
            FieldSpec("next_due", .date, "when the next step is due"),
            FieldSpec("goals", .list(.string), "GAINS: their goals"),
            FieldSpec("accomplishments", .list(.string), "GAINS: their accomplishments"),
            FieldSpec("interests", .list(.string), "GAINS: their interests"),
            FieldSpec("networks", .list(.string), "GAINS: the networks they belong to"),
            FieldSpec("skills", .list(.string), "GAINS: their skills"),
            FieldSpec("serves", .list(.string), "the client markets they serve"),
            FieldSpec("expert", .bool, "referrability: an invested expert"),
            FieldSpec("passionate", .bool, "referrability: passionate about the work"),
            FieldSpec("honors_referrals", .bool, "referrability: makes the referrer look great"),
            FieldSpec("notes", .string, "free notes"),
            FieldSpec("created", .date, "when the contact was added"),
            FieldSpec("snoozed_until", .date, "agenda items are hidden until this date"),
            FieldSpec("birthday", .date, "date of birth; --MM-DD when the year is not known"),
            FieldSpec("anniversary", .date, "wedding or other anniversary; --MM-DD when the year is not known"),
            FieldSpec("dates", .list(.date), "further important dates, each with a label: set with [{label: \"kids' birthday\", date: 2019-05-02}]"),
            FieldSpec("uid", .string, "the vCard UID that names the contact in address books and vdir folders"),
            FieldSpec("last_touch", .date, derived: true, "date of the last touch: an interaction (not a note), a referral either way, or an introduction"),
            FieldSpec("last_touch_by", .string, derived: true, "the member who logged the last touch (a team's database; null in one person's file)"),
            FieldSpec("touches", .number, derived: true, "number of touches up to today"),
            FieldSpec("touches_90d", .number, derived: true, "touches on or after today - 90d (that day included), up to today"),
            FieldSpec("due", .date, derived: true, "(last_touch ?? met_on ?? created) + cadence"),
            FieldSpec("overdue", .duration, derived: true, "how far past due: max(0d, today - due)"),
            FieldSpec("gave", .number, derived: true, "times I brought value: gave interactions, referrals given, introductions"),
            FieldSpec("asked", .number, derived: true, "times I asked: interactions flagged asked or pitch"),
            FieldSpec("inbound", .number, derived: true, "interactions where they reached out"),
            FieldSpec("give_ratio", .number, derived: true, "gave / max(asked, 1)"),
            FieldSpec("referrals_given", .number, derived: true, "referrals I gave them"),
            FieldSpec("referrals_received", .number, derived: true, "referrals they gave me"),
            FieldSpec("spend", .number, derived: true, "money I paid their business"),
            FieldSpec("introductions", .number, derived: true, "introductions they were part of"),
            FieldSpec("degree", .number, derived: true, "how many people in the model they know"),
            FieldSpec("gains", .number, derived: true, "how many of the five GAINS lists are filled (0–5)"),
            FieldSpec("referrable", .bool, derived: true, "expert and passionate and honors_referrals"),
            FieldSpec("stage_rank", .number, derived: true, "1–4 for contact … profitability"),
            FieldSpec("stage_since", .date, derived: true, "date of the last stage change"),
        ])

    public static let interactions = CollectionSpec(
        "interactions", row: "interaction", dateField: "on", doc: "calls, e-mails, meetings, lunches, notes, …",
        [
            FieldSpec("id", .number, "the interaction's number (for `remove interaction N`)"),
            FieldSpec("kind", .string, "call, email, meeting, lunch, coffee, event, message, note, or another word"),
            FieldSpec("on", .date, "when it happened"),
            FieldSpec("contact", .contact, "the first person"),
            FieldSpec("people", .list(.contact), "everyone it was with"),
            FieldSpec("note", .string, "what happened"),
            FieldSpec("quality", .number, "1–5"),
            FieldSpec("gave", .bool, "I brought value"),
            FieldSpec("asked", .bool, "I asked for something"),
            FieldSpec("inbound", .bool, "they reached out"),
            FieldSpec("pitch", .bool, "I pitched"),
            FieldSpec("by", .string, "the member who logged it (a team's database; null in one person's file)"),
            FieldSpec("private", .bool, "seen by the member who logged it alone (log note … private)"),
        ])

    public static let referrals = CollectionSpec(
        "referrals", row: "referral", dateField: "on", doc: "business sent both ways",
        [
            FieldSpec("id", .number, "the referral's number"),
            FieldSpec("direction", .string, "\"given\" (I sent business to the contact) or \"received\""),
            FieldSpec("contact", .contact, "the referral partner"),
            FieldSpec("people", .list(.contact), "the referral partner, as a list"),
            FieldSpec("about", .string, "whom the referral is about"),
            FieldSpec("on", .date, "when"),
            FieldSpec("value", .number, "estimated value"),
            FieldSpec("status", .string, "open, won or lost"),
            FieldSpec("note", .string, "note"),
            FieldSpec("by", .string, "the member who logged it (a team's database; null in one person's file)"),
        ])

    public static let introductions = CollectionSpec(
        "introductions", row: "introduction", dateField: "on", doc: "people I connected",
        [
            FieldSpec("id", .number, "the introduction's number"),
            FieldSpec("contact", .contact, "the first person introduced"),
            FieldSpec("other", .contact, "the second person introduced"),
            FieldSpec("people", .list(.contact), "both people"),
            FieldSpec("on", .date, "when"),
            FieldSpec("note", .string, "why"),
            FieldSpec("by", .string, "the member who logged it (a team's database; null in one person's file)"),
        ])

    public static let spending = CollectionSpec(
        "spending", row: "spend", dateField: "on", doc: "money I paid to contacts' businesses (the money trail)",
        [
            FieldSpec("id", .number, "the spend's number"),
            FieldSpec("contact", .contact, "whose business"),
            FieldSpec("people", .list(.contact), "the contact, as a list"),
            FieldSpec("amount", .number, "amount paid"),
            FieldSpec("on", .date, "when"),
            FieldSpec("note", .string, "what for"),
            FieldSpec("by", .string, "the member who logged it (a team's database; null in one person's file)"),
        ])

    public static let goals = CollectionSpec(
        "goals", row: "goal", dateField: nil, doc: "business goals, with optional metric and target",
        [
            FieldSpec("name", .string, "the goal"),
            FieldSpec("due", .date, "due date (goal … by DATE)"),
            FieldSpec("metric", .string, "the metric expression's source"),
            FieldSpec("target", .number, "target per period"),
            FieldSpec("period", .string, "week, month, quarter or year"),
            FieldSpec("helpers", .list(.contact), "contacts marked able to help (helps @x \"goal\")"),
            FieldSpec("value", .any, derived: true, "the metric for the current period"),
        ])

    public static let markets = CollectionSpec(
        "markets", row: "market", dateField: nil, doc: "preferred-client markets and who serves them",
        [
            FieldSpec("name", .string, "the market"),
            FieldSpec("served_by", .list(.string), "professions that serve it"),
        ])

    public static let agenda = CollectionSpec(
        "agenda", row: "item", dateField: nil, doc: "what the rules say to do today, highest priority first",
        [
            FieldSpec("contact", .contact, "whom it is about"),
            FieldSpec("rule", .string, "the rule's name"),
            FieldSpec("message", .string, "the reminder"),
            FieldSpec("priority", .number, "the rule's priority, else the score `priority`"),
            FieldSpec("overdue", .duration, "the contact's overdue"),
        ])

    public static let definitions = CollectionSpec(
        "rules", row: "definition", dateField: nil, doc: "definitions: let, fn, rule, score, market, goal",
        [
            FieldSpec("kind", .string, "let, fn, rule, score, market or goal"),
            FieldSpec("name", .string, "its name"),
            FieldSpec("source", .string, "its source text"),
        ])

    public static let progress = CollectionSpec(
        "progress", row: "period", dateField: nil, doc: "each goal's metric per period against its target",
        [
            FieldSpec("goal", .string, "the goal"),
            FieldSpec("period", .string, "the period (2026-Q4, 2026-11, 2026-W47, 2026)"),
            FieldSpec("value", .number, "the metric's value in the period"),
            FieldSpec("target", .number, "the target"),
            FieldSpec("percent", .number, "value / target × 100"),
            FieldSpec("expected", .number, "the share of the target due by today, for the current period"),
            FieldSpec("status", .string, "done, on track, behind, missed, met"),
            FieldSpec("bar", .string, "the value against the target, drawn (│ marks the target)"),
        ])

    public static let timeline = CollectionSpec(
        "timeline", row: "event", dateField: "on", doc: "every event with a contact, newest first",
        [
            FieldSpec("on", .date, "when"),
            FieldSpec("event", .string, "interaction, referral, introduction, spend, stage"),
            FieldSpec("id", .number, "the event's number"),
            FieldSpec("kind", .string, "what kind"),
            FieldSpec("people", .list(.contact), "who"),
            FieldSpec("summary", .string, "what happened"),
        ])

    public static let path = CollectionSpec(
        "path", row: "step", dateField: nil, doc: "a chain of introductions",
        [
            FieldSpec("step", .number, "1 is someone you know directly"),
            FieldSpec("contact", .contact, "the person"),
            FieldSpec("ask", .string, "whom to ask for the introduction"),
        ])

    /// The rows of the reports, `connectors`, `gaps in` and `why`: a query over one reads their
    /// columns (`report money where spend_12mo > 300 show contact`; without them `contact` was
    /// the stage of that name).
    public static let reports: [String: CollectionSpec] = [
        "network": CollectionSpec(
            "report network", row: "group", dateField: nil, doc: "contacts by stage, relationship, where met, profession, organisation and activity",
            [
                FieldSpec("section", .string, "what the contacts are grouped by"), FieldSpec("group", .string, "the group"),
                FieldSpec("count", .number, "its contacts"), FieldSpec("share", .number, "its share of all contacts, in percent"),
            ]),
        "reciprocity": CollectionSpec(
            "report reciprocity", row: "partner", dateField: nil, doc: "referrals given and received, per contact",
            [
                FieldSpec("contact", .contact, "the person"), FieldSpec("given", .number, "referrals I gave them"),
                FieldSpec("received", .number, "referrals they gave me"), FieldSpec("value_given", .number, "the value of those I gave"),
                FieldSpec("value_received", .number, "the value of those I received"),
                FieldSpec("won_given", .number, "the value of those I gave that were won"),
                FieldSpec("won_received", .number, "the value of those I received that were won"),
                FieldSpec("last_referral", .date, "the latest either way"),
                FieldSpec("give_ratio", .number, "gave / max(asked, 1)"), FieldSpec("never_gave_back", .bool, "given some, received none"),
            ]),
        "money": CollectionSpec(
            "report money", row: "payee", dateField: nil, doc: "money spent with contacts in the last twelve months",
            [
                FieldSpec("contact", .contact, "the person"), FieldSpec("profession", .string, "their profession"),
                FieldSpec("spend_12mo", .number, "spent with them in the last twelve months"),
                FieldSpec("referrals_sent", .number, "referrals I gave them"), FieldSpec("referrals_received", .number, "referrals they gave me"),
                FieldSpec("asked_for_reciprocity", .bool, "whether I ever asked them for something"),
            ]),
        "duplicates": CollectionSpec(
            "report duplicates", row: "pair", dateField: nil, doc: "pairs of contacts that are likely one person",
            [
                FieldSpec("contact", .contact, "the older"), FieldSpec("other", .contact, "the newer"),
                FieldSpec("reason", .string, "what they share"), FieldSpec("merge", .string, "the merge that joins them"),
            ]),
        "unclassified": CollectionSpec(
            "report unclassified", row: "group", dateField: nil, doc: "contacts without a profession, by title or company",
            [
                FieldSpec("title", .string, "their title"), FieldSpec("company", .string, "their company"),
                FieldSpec("count", .number, "how many"), FieldSpec("contacts", .list(.contact), "who"),
                FieldSpec("set", .string, "the set line that classifies them"),
            ]),
        "candidates": CollectionSpec(
            "report candidates", row: "candidate", dateField: nil, doc: "people met or written to who are not contacts",
            [
                FieldSpec("name", .string, "the name seen"), FieldSpec("email", .string, "the address"),
                FieldSpec("seen", .number, "how often"), FieldSpec("first_seen", .date, "first"), FieldSpec("last_seen", .date, "last"),
                FieldSpec("add", .string, "the add line that makes them a contact"),
            ]),
    ]
    public static let connectors = CollectionSpec(
        "connectors", row: "connector", dateField: nil, doc: "contacts who bridge groups of the people they know",
        [FieldSpec("contact", .contact, "the person"), FieldSpec("degree", .number, "how many they know"), FieldSpec("bridges", .number, "groups they join")])
    public static let gaps = CollectionSpec(
        "gaps", row: "gap", dateField: nil, doc: "the professions that serve a market, and how many of them I know",
        [FieldSpec("profession", .string, "a serving profession"), FieldSpec("contacts", .number, "how many of mine have it")])
    public static let why = CollectionSpec(
        "why", row: "reason", dateField: nil, doc: "each rule's condition and the priority, term by term",
        [FieldSpec("what", .string, "the rule, condition or term"), FieldSpec("expression", .string, "its text"), FieldSpec("value", .any, "its value")])

    /// The collections a query may start from by name.
    public static let queryable: [CollectionSpec] = [contacts, interactions, referrals, introductions, spending, goals, markets, agenda]
    public static let all: [CollectionSpec] =
        queryable + [definitions, progress, timeline, path, connectors, gaps, why] + reports.keys.sorted().map { reports[$0]! }

    public static func collection(named name: String) -> CollectionSpec? { queryable.first { $0.name == name } }
    public static func collection(row name: String) -> CollectionSpec? { all.first { $0.name == name } }

    /// The fields of the `me` record.
    public static let me: [FieldSpec] = [
        FieldSpec("name", .string, "your name"),
        FieldSpec("profession", .string, "your profession"),
        FieldSpec("company", .string, "your company"),
        FieldSpec("preferred_client", .any, "your preferred client market, or a list of them"),
        FieldSpec("goals", .list(.string), "your goals, in words"),
        FieldSpec("emails", .list(.string), "your own e-mail addresses: imported meetings and mail from them are yours"),
    ]

    /// The GAINS list fields, in GAINS order.
    public static let gainsFields = ["goals", "accomplishments", "interests", "networks", "skills"]
    /// The contact's stored yes/no fields: a bare word sets one (`add "X" expert`), `-word`
    /// clears it. Each is a stored bool field of `contacts` (SchemaTests).
    public static let contactFlags: [String: WritableKeyPath<Contact, Bool> & Sendable] = [
        "internal": \.isInternal, "expert": \.expert, "passionate": \.passionate, "honors_referrals": \.honorsReferrals,
    ]
    /// Stored list fields on contacts (normalised lists of text).
    public static let contactListFields = ["tags", "goals", "accomplishments", "interests", "networks", "skills", "serves"]
}
