import Foundation

/// Goals: a metric over a period, and `progress`.
extension Interpreter {
    // MARK: - Goals

    /// A goal's metric over one period: dated collections hold only the period's rows, and
    /// `today` is the period's last day (or today, for the current period, whose rows end
    /// today: a meeting logged for next week is not done yet).
    func metric(_ g: Goal, in window: ClosedRange<Day>, reading what: String, _ range: SourceRange) throws -> Value {
        guard let text = g.metric else { return .null }
        if evaluatingGoals > 0 {
            throw failInDefinitions("goal \"\(goalInView)\" reads \(what), which evaluates every goal's metric: a cycle; remove or redefine the goal", range)
        }
        evaluatingGoals += 1
        goalInView = g.name
        defer { evaluatingGoals -= 1 }
        let (expr, src) = try checkedMetric(g, text)
        let base = try view()
        let savedSource = source
        let saved = periodView
        let window = window.contains(today) ? window.lowerBound...today : window
        periodView = View(today: min(today, window.upperBound), window: window) { [unowned self] events in
            guard events else { return base.net }
            return try self.periodNetwork(base, window) ?? base.full
        }
        defer {
            periodView = saved
            source = savedSource
        }
        source = src
        let value = try eval(expr, Ctx())
        // The checker takes a metric whose type it cannot know (`if … then "x" else 1`, a fn's
        // result); what it gives is compared with a number, so it must be one.
        switch value {
        case .number, .null: return value
        default:
            throw fail("the metric of goal \(ScriptWriter.quote(g.name)) gave \(value.typeName), not a number: give it a metric that counts or sums", range)
        }
    }

    /// What a goal's period reads of the network: the contacts with every stage change and
    /// edge, and the events dated in the period, read from the model (every event of a large
    /// network does not fit in memory); nil when the model cannot read them so.
    func periodNetwork(_ base: View, _ window: ClosedRange<Day>) throws -> Network? {
        guard let backend = base.backendFirst, let first = Day(year: 1, month: 1, day: 1) else { return nil }
        let within = [
            FieldCondition(field: "on", op: .greaterOrEqual, value: .date(window.lowerBound)),
            FieldCondition(field: "on", op: .lessOrEqual, value: .date(window.upperBound)),
        ]
        func read(_ collection: String, _ conditions: [FieldCondition]) throws -> Network? {
            try backend.read(ModelRead(collection, where: conditions))
        }
        // Every stage change and edge, read once for all the periods of a view.
        if base.wholeHistory == nil, let stages = try read("stage_changes", [FieldCondition(field: "on", op: .greaterOrEqual, value: .date(first))]) {
            base.wholeHistory = (stages.stageChanges, try backend.knowsEdges())
        }
        guard let wholeHistory = base.wholeHistory, let interactions = try periodInteractions(within, backend), let referrals = try read("referrals", within),
            let introductions = try read("introductions", within), let spending = try read("spending", within)
        else { return nil }
        var net = base.net
        // The model may answer more than was asked: the core checks the period itself.
        net.interactions = interactions.filter { window.contains($0.on) }
        net.referrals = referrals.referrals.filter { window.contains($0.on) }
        net.introductions = introductions.introductions.filter { window.contains($0.on) }
        net.spending = spending.spending.filter { window.contains($0.on) }
        (net.stageChanges, net.knows) = wholeHistory
        return net
    }

    /// The interactions meeting conditions: a few through the model's index, many in one pass
    /// in id order, a page at a time (a quarter's 250,000 looked up one by one by date took
    /// longer than the pass); nil when the model cannot read them so.
    func periodInteractions(_ conditions: [FieldCondition], _ backend: Model) throws -> [Interaction]? {
        let (few, page) = periodReads
        if let found = try backend.read(ModelRead("interactions", where: conditions, cap: few)) { return found.interactions }
        var out: [Interaction] = []
        var after = Int64.min
        while true {
            guard let part = try backend.read(ModelRead("interactions", where: conditions, page: (after, page)))?.interactions else { return nil }
            out += part
            guard part.count == page, let last = part.last?.id else { return out }
            after = last
        }
    }

