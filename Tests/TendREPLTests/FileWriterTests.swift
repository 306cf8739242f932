import Foundation
import Testing

@testable import TendCore
@testable import TendREPL

/// The one writer of files, called directly.
@Suite struct FileWriterTests {
    static func folder() throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tend-writer-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        return dir
    }

    /// The temporary file used to be `PATH.tend-tmp-PID`, a name anyone could plant a link at:
    /// the link was followed and its target overwritten.
    @Test func aLinkPlantedAtTheOldTemporaryNameIsNotFollowed() throws {
        let dir = try Self.folder()
        let victim = dir + "/victim"
        try "secret\n".write(toFile: victim, atomically: true, encoding: .utf8)
        let target = dir + "/out.csv"
        try FileManager.default.createSymbolicLink(atPath: target + ".tend-tmp-\(getpid())", withDestinationPath: victim)
        try FileWriter(database: nil).write(Array("a,b\n".utf8), to: target, existing: .refuse(advice: ""))
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "secret\n")
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "a,b\n")
    }

    /// Temporary files are new every time (O_EXCL), private, and never links.
    @Test func temporaryFilesAreNewAndPrivate() throws {
        let dir = try Self.folder()
        var names: Set<String> = []
        for _ in 0..<50 {
            let (temp, fd) = try FileWriter.createTemporary(beside: dir + "/x.csv", for: "x.csv")
            close(fd)
            var st = stat()
            lstat(temp, &st)
            #expect(st.st_mode & S_IFMT == S_IFREG && st.st_mode & 0o777 == 0o600)
            #expect(temp.hasPrefix(dir + "/.x.csv.tend-"))
            names.insert(temp)
        }
        #expect(names.count == 50)
    }

    /// A body that fails leaves the target as it was and no temporary file.
    @Test func aFailedWriteLeavesNothing() throws {
        let dir = try Self.folder()
        let target = dir + "/keep.txt"
        try "old\n".write(toFile: target, atomically: true, encoding: .utf8)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try FileWriter(database: nil).fill(target, existing: .replace) { _, fd in
                _ = write(fd, "new", 3)
                throw Boom()
            }
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "old\n")
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["keep.txt"])
    }

    /// A text written as it is made: a file holding its bytes already is not touched (nor is its
    /// owner asked), one with other bytes meets the rule for an existing file, and a failure part
    /// way leaves the file as it was and no temporary file.
    @Test func aTextWrittenAsItIsMadeMeetsTheRulesOfAWholeOne() throws {
        let dir = try Self.folder()
        let target = dir + "/out.json"
        let pieces = (0..<300).map { "piece \($0) " + String(repeating: "é", count: $0 * 37) + "\n" }
        let writer = FileWriter(database: nil)
        try writer.write(to: target, existing: .refuse(advice: "no")) { write in for p in pieces { try write(p) } }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == pieces.joined())
        var before = stat()
        stat(target, &before)
        // The same bytes: left as they are, without a question.
        let ask = FileWriter.Existing.ask({ _ in Issue.record("asked"); return false }, advice: "no")
        try writer.write(to: target, existing: ask) { write in for p in pieces { try write(p) } }
        var after = stat()
        stat(target, &after)
        #expect(before.st_ino == after.st_ino)
        // One byte more: refused, and the file kept.
        #expect(throws: FileWriter.Failure.self) {
            try writer.write(to: target, existing: .refuse(advice: "no")) { write in for p in pieces + ["x"] { try write(p) } }
        }
        // As long but other bytes: refused too (the sizes alone do not tell).
        #expect(throws: FileWriter.Failure.self) {
            try writer.write(to: target, existing: .refuse(advice: "no")) { write in for p in pieces.reversed() { try write(p) } }
        }
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try writer.write(to: target, existing: .replace) { write in
                try write("new")
                throw Boom()
            }
        }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == pieces.joined())
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.json"])
        // Nothing is made beside a file that holds the bytes (its folder may not be writable):
        // the folder is as it was.
        var folder = stat()
        stat(dir, &folder)
        usleep(20_000)
        try writer.write(to: target, existing: .refuse(advice: "no")) { write in for p in pieces { try write(p) } }
        try writer.write(Array(pieces.joined().utf8), to: target, existing: .refuse(advice: "no"))
        var folderAfter = stat()
        stat(dir, &folderAfter)
        #expect(folder.st_mtim.tv_sec == folderAfter.st_mtim.tv_sec && folder.st_mtim.tv_nsec == folderAfter.st_mtim.tv_nsec)
        // What matched before a difference is the file's own, copied: the result is the new text.
        var changed = pieces
        changed[250] = "changed\n"
        try writer.write(to: target, existing: .replace) { write in for p in changed { try write(p) } }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == changed.joined())
        // Shorter: the text is where the file began.
        try writer.write(to: target, existing: .replace) { write in for p in changed.prefix(100) { try write(p) } }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == changed.prefix(100).joined())
        try writer.write(to: target, existing: .replace) { write in try write("new\n") }
        #expect(try String(contentsOfFile: target, encoding: .utf8) == "new\n")
        // Refused before anything is written: the target may not be written at all.
        #expect(throws: FileWriter.Failure.self) {
            try writer.write(to: dir, existing: .replace) { (_: (String) throws -> Void) in Issue.record("made the text of a folder") }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir) == ["out.json"])
    }

    /// A link moved to another file while the text was made: the file the write began with is
    /// not the one the link leads to now, and neither is written.
    @Test func aLinkMovedWhileWritingIsRefused() throws {
        let dir = try Self.folder()
        let (a, b, link) = (dir + "/a.csv", dir + "/b.csv", dir + "/out.csv")
        try "a\n".write(toFile: a, atomically: true, encoding: .utf8)
        try "b\n".write(toFile: b, atomically: true, encoding: .utf8)
        try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: a)
        #expect(throws: FileWriter.Failure.self) {
            try FileWriter(database: nil).write(to: link, existing: .replace) { write in
                try write("a")
                try FileManager.default.removeItem(atPath: link)
                try FileManager.default.createSymbolicLink(atPath: link, withDestinationPath: b)
                try write("new\n")
            }
        }
        #expect(try String(contentsOfFile: a, encoding: .utf8) == "a\n")
        #expect(try String(contentsOfFile: b, encoding: .utf8) == "b\n")
        #expect(try Set(FileManager.default.contentsOfDirectory(atPath: dir)) == ["a.csv", "b.csv", "out.csv"])
    }

    /// The file compared with removed while the same bytes were written: not reported written.
    @Test func aFileRemovedWhileItsBytesAreWrittenIsNotReportedWritten() throws {
        let dir = try Self.folder()
        let target = dir + "/out.csv"
        try "a,b\n1,2\n".write(toFile: target, atomically: true, encoding: .utf8)
        #expect(throws: FileWriter.Failure.self) {
            try FileWriter(database: nil).write(to: target, existing: .replace) { write in
                try write("a,b\n")
                unlink(target)
                try write("1,2\n")
            }
        }
        #expect(try FileManager.default.contentsOfDirectory(atPath: dir).isEmpty)
    }
}

