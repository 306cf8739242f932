import Foundation
import TendTestSupport
import Testing

/// Runs a Python 3 script with arguments and returns what it printed. The mail fixtures are
/// written by Python's own `mailbox` and `email` modules, and recurrences are checked against
/// python-dateutil, so that the readers are tested on files they did not write themselves.
/// Nothing is skipped without python3: the test fails and says why.
func python(_ script: String, _ arguments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let run: ChildResult
    do { run = try Child.run("/usr/bin/env", ["python3", "-c", script] + arguments) } catch {
        Issue.record("python3 is needed to write the test's fixtures and could not be run: \(error)", sourceLocation: sourceLocation)
        throw error
    }
    guard run.status == 0 else {
        Issue.record(
            "python3 failed (status \(run.status)); is python3 installed with its standard library (and python-dateutil)?\n\(run.stderrText)",
            sourceLocation: sourceLocation)
        throw CocoaError(.fileReadUnknown)
    }
    return run.stdoutText
}

/// A folder of its own under the system's temporary folder, removed by the caller.
func temporaryFolder(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tend-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}

/// Random input for a reader: `count` pieces after `start`, each a random byte or (one time in
/// four) one of `tokens`, the pieces of its format that make a reader go down its paths.
/// Seeded, so that a failure repeats.
struct Noise {
    var seed: UInt64
    mutating func next() -> UInt64 {
        seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        return seed >> 33
    }
    mutating func bytes(after start: String, count: Int, tokens: [String]) -> [UInt8] {
        var out = Array(start.utf8)
        for _ in 0..<count {
            let pick = Int(next() % UInt64(tokens.count * 4))
            out += pick < tokens.count ? Array(tokens[pick].utf8) : [UInt8(truncatingIfNeeded: next())]
        }
        return out
    }
}
