import Foundation
import TendTestSupport
import Testing

/// A merge keeps the stage of the contact merged into, while the other's stage history comes
/// along; a dump replays that history, so the kept stage must be what it says, on both stores.
@Suite struct MergeStageTests {
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
