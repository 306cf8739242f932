import Foundation
import TendCore

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// One message as a mailbox holds it: where it is, and its headers. Its body is never read into memory.
public struct MailMessage: Sendable {
    /// "message 12 (byte 34567)" in an mbox; the file's path inside a maildir.
    public var origin: String
    public var headers: MailHeaders
    /// The time in a maildir file's name.
    var envelopeStamp: Int?
    /// What follows the sender on an mbox From line, read only when the message has no usable Date.
    var envelopeLine: String?
    /// Why the mailbox itself says the message is no touch: a draft, or junk or deleted mail
    /// (a maildir's Drafts, Junk or Trash folder, or its file's D or T flag).
    public var leftOut: SkipReason?
    /// The mbox file ends inside this message's header, in the middle of a line (a file cut
    /// short): that line is left out, and the report says so.
    public var cutShort = false

    public init(origin: String, headers: MailHeaders, envelopeDate: Int? = nil) {
        self.origin = origin
        self.headers = headers
        envelopeStamp = envelopeDate
    }

    /// When the message has no usable Date: the time on its mbox From line, or in its maildir file name.
    public var envelopeDate: Int? { envelopeStamp ?? envelopeLine.flatMap(MailDate.parse) }
}

/// Mailboxes read for their headers only: mbox files (mboxo and mboxrd: messages begin at a
/// `From ` line, and `From ` in a body is written `>From `) streamed a megabyte at a time, and
/// maildir folders (`cur/`, `new/`, and Maildir++ subfolders such as `.Sent/`), each file read
/// only to its first empty line. Memory stays flat whatever the size of the mailbox.
public enum Mailbox {
    /// A header block larger than this is not a mail header (256 KB holds thousands of
    /// recipients); no more of it is kept, so that memory stays flat on any file.
    static let headerLimit = 256 * 1024
    /// How much of a file is read at a time.
    static let chunkSize = 1 << 20

