import Foundation

/// Where and how to reach a PostgreSQL database, read as libpq reads it: a `postgresql://` (or
/// `postgres://`) URL first, then the PG* environment variables, then libpq's defaults, and the
/// password last from the password file (~/.pgpass or PGPASSFILE).
///
/// The password is held in a `Secret`: no description, debug description, `dump` or error
/// message of these settings shows it.
public struct ConnectionSettings: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// A host name or address; nil connects through a Unix socket in `socketDirectory`.
    public var host: String?
    /// The folder of the server's Unix socket, when there is no `host`.
    public var socketDirectory: String?
    public var port: Int
    public var user: String
    public var password: Secret?
    public var database: String
    public var sslMode: SSLMode
    /// The certificates that verify the server's (`sslrootcert`, PGSSLROOTCERT), for verify-ca
    /// and verify-full; nil takes ~/.postgresql/root.crt as libpq does.
    public var sslRootCert: String?
    /// What reading them found worth telling (a password file others may read, ignored).
    public var warnings: [String] = []

    /// libpq's `sslmode`, from the least to the most demanding.
    public enum SSLMode: String, CaseIterable, Sendable {
        case disable, allow, prefer, require
        case verifyCA = "verify-ca"
        case verifyFull = "verify-full"
    }

    /// Why a connection string cannot be used. It never quotes the password.
    public struct Problem: Error, Equatable, CustomStringConvertible {
        public var message: String
        public var description: String { message }
    }

    /// True for what names a PostgreSQL database rather than a file: a `postgresql://` or
    /// `postgres://` URL.
    public static func isURL(_ text: String) -> Bool {
        text.hasPrefix("postgresql://") || text.hasPrefix("postgres://")
    }

    /// The unix socket's folder libpq looks in when no host is given (Debian's).
    public static let defaultSocketDirectory = "/var/run/postgresql"

    /// Reads `url` with the fallbacks of `environment`; `home` holds `.pgpass` (and
    /// `.postgresql/root.crt`), `osUser` is the user name libpq falls back to.
    public init(url: String, environment: [String: String], home: String, osUser: String) throws {
        let parts = try URLParts(url)
        func setting(_ key: String, _ variable: String) -> String? {
            if let v = parts.values[key], !v.isEmpty { return v }
            if let v = environment[variable], !v.isEmpty { return v }
            return nil
        }
        let hostText = setting("host", "PGHOST")
        if let hostText, hostText.hasPrefix("/") {
            socketDirectory = hostText
        } else if let hostText {
            host = hostText
        } else {
            socketDirectory = ConnectionSettings.defaultSocketDirectory
        }
        let portText = setting("port", "PGPORT") ?? "5432"
        guard let port = Int(portText), (1...65535).contains(port) else {
            throw Problem(message: "invalid port \"\(portText)\" in the PostgreSQL connection settings")
        }
        self.port = port
        user = setting("user", "PGUSER") ?? osUser
        database = setting("dbname", "PGDATABASE") ?? user
        let modeText = setting("sslmode", "PGSSLMODE") ?? "prefer"
        guard let mode = SSLMode(rawValue: modeText) else {
            let known = SSLMode.allCases.map(\.rawValue).joined(separator: ", ")
            throw Problem(message: "invalid sslmode \"\(modeText)\" (one of \(known))")
        }
        sslMode = mode
        sslRootCert = setting("sslrootcert", "PGSSLROOTCERT")
        // An empty password counts as none, as in libpq: the password file is read then.
        if let p = setting("password", "PGPASSWORD") {
            password = Secret(p)
        } else {
            let file = environment["PGPASSFILE"] ?? home + "/.pgpass"
            let lookup = PasswordFile.lookup(
                file, host: host ?? "localhost", port: port, database: database, user: user)
            password = lookup.password.map(Secret.init)
            warnings += lookup.warnings
        }
    }

    /// The settings as a URL without the password (which shows as `***` when there is one).
    public var description: String {
        var s = "postgresql://" + ConnectionSettings.encode(user)
        if password != nil { s += ":***" }
        s += "@"
        if let host { s += host.contains(":") ? "[\(host)]" : ConnectionSettings.encode(host) }
        s += ":\(port)/" + ConnectionSettings.encode(database)
        var query: [String] = []
        if host == nil, let socketDirectory { query.append("host=" + ConnectionSettings.encode(socketDirectory)) }
        query.append("sslmode=" + sslMode.rawValue)
        return s + "?" + query.joined(separator: "&")
    }
    public var debugDescription: String { description }
    public var customMirror: Mirror {
        Mirror(
            self,
            children: [
                "host": host as Any, "socketDirectory": socketDirectory as Any, "port": port, "user": user,
                "password": password as Any, "database": database, "sslMode": sslMode.rawValue,
            ], displayStyle: .struct)
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    /// A connection string as the user typed it, with its password (if any) replaced by `***`,
    /// for messages that must name it.
    public static func redacted(_ text: String) -> String {
        guard isURL(text), let scheme = text.range(of: "://") else { return text }
        var rest = text[scheme.upperBound...]
        var out = String(text[..<scheme.upperBound])
        // A password may hold `/`, `?`, `#` and `@` unencoded (libpq refuses it, but the message
        // must not show it): the user's part ends at the last `@` of the whole text, and all
        // after the first `:` before it is hidden (a query holding an `@` hides more, never less).
        if let at = rest.lastIndex(of: "@") {
            let userInfo = rest[..<at]
            if let colon = userInfo.firstIndex(of: ":") {
                out += userInfo[..<colon] + ":***"
            } else {
                out += userInfo
            }
            rest = rest[at...]
        }
        out += rest
        // A password given as a query parameter, in any case.
        return out.replacingOccurrences(of: #"([?&]password=)[^&]*"#, with: "$1***", options: [.regularExpression, .caseInsensitive])
    }
}

/// A password: kept, used to log in, and never shown.
public struct Secret: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "***" }
    public var debugDescription: String { "***" }
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}

