import Foundation
import TendCore
import TendInterchange

// Usage: TouchesBench ics|mbox|maildir PATH CONTACTS
// The address book holds CONTACTS contacts, p0@example.com … (id i for p{i}), and me@example.com.
// Prints what the engine found, as `tend import … --dry-run` will; Scripts/bench times the run.
let args = CommandLine.arguments
guard args.count == 4, let contacts = Int(args[3]) else {
    FileHandle.standardError.write(Data("usage: TouchesBench ics|mbox|maildir PATH CONTACTS\n".utf8))
    exit(2)
}
var book = AddressBook()
for i in 0..<contacts { book.add("p\(i)@example.com", contact: Int64(i)) }
book.addMine("me@example.com")
let options = TouchOptions(today: Day(year: 2026, month: 11, day: 23)!, timeZone: TimeZone(identifier: "America/New_York")!)
var importer = TouchImporter(addressBook: book, options: options)
do {
    switch args[1] {
    case "ics": importer.add(try ICalendar.read([UInt8](try Data(contentsOf: URL(fileURLWithPath: args[2])))))
    case "mbox": try Mailbox.readMbox(path: args[2]) { importer.add($0) }
    case "maildir": try Mailbox.readMaildir(path: args[2]) { importer.add($0) }
    default: throw ImportError(args[1], "not ics, mbox or maildir")
    }
} catch {
    FileHandle.standardError.write(Data("\(error)\n".utf8))
    exit(3)
}
let result = importer.finish()
let skipped = result.skipped.sorted { $0.key < $1.key }.map { "\($0.value) \($0.key.rawValue)" }.joined(separator: ", ")
print("\(result.touches.count) touches, \(result.planned.count) next steps, \(result.candidates.count) candidates; left out: \(skipped)")
