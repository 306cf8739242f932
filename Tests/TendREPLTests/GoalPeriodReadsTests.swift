import Foundation
import Testing

@testable import TendCore
@testable import TendREPL
@testable import TendStore

/// A goal's periods read the events dated in each period from the store, with every stage change
/// and edge, not every event (`goals` at 1,000,000 interactions held 458 MB): the same progress
/// as from every event in memory.
@Suite struct GoalPeriodReadsTests {
    @Test(arguments: ["goals", "progress"])
    func eachPeriodReadsItsOwnEvents(query: String) throws {
        let (file, h) = try MoneyReportReadsTests.sampleNetwork(seed: 10)
        try MoneyReportReadsTests.run(
            """
            introduce @\(h[2]) and @\(h[3]) on 2026-10-02
            refer "Ana Park" to @\(h[4]) value: 120 on 2026-11-03
            referral from @\(h[5]) about "Bo Li" on 2026-09-30
            spend 40 at @\(h[5]) on 2026-11-01
            spend 15 at @\(h[6]) on 2026-08-31
            set @\(h[7]) stage: credibility on 2026-10-15
            log lunch with @\(h[1]) on 2026-11-30
            goal "Lunches" metric: count(interactions where kind == "lunch") target: 4 per month
            goal "Referrals" metric: count(referrals) + count(introductions) target: 2 per quarter
            goal "Money" metric: sum(spending, amount) target: 50 per month
            goal "Touched" metric: count(contacts where touches > 0) target: 30 per month
            goal "Stages" metric: count(contacts where stage_since != null and degree > 0) target: 3 per year
            goal "Given" metric: sum(contacts, gave) + sum(contacts, referrals_received) target: 9 per week
            """, on: file)
        let store = try Store(path: file)
        let session = try Session(store: store, today: MoneyReportReadsTests.today, console: DumpTests.quiet)
        let memory = Interpreter(model: MemoryModel(try Store(path: file).network()), today: MoneyReportReadsTests.today)
        let fromStore = EditReadsTests.answer(session.interpreter, query)
        #expect(fromStore == EditReadsTests.answer(memory, query))
        #expect(fromStore.contains("Lunches") && fromStore.contains("Given") && !fromStore.hasPrefix("error"), "\(fromStore)")
        #expect(try store.network(events: false).interactions.isEmpty, "every event was read")
        // More interactions in a period than are looked up one by one: read in pages.
        let paging = try Session(store: try Store(path: file), today: MoneyReportReadsTests.today, console: DumpTests.quiet)
        paging.interpreter.periodReads = (few: 3, page: 4)
        #expect(EditReadsTests.answer(paging.interpreter, query) == fromStore)
    }
}
