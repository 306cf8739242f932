import Foundation
import TendCore
import TendStore

/// Writes every file Tend writes — exports, `save`, backups, JUnit reports — one way: the bytes
/// go into a new file beside the target, created exclusively under a random name (mode 0600:
/// they are personal data), flushed to disk, and renamed over the target when complete. A full
/// disk or a file size limit leaves the target as it was and no temporary file behind.
///
/// Before anything is created, the target is looked at, never opened: the open database and
/// its side files are refused (compared by device and inode, and by real path for files not
/// there yet); anything but a regular file — a FIFO, a device, a folder, a link to one — is
/// refused, so that nothing blocks and nothing is written through a link to a terminal; a link
/// to a regular file leads to that file; an existing file is replaced only when the user said so.
public struct FileWriter {
    /// A file that cannot be written, in words for the user.
    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        init(_ description: String) { self.description = description }
    }

    /// What to do when the target exists.
    public enum Existing {
        /// Replace it: the user said so (`overwrite`, `--overwrite`).
        case replace
        /// Refuse, with advice on how to say so ("add overwrite to replace it").
        case refuse(advice: String)
        /// Ask the user (the interactive REPL); refuse with the advice when the answer is no.
        case ask((String) throws -> Bool, advice: String)
        /// Replace it when it is a file of the same kind, judged from its first bytes (a JUnit
        /// report written by an earlier run); refuse otherwise.
        case replaceIf(([UInt8]) -> Bool, advice: String)
    }

    /// The database in use (nil: none), whose files are never written.
    public var database: String?

    public init(database: String?) {
        self.database = database
    }

    /// Writes bytes to `path`.
    /// `syncingFolder: false` leaves the folder's entry to the caller to make durable, once for
    /// many files (`export vdir`: a sync of the folder for every card was half its time).
    public func write(_ bytes: [UInt8], to path: String, existing: Existing, syncingFolder: Bool = true) throws {
        try writing(to: path, existing: existing, syncingFolder: syncingFolder, size: bytes.count) { sink in
            try bytes.withUnsafeBufferPointer { try sink.take($0) }
        }
    }

    /// Writes the text `produce` hands over a piece at a time to `path` (an export of every
    /// contact is some hundred megabytes): each piece goes out as it comes, as `Sink` says.
    public func write(to path: String, existing: Existing, producing produce: (_ write: (String) throws -> Void) throws -> Void) throws {
        try writing(to: path, existing: existing) { sink in
            try produce { text in
                var text = text
                try text.withUTF8 { try sink.take($0) }
            }
        }
    }

    /// `write(to:existing:producing:)` of bytes.
    public func write(
        to path: String, existing: Existing, syncingFolder: Bool = true, producingBytes produce: (_ write: (UnsafeBufferPointer<UInt8>) throws -> Void) throws -> Void
    ) throws {
        try writing(to: path, existing: existing, syncingFolder: syncingFolder) { sink in try produce { try sink.take($0) } }
    }

    /// Writes what `body` hands the sink; `size`, when known, is how many bytes it will be.
    private func writing(to path: String, existing: Existing, syncingFolder: Bool = true, size: Int? = nil, _ body: (Sink) throws -> Void) throws {
        let sink = try Sink(self, path, existing: existing, syncingFolder: syncingFolder, size: size)
        do {
            try body(sink)
            try sink.finish()
        } catch {
            sink.abandon()
            throw error
        }
    }

    /// Where the bytes of a file go as they come. While they are the bytes of the file already
    /// at the target, nowhere: a file that holds these very bytes is left as it is, and nothing
    /// is made beside it (a script kept in git that saves its definitions or exports a list
    /// runs again without `overwrite`, in a folder it may not write). From the first piece that
    /// differs, the target meets `existing`, and a temporary file beside it takes the part that
    /// matched (copied from the target) and everything after.
    private final class Sink {
        let writer: FileWriter
        let path: String
        let existing: Existing
        let syncingFolder: Bool
        /// The real path to write, and whether no file was there when the write began.
        let target: String
        let isNew: Bool
        /// The file at the target, read to compare (-1: none, or not readable).
        var old: Int32 = -1
        /// How many bytes from the start are the file's own.
        var matched = 0
        /// The temporary file, from the first difference.
        var temp: (path: String, fd: Int32)?
        /// Whether `TemporaryFileGuard` holds the temporary file (to give back when done).
        var guarded = false

        /// `size`: how many bytes will come, when known (a file of another size is not read).
        init(_ writer: FileWriter, _ path: String, existing: Existing, syncingFolder: Bool, size: Int?) throws {
            (self.writer, self.path, self.existing, self.syncingFolder) = (writer, path, existing, syncingFolder)
            // Whether the target may be written at all (the database, a FIFO, a link to nothing)
            // is known at once; whether it may be replaced, at the first byte that differs.
            (target, isNew) = try writer.check(path, existing: .replace)
            guard !isNew else { return }
            old = open(target, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
            var st = stat()
            if old >= 0, fstat(old, &st) != 0 || (st.st_mode & S_IFMT) != S_IFREG || size.map({ $0 != Int(st.st_size) }) ?? false {
                close(old)
                old = -1
            }
        }

        func take(_ bytes: UnsafeBufferPointer<UInt8>) throws {
            guard !bytes.isEmpty else { return }
            if temp == nil {
                if matches(bytes) {
                    matched += bytes.count
                    return
                }
                try begin()
            }
            try FileWriter.writeAll(bytes, to: temp!.fd, path: path)
        }

        /// Whether the file goes on with these bytes (read a megabyte at a time).
        private func matches(_ bytes: UnsafeBufferPointer<UInt8>) -> Bool {
            guard old >= 0, let base = bytes.baseAddress else { return false }
            var at = 0
            let same = FileWriter.chunks(of: old, from: matched, count: bytes.count) { part in
                defer { at += part.count }
                return memcmp(part.baseAddress!, base + at, part.count) == 0
            }
            return same == bytes.count
        }

        /// Whether the target is still the file compared with (not removed or replaced meanwhile).
        private var targetIsOld: Bool {
            var was = stat()
            var now = stat()
            return old >= 0 && fstat(old, &was) == 0 && stat(target, &now) == 0 && was.st_dev == now.st_dev && was.st_ino == now.st_ino
        }

        /// The first difference: the target may be replaced only as `existing` says, and must be
        /// the file it was (the same path, and the same file when it was read); the part that
        /// matched is copied into a new temporary file.
        private func begin() throws {
            if !isNew {
                let (now, _) = try writer.check(path, existing: existing)
                guard now == target, old < 0 || targetIsOld else { throw Failure("\(path) changed while Tend was writing it; it was left as it is") }
            }
            temp = try TemporaryFileGuard.blocked {
                let made = try FileWriter.createTemporary(beside: target, for: path, sweeping: syncingFolder)
                TemporaryFileGuard.hold(made.0)
                return made
            }
            guarded = true
            guard matched > 0 else { return }
            let copied = try FileWriter.chunks(of: old, count: matched) { part in
                try FileWriter.writeAll(part, to: temp!.fd, path: path)
                return true
            }
            guard copied == matched else { throw Failure("\(path) changed while Tend was writing it; it was left as it is") }
        }

        /// Puts the new file in place, unless every byte was the file's own.
        func finish() throws {
            if temp == nil {
                // Every byte the file's own, and the file still the one at the target.
                var st = stat()
                if old >= 0, fstat(old, &st) == 0, Int(st.st_size) == matched, targetIsOld {
                    close(old)
                    old = -1
                    return
                }
                try begin()
            }
            let (tempPath, fd) = temp!
            var open = true
            do {
                try FileWriter.place(tempPath, fd, at: target, isNew: isNew, path: path, open: &open)
            } catch {
                if !open { temp = (tempPath, -1) }
                throw error
            }
            temp = nil
            done()
            // The new name is made durable too; a failure here loses nothing already written.
            if syncingFolder { FileWriter.syncFolder(PathName.folder(target)) }
        }

        /// After a failure: the target as it was, no temporary file.
        func abandon() {
            if let (tempPath, fd) = temp {
                if fd >= 0 { close(fd) }
                unlink(tempPath)
                temp = nil
            }
            done()
        }

        private func done() {
            if old >= 0 { close(old) }
            old = -1
            if guarded { TemporaryFileGuard.blocked { TemporaryFileGuard.release() } }
            guarded = false
        }
    }

    /// Makes the entries of `folder` durable (after files were written into it unsynced).
    public static func syncFolder(_ folder: String) { TemporaryFile.syncFolder(folder) }

    /// Makes the file at `path` by a body that fills the new temporary file (given by path and
    /// by descriptor; SQLite's `VACUUM INTO` writes it by path): a copy of the database, so a
    /// log beside the target (`Store.logBeside`) is refused: the copy would be read with it.
    public func fill(_ path: String, existing: Existing, syncingFolder: Bool = true, _ body: (_ temp: String, _ fd: Int32) throws -> Void) throws {
        let (target, isNew) = try check(path, existing: existing)
        if let refusal = Store.refusingLogBeside(target) { throw Failure("cannot write \(path): " + refusal) }
        let dir = PathName.folder(target)
        let (temp, fd) = try TemporaryFileGuard.blocked {
            let made = try FileWriter.createTemporary(beside: target, for: path, sweeping: syncingFolder)
            TemporaryFileGuard.hold(made.0)
            return made
        }
        defer { TemporaryFileGuard.blocked { TemporaryFileGuard.release() } }
        var open = true
        do {
            try body(temp, fd)
            try FileWriter.place(temp, fd, at: target, isNew: isNew, path: path, open: &open)
        } catch {
            if open { close(fd) }
            unlink(temp)
            // What SQLite wrote beside it (a backup's `-journal` on a full disk).
            for sidecar in TemporaryFile.sidecars { unlink(temp + sidecar) }
            throw error
        }
        // The new name is made durable too; a failure here loses nothing already written.
        if syncingFolder { FileWriter.syncFolder(dir) }
    }

    /// Syncs the written temporary file, closes it (`open` false from then on) and puts it in
    /// place.
    static func place(_ temp: String, _ fd: Int32, at target: String, isNew: Bool, path: String, open: inout Bool) throws {
        guard fsync(fd) == 0 else { throw FileWriter.failure(path, errno) }
        // The file put in place is the one written: removed meanwhile (a signal the REPL
        // handles), another would be made at its name and put there empty.
        var written = stat()
        var named = stat()
        guard fstat(fd, &written) == 0, lstat(temp, &named) == 0, written.st_dev == named.st_dev, written.st_ino == named.st_ino else {
            throw Failure("\(path) was not written: the write was stopped")
        }
        close(fd)
        open = false
        try move(temp, to: target, isNew: isNew, path: path)
    }

    /// Puts the finished file in place. A file that was not there is linked, not renamed, so
    /// that one made meanwhile by someone else is not replaced without the user's word.
    static func move(_ temp: String, to target: String, isNew: Bool, path: String) throws {
        if isNew {
            if link(temp, target) == 0 {
                unlink(temp)
                return
            }
            if errno == EEXIST { throw Failure("\(path) appeared while Tend was writing it; it was left as it is") }
            // A file system without hard links: renaming is what is left.
        }
        guard rename(temp, target) == 0 else { throw failure(path, errno) }
    }

    /// Looks at the target without opening it; returns the real path to write (a link leads to
    /// its file) and whether it is new, or throws why it may not be written.
    public func check(_ path: String, existing: Existing) throws -> (String, isNew: Bool) {
        guard !path.isEmpty else { throw Failure("no file name given") }
        var st = stat()
        guard lstat(path, &st) == 0 else {
            guard errno == ENOENT else { throw FileWriter.failure(path, errno) }
            return (try checkNew(path), true)
        }
        var target = path
        if (st.st_mode & S_IFMT) == S_IFLNK {
            guard stat(path, &st) == 0 else {
                throw Failure("\(path) is a link to a file that does not exist; Tend does not write through it")
            }
            try FileWriter.requireRegular(path, st.st_mode)
            guard let real = realpath(path, nil) else { throw FileWriter.failure(path, errno) }
            target = String(cString: real)
            free(real)
        }
        try FileWriter.requireRegular(path, st.st_mode)
        if isDatabase(device: st.st_dev, inode: st.st_ino, realPath: target) {
            throw Failure("\(path) is the open database (or one of its files); Tend never writes over it")
        }
        switch existing {
        case .replace: break
        case .refuse(let advice): throw Failure("\(path) already exists; \(advice)")
        case .ask(let confirm, let advice):
            guard try confirm("\(path) already exists. Replace it? [y/N] ") else { throw Failure("\(path) already exists and was kept; \(advice)") }
        case .replaceIf(let isSameKind, let advice):
            guard isSameKind(FileWriter.head(of: target)) else { throw Failure("\(path) already exists; \(advice)") }
        }
        return (target, false)
    }

    /// A target that does not exist yet: its folder must, and it may not be a file of the database.
    private func checkNew(_ path: String) throws -> String {
        let dir = PathName.folder(path)
        guard let real = realpath(dir.isEmpty ? "." : dir, nil) else {
            throw Failure("cannot write \(path): there is no folder \(dir)")
        }
        let target = String(cString: real) + "/" + PathName.last(path)
        free(real)
        if isDatabase(device: nil, inode: nil, realPath: target) {
            throw Failure("\(path) is a file of the open database; Tend never writes it")
        }
        return target
    }

    /// Whether a file is the database or one of the files SQLite keeps beside it.
    private func isDatabase(device: dev_t?, inode: ino_t?, realPath: String) -> Bool {
        guard let database else { return false }
        var names = [database]
        if let real = realpath(database, nil) {
            names.append(String(cString: real))
            free(real)
        }
        for name in names {
            for file in [name, name + "-wal", name + "-shm", name + "-journal"] {
                if file == realPath { return true }
                var st = stat()
                if let device, let inode, stat(file, &st) == 0, st.st_dev == device, st.st_ino == inode { return true }
            }
        }
        return false
    }

    /// A new file beside the target (`TemporaryFile.make`). With `sweeping`, what killed
    /// writers of the target left is removed first (a folder of many files written one by one,
    /// `export vdir`, is swept once by its writer instead).
    static func createTemporary(beside target: String, for path: String, sweeping: Bool = true) throws -> (String, Int32) {
        if sweeping { TemporaryFile.removeAbandoned(in: PathName.folder(target), of: PathName.last(target)) }
        guard let made = TemporaryFile.make(beside: target) else {
            if errno == EEXIST { throw Failure("cannot write \(path): no free temporary name beside it") }
            throw failure(path, errno)
        }
        return made
    }

    /// The bytes of an open file from `offset`, `count` of them (nil: to its end), handed to
    /// `body` a megabyte at a time until it answers false. How many it took; -1 on a read error.
    @discardableResult
    static func chunks(of fd: Int32, from offset: Int = 0, count: Int? = nil, _ body: (UnsafeBufferPointer<UInt8>) throws -> Bool) rethrows -> Int {
        var buffer = [UInt8](repeating: 0, count: min(count ?? Int.max, 1 << 20))
        var taken = 0
        while count.map({ taken < $0 }) ?? true {
            let want = min(buffer.count, (count ?? Int.max) - taken)
            let n = buffer.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, want, off_t(offset + taken)) }
            if n < 0 && errno == EINTR { continue }
            if n < 0 { return -1 }
            if n == 0 { break }
            guard try buffer.withUnsafeBufferPointer({ try body(UnsafeBufferPointer(rebasing: $0[..<n])) }) else { break }
            taken += n
        }
        return taken
    }

    static func writeAll(_ bytes: UnsafeBufferPointer<UInt8>, to fd: Int32, path: String) throws {
        var written = 0
        while written < bytes.count, let start = bytes.baseAddress {
            let n = Foundation.write(fd, start + written, bytes.count - written)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { throw failure(path, n < 0 ? errno : ENOSPC) }
            written += n
        }
    }

    /// A regular file's bytes (a link followed), or nil for anything else or a file past
    /// `limit` bytes: never blocks on a FIFO.
    public static func regularContents(of path: String, limit: Int) -> [UInt8]? {
        var st = stat()
        guard stat(path, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size <= limit else { return nil }
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var out: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1 << 16)
        while out.count <= limit {
            let n = read(fd, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return n == 0 ? out : nil }
            out += buffer[..<n]
        }
        return nil
    }

    /// The first bytes of a file, for `replaceIf`.
    static func head(of path: String) -> [UInt8] {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return [] }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = read(fd, &buffer, buffer.count)
        return n > 0 ? Array(buffer[..<n]) : []
    }

    /// An error number in words, with the file it concerns; the target was left as it was.
    static func failure(_ path: String, _ code: Int32) -> Failure {
        let why: String
        switch code {
        case EFBIG: why = "the file size limit was reached (ulimit -f)"
        case ENOSPC: why = "the disk is full"
        case EDQUOT: why = "the disk quota is used up"
        case EACCES, EPERM: why = "permission denied (check the file's and the folder's permissions)"
        case EROFS: why = "the file system is read-only"
        default: why = String(cString: strerror(code))
        }
        return Failure("cannot write \(path): \(why); the file was left as it was")
    }

    static func requireRegular(_ path: String, _ mode: mode_t) throws {
        guard (mode & S_IFMT) != S_IFREG else { return }
        throw Failure("\(path) is \(kind(mode)), not a regular file; Tend writes only regular files (\"-\" writes to standard output)")
    }

    static func kind(_ mode: mode_t) -> String {
        switch mode & S_IFMT {
        case S_IFIFO: return "a FIFO"
        case S_IFCHR, S_IFBLK: return "a device"
        case S_IFDIR: return "a folder"
        case S_IFSOCK: return "a socket"
        default: return "a special file"
        }
    }
}


