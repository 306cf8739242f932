import Foundation
import TendTestSupport
import Testing

/// A merge keeps the stage of the contact merged into, while the other's stage history comes
/// along; a dump replays that history, so the kept stage must be what it says, on both stores.
@Suite struct MergeStageTests {
    /// A merge says when the kept contact takes the other's earlier date of adding (it moves
    /// `due`, so the agenda; it was taken without a word), writes notes both had once, and keeps
    /// a phone's type only the merged contact gave the number.
    @Test func aMergeSaysWhatItTookAndDoublesNothing() throws {
        let dir = CLI.tempDir()
        let script = """
            add "Old Friend" created: 2020-05-05, notes: "shared", phones: [{value: "+1 555 0100", type: "mobile"}]
            add "New Card" created: 2026-11-01, notes: "shared", phone: "+1 555 0100"

            """
        #expect(try CLI.run(["run", "-"], stdin: script, in: dir).status == 0)
        let r = try CLI.run(["-e", "merge @old-friend into @new-card"], in: dir)
        #expect(r.stdout.contains("Added on 2020-05-05, @old-friend's date, the earlier of the two."), "\(r.stdout)")
        #expect(try CLI.run(["-e", "@new-card.notes"], in: dir).stdout == "shared\n")
        #expect(try CLI.run(["--format", "json", "-e", "@new-card"], in: dir).stdout.contains("\"phones\":[\"+1 555 0100 (mobile)\"]"))
        #expect(try CLI.run(["-e", "set me name: \"Pat\""], in: dir).status == 0)
        #expect(try CLI.run(["-e", "set me name: \"Pat\""], in: dir).stdout == "me already has that value; nothing was changed.\n")
    }

    @Test(arguments: EventIDTests.stores)
    func aMergeKeepsItsStageThroughADump(_ store: String) throws {
        let dir = CLI.tempDir()
        let a = try EventIDTests.database(store, "merge_stage_a", in: dir)
        let script = """
            add "Al A" stage: credibility
            add "Al B" stage: visibility
            add "Cy C" stage: visibility
            add "Di D" stage: profitability
            set @di-d stage: contact on 2027-01-05
            merge @al-b into @al-a
            merge @di-d into @cy-c

            """
        let setup = try EventIDTests.tend(a, ["run", "-"], stdin: script, in: dir)
        #expect(setup.status == 0, "\(setup.stderr)")
        let stages = ["--format", "csv", "-e", "contacts sort by handle show handle, stage, stage_since"]
        let before = try EventIDTests.tend(a, stages, in: dir).stdout
        // Each keeps its own stage; a later change brought along (dated next year) is outdated by one of that day.
        #expect(before == "handle,stage,stage_since\nal-a,credibility,2026-11-23\ncy-c,visibility,2027-01-05\n", "\(before)")
        let dump = try EventIDTests.tend(a, ["dump"], in: dir)
        let b = try EventIDTests.database(store, "merge_stage_b", in: dir)
        let restore = try EventIDTests.tend(b, ["run", "-"], stdin: dump.stdout, in: dir)
        #expect(restore.status == 0, "\(restore.stderr)")
        #expect(try EventIDTests.tend(b, stages, in: dir).stdout == before)
        #expect(try EventIDTests.tend(b, ["dump"], in: dir).stdout == dump.stdout)
    }
}
