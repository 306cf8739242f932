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

    public func edit(_ lines: [String], about: String) throws -> [Statement]? {
        let header = [
            "# Editing \(about): one statement per line. Change a line to change its field, delete it to clear",
            "# the field, add lines to add (set @x +tag, log call with @x). Save and close the editor to apply;",
            "# a file left as it was, or emptied, changes nothing.",
        ]
        let file = try EditFile(text: (header + lines).joined(separator: "\n") + "\n")
        defer { file.remove() }
        var problems: [String] = []
        var refused: String?
        while true {
            try Session.runEditor(on: file.path)
            let saved = try file.read()
            let body = saved.split(separator: "\n", omittingEmptySubsequences: false).filter { !problems.contains(String($0)) }
                .joined(separator: "\n")
            // Closed again without a change after an error: the edit is given up, as crontab -e does
            // when the user declines to retry (reopening it again would never end).
            if body == refused { throw errorsOf(body, about: about)[0] }
            let (diff, changes) = EditText.changes(from: lines, to: EditText.statements(in: body))
            if changes.isEmpty && diff.isEmpty { return nil }
            if EditText.statements(in: body).isEmpty { return nil }
            // The whole file is checked, so that errors point at its lines; then what changed.
            let errors = errorsOf(body, about: about, changes: changes)
            guard !errors.isEmpty else {
                show(.text((["Changes to \(about):"] + diff).joined(separator: "\n")))
                return Parser.parse(Source(name: "<edit \(about)>", text: changes.joined(separator: "\n"))).statements
            }
            guard isatty(STDIN_FILENO) == 1 else { throw errors[0] }
            refused = body
            let formatter = DiagnosticFormatter(color: false)
            problems = errors.flatMap { formatter.format($0).split(separator: "\n").map { "# " + $0 } } + ["#"]
            try file.write((problems + [body]).joined(separator: "\n"))
        }
    }

    /// An edited file's problems: the whole file's, so that errors point at its lines, then
    /// those of the statements its changes run.
    func errorsOf(_ body: String, about: String, changes: [String]? = nil) -> [Diagnostic] {
        let changes = changes ?? EditText.changes(from: [], to: EditText.statements(in: body)).statements
        return checkEdit(Source(name: "<edit>", text: body)) + checkEdit(Source(name: "<edit \(about)>", text: changes.joined(separator: "\n")))
    }

    /// A file's problems: what does not parse, then what does not check; `edit` and `undo` do
    /// not run inside an edit (an edit in an edit nested without end).
    func checkEdit(_ source: Source) -> [Diagnostic] {
        let parsed = Parser.parse(source)
        for s in parsed.statements {
            switch s.kind {
            case .edit, .journal: return [Diagnostic(.type, "\(Session.verb(s)) does not run inside an edit", at: s.range, in: s.source)]
            default: continue
            }
        }
        return parsed.diagnostics.isEmpty ? check(parsed.statements, readOnly: false).diagnostics : parsed.diagnostics
    }

    /// Runs the editor on a file and waits for it; an editor that fails changes nothing.
    static func runEditor(on path: String) throws {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: "/bin/sh")
        p.arguments = ["-c", "\(editor) \"$@\"", "sh", path]
        do {
            try p.run()
        } catch {
            throw EditFile.Failure("cannot run the editor (\(editor)): \(error.localizedDescription)")
        }
        p.waitUntilExit()
        guard p.terminationStatus == 0 else {
            throw EditFile.Failure("the editor (\(editor)) exited with status \(p.terminationStatus); nothing was changed")
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

    init(text: String) throws {
        let folder = environmentSetting("TMPDIR") ?? "/tmp"
        var template = Array((folder + "/tend-edit-XXXXXX.tend").utf8CString)
        let fd = mkstemps(&template, 5)
        guard fd >= 0 else { throw Failure("cannot make a file to edit in \(folder): \(String(cString: strerror(errno)))") }
        close(fd)
        path = String(cString: template)
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
