/// A contact's important dates and UID as the language sets them:
///
///     set @ana birthday: 1988-04-12, anniversary: --06-01
///     set @ana birthday: "--04-12"
///     set @ana dates: [{label: "kids' birthday", date: 2019-05-02}, {label: "name day", date: --07-26}]
///
/// In expressions `birthday` and `anniversary` are dates and `dates` is the list of the dates,
/// so that `days_until(dates) <= 7` works (the soonest); the card shows each date's label.
extension Interpreter {
    /// `birthday:` / `anniversary:`: a date, or its text (`"1988-04-12"`, `"--04-12"`).
    func importantDate(_ v: Value, _ field: String, _ range: SourceRange) throws -> Day? {
        switch v {
        case .null: return nil
        case .date(let d): return d
        case .string(let s):
            if let d = Day(iso: s.trimmed) { return d }
            throw fail("\(field): \(s.debugDescription) is not a date: \(Day.problem(iso: s.trimmed) ?? "")", range)
        default: throw fail("\(field): takes a date (1988-04-12, or --04-12 without the year), not \(v.typeName)", range)
        }
    }

    /// `dates:` from `{label: …, date: …}` records; one record alone is a list of one.
    func namedDates(_ v: Value, _ range: SourceRange) throws -> [NamedDate] {
        let items: [Value]
        switch v {
        case .null: items = []
        case .list(let l): items = l
        default: items = [v]
        }
        var out: [NamedDate] = []
        for item in items {
            guard case .record(let r) = item else { throw fail("dates: takes {label: …, date: …} records, not \(item.typeName)", range) }
            if let extra = r.keys.first(where: { $0 != "label" && $0 != "date" }) {
                throw fail("dates: a date is {label: …, date: …}, not with \(extra):", range)
            }
            guard case .string(let label)? = r["label"], !label.trimmed.isEmpty else { throw fail("dates: each date needs a label (text)", range) }
            guard NamedDate.oneLine(label) == label.trimmed else { throw fail("dates: a label is one line of text, without line breaks or control characters", range) }
            guard let day = try importantDate(r["date"] ?? .null, "dates", range) else { throw fail("dates: each date needs a date:", range) }
            let d = NamedDate(label.trimmed, day)
            if !out.contains(d) { out.append(d) }
        }
        return out
    }


    /// `uid:`: text of printable characters, not another contact's.
    func uid(_ v: Value, of c: Contact, _ range: SourceRange) throws -> String? {
        switch v {
        case .null: return nil
        case .string(let s):
            let t = s.trimmed
            guard !t.isEmpty else { return nil }
            guard ContactUID.isStorable(t) else {
                throw fail("uid: a UID is at most \(ContactUID.maxBytes) bytes of printable text", range)
            }
            if let other = try view().net.contacts.first(where: { $0.uid == t && $0.id != c.id }) {
                throw fail("uid: \(t.debugDescription) is @\(other.handle)'s UID", range)
            }
            return t
        default: throw fail("uid: takes text, not \(v.typeName)", range)
        }
    }
}