    /// Reads every message's headers from an mbox file, in order. A folder holding a file named
    /// `mbox` reads as that file: Apple Mail's "Export Mailbox" writes `Inbox.mbox/` with the
    /// messages in `mbox` beside a `table_of_contents`.
    public static func readMbox(path: String, _ visit: (MailMessage) throws -> Void) throws {
        var isFolder: ObjCBool = false
        let inside = PathName.joined(path, "mbox")
        let exported =
            FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
            && FileManager.default.fileExists(atPath: inside)
        let fd = try openRegularFile(exported ? inside : path)
        defer { close(fd) }
        var scanner = MboxScanner()
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, chunkSize) }
            guard n >= 0 else { throw ImportError(path, "cannot read the file: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            try chunk.withUnsafeBufferPointer { try scanner.feed(UnsafeBufferPointer(rebasing: $0[0..<n]), visit) }
        }
        try scanner.finish(visit)
    }

    /// Reads every message's headers from an mbox already in memory (tests, fuzzing).
    public static func readMbox(bytes: [UInt8], _ visit: (MailMessage) throws -> Void) throws {
        var scanner = MboxScanner()
        try bytes.withUnsafeBufferPointer { try scanner.feed($0, visit) }
        try scanner.finish(visit)
    }

    /// Reads every message's headers from a maildir: its `cur/` and `new/`, and those of every
    /// maildir below it, Maildir++ subfolders (`.Sent`, `.Archive` …) and the folders mbsync and
    /// offlineimap write (`Sent/`, `Archive/2026/`, `[Gmail]/Sent Mail/`), each in file-name
    /// order; a folder that is no maildir itself but holds some (mbsync's `~/Mail`) is read as
    /// they are. An entry that is not a message file (a folder, FIFO or dangling link; one a
    /// mail client removed while it was read) goes to `unreadable` and the rest are read: a live
    /// maildir changes under us.
    public static func readMaildir(
        path: String, unreadable: (ImportError) -> Void = { _ in }, _ visit: (MailMessage) throws -> Void
    ) throws {
        let root = URL(fileURLWithPath: path)
        let (folders, closed) = maildirs(under: root)
        guard !folders.isEmpty else {
            if let why = closed[""] { throw ImportError(path, "cannot read the folder: \(why)") }
            throw ImportError(path, "this is not a maildir (it has no cur/ or new/ folder, and no folder in it has one)")
        }
        // A folder that cannot be read holds mail that is not logged: said, never passed over silently.
        for (folder, why) in closed.sorted(by: { $0.key < $1.key }) { unreadable(ImportError(folder.isEmpty ? path : folder, "cannot read the folder: \(why)")) }
        // Each folder's role once, not again for each of its messages: the name of the maildir
        // given (`~/Mail/Trash`), else any part of the path below it (`Trash/2025`, `[Gmail]/Spam`).
        let rootRole = folderRole(PathName.last(root.path))
        for folder in folders {
            let role = rootRole ?? folder.split(separator: "/").lazy.compactMap { folderRole(String($0)) }.first
            for sub in ["cur", "new"] {
                let relative = folder.isEmpty ? sub : "\(folder)/\(sub)"
                let (all, problem) = entries(of: root.appendingPathComponent(relative).path)
                if let problem { unreadable(ImportError(relative, "cannot read the folder: \(problem)")) }
                let names = all.filter { !$0.hasPrefix(".") }
                for name in names.sorted() {
                    let file = root.appendingPathComponent(relative).appendingPathComponent(name).path
                    let block: [UInt8]
                    do { block = try headerBlock(of: file) } catch let e as ImportError {
                        unreadable(ImportError("\(relative)/\(name)", e.message))
                        continue
                    }
                    // Delivery names start with the time of delivery: `1773134100.M1P2.host:2,S`.
                    let stamp = Int(name.prefix { $0.isASCII && $0.isNumber })
                    var message = MailMessage(origin: "\(relative)/\(name)", headers: MailHeaders(parsing: block[...]), envelopeDate: stamp)
                    message.leftOut = role ?? leftOut(file: name)
                    try visit(message)
                }
            }
        }
    }

    /// A folder's entries but `.` and `..`, and why they cannot be read (nil when they can, or
    /// when there is no such folder).
    static func entries(of path: String) -> (names: [String], problem: String?) {
        guard let dir = opendir(path) else {
            let code = errno
            return ([], code == ENOENT || code == ENOTDIR ? nil : String(cString: strerror(code)))
        }
        defer { closedir(dir) }
        var names: [String] = []
        // readdir gives nil at the end and on an error, which only errno tells apart.
        errno = 0
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
            errno = 0
        }
        return (names, errno == 0 ? nil : String(cString: strerror(errno)))
    }

    /// The maildirs in a folder, by their paths from it ("" the folder itself), in name order,
    /// to `maildirDepth` levels, each read once (a link back up the tree is not followed round);
    /// and the folders that could not be read, with why.
    static func maildirs(under root: URL) -> (found: [String], closed: [String: String]) {
        let fm = FileManager.default
        func isFolder(_ url: URL) -> Bool {
            var dir: ObjCBool = false
            return fm.fileExists(atPath: url.path, isDirectory: &dir) && dir.boolValue
        }
        // The folder given, or a Maildir++ folder in it (`.Sent`), is a maildir with a `cur/` or
        // a `new/`; a plain folder below has both (as every mail program makes them), so that
        // a tree of other files (`/usr`) is not read as mail.
        func isMaildir(_ url: URL, given: Bool) -> Bool {
            let has = ["cur", "new"].map { isFolder(url.appendingPathComponent($0)) }
            return given ? has.contains(true) : !has.contains(false)
        }
        var found: [String] = []
        var closed: [String: String] = [:]
        var seen: Set<String> = []
        func walk(_ relative: String, depth: Int) {
            let url = relative.isEmpty ? root : root.appendingPathComponent(relative)
            guard seen.insert(url.resolvingSymlinksInPath().path).inserted else { return }
            let maildir = isMaildir(url, given: relative.isEmpty || depth == 1 && relative.hasPrefix("."))
            if maildir { found.append(relative) }
            guard depth < maildirDepth else { return }
            let (names, problem) = entries(of: url.path)
            if let problem { closed[relative] = problem }
            for name in names.sorted() where !(maildir && ["cur", "new", "tmp"].contains(name)) {
                let path = relative.isEmpty ? name : "\(relative)/\(name)"
                if isFolder(root.appendingPathComponent(path)) { walk(path, depth: depth + 1) }
            }
        }
        walk("", depth: 0)
        return (found, closed)
    }

    /// How deep below the folder given maildirs are looked for.
    static let maildirDepth = 8

    /// Mail folders whose mail was never sent or is not wanted, by any part of their name,
    /// lower-cased (Maildir++'s `.INBOX.Drafts`, `.Trash.2025`; plain `Drafts/`, `Trash/2025/`),
    /// as Dovecot, Courier, mbsync, offlineimap and the big providers name them, in English and
    /// in the languages mail programs name them in.
    static let folderRoles: [String: SkipReason] = [
        "drafts": .draft, "draft": .draft, "templates": .draft,
        "entwürfe": .draft, "brouillons": .draft, "borradores": .draft, "bozze": .draft, "concepten": .draft, "rascunhos": .draft,
        "junk": .junk, "spam": .junk, "junk e-mail": .junk, "junk email": .junk, "bulk mail": .junk,
        "trash": .junk, "deleted": .junk, "deleted items": .junk, "deleted messages": .junk, "bin": .junk,
        "papierkorb": .junk, "gelöschte elemente": .junk, "junk-e-mail": .junk, "corbeille": .junk, "éléments supprimés": .junk,
        "indésirables": .junk, "courrier indésirable": .junk, "papelera": .junk, "elementos eliminados": .junk,
        "correo no deseado": .junk, "cestino": .junk, "posta indesiderata": .junk, "prullenbak": .junk,
        "verwijderde items": .junk, "ongewenste e-mail": .junk, "lixo": .junk, "lixeira": .junk, "itens excluídos": .junk,
        "kosz": .junk, "roskakori": .junk, "papperskorgen": .junk, "papirkurv": .junk, "корзина": .junk, "удаленные": .junk,
        "ゴミ箱": .junk, "已删除": .junk, "已删除邮件": .junk, "垃圾邮件": .junk, "迷惑メール": .junk, "спам": .junk,
        "kopie robocze": .draft, "luonnokset": .draft, "utkast": .draft, "kladder": .draft, "черновики": .draft,
        "下書き": .draft, "草稿": .draft, "草稿箱": .draft,
    ]

    /// Why a maildir file is no touch: its folder's role (`folder` is the Maildir++ subfolder,
    /// or the maildir itself when given one: `~/Maildir/.Drafts`, mbsync's `~/Mail/Drafts`), or
    /// its flags: D (`:2,DS`, a draft) or T (trashed: deleted, not yet expunged); nil for any
    /// other message.
    static func leftOut(folder: String, file: String) -> SkipReason? { folderRole(folder) ?? leftOut(file: file) }

    /// A folder's role, from any part of its name (`.INBOX.Drafts`); a part with a word of
    /// junk's in it is junk (`Trash-2025`, `Old_Spam`), but a word of a draft's is not
    /// (`Draft-Contracts` may be sent mail about drafts).
    static func folderRole(_ folder: String) -> SkipReason? {
        folder.split(separator: ".").lazy.compactMap { part -> SkipReason? in
            let name = IMAPName.decoded(String(part)).lowercased()
            if let role = folderRoles[name] { return role }
            let words = name.split(whereSeparator: { $0 == "-" || $0 == "_" || $0 == " " })
            return words.count > 1 && words.contains(where: { folderRoles[String($0)] == .junk }) ? .junk : nil
        }.first
    }

    /// A message file's flags: D a draft, T trashed. They follow `:2,`, or `!2,` or `;2,` where
    /// a colon cannot be in a file's name (mbsync's `InfoDelimiter`, on Windows and by choice).
    static func leftOut(file: String) -> SkipReason? {
        let info = [":2,", "!2,", ";2,"].compactMap { file.range(of: $0, options: .backwards) }.max { $0.lowerBound < $1.lowerBound }
        guard let info else { return nil }
        let flags = file[info.upperBound...]
        return flags.contains("D") ? .draft : flags.contains("T") ? .junk : nil
    }

    /// A file's bytes up to its first empty line (at most `headerLimit`).
    static func headerBlock(of path: String) throws -> [UInt8] {
        let fd = try openRegularFile(path)
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16 * 1024)
        while out.count < headerLimit {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n >= 0 else { throw ImportError(path, "cannot read the file: \(String(cString: strerror(errno)))") }
            if n == 0 { break }
            let searchFrom = max(0, out.count - 2)
            out += chunk[0..<n]
            if let end = headerEnd(out, from: searchFrom) { return Array(out[..<end]) }
        }
        return Array(out.prefix(headerLimit))
    }

    /// Opens a file for reading; a folder, device or FIFO is refused rather than read (reading a
    /// FIFO would wait for a writer forever).
    static func openRegularFile(_ path: String) throws -> Int32 {
        var st = stat()
        guard stat(path, &st) == 0 else { throw ImportError(path, "no such file") }
        guard (st.st_mode & S_IFMT) == S_IFREG else { throw ImportError(path, "not a regular file (a folder, device or FIFO); it is not read") }
        let fd = open(path, O_RDONLY | O_NONBLOCK)
        guard fd >= 0 else { throw ImportError(path, "cannot open the file: \(String(cString: strerror(errno)))") }
        return fd
    }

    /// A whole regular file's bytes.
    static func contents(of path: String) throws -> [UInt8] {
        let fd = try openRegularFile(path)
        defer { close(fd) }
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: chunkSize)
        while true {
            let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            guard n >= 0 else { throw ImportError(path, "cannot read the file: \(String(cString: strerror(errno)))") }
            if n == 0 { return out }
            out += chunk[0..<n]
        }
    }

    /// Where the header block ends: the index just past the line feed that ends its last line.
    static func headerEnd(_ b: [UInt8], from: Int) -> Int? {
        var i = from
        while let nl = b[i...].firstIndex(of: UInt8(ascii: "\n")) {
            let next = nl + 1
            if next < b.count, b[next] == UInt8(ascii: "\n") { return next }
            if next + 1 < b.count, b[next] == UInt8(ascii: "\r"), b[next + 1] == UInt8(ascii: "\n") { return next }
            i = next
            if i >= b.count { break }
        }
        return nil
    }
}

