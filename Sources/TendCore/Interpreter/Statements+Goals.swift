import Foundation

extension Interpreter {
    /// `market "NAME" served_by: […]`: a market and the professions that serve it.
    func performMarket(_ nameExpr: Expr, _ options: [Option], _ ctx: Ctx) throws -> Output {
        guard case .string(let name) = try eval(nameExpr, ctx) else { throw fail("a market needs a name", nameExpr.range) }
        // Markets are one whatever their case and blanks: redefined in other capitals, the old
        // one is replaced, not kept beside it.
        let old = try view().net.market(named: name)
        var served: [String] = old?.servedBy ?? []
        for case .pair("served_by", let e, _) in options { served = try strings(eval(e, ctx), e.range) }
        let market = Market(name: name, servedBy: served)
        // One that changes nothing is no change (history would list it, and undo take it back).
        if old == market { return .text("Market \"\(name)\" is served by \(served.isEmpty ? "nobody yet" : served.joined(separator: ", ")) already; nothing was changed.") }
        if let old, old.name != name { try apply(.deleteMarket(old.name)) }
        try apply(.setMarket(market))
        return .text("Market \"\(name)\" is served by \(served.isEmpty ? "nobody yet" : served.joined(separator: ", "))\(readOnlyDefinitionNote).")
    }

    /// `goal "NAME" [by DATE] [metric: …] [target: N per PERIOD]`: a new goal, or a change to one.
    /// The metric is kept as the text written.
    func performGoal(
        _ nameExpr: Expr, by: Expr?, _ options: [Option], period: (Day.Period, SourceRange)?, _ s: Statement, _ ctx: Ctx
    ) throws -> Output {
        guard case .string(let name) = try eval(nameExpr, ctx) else { throw fail("a goal needs a name", nameExpr.range) }
        // Redefining a goal replaces it, as any definition; who helps with it (`helps`, data
        // about contacts) stays.
        var g = Goal(name: name)
        let old = try view().net.goals.first(where: { $0.name == name })
        if let old {
            g.id = old.id
            g.helpers = old.helpers
        }
        if let by { g.due = try eval(by, ctx).dateValue.map { try fullDate($0, by) } }
        for o in options {
            guard case .pair(let n, let e, _) = o else { continue }
            switch n {
            case "metric": g.metric = s.source.slice(e.range)
            case "target":
                g.target = try eval(e, ctx).numberValue
                if let t = g.target, let problem = ValueRules.target(t) { throw fail(problem, e.range) }
            case "due": g.due = try eval(e, ctx).dateValue.map { try fullDate($0, e) }
            default: break
            }
        }
        if let period { g.period = period.0 }
        if g == old { return .text("Goal \"\(name)\" is as written already; nothing was changed.") }
        try apply(.setGoal(g))
        // A target with nothing to measure it is kept (scripts write goals so), and said.
        // And a metric with no period to measure it in (no `target: N per PERIOD`).
        let unmeasured =
            g.target != nil && g.metric == nil
            ? " It has no metric, so progress cannot measure it: add metric: count(interactions where …)."
            : g.metric != nil && g.period == nil ? " It has no target per period, so progress cannot show it: add target: N per month." : ""
        return .text(
            "Goal \"\(name)\"\(g.due.map { " by \($0)" } ?? "")\(g.target.map { ", target \($0.tendText) per \(g.period?.rawValue ?? "period")" } ?? "")\(readOnlyDefinitionNote)."
                + unmeasured
        )
    }

    /// `helps @x "GOAL"`: someone who can help with a goal (its name matched loosely).
    func performHelps(_ p: Person, goal goalExpr: Expr, _ ctx: Ctx) throws -> Output {
        let id = try contactID(p.handle, p.range)
        guard case .string(let name) = try eval(goalExpr, ctx) else { throw fail("helps takes a goal's name", goalExpr.range) }
        let goals = try view().net.goals
        guard var g = goals.first(where: { $0.name == name }) ?? goals.first(where: { normalize($0.name) == normalize(name) }) else {
            throw fail("no goal \"\(name)\"", goalExpr.range, suggestion: closest(name, among: goals.map(\.name)).first.map { "\"\($0)\"" })
        }
        if g.helpers.contains(id) { return .text("\(try names([id])) can help with \"\(g.name)\" already; nothing was changed.") }
        g.helpers.append(id)
        try apply(.setGoal(g))
        return .text("\(try names([id])) can help with \"\(g.name)\".")
    }
}
