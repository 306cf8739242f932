import CEditLine
import Foundation
import TendCore

/// Reads lines from the user. The REPL talks to this seam only, so that the line editor (or
/// plain standard input) can be swapped without touching the rest.
public protocol LineReader: AnyObject {
    /// The next line without its newline; nil at end of input. Throws `Interrupted` on Ctrl-C.
    func readLine(prompt: String) throws -> String?
    /// Remembers an entered statement (several lines make one entry).
    func addHistory(_ entry: String)
    /// Writes the history to its file.
    func saveHistory()
    /// Whether more input is already waiting (lines pasted together), so that reading it would not
    /// wait for the user.
    func hasPendingInput() -> Bool
    /// Drops the input waiting (the rest of a paste) and says how many lines it held.
    func discardPendingInput() -> Int
    /// Whether input is waiting now, without waiting for any (typed while a statement ran).
    func hasInputWaiting() -> Bool
    /// The next line waiting (pasted), taken without showing it; nil when none is whole yet.
    func takePendingLine() -> String?
    /// Gives a line taken by `takePendingLine` back, to be read (and shown) by the next `readLine`.
    func pushBack(_ line: String)
}

extension LineReader {
    public func hasPendingInput() -> Bool { false }
    public func discardPendingInput() -> Int { 0 }
    public func takePendingLine() -> String? { nil }
    public func pushBack(_ line: String) {}
    public func hasInputWaiting() -> Bool { false }
}

/// The terminal standard output is drawn on.
public enum Terminal {
    /// Its width in columns now, nil when standard output (or `fd`) is not a terminal (80 when
    /// the terminal does not say). The REPL reads it again before each statement, so tables follow a resize.
    public static func width(of fd: Int32 = STDOUT_FILENO) -> Int? {
        guard isatty(fd) == 1 else { return nil }
        var size = winsize()
        if ioctl(fd, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }
}

/// Ctrl-C while typing: the current input is dropped and the REPL asks again.
public struct Interrupted: Error {}

/// Standard input without editing, for terminals libedit cannot drive.
public final class PlainLineReader: LineReader {
    public init() {}
    public func readLine(prompt: String) throws -> String? {
        if endPending != 0 { return nil }
        TerminalOutput.flush()
        TerminalOutput.write(prompt, to: STDOUT_FILENO)
        return Swift.readLine(strippingNewline: true)
    }
    public func addHistory(_ entry: String) {}
    public func saveHistory() {}
}

// These three are reached from C callbacks (a signal handler, libedit's prompt and completion
// functions), which cannot carry a context, so they are globals. `nonisolated(unsafe)` is sound
// because the REPL has one thread: libedit calls back on the thread blocked in `el_gets`, the
// thread that sets them; the signal handler only stores to a `sig_atomic_t`.

/// Set by the SIGINT handler; checked when libedit's read is interrupted.
nonisolated(unsafe) private var interruptPending: sig_atomic_t = 0
/// Set by SIGHUP (the terminal window closed) or SIGTERM: the REPL ends as at Ctrl-D, so that
/// the database's log is folded into its file (a REPL so ended left committed changes in
/// `-wal` alone, which a copy of the file, or a backup copied back over it, lost or mixed).
nonisolated(unsafe) private var endPending: sig_atomic_t = 0
/// Set by SIGCONT: the REPL was stopped (Ctrl-Z) and goes on.
nonisolated(unsafe) private var continuedPending: sig_atomic_t = 0
/// The prompt libedit shows: it asks for it through a C callback, so it lives here.
nonisolated(unsafe) private var currentPrompt: UnsafeMutablePointer<CChar>? = strdup("> ")
/// The completion function, reached from libedit's C callback.
nonisolated(unsafe) private var activeCompleter: ((String) -> Completion)?

/// The word before the cursor and the words that may replace it.
public struct Completion: Equatable {
    public var word: String
    /// As they go into the line (inside a string, escaped as the language writes it).
    public var candidates: [String]
    /// What follows a sole candidate: a space after a word, the closing quote in a string,
    /// nothing after a folder (`sub/`, which its files complete next).
    public var closing: String
    /// True inside a string nothing completes: the Tab goes in as it is, a tab of the text.
    public var keepsTab = false
    public init(word: String, candidates: [String], closing: String = " ", keepsTab: Bool = false) {
        self.word = word
        self.candidates = candidates
        self.closing = closing
        self.keepsTab = keepsTab
    }

