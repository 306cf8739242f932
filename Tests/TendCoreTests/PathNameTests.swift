import Testing

@testable import TendCore

/// A path's folder and name, as `dirname` and `basename` give them (Foundation's forms crashed
/// on a one-character name).
@Suite struct PathNameTests {
    @Test(arguments: [
        ("x", "", "x"), ("xy", "", "xy"), ("./y", ".", "y"), ("a/b", "a", "b"), ("a/b/", "a", "b"), ("a//b", "a", "b"),
        ("/x", "/", "x"), ("/", "/", "/"), ("//", "/", "/"), ("", "", ""), ("/tmp/scratch.tiff", "/tmp", "scratch.tiff"),
        ("/tmp/", "/", "tmp"), ("é/ü", "é", "ü"),
    ])
    func folderAndName(_ path: String, _ folder: String, _ name: String) {
        #expect(PathName.folder(path) == folder, "\(path)")
        #expect(PathName.last(path) == name, "\(path)")
    }

    @Test func joinedAndWithoutExtension() {
        #expect(PathName.joined("", "x") == "x")
        #expect(PathName.joined("/", "x") == "/x")
        #expect(PathName.joined("a", "x") == "a/x")
        #expect(PathName.withoutExtension("tend.db") == "tend")
        #expect(PathName.withoutExtension("x") == "x")
        #expect(PathName.withoutExtension(".tendrc") == ".tendrc")
        #expect(PathName.withoutExtension("a.b.c") == "a.b")
    }
}
