import Foundation

// Foundation's Decimal keeps money exact, but each of its operations costs hundreds of
// nanoseconds (a division several microseconds), and the agenda does a few dozen per contact on
// counts, days and weights. Whole numbers of moderate size, the common case by far, take the
// fast paths below; every other value goes through Decimal as before, so results are the same.
// `NumberTests` checks each fast path against Decimal's own arithmetic.

extension Decimal {
    /// Decimal's storage (20 bytes: exponent, length and flags, reserved, a 128-bit mantissa in
    /// 16-bit words), read to tell cheaply whether a value is whole. Used only once the layout
    /// has been recognised on known values (`flags`).
    private struct Storage {
        var exponent: Int8
        var lengthAndFlags: UInt8
        var reserved: UInt16
        var m0: UInt16, m1: UInt16, m2: UInt16, m3: UInt16, m4: UInt16, m5: UInt16, m6: UInt16, m7: UInt16
    }

    /// Where the length and the sign sit in the flags byte: swift-foundation keeps the length in
    /// the high four bits, the older corelibs Foundation in the low four.
    private struct Flags {
        let lengthShift: UInt8
        let negative: UInt8
    }

    /// The layout found on this platform by reading known values, or nil (no fast paths).
    private static let flags: Flags? = {
        guard MemoryLayout<Decimal>.size == MemoryLayout<Storage>.size else { return nil }
        let samples: [(Decimal, Int64?)] = [
            (Decimal(0), 0), (Decimal(7), 7), (Decimal(-7), -7), (Decimal(1500), 1500), (Decimal(-98_765_432_109), -98_765_432_109),
            (Decimal(string: "2.5")!, nil), (Decimal(string: "12e3")!, 12000), (Decimal.nan, nil), (Decimal(70000), 70000),
        ]
        let candidates = [Flags(lengthShift: 4, negative: 0x08), Flags(lengthShift: 0, negative: 0x10)]
        return candidates.first { f in samples.allSatisfy { $0.0.raw(f)?.whole == $0.1 } }
    }()

    /// The largest magnitude the fast paths take: products of two such values cannot overflow
    /// an Int64 unchecked, and every result is checked anyway.
    static let wholeLimit: Int64 = 1 << 47

    /// Sign, exponent and mantissa when the mantissa fits in 48 bits (nil when longer, or NaN),
    /// and the value as an integer when it is whole and under `wholeLimit`.
    private func raw(_ f: Flags) -> (negative: Bool, exponent: Int8, mantissa: Int64, whole: Int64?)? {
        let s = unsafeBitCast(self, to: Storage.self)
        let length = (s.lengthAndFlags >> f.lengthShift) & 0x0F
        let negative = s.lengthAndFlags & f.negative != 0
        if length == 0 { return negative ? nil : (false, 0, 0, 0) }
        guard length <= 3 else { return nil }
        let m = Int64(s.m0) | Int64(s.m1) << 16 | Int64(s.m2) << 32
        var whole: Int64?
        if s.exponent >= 0, s.exponent <= 4 {
            var n = m
            for _ in 0..<s.exponent { n *= 10 }
            if n < Decimal.wholeLimit { whole = negative ? -n : n }
        }
        return (negative, s.exponent, m, whole)
    }

    /// The value as an integer when it is whole and under 2^47 in magnitude; nil otherwise
    /// (fractions, very large numbers), which then take Decimal's own arithmetic.
    @inline(__always) var whole: Int64? { Decimal.flags.flatMap { raw($0)?.whole } }

    /// The value as `units / 10^places` with at most six places and units under 2^47 (whole
    /// numbers, money, rounded weights); nil for the rest.
    @inline(__always) var fixed: (units: Int64, places: Int)? {
        guard let f = Decimal.flags, let r = raw(f) else { return nil }
        if let n = r.whole { return (n, 0) }
        guard r.exponent < 0, r.exponent >= -6 else { return nil }
        return (r.negative ? -r.mantissa : r.mantissa, Int(-r.exponent))
    }

    private static let powersOfTen: [Int64] = [
        1, 10, 100, 1000, 10_000, 100_000, 1_000_000, 10_000_000, 100_000_000, 1_000_000_000, 10_000_000_000, 100_000_000_000, 1_000_000_000_000,
    ]

