/// Someone met or written to who is not a contact, as counted from imported calendars and
/// mailboxes (`report candidates`).
public struct CandidateCount: Sendable, Equatable {
    public var address: String
    /// The name as written in the file, if any.
    public var name: String?
    /// How many meetings and messages they were part of.
    public var count: Int
    public var firstSeen: Day
    public var lastSeen: Day

    public init(address: String, name: String?, count: Int, firstSeen: Day, lastSeen: Day) {
        self.address = address
        self.name = name
        self.count = count
        self.firstSeen = firstSeen
        self.lastSeen = lastSeen
    }

    /// The name as written, or one made from the address (`jane.doe@x.org` → Jane Doe) when there
    /// is none. A name as Exchange and Outlook write it, family name first ("Doe, Jane"), is put
    /// in the order a person's name is written (a comma before a suffix, "Jane Doe, Jr.", stays).
    public static func displayName(_ name: String?, address: String) -> String {
        if let name, !name.contains("@"), !name.trimmed.isEmpty {
            let parts = name.split(separator: ",", omittingEmptySubsequences: false).map { $0.trimmed }
            guard parts.count == 2, !parts[0].isEmpty, !parts[1].isEmpty,
                !honorificSuffixes.contains(parts[1].lowercased().replacingOccurrences(of: ".", with: ""))
            else { return name }
            return parts[1] + " " + parts[0]
        }
        let local = address.split(separator: "@").first.map(String.init) ?? address
        let words = local.split(whereSeparator: { $0 == "." || $0 == "_" || $0 == "-" || $0 == "+" }).map {
            $0.prefix(1).uppercased() + $0.dropFirst()
        }
        return words.isEmpty ? address : words.joined(separator: " ")
    }

    /// The statement that adds them: `add "Jane Doe" email: "jane@x.org"`.
    public static func addLine(_ name: String?, address: String) -> String {
        "add \(ScriptWriter.quote(displayName(name, address: address))) email: \(ScriptWriter.quote(address))"
    }
}

/// Someone who is not a contact, seen in an item of an imported file: one message, or every
/// occurrence of one calendar event up to today, counted together (`times`, from `on` to
/// `last`). Kept by address and source id: a message's, or the event's (`ical:UID`), so that
/// importing the same file again counts nothing twice.
public struct Sighting: Hashable, Sendable {
    public var address: String
    /// The name written with the address, if any (the latest occurrence's that has one).
    public var name: String?
    public var on: Day
    public var last: Day
    public var times: Int
    public var sourceID: String

    /// The address and source together: a sighting is kept once per key.
    public var key: String { address + "\u{0}" + sourceID }

    public init(address: String, name: String?, on: Day, last: Day? = nil, times: Int = 1, sourceID: String) {
        self.address = address
        self.name = name
        self.on = on
        self.last = last ?? on
        self.times = times
        self.sourceID = sourceID
    }

    /// `ical:UID` of `ical:UID/DAY` or `ical:UID/DAY/DAY`, the ids of a calendar event's
    /// occurrences (a UID may hold a `/` itself: only trailing days, eight digits each, are
    /// taken off).
    public static func event(of source: String) -> String {
        var s = Substring(source)
        for _ in 0..<2 {
            guard let slash = s.lastIndex(of: "/") else { break }
            let day = s[s.index(after: slash)...]
            guard day.count == 8, day.allSatisfy(\.isASCII), day.allSatisfy(\.isNumber) else { break }
            s = s[..<slash]
        }
        return String(s)
    }

    /// Sightings kept one per occurrence of a calendar event (`ical:UID/DAY`, by a Tend before
    /// 2026-12-04), each folded into its event's (`ical:UID`), in the order first kept; the rest
    /// as they are.
    public static func folded(_ sightings: [Sighting]) -> [Sighting] {
        var out: [Sighting] = []
        var at: [String: Int] = [:]
        for var s in sightings {
            if s.sourceID.hasPrefix("ical:") { s.sourceID = event(of: s.sourceID) }
            if let i = at[s.key] {
                out[i].add(s)
            } else {
                at[s.key] = out.count
                out.append(s)
            }
        }
        return out
    }

    /// Another sighting of the same address in the same item, seen later in the file.
    public mutating func add(_ later: Sighting) {
        times += later.times
        on = min(on, later.on)
        if let n = later.name, later.last >= last || name == nil { name = n }
        last = max(last, later.last)
    }
}

/// Where a model keeps its candidates' sightings; a model that is not one has none.
public protocol CandidateBook: AnyObject {
    /// Every address seen, once each, in no particular order.
    func candidateCounts() throws -> [CandidateCount]
}
