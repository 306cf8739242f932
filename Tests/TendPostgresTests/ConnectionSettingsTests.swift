import Foundation
import Testing

@testable import TendPostgres

/// Connection settings read as libpq reads them: the URL, then PG* variables, then defaults,
/// then the password file. No database is needed.
@Suite struct ConnectionSettingsTests {
    static let home = "/nonexistent-home"

    static func settings(_ url: String, _ env: [String: String] = [:]) throws -> ConnectionSettings {
        try ConnectionSettings(url: url, environment: env, home: home, osUser: "osuser")
    }

    /// (URL, environment, host, socket folder, port, user, password, database, sslmode)
    static let cases: [(String, [String: String], String?, String?, Int, String, String?, String, String)] = [
        ("postgresql://ann@db.example:6543/team", [:], "db.example", nil, 6543, "ann", nil, "team", "prefer"),
        ("postgres://ann:pw@127.0.0.1/team", [:], "127.0.0.1", nil, 5432, "ann", "pw", "team", "prefer"),
        ("postgresql://", [:], nil, "/var/run/postgresql", 5432, "osuser", nil, "osuser", "prefer"),
        ("postgresql://ann@localhost", [:], "localhost", nil, 5432, "ann", nil, "ann", "prefer"),
        // Percent-decoding: a user with @, a password with : and /, a database with a space.
        ("postgresql://a%40b:p%3A%2Fw@h/my%20db", [:], "h", nil, 5432, "a@b", "p:/w", "my db", "prefer"),
        ("postgresql://[::1]:7000/x", [:], "::1", nil, 7000, "osuser", nil, "x", "prefer"),
        // A socket folder as the host, percent-encoded or as host= in the query.
        ("postgresql://%2Ftmp%2Fpg/x", [:], nil, "/tmp/pg", 5432, "osuser", nil, "x", "prefer"),
        ("postgresql:///x?host=/tmp/pg&port=6000", [:], nil, "/tmp/pg", 6000, "osuser", nil, "x", "prefer"),
        ("postgresql://h/x?sslmode=verify-full", [:], "h", nil, 5432, "osuser", nil, "x", "verify-full"),
        ("postgresql://h/x?user=bob&password=s", [:], "h", nil, 5432, "bob", "s", "x", "prefer"),
        // The environment fills what the URL leaves out, and only that.
        (
            "postgresql://", ["PGHOST": "envhost", "PGPORT": "6001", "PGUSER": "eu", "PGPASSWORD": "ep", "PGDATABASE": "ed", "PGSSLMODE": "require"],
            "envhost", nil, 6001, "eu", "ep", "ed", "require"
        ),
        (
            "postgresql://ann:pw@h:5000/team?sslmode=disable", ["PGHOST": "envhost", "PGPORT": "6001", "PGUSER": "eu", "PGPASSWORD": "ep", "PGDATABASE": "ed", "PGSSLMODE": "require"],
            "h", nil, 5000, "ann", "pw", "team", "disable"
        ),
        ("postgresql:///x", ["PGHOST": "/run/sock"], nil, "/run/sock", 5432, "osuser", nil, "x", "prefer"),
        // A password with /, ? or @ not percent-encoded is the password up to the last @ (its
        // pieces were read as a port or a query, and shown in the error).
        ("postgresql://alice:SEC/RET3@h:7000/team", [:], "h", nil, 7000, "alice", "SEC/RET3", "team", "prefer"),
        ("postgresql://alice:SEC?RET4@h/team?sslmode=require", [:], "h", nil, 5432, "alice", "SEC?RET4", "team", "require"),
        ("postgresql://alice:S@C#R@h/team", [:], "h", nil, 5432, "alice", "S@C#R", "team", "prefer"),
        // An @ in the query or the database name is theirs.
        ("postgresql://db.example/tend?user=alice@corp", [:], "db.example", nil, 5432, "alice@corp", nil, "tend", "prefer"),
        ("postgresql://db.example:6000/tend?user=alice@corp", [:], "db.example", nil, 6000, "alice@corp", nil, "tend", "prefer"),
    ]

