import Foundation
import Testing

@testable import TendCore
@testable import TendInterchange

/// Reads DOT the way Graphviz's scanner does (lib/cgraph/scan.l): in a quoted string `\"` is a
/// quote, a backslash before a line break continues the line, and every other character,
/// backslashes included, is itself. Enough of the grammar for what `CalendarWriter.dot` writes.
struct DOTGraph {
    enum Token: Equatable {
        case id(String)
        case punct(String)
    }
    var nodes: [String: [String: String]] = [:]
    var edges: [(String, String)] = []

    static func tokens(_ text: String) throws -> [Token] {
        let s = Array(text.unicodeScalars)
        var out: [Token] = []
        var i = 0
        while i < s.count {
            let c = s[i]
            if c == " " || c == "\n" || c == "\t" || c == "\r" {
                i += 1
            } else if c == "\"" {
                var text = String.UnicodeScalarView()
                i += 1
                while true {
                    guard i < s.count else { throw DOTError.unterminated }
                    if s[i] == "\\", i + 1 < s.count, s[i + 1] == "\"" {
                        text.append("\"")
                        i += 2
                    } else if s[i] == "\\", i + 1 < s.count, s[i + 1] == "\n" {
                        i += 2
                    } else if s[i] == "\"" {
                        i += 1
                        break
                    } else {
                        text.append(s[i])
                        i += 1
                    }
                }
                out.append(.id(String(text)))
            } else if c == "-", i + 1 < s.count, s[i + 1] == "-" {
                out.append(.punct("--"))
                i += 2
            } else if "{}[];,=".unicodeScalars.contains(c) {
                out.append(.punct(String(c)))
                i += 1
            } else if c.properties.isAlphabetic || ("0"..."9").contains(c) || c == "_" || c == "." {
                var text = String.UnicodeScalarView()
                while i < s.count, s[i].properties.isAlphabetic || ("0"..."9").contains(s[i]) || s[i] == "_" || s[i] == "." {
                    text.append(s[i])
                    i += 1
                }
                out.append(.id(String(text)))
            } else {
                throw DOTError.unexpected(String(c))
            }
        }
        return out
    }

    enum DOTError: Error { case unterminated, unexpected(String), syntax(String) }

    /// `graph NAME { node [...]; ID [a=b, …]; ID -- ID; }`
    init(_ text: String) throws {
        var t = try DOTGraph.tokens(text)[...]
        func next() throws -> Token {
            guard let x = t.popFirst() else { throw DOTError.syntax("unexpected end") }
            return x
        }
        func id() throws -> String {
            guard case .id(let s) = try next() else { throw DOTError.syntax("expected an ID") }
            return s
        }
        func expect(_ p: String) throws { guard try next() == .punct(p) else { throw DOTError.syntax("expected \(p)") } }
        func attributes() throws -> [String: String] {
            var a: [String: String] = [:]
            try expect("[")
            while t.first != .punct("]") {
                let k = try id()
                try expect("=")
                a[k] = try id()
                if t.first == .punct(",") { _ = try next() }
            }
            try expect("]")
            return a
        }
        guard try id() == "graph" else { throw DOTError.syntax("expected graph") }
        _ = try id()
        try expect("{")
        while t.first != .punct("}") {
            let first = try id()
            if t.first == .punct("--") {
                _ = try next()
                edges.append((first, try id()))
            } else if first == "node" {
                _ = try attributes()
            } else {
                guard nodes[first] == nil else { throw DOTError.syntax("node \(first) twice") }
                nodes[first] = try attributes()
            }
            try expect(";")
        }
        try expect("}")
        guard t.isEmpty else { throw DOTError.syntax("text after the graph") }
    }
}

@Suite struct ExportHygieneTests {
    static let odd = [
        "x\" [label=\"INJECTED\"]", "ends in a backslash\\", "\\\"", "two\nlines", "tab\there", "esc \u{1B}[2J", "}", "-- b",
        "日本語", "a;b,c",
    ]

    /// No name or handle can add a node, an edge or an attribute to the DOT graph.
    @Test func dotCannotBeInjected() throws {
        var people: [Contact] = []
        for (i, s) in ExportHygieneTests.odd.enumerated() {
            var c = Contact(name: s, handle: i % 2 == 0 ? s : "h\(i)", created: Day(year: 2026, month: 1, day: 1)!)
            c.id = Int64(i + 1)
            people.append(c)
        }
        let edges: [(Int64, Int64)] = (1..<people.count).map { (Int64($0), Int64($0 + 1)) }
        let dot = CalendarWriter.dot(people, edges: edges)
        let graph = try DOTGraph(dot)
        #expect(graph.nodes.count == people.count, "\(dot)")
        #expect(graph.edges.count == edges.count)
        for p in people {
            let shown = { (s: String) in
                String(s.unicodeScalars.filter { $0 == "\n" || $0 == "\t" || !TerminalText.isControl($0) }.map(Character.init))
                    .replacingOccurrences(of: "\\", with: "＼").replacingOccurrences(of: "\n", with: "\\n")
            }
            let node = try #require(graph.nodes[shown(p.handle)], "no node \(p.handle.debugDescription) in\n\(dot)")
            #expect(node.keys.sorted() == ["fillcolor", "label"])
            #expect(node["label"] == shown(p.name))
        }
    }

