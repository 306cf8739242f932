import Foundation

/// After an import, contacts have titles and companies but no profession, and the seed
/// questions (`who serves my preferred client`, `gaps in …`) work on professions. These two
/// pieces close that gap: a report that groups the unclassified contacts with the statement
/// that classifies each group, and words for why `who serves` found no one.
extension Interpreter {
    /// `report unclassified`: contacts without a profession, grouped by title (those without a
    /// title, by company), largest group first, each with a `set` line that gives the group a
    /// profession. A title suggests the profession (its lowercase words); a company does not.
    func unclassified(_ net: Network) -> RowSet {
        struct Group {
            var title: String?
            var company: String?
            var ids: [Int64] = []
        }
        var groups: [String: Group] = [:]
        var order: [String] = []
        for c in net.contacts where (c.profession ?? "").trimmed.isEmpty {
            let title = c.title.map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 }
            let company = title == nil ? c.company.map(\.trimmed).flatMap { $0.isEmpty ? nil : $0 } : nil
            let key = title.map { "t" + normalize($0) } ?? company.map { "c" + normalize($0) } ?? ""
            if groups[key] == nil {
                groups[key] = Group(title: title, company: company)
                order.append(key)
            }
            groups[key]!.ids.append(c.id)
        }
        let sorted = order.compactMap { groups[$0] }.sorted {
            $0.ids.count != $1.ids.count
                ? $0.ids.count > $1.ids.count : ($0.title ?? $0.company ?? "\u{10FFFF}") < ($1.title ?? $1.company ?? "\u{10FFFF}")
        }
        return RowSet.records(
            Schema.reports["unclassified"]!.fieldNames,
            sorted.map { g in
                [
                    .optional(g.title), .optional(g.company), .int(g.ids.count), .list(g.ids.map(Value.contact)),
                    Interpreter.classifyLine(title: g.title, company: g.company).map(Value.string) ?? .null,
                ]
            })
    }

    /// The statement that gives a group its profession; nil for contacts with neither a title
    /// nor a company (set each one: `set @x profession: "…"`).
    ///
    ///     set contacts where profession == null and title ~ "Financial Advisor" profession: "financial advisor"
    ///     set contacts where profession == null and company ~ "Salon Joan" profession: "…"
    static func classifyLine(title: String?, company: String?) -> String? {
        if let title {
            return
                "set contacts where profession == null and title ~ \(ScriptWriter.quote(title)) profession: \(ScriptWriter.quote(title.lowercased()))"
        }
        if let company { return "set contacts where profession == null and company ~ \(ScriptWriter.quote(company)) profession: \"…\"" }
        return nil
    }

    /// The market names a value gives: one, or a list of them.
    func marketNames(_ market: Value) -> [String] {
        switch market {
        case .string(let s): return [s]
        case .list(let l): return l.compactMap(\.stringValue)
        default: return []
        }
    }

    /// `lead`, then why the market cannot be served: no market of that name is defined, or it
    /// lists no professions; nil when it lists some.
    func whyMarketIsEmpty(_ market: Value, _ lead: String) throws -> String? {
        let names = marketNames(market)
        let net = try view().net
        let example = ScriptWriter.quote(names.first ?? "…")
        if !net.markets.contains(where: { m in names.contains { normalize($0) == normalize(m.name) } }) {
            let known = net.markets.map(\.name)
            return lead + ": no market of that name is defined"
                + (known.isEmpty ? "" : " (markets: \(known.joined(separator: ", ")))")
                + ". Define it with the professions that serve it: market \(example) served_by: [\"…\", \"…\"]"
        }
        if try servedBy(market).isEmpty { return lead + ": the market lists no professions. market \(example) served_by: [\"…\", \"…\"]" }
        return nil
    }

    /// Why `gaps in M` found none: the market is not defined or lists no professions, or every
    /// profession that serves it (other than mine) has a contact at visibility or above.
    func whyNoGaps(_ market: Value) throws -> String {
        let quoted = marketNames(market).map(ScriptWriter.quote).joined(separator: ", ")
        if let empty = try whyMarketIsEmpty(market, "No gaps can be told in \(quoted)") { return empty }
        return "No gaps in \(quoted): every profession that serves it (\(try servedBy(market).joined(separator: ", "))) has a contact at visibility or above, or is yours."
    }

    /// Why `who serves M` found no one: no market of that name, a market that lists no
    /// professions, or no contact with one of them (and how many have no profession at all).
    func whyNoneServe(_ market: Value) throws -> String {
        let names = marketNames(market)
        let quoted = names.map(ScriptWriter.quote).joined(separator: ", ")
        if let undefined = try whyMarketIsEmpty(market, "No one serves \(quoted)") { return undefined }
        let professions = try servedBy(market)
        let net = try view().net
        let without = net.contacts.count { ($0.profession ?? "").trimmed.isEmpty }
        var text = "No contact has a profession that serves \(quoted) (\(professions.joined(separator: ", "))), and none lists it in serves."
        if without > 0 {
            text +=
                " \(without) contact\(without == 1 ? " has" : "s have") no profession: `report unclassified` groups them by title and company, with the set line that gives each group one."
        }
        return text
    }
}
