import Foundation
import TendTestSupport
import Testing

/// The REPL at the keyboard on a PostgreSQL database: the prompt names the database (not its
/// URL), statements are kept in the database, and undo takes the last one back.
@Suite(.serialized, .enabled(if: TestCluster.available, Comment(rawValue: TestCluster.skipped)))
struct PostgresREPLTests {
    @Test(.enabled(if: Terminal.available)) func aSessionOnPostgreSQL() throws {
        let url = try TestCluster.freshDatabase("repl")
        let t = Terminal(dir: FileManager.default.temporaryDirectory.appendingPathComponent("tend-pg-repl-\(UUID().uuidString)"))
        try FileManager.default.createDirectory(at: t.dir, withIntermediateDirectories: true)
        t.db = url
        t.promptName = String(url.split(separator: "/").last!)
        defer { t.stop() }
        t.start()
        t.type("add \"Ann Arbor\" +vip", "Enter")
        t.type("log coffee with @ann-arbor", "Enter")
        t.type("contacts show name, touches", "Enter")
        #expect(t.waitFor("Ann Arbor        1"), "\(t.screen)")
        t.type("undo", "Enter")
        #expect(t.waitFor("Undid change"), "\(t.screen)")
        #expect(t.screen.contains("log coffee with @ann-arbor"), "\(t.screen)")
        t.type(".quit", "Enter")
        // The URL is said once, without a password, where the new database is announced; the
        // prompt names the database alone.
        let lines = t.screen.split(separator: "\n").filter { !$0.hasPrefix("tend: created a new database at ") }
        #expect(!lines.contains { $0.contains("postgresql://") }, "\(t.screen)")
        #expect(try TestCluster.psql("SELECT count(*) FROM interactions", url: url) == "0")
        #expect(try TestCluster.psql("SELECT tags FROM contacts WHERE handle = 'ann-arbor'", url: url) == "[\"vip\"]")
    }
}
