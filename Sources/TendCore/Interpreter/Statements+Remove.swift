import Foundation

extension Interpreter {
    /// `remove @x` (with their events, asking first when there are any), `remove interaction N`,
    /// `remove market "…"`, `remove goal "…"`.
    func remove(_ what: Statement.Removal, _ ctx: Ctx, _ source: Source) throws -> Output {
        // What each removal reads of the events: the contact's own, or the one numbered (every
        // event of a large network does not fit in memory).
        switch what {
        case .person(let p):
            let id = try contactID(p.handle, p.range)
            let net = try eventsInvolving(id)
            let namers = try namers(of: p.handle)
            if !namers.isEmpty {
                let list = namers.count == 1 ? namers[0] : namers.dropLast().joined(separator: ", ") + " and " + namers.last!
                throw fail("\(list) name\(namers.count == 1 ? "s" : "") @\(p.handle): change or drop \(namers.count == 1 ? "it" : "them") before removing @\(p.handle)", p.range)
            }
            let events =
                net.interactions.count { $0.people.contains(id) } + net.referrals.count { $0.contact == id }
                + net.introductions.count { $0.a == id || $0.b == id } + net.spending.count { $0.contact == id }
            if events > 0, let host, !(try host.confirm("Remove @\(p.handle) and their \(events) event\(events == 1 ? "" : "s")? [y/N] ", from: source)) {
                return .text("Nothing removed.")
            }
            // An introduction is the other person's event too, and goes with either: said, with
            // whom, since their touches and gave count it. Shared interactions stay the others'.
            let others = net.introductions.compactMap { $0.a == id ? $0.b : $0.b == id ? $0.a : nil }
            let handles = try Set(others).compactMap { other in try contact(other)?.handle }.sorted().map { "@" + $0 }
            try apply(.deleteContact(id))
            handlesGone.insert(p.handle)
            guard !handles.isEmpty else { return .text("Removed @\(p.handle) and their events.") }
            let n = others.count
            let list = handles.count == 1 ? handles[0] : handles.dropLast().joined(separator: ", ") + " and " + handles.last!
            return .text(
                "Removed @\(p.handle) and their events, \(n == 1 ? "an introduction" : "\(n) introductions") among them: \(list) no longer \(handles.count == 1 ? "has" : "have") \(n == 1 ? "it" : "them") (undo puts it back).")
        case .event(let kind, let e):
            guard let n = StoredRange.id(try eval(e, ctx)) else { throw fail("expected the event's number", e.range) }
            let id = Int64(n)
            let net = try eventNumbered(kind, id)
            guard net.contains(kind, id: id) else { throw fail("no \(kind.rawValue) \(n) (timeline @handle shows the numbers)", e.range) }
            try apply(.deleteEvent(kind, id))
            // The two people still know each other (they may have before): said, with the way out.
            if kind == .introduction, let i = net.introductions.first(where: { $0.id == id }),
                let a = try contact(i.a)?.handle, let b = try contact(i.b)?.handle, try view().adjacency[i.a]?.contains(i.b) == true
            {
                return .text("Removed introduction \(n). @\(a) and @\(b) are still recorded as knowing each other (remove knows @\(a) @\(b) takes that away).")
            }
            return .text("Removed \(kind.rawValue) \(n).")
        case .market(let e):
            let net = try view().net
            guard case .string(let given) = try eval(e, ctx), let name = net.market(named: given)?.name else {
                throw fail(
                    "no such market", e.range,
                    suggestion: closest(plainText(try eval(e, ctx)), among: net.markets.map(\.name)).first.map { "\"\($0)\"" })
            }
            try apply(.deleteMarket(name))
            let preferred = net.me.preferredClient.contains { normalize($0) == normalize(name) }
            return .text(
                "Removed market \"\(name)\"."
                    + (preferred ? " It is still your preferred client (me.preferred_client): who serves and gaps in it find no profession until it is defined again." : ""))
        case .knows(let a, let b):
            let (x, y) = (try contactID(a.handle, a.range), try contactID(b.handle, b.range))
            guard x != y, try view().adjacency[x]?.contains(y) == true else {
                throw fail("@\(a.handle) and @\(b.handle) are not recorded as knowing each other (who knows @\(a.handle) lists whom they are)", a.range.to(b.range))
            }
            try apply(.deleteKnows(x, y))
            return .text("Removed that @\(a.handle) and @\(b.handle) know each other.")
        case .goal(let e):
            let net = try view().net
            guard case .string(let name) = try eval(e, ctx), net.goals.contains(where: { $0.name == name }) else {
                throw fail(
                    "no such goal", e.range, suggestion: closest(plainText(try eval(e, ctx)), among: net.goals.map(\.name)).first.map { "\"\($0)\"" })
            }
            try apply(.deleteGoal(name))
            return .text("Removed goal \"\(name)\".")
        }
    }
}
