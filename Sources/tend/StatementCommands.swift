import ArgumentParser
import Foundation
import TendCore
import TendREPL

/// The release this binary was built from.
let tendVersion = "0.2.0"

/// A statement that changes data, offered as a command (`tend add "Joan Rivera" +vip`): the
/// words after the command are the statement's, so that it reads as the REPL would.
protocol StatementWord: Sendable {
    /// The statement's first word, and the command's name.
    static var word: String { get }
    static var abstract: String { get }
    /// The `.help` topic that shows the statement's forms.
    static var topic: String { get }
}

struct StatementCommand<W: StatementWord>: ParsableCommand {
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: W.word, abstract: W.abstract,
            discussion: languageHelp(W.topic)
                + "\n\nThe words after `tend \(W.word)` are the statement's, but for tend's own options (`--db FILE` …), which may come among them. A word with a space in it, or a plain word where text is expected (after `name:` options, `about`, a new contact's name, `log`'s note after its people), is quoted for you; give anything else as the language writes it. Options that come before the statement's words (`tend --db FILE \(W.word) …`) are tend's."
        )
    }

    @OptionGroup var global: GlobalOptions
    @Argument(parsing: .captureForPassthrough, help: "The statement's words.") var words: [String] = []

    func run() throws {
        // The words are passed through as they are, so help is asked for here.
        if words == ["--help"] || words == ["-h"] {
            print(Tend.helpMessage(for: Self.self))
            return
        }
        App.runStatement(StatementText.make(W.word, words), global.settings, name: "<\(W.word)>")
    }
}

/// Turns a command line's words back into statement text: the shell took the quotes off.
enum StatementText {
    /// Words that stay bare after an option name: values of other kinds than text.
    static let bareValues: Set<String> = [
        "true", "false", "null", "today", "yesterday", "tomorrow", "me", "contact", "visibility", "credibility", "profitability",
    ]

    /// `log`'s flags, option names and words after its people: a word near one stays bare.
    static let logWords = Checker.logFlags.sorted() + ["and", "on", "with", "where", "note", "quality", "by", "source", "id"]

    /// Operators after a field, which stay bare.
    static let comparisons: Set<String> = ["==", "!=", "~", "!~", "<", "<=", ">", ">=", "in", "not"]

    static func make(_ word: String, _ args: [String]) -> String {
        var out = [word]
        let args = word == "add" ? nameInWords(args) : args
        for (i, arg) in args.enumerated() {
            // `profession: hairstylist, +vip`: the separating comma is not part of the value.
            let comma = arg.count > 1 && arg.hasSuffix(",") && !isQuoted(arg)
            let a = comma ? String(arg.dropLast()) : arg
            let previous = i > 0 ? args[i - 1] : nil
            // A goal's metric is an expression, passed as written (`metric: 'count(interactions where
            // kind == "lunch")'`), unless a `#` in it would make the rest of the line a comment.
            if previous == "metric:" && !startsComment(arg) {
                out.append(arg)
                continue
            }
            let textExpected =
                // `tend refer to @x`: a referral whose whom is not said.
                (i == 0 && ["add", "refer", "goal"].contains(word) && !(word == "refer" && a == "to" && args.count > 1)) || previous == "about"
                // `rule "NAME"`, but the field in a query (`agenda where rule == "give first"`).
                || previous == "rule" && !comparisons.contains(a)
                || (word == "helps" && i == args.count - 1 && i > 0)
                // `log note with @x secret private`: the note after the people, unless the word is
                // (or is near) one of log's own, which the statement then names or corrects.
                || (word == "log" && previous.map { $0.hasPrefix("@") && !$0.hasSuffix(",") } == true && isPlainWord(a)
                    && !bareValues.contains(a.lowercased()) && closest(a, among: logWords).isEmpty)
                || (previous.map { $0.hasSuffix(":") } == true && ((isPlainWord(a) && !bareValues.contains(a)) || isTextOnly(a)))
            out.append((needsQuotes(a) || (textExpected && !isQuoted(a)) ? quote(a) : a) + (comma ? "," : ""))
        }
        return out.joined(separator: " ")
    }

    /// `tend add Sam Smith +vip`: the plain words before the first option are the new contact's
    /// name (it was `add "Sam" Smith`, "unknown flag 'Smith'"); a flag's name ends it (`tend add
    /// Sam expert`).
    static func nameInWords(_ args: [String]) -> [String] {
        guard let first = args.first, isPlainWord(first) else { return args }
        var n = 1
        while n < args.count, isPlainWord(args[n]), Schema.contactFlags[args[n]] == nil { n += 1 }
        return n > 1 ? [args[..<n].joined(separator: " ")] + args[n...] : args
    }

