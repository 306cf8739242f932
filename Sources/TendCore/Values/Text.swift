import Foundation

/// Case-insensitive text search in time linear in the text: `~`, `"sub" in text`,
/// `contains`, `starts_with`, `ends_with`.
///
/// Both sides are folded once (lowercased; text that is not ASCII case-folded as Unicode folds
/// it, ß as ss, accents taken off, so that "jose" finds José, compatibility characters as the
/// letters they stand for), then compared as UTF-8 bytes. Swift's own `contains` compares
/// characters at each position of the text, which took 23 s for a 32 KB text and a 16 KB
/// pattern.
/// Two texts equal with case and accents aside, as `x in list` compares them (`"bni irvine" in
/// networks` found no "BNI Irvine"). ASCII text, the common case, is compared in place.
public func sameText(_ a: String, _ b: String) -> Bool {
    if a == b { return true }
    let (x, y) = (a.utf8, b.utf8)
    if x.allSatisfy({ $0 < 0x80 }) && y.allSatisfy({ $0 < 0x80 }) {
        guard x.count == y.count else { return false }
        return zip(x, y).allSatisfy { p, q in p == q || (p | 0x20 == q | 0x20 && (p | 0x20) >= 0x61 && (p | 0x20) <= 0x7A) }
    }
    return FoldedText(a).bytes == FoldedText(b).bytes
}

public struct FoldedText {
    public let bytes: [UInt8]

    public init(_ text: String) {
        if text.utf8.allSatisfy({ $0 < 0x80 }) {
            bytes = Array(text.lowercased().utf8)
        } else {
            // Accents go: people type "jose" for José, as a handle writes it. The marks are taken
            // off one scalar at a time, in time linear in the text (Foundation's diacritic
            // folding took two minutes for a 2 MB note written with combining accents).
            // Compatibility characters go to the letters they stand for, as in a handle: ǅ is
            // dz, fullwidth Ｒ is r, ﬁ is fi, x² is x2 (for tags too). A scalar grows to at most
            // 18 (ﷺ): still linear.
            var plain = String.UnicodeScalarView()
            for scalar in text.decomposedStringWithCompatibilityMapping.unicodeScalars {
                if scalar.properties.generalCategory == .nonspacingMark && scalar.properties.isDiacritic { continue }
                if let letter = FoldedText.letters[scalar] {
                    plain.append(contentsOf: letter.unicodeScalars)
                } else {
                    plain.append(scalar)
                }
            }
            // Unicode's full case folding, not lowercasing: "Straße" is "STRASSE", a final ς is σ.
            bytes = Array(String(plain).folding(options: .caseInsensitive, locale: nil).precomposedStringWithCanonicalMapping.utf8)
        }
    }

    /// Latin letters with a stroke or a bar, which no decomposition takes apart, as handles
    /// write them (`Łukasz Øster` is `@lukasz-oster`).
    static let letters: [Unicode.Scalar: String] = [
        "ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ı": "i", "ħ": "h", "Ħ": "H", "ŧ": "t", "Ŧ": "T",
        "æ": "ae", "Æ": "AE", "œ": "oe", "Œ": "OE", "þ": "th", "Þ": "TH", "ð": "d", "Ð": "D",
    ]

    /// Whether `needle` occurs in this text (the empty text occurs everywhere).
    public func contains(_ needle: FoldedText) -> Bool {
        FoldedText.firstIndex(of: needle.bytes, in: bytes) != nil
    }

    public func hasPrefix(_ p: FoldedText) -> Bool { bytes.starts(with: p.bytes) }
    public func hasSuffix(_ s: FoldedText) -> Bool { bytes.count >= s.bytes.count && bytes.suffix(s.bytes.count).elementsEqual(s.bytes) }

    /// Needles up to this long are compared position by position (at most this many byte
    /// comparisons per byte of text, and no table to build); longer ones go through
    /// Knuth–Morris–Pratt.
    static let shortNeedle = 16

    /// The offset of the first occurrence of `needle` in `text`, in O(text + needle).
    static func firstIndex(of needle: [UInt8], in text: [UInt8]) -> Int? {
        let m = needle.count
        let n = text.count
        if m == 0 { return 0 }
        if m > n { return nil }
        if m <= shortNeedle {
            outer: for i in 0...(n - m) {
                for j in 0..<m where text[i + j] != needle[j] { continue outer }
                return i
            }
            return nil
        }
        // failure[j]: the length of the longest proper border of needle[0...j].
        var failure = [Int](repeating: 0, count: m)
        var k = 0
        for j in 1..<m {
            while k > 0 && needle[j] != needle[k] { k = failure[k - 1] }
            if needle[j] == needle[k] { k += 1 }
            failure[j] = k
        }
        k = 0
        for i in 0..<n {
            while k > 0 && text[i] != needle[k] { k = failure[k - 1] }
            if text[i] == needle[k] { k += 1 }
            if k == m { return i - m + 1 }
        }
        return nil
    }
}
