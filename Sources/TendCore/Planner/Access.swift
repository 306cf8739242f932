/// The negotiation between the core and a model, in the spirit of SQLite's `xBestIndex` and
/// `xFilter`: the planner offers a collection's constraints (`AccessRequest`), the model answers
/// which of them it can narrow by and how large the collection is (`AccessOffer`), and the
/// executor later asks it for the rows (`ModelRead`). Narrowing is only a hint: the core still
/// checks every condition on every row it is handed.

/// A comparison a model may narrow by.
public enum ConstraintOp: String, Sendable, CaseIterable {
    case equal = "=="
    case less = "<"
    case lessOrEqual = "<="
    case greater = ">"
    case greaterOrEqual = ">="

    /// The same comparison with its sides swapped (`5 < x` is `x > 5`).
    public var mirrored: ConstraintOp {
        switch self {
        case .equal: return .equal
        case .less: return .greater
        case .lessOrEqual: return .greaterOrEqual
        case .greater: return .less
        case .greaterOrEqual: return .lessOrEqual
        }
    }

    /// Whether a comparison's result (`Value.compare`: negative, zero, positive) meets it.
    public func holds(_ order: Int) -> Bool {
        switch self {
        case .equal: return order == 0
        case .less: return order < 0
        case .lessOrEqual: return order <= 0
        case .greater: return order > 0
        case .greaterOrEqual: return order >= 0
        }
    }
}

/// What a query offers a model about one collection: the shape of its constraints, with their
/// values where the query writes them out (the others are known only when the query runs).
public struct AccessRequest: Sendable, Equatable {
    public var collection: String
    public var constraints: [Shape]
    /// True when the exact number of rows is wanted (`count(contacts)`, `explain`): a model may
    /// have to count them, which a plan alone does not need.
    public var count = false
    public struct Shape: Sendable, Equatable {
        public var field: String
        public var op: ConstraintOp
        /// The value, when the query writes it out (`touches > 2.5`): a model that cannot compare
        /// it as Tend does (a fraction where it keeps whole numbers, a date without a year) says
        /// so, and the plan reads every row instead of claiming to select. Nil when the value is
        /// known only when the query runs (`today - 90d`, a parameter).
        public var value: Value?
        public init(_ field: String, _ op: ConstraintOp, value: Value? = nil) {
            self.field = field
            self.op = op
            self.value = value
        }
        /// The condition with its value, when the query writes it out.
        public var condition: FieldCondition? { value.map { FieldCondition(field: field, op: op, value: $0) } }
        public static func == (a: Shape, b: Shape) -> Bool {
            guard a.field == b.field, a.op == b.op else { return false }
            switch (a.value, b.value) {
            case (nil, nil): return true
            case (let x?, let y?): return Value.equal(x, y)
            default: return false
            }
        }
    }
    public init(collection: String, constraints: [Shape], count: Bool = false) {
        self.collection = collection
        self.constraints = constraints
        self.count = count
    }
}

/// A model's answer to an `AccessRequest`.
public struct AccessOffer: Sendable, Equatable {
    /// For each constraint offered: true when the model can narrow its rows by it (for values it
    /// can compare as Tend does; it leaves the others to the core).
    public var usable: [Bool]
    /// How many rows the collection holds now: always when the request asks to count, else
    /// when the model knows without counting (nil otherwise).
    public var rows: Int?
    /// For an event collection: about how many rows reading every event into memory would bring
    /// (the interactions, most of them); 0 for other collections.
    public var eventRows: Int
    /// True when the model holds the data in memory already: filtering there costs less than any read.
    public var inMemory: Bool
    public init(usable: [Bool], rows: Int?, eventRows: Int, inMemory: Bool) {
        self.usable = usable
        self.rows = rows
        self.eventRows = eventRows
        self.inMemory = inMemory
    }
}

/// `field op value` with its value: what the executor hands a model to narrow by.
public struct FieldCondition: Sendable {
    public var field: String
    public var op: ConstraintOp
    public var value: Value
    public init(field: String, op: ConstraintOp, value: Value) {
        self.field = field
        self.op = op
        self.value = value
    }
}

/// The rows a plan asks a model for (SQLite's `xFilter`): the rows of `collection` that meet
/// those of the conditions the model can check (the core checks them all again).
public struct ModelRead: Sendable {
    public var collection: String
    public var conditions: [FieldCondition]
    /// Only the rows that involve this contact, read through the model's index.
    public var involving: Int64?
    /// A page: at most `size` rows with ids after `after`, in id order.
    public var page: (after: Int64, size: Int)?
    /// With `page`: only the rows with these ids (a sorted query's rows, read back in its order
    /// a page at a time); ids no row has are left out. A model that cannot read rows by id
    /// answers nil, never other rows.
    public var ids: [Int64]?
    /// At most this many rows: the model answers nil when more meet the conditions.
    public var cap: Int?
    /// The day a contact's figures (`last_touch`, `touches`…) are counted on, for a model that
    /// selects contacts by them; nil leaves conditions on figures to the core.
    public var today: Day?
    public init(
        _ collection: String, where conditions: [FieldCondition], involving: Int64? = nil, page: (after: Int64, size: Int)? = nil, cap: Int? = nil,
        today: Day? = nil, ids: [Int64]? = nil
    ) {
        self.ids = ids
        self.collection = collection
        self.conditions = conditions
        self.involving = involving
        self.page = page
        self.cap = cap
        self.today = today
    }
}
