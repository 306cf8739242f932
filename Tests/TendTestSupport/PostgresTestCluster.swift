import Foundation

/// The throwaway PostgreSQL cluster Scripts/test starts (Scripts/postgres-cluster), named by
/// TEND_TEST_POSTGRES. Without it the tests that need a server are skipped, saying so.
public enum TestCluster {
    public static let environment = ProcessInfo.processInfo.environment
    /// The superuser's URL, on the test database.
    public static let url = environment["TEND_TEST_POSTGRES"]
    /// A role that logs in with a password, on the same server.
    public static let passwordURL = environment["TEND_TEST_POSTGRES_PASSWORD"]
    public static let available = url != nil
    /// The role `url` logs in as: the member a session there acts as (its events' `by`).
    public static var role: String {
        guard let url, let start = url.range(of: "//"), let end = url.range(of: "@") else { return "" }
        return String(url[start.upperBound..<end.lowerBound])
    }
    public static let skipped = "TEND_TEST_POSTGRES is unset: no PostgreSQL server to test against (Scripts/test starts one)"

    public static var psql: String {
        let candidates = ["/usr/bin/psql"] + ((try? FileManager.default.contentsOfDirectory(atPath: "/usr/lib/postgresql")) ?? []).map { "/usr/lib/postgresql/\($0)/bin/psql" }
        return candidates.first { FileManager.default.isExecutableFile(atPath: $0) } ?? "psql"
    }

    /// `url` with another database name.
    public static func url(database: String) -> String {
        guard let url, let slash = url.range(of: "/", options: .backwards) else { return "" }
        return url[..<slash.upperBound] + database
    }

    /// Runs SQL through psql as the superuser (on `database`, else the test database); fails the
    /// test when psql does.
    @discardableResult
    public static func psql(_ sql: String, database: String? = nil, url: String? = nil) throws -> String {
        let target = url ?? database.map { Self.url(database: $0) } ?? Self.url!
        let r = try Child.run(psql, ["-X", "-q", "-A", "-t", "-v", "ON_ERROR_STOP=1", target, "-c", sql])
        guard r.status == 0 else { throw PsqlFailed(message: r.stderrText) }
        return r.stdoutText.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public struct PsqlFailed: Error, CustomStringConvertible {
        public var message: String
        public var description: String { "psql: \(message)" }
    }

    /// A new empty database of its own for one test; its URL.
    public static func freshDatabase(_ name: String = "t") throws -> String {
        let db = "tend_\(name)_\(UUID().uuidString.prefix(8).lowercased())"
        try psql("CREATE DATABASE \(db)")
        return url(database: db)
    }

    /// The tables of a database, sorted.
    public static func tables(_ url: String) throws -> [String] {
        try psql("SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1", url: url)
            .split(separator: "\n").map(String.init)
    }
}