    /// What follows `candidate` when it is the only one.
    func closing(after candidate: String) -> String { candidate.hasSuffix("/") ? "" : closing }
}

/// libedit: emacs bindings, UTF-8, persistent history, Ctrl-R search, and tab completion.
public final class EditLineReader: LineReader {
    private let el: OpaquePointer
    private let history: OpaquePointer
    private var event = HistEvent()
    private let historyPath: String?
    /// False under --read-only: the history is read (Up, Ctrl-R) and never written.
    private let savesHistory: Bool

    /// nil when libedit cannot work on this terminal.
    /// `complete` is given the line up to the cursor.
    public init?(historyPath: String?, savesHistory: Bool = true, complete: @escaping (String) -> Completion) {
        setlocale(LC_CTYPE, "")
        guard let el = tend_el_init_standard("tend"), let h = history_init() else { return nil }
        self.el = el
        self.history = h
        self.historyPath = historyPath
        self.savesHistory = savesHistory
        activeCompleter = complete
        tend_history_setsize(h, &event, EditLineReader.historySize)
        tend_history_setunique(h, &event, 1)
        tend_el_set_editor(el, "emacs")
        // libedit's own handlers pass a signal on with kill(0, …), to every process of the
        // group: a SIGTERM sent to the REPL at its prompt ended its parent shell and the rest
        // of its job too. Tend's handlers stay in place instead (Ctrl-C, SIGTERM, SIGHUP), and
        // the terminal's size is read again before each line.
        tend_el_set_signal(el, 0)
        tend_el_set_hist(el, h)
        tend_el_set_prompt(el) { _ in currentPrompt }
        tend_el_set_addfn(el, "tend-complete", "Complete the word before the cursor") { el, _ in
            EditLineReader.complete(el)
        }
        tend_el_set_bind(el, "^I", "tend-complete")
        tend_el_set_bind(el, "^R", "em-inc-search-prev")
        el_source(el, nil)
        if let path = historyPath, EditLineReader.isSafeHistoryFile(path) {
            tend_history_load(h, &event, path)
        }
        EditLineReader.installInterruptHandler()
    }

    deinit {
        el_end(el)
        history_end(history)
    }

    /// A history file that is a symlink could make Tend overwrite another file: it is not used.
    static func isSafeHistoryFile(_ path: String) -> Bool {
        var st = stat()
        if lstat(path, &st) != 0 { return true }
        return (st.st_mode & S_IFMT) == S_IFREG
    }

    /// Whether SIGTERM or SIGHUP ended the REPL.
    public static var endedBySignal: Bool { endPending != 0 }

    static func installInterruptHandler() {
        var action = sigaction()
        // At the prompt the line is dropped; while a statement runs, it stops (and is rolled back).
        action.__sigaction_handler.sa_handler = { _ in
            interruptPending = 1
            Interruption.requested = SIGINT
        }
        sigemptyset(&action.sa_mask)
        action.sa_flags = 0  // no SA_RESTART: the read returns, and the REPL drops the line
        sigaction(SIGINT, &action, nil)
        // A hang-up or a termination stops the statement running (rolled back) and ends the REPL.
        var end = sigaction()
        // The statement running says which signal stopped it.
        end.__sigaction_handler.sa_handler = { signal in
            endPending = 1
            Interruption.requested = signal
        }
        sigemptyset(&end.sa_mask)
        end.sa_flags = 0
        sigaction(SIGHUP, &end, nil)
        sigaction(SIGTERM, &end, nil)
        // Back from Ctrl-Z (`fg`): the shell left the terminal as it wants it; the line is read
        // again from its prompt, which puts libedit's own terminal mode back.
        var resumed = sigaction()
        resumed.__sigaction_handler.sa_handler = { _ in continuedPending = 1 }
        sigemptyset(&resumed.sa_mask)
        resumed.sa_flags = 0
        sigaction(SIGCONT, &resumed, nil)
    }

