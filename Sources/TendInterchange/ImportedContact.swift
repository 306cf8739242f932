import TendCore

/// One person read from another program's file, before it is matched against the database.
public struct ImportedContact: Equatable, Sendable {
    /// Where the record starts: "card 3 (line 17)", "record 12 (line 14)".
    public var origin: String
    public var name: String
    public var handle: String?
    public var company: String?
    public var title: String?
    public var profession: String?
    public var emails: [String] = []
    public var phones: [String] = []
    public var city: String?
    public var tags: [String] = []
    public var metAt: String?
    public var metOn: Day?
    public var relationship: String?
    public var stage: Stage?
    public var cadence: Duration?
    /// Everything that has no field of its own ("birthday: 1980-04-02", "url: …"), kept as notes.
    public var notes: [String] = []

    public init(origin: String, name: String) {
        self.origin = origin
        self.name = name
    }
}

/// A record that could not be read: where, which field, and why.
public struct ImportError: Error, CustomStringConvertible, Sendable {
    public var origin: String
    public var field: String?
    public var message: String
    public init(_ origin: String, field: String? = nil, _ message: String) {
        self.origin = origin
        self.field = field
        self.message = message
    }
    public var description: String { "\(origin)\(field.map { ", field \($0)" } ?? ""): \(message)" }
}

/// What an import read: good records, and bad ones with their errors.
public struct ImportBatch: Sendable {
    public var contacts: [ImportedContact] = []
    public var errors: [ImportError] = []
    public init() {}
}

/// Text from a file: UTF-8 (a BOM is dropped); binary files and invalid UTF-8 are errors that say where.
public func decodeText(_ bytes: [UInt8], what: String) throws -> String {
    if bytes.isEmpty { throw ImportError(what, "the file is empty") }
    if bytes.prefix(4096).contains(0) { throw ImportError(what, "this is a binary file, not text") }
    if var text = String(validating: bytes, as: UTF8.self) {
        if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
        return text
    }
    // Invalid: find the first bad byte so that the message can say where.
    var line = 1
    var i = 0
    var out = String.UnicodeScalarView()
    while i < bytes.count {
        var it = bytes[i...].makeIterator()
        var decoder = UTF8()
        guard case .scalarValue(let s) = decoder.decode(&it) else {
            throw ImportError("line \(line)", "invalid UTF-8 (byte \(i + 1)); save the file as UTF-8")
        }
        if s == "\n" { line += 1 }
        out.append(s)
        i += s.utf8.count
    }
    var text = String(out)
    if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
    return text
}
