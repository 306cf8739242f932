import Foundation
import Testing

@testable import TendStore

/// What the REPL writes on disk: nothing under `--read-only`, and an existing file only when the
/// user answers yes.
@Suite(.serialized) struct REPLFileTests {
    static func folder() throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("tend-repl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir
    }

    /// Starts the REPL on `r.db` with extra arguments.
    static func start(_ t: Terminal, _ args: String = "") {
        let d = t.dir.path
        let env = "TEND_DB=\(d)/r.db TEND_TODAY=2026-11-23 XDG_STATE_HOME=\(d)/state XDG_CONFIG_HOME=\(d)/config LANG=C.UTF-8"
        t.tmux(["new-session", "-d", "-x", "160", "-y", "50", "env \(env) \(Terminal.binary) \(args)"])
        _ = t.waitFor("tend:r>")
    }

    static func tend(_ script: String, in dir: URL) -> Int32 {
        let path = dir.appendingPathComponent("setup.tend")
        try? script.write(to: path, atomically: true, encoding: .utf8)
        defer { unlink(path.path) }
        return system("cd \(dir.path) && TEND_TODAY=2026-11-23 \(Terminal.binary) run --db r.db setup.tend >/dev/null 2>&1")
    }

    @Test(.enabled(if: Terminal.available)) func readOnlyREPLWritesNothing() throws {
        let dir = try Self.folder()
        #expect(Self.tend("add \"Ana Park\"\nlet kept = 1\n", in: dir) == 0)
        try "let loaded = 20\nprint loaded * 2 + 1\n".write(to: dir.appendingPathComponent("rules.tend"), atomically: true, encoding: .utf8)
        // The database alone, as Tend leaves it after closing.
        #expect(FileManager.default.fileExists(atPath: dir.appendingPathComponent("r.db").path))
        #expect(!FileManager.default.fileExists(atPath: dir.appendingPathComponent("r.db-wal").path))
        let before = try Self.snapshot(dir)
        let t = Terminal(dir: dir)
        defer { t.stop() }
        Self.start(t, "--read-only")
        t.type("add \"Ben Ode\"", "Enter")
        #expect(t.waitFor("add changes data, which --read-only does not allow"))
        t.type("export csv \"out.csv\"", "Enter")
        #expect(t.waitFor("export writes a file, which --read-only does not allow"))
        t.type("save \"saved.tend\"", "Enter")
        #expect(t.waitFor("save writes a file, which --read-only does not allow"))
        // Definitions last for the statement (each is a run of its own); files are read.
        t.type("let x = 41; print x + 1", "Enter")
        #expect(t.waitFor("\n42"), "\(t.screen)")
        t.type(".read \(dir.path)/rules.tend", "Enter")
        #expect(t.waitFor("\n41"), "\(t.screen)")
        t.type("C-d")
        Thread.sleep(forTimeInterval: 0.5)
        let after = try Self.snapshot(dir)
        #expect(before == after, "the read-only REPL changed the folder: \(Set(after).symmetricDifference(before))")
    }

    /// `export` and `save` onto an existing file ask first; no keeps the file.
    @Test(.enabled(if: Terminal.available)) func replacingAFileAsksFirst() throws {
        let dir = try Self.folder()
        #expect(Self.tend("add \"Ana Park\"\n", in: dir) == 0)
        let out = dir.appendingPathComponent("out.csv")
        try "precious\n".write(to: out, atomically: true, encoding: .utf8)
        let t = Terminal(dir: dir)
        defer { t.stop() }
        Self.start(t)
        t.type("export csv \"\(out.path)\"", "Enter")
        #expect(t.waitFor("already exists. Replace it? [y/N]"))
        t.tmux(["send-keys", "n", "Enter"])
        #expect(t.waitFor("already exists and was kept"), "\(t.screen)")
        #expect(try String(contentsOf: out, encoding: .utf8) == "precious\n")
        t.type("export csv \"\(out.path)\"", "Enter")
        #expect(t.waitFor("Replace it? [y/N]", count: 2))
        t.tmux(["send-keys", "y", "Enter"])
        #expect(t.waitFor("Exported 1 contact"), "\(t.screen)")
        #expect(try String(contentsOf: out, encoding: .utf8).contains("Ana Park"))
        // `overwrite` in the statement asks nothing.
        t.type("save \"\(out.path)\" overwrite", "Enter")
        #expect(t.waitFor("Saved"), "\(t.screen)")
        #expect(try String(contentsOf: out, encoding: .utf8).hasPrefix("# Tend definitions"))
        // So does save without it (its question stopped the run with an error in its place).
        try "precious\n".write(to: out, atomically: true, encoding: .utf8)
        t.type("save \"\(out.path)\"", "Enter")
        #expect(t.waitFor("Replace it? [y/N]", count: 3), "\(t.screen)")
        t.tmux(["send-keys", "y", "Enter"])
        #expect(t.waitFor("Saved", count: 2), "\(t.screen)")
        #expect(!t.screen.contains("AskFirst"), "\(t.screen)")
        #expect(try String(contentsOf: out, encoding: .utf8).hasPrefix("# Tend definitions"))
    }

    /// After the REPL, the database file alone holds everything (its log was folded in),
    /// however it ended: Ctrl-D, its terminal window closed (SIGHUP) or SIGTERM. Ended by a
    /// signal, it left committed changes in `-wal` alone, so a copy of the file lacked them and
    /// a backup copied back over it was mixed with that log.
    @Test(.enabled(if: Terminal.available), arguments: ["ctrl-d", "hang-up", "terminate"])
    func theREPLLeavesACompleteFile(_ ending: String) throws {
        let dir = try Self.folder()
        let t = Terminal(dir: dir)
        defer { t.stop() }
        Self.start(t)
        t.type("add \"Ana Park\"; add \"Ben Ode\"", "Enter")
        #expect(t.waitFor("Added @ben-ode"))
        switch ending {
        case "ctrl-d": t.type("C-d")
        case "hang-up": t.stop()
        default:
            let pid = try #require(t.panePID())
            kill(pid, SIGTERM)
        }
        let db = dir.appendingPathComponent("r.db").path
        // Until the REPL has ended (its terminal closes with it), on a machine a whole test run
        // keeps busy: then its log is folded in or it never will be.
        let deadline = Date().addingTimeInterval(30)
        while (t.isRunning || FileManager.default.fileExists(atPath: db + "-wal")) && Date() < deadline { Thread.sleep(forTimeInterval: 0.05) }
        Thread.sleep(forTimeInterval: 0.2)
        let copy = dir.appendingPathComponent("copy/r.db")
        try FileManager.default.createDirectory(at: copy.deletingLastPathComponent(), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: db, toPath: copy.path)
        let store = try Store(path: copy.path, readOnly: true)
        defer { store.close() }
        #expect(try store.contactCount() == 2)
    }

    /// Names, kinds, modes and bytes of every file in the folder.
    static func snapshot(_ dir: URL) throws -> [String] {
        var out: [String] = []
        let e = FileManager.default.enumerator(atPath: dir.path)
        while let rel = e?.nextObject() as? String {
            var st = stat()
            lstat(dir.path + "/" + rel, &st)
            let bytes = (st.st_mode & S_IFMT) == S_IFREG ? (try Data(contentsOf: dir.appendingPathComponent(rel))) : Data()
            out.append("\(rel) \(String(st.st_mode, radix: 8)) \(bytes.count) \(Array(bytes).reduce(0) { ($0 &* 31) &+ Int($1) })")
        }
        return out.sorted()
    }
}
