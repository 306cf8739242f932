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

/// libFuzzer's driver, which runs a target's test function on each input it makes.
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(
    _ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
    _ callback: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt

/// Hands a target's test function to libFuzzer. SwiftPM links an executable's entry point as
/// `TARGET_main`, so each target declares that entry and calls this from it.
public func runFuzzer(
    _ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?, _ test: @convention(c) (UnsafePointer<UInt8>, Int) -> CInt
) -> CInt {
    var count = argc
    var args = argv
    return LLVMFuzzerRunDriver(&count, &args, test)
}
