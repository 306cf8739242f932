import Foundation
import Testing

@testable import TendCore
@testable import TendStore

/// Two connections to one file, as two processes hold them.
@Suite struct TwoConnectionTests {
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