/// Splits an mbox stream into messages and hands over each header block as soon as it ends.
/// Bodies are skipped by searching for the next `From ` line (memchr), never copied.
struct MboxScanner {
    enum State { case start, headers, body }
    private var state = State.start
    /// Bytes not yet consumed; `base` is the file offset of `buffer[0]`.
    private var buffer: [UInt8] = []
    private var base = 0
    private var pos = 0
    /// In the body: where the search for `\nFrom ` goes on (a position that may hold the line feed).
    private var scanFrom = 0
    private var header: [UInt8] = []
    private var count = 0
    private var origin = ""
    private var envelope: String?
    private var sawAnything = false

    /// A From line longer than this is not a separator (a real one is under 100 bytes); without
    /// the cap a file with no line feeds would be kept whole.
    static let lineLimit = 4096

    mutating func feed(_ chunk: UnsafeBufferPointer<UInt8>, _ visit: (MailMessage) throws -> Void) throws {
        if !chunk.isEmpty { sawAnything = true }
        let keep = state == .body ? min(pos, scanFrom) : pos
        if keep > 0 {
            buffer.removeSubrange(0..<keep)
            base += keep
            pos -= keep
            scanFrom -= keep
        }
        buffer.append(contentsOf: chunk)
        try run(final: false, visit)
    }

