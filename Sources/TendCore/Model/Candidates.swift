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

    /// The name as written, or one made from the address (`jane.doe@x.org` → Jane Doe) when there is none.
    public static func displayName(_ name: String?, address: String) -> String {
        if let name, !name.contains("@"), !name.trimmed.isEmpty { return name }
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

/// Where a model keeps its candidates' sightings; a model that is not one has none.
public protocol CandidateBook: AnyObject {
    /// Every address seen, once each, in no particular order.
    func candidateCounts() throws -> [CandidateCount]
}
