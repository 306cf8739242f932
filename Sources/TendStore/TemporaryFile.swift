import Foundation
import TendCore

/// A file made beside another before it takes that one's place: a backup, an export, a new
/// database. It is named `.NAME.tend-SUFFIX` (NAME the target's, SUFFIX a random 64-bit number
/// in base 36), made with O_EXCL and O_NOFOLLOW (a link planted at that name is never followed,
/// nothing is truncated), readable by its owner only (personal data), and locked while it is
/// written: one whose lock is free was left by a writer that died (`kill -9`), and
/// `removeAbandoned` removes it, with the files SQLite kept beside it.
public enum TemporaryFile {
    /// The files SQLite keeps beside a database while it writes it.
    public static let sidecars = ["-journal", "-wal", "-shm"]

    /// A new temporary file beside `target`, open and locked; nil with `errno` set when none
    /// could be made (EEXIST: no free name in 16 tries).
    public static func make(beside target: String) -> (path: String, fd: Int32)? {
        let dir = PathName.folder(target)
        let name = PathName.last(target)
        var rng = SystemRandomNumberGenerator()
        for _ in 0..<16 {
            let path = (dir.isEmpty ? "" : dir + "/") + ".\(name).tend-" + String(rng.next(), radix: 36)
            let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
            if fd >= 0 {
                _ = flock(fd, LOCK_EX | LOCK_NB)
                return (path, fd)
            }
            if errno != EEXIST { return nil }
        }
        return nil
    }

    /// Removes the temporary files a killed writer left in `dir` (for the file `name`, or for
    /// any file when nil): a regular file of this user's whose lock is free, and the files SQLite
    /// kept beside it; also such files of SQLite's whose temporary file is gone. They hold
    /// personal data. A live writer's is locked and left alone.
    public static func removeAbandoned(in dir: String, of name: String? = nil) {
        guard let entries = try? FileManager.default.contentsOfDirectory(atPath: dir.isEmpty ? "." : dir) else { return }
        let place = { (entry: String) in (dir.isEmpty ? "" : dir + "/") + entry }
        for entry in entries where isTemporaryName(entry, of: name) {
            let path = place(entry)
            let fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            var st = stat()
            guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_uid == geteuid(), flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }
            unlink(path)
            for sidecar in sidecars { unlink(path + sidecar) }
        }
        for entry in entries {
            guard let sidecar = sidecars.first(where: { entry.hasSuffix($0) }) else { continue }
            let base = String(entry.dropLast(sidecar.count))
            guard isTemporaryName(base, of: name), access(place(base), F_OK) != 0 else { continue }
            var st = stat()
            guard lstat(place(entry), &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_uid == geteuid() else { continue }
            unlink(place(entry))
        }
    }

    /// `.NAME.tend-SUFFIX`, as `make` names them (for the file `name`, or any when nil).
    public static func isTemporaryName(_ entry: String, of name: String?) -> Bool {
        // `.tend-sync` (export vdir's own file) names no file: the mark must follow a name.
        guard entry.hasPrefix("."), let mark = entry.range(of: ".tend-", options: .backwards), mark.lowerBound > entry.startIndex else {
            return false
        }
        let suffix = entry[mark.upperBound...]
        guard (1...13).contains(suffix.count), suffix.allSatisfy({ $0.isASCII && ($0.isNumber || $0.isLowercase) }) else { return false }
        let of = entry[entry.index(after: entry.startIndex)..<mark.lowerBound]
        return !of.isEmpty && (name == nil || of == name![...])
    }

    /// Makes the folder's entries durable (a name made or removed in it).
    public static func syncFolder(_ folder: String) {
        let fd = open(folder.isEmpty ? "." : folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 {
            fsync(fd)
            close(fd)
        }
    }
}
