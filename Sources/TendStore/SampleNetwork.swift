import Foundation
import GRDB
import TendCore

/// A deterministic generator of sample networks, from the 50 people of `--demo` to a million
/// contacts for benchmarks. The same size and seed always give the same database.
public struct SampleNetwork {
    public var size: Int
    public var seed: UInt64
    public var interactionsPerContact: Int
    public var today: Day

    public init(size: Int, seed: UInt64 = 42, interactionsPerContact: Int = 10, today: Day) {
        self.size = max(1, size)
        self.seed = seed
        self.interactionsPerContact = interactionsPerContact
        self.today = today
    }

    /// SplitMix64: small, fast, and the same on every platform.
    struct Random {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
        mutating func int(_ n: Int) -> Int { Int(next() % UInt64(max(n, 1))) }
        mutating func chance(_ p: Double) -> Bool { Double(next() % 1_000_000) / 1_000_000 < p }
        mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }
    }

    static let first = [
        "Joan", "Dana", "Mike", "Ana", "Tom", "Priya", "Li", "Sofia", "Omar", "Grace", "Ben", "Maya", "Ivan", "Chloe",
        "Raj", "Elena", "Kwame", "Hana", "Luis", "Nora", "Sam", "Zoe", "Felix", "Aisha", "Jonas", "Mei", "Diego", "Ruth", "Kai", "Lena",
    ]
    static let last = [
        "Rivera", "Lee", "Chen", "Park", "Okafor", "Shah", "Wei", "Rossi", "Haddad", "Kim", "Miller", "Cohen", "Novak",
        "Dubois", "Patel", "Garcia", "Mensah", "Sato", "Lopez", "Berg", "Adams", "Fischer", "Khan", "Schmidt", "Wong", "Silva", "Brown",
        "Nguyen", "Jensen", "Moreau",
    ]
    static let professions = [
        "financial advisor", "travel agent", "landscaper", "pet resort", "salon", "attorney", "accountant",
        "mortgage broker", "home inspector", "web designer", "photographer", "insurance agent", "banker", "dentist", "chiropractor",
        "business coach", "caterer", "printer", "IT consultant", "florist", "veterinarian", "editor", "real estate agent", "mover",
    ]
    static let companies = ["Acme", "Northwind", "Bluebird", "Summit", "Harbor", "Evergreen", "Keystone", "Lighthouse", "Pioneer", "Orchard"]
    static let metAt = ["work", "school", "event", "travel", "worship", "gym", "LinkedIn", "BNI", "referral", "neighbourhood"]
    static let relationships = ["vendor", "customer", "peer", "partner", "prospect", "colleague", "friend", "family"]
    static let tags = ["vip", "connector", "local", "bni", "newsletter", "golf", "board", "alumni"]
    static let cities = ["Lake Forest", "Irvine", "Portland", "Austin", "Denver", "Boston", "Seattle", "Chicago"]
    static let kinds = ["call", "email", "meeting", "lunch", "coffee", "event", "message", "note"]
    static let interests = ["fly fishing", "golf", "jazz", "sailing", "cooking", "running", "chess", "gardening"]
    static let skills = ["negotiation", "writing", "public speaking", "design", "tax law", "photography", "SEO", "sales"]
    static let networks = ["Rotary", "BNI chapter", "Chamber of Commerce", "alumni association", "church", "yacht club"]

    public struct Counts: Sendable {
        public var contacts = 0
        public var interactions = 0
        public var referrals = 0
        public var introductions = 0
        public var spending = 0
        public var knows = 0
    }

    /// The database has contacts, found under the write lock: another process added them after
    /// `demo` looked (which it does first, for a plain message without waiting on the lock).
    public struct NotEmpty: Error {}

    /// Writes the network into an empty store in one transaction, a section at a time; the
    /// sections draw from one generator in this order.
    @discardableResult
    public func write(to store: Store) throws -> Counts {
        var counts = Counts()
        var rng = Random(state: seed)
        try store.transaction {
            try store.db.inDatabase { db in
                if try Bool.fetchOne(db, sql: "SELECT EXISTS (SELECT 1 FROM contacts)") == true { throw NotEmpty() }
                // Every contact is new, and due: the triggers that say so row by row are spared.
                try Store.withoutFigureTriggers(db) {
                    try writeSections(db, &rng, &counts)
                }
            }
        }
        store.forget()
        return counts
    }

    private func writeSections(_ db: Database, _ rng: inout Random, _ counts: inout Counts) throws {
        try writeMeAndMarkets(db)
        try writeContacts(db, &rng, &counts)
        try writeInteractions(db, &rng, &counts)
        try writeReferrals(db, &rng, &counts)
        try writeIntroductionsAndKnows(db, &rng, &counts)
        try writeSpending(db, &rng, &counts)
        try writeGoals(db)
    }

    /// Me (Pat Morgan, a real estate agent) and the two markets.
    private func writeMeAndMarkets(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT INTO me (id, name, profession, company, preferred_client, goals) VALUES (1, 'Pat Morgan', 'real estate agent',
                  'Morgan Homes', '["retired empty nesters"]', '["Write an article for the local paper"]')
                ON CONFLICT(id) DO NOTHING
                """)
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO markets (name, served_by, position) VALUES
                  ('retired empty nesters', '["financial advisor","travel agent","landscaper","pet resort","salon","real estate agent"]', 1),
                  ('first-time buyers', '["mortgage broker","attorney","home inspector","mover","insurance agent"]', 2)
                """)
    }

    /// The contacts, each with the stage changes that led to its stage.
    private func writeContacts(_ db: Database, _ rng: inout Random, _ counts: inout Counts) throws {
        let t = today.ordinal
        let insertContact = try db.makeStatement(
            sql: """
                INSERT INTO contacts (id, handle, name, company, title, profession, email, phone, city, tags, met_at, met_on,
                  relationship, internal, stage, cadence_months, cadence_days, next_step, next_due, goals, accomplishments,
                  interests, networks, skills, serves, expert, passionate, honors_referrals, notes, created, snoozed_until)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '[]', '[]', ?, ?, ?, ?, ?, ?, ?, NULL, ?, NULL)
                """)
        let insertStage = try db.makeStatement(sql: "INSERT INTO stage_changes (contact_id, stage, \"on\") VALUES (?, ?, ?)")
        var handles = Set<String>()
        for i in 1...size {
            let name = "\(rng.pick(SampleNetwork.first)) \(rng.pick(SampleNetwork.last))"
            var handle = makeHandle(name)
            if handles.contains(handle) { handle += "-\(i)" }
            handles.insert(handle)
            let profession = rng.pick(SampleNetwork.professions)
            let created = Day(ordinal: t - 30 - rng.int(1500))
            let metOn = Day(ordinal: created.ordinal - rng.int(400))
            let stage = [1, 1, 1, 2, 2, 3, 3, 4][rng.int(8)]
            let cadence: (Int?, Int?) = rng.chance(0.3) ? ([1, 3, 6][rng.int(3)], 0) : (nil, nil)
            let hasNext = stage >= 3 && rng.chance(0.6)
            var tagList: [String] = []
            for tag in SampleNetwork.tags where rng.chance(0.12) { tagList.append(tag) }
            let serves = profession == "salon" || rng.chance(0.1) ? ["retired empty nesters"] : []
            try insertContact.execute(arguments: [
                Int64(i), handle, name, rng.pick(SampleNetwork.companies) + " " + profession.capitalized,
                rng.chance(0.5) ? "Owner" : "Partner", profession, "\(handle)@example.com",
                "+1 555 \(1000 + rng.int(9000))", rng.pick(SampleNetwork.cities), JSONList.encode(tagList),
                rng.pick(SampleNetwork.metAt), metOn.description, rng.pick(SampleNetwork.relationships), rng.chance(0.1),
                stage, cadence.0, cadence.1,
                hasNext ? "send the \(rng.pick(SampleNetwork.interests)) article" : nil,
                hasNext ? Day(ordinal: t - 20 + rng.int(40)).description : nil,
                rng.chance(0.5) ? JSONList.encode([rng.pick(SampleNetwork.interests)]) : "[]",
                rng.chance(0.4) ? JSONList.encode([rng.pick(SampleNetwork.networks)]) : "[]",
                rng.chance(0.5) ? JSONList.encode([rng.pick(SampleNetwork.skills)]) : "[]",
                JSONList.encode(serves), rng.chance(0.5), rng.chance(0.5), rng.chance(0.4), created.description,
            ])
            for s in stride(from: 2, through: stage, by: 1) {
                try insertStage.execute(arguments: [Int64(i), s, Day(ordinal: created.ordinal + 20 * (s - 1)).description])
            }
            counts.contacts += 1
        }
        try db.execute(sql: ContactLists.fromSingleValues)
    }

    /// `interactionsPerContact` interactions a contact, one in twelve or so with a second person.
    private func writeInteractions(_ db: Database, _ rng: inout Random, _ counts: inout Counts) throws {
        let t = today.ordinal
        let insertInteraction = try db.makeStatement(
            sql: """
                INSERT INTO interactions (id, kind, "on", note, quality, gave, asked, inbound, pitch) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let insertPerson = try db.makeStatement(sql: "INSERT INTO interaction_people (interaction_id, contact_id, position) VALUES (?, ?, ?)")
        let total = size * interactionsPerContact
        for i in 0..<total {
            let id = Int64(i + 1)
            let person = Int64(1 + rng.int(size))
            let kind = rng.pick(SampleNetwork.kinds)
            let on = Day(ordinal: t - rng.int(720))
            try insertInteraction.execute(arguments: [
                id, kind, on.description, rng.chance(0.3) ? "talked about \(rng.pick(SampleNetwork.interests))" : nil,
                rng.chance(0.5) ? 1 + rng.int(5) : nil, rng.chance(0.25), rng.chance(0.15), rng.chance(0.2), rng.chance(0.03),
            ])
            try insertPerson.execute(arguments: [id, person, 0])
            if rng.chance(0.08), size > 1 {
                var other = Int64(1 + rng.int(size))
                if other == person { other = person % Int64(size) + 1 }
                try insertPerson.execute(arguments: [id, other, 1])
            }
            counts.interactions += 1
        }
    }

    /// A referral for every five contacts, given or received.
    private func writeReferrals(_ db: Database, _ rng: inout Random, _ counts: inout Counts) throws {
        let t = today.ordinal
        let insertReferral = try db.makeStatement(
            sql: """
                INSERT INTO referrals (direction, contact_id, about, "on", value_cents, status, note) VALUES (?, ?, ?, ?, ?, ?, NULL)
                """)
        for _ in 0..<max(1, size / 5) {
            try insertReferral.execute(arguments: [
                rng.chance(0.55) ? "given" : "received", Int64(1 + rng.int(size)),
                "\(rng.pick(SampleNetwork.first)) \(rng.pick(SampleNetwork.last))", Day(ordinal: t - rng.int(700)).description,
                Int64(100 * (1 + rng.int(50)) * 100), ["open", "won", "lost"][rng.int(3)],
            ])
            counts.referrals += 1
        }
    }

    /// An introduction for every ten contacts, and who knows whom.
    private func writeIntroductionsAndKnows(_ db: Database, _ rng: inout Random, _ counts: inout Counts) throws {
        let t = today.ordinal
        let insertKnows = try db.makeStatement(sql: "INSERT OR IGNORE INTO knows (a_id, b_id) VALUES (?, ?)")
        let insertIntro = try db.makeStatement(sql: "INSERT INTO introductions (a_id, b_id, \"on\", note) VALUES (?, ?, ?, NULL)")
        if size > 1 {
            for _ in 0..<max(1, size / 10) {
                let a = Int64(1 + rng.int(size))
                var b = Int64(1 + rng.int(size))
                if a == b { b = a % Int64(size) + 1 }
                try insertIntro.execute(arguments: [a, b, Day(ordinal: t - rng.int(700)).description])
                try insertKnows.execute(arguments: [min(a, b), max(a, b)])
                counts.introductions += 1
            }
            // Clustered who-knows-whom: most edges stay within a neighbourhood of ids.
            for _ in 0..<(size * 2) {
                let a = 1 + rng.int(size)
                let b = rng.chance(0.8) ? (a + 1 + rng.int(20) - 1) % size + 1 : 1 + rng.int(size)
                if a != b {
                    try insertKnows.execute(arguments: [Int64(min(a, b)), Int64(max(a, b))])
                }
            }
            counts.knows = try Int.fetchOne(db, sql: "SELECT count(*) FROM knows") ?? 0
        }
    }

    /// A spend for every four contacts.
    private func writeSpending(_ db: Database, _ rng: inout Random, _ counts: inout Counts) throws {
        let t = today.ordinal
        let insertSpend = try db.makeStatement(sql: "INSERT INTO spending (contact_id, amount_cents, \"on\", note) VALUES (?, ?, ?, NULL)")
        for _ in 0..<max(1, size / 4) {
            try insertSpend.execute(arguments: [
                Int64(1 + rng.int(size)), Int64(500 + rng.int(50_000)), Day(ordinal: t - rng.int(500)).description,
            ])
            counts.spending += 1
        }
    }

    /// Two goals; the first editor helps with the article.
    private func writeGoals(_ db: Database) throws {
        try db.execute(
            sql: """
                INSERT OR IGNORE INTO goals (name, due, metric, target, period) VALUES
                  ('Meet in person', NULL, 'count(interactions where kind in ["lunch", "coffee", "meeting"])', '12', 'quarter'),
                  ('Write an article for the local paper', ?, NULL, NULL, NULL)
                """, arguments: [today.adding(Duration(months: 4)).description])
        if let editor = try Int64.fetchOne(db, sql: "SELECT id FROM contacts WHERE profession = 'editor' ORDER BY id LIMIT 1"),
            let goal = try Int64.fetchOne(db, sql: "SELECT id FROM goals WHERE name = 'Write an article for the local paper'")
        {
            try db.execute(
                sql: "INSERT OR IGNORE INTO goal_helpers (goal_id, contact_id, position) VALUES (?, ?, 0)", arguments: [goal, editor])
        }
    }
}