    /// Whether a `#` outside quotes in `a` begins a comment.
    static func startsComment(_ a: String) -> Bool {
        var quoted = false
        var escaped = false
        for ch in a {
            if escaped { escaped = false; continue }
            if ch == "\\" { escaped = true } else if ch == "\"" { quoted.toggle() } else if ch == "#" && !quoted { return true }
        }
        return false
    }

    static func isQuoted(_ a: String) -> Bool { a.first.map { "\"[{(".contains($0) } ?? false }

    static func needsQuotes(_ a: String) -> Bool { a.isEmpty || (!isQuoted(a) && a.contains { $0.isWhitespace }) }

    /// A word of letters (and digits, `.`, `'`, `-` inside): not a number, date, handle or tag.
    static func isPlainWord(_ a: String) -> Bool {
        guard let first = a.first, first.isLetter else { return false }
        return a.allSatisfy { $0.isLetter || $0.isNumber || "_.'-&".contains($0) }
    }

    /// What can only be text after an option: an e-mail address (`email: ana@example.com`, which
    /// read as a name and a handle), a web address, a phone number with its `+` country code.
    static func isTextOnly(_ a: String) -> Bool {
        guard !isQuoted(a), let first = a.first else { return false }
        if first != "@" && a.contains("@") { return true }
        if a.contains("://") { return true }
        return first == "+" && a.dropFirst().first?.isNumber == true
    }

    static func quote(_ a: String) -> String { ScriptWriter.quote(a) }
}

enum AddWord: StatementWord {
    static let word = "add", abstract = "Add a contact (add \"NAME\" field: value, … +tag).", topic = "add"
}
enum SetWord: StatementWord {
    static let word = "set", abstract = "Change a contact, me, several contacts, or a logged event.", topic = "set"
}
enum LogWord: StatementWord {
    static let word = "log", abstract = "Log an interaction (log KIND with @a[, @b] …).", topic = "log"
}
enum ReferWord: StatementWord {
    static let word = "refer", abstract = "Record a referral you gave (refer \"ABOUT\" to @x …).", topic = "events"
}
enum ReferralWord: StatementWord {
    static let word = "referral", abstract = "Record a referral you received (referral from @x …).", topic = "events"
}
enum IntroduceWord: StatementWord {
    static let word = "introduce", abstract = "Record that you introduced two contacts.", topic = "events"
}
enum SpendWord: StatementWord {
    static let word = "spend", abstract = "Record money you spent at a contact's business.", topic = "events"
}
enum KnowsWord: StatementWord {
    static let word = "knows", abstract = "Record that contacts know each other.", topic = "events"
}
enum MergeWord: StatementWord {
    static let word = "merge", abstract = "Merge one contact into another (merge @a into @b).", topic = "events"
}
enum RemoveWord: StatementWord {
    static let word = "remove", abstract = "Remove a contact, an event by number, a market or a goal.", topic = "events"
}
enum SnoozeWord: StatementWord {
    static let word = "snooze", abstract = "Hide an agenda item or a contact for a while (snooze 3 1w, snooze @x 2w).", topic = "agenda"
}
enum DoneWord: StatementWord {
    static let word = "done", abstract = "Close an agenda item by its number (done 3 note: \"…\"), logging the touch its rule names.",
        topic = "agenda"
}
enum DismissWord: StatementWord {
    static let word = "dismiss", abstract = "Hide an agenda item without logging (dismiss 3 [for 30d]).", topic = "agenda"
}
enum UndoWord: StatementWord {
    static let word = "undo", abstract = "Take back the last change, or the last N (undo 3).", topic = "agenda"
}
enum HistoryWord: StatementWord {
    static let word = "history", abstract = "List the changes undo can take back (history limit 10).", topic = "agenda"
}
enum WhyWord: StatementWord {
    static let word = "why", abstract = "Show which rules fired for a contact, and its priority term by term (why @x).", topic = "rules"
}
enum EditWord: StatementWord {
    static let word = "edit", abstract = "Edit a contact (edit @x) or an event (edit interaction 12) in $VISUAL or $EDITOR.",
        topic = "set"
}
enum UnsnoozeWord: StatementWord {
    static let word = "unsnooze", abstract = "Put a snoozed contact back on the agenda.", topic = "rules"
}
enum GoalWord: StatementWord {
    static let word = "goal", abstract = "Set a goal, with a due date or a metric and target.", topic = "goals"
}
enum HelpsWord: StatementWord {
    static let word = "helps", abstract = "Mark a contact as able to help with a goal.", topic = "goals"
}