    @Test(arguments: 0..<cases.count)
    func readsTheURLAndTheEnvironment(_ i: Int) throws {
        let (url, env, host, socket, port, user, password, database, mode) = Self.cases[i]
        let s = try Self.settings(url, env)
        #expect(s.host == host, "\(url)")
        #expect(s.socketDirectory == socket, "\(url)")
        #expect(s.port == port, "\(url)")
        #expect(s.user == user, "\(url)")
        #expect(s.password?.value == password, "\(url)")
        #expect(s.database == database, "\(url)")
        #expect(s.sslMode.rawValue == mode, "\(url)")
    }

    static let refused: [(String, String)] = [
        ("postgresql://h:99999/x", "invalid port \"99999\""),
        ("postgresql://h:abc/x", "invalid port \"abc\""),
        ("postgresql://h/x?sslmode=sometimes", "invalid sslmode \"sometimes\""),
        ("postgresql://h/x?colour=blue", "invalid URL query parameter \"colour\""),
        ("postgresql://h/x?sslmode", "missing \"=\""),
        ("postgresql://a,b/x", "several hosts"),
        ("postgresql://[::1/x", "missing \"]\""),
        ("postgresql://u:%zz@h/x", "invalid percent-encoding in the URL's password"),
        ("mysql://h/x", "starts with postgresql://"),
    ]

    @Test(arguments: 0..<refused.count)
    func refusesWhatLibpqRefuses(_ i: Int) {
        let (url, message) = Self.refused[i]
        do {
            _ = try Self.settings(url)
            Issue.record("\(url) was accepted")
        } catch {
            #expect("\(error)".contains(message), "\(url): \(error)")
        }
    }

    @Test func sslModesMapToTLS() throws {
        let expected: [String: (ConnectionSettings.TLSPolicy.Mode, ConnectionSettings.TLSPolicy.Verification)] = [
            "disable": (.disable, .none), "allow": (.disable, .none), "prefer": (.prefer, .none),
            "require": (.require, .none), "verify-ca": (.require, .certificate), "verify-full": (.require, .certificateAndHost),
        ]
        for mode in ConnectionSettings.SSLMode.allCases {
            let s = try Self.settings("postgresql://h/x?sslmode=" + mode.rawValue)
            let (tlsMode, verification) = try #require(expected[mode.rawValue])
            #expect(s.tls.mode == tlsMode, "\(mode)")
            #expect(s.tls.verification == verification, "\(mode)")
        }
        // Without a root certificate, verification cannot be done: said, not skipped.
        let strict = try Self.settings("postgresql://h/x?sslmode=verify-full&sslrootcert=/nonexistent/root.crt")
        #expect(throws: ConnectionSettings.Problem.self) { try strict.configuration(home: Self.home) }
        let required = try Self.settings("postgresql://h/x?sslmode=require").configuration(home: Self.home)
        #expect(required.tls.isEnforced)
        #expect(!(try Self.settings("postgresql://h/x?sslmode=disable").configuration(home: Self.home)).tls.isAllowed)
        let socket = try Self.settings("postgresql://%2Ftmp%2Fpg:6000/x").configuration(home: Self.home)
        #expect(socket.unixSocketPath == "/tmp/pg/.s.PGSQL.6000")
    }

