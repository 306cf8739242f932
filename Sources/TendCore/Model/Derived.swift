import Foundation

/// The per-contact figures computed from events, relative to a given "today".
///
/// Kept for every contact at once (100,000 of them in a large network), so stored compactly:
/// counts and days in 32 bits (80 bytes a contact), read and written as `Int` and `Day`.
public struct ContactStats: Sendable, Equatable {
    /// The member who logged the last touch: of several on that day, the last counted (the
    /// interactions, then the referrals, then the introductions, each in the order logged).
    /// (First: laid out after a 32-bit field, it would leave a gap.)
    public var lastTouchBy: String?
    @DayIn32Bits public var lastTouch: Day?
    @CountIn32Bits public var touches = 0
    @CountIn32Bits public var touches90 = 0
    @CountIn32Bits public var gave = 0
    @CountIn32Bits public var asked = 0
    @CountIn32Bits public var inbound = 0
    @CountIn32Bits public var referralsGiven = 0
    @CountIn32Bits public var referralsReceived = 0
    public var spend = Decimal(0)
    @CountIn32Bits public var introductions = 0
    @CountIn32Bits public var degree = 0
    @DayIn32Bits public var stageSince: Day?
    public init() {}

    public var giveRatio: Decimal { Decimal(gave) / Decimal(max(asked, 1)) }

    /// The first day `touches_90d` counts: 90 days before today, itself included, as
    /// `on >= today - 90d` includes it.
    public static func recentStart(_ today: Day) -> Day { today.adding(days: -90) }

    /// Counts a touch on `on`, an event's day on or before today (the callers leave later ones
    /// out, of every figure); `recent` is `recentStart(today)`. Shared by the core's pass over
    /// events and the store's scans.
    public mutating func touch(_ on: Day, recent: Day, by: String? = nil) {
        touches += 1
        if on >= recent { touches90 += 1 }
        if lastTouch.map({ on >= $0 }) ?? true {
            lastTouch = on
            lastTouchBy = by
        }
    }
}

extension ContactStats {
    /// Which of a contact's figures are asked for. A model that sums them in SQL may leave the
    /// others at what a contact without events has: summing only what the agenda's rules read
    /// spares PostgreSQL most of its work at 100,000 contacts.
    public struct Figures: OptionSet, Sendable, Hashable {
        public let rawValue: UInt16
        public init(rawValue: UInt16) { self.rawValue = rawValue }
        public static let touches = Figures(rawValue: 1 << 0)
        public static let touches90 = Figures(rawValue: 1 << 1)
        public static let lastTouch = Figures(rawValue: 1 << 2)
        public static let lastTouchBy = Figures(rawValue: 1 << 3)
        public static let gave = Figures(rawValue: 1 << 4)
        public static let asked = Figures(rawValue: 1 << 5)
        public static let inbound = Figures(rawValue: 1 << 6)
        public static let referralsGiven = Figures(rawValue: 1 << 7)
        public static let referralsReceived = Figures(rawValue: 1 << 8)
        public static let spend = Figures(rawValue: 1 << 9)
        public static let introductions = Figures(rawValue: 1 << 10)
        public static let degree = Figures(rawValue: 1 << 11)
        public static let stageSince = Figures(rawValue: 1 << 12)
        public static let all = Figures(rawValue: (1 << 13) - 1)
    }
}

