import Foundation
import Testing

@testable import TendCore

/// Token kinds as short text, so that a table row reads like the input.
func kinds(_ text: String) -> [String] {
    var lexer = Lexer(Source(name: "t", text: text))
    return lexer.tokenize().dropLast().map { t in
        switch t.kind {
        case .identifier(let s): return "id:\(s)"
        case .number(let n): return "num:\(n.tendText)"
        case .string(let pieces):
            return "str:"
                + pieces.map { p in
                    switch p {
                    case .text(let s): return s
                    case .code: return "{…}"
                    }
                }.joined()
        case .date(let d): return "date:\(d)"
        case .duration(let d): return "dur:\(d)"
        case .handle(let h): return "@\(h)"
        case .tag(let name, let adds): return "tag:\(adds ? "+" : "-")\(name)"
        case .symbol(let s): return s
        case .newline: return "⏎"
        case .eof: return "eof"
        case .error(let m): return "error:\(m)"
        }
    }
}

@Suite struct LexerTests {
    @Test(arguments: [
        ("42 3.5 1_000", ["num:42", "num:3.5", "num:1000"]),
        // A line break inside a string of a CRLF script is the same as in its LF copy; a CR alone
        // is an old Mac file's line break, the same too.
        ("\"a\r\nb\"", ["str:a\nb"]),
        ("\"a\rb\"", ["str:a\nb"]),
        ("# note\rprint 1 # c\rprint 2\r", ["id:print", "num:1", "⏎", "id:print", "num:2"]),
        ("2026-11-20", ["date:2026-11-20"]),
        ("2026-02-30", ["error:2026-02-30 is not a date on the calendar: February 2026 has 28 days, so there is no day 30 in it"]),
        ("2024-13-01", ["error:2024-13-01 is not a date on the calendar: there is no month 13; months run from 01 to 12"]),
        ("0000-01-01", ["error:0000-01-01 is not a date on the calendar: years run from 0001 to 9999"]),
        ("10d 2w 3mo 1y", ["dur:10d", "dur:2w", "dur:3mo", "dur:1y"]),
        ("3.5d", ["error:a duration is a whole number of d, w, mo or y"]),
        ("10days", ["error:unknown unit 'days' after a number; durations use d, w, mo or y (e.g. 10d)"]),
        ("@joan-rivera", ["@joan-rivera"]),
        ("@dana-lee.overdue", ["@dana-lee", ".", "id:overdue"]),
        ("@Joan", ["error:a handle is lowercase letters, digits and dashes: @joan?"]),
        ("@dana_lee", ["error:a handle is lowercase letters, digits and dashes: @dana-lee?"]),
        ("@Zoë_Park", ["error:a handle is lowercase letters, digits and dashes: @zoe-park?"]),
        ("+vip -vip", ["tag:+vip", "tag:-vip"]),
        ("a +b", ["id:a", "tag:+b"]),
        ("a + b", ["id:a", "+", "id:b"]),
        ("a+b", ["id:a", "+", "id:b"]),
        ("today -90d", ["id:today", "-", "dur:90d"]),
        ("(+vip)", ["(", "tag:+vip", ")"]),
        ("x:+vip", ["id:x", ":", "tag:+vip"]),
        ("\"Joan \\\"J\\\" Rivera\"", ["str:Joan \"J\" Rivera"]),
        ("\"a\\nb\\t\\u{1F600}\"", ["str:a\nb\t😀"]),
        // The part of a \u{…} escape that is wrong is the one said (a missing brace was said to
        // be a scalar that is not one, and \u{+41} was read as A).
        ("\"\\u{1F600\"", ["error:expected hex digits and '}' after \\u{, as in \\u{1F600}, found '\"'"]),
        ("\"\\u{+41}\"", ["error:expected hex digits and '}' after \\u{, as in \\u{1F600}, found '+'"]),
        ("\"\\u{é}\"", ["error:expected hex digits and '}' after \\u{, as in \\u{1F600}, found 'é'"]),
        ("\"\\u{0000000041}\"", ["error:\\u{…} takes one to eight hex digits, as in \\u{1F600}"]),
        ("\"\\u{}\"", ["error:\\u{…} takes one to eight hex digits, as in \\u{1F600}"]),
        ("\"\\u{D800}\"", ["error:\\u{D800} is not a Unicode scalar (0 to 10FFFF, but not D800 to DFFF)"]),
        ("\"\\{not code}\"", ["str:{not code}"]),
        ("\"Call {name}!\"", ["str:Call {…}!"]),
        ("\"unterminated", ["error:unterminated string"]),
        ("\"bad \\q\"", ["error:unknown escape '\\q'; escapes are \\\" \\\\ \\n \\t \\u{…} \\{"]),
        ("== != <= >= ?? ~ =", ["==", "!=", "<=", ">=", "??", "~", "="]),
        ("café naïve", ["id:café", "id:naïve"]),
        ("a # comment\nb", ["id:a", "⏎", "id:b"]),
        ("#!/usr/bin/env -S tend run\na", ["id:a"]),
        ("a and\nb", ["id:a", "id:and", "id:b"]),
        ("(a\nb)", ["(", "id:a", "id:b", ")"]),
        ("contacts\nwhere x", ["id:contacts", "id:where", "id:x"]),
        ("a\n\n\nb", ["id:a", "⏎", "id:b"]),
        ("a; b", ["id:a", ";", "id:b"]),
        ("€", ["error:unexpected character '€'"]),
    ])
    func tokens(_ input: String, _ expected: [String]) {
        #expect(kinds(input) == expected)
    }

