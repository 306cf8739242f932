import Foundation
import TendStore

/// Another member's transaction conflicting with a run's (PostgreSQL): the run is tried again,
/// whole, after a pause, and prints only what its last attempt printed.
extension Session {
    /// What an attempt prints, held until it is known to be the last.
    final class HeldOutput {
        var lines: [(toOut: Bool, text: String)] = []
    }

    /// Runs `attempt` (one transaction) until it ends other than by a conflict, at most the
    /// store's `conflictAttempts` times. Assertions, errors and text of a conflicting attempt are
    /// forgotten; files it wrote are replaced by the next attempt's (`rewritable`).
    func retryingConflicts(_ attempt: () -> ExitStatus) -> ExitStatus {
        let attempts = store.conflictAttempts
        guard attempts > 1 else { return attempt() }
        let console = self.console
        let kept = (assertions: assertions.count, errors: errors.count)
        defer {
            self.console = console
            rewritable = []
        }
        var n = 1
        while true {
            let held = HeldOutput()
            self.console = Console(out: { held.lines.append((true, $0)) }, err: { held.lines.append((false, $0)) })
            let status = attempt()
            if status == .failed && store.conflicted && n < attempts {
                assertions.removeSubrange(kept.assertions...)
                errors.removeSubrange(kept.errors...)
                rewritable = writtenThisRun
                conflictRetries += 1
                Thread.sleep(forTimeInterval: ConflictPause.before(n + 1))
                n += 1
                continue
            }
            for line in held.lines { line.toOut ? console.out(line.text) : console.err(line.text) }
            if status == .failed && store.conflicted {
                console.err("Gave up after \(attempts) attempts: other changes kept conflicting with this one; nothing was changed.")
            }
            return status
        }
    }
}