    public func readLine(prompt: String) throws -> String? {
        if endPending != 0 { return nil }
        el_resize(el)
        TerminalOutput.flush()
        free(currentPrompt)
        currentPrompt = strdup(prompt)
        interruptPending = 0
        // An EINTR left from an earlier Ctrl-C would make Ctrl-D at an empty prompt read as one.
        errno = 0
        var count: Int32 = 0
        continuedPending = 0
        guard let line = el_gets(el, &count) else {
            if endPending != 0 { return nil }
            if continuedPending != 0 && interruptPending == 0 {
                TerminalOutput.write("\n", to: STDOUT_FILENO)
                el_reset(el)
                return try readLine(prompt: prompt)
            }
            if interruptPending != 0 || errno == EINTR {
                interruptPending = 0
                TerminalOutput.write("^C\n", to: STDOUT_FILENO)
                el_reset(el)
                throw Interrupted()
            }
            return nil
        }
        if endPending != 0 { return nil }
        if interruptPending != 0 {
            interruptPending = 0
            throw Interrupted()
        }
        var text = String(cString: line)
        if text.hasSuffix("\n") { text.removeLast() }
        return text
    }

    /// Pasted text arrives in a burst; 10 ms covers one split across writes on a busy machine,
    /// and is the most a typed statement waits before it runs.
    public func hasPendingInput() -> Bool {
        var p = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, 10) > 0 && (p.revents & Int16(POLLIN)) != 0
    }

    /// Between two reads the terminal is in its line mode, so a line waiting is whole: its bytes
    /// are read one at a time up to its end (libedit's own reads are a byte at a time too, so it
    /// holds none of them). Read so, the line is not shown until `readLine` reads it again: the
    /// next pasted line appeared above the answer to the statement before it.
    /// A last line without its end (a paste that did not end with one) is made readable by the
    /// switch back to the line mode too: it is given back to libedit unended, to be shown at the
    /// next prompt and finished there, and no line is returned. So is what a signal interrupted.
    public func takePendingLine() -> String? {
        guard hasPendingInput() else { return nil }
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while true {
            guard hasInputWaiting(), Foundation.read(STDIN_FILENO, &byte, 1) == 1 else {
                if !bytes.isEmpty { push(String(decoding: bytes, as: UTF8.self)) }
                return nil
            }
            if byte == 0x0A { break }
            bytes.append(byte)
        }
        if bytes.last == 0x0D { bytes.removeLast() }
        return String(decoding: bytes, as: UTF8.self)
    }

    public func pushBack(_ line: String) { push(line + "\n") }

    /// Text given back to libedit as if typed; wide, so that it does not depend on the locale.
    private func push(_ text: String) {
        var wide = text.unicodeScalars.map { wchar_t(bitPattern: $0.value) } + [0]
        el_wpush(el, &wide)
    }

    public func hasInputWaiting() -> Bool {
        var p = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
        return poll(&p, 1, 0) > 0 && (p.revents & Int16(POLLIN)) != 0
    }

    /// Reads what is waiting, as long as more comes within the paste's 10 ms, and drops it
    /// (libedit reads a byte at a time, so nothing of it is held inside the editor).
    public func discardPendingInput() -> Int {
        var lines = 0
        var partial = false
        var buffer = [UInt8](repeating: 0, count: 4096)
        while hasPendingInput() {
            let n = Foundation.read(STDIN_FILENO, &buffer, buffer.count)
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { break }
            for b in buffer[..<n] {
                if b == 0x0A || b == 0x0D {
                    if partial { lines += 1 }
                    partial = false
                } else {
                    partial = true
                }
            }
        }
        // A last line without its end stays in the terminal's queue until one comes: dropped too.
        tcflush(STDIN_FILENO, TCIFLUSH)
        return lines + (partial ? 1 : 0)
    }

    /// The longest entry kept in the history file: a pasted 100 KB line was kept whole, and read
    /// back at every start. A longer one is still recalled in the session (Up brings back the long
    /// statement that had a typo).
    static let maxHistoryEntry = 4096
    /// The longest entry recalled in the session.
    static let maxSessionEntry = 1 << 20

