/// FNV-1a, 64 bits: a hash that is the same in every run (Swift's own is seeded per process),
/// for the source ids of items that carry no id of their own and for what `save` wrote.
public struct StableHash: Hashable, Sendable {
    public private(set) var value: UInt64 = 0xcbf2_9ce4_8422_2325
    public init() {}
    public mutating func add(_ bytes: some Sequence<UInt8>) {
        for b in bytes { value = (value ^ UInt64(b)) &* 0x100_0000_01b3 }
    }
    public var hex: String { String(value, radix: 16) }
}
