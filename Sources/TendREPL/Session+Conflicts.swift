import Foundation
import TendStore

/// Another member's transaction conflicting with a run's (PostgreSQL): the run is tried again,
/// whole, after a pause, and prints only what its last attempt printed.
extension Session {
    /// What an attempt prints, held until it is known to be the last, then written as it
    /// would have been.
    final class HeldOutput {
        enum Piece {
            case out(String), err(String)
            /// Part of standard output with no line break of its own (a streamed table's block).
            case part(String)
        }
        var pieces: [Piece] = []

        /// A console that holds what it is given.
        var console: Console {
            Console(out: { self.pieces.append(.out($0)) }, err: { self.pieces.append(.err($0)) }, part: { self.pieces.append(.part($0)) })
        }

        /// Writes what was held to `console`; parts in a row go as one, a line (its last line
        /// break left to `out`) where the console takes no parts.
        func replay(to console: Console) {
            var parts = ""
            func flushParts() {
                guard !parts.isEmpty else { return }
                if let part = console.part {
                    try? part(parts)
                } else {
                    console.out(parts.hasSuffix("\n") ? String(parts.dropLast()) : parts)
                }
                parts = ""
            }
            for piece in pieces {
                switch piece {
                case .part(let text): parts += text
                case .out(let text):
                    flushParts()
                    console.out(text)
                case .err(let text):
                    flushParts()
                    console.err(text)
                }
            }
            flushParts()
        }
    }

    /// Runs `attempt` (one transaction) until it ends other than by a conflict, at most the
    /// store's `conflictAttempts` times. Assertions, errors and text of a conflicting attempt are
    /// forgotten; files it wrote are replaced by the next attempt's (`rewritable`). A run that
    /// `onlyReads` cannot conflict (`beginReading`): it runs once and prints as it goes.
    func retryingConflicts(unless onlyReads: Bool = false, _ attempt: () -> ExitStatus) -> ExitStatus {
        let attempts = store.conflictAttempts
        guard attempts > 1, !onlyReads else { return attempt() }
        let console = self.console
        let kept = (assertions: assertions.count, errors: errors.count)
        defer {
            self.console = console
            rewritable = []
        }
        var n = 1
        while true {
            let held = HeldOutput()
            self.console = held.console
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
            held.replay(to: console)
            if status == .failed && store.conflicted {
                console.err("Gave up after \(attempts) attempts: other changes kept conflicting with this one; nothing was changed.")
            }
            return status
        }
    }
}
