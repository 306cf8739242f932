import FuzzDriver
import TendCore
import TendInterchange

/// The vCard and CSV readers on arbitrary bytes.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? VCard.read(bytes)
    _ = try? CSVImport.read(bytes, flavor: .generic)
    _ = try? CSVImport.read(bytes, flavor: .linkedin)
    _ = try? CSVImport.read(bytes, flavor: .google)
    return 0
}

@_cdecl("FuzzImport_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzz(data, size) }
}
