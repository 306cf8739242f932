import Foundation
import Logging
import PostgresNIO

/// One connection to PostgreSQL, used synchronously.
///
/// postgres-nio is asynchronous; the rest of Tend is synchronous (the interpreter asks its
/// model for rows and waits for them). The bridge: the connection has an event loop group of
/// its own with exactly one thread, which does all of the connection's I/O, and every call
/// here starts postgres-nio's future-returning API and blocks the calling thread on it
/// (`EventLoopFuture.wait()`) until the result or the error is there. That is safe because the
/// caller is never that event loop's thread: Tend's own threads never run on it, and the one
/// piece of Tend's code that does, the body `each` hands rows to, may not send a statement
/// (`run` refuses one from that thread); so the loop waits for no one and nothing deadlocks.
/// One statement is in flight at a time, as with SQLite.
final class PostgresConnectionBridge {
    private let group: MultiThreadedEventLoopGroup
    private let connection: PostgresConnection
    private let logger: Logger
    private var closed = false
    /// Set when a statement failed because another transaction conflicted with it (see
    /// `PostgresFailure.isConflict`); the store clears it when a transaction begins.
    var conflicted = false
    /// Statements sent so far, each a round trip to the server.
    private(set) var statements = 0
    /// The statement waited on, failed when the connection closes: postgres-nio leaves a
    /// statement sent on a connection the server dropped (a terminated backend, a server
    /// stopped) unanswered, and Tend waited for it for ever.
    private let inFlight = InFlight()

    final class InFlight: @unchecked Sendable {
        private let lock = NSLock()
        private var promise: EventLoopPromise<[PostgresRow]>?
        private var lost = false
        /// Starts waiting on `promise`; false when the connection is gone already.
        func start(_ p: EventLoopPromise<[PostgresRow]>) -> Bool {
            lock.withLock {
                promise = p
                return !lost
            }
        }
        func end() { lock.withLock { promise = nil } }
        func connectionClosed() {
            let p = lock.withLock {
                lost = true
                defer { promise = nil }
                return promise
            }
            p?.fail(PostgresFailure.lost)
        }
    }

    /// Connects as `settings` say; an error is a `PostgresFailure` in words for the user.
    init(_ settings: ConnectionSettings, home: String) throws {
        let configuration = try settings.configuration(home: home)
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // postgres-nio logs nothing Tend's user needs (its errors come back as errors).
        logger = Logger(label: "tend.postgres", factory: { _ in SwiftLogNoOpLogHandler() })
        do {
            connection = try PostgresConnection.connect(
                on: group.next(), configuration: configuration, id: 1, logger: logger
            ).wait()
        } catch {
            try? group.syncShutdownGracefully()
            throw PostgresFailure(connecting: settings, error)
        }
        connection.closeFuture.whenComplete { [inFlight] _ in inFlight.connectionClosed() }
    }

    deinit { close() }

    func close() {
        guard !closed else { return }
        closed = true
        try? connection.close().wait()
        try? group.syncShutdownGracefully()
    }

    /// Runs one statement with its parameters ($1, $2, …) and returns every row.
    @discardableResult
    func query(_ sql: String, _ values: [SQLValue] = []) throws -> [PostgresRandomAccessRow] {
        try rows(sql, values).map { $0.makeRandomAccess() }
    }

    /// Runs one statement and hands its rows to `body` one at a time, as they arrive: no row is
    /// kept after `body` has had it, so a read of a million rows holds one at a time, and rows
    /// are worked on while the server is still sending the rest.
    ///
    /// `body` runs on the connection's own thread while this one waits for the statement's end
    /// (postgres-nio's `onRow`), one row after the other, so it sees and changes what the
    /// caller's thread would; it must not use the connection (that would wait on the thread
    /// that has to answer, and is refused). An error `body` throws stops the statement and is
    /// thrown here as it was.
    func each(_ sql: String, _ values: [SQLValue], _ body: (PostgresRandomAccessRow) throws -> Void) throws {
        try withoutActuallyEscaping(body) { body in
            let hand = RowHand(body)
            // Nothing of `body` is left behind once the statement is over, whatever postgres-nio keeps.
            defer { hand.body = nil }
            do {
                _ = try run(sql, values) { connection, query, logger in
                    connection.query(query, logger: logger) { row in try hand.take(row) }.map { _ in [] }
                }
            } catch {
                throw hand.failure ?? error
            }
        }
    }

    /// Where `each`'s rows are handed to its body, and the body's own error kept. Unlocked: the
    /// body runs on the connection's thread while the caller waits for the statement's promise,
    /// and the promise's completion orders those writes before the caller reads `failure`.
    private final class RowHand: @unchecked Sendable {
        var body: ((PostgresRandomAccessRow) throws -> Void)?
        var failure: Error?
        init(_ body: @escaping (PostgresRandomAccessRow) throws -> Void) { self.body = body }
        func take(_ row: PostgresRow) throws {
            do {
                try body?(row.makeRandomAccess())
            } catch {
                failure = error
                throw error
            }
        }
    }

    private func rows(_ sql: String, _ values: [SQLValue]) throws -> [PostgresRow] {
        try run(sql, values) { connection, query, logger in
            connection.query(query, logger: logger).map(\.rows)
        }
    }

