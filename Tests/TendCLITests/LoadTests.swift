import Foundation
import Testing

/// `load` reads Tend scripts only, each once per run, not too deep and not too large; every
/// case ends at once with a located error.
@Suite struct LoadTests {
    static func write(_ text: String, _ name: String, in dir: URL) throws {
        let url = dir.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try text.write(to: url, atomically: true, encoding: .utf8)
    }

    /// Runs tend and says how long it took.
    static func timed(_ args: [String], in dir: URL, env: [String: String] = [:]) throws -> (CLI.Result, Double) {
        let started = Date()
        let r = try CLI.run(args, in: dir, env: env)
        return (r, Date().timeIntervalSince(started))
    }

    /// A debug build on a busy machine: a bound with room, the point being that nothing grows.
    static let quick = 2.0

    /// An error in a loaded file says where the file was loaded, as a compiler's "included
    /// from" does (nothing said which file loaded it).
    @Test func anErrorInALoadedFileSaysWhereItWasLoaded() throws {
        let dir = CLI.tempDir()
        try Self.write("let from_sub = 1 +\n", "sub/inner.tend", in: dir)
        try Self.write("print 1\nload \"inner.tend\"\n", "sub/outer.tend", in: dir)
        let r = try CLI.run(["run", "sub/outer.tend"], in: dir)
        #expect(r.status == 2, "\(r.stderr)")
        #expect(r.stderr.contains("inner.tend:1:19: error: expected an expression"), "\(r.stderr)")
        #expect(r.stderr.contains("note: loaded from sub/outer.tend:2:1"), "\(r.stderr)")
        // A type error too, through two loads, under run and check alike.
        try Self.write("load \"deeper.tend\"\n", "sub/inner.tend", in: dir)
        try Self.write("let x = 1 + \"a\"\n", "sub/deeper.tend", in: dir)
        for command in ["run", "check"] {
            let t = try CLI.run([command, "sub/outer.tend"], in: dir)
            #expect(t.status == 2, "\(t.stderr)")
            #expect(t.stderr.contains("note: loaded from sub/inner.tend:1:1") && t.stderr.contains("note: loaded from sub/outer.tend:2:1"), "\(command): \(t.stderr)")
        }
        // A run-time error too (b66: it had no note).
        try Self.write("add \"Ann Lee\"\nadd \"Ann Lee\"\n", "sub/deeper.tend", in: dir)
        let failed = try CLI.run(["run", "sub/outer.tend"], in: dir)
        #expect(failed.status == 3 && failed.stderr.contains("note: loaded from sub/outer.tend:2:1"), "\(failed.stderr)")
    }

    /// `load "~/.aws/credentials"`, even under `tend check`, printed the secret lines.
    @Test func aFileThatIsNotATendScriptIsNeitherReadNorShown() throws {
        let dir = CLI.tempDir()
        let secret = "aws_secret_access_key = wJalrXUtnFEMI/K7MDENG"
        try Self.write("[default]\n\(secret)\n", ".aws/credentials", in: dir)
        try FileManager.default.createSymbolicLink(
            atPath: dir.appendingPathComponent("innocent.tend").path, withDestinationPath: dir.appendingPathComponent(".aws/credentials").path)
        for target in ["~/.aws/credentials", "innocent.tend", ".aws/credentials"] {
            try Self.write("load \"\(target)\"\n", "main.tend", in: dir)
            for args in [["check", "main.tend"], ["run", "main.tend"]] {
                let r = try CLI.run(args, in: dir, env: ["HOME": dir.path])
                #expect(r.status == 2, "\(args) \(target): \(r.stderr)")
                #expect(r.stderr.contains("main.tend:1:6: error: cannot load \(target): it is not a Tend script"), "\(r.stderr)")
                #expect(!r.stderr.contains("wJalr") && !r.stdout.contains("wJalr") && !r.stderr.contains("aws_secret"), "\(r.stderr)")
            }
        }
    }