extension Network {
    /// Computes every contact's stats in one pass over the events.
    ///
    /// Every figure counts events dated on or before today alone (the stage's date is that of the
    /// change the stage comes from, whatever its date). A touch is an interaction of
    /// any kind but `note`, a referral either way, or an introduction (for both people). Events
    /// inside `window` only are counted when one is given (goal periods).
    public func stats(today: Day, window: ClosedRange<Day>? = nil) -> [Int64: ContactStats] {
        // Summed in an array by the contacts' positions: one lookup per event and person rather
        // than one per figure.
        var sums = [ContactStats](repeating: ContactStats(), count: contacts.count)
        var slot: [Int64: Int] = [:]
        slot.reserveCapacity(contacts.count)
        for (i, c) in contacts.enumerated() { slot[c.id] = i }
        let recent = ContactStats.recentStart(today)
        func inWindow(_ d: Day) -> Bool { window.map { $0.contains(d) } ?? true }
        func touch(_ k: Int, _ on: Day, _ by: String?) { sums[k].touch(on, recent: recent, by: by) }
        // An event dated after today has not happened yet: it counts for nothing.
        func counts(_ d: Day) -> Bool { d <= today && inWindow(d) }
        for e in interactions where counts(e.on) {
            for p in e.people {
                guard let k = slot[p] else { continue }
                if e.kind != "note" { touch(k, e.on, e.by) }
                if e.gave { sums[k].gave += 1 }
                if e.asked || e.pitch { sums[k].asked += 1 }
                if e.inbound { sums[k].inbound += 1 }
            }
        }
        for r in referrals where counts(r.on) {
            guard let k = slot[r.contact] else { continue }
            touch(k, r.on, r.by)
            if r.direction == .given {
                sums[k].referralsGiven += 1
                sums[k].gave += 1
            } else {
                sums[k].referralsReceived += 1
            }
        }
        for i in introductions where counts(i.on) {
            for p in [i.a, i.b] {
                guard let k = slot[p] else { continue }
                touch(k, i.on, i.by)
                sums[k].introductions += 1
                sums[k].gave += 1
            }
        }
        for s in spending where counts(s.on) {
            if let k = slot[s.contact] { sums[k].spend += s.amount }
        }
        for (a, b) in knows {
            if let k = slot[a] { sums[k].degree += 1 }
            if let k = slot[b] { sums[k].degree += 1 }
        }
        // The date of the change the stage comes from (see `latestStage`): the latest by date,
        // a change dated before the contact was added counting as made that day, ties to the later id.
        var deciding = [(on: Day, id: Int64)?](repeating: nil, count: contacts.count)
        for s in stageChanges {
            guard let k = slot[s.contact] else { continue }
            let key = (max(s.on, contacts[k].created), s.id)
            if deciding[k].map({ key > $0 }) ?? true {
                deciding[k] = key
                sums[k].stageSince = s.on
            }
        }
        var out: [Int64: ContactStats] = [:]
        out.reserveCapacity(contacts.count)
        for (i, c) in contacts.enumerated() { out[c.id] = sums[i] }
        return out
    }

    /// Contacts adjacent to each contact through `knows` edges.
    public func adjacency() -> [Int64: [Int64]] {
        var adj: [Int64: [Int64]] = [:]
        for (a, b) in knows {
            adj[a, default: []].append(b)
            adj[b, default: []].append(a)
        }
        return adj
    }
}

/// Who a person is by name: case, surrounding spaces and runs of spaces ignored, with the
/// company (which may be nil) after a separator. Import matches on it when nothing better
/// (a handle, an e-mail, a phone) decides, and `report duplicates` groups by it.
public func personKey(_ name: String, _ company: String?) -> String {
    collapsingSpaces(normalize(name)) + "\u{1F}" + normalize(company ?? "")
}

/// Who a person is by the first and last words of their name at a company, folded as search
/// folds them (case and accents aside): a middle name one file gives and another leaves out
/// (Google's Middle Name column: "Ana María Núñez", LinkedIn's "Ana Núñez") is one person there.
/// Nil without a company, or for a name of one word.
public func firstAndLastNameKey(_ name: String, _ company: String?) -> String? {
    let company = normalize(company ?? "")
    let words = normalize(name).split(separator: " ")
    guard !company.isEmpty, let first = words.first, let last = words.last, words.count >= 2 else { return nil }
    return String(decoding: FoldedText(first + " " + last).bytes, as: UTF8.self) + "\u{1F}" + String(decoding: FoldedText(company).bytes, as: UTF8.self)
}

/// Runs of spaces as one, none at either end; ASCII text on its bytes (splitting Characters
/// was a tenth of an import), other text by Characters.
func collapsingSpaces(_ s: String) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(s.utf8.count)
    for b in s.utf8 {
        if b >= 0x80 { return s.split(separator: " ").joined(separator: " ") }
        if b == 32, bytes.last ?? 32 == 32 { continue }
        bytes.append(b)
    }
    if bytes.last == 32 { bytes.removeLast() }
    return String(decoding: bytes, as: UTF8.self)
}

