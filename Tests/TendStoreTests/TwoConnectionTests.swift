import Foundation
import Testing

@testable import TendCore
@testable import TendStore

/// Two connections to one file, as two processes hold them.
@Suite struct TwoConnectionTests {
    /// A log without its -shm is a killed run's when it stays, a closing writer's when it goes
    /// (the writer removes its -shm, then its log): a read-only open waits a short while for it
    /// to go before naming it; a rollback journal is named at once.
    @Test func aLogLeftWithoutItsSharedMemoryIsWaitedForAWhile() throws {
        let path = tempPath("closing.db")
        #expect(FileManager.default.createFile(atPath: path, contents: Data("x".utf8)))
        func elapsed(_ body: () -> String?) -> (String?, Double) {
            let start = Date()
            let found = body()
            return (found, Date().timeIntervalSince(start))
        }
        // It goes 0.1 s later, as a closing writer's does.
        #expect(FileManager.default.createFile(atPath: path + "-wal", contents: Data(repeating: 1, count: 32)))
        let remover = Thread { usleep(100_000); try? FileManager.default.removeItem(atPath: path + "-wal") }
        remover.start()
        let (gone, waited) = elapsed { Store.unfinishedLog(waitingFor: path, wait: 5_000) }
        #expect(gone == nil && waited >= 0.05 && waited < 4, "\(String(describing: gone)) after \(waited) s")
        // It stays, as a killed run's does: named after the wait.
        #expect(FileManager.default.createFile(atPath: path + "-wal", contents: Data(repeating: 1, count: 32)))
        let (stays, stayed) = elapsed { Store.unfinishedLog(waitingFor: path, wait: 300) }
        #expect(stays == "closing.db-wal" && stayed >= 0.3, "\(String(describing: stays)) after \(stayed) s")
        // With its -shm, it is a writer's at work: nothing to wait for.
        #expect(FileManager.default.createFile(atPath: path + "-shm", contents: Data()))
        #expect(elapsed { Store.unfinishedLog(waitingFor: path, wait: 5_000) }.0 == nil)
        // A rollback journal left by a crash is named at once.
        #expect(FileManager.default.createFile(atPath: path + "-journal", contents: Data(repeating: 1, count: 32)))
        let (journal, at) = elapsed { Store.unfinishedLog(waitingFor: path, wait: 5_000) }
        #expect(journal == "closing.db-journal" && at < 1, "\(String(describing: journal)) after \(at) s")
    }

    /// An update writes only the fields it names, even from a stale copy (#17.6).
    @Test func anUpdateWritesOnlyItsFields() throws {
        let path = tempPath("two.db")
        let a = try Store(path: path)
        let id = try a.apply(.insertContact(Contact(name: "Joan Rivera", handle: "joan-rivera", created: day)))!
        var stale = try a.network().contact(id)!
        let b = try Store(path: path)
        var theirs = try b.network().contact(id)!
        theirs.company = "B-Co"
        theirs.tags = ["golf"]
        try b.apply(.updateContact(theirs, fields: ["company", "tags"]))
        stale.nextStep = "call"
        try a.apply(.updateContact(stale, fields: ["next_step"]))
        let fresh = try Store(path: path).network().contact(id)!
        #expect(fresh.company == "B-Co" && fresh.tags == ["golf"] && fresh.nextStep == "call")
        // The cached copy takes the same fields only.
        #expect(try a.network().contact(id)?.nextStep == "call")
    }

    /// `refresh` says when the other connection committed, and drops what was cached.
    @Test func refreshNoticesAnotherConnection() throws {
        let path = tempPath("two.db")
        let a = try Store(path: path)
        try a.apply(.insertContact(Contact(name: "Joan Rivera", handle: "joan-rivera", created: day)))
        #expect(try a.network().contacts.count == 1)
        #expect(try a.refresh() == false)
        let b = try Store(path: path)
        try b.apply(.insertContact(Contact(name: "Dana Lee", handle: "dana-lee", created: day)))
        #expect(try a.network().contacts.count == 1)
        #expect(try a.refresh() == true)
        #expect(try a.network().contacts.count == 2)
        #expect(try a.refresh() == false)
    }
}
