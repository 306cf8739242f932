import Foundation

/// What a value given to a statement must be: one rule each, used by the run on every value and
/// by the checker on values written as literals, so that `quality: 9` on line 50 of a script is an
/// error before anything runs (the 49 statements before it ran, and were rolled back).
enum ValueRules {
    /// An interaction's quality: a whole number from 1 to 5.
    static func quality(_ n: Decimal) -> String? {
        n >= 1 && n <= 5 && n == n.rounded(toPlaces: 0, .plain) ? nil : "quality is a whole number from 1 to 5"
    }

    /// Money: 0 or more, exact to the cent (a third decimal is refused rather than rounded away);
    /// the message and the amount rounded to the cent as a suggestion.
    static func money(_ n: Decimal, _ what: String) -> (message: String, suggestion: String?)? {
        guard n >= 0 else { return ("\(what) must be a number, 0 or more", nil) }
        let cents = n.rounded(toPlaces: 2, .plain)
        guard cents == n else {
            // Every digit of the amount; a quotient that ran to the 38 digits a number holds
            // (10 / 3) by its first six decimals.
            let shown = Decimal.significantDigits(n) >= 38 ? n.tendText + "…" : n.exactText
            return ("\(what) is money, exact to the cent: \(shown) has more than two decimals", cents.tendText)
        }
        return nil
    }

    /// The options that are money (a referral's `value:`, a spend's `amount:`), as messages name them.
    static let money = ["value": "a referral's value", "amount": "the amount"]

    /// A contact's own cadence: a day or longer, as imports read one, and within what the store keeps.
    static func cadence(_ d: Duration) -> String? {
        guard d.approximateDays > 0 else { return "a cadence must be longer than 0d" }
        guard d.approximateDays >= StoredRange.minCadenceDays else { return "a cadence is at least a day (1d)" }
        return StoredRange.problem(cadence: d)
    }

    /// A handle as `handle:` gives it (an `@` before it is allowed); the suggestion is one made from it.
    static func handle(_ text: String) -> (message: String, suggestion: String)? {
        let bare = text.hasPrefix("@") ? String(text.dropFirst()) : text
        guard !isValidHandle(bare) else { return nil }
        return ("a handle is lowercase letters and digits joined by dashes", "\"\(makeHandle(bare))\"")
    }

    /// How many changes `undo N` undoes and `history limit N` lists.
    static func count(_ n: Decimal, _ what: String) -> String? {
        n >= 1 && n == n.rounded(toPlaces: 0, .plain) ? nil : "\(what) takes a whole number, 1 or more"
    }

    /// A referral's status (any case).
    static func status(_ text: String) -> String? {
        StoredRange.statuses.contains(text.lowercased()) ? nil : "status is open, won or lost"
    }

    /// How long a snooze or a dismissal (`verb`) lasts: it ends after today. Only a length in
    /// days is certain before the run; one with months depends on the calendar (`1mo - 30d`).
    static func snoozeLength(_ d: Duration, _ verb: String) -> String? {
        d.months != 0 || d.days > 0 ? nil : "a \(verb) must end after today: give a duration longer than 0d (2w)"
    }

    /// A goal's target: what its metric reaches per period, more than 0.
    static func target(_ n: Decimal) -> String? {
        n > 0 ? nil : "a goal's target must be more than 0 (what its metric reaches in a period)"
    }

    /// How many rows `limit` keeps.
    static func limit(_ n: Decimal) -> String? {
        guard n >= 0 else { return "limit must be a number 0 or more" }
        if n > 1_000_000_000 { return nil }
        return n == n.rounded(toPlaces: 0, .plain) ? nil : "limit takes a whole number of rows, not \(n.tendText)"
    }
}

extension Checker {
    /// A number written as one (`9`, `-1`, `0.001`).
    static func literalNumber(_ e: Expr) -> Decimal? {
        switch e.kind {
        case .literal(.number(let n)): return n
        case .unary(.negate, let inner):
            if case .literal(.number(let n)) = inner.kind { return -n }
            return nil
        default: return nil
        }
    }

    /// A duration written with literals alone (`2w`, `-1w`, `3mo + 10d`).
    static func literalDuration(_ e: Expr) -> Duration? {
        switch e.kind {
        case .literal(.duration(let d)): return d
        case .unary(.negate, let inner): return literalDuration(inner).map { -$0 }
        case .binary(let op, let l, let r) where op == .plus || op == .minus:
            guard let a = literalDuration(l), let b = literalDuration(r) else { return nil }
            return a.adding(checked: op == .plus ? b : -b)
        default: return nil
        }
    }

    /// The options of a statement whose values are literals, by the rules the run applies.
    mutating func checkLiteralOptions(_ options: [Option]) {
        for case .pair(let name, let value, _) in options {
            if let what = ValueRules.money[name] {
                checkLiteralMoney(value, what)
                continue
            }
            switch (name, value.kind) {
            case ("quality", _):
                if let n = Checker.literalNumber(value), let problem = ValueRules.quality(n) { report(problem, value.range) }
            case ("cadence", _):
                if let d = Checker.literalDuration(value), let problem = ValueRules.cadence(d) { report(problem, value.range) }
            case ("handle", .literal(.string(let s))):
                if let problem = ValueRules.handle(s) { report(problem.message, value.range, suggestion: problem.suggestion) }
            case ("status", .literal(.string(let s))):
                if let problem = ValueRules.status(s) { report(problem, value.range) }
            case ("target", _):
                if let n = Checker.literalNumber(value), let problem = ValueRules.target(n) { report(problem, value.range) }
            default: break
            }
        }
    }

    /// An amount of money written as a number.
    mutating func checkLiteralMoney(_ value: Expr, _ what: String) {
        guard let n = Checker.literalNumber(value), let problem = ValueRules.money(n, what) else { return }
        report(problem.message, value.range, suggestion: problem.suggestion)
    }

    /// `undo N` or `history limit N` written as a number.
    mutating func checkLiteralCount(_ value: Expr, _ what: String) {
        if let n = Checker.literalNumber(value), let problem = ValueRules.count(n, what) { report(problem, value.range) }
    }

    /// How long a snooze or a dismissal (`verb`) lasts, written as a duration.
    mutating func checkLiteralSnooze(_ value: Expr, _ verb: String) {
        if let d = Checker.literalDuration(value), let problem = ValueRules.snoozeLength(d, verb) { report(problem, value.range) }
    }

    /// `limit N` written as a number.
    mutating func checkLiteralLimit(_ value: Expr) {
        if let n = Checker.literalNumber(value), let problem = ValueRules.limit(n) { report(problem, value.range) }
    }
}