    /// Both values with the same number of places, or nil when scaling would leave the fast range.
    private static func aligned(_ x: Decimal, _ y: Decimal) -> (Int64, Int64, Int)? {
        guard let a = x.fixed, let b = y.fixed else { return nil }
        let places = max(a.places, b.places)
        let (u, o1) = a.units.multipliedReportingOverflow(by: powersOfTen[places - a.places])
        let (v, o2) = b.units.multipliedReportingOverflow(by: powersOfTen[places - b.places])
        guard !o1, !o2, u.magnitude < wholeLimit, v.magnitude < wholeLimit else { return nil }
        return (u, v, places)
    }

    /// `units / 10^places` with trailing zeros dropped, as Decimal's own arithmetic leaves it.
    private static func fixedValue(_ units: Int64, _ places: Int) -> Decimal {
        var (u, p) = (units, places)
        while p > 0, u % 10 == 0 {
            u /= 10
            p -= 1
        }
        return Decimal(u, places: p)
    }

    /// The largest magnitude `exactInt` converts: well inside Int64, where NSDecimalNumber's
    /// conversions are exact (past 2^63 they wrap, and past 10^38 they give 0).
    static let exactIntLimit = Decimal(sign: .plus, exponent: 18, significand: 1)

    /// The value as an Int when it is whole and under 10^18 in magnitude; nil for fractions,
    /// NaN and larger values. Every conversion of a number to a count, a number of days or a
    /// number of places goes through here.
    public var exactInt: Int? {
        if let w = whole { return Int(w) }
        guard isFinite, !isNaN, abs(self) < Decimal.exactIntLimit else { return nil }
        var value = self
        var rounded = Decimal()
        NSDecimalRound(&rounded, &value, 0, .plain)
        guard rounded == self else { return nil }
        return Int(NSDecimalNumber(decimal: rounded).int64Value)
    }

    /// `self / 10^places` made exactly: cents to money, tenths to a rounded quotient.
    public init(_ units: Int64, places: Int) {
        self = places == 0 ? Decimal(units) : Decimal(sign: units < 0 ? .minus : .plus, exponent: -places, significand: Decimal(units.magnitude))
    }

    // MARK: Arithmetic with fast paths

    // Past the fast paths, a result that Decimal's 38 digits cannot hold to the cent is NaN
    // (which the interpreter refuses), never a rounded number passed off as exact: money is
    // exact. Rounding below the cent is a quotient's (`weeks / 7`), and is kept.

    /// Whether a result rounded to 38 digits lost digits at the cent or above.
    static func lostCents(_ rounded: Decimal) -> Bool { rounded.exponent > -3 }

    static func sum(_ x: Decimal, _ y: Decimal) -> Decimal {
        if let a = x.whole, let b = y.whole { return Decimal(a + b) }
        if let (a, b, places) = aligned(x, y) { return fixedValue(a + b, places) }
        var (l, r, out) = (x, y, Decimal())
        return NSDecimalAdd(&out, &l, &r, .plain) == .noError || !lostCents(out) ? out : .nan
    }

    static func difference(_ x: Decimal, _ y: Decimal) -> Decimal {
        if let a = x.whole, let b = y.whole { return Decimal(a - b) }
        if let (a, b, places) = aligned(x, y) { return fixedValue(a - b, places) }
        // Foundation's subtraction does not say when it rounds; its addition does.
        var (l, r, out) = (x, -y, Decimal())
        return NSDecimalAdd(&out, &l, &r, .plain) == .noError || !lostCents(out) ? out : .nan
    }

    /// How many significant digits the number has (trailing zeros of a whole number aside).
    static func significantDigits(_ x: Decimal) -> Int {
        let digits = NSDecimalNumber(decimal: x).stringValue.utf8.filter { $0 >= 0x30 && $0 <= 0x39 }
        let lead = digits.firstIndex { $0 != 0x30 } ?? digits.count
        let trail = digits.lastIndex { $0 != 0x30 }.map { digits.count - 1 - $0 } ?? 0
        return max(0, digits.count - lead - trail)
    }

    static func product(_ x: Decimal, _ y: Decimal) -> Decimal {
        if let a = x.whole, let b = y.whole {
            let (p, overflow) = a.multipliedReportingOverflow(by: b)
            if !overflow { return Decimal(p) }
        }
        if let a = x.fixed, let b = y.fixed, a.places + b.places <= 12 {
            let (p, overflow) = a.units.multipliedReportingOverflow(by: b.units)
            if !overflow, p.magnitude < wholeLimit { return fixedValue(p, a.places + b.places) }
        }
        // The exact product has up to the digits of both (Foundation's multiplication does
        // not say when it rounds). It traps, NSDecimalMultiply too, when the exponents add up
        // past Decimal's range (-128...127): such a product is refused before it is tried.
        guard exponentsFit(x, y) else { return .nan }
        var (product, l, r) = (Decimal(), x, y)
        if outOfRange(NSDecimalMultiply(&product, &l, &r, .plain)) { return .nan }
        if x != 0, y != 0, significantDigits(x) + significantDigits(y) > 38, lostCents(product) { return .nan }
        return product
    }

