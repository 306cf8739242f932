import ArgumentParser
import Foundation
import TendCore
import TendREPL
import TendStore

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @ArgumentParser.Option(name: .long, help: "The database: a file, or a postgresql:// URL (default: $TEND_DB, else $XDG_DATA_HOME/tend/tend.db).")
    var db: String?

    @ArgumentParser.Option(name: .long, help: "Today's date, YYYY-MM-DD (default: $TEND_TODAY, else the system date).")
    var today: String?

    @ArgumentParser.Option(name: .long, help: "Output format: table, json, csv or tsv.")
    var format: OutputFormat = .table

    @Flag(name: .long, help: "Changing data is an error; definitions last for this run only.")
    var readOnly = false

    @ArgumentParser.Option(
        name: .customLong("as"),
        help: ArgumentHelp(
            "The member to act as (default: $TEND_AS): on PostgreSQL a role to SET ROLE to; events record it as who logged them.",
            valueName: "name"))
    var member: String?

    @Flag(name: .long, help: "The REPL asks nothing before removing a person with their events.")
    var yes = false
}

extension OutputFormat: ExpressibleByArgument {}

/// What the global options say, however they were read (see `QuickArguments`).
struct Settings {
    var db: String?
    var today: String?
    var format: OutputFormat = .table
    var readOnly = false
    var yes = false
    /// `--as NAME`.
    var member: String?
}

extension GlobalOptions {
    var settings: Settings { Settings(db: db, today: today, format: format, readOnly: readOnly, yes: yes, member: member) }
}
