import Foundation
import Testing

@testable import TendCore
@testable import TendInterchange

func addresses(_ field: String) -> [String] {
    MailAddressList.parse(field).map { ($0.name.map { "\($0) " } ?? "") + "<\($0.address)>" }
}

@Suite struct MailAddressTests {
    @Test func theFormsMailProgramsWrite() {
        #expect(addresses("Jane Doe <Jane.Doe@Example.COM>") == ["Jane Doe <jane.doe@example.com>"])
        #expect(
            addresses(#""Doe, Jane" <jane@x.org>, bob@y.org (Bob Roe), <carl@z.org>"#) == [
                "Doe, Jane <jane@x.org>", "Bob Roe <bob@y.org>", "<carl@z.org>",
            ])
        #expect(addresses("jane@x.org") == ["<jane@x.org>"])
        #expect(addresses("jane@x.org (Jane (the boss) Doe)") == ["Jane (the boss) Doe <jane@x.org>"])
        #expect(addresses(#""Jane \"JD\" Doe" <jd@x.org>"#) == [#"Jane "JD" Doe <jd@x.org>"#])
        #expect(addresses("John Q. Public <jqp@x.org>") == ["John Q. Public <jqp@x.org>"])
    }

    @Test func groupsAndRoutes() {
        #expect(addresses("undisclosed-recipients:;").isEmpty)
        #expect(addresses(#"Team: a@x.org, "B" <b@y.org>;, c@z.org"#) == ["<a@x.org>", "B <b@y.org>", "<c@z.org>"])
        #expect(addresses("<@relay1.example,@relay2.example:jane@x.org>") == ["<jane@x.org>"])
        #expect(addresses("jane@[192.0.2.1]") == ["<jane@[192.0.2.1]>"])
    }

    @Test func brokenFieldsGiveWhatTheyCan() {
        #expect(addresses("Jane <jane@x.org") == ["Jane <jane@x.org>"])
        #expect(addresses(#""unterminated <a@b.c>"#).isEmpty)
        #expect(addresses("Just A Name, , ;;,").isEmpty)
        #expect(addresses("(an open comment a@b.c").isEmpty)
        #expect(addresses("@x.org, jane@, <>").isEmpty)
        // A name before an address without its brackets is its name (b85: "Danaleedana
        // <danaleedana@acme.example>"); a control character is no part of an address (a NUL was
        // kept in one, and the message passed over as from no one in Tend).
        #expect(addresses("Dana Lee dana@acme.example") == ["Dana Lee <dana@acme.example>"])
        #expect(addresses("Dana Lee dana.lee@acme.example, \"Bo\" bo@x.org") == ["Dana Lee <dana.lee@acme.example>", "Bo <bo@x.org>"])
        #expect(addresses("carol@ng.example\u{0}") == ["<carol@ng.example>"])
        #expect(addresses("Carol\u{1}Ng <carol@ng.example\u{7F}\u{9B}>") == ["Carol Ng <carol@ng.example>"])
        // A local part glued to a word before it by a dot is the address whole (the obsolete forms).
        #expect(addresses(#""john".doe@x.org"#) == [#"<"john".doe@x.org>"#])
        #expect(addresses(#"john."doe"@x.org"#) == [#"<john."doe"@x.org>"#])
    }

    /// RFC 2047 §8's examples, and what mail programs do besides.
    @Test func encodedWords() {
        #expect(addresses("=?ISO-8859-1?Q?Andr=E9?= Pirard <PIRARD@vm1.ulg.ac.be>") == ["André Pirard <pirard@vm1.ulg.ac.be>"])
        #expect(addresses("=?UTF-8?B?Sm9zw6k=?= <jose@x.org>") == ["José <jose@x.org>"])
        #expect(EncodedWords.decode("=?ISO-8859-1?Q?a?= =?ISO-8859-1?Q?b?=") == "ab")
        #expect(EncodedWords.decode("=?ISO-8859-1?Q?a?=\r\n    =?ISO-8859-1?Q?b?=") == "ab")
        #expect(EncodedWords.decode("=?ISO-8859-1?Q?a_b?=") == "a b")
        #expect(EncodedWords.decode("=?ISO-8859-1?Q?a?= b") == "a b")
        #expect(EncodedWords.decode("=?ISO-8859-1?Q?a?= =?ISO-8859-2?Q?_b?=") == "a b")
        // A character split between two words (as some mailers do) is put back together.
        #expect(EncodedWords.decode("=?UTF-8?Q?=C3?= =?UTF-8?Q?=A9t=C3=A9?=") == "été")
        #expect(EncodedWords.decode("=?utf-8*fr?b?w6l0w6k=?=") == "été")
        #expect(EncodedWords.decode("=?iso-8859-15?q?=A4uro?=") == "€uro")
        #expect(EncodedWords.decode("=?windows-1252?Q?=93Hi=94?=") == "“Hi”")
        #expect(EncodedWords.decode("=?shift_jis?B?k/qWew==?=") == "日本")
        #expect(EncodedWords.decode("=?iso-2022-jp?B?GyRCRnxLXBsoQg==?=") == "日本")
        // Charsets Foundation does not decode everywhere, through iconv (they were left as written).
        #expect(EncodedWords.decode("=?gbk?B?zfXQodPx?=") == "王小玉")
        #expect(EncodedWords.decode("=?big5?B?s6+kaqTl?=") == "陳大文")
        #expect(EncodedWords.decode("=?euc-kr?B?sejDtrz2?=") == "김철수")
        #expect(EncodedWords.decode("=?koi8-r?B?6dfBzg==?=") == "Иван")
        // Not an encoded word, or one in a charset nobody knows: left as written.
        #expect(EncodedWords.decode("=?x-unknown?Q?abc?=") == "=?x-unknown?Q?abc?=")
        #expect(EncodedWords.decode("a =? b ?= c") == "a =? b ?= c")
        #expect(EncodedWords.decode("=?utf-8?Z?abc?=") == "=?utf-8?Z?abc?=")
        #expect(EncodedWords.decode("=?UTF-8?B?invalid!!?= <a@b.example>") == "=?UTF-8?B?invalid!!?= <a@b.example>")
        #expect(EncodedWords.decode("price =?") == "price =?")
    }
}

