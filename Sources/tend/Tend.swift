import ArgumentParser
import Foundation
import TendCore
import TendREPL
import TendStore

@main
struct Tend: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tend",
        abstract: "A relationship manager for people who grow business through their network.",
        discussion: """
            With no arguments on a terminal, tend starts the REPL on the default database; with input piped in, it runs that input as a script as `tend run -` does, and carries out its dot-commands (`.mode`, `.today`, `.read`) where they stand, which `tend run` refuses.

            Changing statements are commands too: `tend add "Joan Rivera" profession: hairstylist`, `tend log lunch with @joan-rivera`; `tend help add` shows the statement's forms.

            Exit codes: 0 success, 1 an assertion failed, 2 the script or the command line does not parse or type-check (nothing was run), 3 a run-time, data or I/O error (every change of the run rolled back).
            """,
        version: tendVersion,
        subcommands: [
            RunCommand.self, CheckCommand.self, ImportCommand.self, ExportCommand.self, AgendaCommand.self,
            DumpCommand.self, BackupCommand.self, DemoCommand.self, PushCommand.self, CompletionCommand.self, ManualCommand.self,
        ] + statementCommands,
        defaultSubcommand: nil)

    @OptionGroup var global: GlobalOptions

    @ArgumentParser.Option(
        name: .customShort("e"), parsing: .unconditionalSingleValue,
        help: "Run one statement, print its result, and exit; several -e run in order, as one script.")
    var statements: [String] = []

    /// Whether a word begins a query or an expression (`contacts`, `who`, `@dana-lee`, `count(…)`).
    static func isLanguage(_ word: String) -> Bool {
        let head = String(word.prefix { $0.isLetter || $0 == "_" || $0 == "@" })
        return head.hasPrefix("@") || word.contains("(") || word.contains(" ")
            || Schema.queryable.contains { $0.name == head } || Keyword.all.contains(head)
    }

    /// The names of the commands, for `tend help WORD`.
    static var commandNames: [String] {
        var names: [String] = []
        for command in configuration.subcommands { names.append(command._commandName) }
        return names
    }

    /// The two commonest one-shot forms (`tend -e …`, `tend run FILE…`) are read directly;
    /// everything else goes to ArgumentParser.
    static func main() {
        // A file size limit (ulimit -f) makes a write fail with EFBIG, reported in words with
        // nothing changed, instead of killing Tend half-way.
        signal(SIGXFSZ, SIG_IGN)
        // A reader that stops early (`tend run x.tend | head`) makes a write fail with EPIPE,
        // told as lost output (exit 3, nothing changed), instead of killing Tend with the run's
        // confirmation printed and its change dropped (exit 141).
        signal(SIGPIPE, SIG_IGN)
        // As many open files as the system allows this user: a run keeps each large file it
        // wrote open until it ends, to put back if it fails (an export to a vdir of photo cards
        // passed the usual 1,024).
        var files = rlimit()
        if getrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &files) == 0, files.rlim_cur < files.rlim_max {
            files.rlim_cur = min(files.rlim_max, max(files.rlim_cur, 1 << 20))
            setrlimit(__rlimit_resource_t(RLIMIT_NOFILE.rawValue), &files)
        }
        // Ctrl-C, SIGTERM and a hang-up always reach Tend, which stops cleanly on each: a parent
        // that runs it from a thread with them blocked (a dispatch worker's mask is inherited)
        // made a stopped backup carry on, or a closed REPL keep its changes in the log alone.
        var stopping = sigset_t()
        sigemptyset(&stopping)
        for s in [SIGINT, SIGTERM, SIGHUP] { sigaddset(&stopping, s) }
        pthread_sigmask(SIG_UNBLOCK, &stopping, nil)
        let arguments = QuickArguments.statementOptionsFirst(
            QuickArguments.runOptionsAfterRun(Array(CommandLine.arguments.dropFirst())),
            commands: statementWords)
        if let quick = QuickArguments(arguments) { quick.run() }
        // `tend [OPTIONS] help WORD`: a word that is no command is an error (exit 2); a `.help`
        // topic of the language's (`queries`, `functions`) is shown as the REPL shows it.
        let options = QuickArguments.leadingOptions(arguments)
        let words = arguments[options.count...]
        if words.first == "help", words.count > 1, case let topic = words[words.startIndex + 1], !topic.hasPrefix("-") {
            if !commandNames.contains(topic), languageTopics.contains(topic) {
                TerminalOutput.write(languageHelp(topic, width: Terminal.width()) + "\n", to: STDOUT_FILENO)
                App.exit(.success)
            }
            App.requireCommand(topic, among: commandNames)
        }
        // A first word that is no command: a misspelt one is told the nearest (`tend agnda`), a
        // query or expression how to run it (`tend contacts`); ArgumentParser said "Unexpected
        // argument" alone.
        if !options.contains("-e"), options.count < arguments.count, case let word = arguments[options.count],
            word != "help", word != "-", !word.hasPrefix("-"), !commandNames.contains(word)
        {
            if !Tend.isLanguage(word) { App.requireCommand(word, among: commandNames) }
            let text = arguments[options.count...].joined(separator: " ")
            App.fail("no command '\(word)'; a query or expression runs with -e: tend -e '\(text)'", .invalid)
        }
        do {
            var command = try parseAsRoot(arguments)
            // ArgumentParser runs only the command: the statements would be dropped unsaid, -e
            // before the command or after it (`tend run -e '…' f.tend` ran f.tend alone, b74). A
            // statement command's words are its own: `-e` among them is statement text.
            if !(command is Tend), QuickArguments.leadingOptions(arguments).contains("-e") || QuickArguments.namesStatements(arguments, commands: statementWords) {
                throw ValidationError("-e runs statements without a command; with one (run, import, …) put the statements in a script instead")
            }
            try command.run()
        } catch {
            App.leave(after: error)
        }
        App.exit(.success)
    }

    mutating func run() throws {
        let settings = global.settings
        if !statements.isEmpty { App.runStatement(statements.joined(separator: "\n"), settings) }
        if isatty(STDIN_FILENO) == 1 {
            // The REPL creates a missing database, as it always has: it is where one starts.
            let session = App.open(settings, create: true)
            // Named, as every command that makes one names it: a mistyped path is seen at once.
            App.announceCreated(session, settings)
            let status = REPL(session: session, databaseName: App.promptName(settings), assumeYes: settings.yes).run()
            App.finish(session, status, summary: false)
        }
        let source = App.readStdin()
        if REPL.hasDotCommands(source) {
            // Dot-commands make piped input a REPL session without a keyboard: it creates a
            // missing database as the REPL does.
            let session = App.open(settings, create: true)
            App.announceCreated(session, settings)
            let repl = REPL(session: session, databaseName: App.promptName(settings), reader: PlainLineReader())
            App.finish(session, repl.runPiped(source, readOnly: settings.readOnly))
        }
        App.runSources([source], settings, bail: false, quiet: false, junit: nil)
    }
}
