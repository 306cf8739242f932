import Foundation
import TendCore

/// iCalendar (RFC 5545) with the agenda as VTODO items, and Graphviz DOT of who knows whom.
public enum CalendarWriter {
    public struct Item {
        public var uid: String
        public var summary: String
        public var description: String
        public var due: Day
        public var priority: Int
        public var category: String
        public init(uid: String, summary: String, description: String, due: Day, priority: Int, category: String) {
            self.uid = uid
            self.summary = summary
            self.description = description
            self.due = due
            self.priority = priority
            self.category = category
        }
    }

    /// An agenda item's UID: the same item (contact and rule) has the same one in every export,
    /// so that a calendar app updates its to-do instead of adding another. The contact's id
    /// (which a new handle or name leaves as it is) and the rule's name in words keep it
    /// readable; the hash of the exact name keeps rules whose names read alike ("Call!" and
    /// "call") apart.
    public static func uid(contact: Int64, rule: String) -> String {
        var hash = StableHash()
        hash.add(rule.utf8)
        return "contact-\(contact).\(slug(rule))-\(hash.hex)@tend"
    }

    public static func ics(_ items: [Item], stamp: Day) -> String {
        var lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//Tend//Agenda//EN", "CALSCALE:GREGORIAN"]
        for i in items {
            lines += [
                "BEGIN:VTODO", "UID:\(escape(i.uid))", "DTSTAMP:\(stamp.iCalendarDate)T000000Z", "DUE;VALUE=DATE:\(i.due.iCalendarDate)",
                "SUMMARY:\(escape(i.summary))", "DESCRIPTION:\(escape(i.description))", "PRIORITY:\(i.priority)",
                "CATEGORIES:\(escape(i.category))", "STATUS:NEEDS-ACTION", "END:VTODO",
            ]
        }
        // A calendar holds at least one component (RFC 5545, 3.4): with nothing on the agenda,
        // UTC's time zone, which shows nothing, so that a calendar subscribed to the file drops
        // the to-dos it had and a strict reader still takes it.
        if items.isEmpty {
            lines += [
                "BEGIN:VTIMEZONE", "TZID:UTC", "BEGIN:STANDARD", "DTSTART:19700101T000000", "TZOFFSETFROM:+0000", "TZOFFSETTO:+0000",
                "END:STANDARD", "END:VTIMEZONE",
            ]
        }
        lines.append("END:VCALENDAR")
        return lines.map(VCard.fold).joined(separator: "\r\n") + "\r\n"
    }

    /// RFC 5545 text escaping is RFC 6350's.
    static func escape(_ s: String) -> String { VCard.escape(s) }

    /// The who-knows-whom graph, each person coloured by stage.
    public static func dot(_ people: [Contact], edges: [(Int64, Int64)]) -> String {
        let colors: [Stage: String] = [.contact: "gray80", .visibility: "lightblue", .credibility: "gold", .profitability: "palegreen"]
        let ids = Set(people.map(\.id))
        var lines = ["graph tend {", "  node [style=filled, shape=box, fontname=\"Helvetica\"];"]
        for p in people {
            lines.append("  \(dotQuoted(p.handle)) [label=\(dotQuoted(p.name)), fillcolor=\(colors[p.stage]!)];")
        }
        let handle = Dictionary(uniqueKeysWithValues: people.map { ($0.id, $0.handle) })
        for (a, b) in edges where ids.contains(a) && ids.contains(b) {
            lines.append("  \(dotQuoted(handle[a]!)) -- \(dotQuoted(handle[b]!));")
        }
        lines.append("}")
        return lines.joined(separator: "\n") + "\n"
    }

    /// A DOT double-quoted string that no value can end early.
    ///
    /// Graphviz's scanner knows one escape in a quoted string, `\"`, and reads `\\"` as a
    /// backslash and then an escaped quote; so a name ending in a backslash would swallow the
    /// closing quote and let the next name's text be read as DOT (new nodes, attributes). A
    /// backslash is therefore drawn as `＼` (U+FF3C), a quote escaped, a line break written as
    /// the label escape `\n`, and other control characters left out:
    ///
    ///     x" [label="INJECTED"]  →  "x\" [label=\"INJECTED\"]"
    public static func dotQuoted(_ s: String) -> String {
        var out = "\""
        for ch in s.unicodeScalars {
            switch ch {
            case "\"": out += "\\\""
            case "\\": out += "\u{FF3C}"
            case "\n": out += "\\n"
            default: if !TerminalText.isControl(ch) || ch == "\t" { out.unicodeScalars.append(ch) }
            }
        }
        return out + "\""
    }
}