/// The parts of a `postgresql://user:password@host:port/dbname?key=value` URL, percent-decoded,
/// under libpq's keyword names (user, password, host, port, dbname, and those of the query).
struct URLParts {
    var values: [String: String] = [:]

    /// The query parameters Tend reads; libpq refuses those it does not know, and so does Tend.
    static let queryKeys: Set<String> = [
        "host", "port", "user", "password", "dbname", "sslmode", "sslrootcert", "connect_timeout", "application_name",
    ]

    init(_ url: String) throws {
        guard let scheme = url.range(of: "://"), ConnectionSettings.isURL(url) else {
            throw ConnectionSettings.Problem(message: "a PostgreSQL URL starts with postgresql:// or postgres://")
        }
        var rest = Substring(url[scheme.upperBound...])
        // The user and password end at the `@` before the host. A password with a `/` or `?`
        // not percent-encoded (`alice:SEC/RET@host`) ends the part before the first `/` or `?`
        // early, and a `user:` whose rest is no port number says so: then they end at the last
        // `@` (pieces of the password were read as a port or a query, and shown in errors). An
        // `@` further on in a database name or the query (`?user=alice@corp`) is not one.
        let authorityEnd = rest.firstIndex { $0 == "/" || $0 == "?" } ?? rest.endIndex
        let authorityPart = rest[..<authorityEnd]
        let cutPassword: Bool = {
            guard !authorityPart.contains("@"), let colon = authorityPart.firstIndex(of: ":") else { return false }
            let after = authorityPart[authorityPart.index(after: colon)...]
            return !(after.allSatisfy(\.isNumber) && !after.isEmpty) && !authorityPart.hasPrefix("[")
        }()
        let userEnd = authorityPart.lastIndex(of: "@") ?? (cutPassword ? rest.lastIndex(of: "@") : nil)
        if let at = userEnd {
            let userInfo = rest[..<at]
            rest = rest[rest.index(after: at)...]
            if let colon = userInfo.firstIndex(of: ":") {
                try set("user", userInfo[..<colon])
                try set("password", userInfo[userInfo.index(after: colon)...])
            } else {
                try set("user", userInfo)
            }
        }
        var query = Substring("")
        if let q = rest.firstIndex(of: "?") {
            query = rest[rest.index(after: q)...]
            rest = rest[..<q]
        }
        var authority = rest
        if let slash = rest.firstIndex(of: "/") {
            authority = rest[..<slash]
            try set("dbname", rest[rest.index(after: slash)...])
        }
        try hostAndPort(authority)
        for pair in query.split(separator: "&") where !pair.isEmpty {
            guard let eq = pair.firstIndex(of: "=") else {
                throw ConnectionSettings.Problem(message: "missing \"=\" after \"\(pair)\" in the URL's query")
            }
            let key = String(pair[..<eq])
            guard URLParts.queryKeys.contains(key) else {
                throw ConnectionSettings.Problem(message: "invalid URL query parameter \"\(key)\"")
            }
            try set(key, pair[pair.index(after: eq)...])
        }
    }