@Suite struct MailDateTests {
    func utc(_ s: String) -> Int {
        LocalTime(
            day: Day(iso: String(s.prefix(10)))!, time: Int(s.suffix(8).prefix(2))! * 3600 + Int(s.suffix(5).prefix(2))! * 60 + Int(s.suffix(2))!
        ).seconds
    }

    @Test func rfc5322AndItsObsoleteForms() {
        #expect(MailDate.parse("Tue, 10 Mar 2026 09:15:00 -0500") == utc("2026-03-10 14:15:00"))
        #expect(MailDate.parse("10 Mar 26 09:15 EST") == utc("2026-03-10 14:15:00"))
        #expect(MailDate.parse("Tue, 10 Mar 2026 09:15:00 +0000 (UTC)") == utc("2026-03-10 09:15:00"))
        #expect(MailDate.parse("Tue,\r\n 10 Mar 2026 9:15:07 GMT") == utc("2026-03-10 09:15:07"))
        #expect(MailDate.parse("Tue,\r\n10\r\nMar 2026\t9:15:07 GMT") == utc("2026-03-10 09:15:07"))
        #expect(MailDate.parse("Tue, 10 Mar 2026 09:15:00 +0530") == utc("2026-03-10 03:45:00"))
        #expect(MailDate.parse("Tue, 10 Mar 99 09:15:00 PDT") == utc("1999-03-10 16:15:00"))
        // The asctime form of mbox From lines.
        #expect(MailDate.parse("Tue Mar 10 09:15:00 2026") == utc("2026-03-10 09:15:00"))
        #expect(MailDate.parse("Tue Mar  1 09:15:00 2026") == utc("2026-03-01 09:15:00"))
        // ISO 8601, as some programs write it (a review: such a message fell back to its file's time).
        #expect(MailDate.parse("2026-11-07T10:00:00Z") == utc("2026-11-07 10:00:00"))
        #expect(MailDate.parse(" 2026-11-07 10:00:30.25+01:00") == utc("2026-11-07 09:00:30"))
        #expect(MailDate.parse("2026-11-07T23:30-0500") == utc("2026-11-08 04:30:00"))
        // RFC 850's dashed date (old mailers, Usenet), and an offset written with a colon: the
        // first was not read (the From line's date was used, unsaid), the second read as a time.
        #expect(MailDate.parse("Saturday, 07-Nov-26 22:00:00 GMT") == utc("2026-11-07 22:00:00"))
        #expect(MailDate.parse("Sat, 07 Nov 2026 22:00:00 +01:00") == utc("2026-11-07 21:00:00"))
        #expect(MailDate.parse("Sat, 07 Nov 2026 22:00:00 -05:30") == utc("2026-11-08 03:30:00"))
        // JavaScript's Date.toString(): the zone `GMT-0500` is no RFC 850 date (its 0500 was taken for the year).
        #expect(MailDate.parse("Tue Mar 10 2026 09:15:00 GMT-0500 (Eastern Standard Time)") == utc("2026-03-10 14:15:00"))
        #expect(MailDate.parse("Fri Nov 13 2026 23:30:00 GMT-0500 (EST)") == utc("2026-11-14 04:30:00"))
    }

