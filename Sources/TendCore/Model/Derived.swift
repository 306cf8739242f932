import Foundation

/// The per-contact figures computed from events, relative to a given "today".
public struct ContactStats: Sendable, Equatable {
    public var lastTouch: Day?
    public var touches = 0
    public var touches90 = 0
    public var gave = 0
    public var asked = 0
    public var inbound = 0
    public var referralsGiven = 0
    public var referralsReceived = 0
    public var spend = Decimal(0)
    public var introductions = 0
    public var degree = 0
    public var stageSince: Day?
    public init() {}

    public var giveRatio: Decimal { Decimal(gave) / Decimal(max(asked, 1)) }
}

extension Network {
    /// Computes every contact's stats in one pass over the events.
    ///
    /// A touch is an interaction of any kind but `note`, a referral either way, or an
    /// introduction (for both people), dated on or before today. Events inside `window` only
    /// are counted when one is given (goal periods).
    public func stats(today: Day, window: ClosedRange<Day>? = nil) -> [Int64: ContactStats] {
        var out: [Int64: ContactStats] = [:]
        out.reserveCapacity(contacts.count)
        for c in contacts { out[c.id] = ContactStats() }
        let recent = today.adding(days: -90)
        func inWindow(_ d: Day) -> Bool { window.map { $0.contains(d) } ?? true }
        func touch(_ id: Int64, _ on: Day) {
            guard on <= today, out[id] != nil else { return }
            out[id]!.touches += 1
            if on > recent { out[id]!.touches90 += 1 }
            if out[id]!.lastTouch.map({ on > $0 }) ?? true { out[id]!.lastTouch = on }
        }
        for e in interactions where inWindow(e.on) {
            for p in e.people where out[p] != nil {
                if e.kind != "note" { touch(p, e.on) }
                if e.gave { out[p]!.gave += 1 }
                if e.asked || e.pitch { out[p]!.asked += 1 }
                if e.inbound { out[p]!.inbound += 1 }
            }
        }
        for r in referrals where inWindow(r.on) && out[r.contact] != nil {
            touch(r.contact, r.on)
            if r.direction == .given {
                out[r.contact]!.referralsGiven += 1
                out[r.contact]!.gave += 1
            } else {
                out[r.contact]!.referralsReceived += 1
            }
        }
        for i in introductions where inWindow(i.on) {
            for p in [i.a, i.b] where out[p] != nil {
                touch(p, i.on)
                out[p]!.introductions += 1
                out[p]!.gave += 1
            }
        }
        for s in spending where inWindow(s.on) && out[s.contact] != nil { out[s.contact]!.spend += s.amount }
        for (a, b) in knows {
            if out[a] != nil { out[a]!.degree += 1 }
            if out[b] != nil { out[b]!.degree += 1 }
        }
        for s in stageChanges where out[s.contact] != nil {
            if out[s.contact]!.stageSince.map({ s.on >= $0 }) ?? true { out[s.contact]!.stageSince = s.on }
        }
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

/// Makes a handle from a name: "José Núñez" → "jose-nunez".
public func makeHandle(_ name: String) -> String {
    // Folding accents is slow; plain ASCII names (most of them) skip it.
    let folded = name.utf8.allSatisfy { $0 < 0x80 } ? name : (name.applyingTransform(.stripDiacritics, reverse: false) ?? name)
    var out = ""
    var pendingDash = false
    for ch in folded.lowercased().unicodeScalars {
        if (ch >= "a" && ch <= "z") || (ch >= "0" && ch <= "9") {
            if pendingDash && !out.isEmpty { out.append("-") }
            pendingDash = false
            out.unicodeScalars.append(ch)
        } else {
            pendingDash = true
        }
    }
    return out.isEmpty ? "contact" : String(out.prefix(60))
}

/// Edit distance, for "did you mean" suggestions.
public func editDistance(_ a: String, _ b: String) -> Int {
    let x = Array(a.unicodeScalars)
    let y = Array(b.unicodeScalars)
    if x.isEmpty { return y.count }
    if y.isEmpty { return x.count }
    var prev = Array(0...y.count)
    var cur = prev
    for i in 1...x.count {
        cur[0] = i
        for j in 1...y.count {
            cur[j] = min(prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
        }
        swap(&prev, &cur)
    }
    return prev[y.count]
}

/// The candidates closest to a misspelt word, best first (at most three).
public func closest(_ word: String, among candidates: [String], limit: Int = 3) -> [String] {
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
