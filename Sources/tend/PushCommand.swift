import ArgumentParser
import Foundation
import TendCore
import TendPostgres
import TendREPL
import TendStore

/// `tend push postgresql://…`: the personal SQLite database (`--db`, `TEND_DB` or the default
/// file), read without writing to it, copied into a team database in one transaction.
struct PushCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "push",
        abstract: "Copy your SQLite database into a team's PostgreSQL database (contacts matched by handle; pushing twice adds nothing).")
    @OptionGroup var global: GlobalOptions
    @Argument(help: "The team database: postgresql://USER@HOST:PORT/DB (libpq's PGHOST, PGUSER, PGPASSWORD, ~/.pgpass apply).")
    var team: String

    mutating func run() throws {
        let settings = global.settings
        if settings.readOnly { App.fail("push writes the team database, which --read-only does not allow", .invalid) }
        guard ConnectionSettings.isURL(team) else {
            App.fail("push copies into a PostgreSQL database: give its postgresql:// URL (your own database is --db)", .invalid)
        }
        let path = App.databasePath(settings)
        if ConnectionSettings.isURL(path) { App.fail("push copies an SQLite database; --db names a PostgreSQL one", .invalid) }
        guard App.hasDatabase(at: path) else { App.fail(App.missingDatabase(settings), .failed) }
        // The network, the agenda's item states and the candidates' sightings: all read here.
        let personal: (network: Network, states: [ItemKey: ItemState], sightings: [Sighting])
        do {
            let store = try Store(path: path, readOnly: true)
            defer { store.close() }
            personal = (try store.network(), try store.itemStates(), try store.sightings())
        } catch {
            App.fail(error, prefix: error is Store.OpenError ? "" : "cannot read \(path): ")
        }
        var teamSettings = settings
        teamSettings.db = team
        let session = App.open(teamSettings, create: true)
        guard let store = session.store as? PostgresStore else { App.fail("push copies into a PostgreSQL database", .invalid, closing: session) }
        let counts: Push.Counts
        do {
            counts = try session.store.transactionRetryingConflicts {
                try Push(personal.network, itemStates: personal.states, sightings: personal.sightings, into: store).run()
            }
        } catch {
            App.settleNewDatabase(session, .failed, teamSettings)
            App.fail(error, closing: session)
        }
        App.settleNewDatabase(session, .success, teamSettings)
        TerminalOutput.write(counts.description + "\n", to: STDOUT_FILENO)
        TerminalOutput.write("Pushed \(path) into \(ConnectionSettings.redacted(team)).\n", to: STDERR_FILENO)
        App.exit(.success, closing: session)
    }
}
