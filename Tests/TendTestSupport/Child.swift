import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// What a program a test ran did: its output, how it ended.
public struct ChildResult: Sendable {
    public var stdout: Data
    public var stderr: Data
    /// The exit status, or the signal's number when `signalled`.
    public var status: Int32
    public var signalled: Bool
    public var stdoutText: String { String(decoding: stdout, as: UTF8.self) }
    public var stderrText: String { String(decoding: stderr, as: UTF8.self) }
}

/// A program that was still running at its deadline. It was killed; the test fails with what
/// it had printed, instead of the whole suite waiting until CI gives up on it.
public struct ChildTimedOut: Error, CustomStringConvertible {
    public var command: [String]
    public var seconds: TimeInterval
    public var stdout: String
    public var stderr: String
    public var description: String {
        "\(command.joined(separator: " ")) did not finish within \(Int(seconds)) s and was killed"
            + (stderr.isEmpty ? "" : "; stderr: \(stderr.suffix(500))")
            + (stdout.isEmpty ? "" : "; stdout: \(stdout.suffix(300))")
    }
}

/// Runs programs for the tests: the `tend` binary, python3, sqlite3.
///
/// Input is written and both outputs are read at the same time (reading stdout to its end
/// before stderr stops a program that fills the stderr pipe first, and the test with it), and
/// every run has a deadline: a program that hangs is killed and the test fails naming it.
public enum Child {
    /// Seconds a program may run: `TEND_TEST_CHILD_TIMEOUT`, else 300 (the slowest run in the
    /// suite, a 20,000-card import by the debug build on a loaded two-core machine, takes a
    /// tenth of that).
    public static var defaultTimeout: TimeInterval {
        ProcessInfo.processInfo.environment["TEND_TEST_CHILD_TIMEOUT"].flatMap(TimeInterval.init) ?? 300
    }

    /// Starts `executable` with `arguments`, feeds it `stdin` (then end of file), and waits for
    /// it to end, at most `timeout` seconds. `environment` nil inherits the test's.
    public static func run(
        _ executable: String, _ arguments: [String], environment: [String: String]? = nil, directory: URL? = nil,
        stdin: Data = Data(), timeout: TimeInterval = defaultTimeout
    ) throws -> ChildResult {
        ignoreBrokenPipes
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        if let directory { p.currentDirectoryURL = directory }
        if let environment { p.environment = environment }
        let input = Pipe()
        let output = Pipe()
        let errors = Pipe()
        p.standardInput = input
        p.standardOutput = output
        p.standardError = errors
        try p.run()
        let deadline = Date().addingTimeInterval(timeout)
        var streams = Streams(
            input: input.fileHandleForWriting, pending: stdin,
            outputs: [output.fileHandleForReading, errors.fileHandleForReading])
        let finished = streams.pump(until: deadline, while: { p.isRunning })
        if !finished || !waitForExit(p, until: deadline) {
            kill(p.processIdentifier, SIGKILL)
            p.waitUntilExit()
            throw ChildTimedOut(
                command: [executable] + arguments, seconds: timeout,
                stdout: String(decoding: streams.received[0], as: UTF8.self),
                stderr: String(decoding: streams.received[1], as: UTF8.self))
        }
        return ChildResult(
            stdout: streams.received[0], stderr: streams.received[1], status: p.terminationStatus,
            signalled: p.terminationReason == .uncaughtSignal)
    }

    /// A write to a program that has already ended is an EPIPE error to handle, not a signal
    /// that ends the whole test process.
    private static let ignoreBrokenPipes: Void = { signal(SIGPIPE, SIG_IGN) }()

    private static func waitForExit(_ p: Process, until deadline: Date) -> Bool {
        while p.isRunning {
            if Date() >= deadline { return false }
            usleep(5_000)
        }
        p.waitUntilExit()
        return true
    }
}

/// The three pipes of one run, served with poll(2) as each becomes ready.
private struct Streams {
    var input: FileHandle?
    var pending: Data
    var written = 0
    var outputs: [FileHandle?]
    var received: [Data]

    init(input: FileHandle, pending: Data, outputs: [FileHandle]) {
        self.input = input
        self.pending = pending
        self.outputs = outputs
        self.received = outputs.map { _ in Data() }
        for handle in [input] + outputs { _ = fcntl(handle.fileDescriptor, F_SETFL, fcntl(handle.fileDescriptor, F_GETFL) | O_NONBLOCK) }
        if pending.isEmpty { closeInput() }
    }

    /// Writes the input and reads both outputs until each output reaches its end; false if
    /// the deadline came first. Once the program has ended, a pipe still held open by a
    /// program it started (a daemon) is given two seconds, then left.
    mutating func pump(until deadline: Date, while running: () -> Bool) -> Bool {
        var ended: Date?
        while outputs.contains(where: { $0 != nil }) {
            let now = Date()
            if now >= deadline { return false }
            if ended == nil, !running() { ended = now }
            if let ended, now.timeIntervalSince(ended) > 2 { break }
            var fds: [pollfd] = []
            if let input { fds.append(pollfd(fd: input.fileDescriptor, events: Int16(POLLOUT), revents: 0)) }
            for case let handle? in outputs { fds.append(pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)) }
            let wait = Int32(max(1, min(200, deadline.timeIntervalSince(now) * 1000)))
            if poll(&fds, nfds_t(fds.count), wait) < 0 && errno != EINTR { return false }
            writeSome()
            for i in outputs.indices { readAll(i) }
        }
        return true
    }

    private mutating func writeSome() {
        guard let input else { return }
        let n = pending.withUnsafeBytes { bytes in
            write(input.fileDescriptor, bytes.baseAddress! + written, min(bytes.count - written, 65_536))
        }
        if n > 0 { written += n }
        if written == pending.count || (n < 0 && errno != EAGAIN && errno != EINTR) { closeInput() }
    }

    private mutating func closeInput() {
        try? input?.close()
        input = nil
    }

    private mutating func readAll(_ i: Int) {
        guard let handle = outputs[i] else { return }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            let n = read(handle.fileDescriptor, &buffer, buffer.count)
            if n > 0 {
                received[i].append(contentsOf: buffer[0..<n])
            } else if n < 0 && (errno == EAGAIN || errno == EINTR) {
                return
            } else {
                try? handle.close()
                outputs[i] = nil
                return
            }
        }
    }
}