/// The temporary file a writer is filling, removed when a signal ends the process meanwhile
/// (Ctrl-C, SIGTERM, a closed terminal): a backup so stopped left a hidden copy of the whole
/// database, with its journal or log, beside the target. Only a signal that would end the
/// process is caught (one ignored stays ignored; the REPL's own handlers stay theirs, and
/// `fill` removes the file when the write fails); the handler removes the files, puts the
/// default action back and raises the signal again. What it reads lives in memory allocated
/// once, outside Swift's variables, and is written only with those signals blocked.
enum TemporaryFileGuard {
    static let signals = [SIGINT, SIGTERM, SIGHUP]
    /// The file and its `-journal`, `-wal` and `-shm`, as C strings (nil when none).
    nonisolated(unsafe) static let paths: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?> = {
        let p = UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>.allocate(capacity: 4)
        p.initialize(repeating: nil, count: 4)
        return p
    }()
    /// Which of `signals` this guard caught (1) and so must give back.
    nonisolated(unsafe) static let caught: UnsafeMutablePointer<Int32> = {
        let p = UnsafeMutablePointer<Int32>.allocate(capacity: 3)
        p.initialize(repeating: 0, count: 3)
        return p
    }()

    /// Runs `body` with the three signals held back, so that the guard's memory is never read
    /// half written.
    static func blocked<T>(_ body: () throws -> T) rethrows -> T {
        var set = sigset_t()
        var old = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        pthread_sigmask(SIG_BLOCK, &set, &old)
        defer { pthread_sigmask(SIG_SETMASK, &old, nil) }
        return try body()
    }