    /// An empty file is an empty folder (mail programs write one for a folder with no mail).
    mutating func finish(_ visit: (MailMessage) throws -> Void) throws {
        guard sawAnything else { return }
        try run(final: true, visit)
        if state == .headers {
            // The last line had no line feed: the file was cut inside it.
            let cut = buffer.last != UInt8(ascii: "\n")
            if cut, let lastLine = header.dropLast().lastIndex(of: UInt8(ascii: "\n")) {
                header.removeSubrange((lastLine + 1)...)
            } else if cut {
                header.removeAll()
            }
            try emit(visit, cutShort: cut)
        }
        if state == .start { throw ImportError("file", "this is not an mbox file (it does not start with a \"From \" line)") }
    }

    /// The next whole line from `start` (without its line ending), or nil when more bytes are
    /// needed; a line longer than `limit` comes in pieces.
    private func line(at start: Int, final: Bool, limit: Int = lineLimit) -> (text: ArraySlice<UInt8>, next: Int)? {
        guard start < buffer.count else { return nil }
        guard let nl = buffer[start...].firstIndex(of: UInt8(ascii: "\n")) else {
            return final || buffer.count - start > limit ? (buffer[start...], buffer.count) : nil
        }
        var end = nl
        if end > start, buffer[end - 1] == UInt8(ascii: "\r") { end -= 1 }
        return (buffer[start..<end], nl + 1)
    }