    @Test func rangesPointAtTheText() {
        let source = Source(name: "t", text: "add \"Joan\" +vip")
        var lexer = Lexer(source)
        let tokens = lexer.tokenize()
        #expect(tokens.map { source.slice($0.range) } == ["add", "\"Joan\"", "+vip", ""])
    }

    @Test func incompleteInputIsNoticed() {
        for text in ["contacts where (a", "\"open string", "x +", "[1, 2,"] {
            var lexer = Lexer(Source(name: "t", text: text))
            _ = lexer.tokenize()
            #expect(lexer.endsIncomplete, "\(text)")
        }
    }

    /// A string literal of exactly the limit is read; one byte more is refused (one of exactly
    /// the limit was refused: the opening quote was counted).
    @Test func aStringOfTheLimitIsRead() {
        let limit = String(repeating: "x", count: Lexer.maxStringBytes)
        #expect(kinds("\"\(limit)\"").map { $0.prefix(4) } == ["str:"])
        #expect(kinds("\"\(limit)x\"") == ["error:string longer than \(Lexer.maxStringBytes) bytes"])
    }

    @Test func invalidUTF8DoesNotCrash() {
        let bytes: [UInt8] = [0x61, 0xFF, 0xFE, 0x62]
        let source = Source(name: "t", text: String(decoding: bytes, as: UTF8.self))
        var lexer = Lexer(source)
        #expect(lexer.tokenize().count > 1)
    }

    /// Number literals are read exactly, without a locale.
    @Test(arguments: [
        ("0", "0"), ("42", "42"), ("007", "7"), ("3.5", "3.5"), ("0.25", "0.25"), ("1.50", "1.5"), ("1000000", "1000000"),
        ("123456789012345678901234567890", "123456789012345678901234567890"), ("0.000001", "0.000001"),
    ])
    func decimalLiterals(_ text: String, _ expected: String) {
        #expect(Decimal(literal: text) == Decimal(string: expected, locale: Locale(identifier: "en_US_POSIX")))
    }

    @Test(arguments: ["", ".", "1.2.3", "12a", "-1", String(repeating: "9", count: 39)])
    func notDecimalLiterals(_ text: String) {
        #expect(Decimal(literal: text) == nil)
    }
}