    public func addHistory(_ entry: String) {
        guard !entry.trimmingCharacters(in: .whitespaces).isEmpty, entry.utf8.count <= EditLineReader.maxSessionEntry else { return }
        tend_history_enter(history, &event, entry)
        if savesHistory && entry.utf8.count <= EditLineReader.maxHistoryEntry { save(entry) }
    }

    /// Every entry is written to the file as it is entered: nothing is left to write at the end
    /// (writing this session's list then would drop another REPL's lines).
    public func saveHistory() {}

    /// Writes the history file: what it holds now (another REPL's lines among them) with
    /// `entry` after it. Saving this session's list alone lost every line another REPL open at
    /// the same time had written.
    private func save(_ entry: String) {
        guard let path = historyPath else { return }
        guard EditLineReader.isSafeHistoryFile(path) else { return warnOnce("history is not kept: \(path) is not a plain file (a symbolic link?)") }
        let dir = PathName.folder(path)
        try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        if !FileManager.default.fileExists(atPath: path) {
            let fd = open(path, O_CREAT | O_WRONLY, 0o600)
            if fd >= 0 { close(fd) }
        }
        guard access(path, W_OK) == 0 else { return warnOnce("history is not kept: \(path) cannot be written") }
        guard let merged = history_init() else { return }
        defer { history_end(merged) }
        var ev = HistEvent()
        tend_history_setsize(merged, &ev, EditLineReader.historySize)
        tend_history_setunique(merged, &ev, 1)
        tend_history_load(merged, &ev, path)
        tend_history_enter(merged, &ev, entry)
        if tend_history_save(merged, &ev, path) < 0 { return warnOnce("history is not kept: \(path) cannot be written") }
        chmod(path, 0o600)
    }

    /// A history that cannot be kept is said once a session (it went unsaid: Up found nothing
    /// the next day).
    private func warnOnce(_ message: String) {
        guard !historyWarned else { return }
        historyWarned = true
        TerminalOutput.write("tend: warning: " + TerminalText.escaped(message, keep: []) + "\n", to: STDERR_FILENO)
    }
    private var historyWarned = false

    static let historySize: Int32 = 2000

    /// Tab: completes the word before the cursor, or lists the candidates when there are several.
    static func complete(_ el: OpaquePointer?) -> UInt8 {
        guard let el, let info = el_line(el)?.pointee, let completer = activeCompleter else { return UInt8(CC_ERROR) }
        let length = info.cursor - info.buffer
        let bytes = UnsafeBufferPointer(start: UnsafeRawPointer(info.buffer).assumingMemoryBound(to: UInt8.self), count: length)
        let completion = completer(String(decoding: bytes, as: UTF8.self))
        let word = completion.word
        let candidates = completion.candidates
        guard !candidates.isEmpty else {
            guard completion.keepsTab else { return UInt8(CC_REFRESH_BEEP) }
            el_insertstr(el, "\t")
            return UInt8(CC_REFRESH)
        }
        var common = candidates[0]
        for c in candidates.dropFirst() {
            while !c.hasPrefix(common) { common.removeLast() }
        }
        if common.count > word.count {
            var rest = String(common.dropFirst(word.count))
            if candidates.count == 1 { rest += completion.closing(after: candidates[0]) }
            el_insertstr(el, rest)
            return UInt8(CC_REFRESH)
        }
        if candidates.count == 1 {
            el_insertstr(el, completion.closing(after: candidates[0]))
            return UInt8(CC_REFRESH)
        }
        // Listed as the terminal shows text from data (control characters escaped), in columns
        // as wide as the terminal is.
        let shown = candidates.prefix(200).map { TerminalText.escaped($0, keep: []) }
        let width = (shown.map(\.count).max() ?? 10) + 2
        let perLine = max(1, (Terminal.width() ?? 80) / width)
        var text = "\n"
        for (i, c) in shown.enumerated() {
            text += c + String(repeating: " ", count: max(0, width - c.count))
            if (i + 1) % perLine == 0 { text += "\n" }
        }
        if candidates.count > 200 { text += "\n… \(candidates.count - 200) more" }
        if !text.hasSuffix("\n") { text += "\n" }
        TerminalOutput.write(text, to: STDOUT_FILENO)
        return UInt8(CC_REDISPLAY)
    }
}
