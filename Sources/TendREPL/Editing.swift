import Foundation
import TendCore

/// `edit @x` and `edit interaction 12`: the statements that set each field, in `$VISUAL` or
/// `$EDITOR`, checked when the editor closes. As with `git commit` and `crontab -e`, a file that
/// does not check is opened again with the errors as comments at the top; without a terminal
/// to edit on, the first error ends the edit instead.
extension Session {
    /// The editor the user chose: `$VISUAL`, else `$EDITOR`, else vi. It is run by the shell,
    /// as git does, so that `EDITOR="code --wait"` works.
    static var editor: String { environmentSetting("VISUAL") ?? environmentSetting("EDITOR") ?? "vi" }

    /// Runs `edit @x` (alone in its program, see `editAlone`): the target is read, and every
    /// transaction ended, before the editor opens, so another process (or the user's other
    /// REPL) writes freely while the user edits; what changed is applied in one short write
    /// transaction, after checking that the target is as it was when the editor opened. A
    /// target another process changed meanwhile is not overwritten: the edit is refused with
    /// what changed, and the edited file is kept for the user.
    func runEdit(_ s: Statement, _ target: Statement.Target, _ program: CheckedProgram) -> ExitStatus {
        let original: (lines: [String], about: String)
        do {
            try store.begin(immediate: false)
            defer { store.rollback() }
            noticeOtherWriters()
            original = try interpreter.editText(target, s)
        } catch {
            return failed(error)
        }
        // The target as the editor opened on it, or another process changed it meanwhile.
        func unchanged() throws {
            noticeOtherWriters()
            // Removed or renamed meanwhile, it is no longer there to edit.
            let now = try? interpreter.editText(target, s)
            guard let now, now.lines == original.lines else {
                let diff =
                    now.map { EditText.changes(from: original.lines, to: $0.lines).diff } ?? [
                        "(it is no longer there: removed, or given a new handle)"
                    ]
                throw EditFile.Conflict(about: original.about, diff: diff)
            }
        }
        do {
            let applied = try edit(original.lines, about: original.about, unchanged: unchanged) { statements in
                try store.begin(immediate: true)
                try unchanged()
                for statement in statements { _ = try execute(statement) }
                try store.commit(label: journalLabel(program.mutations))
            }
            if !applied { show(.text("Nothing changed: the file was left as it was.")) }
            return .success
        } catch let d as Diagnostic where d.kind != .runtime {
            store.rollback()
            report([d])
            return .invalid
        } catch {
            store.rollback()
            return failed(error)
        }
    }

    /// Ends an edit that failed: what was read is read again (definitions an added line made
    /// were rolled back with the rest), and the error is shown and kept.
    func failed(_ error: Error) -> ExitStatus {
        interpreter.invalidate()
        try? loadDefinitions()
        reportFailure(error)
        return .failed
    }

    /// `edit` runs on its own: it opens an editor, and applies what changed in a transaction
    /// of its own once the editor closes, which the other statements of a run cannot share.
    static func editAlone(_ statements: [Statement]) -> [Diagnostic] {
        guard statements.count > 1, let edit = statements.first(where: { if case .edit = $0.kind { true } else { false } }) else {
            return []
        }
        return [
            Diagnostic(
                .type, "edit opens an editor and applies what changed on its own, so it runs alone: run it apart from other statements",
                at: edit.range, in: edit.source)
        ]
    }