    /// `load` read a 3 GB file whole; it is refused from its size.
    @Test func aHugeFileIsRefusedUnread() throws {
        let dir = CLI.tempDir()
        let big = dir.appendingPathComponent("big.tend").path
        let fd = open(big, O_CREAT | O_WRONLY, 0o600)
        ftruncate(fd, 3 << 30)
        close(fd)
        try Self.write("load \"big.tend\"\n", "main.tend", in: dir)
        let (r, seconds) = try Self.timed(["check", "main.tend"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("cannot load big.tend: it is larger than 16 MB"), "\(r.stderr)")
        #expect(seconds < Self.quick, "\(seconds) s")
        // Just under the limit is a script like any other.
        try Self.write("let from_file = 1\n" + String(repeating: "# padding\n", count: 1_000_000), "large.tend", in: dir)
        try Self.write("load \"large.tend\"\nprint from_file\n", "ok.tend", in: dir)
        #expect(try CLI.run(["check", "ok.tend"], in: dir).status == 0)
    }

    /// A file that loads itself as `./self.tend` grew to 1 GB; a cycle through other files, too.
    @Test func aFileThatLoadsItselfIsAnErrorAtOnce() throws {
        let dir = CLI.tempDir()
        try Self.write("let x = 1\nload \"./self.tend\"\n", "self.tend", in: dir)
        try Self.write("load \"b.tend\"\n", "a.tend", in: dir)
        try Self.write("load \"sub/c.tend\"\n", "b.tend", in: dir)
        try Self.write("load \"../a.tend\"\n", "sub/c.tend", in: dir)
        let (r, seconds) = try Self.timed(["check", "self.tend"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("self.tend:2:6: error: ./self.tend loads itself (self.tend → self.tend)"), "\(r.stderr)")
        #expect(seconds < Self.quick)
        let cycle = try CLI.run(["check", "a.tend"], in: dir)
        #expect(cycle.status == 2)
        #expect(cycle.stderr.contains("c.tend:1:6: error: ../a.tend loads itself (a.tend → b.tend → c.tend → a.tend)"), "\(cycle.stderr)")
        #expect(cycle.stderr.hasSuffix("1 error\n"), "\(cycle.stderr)")
    }

    /// A diamond of loads doubled per level: each file is loaded once per run.
    @Test func eachFileIsLoadedOncePerRun() throws {
        let dir = CLI.tempDir()
        // Level i loads level i+1 twice, by two spellings of its name: 2^30 loads before.
        for i in 0..<30 {
            try Self.write("load \"l\(i + 1).tend\"\nload \"./l\(i + 1).tend\"\n", "l\(i).tend", in: dir)
        }
        try Self.write("print \"bottom\"\n", "l30.tend", in: dir)
        try Self.write("add \"Ana Park\"\n", "setup.tend", in: dir)
        #expect(try CLI.run(["run", "setup.tend"], in: dir).status == 0)
        let (r, seconds) = try Self.timed(["run", "l0.tend"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout == "bottom\n")
        #expect(seconds < Self.quick, "\(seconds) s")
        // Two scripts of one run loading the same rules: once.
        try Self.write("load \"l30.tend\"\n", "x.tend", in: dir)
        #expect(try CLI.run(["run", "x.tend", "l0.tend"], in: dir).stdout == "bottom\n")
    }

    /// A chain of 20,000 loads crashed the stack: loads nest at most 64 deep.
    @Test func loadsNestAtMost64Deep() throws {
        let dir = CLI.tempDir()
        for i in 0..<20_000 {
            // Written with stdio: Foundation's writes take minutes for 20,000 files.
            let f = fopen(dir.path + "/f\(i).tend", "w")
            fputs("load \"f\(i + 1).tend\"\n", f)
            fclose(f)
        }
        let (r, seconds) = try Self.timed(["check", "f0.tend"], in: dir)
        #expect(r.status == 2)
        #expect(r.stderr.contains("f64.tend:1:6: error: cannot load f65.tend: loads nest more than 64 files deep"), "\(r.stderr)")
        #expect(seconds < Self.quick, "\(seconds) s")
        // 64 deep is allowed.
        try "print \"deep\"\n".write(to: dir.appendingPathComponent("f64.tend"), atomically: false, encoding: .utf8)
        try CLI.run(["run", "-"], stdin: "add \"A B\"\n", in: dir)
        #expect(try CLI.run(["run", "f0.tend"], in: dir).stdout == "deep\n")
    }
}
