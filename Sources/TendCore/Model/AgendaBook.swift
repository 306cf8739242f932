/// The agenda items a book kept (`AgendaBook.keptItems`): every contact's id, in the order of
/// `Model.network`'s, and the kept bytes of those whose items are kept.
public typealias KeptItems = (contacts: [Int64], items: [Int64: [UInt8]])

/// One agenda item: a rule that fired for a contact. At most one per contact and rule.
public struct ItemKey: Hashable, Sendable {
    public var contact: Int64
    public var rule: String
    public init(contact: Int64, rule: String) {
        self.contact = contact
        self.rule = rule
    }
}

/// What was done with an item: closed (`done`), dismissed or snoozed, since a day, until a day
/// or (without one) until the rule's condition stops holding.
public struct ItemState: Sendable, Equatable {
    public enum Kind: String, Sendable, CaseIterable { case done, dismissed, snoozed }
    public var kind: Kind
    public var since: Day
    public var until: Day?
    public var note: String?
    public init(_ kind: Kind, since: Day, until: Day? = nil, note: String? = nil) {
        self.kind = kind
        self.since = since
        self.until = until
        self.note = note
    }

    /// Whether the item stays off the agenda on this day.
    public func hides(on day: Day) -> Bool { until.map { $0 > day } ?? true }
}

/// What the agenda keeps between runs: each item's state (data, journalled like any change)
/// and the numbers the page showed last (not data: `done 3` reads them in the next command).
/// The SQLite store keeps both in tables; a model that is not a book gets one in memory.
public protocol AgendaBook: AnyObject {
    func itemStates() throws -> [ItemKey: ItemState]
    /// Sets an item's state; nil forgets it.
    func setItemState(_ key: ItemKey, _ state: ItemState?) throws
    /// Forgets states that no longer hide anything, when that can be done without waiting
    /// for another writer: showing the agenda never waits (they are forgotten next time).
    func forgetItemStates(_ keys: [ItemKey]) throws
    /// The items of each line the page showed last, by the line's number (1 is the first).
    func agendaNumbers() throws -> [[ItemKey]]
    /// Keeps the page's numbers, when that can be done without waiting for another writer (the
    /// page is shown all the same; the numbers shown before it stay): false when they were not kept.
    @discardableResult
    func setAgendaNumbers(_ lines: [[ItemKey]]) throws -> Bool
    /// The items the agenda worked out in an earlier run under `key` (the day and the
    /// definitions, `Interpreter.keptItemsKey`), in `AgendaMemo.encode`'s bytes, of each contact
    /// nothing was written for since (not data: the store forgets a contact's items whenever a
    /// row that is the contact's, or one of its events, is written), with every contact's id in
    /// the order of `Model.network`'s; nil when none are kept under that key.
    func keptItems(under key: String) throws -> KeptItems?
    /// Keeps these contacts' items under `key`, forgetting those kept under another key, when
    /// that can be done without waiting for another writer and nothing was committed by
    /// another process since the items' data was read; else keeps nothing.
    func keepItems(_ items: [Int64: [UInt8]], under key: String) throws
}

extension AgendaBook {
    public func keptItems(under key: String) throws -> KeptItems? { nil }
    public func keepItems(_ items: [Int64: [UInt8]], under key: String) throws {}
}

extension Array where Element == [ItemKey] {
    /// A page's numbered lines as a book reads them back: without empty lines at the end.
    public var keptLines: [[ItemKey]] {
        lastIndex { !$0.isEmpty }.map { Array(self[...$0]) } ?? []
    }
}

/// Whether the numbers a book kept are a page's lines, the kept rows handed over one at a time
/// in order (by number, then as written), without reading them into lines first (a long page
/// is tens of thousands of them).
public struct KeptNumbersComparison {
    private let lines: [[ItemKey]]
    private var line = 0
    private var item = 0
    /// False from the first row that differs.
    public private(set) var same = true
    public init(_ lines: [[ItemKey]]) { self.lines = lines }

    /// The next kept row: the item `key` on line `number` (a number below 1 is on no line).
    public mutating func next(_ number: Int, _ key: ItemKey) {
        guard same, number >= 1 else { return }
        skipEnded()
        same = line < lines.count && number == line + 1 && lines[line][item] == key
        item += 1
    }

    /// True when every row matched and no line of the page is left over.
    public mutating func finish() -> Bool {
        skipEnded()
        return same && line == lines.count
    }

    private mutating func skipEnded() {
        while line < lines.count && item >= lines[line].count {
            line += 1
            item = 0
        }
    }
}

/// An agenda book in memory, for models that keep none (the core's tests).
public final class MemoryAgendaBook: AgendaBook {
    public var states: [ItemKey: ItemState] = [:]
    public var numbers: [[ItemKey]] = []
    public init() {}
    public func itemStates() throws -> [ItemKey: ItemState] { states }
    public func setItemState(_ key: ItemKey, _ state: ItemState?) throws { states[key] = state }
    public func forgetItemStates(_ keys: [ItemKey]) throws { for k in keys { states[k] = nil } }
    public func agendaNumbers() throws -> [[ItemKey]] { numbers }
    public func setAgendaNumbers(_ lines: [[ItemKey]]) throws -> Bool {
        numbers = lines
        return true
    }
}

extension ItemState {
    /// `on 2026-11-23 until 2026-12-07: "called"`, as `why @x` shows it.
    public var described: String {
        "on \(since)" + (until.map { " until \($0)" } ?? " until the rule stops applying") + (note.map { ": \($0)" } ?? "")
    }
}
