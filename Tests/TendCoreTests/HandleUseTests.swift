import Testing

@testable import TendCore

/// The @handles a program writes are all found before it runs (#23.2), in every statement kind
/// and every place a handle can stand.
@Suite struct HandleUseTests {
    static let statements = [
        "@x", "explain @x", "print @x", "@x.name", "timeline @x", "path to @x", "who knows @x", "why @x", "agenda @x",
        "add \"A\" company: @x.company", "set @x stage: visibility", "set me company: @x.company", "set contacts where it == @x +vip",
        "set interaction 1 note: @x.name", "set @y stage: credibility on @x.created", "market \"m\" served_by: [@x.profession]",
        "log call with @x", "log call with @y and @x on @x.created note: @x.name", "refer \"A\" to @x", "refer @x.name to @y",
        "referral from @x", "referral from @y about @x.name", "introduce @y and @x", "spend 5 at @x", "spend @x.spend at @y",
        "knows @y @x", "goal \"g\" metric: count(interactions where contact == @x) target: 1 per month", "goal \"g\" by @x.next_due",
        "helps @x \"g\"", "merge @x into @y", "merge @y into @x", "remove @x", "remove interaction @x.id", "snooze @x 2w",
        "snooze @y until @x.next_due", "unsnooze @x", "let l = @x", "fn f(a) = a == @x", "rule \"r\" when it == @x then remind \"m\"",
        "rule \"r\" as c when true then remind \"{@x.name}\"", "rule \"r\" when true then remind \"m\" priority @x.stage_rank",
        "score s = if it == @x then 1 else 0", "assert @x.name == \"n\"", "assert true, @x.name",
        "export csv \"f.csv\" contacts where it == @x", "contacts where it == @x sort by name show name limit 1",
        "contacts sort by it == @x", "contacts show it == @x", "contacts group by it == @x", "contacts limit @x.touches",
        "contacts as c where count(referrals where contact == c or contact == @x) > 0", "[@x, {a: @x}]", "-@x.touches",
        "if @x.touches > 0 then 1 else @x.touches", "max(@x.touches, 1)", "\"{@x}\"", "who serves @x.profession",
        "gaps in @x.profession", "agenda on @x.next_due",
    ]

    @Test(arguments: statements)
    func everyHandleIsFound(_ text: String) throws {
        let source = Source(name: "t", text: text)
        let parsed = Parser.parse(source)
        #expect(parsed.diagnostics.isEmpty, "\(text): \(parsed.diagnostics)")
        let uses = HandleUses(parsed.statements).uses
        let written = text.components(separatedBy: "@x").count - 1
        #expect(uses.filter { $0.handle == "x" }.count == written, "\(text)")
        for u in uses { #expect(source.slice(u.range) == "@" + u.handle, "\(text)") }
    }

    /// A rename rewrites a definition's text through `HandleText`: it finds the handle wherever
    /// the parser does, and nowhere else (comments, plain text, longer handles).
    @Test(arguments: statements)
    func renamingFindsEveryHandle(_ text: String) throws {
        let renamed = try #require(HandleText.replacing("x", with: "new-x", in: text))
        #expect(renamed == text.replacingOccurrences(of: "@x", with: "@new-x"))
        #expect(HandleText.ranges(of: "x", in: renamed).isEmpty)
    }

    @Test func renamingLeavesOtherTextAlone() {
        #expect(HandleText.replacing("ana", with: "b", in: "let a = @ana-park  # @ana") == nil)
        #expect(HandleText.replacing("ana", with: "b", in: "let a = \"mail @ana\"") == nil)
        #expect(HandleText.replacing("ana", with: "b", in: "let a = [@ana, @anabel] # @ana") == "let a = [@b, @anabel] # @ana")
        #expect(HandleText.replacing("ana", with: "b-c", in: "rule \"r\" when it == @ana then remind \"{@ana.name} at \\{@ana}\"")
            == "rule \"r\" when it == @b-c then remind \"{@b-c.name} at \\{@ana}\"")
    }

    @Test func theProgramsOwnContactsAreKnown() {
        let parsed = Parser.parse(
            Source(
                name: "t",
                text: """
                    add "Joan Rivera"
                    add "Second Joan" handle: "joan-2"
                    set @joan-2 handle: "@joan-two"
                    """))
        let found = HandleUses(parsed.statements)
        #expect(found.created == ["joan-rivera", "joan-2", "joan-two"])
        #expect(!found.createsUnknown)
        for text in ["import csv \"p.csv\"", "add \"Joan {1}\"", "add \"X\" handle: lower(\"Y\")"] {
            #expect(HandleUses(Parser.parse(Source(name: "t", text: text)).statements).createsUnknown, "\(text)")
        }
        #expect(!HandleUses(Parser.parse(Source(name: "t", text: "import csv \"p.csv\" dry_run")).statements).createsUnknown)
    }
}
