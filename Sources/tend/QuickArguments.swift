import ArgumentParser
import Foundation
import TendCore
import TendREPL
import TendStore

/// `tend -e STATEMENT` and `tend run FILE…` with the plain spelling of their options, read
/// without ArgumentParser: its reflection over the commands' options was half of the
/// instructions of a one-shot query (`tend -e 'count(contacts)'`), the start-up scripts in CI
/// pay on every call. Anything else, or anything unusual (`--db=x`, a repeated option, a value
/// that starts with a dash, help), is left to ArgumentParser, so the two never disagree on
/// what is accepted; `CLITests.quickArgumentsMatchArgumentParser` runs both spellings.
struct QuickArguments {
    enum Action {
        case statement(String)
        case run(files: [String], bail: Bool, quiet: Bool)
    }
    var settings = Settings()
    var action: Action

    /// The arguments with `run`'s own options (`--bail`, `--quiet`, `--junit FILE`) moved after
    /// `run` when they come before it among the global ones (`tend --db x --bail run f`), for
    /// both parsers; anything else is left as it is.
    static func runOptionsAfterRun(_ args: [String]) -> [String] {
        var i = 0
        var moved: [String] = []
        var kept: [String] = []
        while i < args.count, args[i].hasPrefix("-"), args[i] != "-", args[i] != "--" {
            let arg = args[i]
            let takesValue = ["--db", "--today", "--format", "--as", "-e", "--junit"].contains(arg)
            let taken = Array(args[i..<min(args.count, i + (takesValue ? 2 : 1))])
            if ["--bail", "--quiet", "--junit"].contains(arg) || arg.hasPrefix("--junit=") { moved += taken } else { kept += taken }
            i += taken.count
        }
        // With -e as well the command line is refused as it was, not run without the statement.
        guard !moved.isEmpty, !kept.contains("-e"), i < args.count, args[i] == "run" else { return args }
        return kept + ["run"] + moved + args[(i + 1)...]
    }

    /// The arguments with tend's own options that follow a statement command's words (`tend
    /// history --db FILE`, `tend edit @x --db e.db`) moved before the command, where
    /// ArgumentParser reads them: the statement's words are passed through as they are, and
    /// would take them as statement text. Only tend's option names move (no statement word
    /// begins with `--`); `-expert` and `-3d` stay words.
    static func statementOptionsFirst(_ args: [String], commands: @autoclosure () -> Set<String>) -> [String] {
        let command = leadingOptions(args).count
        // The commands' names are looked up only when one may be named: their configurations
        // (help text and all) were a tenth of a one-shot query's start-up.
        guard command < args.count, commands().contains(args[command]) else { return args }
        var (options, words, i) = ([String](), [String](), command + 1)
        while i < args.count {
            let arg = args[i]
            let name = arg.split(separator: "=", maxSplits: 1).first.map(String.init) ?? arg
            if ["--db", "--today", "--format", "--as"].contains(arg), i + 1 < args.count {
                options += [arg, args[i + 1]]
                i += 2
                continue
            }
            if ["--db", "--today", "--format", "--as"].contains(name) && arg.contains("=") || ["--read-only", "--yes"].contains(arg) {
                options.append(arg)
            } else {
                words.append(arg)
            }
            i += 1
        }
        return Array(args[..<command]) + options + [args[command]] + words
    }

    /// Whether `-e` is given after a command that is no statement's (whose words are the
    /// statement's own), and not as another option's value.
    static func namesStatements(_ args: [String], commands statementWords: @autoclosure () -> Set<String>) -> Bool {
        let command = leadingOptions(args).count
        guard command < args.count, !statementWords().contains(args[command]) else { return false }
        let valued: Set<String> = ["--db", "--today", "--format", "--as", "--junit"]
        return args.indices.dropFirst(command + 1).contains { args[$0] == "-e" && !valued.contains(args[$0 - 1]) }
    }

    /// The options before the command (or every argument when none is named), each with its value.
    static func leadingOptions(_ args: [String]) -> [String] {
        var i = 0
        while i < args.count, args[i].hasPrefix("-"), args[i] != "-", args[i] != "--" {
            i += ["--db", "--today", "--format", "--as", "-e", "--junit"].contains(args[i]) ? 2 : 1
        }
        return Array(args.prefix(i))
    }

    init?(_ args: [String]) {
        var rest = args[...]
        // `run` may follow the global options (`tend --db x --bail run f`): the first argument
        // that is neither an option nor an option's value names the command.
        var i = rest.startIndex
        while i < rest.endIndex, rest[i].hasPrefix("-"), rest[i] != "-" {
            i += ["--db", "--today", "--format", "--as", "-e"].contains(rest[i]) ? 2 : 1
        }
        let isRun = i < rest.endIndex && rest[i] == "run"
        if isRun { rest.remove(at: i) }
        var statement: String?
        var files: [String] = []
        var bail = false
        var quiet = false
        var seen: Set<String> = []
        func value(_ v: String?) -> String? { v.flatMap { $0.hasPrefix("-") ? nil : $0 } }
        while let arg = rest.popFirst() {
            if arg.hasPrefix("-") && arg != "-" && arg != "-e" {
                guard seen.insert(arg).inserted else { return nil }
            }
            switch arg {
            case "-e" where !isRun:
                // The statement is the next argument, whatever it starts with (`-e '-7 % 3'`).
                guard let v = rest.popFirst() else { return nil }
                // Several run in order, one line each, as one script.
                statement = statement.map { $0 + "\n" + v } ?? v
            case "--db":
                guard let v = value(rest.popFirst()) else { return nil }
                settings.db = v
            case "--today":
                guard let v = value(rest.popFirst()) else { return nil }
                settings.today = v
            case "--format":
                guard let v = value(rest.popFirst()), let f = OutputFormat(rawValue: v) else { return nil }
                settings.format = f
            case "--read-only": settings.readOnly = true
            case "--as":
                guard let v = value(rest.popFirst()) else { return nil }
                settings.member = v
            case "--bail" where isRun: bail = true
            case "--quiet" where isRun: quiet = true
            default:
                guard isRun, arg == "-" || !arg.hasPrefix("-") else { return nil }
                files.append(arg)
            }
        }
        if isRun {
            guard !files.isEmpty else { return nil }
            action = .run(files: files, bail: bail, quiet: quiet)
        } else {
            guard let statement else { return nil }
            action = .statement(statement)
        }
    }

    func run() -> Never {
        switch action {
        case .statement(let s): App.runStatement(s, settings)
        case .run(let files, let bail, let quiet): App.runFiles(files, settings, bail: bail, quiet: quiet, junit: nil)
        }
    }
}
