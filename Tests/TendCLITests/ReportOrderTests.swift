import Foundation
import Testing

/// A report lists rows that tie (the same spend, the same balance of referrals, the same name)
/// in one order, the order the contacts were added, on every run: it followed a dictionary's
/// order, which changes from process to process, so a script's output kept in git changed.
@Suite struct ReportOrderTests {
    @Test(arguments: ["money", "reciprocity"])
    func tiesKeepTheOrderTheContactsWereAdded(_ report: String) throws {
        let dir = CLI.tempDir()
        var script = ""
        for n in 1...12 {
            script += "add \"Sam Lee\" handle: \"sam-\(n)\"\n"
            script += "spend 50 at @sam-\(n) on 2026-11-01\n"
            script += "refer \"Someone \(n)\" to @sam-\(n) on 2026-10-01\n"
        }
        #expect(try CLI.run(["run", "-"], stdin: script, in: dir).status == 0)
        let r = try CLI.run(["--format", "csv", "--today", "2026-11-23", "-e", "report \(report)"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        let handles = r.stdout.split(separator: "\n").dropFirst().map { String($0.prefix { $0 != "," }) }
        #expect(handles == (1...12).map { "sam-\($0)" }, "\(r.stdout)")
    }
}