    @Test func thePasswordIsNeverShown() throws {
        let secret = "Sup3r-s3cret"
        let s = try Self.settings("postgresql://ann:\(secret)@h:5000/team?sslmode=require")
        var dumped = ""
        dump(s, to: &dumped)
        for text in [s.description, String(reflecting: s), "\(s)", dumped, "\(s.password!)", String(reflecting: s.password!)] {
            #expect(!text.contains(secret), "\(text)")
        }
        #expect(s.description == "postgresql://ann:***@h:5000/team?sslmode=require")
        let fromEnv = try Self.settings("postgresql://h/x", ["PGPASSWORD": secret])
        #expect(!fromEnv.description.contains(secret))
        #expect(ConnectionSettings.redacted("postgresql://ann:\(secret)@h/x") == "postgresql://ann:***@h/x")
        #expect(ConnectionSettings.redacted("postgresql://h/x?password=\(secret)&sslmode=require") == "postgresql://h/x?password=***&sslmode=require")
        #expect(ConnectionSettings.redacted("postgresql://ann@h/x") == "postgresql://ann@h/x")
        // A password with `/`, `?`, `#` and `@` written unencoded, and one given in capitals, are
        // hidden whole (the part after its first `@` was shown, and PASSWORD= in clear).
        #expect(ConnectionSettings.redacted("postgresql://ann:s3cr3t@:/?#%pw@127.0.0.1:5432/pw") == "postgresql://ann:***@127.0.0.1:5432/pw")
        #expect(ConnectionSettings.redacted("postgresql://h/x?password=A&PASSWORD=Leak77") == "postgresql://h/x?password=***&PASSWORD=***")
        // A URL refused for another reason does not quote the password either.
        do {
            _ = try Self.settings("postgresql://ann:\(secret)@h:bad/x")
        } catch {
            #expect(!"\(error)".contains(secret))
        }
        let socket = try Self.settings("postgresql:///x?host=/tmp/pg")
        #expect(socket.description == "postgresql://osuser@:5432/x?host=%2Ftmp%2Fpg&sslmode=prefer")
    }

    /// A password file in a fresh folder, with the given mode.
    static func passwordFile(_ text: String, mode: mode_t = 0o600) throws -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("pgpass-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let path = dir.appendingPathComponent(".pgpass").path
        try text.write(toFile: path, atomically: false, encoding: .utf8)
        chmod(path, mode)
        return path
    }

    @Test func thePasswordFileAsLibpqReadsIt() throws {
        let file = try Self.passwordFile(
            """
            # comment
            other:5432:*:ann:wrong-host
            db.example:5432:team:ann:exact
            *:6000:*:*:any\\:thing\\\\
            h\\:x:*:*:*:escaped-host
            localhost:5432:*:sock:socket-pw
            """)
        let cases: [(String, String?)] = [
            ("postgresql://ann@db.example/team", "exact"),
            ("postgresql://ann@db.example/other", nil),
            ("postgresql://zed@anywhere:6000/x", "any:thing\\"),
            ("postgresql://sock@%2Ftmp/x", "socket-pw"),
            // The URL's password wins over the file's.
            ("postgresql://ann:given@db.example/team", "given"),
        ]
        for (url, expected) in cases {
            let s = try Self.settings(url, ["PGPASSFILE": file])
            #expect(s.password?.value == expected, "\(url)")
            #expect(s.warnings.isEmpty)
        }
        #expect(PasswordFile.split("h\\:x:*:*:*:escaped-host") == ["h:x", "*", "*", "*", "escaped-host"])
        // ~/.pgpass when PGPASSFILE is unset.
        let home = (file as NSString).deletingLastPathComponent
        let fromHome = try ConnectionSettings(url: "postgresql://ann@db.example/team", environment: [:], home: home, osUser: "o")
        #expect(fromHome.password?.value == "exact")
    }

    @Test func aPasswordFileOthersCanReadIsIgnored() throws {
        for mode: mode_t in [0o640, 0o604] {
            let file = try Self.passwordFile("*:*:*:*:leaked\n", mode: mode)
            let s = try Self.settings("postgresql://ann@h/x", ["PGPASSFILE": file])
            #expect(s.password == nil)
            #expect(s.warnings.count == 1)
            #expect(s.warnings.first?.contains("has group or world access") == true)
            #expect(s.warnings.first?.contains("leaked") == false)
        }
    }
}
