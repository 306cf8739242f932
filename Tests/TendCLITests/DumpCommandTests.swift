import Foundation
import Testing

/// `tend dump` → `tend run` on an empty database → `tend dump` gives the same text (#17.10).
@Suite struct DumpCommandTests {
    @Test func dumpRunDumpIsIdentical() throws {
        let dir = CLI.tempDir()
        let db = dir.appendingPathComponent("rich.db").path
        #expect(try CLI.run(["--db", db, "demo", "--size", "40"], in: dir).status == 0)
        let changes = try CLI.run(
            ["--db", db, "run", "-"],
            stdin: """
                fn partner_value(c) = c.referrals_given * 100 + w_partner
                let w_partner = 7
                score worth = partner_value(it)
                goal "Partners" metric: sum(contacts, partner_value(it)) target: 900 per quarter
                drop rule "reconnect"
                rule "reconnect" when days_since(last_touch ?? created) > 200 then remind "Reconnect with {name} \\{soon\\}"
                drop fn default_cadence cascade
                add "Zoë \\"Q\\" O'Neil" handle: "zoe", notes: "line one\\nline two\\ttab \\u{7}", tags: ["odd tag", "vip"]
                set @zoe stage: credibility on 2026-03-01
                set @zoe stage: visibility on 2026-02-01
                snooze @zoe until 2027-01-01
                """, in: dir)
        #expect(changes.status == 0, "\(changes.stderr)")
        let first = try CLI.run(["--db", db, "dump"], in: dir)
        #expect(first.status == 0, "\(first.stderr)")
        let copy = dir.appendingPathComponent("copy.db").path
        let restore = try CLI.run(["--db", copy, "run", "-"], stdin: first.stdout, in: dir)
        #expect(restore.status == 0, "\(restore.stderr.prefix(2000))")
        let second = try CLI.run(["--db", copy, "dump"], in: dir)
        #expect(first.stdout == second.stdout)
        let agenda = try CLI.run(["--db", db, "agenda"], in: dir)
        #expect(try CLI.run(["--db", copy, "agenda"], in: dir).stdout == agenda.stdout)
    }
}
