import FuzzDriver
import TendCore

/// A small network every input runs against.
let fixtureScript = """
    add "Joan Rivera" profession: "salon", +vip, cadence: 3mo, created: 2025-01-01
    add "Dana Lee" profession: "financial advisor", stage: credibility, created: 2025-02-01
    log lunch with @joan-rivera and @dana-lee on 2026-11-20 asked
    refer "Mike" to @joan-rivera value: 120
    spend 85 at @dana-lee
    knows @joan-rivera @dana-lee
    set me preferred_client: "retired empty nesters"
    market "retired empty nesters" served_by: ["salon"]
    goal "Meet" metric: count(interactions) target: 3 per month
    """

let today = Day(year: 2026, month: 11, day: 23)!

/// The fixture network and the checked prelude, made once; each input starts from a copy.
let fixture: (Network, Definitions) = {
    var checker = Checker(definitions: Definitions())
    checker.check(Prelude.statements)
    let model = MemoryModel()
    let interpreter = Interpreter(model: model, today: today, definitions: checker.definitions)
    for s in Parser.parse(Source(name: "fixture", text: fixtureScript)).statements {
        checker.check(s)
        _ = try? interpreter.execute(s)
    }
    return (model.data, checker.definitions)
}()

/// Tokenizer → parser → checker → interpreter on arbitrary bytes: errors are fine, crashes are not.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    var checker = Checker(definitions: fixture.1)
    let interpreter = Interpreter(model: MemoryModel(fixture.0), today: today, definitions: fixture.1)
    _ = Parser.isIncomplete(text)
    let parsed = Parser.parse(Source(name: "fuzz", text: text))
    for d in parsed.diagnostics { _ = DiagnosticFormatter.plain.format(d) }
    checker.check(parsed.statements)
    for d in checker.diagnostics { _ = DiagnosticFormatter.plain.format(d) }
    guard checker.diagnostics.isEmpty else {
        storedUnchecked(parsed.statements)
        return 0
    }
    interpreter.definitions = checker.definitions
    for s in parsed.statements {
        do { _ = try interpreter.execute(s) } catch let d as Diagnostic { _ = DiagnosticFormatter.plain.format(d) } catch {}
    }
    return 0
}

/// Definitions the checker refused, kept the way an older Tend stored them (parsed, never
/// checked), then everything that evaluates definitions: each must end, with rows or a
/// worded error.
func storedUnchecked(_ statements: [Statement]) {
    var definitions = fixture.1
    for s in statements { definitions.define(s) }
    let interpreter = Interpreter(model: MemoryModel(fixture.0), today: today, definitions: definitions)
    let probes = Parser.parse(Source(name: "probe", text: "agenda\nwhy @joan-rivera\nprogress\ngoals\nwho is overdue\n@dana-lee")).statements
    for s in probes {
        do { _ = try interpreter.execute(s) } catch let d as Diagnostic { _ = DiagnosticFormatter.plain.format(d) } catch {}
    }
}

@_cdecl("FuzzLanguage_main")
public func entry(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    runFuzzer(argc, argv) { data, size in fuzz(data, size) }
}