    /// Opens the editor on these statements and, once the user has saved a file that checks,
    /// shows what changed and gives the statements to `apply`; false when the file was left as
    /// it was, or emptied. A check error is located in the edited file (its path, line and
    /// column), as a script's is. `unchanged` throws a `Conflict` when the target was changed
    /// meanwhile (checked before the file is, and by `apply`): the file is then kept.
    public func edit(
        _ lines: [String], about: String, unchanged: () throws -> Void, apply: ([Statement]) throws -> Void
    ) throws -> Bool {
        let header = [
            "# Editing \(about): one statement per line. Change a line to change its field, delete it to clear",
            "# the field, add lines to add (set @x +tag, log call with @x). Save and close the editor to apply;",
            "# a file left as it was, or emptied, changes nothing.",
        ]
        let file = try EditFile(text: (header + lines).joined(separator: "\n") + "\n")
        var keep = false
        defer { if !keep { file.remove() } }
        func keptOnConflict(_ body: () throws -> Void) throws {
            do { try body() } catch let conflict as EditFile.Conflict {
                keep = true
                throw conflict.kept(in: file.path)
            }
        }
        // An edit given up on an error is kept where the error points, for the user to mend.
        func keptWith(_ error: Diagnostic) -> Diagnostic {
            keep = true
            var e = error
            e.notes.append("your edit is kept in \(file.path)")
            return e
        }
        var problems: [String] = []
        var refused: String?
        var refusedWith: [Diagnostic] = []
        while true {
            try Session.runEditor(on: file.path)
            let saved: String
            do {
                saved = try file.read()
            } catch let failure as EditFile.Failure {
                // Saved in another encoding, or with a NUL: what the user typed is kept to mend
                // (unless the editor took the file away).
                keep = access(file.path, F_OK) == 0
                throw EditFile.Failure("\(failure.description); nothing was changed" + (keep ? ", and your edit is kept in \(file.path)" : ""))
            }
            let body = saved.split(separator: "\n", omittingEmptySubsequences: false).filter { !problems.contains(String($0)) }
                .joined(separator: "\n")
            // Closed again without a change after an error: the edit is given up, as crontab -e does
            // when the user declines to retry (reopening it again would never end).
            // Located in the file as it is kept, the error comments on top of it included.
            if body == refused {
                // Its errors as the reopened file had them (the statements its changes run; the
                // file's whole text alone checks, and asking of it alone found none: a crash).
                let changes = EditText.changes(from: lines, to: EditText.statements(in: body)).statements
                throw keptWith(errorsOf(saved, in: file.path, about: about, changes: changes).first ?? refusedWith[0])
            }
            let (diff, changes) = EditText.changes(from: lines, to: EditText.statements(in: body))
            if changes.isEmpty && diff.isEmpty { return false }
            if EditText.statements(in: body).isEmpty { return false }
            try keptOnConflict(unchanged)
            // The whole file is checked, so that errors point at its lines; then what changed.
            let errors = errorsOf(body, in: file.path, about: about, changes: changes)
            guard !errors.isEmpty else {
                show(.text((["Changes to \(about):"] + diff).joined(separator: "\n")))
                try keptOnConflict {
                    do {
                        try apply(Parser.parse(Source(name: "<edit \(about)>", text: changes.joined(separator: "\n"))).statements)
                    } catch var failure as Diagnostic {
                        // Refused while running (a name deleted, a handle renamed before a line
                        // that still names the old one): nothing is kept of it, and the file is.
                        keep = true
                        failure.notes.append("nothing was changed; your edit is kept in \(file.path)")
                        throw failure
                    }
                }
                return true
            }
            guard isatty(STDIN_FILENO) == 1 else { throw keptWith(errors[0]) }
            refused = body
            refusedWith = errors
            // The errors go on top, as comments, located in the file as it is reopened: checked
            // again below as many comment lines as they take.
            let above = comments(errors).count
            problems = comments(errorsOf(String(repeating: "#\n", count: above) + body, in: file.path, about: about, changes: changes))
            try file.write((problems + [body]).joined(separator: "\n"))
        }
    }

    /// Errors as the comment lines an edited file is reopened with.
    func comments(_ errors: [Diagnostic]) -> [String] {
        let formatter = DiagnosticFormatter(color: false)
        return errors.flatMap { formatter.format($0).split(separator: "\n").map { "# " + $0 } } + ["#"]
    }

    /// An edited file's problems: the whole file's, so that errors point at its lines, then
    /// those of the statements its changes run.
    func errorsOf(_ body: String, in path: String, about: String, changes: [String]? = nil) -> [Diagnostic] {
        // The same slip found in both was shown twice, at two places: the file's is enough.
        let inFile = checkEdit(Source(name: path, text: body))
        guard inFile.isEmpty else { return inFile }
        let changes = changes ?? EditText.changes(from: [], to: EditText.statements(in: body)).statements
        return checkEdit(Source(name: "<edit \(about)>", text: changes.joined(separator: "\n")))
    }

