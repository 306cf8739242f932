import Foundation
import Testing

@testable import TendCore
@testable import TendStore

/// The stage is the latest stage change by date, ties to the later id (#17.8), in the store and
/// in memory alike, whatever order changes come and go in.
@Suite struct StageHistoryTests {
    @Test(arguments: [1, 2, 3, 4, 5])
    func theStageFollowsTheLatestChange(_ seed: UInt64) throws {
        var rng = SampleNetwork.Random(state: seed)
        let store = try Store(path: nil)
        // The same changes on a file opened anew for each, which reads its contacts without
        // their events first (as a query on stored fields does) and then applies the change.
        let leanPath = tempPath("lean.db")
        var lean = try Store(path: leanPath)
        let memory = MemoryModel()
        var ids: [Int64] = []
        for n in 0..<3 {
            let c = Contact(name: "P \(n)", handle: "p-\(n)", created: day)
            ids.append(try store.apply(.insertContact(c))!)
            try lean.apply(.insertContact(c))
            try memory.apply(.insertContact(c))
        }
        var changes: [Int64] = []
        for _ in 0..<60 {
            let change: Change
            if rng.chance(0.25), !changes.isEmpty {
                let id = changes.remove(at: rng.int(changes.count))
                change = .deleteEvent(.stage, id)
            } else {
                let s = StageChange(contact: rng.pick(ids), stage: rng.pick(Stage.allCases), on: day.adding(days: rng.int(5) - 2))
                change = .insertStageChange(s)
            }
            lean = try Store(path: leanPath)
            _ = try lean.network(events: false)
            let id = try store.apply(change)
            try lean.apply(change)
            if case .insertStageChange(var s) = change {
                // The same ids in both: SQLite gives a removed last id to the next change.
                s.id = id!
                try memory.apply(.insertStageChange(s))
                changes.append(id!)
            } else {
                try memory.apply(change)
            }
            let stored = try Store.load(fromQueueOf: store)
            for c in stored.contacts {
                let expected = stored.latestStage(of: c.id)
                #expect(c.stage == expected ?? c.stage)
                #expect(try memory.network().contact(c.id)?.stage == c.stage)
                #expect(try store.network().contact(c.id)?.stage == c.stage)
                #expect(try lean.network(events: false).contact(c.id)?.stage == c.stage)
            }
            // stage_since is the date of the change the stage comes from, on every path: the
            // core's pass, the store's scan of every contact, and its read of a few.
            let core = stored.stats(today: day)
            let scanned = try store.db.inDatabase { try Store.stats($0, today: day) }
            let few = try store.db.inDatabase { try Store.stats($0, today: day, only: ids) }
            for id in ids {
                let deciding = stored.stageChanges.filter { $0.contact == id }.max { (max($0.on, day), $0.id) < (max($1.on, day), $1.id) }
                #expect(core[id]?.stageSince == deciding?.on)
                #expect(scanned[id]?.stageSince == deciding?.on)
                #expect(few[id]?.stageSince == deciding?.on)
            }
        }
    }
}
