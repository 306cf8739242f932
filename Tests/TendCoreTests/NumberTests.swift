import Foundation
import Testing

@testable import TendCore

/// The fast paths of `Number.swift` against Decimal's own arithmetic, on values chosen to sit
/// on every edge: zero, signs, exact and inexact quotients, halves, the 2^47 limit, fractions,
/// large exponents. A fixed seed keeps the run the same every time.
@Suite struct NumberTests {
    struct Seeded: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
            return state
        }
    }

    static func samples() -> [Decimal] {
        var rng = Seeded(state: 42)
        let limit = Decimal.wholeLimit
        var out: [Decimal] = [
            0, 1, -1, 2, 7, -7, 10, 12, 100, 365, 1000, 99_999, Decimal(limit - 1), Decimal(-(limit - 1)), Decimal(limit), Decimal(limit) * 10,
        ]
        out += ["0.5", "-0.5", "2.5", "6.4", "0.000001", "0.0000001", "1.25", "-3.75", "19.99", "12e3", "1e20", "123456789012345678901234567890"]
            .map { Decimal(literal: $0) ?? Decimal(string: $0)! }
        for _ in 0..<300 {
            switch Int.random(in: 0..<4, using: &rng) {
            case 0: out.append(Decimal(Int64.random(in: -1000...1000, using: &rng)))
            case 1: out.append(Decimal(Int64.random(in: -limit...limit, using: &rng)))
            case 2: out.append(Decimal(Int64.random(in: -100_000...100_000, using: &rng), places: Int.random(in: 0...7, using: &rng)))
            default: out.append(Decimal(Int64.random(in: -1000...1000, using: &rng)) * 1000)
            }
        }
        return out
    }

    @Test func wholeValuesAreRecognisedExactly() {
        // The layout check passed on this platform: the fast paths are in use.
        #expect(Decimal(1500).whole == 1500 && Decimal(-7).whole == -7 && Decimal(string: "2.5")!.whole == nil)
        for x in Self.samples() {
            if let n = x.whole {
                #expect(Decimal(n) == x, "\(x)")
                #expect(n.magnitude < UInt64(Decimal.wholeLimit))
            } else {
                let isSmallWhole = x.rounded(toPlaces: 0, .plain) == x && x.magnitude < Decimal(Decimal.wholeLimit)
                // Whole values may still be refused (a large exponent), but never a fraction taken.
                if !isSmallWhole { #expect(x.rounded(toPlaces: 0, .plain) != x || x.magnitude >= Decimal(Decimal.wholeLimit)) }
            }
        }
    }

    @Test func arithmeticMatchesDecimal() {
        let xs = Self.samples()
        var rng = Seeded(state: 7)
        for _ in 0..<4000 {
            let x = xs.randomElement(using: &rng)!
            let y = xs.randomElement(using: &rng)!
            // A result that 38 digits cannot hold to the cent is NaN, never Decimal's rounded one.
            let digits = Decimal.significantDigits(x) + Decimal.significantDigits(y)
            let (sum, product) = (Decimal.sum(x, y), Decimal.product(x, y))
            if sum.isNaN { #expect(digits > 38, "\(x) + \(y)") } else { #expect(sum == x + y, "\(x) + \(y)") }
            let difference = Decimal.difference(x, y)
            if difference.isNaN { #expect(digits > 38, "\(x) - \(y)") } else { #expect(difference == x - y, "\(x) - \(y)") }
            if product.isNaN { #expect(digits > 38, "\(x) * \(y)") } else { #expect(product == x * y, "\(x) * \(y)") }
            // And they read the same (fixed-point results carry no trailing zeros).
            if !sum.isNaN { #expect(sum.tendText == (x + y).tendText, "\(x) + \(y) as text") }
            if !product.isNaN { #expect(product.tendText == (x * y).tendText, "\(x) * \(y) as text") }
            #expect(Decimal.order(x, y) == (x < y ? -1 : (x > y ? 1 : 0)), "\(x) <> \(y)")
            if y != 0 {
                #expect(Decimal.quotient(x, y) == x / y, "\(x) / \(y)")
                for places in 0...6 {
                    if let fast = Decimal.roundedQuotient(x, y, places: places) {
                        #expect(fast == (x / y).rounded(toPlaces: places, .plain), "round(\(x) / \(y), \(places))")
                    }
                }
            }
        }
    }

    /// Arithmetic that 38 digits cannot hold exactly is NaN (an error in the language), never a
    /// rounded number: 99999999999999999999999² printed …800000000000000000000000.
    @Test func inexactResultsAreRefused() {
        let big = Decimal(string: "99999999999999999999999")!
        #expect(Decimal.product(big, big).isNaN)
        #expect(Decimal.sum(Decimal(string: "9999999999999999999999999999999999999")!, Decimal(string: "0.01")!).isNaN)
        #expect(Decimal.difference(Decimal(string: "-9999999999999999999999999999999999999")!, Decimal(string: "0.01")!).isNaN)
        #expect(Decimal.product(Decimal(string: "12345678901234567890.5")!, 2) == Decimal(string: "24691357802469135781")!)
        #expect(Decimal.sum(Decimal(string: "1e30")!, Decimal(string: "0.01")!) == Decimal(string: "1000000000000000000000000000000.01")!)
        #expect(Decimal.significantDigits(Decimal(string: "0.00120")!) == 2 && Decimal.significantDigits(1000) == 1)
        // A quotient's digits past the cent round as they did: 13 / 7 + 4.
        let weeks = Decimal.quotient(13, 7)
        #expect(Decimal.sum(weeks, 4) == weeks + 4 && Decimal.product(weeks, 3) == weeks * 3)
    }

    @Test func textMatchesNSDecimalNumber() {
        for x in Self.samples() + Self.samples().map({ $0 / 8 }) + Self.samples().map({ $0 * Decimal(string: "0.01")! }) {
            var value = x
            var rounded = Decimal()
            NSDecimalRound(&rounded, &value, 6, .plain)
            let slow = NSDecimalNumber(decimal: rounded).stringValue
            if rounded == 0 && x != 0 {
                #expect(Decimal(string: x.tendText).map { $0 != 0 && ($0 < 0) == (x < 0) } == true, "\(x): \(x.tendText)")
            } else {
                #expect(x.tendText == (slow == "-0" ? "0" : slow), "\(x)")
            }
        }
    }

    /// A number below a millionth reads as its first six significant digits: `print 0.0000001`
    /// printed 0, beside `0.0000001 == 0` being false.
    @Test func tinyNumbersAreNotShownAsZero() {
        #expect(Decimal(string: "0.0000001")!.tendText == "0.0000001")
        #expect(Decimal(string: "-0.00000012345678")!.tendText == "-0.000000123457")
        #expect(Decimal(string: "0.0000005")!.tendText == "0.0000005")
        #expect(Decimal(string: "0.00000051")!.tendText == "0.00000051")
        // The last digit of 38-digit arithmetic is no number to show: 1 / 3 * 3 - 1 is 0.
        #expect(Decimal.difference(Decimal.product(Decimal.quotient(1, 3), 3), 1).tendText == "0")
    }

    /// A product whose exponents add up past Decimal's range is NaN: Foundation's `*` (and
    /// NSDecimalMultiply) trapped, SIGILL, on `1 / 3 * 0.0000000000000000000000000000001` thrice.
    @Test func productsPastTheExponentRangeAreRefused() {
        let third = Decimal.quotient(1, 3)
        let tiny = Decimal(string: "0.0000000000000000000000000000001")!
        #expect(Decimal.product(Decimal.product(Decimal.product(third, tiny), tiny), tiny).isNaN)
        #expect(Decimal.product(Decimal(string: "1e100")!, Decimal(string: "1e100")!).isNaN)
        #expect(Decimal.quotient(Decimal(string: "1e-100")!, Decimal(string: "1e100")!).isNaN)
        #expect(Decimal.product(tiny, tiny) == Decimal(string: "1e-62")!)
    }

    @Test(arguments: [
        ("round(45 / 7, 1)", "6.4"), ("round(-45 / 7, 1)", "-6.4"), ("round(5 / 2, 0)", "3"), ("round(-5 / 2, 0)", "-3"),
        ("round(1 / 3, 6)", "0.333333"), ("round(2 / 3, 2)", "0.67"), ("round(10 / 0, 1)", ""), ("round(7.5 / 2, 1)", "3.8"),
        ("round(1 / 8, 2)", "0.13"), ("round(100 / 7, 30)", "14.285714"), ("7 % 3", "1"), ("-7 % 3", "-1"), ("7.5 % 2", "1.5"),
        ("days(3mo)", "91.25"), ("days(10d)", "10"),
    ])
    func languageResults(_ text: String, _ expected: String) throws {
        let h = try fixture(prelude: false)
        #expect(h.text(try h.value(text)) == expected)
    }
}