    /// A goal's metric, parsed and checked the first time it is evaluated with these definitions.
    func checkedMetric(_ g: Goal, _ text: String) throws -> (Expr, Source) {
        let src = Source(name: "goal \"\(g.name)\"", text: text)
        if let known = checkedMetrics[src.name], known.1.text == text { return known }
        let (expr, diags) = Parser.parseExpression(src)
        guard let expr, diags.isEmpty else { throw fail("the metric of goal \"\(g.name)\" does not parse: \(diags.first?.message ?? "")", .none) }
        var checker = Checker(definitions: definitions)
        checker.checksDefinitions = true
        checker.check(Statement(.expr(expr), expr.range, src))
        if let d = checker.diagnostics.first { throw d }
        checkedMetrics[src.name] = (expr, src)
        metricResolutions.copy([expr], from: checker.resolutions)
        return (expr, src)
    }

    /// Each goal with a metric: this period and the three before, against the target.
    func progressRows(_ range: SourceRange) throws -> RowSet {
        let spec = Schema.progress
        var rows: [Value] = []
        for g in try view().net.goals {
            guard g.metric != nil, let period = g.period else { continue }
            // This period and the three before, as far as the calendar goes back.
            var periods: [ClosedRange<Day>] = []
            var day: Day? = today
            while periods.count < 4, let d = day, let start = d.start(of: period), let end = d.end(of: period) {
                periods.append(start...end)
                day = start.adding(checkedDays: -1)
            }
            for (i, p) in periods.enumerated() {
                let value = try metric(g, in: p, reading: "progress", range)
                let n = value.numberValue ?? 0
                let target = g.target
                var percent: Value = .null
                var expected: Value = .null
                var status = ""
                if let t = target, t > 0 {
                    // Rounded, but 100 only when reached (99.99 of 100 showed 100 beside "missed");
                    // none when it is past what a number holds.
                    let share = Interpreter.ratio(n, 100, t)
                    if !share.isNaN {
                        var rounded = share.rounded(toPlaces: 0, .plain)
                        if n < t && rounded >= 100 { rounded = 99 }
                        percent = .number(rounded)
                    }
                    if i == 0 {
                        let elapsed = Decimal(today.ordinal - p.lowerBound.ordinal + 1) / Decimal(p.upperBound.ordinal - p.lowerBound.ordinal + 1)
                        // Judged against the expectation as shown: "behind" beside "expected 0"
                        // (3 a quarter, on its first day) said one thing and showed another.
                        let product = Decimal.product(t, elapsed)
                        let shown = product.isNaN ? t : product.rounded(toPlaces: 1, .plain)
                        expected = .number(shown)
                        status = n >= t ? "done" : (n >= shown ? "on track" : "behind")
                    } else {
                        status = n >= t ? "met" : "missed"
                    }
                }
                rows.append(
                    .row(
                        Row(
                            spec,
                            [
                                .string(g.name), .string(p.lowerBound.label(of: period)), value,
                                target.map(Value.number) ?? .null, percent, expected, .string(status), .string(Interpreter.bar(n, of: target)),
                            ])))
            }
        }
        return RowSet(collection: spec, rows: rows)
    }

    /// `value * scale / of` by the language's arithmetic (Foundation's operators trap past the
    /// exponent's range); NaN when the answer is past what a number holds.
    static func ratio(_ value: Decimal, _ scale: Decimal, _ of: Decimal) -> Decimal {
        let scaled = Decimal.product(value, scale)
        return scaled.isNaN ? .nan : Decimal.quotient(scaled, of)
    }

    /// `██████████│███` : the value in blocks, 20 to the target, with the target marked.
    static func bar(_ value: Decimal, of target: Decimal?) -> String {
        guard let target, target > 0 else { return "" }
        let exact = ratio(value, 20, target)
        let share = exact.isNaN ? (value > target ? 40 : 0) : exact.rounded(toPlaces: 0, .down)
        let cells = share > 40 ? 40 : max(0, share.exactInt ?? 0)
        var s = String(repeating: "█", count: min(cells, 20))
        if cells < 20 { s += String(repeating: "·", count: 20 - cells) }
        s += "│"
        if cells > 20 { s += String(repeating: "█", count: cells - 20) }
        return s
    }
}