    /// Call with the signals blocked.
    static func hold(_ path: String) {
        release()
        for (i, suffix) in ["", "-journal", "-wal", "-shm"].enumerated() { paths[i] = strdup(path + suffix) }
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            for i in 0..<4 { if let p = TemporaryFileGuard.paths[i] { unlink(p) } }
            var fallback = sigaction()
            fallback.__sigaction_handler.sa_handler = SIG_DFL
            sigemptyset(&fallback.sa_mask)
            sigaction(signal, &fallback, nil)
            raise(signal)
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0
        for (i, s) in signals.enumerated() {
            var current = sigaction()
            sigaction(s, nil, &current)
            // Only a signal that would end the process: SIG_DFL.
            guard current.__sigaction_handler.sa_handler == nil else { continue }
            sigaction(s, &action, nil)
            caught[i] = 1
        }
    }

    /// Call with the signals blocked.
    static func release() {
        var fallback = sigaction()
        fallback.__sigaction_handler.sa_handler = SIG_DFL
        sigemptyset(&fallback.sa_mask)
        for (i, s) in signals.enumerated() where caught[i] == 1 {
            sigaction(s, &fallback, nil)
            caught[i] = 0
        }
        for i in 0..<4 {
            free(paths[i])
            paths[i] = nil
        }
    }
}
