import Foundation
import Testing

/// Files named with one character: Foundation's path functions crashed the program (SIGILL,
/// exit 132) on `--db x`, `tend run s`, `save "y"`, `export csv y`, `backup z` and `--junit j`,
/// and with `--junit` the run's changes were lost.
@Suite struct ShortNameTests {
    @Test func oneCharacterNamesAreFiles() throws {
        let dir = CLI.tempDir()
        let env = ["TEND_DB": dir.appendingPathComponent("x").path]
        func run(_ args: [String], stdin: String? = nil) throws -> CLI.Result {
            let r = try CLI.run(args, stdin: stdin, in: dir, env: env)
            #expect(r.status == 0, "\(args): \(r.stderr.prefix(600))")
            return r
        }
        _ = try run(["--db", "x", "add", "Ana Park"])
        try "add \"Bo Li\"\nassert count(contacts) == 2, \"two\"\n".write(to: dir.appendingPathComponent("s"), atomically: true, encoding: .utf8)
        _ = try run(["--db", "x", "run", "--junit", "j", "s"])
        #expect(try String(contentsOf: dir.appendingPathComponent("j"), encoding: .utf8).contains("<testsuite"))
        _ = try run(["--db", "x", "-e", "save \"y\""])
        _ = try run(["--db", "x", "export", "csv", "e"])
        _ = try run(["--db", "x", "backup", "z"])
        #expect(try run(["--db", "z", "-e", "count(contacts)"]).stdout == "2\n")
        #expect(try String(contentsOf: dir.appendingPathComponent("e"), encoding: .utf8).contains("Bo Li"))
        #expect(try String(contentsOf: dir.appendingPathComponent("y"), encoding: .utf8).hasPrefix("# Tend definitions"))
    }
}
