import Foundation
import FuzzDriver
import TendCore
import TendREPL
import TendStore

/// What every input is put through: stored and derived fields, events, goals, scores, the
/// agenda and a card, as a user's first commands would.
let probe = """
    count(contacts)
    contacts where touches > 0 sort by overdue desc limit 5
    contacts show name, stage, cadence, priority limit 5
    interactions where quality >= 3 sort by on desc limit 5
    referrals limit 5
    spending limit 5
    agenda
    progress
    why @joan-rivera
    @joan-rivera
    """

/// The small network that stored definitions are tried against.
let fixture = """
    add "Joan Rivera" profession: "salon", +vip, cadence: 3mo, created: 2025-01-01
    add "Dana Lee" profession: "financial advisor", stage: credibility, created: 2025-02-01
    log lunch with @joan-rivera, @dana-lee on 2026-11-20 asked quality: 4
    refer "Mike" to @joan-rivera value: 120
    spend 85 at @dana-lee
    knows @joan-rivera @dana-lee
    goal "Meet" metric: count(interactions) target: 3 per month
    """

let today = Day(year: 2026, month: 11, day: 23)!
let quiet = Console(out: { _ in }, err: { _ in })
let file = NSTemporaryDirectory() + "tend-fuzz-store-\(getpid()).db"

/// Runs the probe on a store; errors are fine, crashes are not.
func exercise(_ store: Store) {
    guard let session = try? Session(store: store, today: today, console: quiet) else { return }
    _ = session.runScripts([Source(name: "probe", text: probe)], bail: false, readOnly: true)
    _ = try? session.dump()
}

/// Two kinds of input. A file that starts as SQLite's do is a whole database: it is opened,
/// queried and asked for the agenda. Anything else is stored definitions, separated by blank
/// lines (`let`, `fn`, `rule`, `score`, as another program or an older Tend could have written
/// them, never checked): they are put into the fixture's database, which is then queried the
/// same way.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = UnsafeBufferPointer(start: data, count: size)
    if size >= 16, String(decoding: bytes[0..<15], as: UTF8.self) == "SQLite format 3" {
        for suffix in ["", "-wal", "-shm"] { unlink(file + suffix) }
        guard FileManager.default.createFile(atPath: file, contents: Data(bytes)) else { return 0 }
        if let store = try? Store(path: file) { exercise(store) }
        return 0
    }
    guard let store = try? Store(path: nil), let session = try? Session(store: store, today: today, console: quiet) else { return 0 }
    _ = session.runScripts([Source(name: "fixture", text: fixture)], bail: false, readOnly: false)
    for (n, text) in String(decoding: bytes, as: UTF8.self).components(separatedBy: "\n\n").enumerated() {
        let kind = Definition.Kind(rawValue: String(text.prefix { $0 != " " })) ?? .let
        _ = try? store.apply(.setDefinition(Definition(kind: kind, name: "d\(n)", source: text)))
    }
    exercise(store)
    return 0
}

@_cdecl("FuzzStore_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzz(data, size) }
}