/// A phone number as compared: its last ten digits, so that "+1 (415) 555-0199", "415.555.0199"
/// and "+1-415-555-0199" are one number (with or without the country code); empty when it
/// has fewer than 7 digits, too few to tell people apart.
public func phoneDigits(_ s: String) -> String {
    // ASCII digits are single bytes in UTF-8, and no byte of a longer character is one.
    let digits = s.utf8.filter { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }.suffix(10)
    return digits.count >= 7 ? String(decoding: digits, as: UTF8.self) : ""
}

/// True for a handle as `@handle` reads it: `[a-z0-9]+(-[a-z0-9]+)*`.
public func isValidHandle(_ s: String) -> Bool {
    var previous: UInt8 = UInt8(ascii: "-")
    for b in s.utf8 {
        let alnum = (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9"))
        guard alnum || (b == UInt8(ascii: "-") && previous != UInt8(ascii: "-")) else { return false }
        previous = b
    }
    return previous != UInt8(ascii: "-")
}

/// Makes a handle from a person's name: every script transliterated to Latin letters
/// ("李小龍" → "li-xiao-long", "Владимир Петров" → "vladimir-petrov", "José Núñez" →
/// "jose-nunez"), honorifics and suffixes left out ("Dr. Jane Doe PhD" → "jane-doe").
public func makeHandle(_ name: String) -> String {
    slug(withoutHonorifics(name))
}

/// A handle from the given and family name when a file gives them apart (vCard N, CSV first
/// and last name), in the order the full name writes them (family first where it comes first);
/// from the full name otherwise.
public func makeHandle(given: String?, family: String?, name: String) -> String {
    let g = given.map { withoutHonorifics($0) } ?? ""
    let f = family.map { withoutHonorifics($0) } ?? ""
    if g.isEmpty && f.isEmpty { return makeHandle(name) }
    let familyFirst = !f.isEmpty && !g.isEmpty && name.trimmed.hasPrefix(f) && !name.trimmed.hasPrefix(g)
    return slug(familyFirst ? f + " " + g : g + " " + f)
}

/// Titles before a name and suffixes after it, lowercase and without dots, that a handle
/// leaves out. Only whole words at either end go, and never the last word left.
let honorificPrefixes: Set<String> = [
    "mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir", "dame", "lady", "lord", "rev", "revd", "fr", "hon",
    "herr", "frau", "sr", "sra", "srta", "mme", "mlle", "capt", "col", "gen", "lt", "sgt",
]
/// The words that end a company's name ("Acme, Inc."), not a person's.
let companyEndings: Set<String> = [
    "inc", "llc", "ltd", "co", "corp", "corporation", "company", "gmbh", "ag", "sa", "sas", "sarl", "plc", "bv", "nv", "srl", "spa",
    "pty", "lp", "llp", "limited", "kg", "oy", "ab", "as",
]

let honorificSuffixes: Set<String> = [
    "jr", "sr", "snr", "jnr", "ii", "iii", "iv", "phd", "md", "esq", "cpa", "mba", "dds", "dmd", "cfa", "rn", "jd", "msc", "bsc",
    "llm", "mbe", "obe", "cbe", "kc", "qc",
]

/// A full name in the parts a vCard's N holds, as an address book would guess them: titles
/// before it and suffixes after it (after a comma too: "Jane Public, Esq."), the family name
/// last with its lowercase particles ("Mary Ann van der Berg" → van der Berg, Mary Ann), the
/// rest given. One word is a given name.
public struct NameParts: Equatable, Sendable {
    public var family = ""
    public var given = ""
    public var prefix = ""
    public var suffix = ""

    static let particles: Set<String> = [
        "van", "von", "der", "den", "de", "da", "di", "del", "della", "du", "le", "la", "dos", "das", "do", "ter", "ten", "bin", "ibn",
        "al", "el", "st", "zu", "af", "av",
    ]

    /// A letter of a script whose names are written family name first: Han, kana, Hangul.
    static func isFamilyFirst(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x3040...0x30FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xF900...0xFAFF, 0x20000...0x2FA1F, 0xAC00...0xD7AF, 0x1100...0x11FF, 0x3130...0x318F:
            return true
        default: return false
        }
    }

    public init(_ name: String) {
        let bare = { (w: Substring) in w.lowercased().replacingOccurrences(of: ".", with: "") }
        var main = Substring(name.trimmed)
        // A company's name ("Acme, Inc.", "Müller GmbH") is its family name whole.
        if let last = main.split(whereSeparator: { $0 == " " || $0 == "," }).last, main.contains(" "), companyEndings.contains(bare(last)) {
            family = String(main)
            return
        }
        var suffixes: [Substring] = []
        // "Jane Q. Public, Esq.": what follows a comma is suffixes when every word of it is one.
        if let comma = main.firstIndex(of: ",") {
            let after = main[main.index(after: comma)...].split(whereSeparator: { $0 == " " || $0 == "," })
            if !after.isEmpty, after.allSatisfy({ honorificSuffixes.contains(bare($0)) }) {
                suffixes = after
                main = main[..<comma]
            }
        }
        // "Smith, John" (a list's family-first form): the family name before the comma, and
        // suffixes after the given name (", PhD" there too).
        // A company's ("Acme, Inc.", "Smith, Jones & Co") is not that form.
        var familyFirst: Substring?
        let parts = main.split(separator: ",", omittingEmptySubsequences: false)
        let givenWords = parts.count >= 2 ? parts[1].split(separator: " ") : []
        if parts.count >= 2, parts[0].contains(where: \.isLetter), parts[1].contains(where: \.isLetter),
            !givenWords.contains(where: { companyEndings.contains(bare($0)) || $0 == "&" }),
            parts[2...].allSatisfy({ $0.split(separator: " ").allSatisfy { honorificSuffixes.contains(bare($0)) } })
        {
            familyFirst = parts[0]
            suffixes = parts[2...].flatMap { $0.split(separator: " ") } + suffixes
            main = parts[1]
        }
        var words = main.split(whereSeparator: { $0 == " " || $0 == "\t" })
        var prefixes: [Substring] = []
        while words.count > 1, honorificPrefixes.contains(bare(words[0])) { prefixes.append(words.removeFirst()) }
        while words.count > 1, honorificSuffixes.contains(bare(words[words.count - 1])) { suffixes.insert(words.removeLast(), at: 0) }
        prefix = prefixes.joined(separator: " ")
        suffix = suffixes.joined(separator: " ")
        // A name that is an address or a number is no person's name to split.
        if name.contains("@") || !name.contains(where: \.isLetter) {
            (prefix, suffix) = ("", "")
            return
        }
        if let familyFirst {
            // "Dr. Smith, John": a title before the family name is a prefix too.
            var familyWords = familyFirst.split(whereSeparator: { $0 == " " || $0 == "\t" })
            while familyWords.count > 1, honorificPrefixes.contains(bare(familyWords[0])) { prefixes.append(familyWords.removeFirst()) }
            prefix = prefixes.joined(separator: " ")
            family = familyWords.joined(separator: " ")
            given = words.joined(separator: " ")
            return
        }
        // Words without a letter at the end (an emoji, "🚀") are no part of a name.
        while words.count > 1, !words[words.count - 1].contains(where: \.isLetter) { words.removeLast() }
        guard words.count > 1 else {
            // "Mr. Smith": after a title, the one word is the family name.
            if prefixes.isEmpty { given = words.joined() } else { family = words.joined() }
            return
        }
        // Chinese, Japanese and Korean names put the family name first (山田 太郎).
        if words.allSatisfy({ $0.unicodeScalars.allSatisfy { !$0.properties.isAlphabetic || NameParts.isFamilyFirst($0) } }) {
            family = String(words[0])
            given = words.dropFirst().joined(separator: " ")
            return
        }
        var familyStart = words.count - 1
        while familyStart > 1, NameParts.particles.contains(bare(words[familyStart - 1])) { familyStart -= 1 }
        family = words[familyStart...].joined(separator: " ")
        given = words[..<familyStart].joined(separator: " ")
    }
}

