import Foundation
import Testing

@testable import TendInterchange

/// A large address book is read as two runs of cards on two threads; what comes out (cards,
/// their numbers and lines, warnings, errors, group tags) is what one run gives.
@Suite struct VCardThreadsTests {
    /// `count` cards of every sort the reader tells apart, with the file's trouble between them:
    /// a card with no name (an error), lines outside cards, a card cut short by the next BEGIN,
    /// an unindented base64 run, quoted-printable soft breaks, blank lines, lowercase BEGIN and
    /// END, a group card whose members are on either side, and a last card without END:VCARD.
    static func addressBook(cards count: Int, endsOpen: Bool) -> String {
        var text = ""
        for i in 0..<count {
            switch i % 9 {
            case 0: text += "BEGIN:VCARD\r\nVERSION:3.0\r\nFN:Ana \(i)\r\nUID:u\(i)\r\nEMAIL:a\(i)@x.example\r\nEND:VCARD\r\n"
            case 1: text += "BEGIN:VCARD\r\nVERSION:3.0\r\nNOTE:no name at all\r\nEND:VCARD\r\n"
            case 2: text += "stray text between cards \(i)\r\nBEGIN:VCARD\r\nFN:Bo \(i)\r\nnot a vcard line\r\nEND:VCARD\r\n"
            case 3: text += "BEGIN:VCARD\r\nFN:Cut \(i)\r\nBEGIN:VCARD\r\nFN:After cut \(i)\r\nEND:VCARD\r\nEND:VCARD\r\n"
            case 4:
                text += "BEGIN:VCARD\r\nVERSION:2.1\r\nFN:Photo \(i)\r\nPHOTO;ENCODING=BASE64;TYPE=JPEG:AAAA\r\nBBBBCCCC\r\n\r\n"
                text += "NOTE;ENCODING=QUOTED-PRINTABLE:first=\r\nsecond\r\nEND:VCARD\r\n"
            case 5: text += "\r\n\r\nbegin:vcard\r\nfn:Lower \(i)\r\nitem1.EMAIL:l\(i)@x.example\r\nitem1.X-ABLabel:work\r\nend:vcard\r\n\r\n"
            case 6: text += "BEGIN:VCARD\r\nVERSION:4.0\r\nKIND:group\r\nFN:Team \(i)\r\nMEMBER:urn:uuid:u0\r\nMEMBER:urn:uuid:u\(count - count % 9)\r\nEND:VCARD\r\n"
            case 7: text += "END:VCARD\r\nBEGIN:VCARD\r\nFN:Folded\r\n  name \(i)\r\nUID:u\(i)\r\nEND:VCARD\r\n"
            default: text += "BEGIN:VCARD\r\nFN:Dana \(i)\r\nTEL;TYPE=cell:+1 555 \(i)\r\nCATEGORIES:a,b\r\nEND:VCARD\r\n"
            }
        }
        return text + (endsOpen ? "BEGIN:VCARD\r\nFN:Last, open\r\n" : "")
    }

    static func same(_ a: ImportBatch, _ b: ImportBatch) {
        #expect(a.contacts == b.contacts)
        #expect(a.errors.map(\.description) == b.errors.map(\.description))
        #expect(a.warnings.map(\.description) == b.warnings.map(\.description))
    }

    @Test(arguments: [(40, false), (41, true), (57, false), (100, true), (9, true)])
    func twoRunsReadWhatOneReads(cards: Int, endsOpen: Bool) throws {
        let bytes = Array(Self.addressBook(cards: cards, endsOpen: endsOpen).utf8)
        let one = try VCard.read(bytes, twoThreadsFrom: .max)
        #expect(VCard.cut(VCard.contentLines(bytes)) != nil)
        let two = try VCard.read(bytes, twoThreadsFrom: 0)
        Self.same(one, two)
        #expect(one.contacts.count > cards / 2)
        #expect(!one.errors.isEmpty && !one.warnings.isEmpty)
        // The group on either side of the cut tags the first and the last Ana.
        #expect(two.contacts.first { $0.uid == "u0" }?.tags.contains { $0.hasPrefix("team") } == true)
    }

    /// A BEGIN:VCARD inside an open card, or one after a line that only looks like END:VCARD,
    /// is no place to cut: the runs would disagree about which card is open.
    @Test func noCutInsideACard() throws {
        var text = ""
        for i in 0..<30 { text += "BEGIN:VCARD\r\nFN:Open \(i)\r\nEND:VCARDS\r\n" }
        let bytes = Array(text.utf8)
        #expect(VCard.cut(VCard.contentLines(bytes)) == nil)
        Self.same(try VCard.read(bytes, twoThreadsFrom: .max), try VCard.read(bytes, twoThreadsFrom: 0))
    }

    /// Cards are counted as the reader counts them: a grouped or parametered BEGIN counts.
    @Test func cardsAreCountedAsRead() {
        #expect(VCard.beginsCard(Array("item1.BEGIN:VCARD".utf8)))
        #expect(VCard.beginsCard(Array("begin;x=y: vcard ".utf8)))
        #expect(!VCard.beginsCard(Array("BEGIN:VCALENDAR".utf8)))
        #expect(!VCard.beginsCard(Array("NOTE:BEGIN:VCARD".utf8)))
    }
}