    private mutating func run(final: Bool, _ visit: (MailMessage) throws -> Void) throws {
        while true {
            switch state {
            case .start:
                guard let (text, next) = line(at: pos, final: final) else { return }
                if text.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) {
                    pos = next
                    continue
                }
                guard Self.isSeparator(text) else {
                    throw ImportError("file", "this is not an mbox file (it does not start with a \"From \" line)")
                }
                begin(text)
                pos = next
            case .headers:
                guard let (text, next) = line(at: pos, final: final, limit: Mailbox.headerLimit) else { return }
                if text.isEmpty {
                    try emit(visit)
                    state = .body
                    scanFrom = next - 1
                } else if text.starts(with: Self.from) && Self.isSeparator(text) {
                    try emit(visit)
                    begin(text)
                } else if header.count < Mailbox.headerLimit {
                    header += text.prefix(Mailbox.headerLimit - header.count)
                    header.append(UInt8(ascii: "\n"))
                }
                pos = next
            case .body:
                guard let at = findSeparator() else {
                    scanFrom = max(scanFrom, buffer.count - Self.from.count)
                    pos = scanFrom
                    return
                }
                guard let (text, next) = line(at: at, final: final) else {
                    scanFrom = at - 1
                    pos = scanFrom
                    return
                }
                if Self.isSeparator(text) {
                    begin(text)
                    pos = next
                } else {
                    scanFrom = at
                }
            }
        }
    }

    static let from = Array("From ".utf8)

    /// The start of the next `From ` line in the body: memchr from line feed to line feed, each
    /// followed by a look at five bytes.
    private func findSeparator() -> Int? {
        guard scanFrom < buffer.count else { return nil }
        return buffer.withUnsafeBytes { raw -> Int? in
            let start = raw.baseAddress!
            var i = scanFrom
            while i < raw.count, let hit = memchr(start + i, Int32(UInt8(ascii: "\n")), raw.count - i) {
                let at = start.distance(to: UnsafeRawPointer(hit)) + 1
                if raw.count - at < Self.from.count { return nil }
                if memcmp(start + at, Self.from, Self.from.count) == 0 { return at }
                i = at
            }
            return nil
        }
    }

    /// `From sender Tue Mar 10 09:15:00 2026`, as mail programs write it in their ways: the date
    /// right after the sender (or after `From ` alone, asctime's `Www Mmm`), starting with a day
    /// of the week and a month (`Tue Mar`, `Tue, 10 Mar`) or a month (`Mar 10`), in names of
    /// three letters or whole, any case; then a time (`09:15`, `09:15:00`, `09:15:00.123`) and a
    /// four-digit year, with a zone or `remote from …` anywhere. A body line that merely starts
    /// with "From " (unquoted by an mboxo writer: `From Ana Park, 3 Nov 2026 10:00`, `From Bo Li
    /// on Mon, 9 Mar 2026 at 10:00`, `From Sat 14 Nov 2026, 10:00 to 12:00`) has no such date
    /// where the date goes: bodies are never read as headers.
    static func isSeparator(_ line: ArraySlice<UInt8>) -> Bool {
        guard line.starts(with: from), line.count < lineLimit else { return false }
        let fields = line.split(whereSeparator: { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") })
            .map { String(decoding: $0, as: UTF8.self).lowercased() }
        guard fields.count >= 4 else { return false }
        func name(_ i: Int, _ names: [String]) -> Bool {
            guard i < fields.count else { return false }
            let f = fields[i].hasSuffix(",") ? String(fields[i].dropLast()) : fields[i]
            return names.contains { $0 == f || $0.prefix(3) == f }
        }
        func isDay(_ i: Int) -> Bool { i < fields.count && (1...2).contains(fields[i].count) && fields[i].allSatisfy(\.isNumber) }
        func isTime(_ f: String) -> Bool {
            let parts = f.split(separator: ":", omittingEmptySubsequences: false)
            let whole = parts.last.map { $0.split(separator: ".", maxSplits: 1).first ?? $0 }
            return (2...3).contains(parts.count) && parts.dropLast().allSatisfy { (1...2).contains($0.count) && $0.allSatisfy(\.isNumber) }
                && whole.map { $0.count == 2 && $0.allSatisfy(\.isNumber) } == true
        }
        /// A date that starts at field `d`: `Www Mmm`, `Www, dd Mmm` or `Mmm` (asctime alone with no sender).
        func date(at d: Int, senderless: Bool) -> Bool {
            let starts =
                senderless
                ? name(d, weekdays) && name(d + 1, months)
                : (name(d, weekdays) && (name(d + 1, months) || (isDay(d + 1) && name(d + 2, months)))) || name(d, months)
            let rest = fields.dropFirst(d)
            return starts && rest.contains(where: isTime) && rest.contains { $0.count == 4 && $0.allSatisfy(\.isNumber) }
        }
        // A quoted sender may hold spaces (`From "Park, Ana"@x.org Mon …`): the date follows its end.
        var after = 2
        if fields[1].hasPrefix("\""), let end = fields.indices.dropFirst().first(where: { $0 > 1 ? fields[$0].contains("\"") : fields[1].dropFirst().contains("\"") }) {
            after = end + 1
        }
        return date(at: after, senderless: false) || date(at: 1, senderless: true)
    }

    static let weekdays = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
    static let months = ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december"]

    private mutating func begin(_ line: ArraySlice<UInt8>) {
        count += 1
        origin = "message \(count) (byte \(base + (line.startIndex)))"
        // The date follows the sender: `From sender@x Tue Mar 10 09:15:00 2026`.
        let rest = line.dropFirst(Self.from.count).drop { $0 != UInt8(ascii: " ") }
        envelope = String(decoding: rest, as: UTF8.self)
        header.removeAll(keepingCapacity: true)
        state = .headers
    }

    private mutating func emit(_ visit: (MailMessage) throws -> Void, cutShort: Bool = false) throws {
        var message = MailMessage(origin: origin, headers: MailHeaders(parsing: header[...]))
        message.envelopeLine = envelope
        message.cutShort = cutShort
        try visit(message)
        header.removeAll(keepingCapacity: true)
    }
}

/// IMAP's modified UTF-7 (RFC 3501 5.1.3), in which Dovecot and Courier name maildir folders on
/// disk: `Entw&APw-rfe` is `Entwürfe`, `&-` is `&`.
enum IMAPName {
    static func decoded(_ name: String) -> String {
        guard name.contains("&") else { return name }
        var out = ""
        var rest = Substring(name)
        while let amp = rest.firstIndex(of: "&") {
            out += rest[..<amp]
            let after = rest.index(after: amp)
            guard let dash = rest[after...].firstIndex(of: "-") else { return name }
            let encoded = rest[after..<dash]
            if encoded.isEmpty {
                out += "&"
            } else {
                var b64 = encoded.replacingOccurrences(of: ",", with: "/")
                while b64.count % 4 != 0 { b64 += "=" }
                guard let data = Data(base64Encoded: b64), data.count % 2 == 0 else { return name }
                let units = stride(from: 0, to: data.count, by: 2).map { UInt16(data[data.startIndex + $0]) << 8 | UInt16(data[data.startIndex + $0 + 1]) }
                out += String(decoding: units, as: UTF16.self)
            }
            rest = rest[rest.index(after: dash)...]
        }
        return out + rest
    }
}
