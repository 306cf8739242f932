import Foundation
import TendTestSupport
import Testing

/// The same Tend on both stores: each golden script run on SQLite and on PostgreSQL (a fresh
/// database of the test cluster each) gives the same output, byte for byte, the same errors
/// and the same exit status, for the same member (on SQLite `--as` the cluster's role, which
/// PostgreSQL records as who logged each event).
@Suite(.enabled(if: TestCluster.available, Comment(rawValue: TestCluster.skipped)))
struct PostgresGoldenTests {
    /// Goldens whose output differs on PostgreSQL for a reason of this stage: none (`explain`
    /// shows the same plans on both stores since the PostgreSQL store narrows as SQLite's does,
    /// but for `planDifference`).
    static let differing: Set<String> = []

    /// The one way plans differ: PostgreSQL selects contacts by their figures (`last_touch`,
    /// `touches`…) in SQL, where SQLite, which keeps every contact's figures at hand, reads
    /// every contact. The PostgreSQL output with those lines as SQLite words them.
    static func planDifference(_ postgres: String, _ sqlite: String) -> String {
        let (p, s) = (postgres.components(separatedBy: "\n"), sqlite.components(separatedBy: "\n"))
        guard p.count == s.count else { return postgres }
        return zip(p, s).map { pg, lite in
            pg.hasPrefix("  read: the contacts the store selects where ") && lite == "  read: every row of contacts" ? lite : pg
        }.joined(separator: "\n")
    }

    static var goldens: [Golden] { Golden.all.filter { !differing.contains($0.name) } }

    /// Runs a golden's setup and runs on the database `db` (a file or a URL); its stdout, stderr
    /// (with the database's name as <db>) and exit status.
    static func run(_ g: Golden, db: String) throws -> CLI.Result {
        let dir = CLI.tempDir()
        let file = dir.appendingPathComponent(g.name)
        let env = ["TEND_DB": db, "TEND_AS": TestCluster.role]
        var r = CLI.Result(stdout: "", stderr: "", status: 0)
        for setup in g.directive("setup") {
            let one = try CLI.run(["run", "-"], stdin: setup.replacingOccurrences(of: "\\n", with: "\n"), in: dir, env: env)
            r.stdout += one.stdout
            r.stderr += one.stderr
        }
        let args = (g.directive("args").first ?? "run --format csv").split(separator: " ").map(String.init) + [g.name]
        for part in g.text.components(separatedBy: "\n# next run\n") {
            try part.write(to: file, atomically: true, encoding: .utf8)
            let one = try CLI.run(args, in: dir, env: env)
            r = CLI.Result(stdout: r.stdout + one.stdout, stderr: r.stderr + one.stderr, status: max(r.status, one.status))
        }
        r.stderr = r.stderr.replacingOccurrences(of: db, with: "<db>")
        return r
    }

    @Test(arguments: goldens)
    func sameOutputOnBothStores(_ g: Golden) throws {
        let sqlite = try Self.run(g, db: CLI.tempDir().appendingPathComponent("tend.db").path)
        let postgres = try Self.run(g, db: try TestCluster.freshDatabase("golden"))
        #expect(Self.planDifference(postgres.stdout, sqlite.stdout) == sqlite.stdout, "\(g.name) stdout on PostgreSQL:\n\(postgres.stdout)\non SQLite:\n\(sqlite.stdout)")
        #expect(postgres.stderr == sqlite.stderr, "\(g.name) stderr on PostgreSQL:\n\(postgres.stderr)\non SQLite:\n\(sqlite.stderr)")
        #expect(postgres.status == sqlite.status, "\(g.name): exit \(postgres.status) on PostgreSQL, \(sqlite.status) on SQLite")
    }
}

/// Imports and exports on both stores: the same commands, one after another on each, print the
/// same and write the same files (as the same member).
@Suite(.enabled(if: TestCluster.available, Comment(rawValue: TestCluster.skipped)))
struct PostgresInterchangeTests {
    static let fixtures = CLI.packageRoot.appendingPathComponent("Tests/TendInterchangeTests/Fixtures").path

    static let steps: [[String]] = [
        ["import", "vcard", "\(fixtures)/gmail.vcf"],
        ["import", "vcard", "\(fixtures)/outlook.vcf"],
        ["import", "vcard", "\(fixtures)/v40.vcf", "--update"],
        ["import", "csv", "\(fixtures)/people.csv", "--skip-bad"],
        ["-e", "add \"Dana Lee\" email: \"dana@lee.example\"; set me emails: [\"me@example.com\"]"],
        ["import", "ics", "\(fixtures)/google.ics"],
        ["import", "ics", "\(fixtures)/google.ics"],
        ["import", "ics", "\(fixtures)/outlook.ics", "--dry-run"],
        ["-e", "contacts show handle, name, emails, last_touch, touches"],
        ["-e", "interactions show kind, on, people, note"],
        ["-e", "report candidates"],
        ["-e", "set @dana-lee stage: credibility, cadence: 1mo"],
        ["--today", "2027-03-01", "-e", "agenda"],
        ["export", "vcard", "-"],
        ["export", "csv", "-"],
        ["export", "json", "-", "contacts where touches > 0"],
        ["export", "ics", "-"],
        ["dump"],
    ]

    @Test func sameImportsAndExports() throws {
        let url = try TestCluster.freshDatabase("interchange")
        let file = CLI.tempDir().appendingPathComponent("tend.db").path
        for step in Self.steps {
            let sqlite = try CLI.run(step, in: CLI.tempDir(), env: ["TEND_DB": file, "TEND_AS": TestCluster.role])
            let postgres = try CLI.run(step, in: CLI.tempDir(), env: ["TEND_DB": url])
            #expect(postgres.stdout == sqlite.stdout, "\(step) on PostgreSQL:\n\(postgres.stdout)\non SQLite:\n\(sqlite.stdout)")
            #expect(
                postgres.stderr.replacingOccurrences(of: url, with: "<db>") == sqlite.stderr.replacingOccurrences(of: file, with: "<db>"),
                "\(step)")
            #expect(postgres.status == sqlite.status, "\(step): \(postgres.stderr)")
            // Each step does its work (the second ics import finds every meeting logged already).
            #expect(sqlite.status == 0, "\(step): \(sqlite.stderr)")
        }
    }
}