/// The statements offered as commands, in the order `tend --help` lists them.
let statementWordTypes: [any StatementWord.Type] = [
    AddWord.self, SetWord.self, LogWord.self, ReferWord.self, ReferralWord.self, IntroduceWord.self, SpendWord.self,
    KnowsWord.self, MergeWord.self, RemoveWord.self, SnoozeWord.self, UnsnoozeWord.self, DoneWord.self,
    DismissWord.self, UndoWord.self, HistoryWord.self, WhyWord.self, EditWord.self, GoalWord.self, HelpsWord.self
]

/// The statements' words: looked up on every command line, without the commands' generic
/// types (making them was a tenth of a one-shot query's start-up).
let statementWords = Set(statementWordTypes.map { $0.word })

let statementCommands: [ParsableCommand.Type] = statementWordTypes.map { command(for: $0) }

private func command<W: StatementWord>(for word: W.Type) -> ParsableCommand.Type { StatementCommand<W>.self }

/// `tend completion bash|zsh|fish`: the shell's completion script for tend.
struct CompletionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "completion", abstract: "Print the completion script for a shell: bash, zsh or fish.",
        discussion:
            "bash: mkdir -p ~/.local/share/bash-completion/completions\n      tend completion bash > ~/.local/share/bash-completion/completions/tend\nzsh: tend completion zsh > \"${fpath[1]}/_tend\"\nfish: tend completion fish > ~/.config/fish/completions/tend.fish"
    )
    @Argument(help: "bash, zsh or fish.") var shell: String

    func validate() throws {
        guard CompletionShell(rawValue: shell) != nil else { throw ValidationError("no completion for \(shell); shells are bash, zsh, fish") }
    }

    func run() throws {
        TerminalOutput.write(Tend.completionScript(for: CompletionShell(rawValue: shell)!), to: STDOUT_FILENO)
        App.exit(.success)
    }
}

/// `tend manual`: the manual page (roff), made from the commands' help; docs/tend.1 holds it.
struct ManualCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "manual", abstract: "Print tend's manual page (man -l docs/tend.1 shows the same).")

    func run() throws {
        TerminalOutput.write(Manual.page(), to: STDOUT_FILENO)
        App.exit(.success)
    }
}

enum Manual {
    /// The root command's help, then each command's, as one roff page.
    static func page() -> String {
        var out = [
            ".TH TEND 1 \"\" \"tend \(tendVersion)\" \"User Commands\"", ".SH NAME",
            "tend \\- " + roff(Tend.configuration.abstract), ".SH SYNOPSIS", ".B tend",
            "[\\fIOPTIONS\\fR] [\\fICOMMAND\\fR] [\\fIARGS\\fR]", ".SH DESCRIPTION",
        ]
        out += paragraphs(Tend.configuration.discussion)
        out += [".SH OPTIONS", ".nf"] + section(Tend.helpMessage(columns: 80), "OPTIONS:").map(roff) + [".fi", ".SH COMMANDS"]
        for command in Tend.configuration.subcommands {
            let c = command.configuration
            out += [".SS \(c.commandName ?? "")", roff(c.abstract), ".nf"]
            // The overview is the abstract above, however many lines it wraps to (its second
            // line was left in, under the heading).
            var lines = Tend.helpMessage(for: command, columns: 80).split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if lines.first?.hasPrefix("OVERVIEW:") == true { lines = Array(lines.drop { !$0.isEmpty }) }
            out += lines.map(roff)
            out.append(".fi")
        }
        out += [
            ".SH FILES", "The database: $TEND_DB, else $XDG_DATA_HOME/tend/tend.db (mode 0600).",
            ".br", "History: $XDG_STATE_HOME/tend/history. Start-up script: $XDG_CONFIG_HOME/tend/init.tend.",
            ".SH EXIT STATUS", "0 success; 1 an assertion failed; 2 the script or the command line does not parse or type-check (nothing was run); 3 a run-time, data or I/O error (every change of the run rolled back).",
        ]
        return out.joined(separator: "\n") + "\n"
    }

    static func paragraphs(_ text: String) -> [String] {
        text.components(separatedBy: "\n\n").flatMap { [".PP", roff($0)] }
    }

    /// The lines of a help message from `heading` to the next heading.
    static func section(_ help: String, _ heading: String) -> [String] {
        let lines = help.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        guard let start = lines.firstIndex(of: heading) else { return [] }
        return Array(lines[(start + 1)...].prefix { !$0.hasSuffix(":") || $0.hasPrefix(" ") })
    }

    /// Text made safe for roff: backslashes doubled, a leading dot or quote escaped.
    static func roff(_ s: String) -> String {
        var t = s.replacingOccurrences(of: "\\", with: "\\e")
        if t.hasPrefix(".") || t.hasPrefix("'") { t = "\\&" + t }
        return t
    }
}
