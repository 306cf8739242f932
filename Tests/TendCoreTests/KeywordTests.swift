import Testing

@testable import TendCore

/// The keyword table is what the lexer and parser do: each role of each word holds in the
/// language, so a word added to the table works everywhere at once.
@Suite struct KeywordTests {
    @Test(arguments: Keyword.table.map(\.word))
    func eachRoleHolds(_ word: String) throws {
        let roles = Keyword.table.first { $0.word == word }!.roles
        if roles.contains(.reserved) {
            let d = Parser.parse(Source(name: "t", text: "let \(word) = 1")).diagnostics.first
            #expect(d?.message.contains("reserved word") == true, "\(word): \(String(describing: d))")
        }
        if roles.contains(.statement) {
            #expect(Parser.statementWords.contains(word))
            var checker = Checker(definitions: Definitions())
            checker.check(Parser.parse(Source(name: "t", text: "let \(word)_x = 1\nfn \(word)(a) = a")).statements)
            #expect(checker.diagnostics.contains { $0.message.contains("already a word of the language") }, "\(word)")
        }
        // A line ending with the word asks for the next one; a line starting with it continues.
        // (`by` asks for more after the words it follows in a clause: `sort by`, `group by`.)
        var lexer = Lexer(Source(name: "t", text: "\(word == "by" ? "sort" : "x") \(word)\ny"))
        let ended = lexer.tokenize().contains { $0.kind == .newline }
        #expect(ended != roles.contains(.endsIncomplete), "\(word)")
        #expect(Lexer.startsWithClauseWord("\(word) x") == roles.contains(.continuesStatement), "\(word)")
        #expect(Parser.queryClauseWords.contains(word) == roles.contains(.queryClause), "\(word)")
    }

    @Test func theTableHasEachWordOnce() {
        #expect(Set(Keyword.all).count == Keyword.all.count)
    }
}