/// The name without honorifics and suffixes: "Mr. John Doe Sr." → "John Doe".
func withoutHonorifics(_ name: String) -> String {
    var words = name.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" })
    func bare(_ w: Substring) -> String { w.lowercased().replacingOccurrences(of: ".", with: "") }
    while words.count > 1, honorificPrefixes.contains(bare(words[0])) { words.removeFirst() }
    while words.count > 1, honorificSuffixes.contains(bare(words[words.count - 1])) { words.removeLast() }
    return words.joined(separator: " ")
}

/// Any text as a handle-like word (tags, rule names): lowercase Latin letters and digits
/// joined by dashes, other scripts transliterated, at most 60 characters, never ending in a
/// dash (a cut can land just after one), "contact" when nothing is left.
public func slug(_ text: String) -> String {
    // Plain ASCII (most names) is made on its bytes; other text is transliterated first.
    let latin = text.utf8.allSatisfy { $0 < 0x80 } ? text : (text.applyingTransform(toASCII, reverse: false) ?? text)
    var bytes: [UInt8] = []
    bytes.reserveCapacity(latin.utf8.count)
    var pendingDash = false
    for var b in latin.utf8 {
        if b >= UInt8(ascii: "A") && b <= UInt8(ascii: "Z") { b += 32 }
        if (b >= UInt8(ascii: "a") && b <= UInt8(ascii: "z")) || (b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9")) {
            if pendingDash && !bytes.isEmpty { bytes.append(UInt8(ascii: "-")) }
            pendingDash = false
            bytes.append(b)
        } else {
            pendingDash = true
        }
    }
    var cut = bytes.prefix(60)
    while cut.last == UInt8(ascii: "-") { cut.removeLast() }
    return cut.isEmpty ? "contact" : String(decoding: cut, as: UTF8.self)
}

