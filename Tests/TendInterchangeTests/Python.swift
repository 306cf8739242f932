import Foundation
import Testing

/// Runs a Python 3 script with arguments and returns what it printed. The mail fixtures are
/// written by Python's own `mailbox` and `email` modules, and recurrences are checked against
/// python-dateutil, so that the readers are tested on files they did not write themselves.
/// Nothing is skipped without python3: the test fails and says why.
func python(_ script: String, _ arguments: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = ["python3", "-c", script] + arguments
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    do { try process.run() } catch {
        Issue.record("python3 is needed to write the test's fixtures and could not be started: \(error)", sourceLocation: sourceLocation)
        throw error
    }
    // Read before waiting: a full pipe would stop the script.
    let output = out.fileHandleForReading.readDataToEndOfFile()
    let errors = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
        let message = String(decoding: errors, as: UTF8.self)
        Issue.record(
            "python3 failed (status \(process.terminationStatus)); is python3 installed with its standard library (and python-dateutil)?\n\(message)",
            sourceLocation: sourceLocation)
        throw CocoaError(.fileReadUnknown)
    }
    return String(decoding: output, as: UTF8.self)
}

/// A folder of its own under the system's temporary folder, removed by the caller.
func temporaryFolder(_ name: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("tend-\(name)-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    return url
}