    @Test func whatIsNotADate() {
        for text in [
            "", "yesterday", "31 Feb 2026 10:00 +0000", "10 Mar 2026", "10 Mar 2026 25:00 +0000", "10 Foo 2026 10:00", "10 Mar 2026 10:00 +9999",
            "2026-02-30T10:00:00Z", "2026-11-07T10:00:00 junk", "2026-11-07", "2026-11-07T25:00Z",
        ] {
            #expect(MailDate.parse(text) == nil, "\(text)")
        }
    }
}

@Suite struct MailHeaderBlockTests {
    @Test func foldedRepeatedAndCaseInsensitive() {
        let block = """
            Received: from relay.example by mx.example; Tue, 10 Mar 2026 09:15:01 -0500
            FROM: "Rivera,
             Joan" <joan@salon.example>
            to: dana@lee.example,
            \tmike@green.example
            To: ana@park.example
            Cc: =?UTF-8?Q?Jos=C3=A9?= <jose@nunez.example>
            Message-ID:
             <abc.123@salon.example>
            Date: Tue, 10 Mar 2026 09:15:00 -0500
            Subject: this is never read
            List-Id: Garden club <garden.lists.example>
            Precedence: Bulk
            Auto-Submitted: auto-replied; owner-email="x@y"
            List-Unsubscribe: <mailto:leave@lists.example>

            From: body@evil.example
            To: body@evil.example

            """
        let h = MailHeaders(parsing: Array(block.utf8)[...])
        #expect(h.from == [MailAddress(name: "Rivera, Joan", address: "joan@salon.example")])
        #expect(h.to.map(\.address) == ["dana@lee.example", "mike@green.example", "ana@park.example"])
        #expect(h.cc == [MailAddress(name: "José", address: "jose@nunez.example")])
        #expect(h.messageID == "abc.123@salon.example")
        #expect(h.date == MailDateTests().utc("2026-03-10 14:15:00"))
        #expect(h.listID == "Garden club <garden.lists.example>" && h.precedence == "bulk" && h.autoSubmitted == "auto-replied")
        #expect(h.listUnsubscribe)
    }

    /// A message without a Message-ID is named by a hash of what it says, the same every run.
    @Test func fingerprintIsStable() {
        let a = MailHeaders(parsing: Array("From: a@x.org\nTo: b@y.org\nDate: Tue, 10 Mar 2026 09:15:00 -0500\nSubject: one\n".utf8)[...])
        let b = MailHeaders(parsing: Array("Subject: two\r\nFrom: a@x.org\r\nTo: b@y.org\r\nDate: Tue, 10 Mar 2026 09:15:00 -0500\r\n".utf8)[...])
        let c = MailHeaders(parsing: Array("From: a@x.org\nTo: b@y.org\nDate: Tue, 10 Mar 2026 09:15:01 -0500\n".utf8)[...])
        #expect(a.fingerprint == b.fingerprint && a.fingerprint != c.fingerprint)
        // FNV-1a of " a@x.org\n b@y.org\n Tue, 10 Mar 2026 09:15:00 -0500\n", as Python computes it: a change here changes source ids.
        #expect(a.fingerprint.hex == "e0c2ea2ac5e88ef1")
    }

    /// Raw UTF-8 (RFC 6532) reads as UTF-8; bytes that are not UTF-8 read as Latin-1.
    @Test func rawBytesInHeaders() {
        let utf8 = MailHeaders(parsing: Array("From: Zoë Ångström <zoe@ang.example>\n".utf8)[...])
        #expect(utf8.from.first?.name == "Zoë Ångström")
        let latin1 = MailHeaders(parsing: (Array("From: Zo".utf8) + [0xEB] + Array(" <zoe@ang.example>\n".utf8))[...])
        #expect(latin1.from.first?.name == "Zoë")
    }
}