    /// Formula-like cells get a `'` and import takes exactly that one off again.
    @Test func spreadsheetCellsRoundTrip() {
        let cases: [(String, String)] = [
            ("=1+1", "'=1+1"), ("+1 415 555 0199", "'+1 415 555 0199"), ("-x", "'-x"), ("@sum", "'@sum"), ("\tx", "'\tx"),
            ("\rx", "'\rx"), ("'=1", "''=1"), ("''+", "'''+"), ("'Tis", "'Tis"), ("plain", "plain"), ("", ""), ("'", "'"),
            ("a=b", "a=b"),
        ]
        for (value, written) in cases {
            #expect(SpreadsheetCell.neutralised(value) == written)
            #expect(SpreadsheetCell.restored(written) == value)
        }
    }

    /// iCalendar and vCard text: escaped by RFC 5545 / 6350, without the control characters
    /// their grammars do not allow, folded at 75 octets.
    @Test func icsAndVCardTextIsEscaped() throws {
        let hostile = "Call \u{1B}]52;c;eA==\u{7} Eve; then, lunch\\\nnow\r\u{7F}\u{9B}31m\u{85}"
        let ics = CalendarWriter.ics(
            [
                CalendarWriter.Item(
                    uid: "eve@tend", summary: hostile, description: String(repeating: "日本", count: 60) + hostile,
                    due: Day(year: 2026, month: 11, day: 23)!, priority: 1, category: hostile)
            ], stamp: Day(year: 2026, month: 11, day: 23)!)
        // A carriage return alone is a line break (it was left out, joining the lines).
        #expect(ics.contains("SUMMARY:Call ]52\\;c\\;eA== Eve\\; then\\, lunch\\\\\\nnow\\n31m\r\n"), "\(ics)")
        #expect(VCard.escape("one\rtwo\r\nthree") == "one\\ntwo\\nthree")
        var c = Contact(name: hostile, handle: "eve", created: Day(year: 2026, month: 1, day: 1)!)
        c.notes = hostile
        let card = VCard.write(c)
        for text in [ics, card] {
            for line in text.components(separatedBy: "\r\n") {
                #expect(line.utf8.count <= 75, "\(line)")
                #expect(!line.unicodeScalars.contains { ($0.value < 0x20 && $0 != "\t") || (0x7F...0x9F).contains($0.value) }, "\(line.debugDescription)")
            }
        }
        let back = try #require(try VCard.read(Array(card.utf8)).contacts.first)
        #expect(back.name == "Call ]52;c;eA== Eve; then, lunch\\\nnow\n31m")
    }
}

@Suite struct VCardFieldTests {
    /// Every stored field goes out (standard properties where they exist, X-TEND-… for the
    /// rest) and comes back; an e-mail claims no type; phones are valid vCard 4.0 values.
    @Test func everyFieldAndValidPhones() throws {
        var c = Contact(name: "Joan Rivera", handle: "joan", created: Day(year: 2025, month: 2, day: 3)!)
        c.email = "joan@home.example"
        c.phone = "(415) 555-0199"
        c.company = "Salon; Joan"
        c.title = "Owner"
        c.city = "Lake Forest"
        c.profession = "hairstylist"
        c.metAt = "gym"
        c.metOn = Day(year: 2024, month: 5, day: 1)
        c.relationship = "vendor"
        c.isInternal = true
        c.stage = .credibility
        c.cadence = Duration(months: 3, days: 10)
        c.nextStep = "lunch, then; a call"
        c.nextDue = Day(year: 2026, month: 12, day: 1)
        c.goals = ["open a second salon", "a, b; c"]
        c.accomplishments = ["award"]
        c.interests = ["jazz"]
        c.networks = ["BNI"]
        c.skills = ["color"]
        c.serves = ["brides"]
        c.expert = true
        c.passionate = true
        c.honorsReferrals = true
        c.snoozedUntil = Day(year: 2026, month: 12, day: 24)
        c.tags = ["vip"]
        c.notes = "line one\nline two"
        let card = VCard.write(c)
        #expect(card.contains("\r\nEMAIL:joan@home.example\r\n"))
        #expect(card.contains("\r\nTEL;VALUE=text:(415) 555-0199\r\n"))
        #expect(!card.contains("TYPE=work"))
        for property in [
            "X-TEND-NEXT-STEP:lunch\\, then\\; a call", "X-TEND-GOALS:open a second salon,a\\, b\\; c", "X-TEND-CADENCE:3mo+10d",
            "X-TEND-STAGE:credibility", "X-TEND-INTERNAL:true", "X-TEND-CREATED:2025-02-03", "X-TEND-SNOOZED-UNTIL:2026-12-24",
            "X-TEND-HONORS-REFERRALS:true", "X-TEND-SERVES:brides",
        ] {
            #expect(card.contains("\r\n\(property)\r\n"), "\(property) not in\n\(card)")
        }
        let back = try #require(try VCard.read(Array(card.utf8)).contacts.first)
        var again = Merge.newContact(back, handle: "joan", today: Day(year: 2000, month: 1, day: 1)!)
        again.id = c.id
        #expect(again == c)
        var global = c
        global.phone = "+1-415-555-0199"
        #expect(VCard.write(global).contains("\r\nTEL;VALUE=uri:tel:+1-415-555-0199\r\n"))
        global.phone = "+1 415 555 0199"
        #expect(VCard.write(global).contains("\r\nTEL;VALUE=text:+1 415 555 0199\r\n"))
    }
}
