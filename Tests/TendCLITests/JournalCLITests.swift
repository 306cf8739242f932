import Foundation
import GRDB
import Testing

/// Undo, history and edit from the command line (#21 items 4-6), on a real database, with a
/// scripted editor: a shell script given as `$EDITOR` that changes the file as a user would.
@Suite struct JournalCLITests {
    static let setup = """
        add "Joan Rivera" company: "Salon Joan", +vendor, goals: ["open a second salon"], cadence: 3mo
        log lunch with @joan-rivera on 2026-11-20 note: "asked about ad space" quality: 4 asked

        """

    static func start() throws -> URL {
        let dir = CLI.tempDir()
        let r = try CLI.run(["run", "-"], stdin: setup, in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        return dir
    }

    /// An editor that runs these shell lines on the file (`$1`), in the test's folder.
    static func editor(_ lines: String, in dir: URL) throws -> [String: String] {
        let script = dir.appendingPathComponent("editor-\(UUID().uuidString).sh")
        try "#!/bin/sh\ncd \(dir.path)\n\(lines)\n".write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        return ["EDITOR": script.path, "VISUAL": ""]
    }

    static func value(_ expr: String, _ dir: URL) throws -> String {
        try CLI.run(["-e", expr], in: dir).stdout.trimmingCharacters(in: .newlines)
    }

    /// The file holds one statement per field; a changed line changes the field, a deleted one
    /// clears it, an added one runs; the diff is shown and the whole edit is one change, which
    /// undo takes back. The file is private to its owner.
    /// `remove knows @a @b` takes a mistaken edge away (there was no way to, and it skewed
    /// degree, paths and connectors for good); removing an introduction says the edge stays;
    /// undo puts the edge back, and the dump rebuilds what is left.
    @Test func aKnowsEdgeIsRemoved() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: "add \"Ann Ash\"\nadd \"Bo Bell\"\nadd \"Cy Cole\"\nintroduce @ann-ash and @bo-bell\nknows @ann-ash @cy-cole\n", in: dir).status == 0)
        let intro = try CLI.run(["-e", "remove introduction 1"], in: dir)
        #expect(intro.stdout == "Removed introduction 1. @ann-ash and @bo-bell are still recorded as knowing each other (remove knows @ann-ash @bo-bell takes that away).\n", "\(intro.stdout)")
        let both = try CLI.run(["-e", "remove knows @bo-bell @ann-ash", "-e", "@ann-ash.degree"], in: dir)
        #expect(both.stdout == "Removed that @bo-bell and @ann-ash know each other.\n1\n", "\(both.stdout)\(both.stderr)")
        let again = try CLI.run(["-e", "remove knows @ann-ash @bo-bell"], in: dir)
        #expect(again.status == 3 && again.stderr.contains("@ann-ash and @bo-bell are not recorded as knowing each other"), "\(again.stderr)")
        let dump = try CLI.run(["dump"], in: dir).stdout
        #expect(!dump.contains("knows @ann-ash @bo-bell\n") && dump.contains("knows @ann-ash @cy-cole"), "\(dump)")
        // The dump takes the edge away again after the introduction that records it (a review:
        // the restored database knew the two again).
        let copy = CLI.tempDir()
        #expect(try CLI.run(["run", "-"], stdin: dump, in: copy).status == 0)
        #expect(try CLI.run(["dump"], in: copy).stdout == dump)
        #expect(try CLI.run(["-e", "@ann-ash.degree"], in: copy).stdout == "1\n")
        #expect(try CLI.run(["undo"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "@ann-ash.degree"], in: dir).stdout == "2\n")
    }

    @Test func editChangesAContactInOneChange() throws {
        let dir = try Self.start()
        let env = try Self.editor(
            """
            stat -c %a "$1" > mode.txt
            cp "$1" original.tend
            sed -i -e 's/Salon Joan/Salon Rivera/' -e '/goals:/d' "$1"
            echo 'set @joan-rivera +vip' >> "$1"
            """, in: dir)
        let r = try CLI.run(["edit", "@joan-rivera"], in: dir, env: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try String(contentsOf: dir.appendingPathComponent("mode.txt"), encoding: .utf8) == "600\n")
        let original = try String(contentsOf: dir.appendingPathComponent("original.tend"), encoding: .utf8)
        #expect(original.contains("set @joan-rivera name: \"Joan Rivera\"\nset @joan-rivera company: \"Salon Joan\"\n"), "\(original)")
        #expect(original.contains("set @joan-rivera goals: [\"open a second salon\"]"))
        #expect(r.stdout.contains("Changes to @joan-rivera:\n- set @joan-rivera company: \"Salon Joan\"\n- set @joan-rivera goals: [\"open a second salon\"]\n+ set @joan-rivera company: \"Salon Rivera\"\n+ set @joan-rivera +vip"), "\(r.stdout)")
        #expect(try Self.value("@joan-rivera.company", dir) == "Salon Rivera")
        #expect(try Self.value("@joan-rivera.goals", dir) == "")
        #expect(try Self.value("@joan-rivera.tags", dir) == "vendor, vip")
        let history = try CLI.run(["--format", "csv", "history", "limit", "1"], in: dir)
        #expect(history.stdout == "number,time,source,statement,undone\n2,2026-11-23,edit,edit @joan-rivera,false\n", "\(history.stdout)")
        #expect(try CLI.run(["undo"], in: dir).status == 0)
        #expect(try Self.value("@joan-rivera.company", dir) == "Salon Joan")
        #expect(try Self.value("@joan-rivera.goals", dir) == "open a second salon")
        #expect(try Self.value("@joan-rivera.tags", dir) == "vendor")
    }

    /// `edit interaction 1`: its kind, note, quality, flags and date.
    /// Undo of an `add` is refused when rows written outside Tend since refer to the contact:
    /// deleting it took them with it by cascade (a `knows` row, an interaction's person), and
    /// left the interaction with no one in it.
    @Test func undoRefusesToTakeRowsWrittenOutsideTendWithIt() throws {
        let dir = try Self.start()
        #expect(try CLI.run(["-e", "add \"Xavier New\" handle: \"xav\""], in: dir).status == 0)
        let id = try Self.value("@xav.id", dir)
        let db = try DatabaseQueue(path: dir.appendingPathComponent("tend.db").path)
        try db.write { db in
            try db.execute(sql: "INSERT INTO knows (a_id, b_id) VALUES (1, \(id))")
            try db.execute(sql: "INSERT INTO interactions (id, kind, \"on\", note) VALUES (9999, 'call', '2026-11-20', 'outside')")
            try db.execute(sql: "INSERT INTO interaction_people (interaction_id, contact_id, position) VALUES (9999, \(id), 0)")
        }
        try db.close()
        let before = try CLI.run(["dump"], in: dir).stdout
        let r = try CLI.run(["undo"], in: dir)
        #expect(r.status == 3 && r.stderr.contains("was changed since, outside Tend; nothing was undone"), "\(r.stderr)")
        #expect(try CLI.run(["dump"], in: dir).stdout == before)
    }

    /// Undo puts back text with a NUL whole (SQLite's json_extract ended it at the NUL: the note
    /// came back as "before", and the next undo took the row for one changed outside Tend).
    @Test func undoKeepsTextWithANul() throws {
        let dir = CLI.tempDir()
        #expect(try CLI.run(["-e", "add \"Ann One\" notes: \"before\\u{0}after\", tags: [\"a\\u{0}b\"]"], in: dir).status == 0)
        #expect(try CLI.run(["-e", "log call with @ann-one note: \"x\\u{0}y\""], in: dir).status == 0)
        let dump = try CLI.run(["dump"], in: dir).stdout
        #expect(try CLI.run(["-e", "set @ann-one company: \"X\" notes: \"plain\""], in: dir).status == 0)
        #expect(try CLI.run(["-e", "remove interaction 1"], in: dir).status == 0)
        for _ in 0..<2 { #expect(try CLI.run(["undo"], in: dir).status == 0) }
        #expect(try Self.value("len(@ann-one.notes)", dir) == "12")
        #expect(try CLI.run(["dump"], in: dir).stdout == dump)
        let r = try CLI.run(["undo", "2"], in: dir)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(try Self.value("count(contacts)", dir) == "0")
    }

    @Test func editAnInteraction() throws {
        let dir = try Self.start()
        let env = try Self.editor("sed -i -e 's/asked about ad space/booked the ad/' -e '/asked$/d' \"$1\"", in: dir)
        let r = try CLI.run(["edit", "interaction", "1"], in: dir, env: env)
        #expect(r.status == 0, "\(r.stderr)")
        #expect(r.stdout.contains("+ set interaction 1 note: \"booked the ad\""), "\(r.stdout)")
        #expect(try Self.value("count(interactions where note == \"booked the ad\" and not asked and quality == 4)", dir) == "1")
        let missing = try CLI.run(["edit", "interaction", "9"], in: dir, env: env)
        #expect(missing.status == 3 && missing.stderr.contains("no interaction 9"), "\(missing.stderr)")
    }

    /// Without a terminal to edit on again, a file that does not check ends the edit with its
    /// error, as a check error anywhere does: exit 2, at the edited file's line and column (it
    /// was exit 3 at "<edit>"), with the line and a caret; nothing is changed.
    @Test func aCheckErrorWithoutATerminalFails() throws {
        let dir = try Self.start()
        let db = dir.appendingPathComponent("tend.db")
        let before = try Data(contentsOf: db)
        var env = try Self.editor("echo \"$1\" > path.txt; sed -i 's/cadence: 3mo/cadence: \"often\"/' \"$1\"; cp \"$1\" edited.tend", in: dir)
        env["TMPDIR"] = dir.path
        let r = try CLI.run(["edit", "@joan-rivera"], in: dir, env: env)
        #expect(r.status == 2, "\(r.stderr)")
        let path = try String(contentsOf: dir.appendingPathComponent("path.txt"), encoding: .utf8).trimmingCharacters(in: .newlines)
        let lines = try String(contentsOf: dir.appendingPathComponent("edited.tend"), encoding: .utf8).split(
            separator: "\n", omittingEmptySubsequences: false)
        let line = try #require(lines.firstIndex { $0.contains("cadence:") }) + 1
        let column = try #require(lines[line - 1].range(of: "\"often\"")).lowerBound.utf16Offset(in: lines[line - 1]) + 1
        #expect(r.stderr.hasPrefix("\(path):\(line):\(column): error:"), "\(r.stderr)")
        #expect(r.stderr.contains("set @joan-rivera cadence: \"often\"\n") && r.stderr.contains("^"), "\(r.stderr)")
        #expect(!r.stderr.contains("<edit"), "\(r.stderr)")
        #expect(try Data(contentsOf: db) == before)
        // The file the error points at is kept, with the edit in it (it was removed).
        #expect(r.stderr.contains("your edit is kept in \(path)"), "\(r.stderr)")
        #expect(try String(contentsOfFile: path, encoding: .utf8).contains("cadence: \"often\""))
    }

    /// The editor runs with no lock on the database: another process writes while it is open
    /// (it waited for the edit's write lock, and failed after 10 seconds). The edit then
    /// applies when its contact is as it was, and is refused, saying what changed, when the
    /// other process changed the contact meanwhile.
    @Test func anotherProcessWritesWhileTheEditorIsOpen() throws {
        let dir = try Self.start()
        func editWhile(_ other: String) throws -> (CLI.Result, other: String) {
            var env = try Self.editor(
                """
                "$TEND_BIN" -e '\(other)' > other.txt 2>&1; echo "status $?" >> other.txt
                echo 'set @joan-rivera +vip' >> "$1"
                """, in: dir)
            env["TEND_BIN"] = CLI.binary
            env["TMPDIR"] = dir.path
            let r = try CLI.run(["edit", "@joan-rivera"], in: dir, env: env)
            return (r, try String(contentsOf: dir.appendingPathComponent("other.txt"), encoding: .utf8))
        }
        let (refused, second) = try editWhile("set @joan-rivera company: \"Joan & Co\", title: \"Owner\"")
        #expect(second.hasSuffix("status 0\n"), "\(second)")
        #expect(refused.status == 3, "\(refused.stderr)")
        #expect(
            refused.stderr.contains("@joan-rivera was changed by another process while you edited it")
                && refused.stderr.contains("+ set @joan-rivera title: \"Owner\"") && refused.stderr.contains("nothing was changed"),
            "\(refused.stderr)")
        #expect(try Self.value("@joan-rivera.company + \" \" + @joan-rivera.title", dir) == "Joan & Co Owner")
        #expect(try Self.value("@joan-rivera.tags", dir) == "vendor")
        let (applied, other) = try editWhile("add \"Ann Arbor\"")
        #expect(other.hasSuffix("status 0\n"), "\(other)")
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(try Self.value("@joan-rivera.tags", dir) == "vendor, vip")
        #expect(try Self.value("count(contacts)", dir) == "2")
        // Renamed meanwhile: no longer there to edit, and nothing is written.
        let (renamed, third) = try editWhile("set @joan-rivera handle: \"joan\"")
        #expect(third.hasSuffix("status 0\n") && renamed.status == 3, "\(third) \(renamed.stderr)")
        #expect(renamed.stderr.contains("it is no longer there"), "\(renamed.stderr)")
        #expect(try Self.value("@joan.tags", dir) == "vendor, vip")
        // edit runs alone: its change is applied in a transaction of its own.
        let mixed = try CLI.run(["run", "-"], stdin: "set @joan title: \"Boss\"\nedit @joan\n", in: dir)
        #expect(mixed.status == 2 && mixed.stderr.contains("so it runs alone"), "\(mixed.stderr)")
        // The refused edit is kept for the user to apply again.
        let kept = try #require(refused.stderr.split(separator: "\n").last { $0.contains("your edit is kept in ") })
        let file = String(kept[kept.range(of: "your edit is kept in ")!.upperBound...])
        #expect(try String(contentsOfFile: file, encoding: .utf8).contains("set @joan-rivera +vip"))
    }

    /// A deleted line clears its field for every field an edit writes (birthday, named dates
    /// and uid were said to be cleared and were kept); a field no statement clears (the name)
    /// is refused in words; `edit` and `undo` do not run inside an edit (an edit in an edit
    /// nested until the stack overflowed).
    @Test func deletedLinesClearOrAreRefused() throws {
        let dir = try Self.start()
        #expect(try CLI.run(["-e", "set @joan-rivera birthday: --04-12, uid: \"U-1\""], in: dir).status == 0)
        let cleared = try CLI.run(["edit", "@joan-rivera"], in: dir, env: try Self.editor("sed -i -e '/birthday:/d' -e '/uid:/d' \"$1\"", in: dir))
        #expect(cleared.status == 0, "\(cleared.stderr)")
        #expect(try Self.value("@joan-rivera.birthday == null and @joan-rivera.uid == null", dir) == "true")
        let db = dir.appendingPathComponent("tend.db")
        let before = try Data(contentsOf: db)
        let name = try CLI.run(["edit", "@joan-rivera"], in: dir, env: try Self.editor("sed -i '/ name:/d' \"$1\"", in: dir))
        #expect(name.status != 0 && name.stderr.contains("name"), "\(name.status) \(name.stderr)")
        // Refused while running, it says nothing was changed and keeps the edit (it was removed).
        #expect(name.stderr.contains("nothing was changed; your edit is kept in "), "\(name.stderr)")
        for nested in ["edit @joan-rivera", "undo"] {
            let r = try CLI.run(["edit", "@joan-rivera"], in: dir, env: try Self.editor("echo '\(nested)' >> \"$1\"", in: dir))
            #expect(r.status != 0 && r.stderr.contains("does not run inside an edit"), "\(nested): \(r.stderr)")
        }
        #expect(try Data(contentsOf: db) == before)
        // A deleted stage line puts the stage back to the first (it set null, which was refused).
        #expect(try CLI.run(["-e", "set @joan-rivera stage: credibility"], in: dir).status == 0)
        let stage = try CLI.run(["edit", "@joan-rivera"], in: dir, env: try Self.editor("sed -i '/ stage:/d' \"$1\"", in: dir))
        #expect(stage.status == 0, "\(stage.stderr)")
        #expect(try Self.value("@joan-rivera.stage", dir) == "contact")
    }

    /// `done` twice on one item logs its touch once; undo with a definition in the same run is
    /// refused like undo with any other change.
    @Test func doneTwiceLogsOnceAndUndoRunsAlone() throws {
        let dir = try Self.start()
        let setup = "rule \"call joan\" when +vendor then remind \"Call {name}\" log call priority 20\nagenda\n"
        #expect(try CLI.run(["run", "-"], stdin: setup, in: dir).status == 0)
        #expect(try CLI.run(["-e", "done 1"], in: dir).status == 0)
        let again = try CLI.run(["-e", "done 1"], in: dir)
        #expect(again.stdout.contains("was already done on 2026-11-23"), "\(again.stdout) \(again.stderr)")
        #expect(try Self.value("count(interactions where kind == \"call\")", dir) == "1")
        let mixed = try CLI.run(["run", "-"], stdin: "undo\nlet x = 1\n", in: dir)
        #expect(mixed.status == 2 && mixed.stderr.contains("runs on its own"), "\(mixed.stderr)")
    }

    /// A file left as it was, or emptied, is a cancelled edit: nothing is written, no change is
    /// journalled. An editor that fails changes nothing either.
    @Test func aCancelledEditChangesNothing() throws {
        let dir = try Self.start()
        let db = dir.appendingPathComponent("tend.db")
        let before = try Data(contentsOf: db)
        for lines in ["true", ": > \"$1\"", "sed -i '/^#/d' \"$1\""] {
            let r = try CLI.run(["edit", "@joan-rivera"], in: dir, env: try Self.editor(lines, in: dir))
            #expect(r.status == 0, "\(lines): \(r.stderr)")
            #expect(r.stdout.contains("Nothing changed: the file was left as it was."), "\(lines): \(r.stdout)")
        }
        let failed = try CLI.run(["edit", "@joan-rivera"], in: dir, env: try Self.editor("sed -i 's/Salon/Shop/' \"$1\"; exit 1", in: dir))
        #expect(failed.status == 3 && failed.stderr.contains("exited with status 1; nothing was changed"), "\(failed.stderr)")
        #expect(try Data(contentsOf: db) == before)
    }

    /// `--read-only` lists the history but refuses undo and edit before anything runs.
    @Test func readOnlyShowsHistoryOnly() throws {
        let dir = try Self.start()
        let history = try CLI.run(["--read-only", "--format", "csv", "history"], in: dir)
        #expect(history.status == 0 && history.stdout.hasPrefix("number,time,source,statement,undone\n1,2026-11-23,stdin,"), "\(history.stdout)")
        let undo = try CLI.run(["--read-only", "undo"], in: dir)
        #expect(undo.status == 2 && undo.stderr.contains("undo changes data, which --read-only does not allow"), "\(undo.stderr)")
        let edit = try CLI.run(["--read-only", "edit", "@joan-rivera"], in: dir)
        #expect(edit.status == 2 && edit.stderr.contains("edit changes data"), "\(edit.stderr)")
        #expect(try Self.value("count(contacts)", dir) == "1")
    }

    /// Only the REPL at its prompt asks before removing someone with events: the command and a
    /// script do not.
    @Test func removeOutsideTheREPLDoesNotAsk() throws {
        let dir = try Self.start()
        let r = try CLI.run(["remove", "@joan-rivera"], in: dir)
        #expect(r.status == 0 && !r.stdout.contains("[y/N]") && r.stdout.contains("Removed @joan-rivera"), "\(r.stdout)")
        #expect(try Self.value("count(contacts)", dir) == "0")
    }

    /// Each agenda item has one UID in every export (a calendar updates it rather than adding
    /// another), and no two items share one, even for rules whose names read alike.
    @Test func agendaUIDsAreStable() throws {
        let dir = try Self.start()
        try CLI.run(["run", "-"], stdin: "rule \"Call!\" when true then remind \"A\"\nrule \"call\" when true then remind \"B\"\n", in: dir)
        func uids() throws -> [String] {
            try CLI.run(["export", "ics", "-"], in: dir).stdout.split(separator: "\r\n").filter { $0.hasPrefix("UID:") }.map(String.init)
        }
        let first = try uids()
        #expect(
            first.contains("UID:contact-1.call-\(Self.fnv("Call!"))@tend") && first.contains("UID:contact-1.call-\(Self.fnv("call"))@tend"),
            "\(first)")
        #expect(Set(first).count == first.count)
        try CLI.run(["add", "Ann Arbor"], in: dir)
        let second = try uids()
        #expect(Set(first).isSubset(of: Set(second)) && second.count > first.count, "\(second)")
        // A new handle is the same person: the UIDs (made from the handle, so every item came
        // back in the calendar as a second to-do) do not change.
        #expect(try CLI.run(["set", "@joan-rivera", "handle:", "joan"], in: dir).status == 0)
        #expect(try uids() == second)
    }

    static func fnv(_ s: String) -> String {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
        return String(h, radix: 16)
    }
}