    /// `x / y` (y not zero): whole when it divides exactly, else Decimal's 38-digit quotient.
    static func quotient(_ x: Decimal, _ y: Decimal) -> Decimal {
        if let a = x.whole, let b = y.whole, b != 0, a % b == 0 { return Decimal(a / b) }
        var (quotient, l, r) = (Decimal(), x, y)
        return outOfRange(NSDecimalDivide(&quotient, &l, &r, .plain)) ? .nan : quotient
    }

    /// Whether a product's exponent, the sum of its factors', is one a Decimal holds.
    static func exponentsFit(_ x: Decimal, _ y: Decimal) -> Bool {
        x == 0 || y == 0 || (-128...127).contains(x.exponent + y.exponent)
    }

    /// Whether Foundation's answer was past what a Decimal holds, either way.
    static func outOfRange(_ status: NSDecimalNumber.CalculationError) -> Bool {
        status == .overflow || status == .underflow || status == .divideByZero
    }

    /// -1, 0 or 1.
    static func order(_ x: Decimal, _ y: Decimal) -> Int {
        if let a = x.whole, let b = y.whole { return a < b ? -1 : (a > b ? 1 : 0) }
        if let (a, b, _) = aligned(x, y) { return a < b ? -1 : (a > b ? 1 : 0) }
        return x < y ? -1 : (x > y ? 1 : 0)
    }

    /// `round(x / y, places)` without the 38-digit quotient when both are whole: the exact
    /// quotient rounded half away from zero, as `rounded(toPlaces:_: .plain)` rounds it.
    static func roundedQuotient(_ x: Decimal, _ y: Decimal, places: Int) -> Decimal? {
        guard let a = x.whole, let b = y.whole, b != 0, (0...6).contains(places) else { return nil }
        var scale: Int64 = 1
        for _ in 0..<places { scale *= 10 }
        let (n, overflow) = a.multipliedReportingOverflow(by: scale)
        if overflow { return nil }
        var q = n / b
        let r = n % b
        if 2 * r.magnitude >= b.magnitude { q += (n < 0) != (b < 0) ? -1 : 1 }
        return Decimal(q, places: places)
    }

    /// The text of a value that needs no rounding to six places, made without NSDecimalNumber;
    /// nil for the rest.
    var plainText: String? {
        guard let f = Decimal.flags, let r = raw(f) else { return nil }
        if let n = r.whole { return String(n) }
        guard r.exponent < 0, r.exponent >= -6 else { return nil }
        var digits = String(r.mantissa)
        let places = Int(-r.exponent)
        if digits.count <= places { digits = String(repeating: "0", count: places - digits.count + 1) + digits }
        var text = digits.prefix(digits.count - places) + "." + digits.suffix(places)
        while text.last == "0" { text.removeLast() }
        if text.last == "." { text.removeLast() }
        return r.negative && text != "0" ? "-" + text : String(text)
    }
}

extension Duration {
    /// `duration * k`: a whole k scales months and days (3 * 1mo is 3mo), a fraction goes by
    /// days (1mo * 1.5 is 46d). Nil when the result is longer than the calendar.
    public func scaled(by k: Decimal) -> Duration? {
        guard isOnCalendar else { return nil }
        if let n = k.exactInt {
            let (m, monthsOverflow) = months.multipliedReportingOverflow(by: n)
            let (d, daysOverflow) = days.multipliedReportingOverflow(by: n)
            return monthsOverflow || daysOverflow ? nil : Duration(checkedMonths: m, days: d)
        }
        let product = approximateDays * NSDecimalNumber(decimal: k).doubleValue
        guard product.isFinite, abs(product) <= Double(Duration.maxDays) else { return nil }
        return Duration(days: Int(product.rounded()))
    }

    /// `duration / k` in whole days, rounded half away from zero; nil when k is 0 or the result
    /// is longer than the calendar.
    public func divided(by k: Decimal) -> Duration? {
        guard isOnCalendar, k != 0, !k.isNaN else { return nil }
        var quotient = Decimal(approximateDays) / k
        var days = Decimal()
        NSDecimalRound(&days, &quotient, 0, .plain)
        return days.exactInt.flatMap { Duration(checkedMonths: 0, days: $0) }
    }
}
