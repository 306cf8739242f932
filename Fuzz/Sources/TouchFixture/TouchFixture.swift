import Foundation
import TendCore
import TendInterchange

/// The touch engine as the fuzz targets run it: two contacts and my address, "today" fixed.
public func fuzzImporter(zone: String, plan: Bool) -> TouchImporter {
    var book = AddressBook()
    book.add("a@b.c", contact: 1)
    book.add("dana@lee.example", contact: 2)
    book.addMine("me@example.com")
    let options = TouchOptions(today: Day(year: 2026, month: 11, day: 23)!, timeZone: TimeZone(identifier: zone)!, plan: plan)
    return TouchImporter(addressBook: book, options: options)
}