    /// A file's problems: what does not parse, then what does not check; `edit` and `undo` do
    /// not run inside an edit (an edit in an edit nested without end), nor does removing a
    /// contact (the prompt asks first).
    func checkEdit(_ source: Source) -> [Diagnostic] {
        let parsed = Parser.parse(source)
        for s in parsed.statements {
            switch s.kind {
            case .edit, .journal: return [Diagnostic(.type, "\(Session.verb(s)) does not run inside an edit", at: s.range, in: s.source)]
            // Removing someone with their events is asked about at the prompt, not in a file.
            case .remove(.person):
                return [Diagnostic(.type, "remove @… does not run inside an edit (at the prompt it asks first)", at: s.range, in: s.source)]
            default: continue
            }
        }
        return parsed.diagnostics.isEmpty ? check(parsed.statements, readOnly: false).diagnostics : parsed.diagnostics
    }

    /// Runs the editor on a file and waits for it; an editor that fails changes nothing. It runs
    /// in Tend's own process group, the terminal's foreground one, as `system(3)` runs a
    /// command, so that it may read the terminal. Meanwhile Tend ignores Ctrl-C and Ctrl-\\,
    /// which are the editor's; the editor gets them as Tend was given them.
    static func runEditor(on path: String) throws {
        let arguments = ["/bin/sh", "-c", "\(editor) \"$@\"", "sh", path]
        let argv: [UnsafeMutablePointer<CChar>?] = arguments.map { strdup($0) } + [nil]
        defer { for a in argv { free(a) } }
        var ignore = sigaction()
        ignore.__sigaction_handler.sa_handler = SIG_IGN
        var saved = [sigaction(), sigaction()]
        sigaction(SIGINT, &ignore, &saved[0])
        sigaction(SIGQUIT, &ignore, &saved[1])
        defer {
            sigaction(SIGINT, &saved[0], nil)
            sigaction(SIGQUIT, &saved[1], nil)
        }
        // Back to their defaults in the editor, but those Tend was started ignoring (a job in
        // the background): as they were, as system(3) leaves them.
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for (signal, before) in zip([SIGINT, SIGQUIT], saved) where unsafeBitCast(before.__sigaction_handler.sa_handler, to: Int.self) != unsafeBitCast(SIG_IGN, to: Int.self) {
            sigaddset(&defaults, signal)
        }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGDEF))
        var pid = pid_t()
        let spawned = posix_spawn(&pid, "/bin/sh", nil, &attributes, argv, environ)
        guard spawned == 0 else {
            throw EditFile.Failure("cannot run the editor (\(editor)): \(String(cString: strerror(spawned)))")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 {
            guard errno == EINTR else { throw EditFile.Failure("lost the editor (\(editor)): \(String(cString: strerror(errno)))") }
        }
        // Exited (the low seven bits zero) with status 0; a signal's end is a failure too.
        let signal = status & 0x7f
        guard signal == 0, (status >> 8) & 0xff == 0 else {
            let how = signal == 0 ? "exited with status \((status >> 8) & 0xff)" : "was ended by signal \(signal)"
            throw EditFile.Failure("the editor (\(editor)) \(how); nothing was changed")
        }
    }
}

/// The file an edit happens in: new, in the temporary folder, readable by its owner only
/// (it holds personal data), removed afterwards.
struct EditFile {
    let path: String

    struct Failure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    /// The target of an edit was changed by another process while the editor was open.
    struct Conflict: Error, CustomStringConvertible {
        var about: String
        var diff: [String]
        var keptIn: String?
        func kept(in path: String) -> Conflict { Conflict(about: about, diff: diff, keptIn: path) }
        var description: String {
            (["\(about) was changed by another process while you edited it; nothing was changed. What changed:"] + diff
                + (keptIn.map { ["your edit is kept in \($0)"] } ?? [])).joined(separator: "\n")
        }
    }

    init(text: String) throws {
        let folder = environmentSetting("TMPDIR") ?? "/tmp"
        var template = Array((folder + "/tend-edit-XXXXXX.tend").utf8CString)
        let fd = mkstemps(&template, 5)
        guard fd >= 0 else { throw Failure("cannot make a file to edit in \(folder): \(String(cString: strerror(errno)))") }
        close(fd)
        path = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        try write(text)
    }

    func write(_ text: String) throws {
        do {
            try FileWriter(database: nil).write(Array(text.utf8), to: path, existing: .replace)
        } catch {
            throw Failure("cannot write \(path): \(error)")
        }
    }

    func read() throws -> String {
        do {
            return try Session.readSource(path, limit: Session.maxLoadSize).text
        } catch {
            throw Failure("cannot read the edited file: \(error)")
        }
    }

    func remove() { unlink(path) }
}
