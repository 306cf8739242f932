import Foundation
import Testing

@testable import TendCore

/// A contact's agenda items in the bytes a store keeps them in (`AgendaMemo.encode`) read back
/// as they were; bytes that do not read as items read as nothing, never as other items.
@Suite struct KeptItemBytesTests {
    static func item(_ rule: String, _ message: String, _ priority: String, _ overdue: Value, contact: Int64 = 7, name: String = "Émile Zola") -> AgendaMemo.Item {
        let p = Decimal(string: priority)!
        let days = { if case .duration(let d) = overdue { return d.days } else { return 0 } }()
        return ((p as NSDecimalNumber).doubleValue, days, AgendaMemo.sortName(name),
                .row(Row(Schema.agenda, [.contact(contact), .string(rule), .string(message), .number(p), overdue])))
    }

    /// Items equal in priority, overdue and name (two people of one name) sort the same
    /// whichever order their contacts come in, one person's in their rules' order: kept items
    /// come in the store's order, and a page in another order had its numbers written again.
    @Test func itemsSortTheSameInAnyOrder() {
        let items = [
            Self.item("b", "x", "5", .null, contact: 9, name: "Sam Lee"), Self.item("a", "x", "5", .null, contact: 9, name: "Sam Lee"),
            Self.item("a", "x", "5", .null, contact: 3, name: "Sam Lee"), Self.item("z", "x", "5", .null, contact: 1, name: "Ann Bo"),
            Self.item("c", "x", "6", .null, contact: 4, name: "Zed Young"),
        ]
        let first = Interpreter.sorted(items)
        // Contacts in any order, each one's items in their rules' order (as both paths give them).
        for order in [[items[4], items[3], items[2], items[0], items[1]], [items[2], items[0], items[4], items[1], items[3]], [items[0], items[3], items[1], items[2], items[4]]] {
            #expect(Self.same(Interpreter.sorted(order), first))
        }
        let keys = first.map { item -> String in
            guard case .row(let r) = item.row, case .contact(let id) = r.values[0], case .string(let rule) = r.values[1] else { return "" }
            return "\(id)\(rule)"
        }
        #expect(keys == ["4c", "1z", "3a", "9b", "9a"])
    }

    static func same(_ a: [AgendaMemo.Item], _ b: [AgendaMemo.Item]) -> Bool {
        a.count == b.count && zip(a, b).allSatisfy { x, y in
            guard case .row(let r) = x.row, case .row(let s) = y.row else { return false }
            return x.priority == y.priority && x.overdue == y.overdue && x.name == y.name && "\(r.values)" == "\(s.values)"
        }
    }

    @Test func itemsReadBackAsTheyWere() throws {
        var texts: [UInt64: (value: Decimal, text: String)] = [:]
        let items = [
            Self.item("stay in touch", "Touch base with Émile: 63 days past a 1mo cadence", "21.7", .duration(Duration(months: 0, days: 63))),
            Self.item("r\u{0}\u{1E}", "", "-3", .null),
            Self.item("birthday 🎂", String(repeating: "x", count: 300), "0.1", .duration(Duration(months: 14, days: -2))),
            Self.item("big", "مرحبا", "123456789012345678.000001", .duration(Duration(months: 0, days: Duration.maxDays))),
        ]
        let bytes = try #require(AgendaMemo.encode(items, name: "Émile Zola", handle: "emile", snoozed: false, texts: &texts))
        let back = try #require(AgendaMemo.decode(bytes, contact: 7))
        #expect(Self.same(items, back.items))
        #expect((back.name, back.handle, back.snoozed) == ("Émile Zola", "emile", false))
        let noneBytes = try #require(AgendaMemo.encode([], name: "Zed", handle: "zed", snoozed: true, texts: &texts))
        let none = try #require(AgendaMemo.decode(noneBytes, contact: 7))
        #expect(none.items.isEmpty && none.snoozed)
        #expect(AgendaMemo.decode([], contact: 7) == nil)
    }

    @Test func bytesThatDoNotReadAreNothing() throws {
        var texts: [UInt64: (value: Decimal, text: String)] = [:]
        let bytes = try #require(AgendaMemo.encode([Self.item("stay in touch", "Touch base", "12.5", .duration(Duration(days: 3)))], name: "x", handle: "x", snoozed: false, texts: &texts))
        // Every cut is refused but the whole.
        for n in 1..<bytes.count { #expect(AgendaMemo.decode(Array(bytes.prefix(n)), contact: 7) == nil, "cut at \(n)") }
        #expect(AgendaMemo.decode(bytes + [2], contact: 7) == nil)
        #expect(AgendaMemo.decode([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x01], contact: 7) == nil)
        let double = withUnsafeBytes(of: (1.5).bitPattern.littleEndian) { Array($0) }
        // Name and handle "x", not snoozed, one item.
        let header: [UInt8] = [2, 0x78, 2, 0x78, 0, 2]
        #expect(AgendaMemo.decode([2, 0x78, 2, 0x78, 0, 0], contact: 7)?.items.isEmpty == true)
        #expect(AgendaMemo.decode([2, 0x78, 2, 0x78, 2, 0], contact: 7) == nil)
        #expect(AgendaMemo.decode(header, contact: 7) == nil)
        // A rule that is not UTF-8.
        #expect(AgendaMemo.decode(header + [4, 0xC3, 0x28, 0, 2, 0x31] + double + [0], contact: 7) == nil)
        #expect(AgendaMemo.decode(header + [2, 0x61, 0, 6, 0x31, 0x2E, 0x35] + double + [0], contact: 7)?.items.count == 1)
        #expect(AgendaMemo.decode(header + [2, 0x61, 0, 6, 0x31, 0x2E, 0x35] + double + [9], contact: 7) == nil)
        // A priority that is not a decimal's text.
        for text in ["1x5", "1.", ".5", "--1", "1.2.3", "", "-"] {
            let bytes = Array(text.utf8)
            #expect(AgendaMemo.decode(header + [2, 0x61, 0, UInt8(bytes.count * 2)] + bytes + double + [0], contact: 7) == nil, "\(text)")
        }
    }

    @Test func textsThatAreNoDecimalsAreRefused() {
        // A negative zero (no decimal writes it), junk after a long number, a duration past the calendar.
        for text in ["-0", "-0.0", "-000", "1234567890123456789zz", "12345678901234567890.1.2"] {
            #expect(AgendaMemo.decimal(text) == nil, "\(text)")
        }
        let double = withUnsafeBytes(of: (1.5).bitPattern.littleEndian) { Array($0) }
        let header: [UInt8] = [2, 0x78, 2, 0x78, 0, 2, 2, 0x61, 0, 6, 0x31, 0x2E, 0x35] + double + [1]
        #expect(AgendaMemo.decode(header + [0, 2], contact: 7)?.items.count == 1)
        #expect(AgendaMemo.decode(header + [0xFF, 0xFF, 0xFF, 0xFF, 0x0F, 0], contact: 7) == nil)
    }

    @Test func decimalsReadAsFoundationReadsThem() {
        for text in ["0", "17.7", "-3", "0.000001", "123456789012345678", "1234567890123456789.5", "-0.25", "100"] {
            #expect(AgendaMemo.decimal(text) == Decimal(string: text), "\(text)")
        }
    }
}