    private mutating func hostAndPort(_ authority: Substring) throws {
        guard !authority.isEmpty else { return }
        if authority.contains(",") {
            throw ConnectionSettings.Problem(message: "several hosts in one URL are not supported")
        }
        var hostPart = authority
        var portPart: Substring?
        if authority.hasPrefix("[") {
            // An IPv6 address: [::1]:5432.
            guard let close = authority.firstIndex(of: "]") else {
                throw ConnectionSettings.Problem(message: "missing \"]\" after the IPv6 address in the URL")
            }
            hostPart = authority[authority.index(after: authority.startIndex)..<close]
            let after = authority[authority.index(after: close)...]
            if after.hasPrefix(":") { portPart = after.dropFirst() }
        } else if let colon = authority.lastIndex(of: ":") {
            hostPart = authority[..<colon]
            portPart = authority[authority.index(after: colon)...]
        }
        if !hostPart.isEmpty { try set("host", hostPart) }
        if let portPart, !portPart.isEmpty { try set("port", portPart) }
    }

    private mutating func set(_ key: String, _ raw: Substring) throws {
        guard let decoded = String(raw).removingPercentEncoding else {
            // The password's own text is not quoted: it may be the part that is wrong.
            throw ConnectionSettings.Problem(message: "invalid percent-encoding in the URL's \(key)")
        }
        values[key] = decoded
    }
}

/// libpq's password file: lines of host:port:database:user:password, `*` matching anything,
/// `\:` and `\\` escaping, `#` starting a comment. A file that others may read is ignored, with
/// a warning, as libpq does.
enum PasswordFile {
    static func lookup(_ path: String, host: String, port: Int, database: String, user: String) -> (password: String?, warnings: [String]) {
        var st = stat()
        guard stat(path, &st) == 0 else { return (nil, []) }
        guard (st.st_mode & S_IFMT) == S_IFREG else {
            return (nil, ["password file \"\(path)\" is not a plain file; it was ignored"])
        }
        if st.st_mode & 0o077 != 0 {
            return (nil, ["password file \"\(path)\" has group or world access; permissions should be u=rw (0600) or less; it was ignored"])
        }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return (nil, []) }
        let wanted = [host, String(port), database, user]
        for line in text.split(whereSeparator: \.isNewline) where !line.hasPrefix("#") {
            let fields = split(line)
            guard fields.count >= 5 else { continue }
            if zip(fields, wanted).allSatisfy({ $0 == "*" || $0 == $1 }) { return (fields[4], []) }
        }
        return (nil, [])
    }

    /// A line's fields, with `\:` and `\\` unescaped; the password is the rest of the line.
    static func split(_ line: Substring) -> [String] {
        var fields: [String] = []
        var current = ""
        var escaped = false
        for ch in line {
            if escaped {
                current.append(ch)
                escaped = false
            } else if ch == "\\" {
                escaped = true
            } else if ch == ":" && fields.count < 4 {
                fields.append(current)
                current = ""
            } else {
                current.append(ch)
            }
        }
        fields.append(current)
        return fields
    }
}