/// ICU's transliteration of any script to Latin, then to ASCII ("ß" → "ss", "Ø" → "O").
let toASCII = StringTransform("Any-Latin; Latin-ASCII")

/// Edit distance, for "did you mean" suggestions: two neighbours swapped count as one edit
/// (`lgo` is one from `log`), as they are the commonest slip in typing.
public func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.unicodeScalars)
    let y = Array(b.unicodeScalars)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var before = Array(0...y.count)
    var prev = before
    var cur = prev
    for i in 1...x.count {
        cur[0] = i
        for j in 1...y.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            if i > 1, j > 1, x[i - 1] == y[j - 2], x[i - 2] == y[j - 1] { cur[j] = min(cur[j], before[j - 2] + 1) }
        }
        (before, prev, cur) = (prev, cur, before)
    }
    return prev[y.count]
}

/// The candidates closest to a misspelt word, best first (at most three).
public func closest(_ word: String, among candidates: [String], limit: Int = 3) -> [String] {
    // No name is this long: a megabyte of letters took minutes of edit distances.
    guard word.utf8.count <= 100 else { return [] }
    let w = word.lowercased()
    let scored = candidates.compactMap { c -> (String, Int)? in
        let lc = c.lowercased()
        let d = editDistance(w, lc)
        let threshold = w.count <= 3 ? 1 : max(2, w.count / 3)
        if d <= threshold || lc.hasPrefix(w) || (w.count >= 3 && lc.contains(w)) { return (c, lc.hasPrefix(w) ? 0 : d) }
        return nil
    }
    return scored.sorted { ($0.1, $0.0) < ($1.1, $1.0) }.prefix(limit).map(\.0)
}

/// A count kept in 32 bits (a contact's figures, for every contact at once); a larger one is
/// kept as the largest there is rather than stopping the program.
@propertyWrapper
public struct CountIn32Bits: Sendable, Equatable {
    private var stored: Int32
    public init(wrappedValue: Int) { stored = Int32(clamping: wrappedValue) }
    public var wrappedValue: Int {
        get { Int(stored) }
        set { stored = Int32(clamping: newValue) }
    }
}

/// A day or none in 32 bits: every day on the calendar has an ordinal far above `Int32.min`.
@propertyWrapper
public struct DayIn32Bits: Sendable, Equatable {
    private var stored: Int32
    public init(wrappedValue: Day?) { stored = wrappedValue.map { Int32(clamping: $0.ordinal) } ?? Int32.min }
    public var wrappedValue: Day? {
        get { stored == Int32.min ? nil : Day(ordinal: Int(stored)) }
        set { stored = newValue.map { Int32(clamping: $0.ordinal) } ?? Int32.min }
    }
}
