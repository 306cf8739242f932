import Foundation
import FuzzDriver
import TendCore
import TendInterchange
import TouchFixture

/// The iCalendar reader, the recurrence engine and the touch engine on arbitrary bytes: each
/// input is read as a calendar and imported (expanding its rules, zones and overrides), and its
/// first line is read as a recurrence rule and expanded on its own.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if let calendar = try? ICalendar.read(bytes) {
        var importer = fuzzImporter(zone: "America/New_York", plan: true)
        importer.add(calendar)
        _ = importer.finish()
    }
    let line = String(decoding: bytes.prefix { $0 != 10 }, as: UTF8.self)
    if let rule = try? RecurrenceRule(parsing: line) {
        var n = 0
        _ = rule.occurrences(
            after: LocalTime(day: Day(year: 2020, month: 2, day: 29)!, time: 3600), allDay: false, until: nil,
            through: Day(year: 2026, month: 11, day: 23)!
        ) { _ in
            n += 1
            return n < 10_000
        }
    }
    return 0
}

@_cdecl("FuzzCalendar_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzz(data, size) }
}
