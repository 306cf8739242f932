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
/// piece of Tend's code that does, the feed `each` puts rows in, waits only for the caller
/// taking rows out, which the caller does until the statement is over; the body `each` hands
/// rows to may not send a statement (`run` refuses one); so nothing deadlocks.
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

    /// Runs one statement and hands its rows to `body` one at a time, as they arrive: no more
    /// than a few thousand rows are held at once, so a read of a million rows takes little
    /// memory, and rows are worked on while the server is still sending the rest.
    ///
    /// The connection's thread takes the rows off the wire into a `RowFeed` (postgres-nio's
    /// `onRow`) while `body` works on them on the caller's thread: a row's bytes are parsed on one
    /// core while the rows before it are made into Tend's values on the other. `body` must not
    /// use the connection (a statement sent from it is refused). An error `body` throws stops
    /// the statement and is thrown here as it was.
    func each(_ sql: String, _ values: [SQLValue], _ body: (PostgresRandomAccessRow) throws -> Void) throws {
        let feed = RowFeed()
        var failure: Error?
        do {
            _ = try run(
                sql, values,
                whileRunning: { [self] done in
                    done.whenComplete { _ in feed.finish() }
                    reading = true
                    defer { reading = false }
                    while let batch = feed.next() {
                        for row in batch where failure == nil {
                            do { try body(row.makeRandomAccess()) } catch {
                                failure = error
                                feed.stop()
                            }
                        }
                    }
                }
            ) { connection, query, logger in
                connection.query(query, logger: logger) { row in try feed.put(row) }.map { _ in [] }
            }
        } catch {
            throw failure ?? error
        }
        if let failure { throw failure }
    }

    /// Set while `each` hands rows to its body: a statement sent then is refused.
    private var reading = false

    /// The rows of `each`'s statement between the connection's thread, which puts them in as
    /// they arrive, and the caller's, which takes them out a batch at a time. The connection's
    /// thread waits while `room` rows are waiting already.
    private final class RowFeed: @unchecked Sendable {
        private let condition = NSCondition()
        private var rows: [PostgresRow] = []
        private var finished = false
        private var stopped = false
        /// Rows waiting at most: a few MB of a wide table's rows, enough that neither thread waits
        /// for the other while both keep pace.
        static let room = 2048
        /// The caller is woken for this many rows at a time (or the last ones): woken for each row,
        /// the two threads spent more on waking each other than they gained (100k agenda: no gain
        /// at 1, 7 % at 256).
        static let batch = 256

        struct Stopped: Error {}

        /// On the connection's thread: one row more; throws when the caller stopped reading.
        func put(_ row: PostgresRow) throws {
            condition.lock()
            defer { condition.unlock() }
            while rows.count >= Self.room && !stopped { condition.wait() }
            if stopped { throw Stopped() }
            rows.append(row)
            if rows.count == Self.batch { condition.broadcast() }
        }

        /// The statement is over (every row is in, or it failed).
        func finish() {
            condition.lock()
            finished = true
            condition.broadcast()
            condition.unlock()
        }

        /// The caller wants no more rows: the statement is stopped at the next one.
        func stop() {
            condition.lock()
            stopped = true
            rows.removeAll()
            condition.broadcast()
            condition.unlock()
        }

        /// On the caller's thread: the rows waiting, once there are any; nil when the statement is over.
        func next() -> [PostgresRow]? {
            condition.lock()
            defer { condition.unlock() }
            while rows.count < Self.batch && !finished { condition.wait() }
            if rows.isEmpty { return nil }
            var batch: [PostgresRow] = []
            batch.reserveCapacity(Self.room)
            swap(&batch, &rows)
            condition.broadcast()
            return batch
        }
    }

    private func rows(_ sql: String, _ values: [SQLValue]) throws -> [PostgresRow] {
        try run(sql, values) { connection, query, logger in
            connection.query(query, logger: logger).map(\.rows)
        }
    }

    /// Sends one statement, as `send` makes it of the connection, the statement and the logger,
    /// runs `whileRunning` with its result to come (on this thread), and waits for that result.
    private func run(
        _ sql: String, _ values: [SQLValue], whileRunning: (EventLoopFuture<[PostgresRow]>) -> Void = { _ in },
        _ send: (PostgresConnection, PostgresQuery, Logger) -> EventLoopFuture<[PostgresRow]>
    ) throws -> [PostgresRow] {
        // A statement from a row's body (reading more) would wait behind the statement whose rows
        // it is given; from the connection's own thread, for the thread that has to answer it.
        guard !reading, !connection.eventLoop.inEventLoop else {
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
            whileRunning(promise.futureResult)
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
