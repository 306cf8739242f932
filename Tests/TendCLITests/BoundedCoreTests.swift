import Foundation
import TendCore
import TendStore
import Testing

/// Nothing a script or a stored definition says can hang, exhaust memory or crash `tend`.
@Suite struct BoundedCoreTests {
    /// The two stored definitions that crashed every later command (SIGSEGV) are refused by
    /// `tend check` and `tend run` (exit 2, nothing stored), with the place and the cycle named.
    @Test(
        arguments: [
            (
                "rule \"rr\" when count(why it) > 0 then remind \"x\"\n",
                "cycle.tend:1:1: error: rule \"rr\" reads why, which evaluates every rule"
            ),
            (
                "goal \"Loop\" metric: count(progress) target: 1 per month\n",
                "cycle.tend:1:21: error: goal \"Loop\" reads progress, which evaluates every goal's metric"
            ),
        ])
    func cyclesAreRefusedWhenDefined(_ script: String, _ error: String) throws {
        let dir = CLI.tempDir()
        try script.write(to: dir.appendingPathComponent("cycle.tend"), atomically: true, encoding: .utf8)
        for command in [["check", "cycle.tend"], ["run", "cycle.tend"]] {
            let r = try CLI.run(command, in: dir)
            #expect(r.status == 2, "\(command): \(r.stderr)")
            #expect(r.stderr.contains(error), "\(r.stderr)")
        }
        let after = try CLI.run(["-e", "rules where kind == \"rule\" and name == \"rr\""], in: dir)
        #expect(!after.stdout.contains("rr"), "\(after.stdout)")
    }

    /// The same definitions written into a database directly (by an older Tend, or by hand):
    /// every command that evaluates them ends with a worded run-time error (exit 3), none
    /// with a signal, and the rest of the database still answers.
    @Test func storedCyclesEndInWords() throws {
        let dir = CLI.tempDir()
        try CLI.run(["run", "-"], stdin: "add \"Ann Lee\"\nlog call with @ann-lee on 2026-11-01\n", in: dir)
        let store = try Store(path: dir.appendingPathComponent("tend.db").path)
        try store.begin()
        for d in [
            Definition(kind: .rule, name: "rr", source: "rule \"rr\" when count(why it) > 0 then remind \"x\""),
            Definition(kind: .score, name: "s", source: "score s = s + 1"),
            Definition(kind: .let, name: "a", source: "let a = a + 1"),
            Definition(kind: .fn, name: "f", source: "fn f(x) = f(x) + 1"),
        ] {
            try store.apply(.setDefinition(d))
        }
        var loop = Goal(name: "Loop")
        loop.metric = "count(progress)"
        loop.target = 1
        loop.period = .month
        try store.apply(.setGoal(loop))
        try store.commit()
        let cases: [([String], String)] = [
            (["agenda"], "rule \"rr\" reads why, which evaluates every rule"),
            (["-e", "why @ann-lee"], "rule \"rr\" reads why, which evaluates every rule"),
            (["-e", "progress"], "goal \"Loop\" reads progress"),
            (["-e", "goals"], "goal \"Loop\" reads progress"),
            (["-e", "@ann-lee.s"], "score s reads itself"),
            (["-e", "a"], "let a reads itself"),
            (["-e", "f(1)"], "functions call each other too deeply"),
        ]
        for (args, words) in cases {
            let r = try CLI.run(args, in: dir)
            #expect(r.status == 3, "\(args): exit \(r.status)\n\(r.stderr)")
            #expect(r.stderr.contains(words), "\(args): \(r.stderr)")
        }
        let fine = try CLI.run(["-e", "count(contacts)"], in: dir)
        #expect(fine.status == 0 && fine.stdout.contains("1"), "\(fine.stderr)")
    }

    /// A date past 9999-12-31 was stored and read back as 1970-01-01, and a huge duration
    /// trapped: the language refuses both, located, and the database stays as it was.
    @Test func nothingOffTheCalendarReachesTheDatabase() throws {
        let dir = CLI.tempDir()
        try CLI.run(["run", "-"], stdin: "add \"Ann Lee\"\n", in: dir)
        try "print 9223372036854775807d\n".write(to: dir.appendingPathComponent("huge.tend"), atomically: true, encoding: .utf8)
        let huge = try CLI.run(["check", "huge.tend"], in: dir)
        #expect(huge.status == 2)
        #expect(huge.stderr.contains("huge.tend:1:7: error: this duration is off the calendar"), "\(huge.stderr)")
        for statement in ["set @ann-lee next_due: 9999-12-31 + 1d", "snooze @ann-lee 9999y", "add \"Bo Kim\" created: 9999-12-31 + 1d"] {
            let r = try CLI.run(["run", "-"], stdin: statement + "\n", in: dir)
            #expect(r.status == 3, "\(statement): \(r.stderr)")
            #expect(r.stderr.contains("<stdin>:1:") && r.stderr.contains("off the calendar"), "\(statement): \(r.stderr)")
        }
        let after = try CLI.run(["--format", "csv", "-e", "contacts show name, next_due, snoozed_until, created"], in: dir)
        #expect(after.stdout.contains("Ann Lee,,,2026-11-23") && !after.stdout.contains("Bo Kim"), "\(after.stdout)")
    }
}
