import Foundation

/// Case-insensitive text search in time linear in the text: `~`, `"sub" in text`,
/// `contains`, `starts_with`, `ends_with`.
///
/// Both sides are folded once (lowercased; text that is not ASCII case-folded as Unicode folds
/// it, ß as ss, accents taken off, so that "jose" finds José), then compared as
/// UTF-8 bytes. Swift's own `contains` compares
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
            // Unicode's full case folding, not lowercasing: "Straße" is "STRASSE", a final ς is σ.
            // Accents go too: people type "jose" for José, as a handle writes it.
            bytes = Array(text.folding(options: [.caseInsensitive, .diacriticInsensitive], locale: nil).precomposedStringWithCanonicalMapping.utf8)
        }
    }

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
