import Foundation
import Testing

/// What JSON and CSV give programs, found by a sweep of the agenda and goals: numbers were
/// rounded to six decimals in JSON, and `progress` carried its bar, a picture for the screen.
@Suite struct MachineFormatTests {
    @Test func jsonNumbersAreExact() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["add", "Ana Park"], in: dir).status == 0)
        #expect(try CLI.run(["--format", "json", "-e", "0.123456789"], in: dir).stdout == "0.123456789\n")
        #expect(try CLI.run(["--format", "json", "-e", "[1.5, 2, -0.0000001]"], in: dir).stdout == "[1.5,2,-0.0000001]\n")
        // The page keeps six decimals.
        #expect(try CLI.run(["-e", "0.123456789"], in: dir).stdout == "0.123457\n")
    }

    /// `path to` with no chain is an empty result in JSON and CSV, as any query's (JSON wrote
    /// nothing at all to standard output, which no JSON reader takes); the page says why.
    @Test func anEmptyPathIsAnEmptyResult() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: "add \"Ana Park\"\nadd \"Bo Li\"\n", in: dir).status == 0)
        let json = try CLI.run(["--format", "json", "-e", "path to @bo-li"], in: dir)
        #expect(json.status == 0 && json.stdout == "[]\n", "\(json.stdout)")
        let page = try CLI.run(["-e", "path to @bo-li"], in: dir)
        #expect(page.stdout.contains("No chain of people who know each other reaches Bo Li"), "\(page.stdout)")
        // And `remove spending N` names the collection as `spending` is named in queries.
        #expect(try CLI.run(["-e", "spend 20 at @ana-park"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "remove spending 1"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "count(spending)"], in: dir).stdout == "0\n")
    }

    @Test func progressLeavesItsBarToTheScreen() throws {
        let dir = CLI.tempDir()
        let goal = "goal \"Lunches\" metric: count(interactions where kind == \"lunch\") target: 2 per week\n"
        #expect(try CLI.run(["run", "-"], stdin: goal, in: dir).status == 0)
        let json = try CLI.run(["--format", "json", "-e", "progress limit 1"], in: dir).stdout
        #expect(json == "[{\"goal\":\"Lunches\",\"period\":\"2026-W48\",\"value\":0,\"target\":2,\"percent\":0,\"status\":\"behind\"}]\n", "\(json)")
        #expect(try CLI.run(["--format", "csv", "-e", "progress limit 1"], in: dir).stdout.hasPrefix("goal,period,value,target,percent,status\n"))
        #expect(try CLI.run(["--format", "csv", "-e", "progress show goal, bar limit 1"], in: dir).stdout.hasPrefix("goal,bar\nLunches,"))
        #expect(try CLI.run(["-e", "progress limit 1"], in: dir).stdout.contains("│"))
    }

    /// Two spends each within the range add up past it: the total is no damage (the agenda,
    /// `export json` and the `spend` field failed with "out of range").
    @Test func spendsAddUpPastOneAmountsRange() throws {
        let dir = CLI.tempDir()
        let script = "add \"Big Spender\"\nspend 600000000000 at @big-spender\nspend 600000000000 at @big-spender\n"
        #expect(try CLI.run(["run", "-"], stdin: script, in: dir).status == 0)
        let shown = try CLI.run(["--format", "csv", "-e", "contacts show name, spend"], in: dir)
        #expect(shown.status == 0 && shown.stdout == "name,spend\nBig Spender,1200000000000\n", "\(shown.stdout)\(shown.stderr)")
        #expect(try CLI.run(["agenda"], in: dir).status == 0)
        #expect(try CLI.run(["export", "json", "-"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "@big-spender.spend"], in: dir).stdout == "1200000000000\n")
    }
}
