import Foundation
import Testing

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
}