/// What a failed run puts back, and what it leaves.
@Suite struct PutBackTests {
    /// A file another program replaced after the run wrote it (vdirsyncer pulling a phone's edit
    /// into a card) is left as it is when the run fails, and said; the run's other files go back.
    @Test func aFileReplacedSinceIsLeftAsItIs() throws {
        let dir = try FileWriterTests.folder()
        let output = ConcurrencyTests.Output()
        let session = try AgendaMemoTests.session(dir + "/t.db", output)
        AgendaMemoTests.run(session, output, #"add "Ana Lima""#)
        let (mine, theirs) = (dir + "/mine.csv", dir + "/theirs.csv")
        session.beforeStatement = { s in
            guard s.text.hasPrefix("add") else { return }
            try? "their edit\n".write(toFile: theirs + ".new", atomically: false, encoding: .utf8)
            rename(theirs + ".new", theirs)
        }
        let status = session.runScripts(
            [Source(name: "<repl>", text: "export csv \"\(mine)\"\nexport csv \"\(theirs)\"\nadd \"Ana Lima\" handle: \"ana-lima\"\n")],
            bail: false, readOnly: false)
        #expect(status != .success)
        #expect(!FileManager.default.fileExists(atPath: mine))
        #expect(try String(contentsOfFile: theirs, encoding: .utf8) == "their edit\n")
        #expect(output.err.joined(separator: "\n").contains("theirs.csv was changed by another program since and was left as it is"), "\(output.err)")
    }
}
