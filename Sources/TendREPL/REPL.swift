import Foundation
import TendCore
import TendStore

/// The interactive loop: reads statements (several lines when incomplete), runs each in its own
/// transaction, and prints results; errors leave the session running.
public final class REPL {
    let session: Session
    let name: String
    var reader: LineReader
    var ended = false

    public init(session: Session, databaseName: String, reader: LineReader? = nil) {
        self.session = session
        self.name = ((databaseName as NSString).lastPathComponent as NSString).deletingPathExtension
        let stateHome = environmentSetting("XDG_STATE_HOME") ?? homeDirectory() + "/.local/state"
        let historyPath = stateHome + "/tend/history"
        let completer = Completer(session: session)
        // Under --read-only the REPL writes nothing, its history included.
        let history = session.readOnly ? nil : historyPath
        self.reader = reader ?? EditLineReader(historyPath: history, complete: completer.candidates) ?? PlainLineReader()
        if self.reader is EditLineReader {
            // At the keyboard, replacing an existing file is asked about rather than refused.
            session.confirmOverwrite = { [weak self] question in
                guard let answer = try? self?.reader.readLine(prompt: question) else { return false }
                return answer.trimmingCharacters(in: .whitespaces).lowercased().hasPrefix("y")
            }
        }
    }

    /// Runs until `.quit` or Ctrl-D; returns the status to exit with.
    public func run() -> ExitStatus {
        runInitScript()
        if (try? session.store.contactCount()) == 0 {
            session.console.out("Your network is empty. Add someone: add \"Joan Rivera\" profession: \"hairstylist\", cadence: 3mo")
            session.console.out("Type .help for the language and the dot-commands, .quit to leave.")
        }
        var buffer = ""
        while !ended {
            let prompt = buffer.isEmpty ? "tend:\(name)> " : String(repeating: " ", count: max(0, name.count + 2)) + "...> "
            let line: String?
            do {
                line = try reader.readLine(prompt: prompt)
            } catch {
                buffer = ""
                continue
            }
            guard let line else {
                session.console.out("")
                break
            }
            if buffer.isEmpty && line.trimmingCharacters(in: .whitespaces).hasPrefix(".") {
                reader.addHistory(line)
                dotCommand(line.trimmingCharacters(in: .whitespaces))
                continue
            }
            buffer += buffer.isEmpty ? line : "\n" + line
            if buffer.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
                buffer = ""
                continue
            }
            if Parser.isIncomplete(buffer) { continue }
            reader.addHistory(buffer)
            _ = session.runScripts([Source(name: "<repl>", text: buffer)], bail: false, readOnly: false)
            buffer = ""
        }
        reader.saveHistory()
        return .success
    }

    func runInitScript() {
        let config = environmentSetting("XDG_CONFIG_HOME") ?? homeDirectory() + "/.config"
        let path = config + "/tend/init.tend"
        guard FileManager.default.fileExists(atPath: path) else { return }
        do {
            let source = try Session.readSource(path)
            let quiet = session.quiet
            session.quiet = true
            _ = session.runScripts([source], bail: false, readOnly: false)
            session.quiet = quiet
        } catch {
            session.console.err("\(path): \(error)")
        }
    }

    // MARK: - Dot-commands

    func dotCommand(_ line: String) {
        let parts = line.split(separator: " ", maxSplits: 1).map(String.init)
        let arg = parts.count > 1 ? parts[1].trimmingCharacters(in: .whitespaces) : ""
        switch parts[0] {
        case ".quit", ".exit", ".q":
            ended = true
        case ".help", ".h":
            session.console.out(Help.text(arg.isEmpty ? nil : arg))
        case ".mode":
            guard let f = OutputFormat(rawValue: arg) else {
                session.console.err("usage: .mode table|json|csv|tsv (now \(session.renderer.format.rawValue))")
                return
            }
            session.renderer.format = f
        case ".schema":
            session.console.out(Help.schema(arg.isEmpty ? nil : arg, definitions: session.interpreter.definitions))
        case ".read":
            guard !arg.isEmpty else {
                session.console.err("usage: .read FILE")
                return
            }
            do {
                // As `load` does: Tend scripts only, so that no other file's lines are shown.
                let source = try Session.readScript((arg as NSString).expandingTildeInPath)
                _ = session.runScripts([source], bail: false, readOnly: false)
            } catch {
                session.console.err("\(arg): \(error)")
            }
        case ".rules":
            _ = session.runScripts([Source(name: "<repl>", text: "rules")], bail: false, readOnly: false)
        case ".today":
            if arg.isEmpty {
                session.console.out(session.today.description)
            } else if let d = Day(iso: arg) {
                session.today = d
                session.console.out("Today is \(d) for this session.")
            } else {
                session.console.err("usage: .today YYYY-MM-DD")
            }
        default:
            let known = [".help", ".quit", ".mode", ".schema", ".read", ".rules", ".today"]
            let hint = closest(parts[0], among: known).first.map { "; did you mean \($0)?" } ?? ""
            session.console.err("unknown command \(parts[0])\(hint) (.help lists them)")
        }
    }
}

/// Tab completion that knows the language and the database.
struct Completer {
    let session: Session

    static let keywords: [String] =
        Array(Parser.statementWords) + [
            "where", "sort", "by", "group", "show", "limit", "asc", "desc", "and", "or", "not", "in", "if", "then", "else", "when",
            "remind", "priority", "true", "false", "null", "today", "yesterday", "tomorrow", "me", "my", "it", "who", "serves",
            "agenda", "timeline", "rules", "progress", "gaps", "path", "connectors", "report", "why", "with", "on", "to", "from",
            "about", "at", "per", "target", "into", "until", "contact", "visibility", "credibility", "profitability",
        ]

    /// Candidates for the word that ends `before` (the line up to the cursor).
    func candidates(_ before: String) -> [String] {
        var start = before.endIndex
        while start > before.startIndex {
            let p = before.index(before: start)
            let c = before[p]
            if c.isLetter || c.isNumber || c == "_" || c == "@" || c == "-" || c == "." { start = p } else { break }
        }
        var word = String(before[start...])
        var pool: [String]
        if word.hasPrefix("@") {
            pool = ((try? session.store.handles()) ?? []).map { "@" + $0 }
            if let dot = word.firstIndex(of: ".") {
                word = String(word[word.index(after: dot)...])
                pool = Schema.contacts.fields.map(\.name)
            }
        } else if let dot = word.lastIndex(of: ".") {
            word = String(word[word.index(after: dot)...])
            pool = Array(Set(Schema.all.flatMap { $0.fields.map(\.name) } + Schema.me.map(\.name)))
        } else {
            let defs = session.interpreter.definitions
            pool =
                Completer.keywords + Schema.queryable.map(\.name) + Schema.all.flatMap { $0.fields.map(\.name) }
                + Builtin.all.map(\.name) + Array(defs.lets.keys) + Array(defs.fns.keys) + Array(defs.scores.keys)
        }
        guard !word.isEmpty else { return [] }
        return Array(Set(pool.filter { $0.hasPrefix(word) })).sorted()
    }
}
