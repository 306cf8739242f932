import TendCore

/// One person read from another program's file, before it is matched against the database.
public struct ImportedContact: Equatable, Sendable {
    /// Where the record starts: "card 3 (line 17)", "record 12 (line 14)".
    public var origin: String
    public var name: String
    /// Tend's own handle (`X-TEND-HANDLE`, a `handle` column or key): who this is in Tend.
    public var handle: String?
    /// A vCard's UID: two cards of one file with the same UID are one person.
    public var uid: String?
    public var emails: [String] = []
    public var phones: [String] = []
    public var tags: [String] = []
    /// Everything that has no field of its own ("birthday: 1980-04-02", "url: …"), kept as notes.
    public var notes: [String] = []
    /// The other stored fields the file gave, by `ContactFields` name.
    public var fields: [String: FieldValue] = [:]
    /// The date of the last stage change (`stage_since` in `export json`).
    public var stageSince: Day?

    public init(origin: String, name: String) {
        self.origin = origin
        self.name = name
    }

    /// A text field, read back (`company`, `title`, …).
    public subscript(text name: String) -> String? {
        get { if case .text(let s)? = fields[name] { return s } else { return nil } }
        set { fields[name] = newValue.map(FieldValue.text) }
    }

    /// Sets a field from text in the file; a value that is not of the field's kind is an error
    /// naming the record and the field.
    public mutating func read(_ field: String, _ text: String, listSeparator: Unicode.Scalar, label: String? = nil) throws {
        guard let f = ContactFields.byName[field] else { return }
        do {
            if let v = try ContactFields.value(f, from: text, listSeparator: listSeparator) { fields[field] = v }
        } catch let e as FieldError {
            throw ImportError(origin, field: label ?? field, e.description)
        }
    }
}

/// A tag as Tend keeps it: a file's label ("VIP", "* myContacts") made into a handle-like word;
/// a tag that already is one is kept as it is.
public func tagName(_ label: String) -> String {
    isValidHandle(label) ? label : makeHandle(label)
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
