import Foundation
import FuzzDriver
import TendCore
import TendInterchange
import TouchFixture

/// The mail header reader (fields, address lists, encoded words, dates), the mbox scanner and
/// the touch engine on arbitrary bytes: each input is read as a header block, and as an mbox
/// whose messages are imported.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = MailHeaders(parsing: bytes[...])
    _ = EncodedWords.decode(String(decoding: bytes, as: UTF8.self))
    var importer = fuzzImporter(zone: "Europe/Berlin", plan: false)
    let mbox = bytes.starts(with: Array("From ".utf8)) ? bytes : Array("From x Tue Mar 10 09:15:00 2026\n".utf8) + bytes
    try? Mailbox.readMbox(bytes: mbox) { importer.add($0) }
    _ = importer.finish()
    return 0
}

@_cdecl("FuzzMail_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzz(data, size) }
}