    /// Sends one statement, as `send` makes it of the connection, the statement and the logger,
    /// and waits for its result.
    private func run(
        _ sql: String, _ values: [SQLValue],
        _ send: (PostgresConnection, PostgresQuery, Logger) -> EventLoopFuture<[PostgresRow]>
    ) throws -> [PostgresRow] {
        // A statement from the connection's own thread (a row's body reading more) would wait for
        // the thread that has to answer it.
        guard !connection.eventLoop.inEventLoop else {
            throw PostgresFailure(message: "a statement was sent while the rows of another were being read")
        }
        statements += 1
        var binds = PostgresBindings(capacity: values.count)
        for v in values {
            switch v {
            case .text(let s): binds.append(s)
            case .int(let n): binds.append(n)
            case .bool(let b): binds.append(b)
            case .ints(let ns): binds.append(ns)
            case .texts(let ss): binds.append(ss)
            case .null: binds.appendNull()
            }
        }
        do {
            let promise = connection.eventLoop.makePromise(of: [PostgresRow].self)
            guard inFlight.start(promise) else {
                promise.fail(PostgresFailure.lost)
                throw PostgresFailure.lost
            }
            defer { inFlight.end() }
            send(connection, PostgresQuery(unsafeSQL: sql, binds: binds), logger).cascade(to: promise)
            return try promise.futureResult.wait()
        } catch {
            let failure = PostgresFailure(error)
            if failure.isConflict { conflicted = true }
            throw failure
        }
    }

    /// Runs statements without parameters, one after the other.
    func execute(_ statements: [String]) throws {
        for sql in statements { try query(sql) }
    }
}

/// A value for a statement's parameter.
enum SQLValue {
    case text(String)
    case int(Int64)
    case bool(Bool)
    /// An array of whole numbers (`= ANY($1)`).
    case ints([Int64])
    /// An array of texts (`unnest($1::text[])`).
    case texts([String])
    case null
    init(_ s: String?) { self = s.map(SQLValue.text) ?? .null }
    init(_ n: Int?) { self = n.map { .int(Int64($0)) } ?? .null }
    init(_ n: Int64?) { self = n.map(SQLValue.int) ?? .null }
}

/// An error from the server or the connection, in words a user can act on: the server's
/// message (and its SQLSTATE), or why the connection failed. Never the password, the SQL, or
/// postgres-nio's internals.
public struct PostgresFailure: Error, CustomStringConvertible {
    public var message: String
    /// The server's SQLSTATE, when the server answered (e.g. 40001 for a serialization failure).
    public var sqlState: String?
    public var description: String { message }

    static let lost = PostgresFailure(message: "the connection to the server was lost")

    init(message: String, sqlState: String? = nil) {
        self.message = message
        self.sqlState = sqlState
    }

    init(_ error: Error) {
        if let failure = error as? PostgresFailure {
            self = failure
            return
        }
        guard let e = error as? PSQLError else {
            self.init(message: "\(error)")
            return
        }
        if let server = e.serverInfo, server[.sqlState] == "55P03" {
            self.init(
                message: "another member's change kept what this one needs busy for 10 seconds (an import, or a long run); try again",
                sqlState: "55P03")
            return
        }
        if let server = e.serverInfo, let text = server[.message] {
            let detail = server[.detail].map { " (\($0))" } ?? ""
            self.init(message: text + detail, sqlState: server[.sqlState])
            return
        }
        switch e.code {
        case .connectionError, .serverClosedConnection, .uncleanShutdown:
            self.init(message: "the connection to the server was lost" + PostgresFailure.cause(e.underlying))
        case .authMechanismRequiresPassword:
            self.init(message: "the server asks for a password, and none was given (in the URL, PGPASSWORD or ~/.pgpass)")
        case .sslUnsupported:
            self.init(message: "the server does not support TLS, which sslmode requires")
        case .unsupportedAuthMechanism:
            self.init(message: "the server asks for an authentication method Tend does not support")
        default:
            self.init(message: "\(e.code)" + PostgresFailure.cause(e.underlying))
        }
    }

    init(connecting settings: ConnectionSettings, _ error: Error) {
        let inner = PostgresFailure(error)
        var why = inner.message
        if let e = error as? PSQLError, e.serverInfo == nil, e.code == .connectionError {
            // The server was reached, and its certificate (or TLS itself) refused.
            let tls = e.underlying.map { String(reflecting: type(of: $0)).contains("NIOSSL") } ?? false
            why = (tls ? "TLS with the server failed (sslmode=\(settings.sslMode.rawValue))" : "cannot reach the server") + PostgresFailure.cause(e.underlying)
        }
        self.init(message: "cannot connect to \(settings): \(why)", sqlState: inner.sqlState)
    }

    static func cause(_ error: Error?) -> String {
        guard let error else { return "" }
        if let io = error as? IOError { return " (\(String(cString: strerror(io.errnoCode))))" }
        if let c = error as? NIOConnectionError, let first = c.connectionErrors.first {
            return cause(first.error)
        }
        return " (\(error))"
    }
}
