import Foundation
import Testing

@testable import TendCore
@testable import TendInterchange

/// Writes the mail fixtures with Python's own `mailbox` and `email` modules: `mail.mbox` (as
/// Python writes it: `From ` lines, `>From ` in bodies), `mail-crlf.mbox` (the same with CRLF),
/// and a Maildir++ folder with the received mail in `cur/`/`new/` and the sent mail in `.Sent`.
/// Every body holds a BODY-SECRET marker that must never come out.
let mailFixtureScript = #"""
    import calendar, mailbox, os, sys, time
    from email import policy
    from email.header import Header
    from email.message import EmailMessage, Message
    root = sys.argv[1]

    def message(headers, body, raw=False, utf8=False):
        # EmailMessage encodes names as RFC 2047 words, the way Python (and most mailers) write them;
        # a compat32 Message writes raw values as given, for the forms written by hand.
        m = Message() if raw else EmailMessage(policy=policy.SMTPUTF8 if utf8 else policy.default)
        for k, v in headers:
            m[k] = v
        if raw:
            m.set_payload(body)
        else:
            m.set_content(body)
        return m

    me, work = "Me <me@example.com>", "me@work.example"
    latin = Header("Josefína Müller", "iso-8859-1").encode() + " <josefina@mueller.example>"
    long_to = '"=?UTF-8?B?UHJpeWEgU2hhaA==?=" <priya@shah.example>, tom@okafor.example, mike@green.example (Mike Chen), "Roe, Rick" <rick@roe.example>'
    messages = {
      "m1": ([("From", me), ("To", "Dana Lee <dana@lee.example>"), ("Cc", 'José Núñez <jose@nunez.example>, "Dana Lee, at her other desk" <dana@lee.example>'), ("Date", "Tue, 10 Mar 2026 09:15:00 -0500"), ("Message-ID", "<m1@example.com>"), ("Subject", "Proposal")], "BODY-SECRET-1\nFrom the desk of me\n", "sent"),
      "m2": ([("From", '"Rivera, Joan" <joan@salon.example>'), ("To", "me@example.com"), ("Date", "Wed, 11 Mar 2026 10:00:00 +0000"), ("Message-ID", "<m2@salon.example>")], "BODY-SECRET-2\n\nFrom: fake@evil.example\nTo: me@example.com\nMessage-ID: <evil@evil.example>\n", "inbox"),
      "m3": ([("From", "Dana Lee <dana@lee.example>"), ("To", "Team: me@example.com, Mike Chen <mike@green.example>;"), ("Date", "Thu, 12 Mar 2026 16:00:00 +0100"), ("Message-ID", "<m3@lee.example>"), ("Auto-Submitted", "no")], "BODY-SECRET-3\n", "inbox", True),
      "m4": ([("From", "Tom Okafor <tom@okafor.example>"), ("To", "garden@lists.example"), ("Date", "Fri, 13 Mar 2026 10:00:00 +0000"), ("List-Id", "Garden club <garden.lists.example>"), ("Message-ID", "<m4@okafor.example>")], "BODY-SECRET-4\n", "inbox"),
      "m5": ([("From", "Shop <news@shop.example>"), ("To", "me@example.com"), ("Date", "Sat, 14 Mar 2026 10:00:00 +0000"), ("Precedence", "bulk"), ("Message-ID", "<m5@shop.example>")], "BODY-SECRET-5\n", "inbox"),
      "m6": ([("From", "Mike Chen <mike@green.example>"), ("To", "me@example.com"), ("Date", "Sun, 15 Mar 2026 10:00:00 +0000"), ("Auto-Submitted", "auto-replied"), ("Subject", "Out of office"), ("Message-ID", "<m6@green.example>")], "BODY-SECRET-6\n", "inbox"),
      "m7": ([("From", "Accounts <no-reply@accounts.example>"), ("To", "me@example.com"), ("Date", "Mon, 16 Mar 2026 10:00:00 +0000"), ("Message-ID", "<m7@accounts.example>")], "BODY-SECRET-7\n", "inbox"),
      "m8": ([("From", work), ("To", "Ana Park <ana@park.example>"), ("Date", "Wed, 01 Apr 2026 12:00:00 +0000")], "BODY-SECRET-8\n", "sent"),
      "m9": ([("From", latin), ("To", "me@example.com"), ("Date", "Thu, 02 Apr 2026 12:00:00 +0000"), ("Message-ID", "<m9@mueller.example>")], "BODY-SECRET-9\n", "inbox", True),
      "m10": ([("From", me), ("To", long_to), ("Date", "Fri, 03 Apr 2026 12:00:00 +0000"), ("Message-ID", "<m10@example.com>")], "BODY-SECRET-10\n", "sent", True),
      "m11": ([("From", "Mike Chen <mike@green.example>"), ("To", "ana@park.example"), ("Date", "Sat, 04 Apr 2026 12:00:00 +0000"), ("Message-ID", "<m11@green.example>")], "BODY-SECRET-11\n", "inbox"),
      "m12": ([("From", me), ("To", "undisclosed-recipients:;"), ("Bcc", "Dana <dana@lee.example>"), ("Date", "Sun, 05 Apr 2026 12:00:00 +0000"), ("Message-ID", "<m12@example.com>")], "BODY-SECRET-12\n", "sent", True),
      "m14": ([("From", me), ("To", work), ("Date", "Mon, 06 Apr 2026 12:00:00 +0000"), ("Message-ID", "<m14@example.com>")], "BODY-SECRET-14\n", "sent"),
      "m15": ([("From", "Dana Lee <dana@lee.example>"), ("To", "me@example.com"), ("Date", "Wed, 01 Jul 2026 12:00:00 +0000"), ("Message-ID", "<m15@lee.example>")], "BODY-SECRET-15\n", "inbox"),
      "m16": ([("From", "Joan <joan@home.example>"), ("To", "me@example.com"), ("Message-ID", "<m16@home.example>")], "BODY-SECRET-16\n", "inbox"),
      "m17": ([("From", "Zoë Ångström <zoe@ang.example>"), ("To", "me@example.com"), ("Date", "Sun, 12 Apr 2026 12:00:00 +0000"), ("Message-ID", "<m17@ang.example>")], "BODY-SECRET-17\n", "inbox", False, True),
      "m18": ([("From", "Late Writer <mike@green.example>"), ("To", "me@example.com"), ("Date", "Tue, 31 Mar 2026 23:30:00 -0700"), ("Message-ID", "<m18@green.example>")], "BODY-SECRET-18\n", "inbox"),
      "m19": ([("From", "Dana Lee <dana@lee.example>"), ("To", "me@example.com"), ("Date", "Mon, 13 Apr 2026 12:00:00 +0000"), ("List-Unsubscribe", "<mailto:unsub@lee.example>"), ("Message-ID", "<m19@lee.example>")], "BODY-SECRET-19\n", "inbox"),
      "m20": ([("From", "Joan <joan@salon.example>"), ("To", "me@example.com"), ("Date", "Tue, 14 Apr 2026 12:00:00 +0000"), ("Precedence", "list"), ("Message-ID", "<m20@salon.example>")], "BODY-SECRET-20\n", "inbox"),
    }
    built = {k: message(v[0], v[1], *v[3:]) for k, v in messages.items()}
    # Python's mailbox writes header lines as they are; m1 is folded first, as a mailer folds long fields.
    built["m1"] = mailbox.Message(built["m1"].as_bytes(policy=policy.default.clone(max_line_length=60)))
    # The mbox: every message in order, the reply from Joan twice; m16 has no Date, only its From line's time.
    box = mailbox.mbox(os.path.join(root, "mail.mbox"))
    for key in ["m1", "m2", "m3", "m4", "m5", "m6", "m7", "m8", "m9", "m10", "m11", "m12", "m2", "m14", "m15", "m16", "m17", "m18", "m19", "m20"]:
        m = mailbox.mboxMessage(built[key])
        stamp = calendar.timegm((2026, 4, 10, 12, 0, 0)) if key == "m16" else None
        m.set_from("MAILER-DAEMON", time.gmtime(stamp) if stamp else time.gmtime(calendar.timegm((2026, 3, 1, 0, 0, 0))))
        box.add(m)
    box.flush()
    box.close()
    data = open(os.path.join(root, "mail.mbox"), "rb").read()
    open(os.path.join(root, "mail-crlf.mbox"), "wb").write(data.replace(b"\n", b"\r\n"))
    # The maildir: received mail in the top folder, sent mail in .Sent, my copy of m1 in both.
    top = mailbox.Maildir(os.path.join(root, "Maildir"))
    sent = top.add_folder("Sent")
    for key, (headers, body, folder, *rest) in messages.items():
        if key == "m16":
            continue
        (sent if folder == "sent" else top).add(mailbox.MaildirMessage(built[key]))
    top.add(mailbox.MaildirMessage(built["m1"]))
    # m16 has no Date: a delivery name gives the time (2026-04-10 12:00 UTC).
    with open(os.path.join(root, "Maildir", "cur", "1775822400.M1P1.host:2,S"), "wb") as f:
        f.write(built["m16"].as_bytes())
    print("ok")
    """#

/// The mail fixtures in a folder of their own; the caller removes it.
func mailFixtures() throws -> URL {
    let dir = try temporaryFolder("mail")
    let out = try python(mailFixtureScript, [dir.path])
    #expect(out == "ok\n")
    return dir
}

func importMail(_ read: (_ visit: (MailMessage) throws -> Void) throws -> Void, zone: String = "America/New_York") throws -> TouchImport {
    var importer = TouchImporter(addressBook: touchBook(), options: TouchOptions(today: day("2026-06-15"), timeZone: TimeZone(identifier: zone)!))
    try read { importer.add($0) }
    return importer.finish()
}

@Suite struct MailboxTouchTests {
    static let expected = [
        "2026-03-10 email [1]",
        "2026-03-11 email inbound [2]",
        "2026-03-12 email inbound [1]",
        "2026-04-01 email [5]",
        "2026-04-01 email inbound [3]",
        "2026-04-03 email [3, 4]",
        "2026-04-05 email [1]",
        "2026-04-10 email inbound [2]",
    ]
    static let expectedSkips: [SkipReason: Int] = [
        .duplicate: 1, .mailingList: 1, .bulk: 3, .automatic: 1, .noReply: 1, .noContact: 2, .notMine: 1, .noRecipient: 1, .future: 1,
    ]
    static let expectedCandidates = [
        "add \"Zoë Ångström\" email: \"zoe@ang.example\" 2026-04-12", "add \"Priya Shah\" email: \"priya@shah.example\" 2026-04-03",
        "add \"Rick Roe\" email: \"rick@roe.example\" 2026-04-03", "add \"Josefína Müller\" email: \"josefina@mueller.example\" 2026-04-02",
        "add \"José Núñez\" email: \"jose@nunez.example\" 2026-03-10",
    ]

    @Test func mboxAsPythonWritesIt() throws {
        let dir = try mailFixtures()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("mail.mbox").path
        let r = try importMail { try Mailbox.readMbox(path: path, $0) }
        #expect(lines(r) == Self.expected)
        #expect(r.skipped == Self.expectedSkips)
        #expect(r.candidates.map { "\($0.addLine) \($0.lastSeen)" } == Self.expectedCandidates)
        #expect(
            r.touches.map(\.sourceID).filter { !$0.hasPrefix("mail:hash:") } == [
                "mail:m1@example.com", "mail:m2@salon.example", "mail:m3@lee.example", "mail:m18@green.example", "mail:m10@example.com",
                "mail:m12@example.com", "mail:m16@home.example",
            ])
        // The same file with CRLF line ends (as a Windows program writes it) gives the same.
        let crlf = try importMail { try Mailbox.readMbox(path: dir.appendingPathComponent("mail-crlf.mbox").path, $0) }
        #expect(crlf.touches == r.touches && crlf.skipped == r.skipped)
    }

    @Test func maildirAsPythonWritesIt() throws {
        let dir = try mailFixtures()
        defer { try? FileManager.default.removeItem(at: dir) }
        let r = try importMail { try Mailbox.readMaildir(path: dir.appendingPathComponent("Maildir").path, $0) }
        #expect(lines(r) == Self.expected)
        // My copy of m1 is in both folders; Joan's m2 is there once.
        #expect(r.skipped == Self.expectedSkips)
        #expect(r.candidates.map { "\($0.addLine) \($0.lastSeen)" } == Self.expectedCandidates)
        let mbox = try importMail { try Mailbox.readMbox(path: dir.appendingPathComponent("mail.mbox").path, $0) }
        #expect(Set(r.touches.map(\.sourceID)) == Set(mbox.touches.map(\.sourceID)), "a message has one source id wherever it is kept")
    }

    /// 23:30 on March 31 in California is April 1 in New York.
    @Test func messagesAreDatedWhereTheUserIs() throws {
        let dir = try mailFixtures()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("mail.mbox").path
        let la = try importMail({ try Mailbox.readMbox(path: path, $0) }, zone: "America/Los_Angeles")
        #expect(la.touches.first { $0.sourceID == "mail:m18@green.example" }?.on == day("2026-03-31"))
    }

    /// Importing the same mailbox twice: the same source ids, nothing new; a message without a
    /// Message-ID keeps its hashed id.
    @Test func importingTwiceAddsNothing() throws {
        let dir = try mailFixtures()
        defer { try? FileManager.default.removeItem(at: dir) }
        let path = dir.appendingPathComponent("mail.mbox").path
        let first = try importMail { try Mailbox.readMbox(path: path, $0) }
        let second = try importMail { try Mailbox.readMbox(path: path, $0) }
        #expect(first.touches == second.touches && first.sightings == second.sightings)
        #expect(first.touches.contains { $0.sourceID.hasPrefix("mail:hash:") })
        let both = try importMail { visit in
            try Mailbox.readMbox(path: path, visit)
            try Mailbox.readMbox(path: path, visit)
        }
        // 13 messages get as far as their source id (the rest are lists, bulk, automatic, no-reply
        // or future); the second reading finds all 13 seen, the first finds Joan's m2 twice.
        #expect(both.touches == first.touches && both.skipped[.duplicate] == 13 + 1)
    }

    /// No body text reaches the result, nor any message the readers hand over.
    @Test func bodiesAreNeverRead() throws {
        let dir = try mailFixtures()
        defer { try? FileManager.default.removeItem(at: dir) }
        var seen = ""
        let mbox = try importMail { visit in
            try Mailbox.readMbox(path: dir.appendingPathComponent("mail.mbox").path) {
                seen += "\($0)"
                try visit($0)
            }
        }
        let maildir = try importMail { visit in
            try Mailbox.readMaildir(path: dir.appendingPathComponent("Maildir").path) {
                seen += "\($0)"
                try visit($0)
            }
        }
        let text = seen + "\(mbox)" + "\(maildir)"
        #expect(text.contains("m1@example.com"))
        for secret in ["BODY-SECRET", "evil.example", "From the desk", "Proposal", "Out of office"] {
            #expect(!text.contains(secret), "\(secret) came out of a mailbox")
        }
    }

    /// A body line an mboxo writer left unquoted is no separator unless it has a From line's
    /// whole shape (a sender, then a day, a month, a time and a year); real separators as
    /// mail programs write them are.
    @Test(arguments: [
        ("From me@example.com Mon Nov  9 10:00:00 2026", true),
        ("From MAILER-DAEMON Fri Jul  8 12:08:34 2011", true),
        ("From - Mon Nov 09 10:00:00 2026", true),
        ("From 1782398471@xxx Mon Nov 09 10:00:00 +0000 2026", true),
        ("From me@example.com Mon Nov  9 10:00 2026 remote from host", true),
        ("From bo@y.org Tue, 10 Nov 2026 10:00:00 +0000", true),
        ("From bo@y.org\tTue Nov 10 10:00:00 2026", true),
        ("From  Mon Nov  9 10:00:00 2026", true),
        ("From user@host Nov  9 10:00:00 2026", true),
        ("From user@host Mon Nov  9 10:00:00 26", false),
        ("From user@host Mon Nov  9 10:00:00.123 2026", true),
        ("From user@host mon nov  9 10:00:00 2026", true),
        ("From user@host Monday November 9 10:00:00 2026", true),
        ("From \"Park, Ana\"@x.org Mon Nov  9 10:00:00 2026", true),
        ("From Ana Park, 3 Nov 2026 10:00", false),
        ("From Bo Li on Mon, 9 Mar 2026 at 10:00", false),
        ("From Wednesday we meet at 10:00, as you may know, in room 12.", false),
        ("From Monday 16 March, opening hours are 10:00 to 18:00.", false),
        ("From 10:30 on Sunday the 12 of us may go", false),
        ("From Sat 14 Nov 2026, 10:00 to 12:00", false),
        ("From Tue 3 Nov 2026 10:00 onwards", false),
        ("From ana@x.org on 16 March at 10:00", false),
        ("From MAILER_DAEMON Mar 10 09:15:00 2026", true),
        ("From the desk of Mon Nov 9: 2026", false),
        ("From: ana@example.com", false),
    ])
    func separatorShapes(_ line: String, _ separates: Bool) {
        #expect(MboxScanner.isSeparator(Array(line.utf8)[...]) == separates, "\(line)")
    }

    @Test func aForwardedMessageInABodyIsNotRead() throws {
        let text = """
            From me@example.com Mon Nov  9 10:00:00 2026
            From: Me <me@example.com>
            To: dana@lee.example
            Date: Mon, 9 Nov 2026 10:00:00 +0000
            Message-ID: <b1@x>

            Forwarding below.

            From Ana Park, 3 Nov 2026 10:00
            From: tom@okafor.example
            To: me@example.com

            Can we meet?

            """
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("fwd-\(UUID().uuidString).mbox")
        try text.write(to: dir, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: dir) }
        var messages = 0
        try Mailbox.readMbox(path: dir.path) { _ in messages += 1 }
        #expect(messages == 1)
    }

    /// However the stream is cut into chunks, the messages are the same.
    @Test func chunkBoundariesDoNotMatter() throws {
        let dir = try mailFixtures()
        defer { try? FileManager.default.removeItem(at: dir) }
        for name in ["mail.mbox", "mail-crlf.mbox"] {
            let bytes = [UInt8](try Data(contentsOf: dir.appendingPathComponent(name)))
            func summary(_ m: MailMessage) -> String {
                "\(m.origin) \(m.headers.from) \(m.headers.to) \(m.headers.messageID ?? "-") \(m.headers.date ?? 0) \(m.envelopeDate ?? 0)"
            }
            var whole: [String] = []
            try Mailbox.readMbox(bytes: bytes) { whole.append(summary($0)) }
            #expect(whole.count == 20)
            var seed: UInt64 = 3
            for _ in 0..<40 {
                var scanner = MboxScanner()
                var pieces: [String] = []
                var i = 0
                while i < bytes.count {
                    seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
                    let n = 1 + Int(seed >> 33) % 97
                    let end = min(bytes.count, i + n)
                    try bytes[i..<end].withUnsafeBufferPointer { b in try scanner.feed(b) { pieces.append(summary($0)) } }
                    i = end
                }
                try scanner.finish { pieces.append(summary($0)) }
                #expect(pieces == whole)
                if pieces != whole { break }
            }
        }
    }

    /// A message from `from` to `to`, its Message-ID `<PREFIXn@example.com>`.
    static func message(_ n: Int, _ prefix: String, from: String, to: String, labels: String? = nil) -> String {
        "From: \(from)\nTo: \(to)\nDate: Sun, 15 Mar 2026 10:0\(n):00 +0000\nMessage-ID: <\(prefix)\(n)@example.com>\n"
            + (labels.map { "X-Gmail-Labels: \($0)\n" } ?? "") + "\nHello\n"
    }

    /// Writes each (path, text) under `folder`, making the folders.
    static func write(_ files: [(String, String)], under folder: URL) throws {
        for (path, text) in files {
            let url = folder.appendingPathComponent(path)
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
    }

    /// A folder that cannot be read is said, with why, and the rest read (b85 #3: a `cur/` or a
    /// `.Sent` that could not be listed was passed over in silence, its mail not logged); a
    /// maildir given that cannot be read says so, not that it is no maildir (b85 #7). A link
    /// that leads round in a loop cannot be read, even by root; so can a folder without
    /// permission, for anyone else.
    @Test func aFolderThatCannotBeReadIsSaid() throws {
        let dir = try temporaryFolder("closed")
        defer { try? FileManager.default.removeItem(at: dir) }
        let maildir = dir.appendingPathComponent("Maildir")
        try Self.write([("new/1773568806.M7P1.host", Self.message(7, "c", from: "joan@salon.example", to: "me@example.com"))], under: maildir)
        try FileManager.default.createSymbolicLink(atPath: maildir.appendingPathComponent("cur").path, withDestinationPath: "cur")
        var said: [String] = []
        let r = try importMail { try Mailbox.readMaildir(path: maildir.path, unreadable: { said.append("\($0)") }, $0) }
        #expect(r.touches.map(\.sourceID) == ["mail:c7@example.com"])
        #expect(said == ["cur: cannot read the folder: Too many levels of symbolic links"], "\(said)")
        let loop = dir.appendingPathComponent("loop")
        try FileManager.default.createSymbolicLink(atPath: loop.path, withDestinationPath: "loop")
        #expect {
            try Mailbox.readMaildir(path: loop.path) { _ in }
        } throws: { error in
            "\(error)".hasSuffix("cannot read the folder: Too many levels of symbolic links")
        }
        guard getuid() != 0 else { return }
        let sent = maildir.appendingPathComponent(".Sent")
        try Self.write([("cur/1773568805.M6P1.host:2,S", Self.message(6, "c", from: "me@example.com", to: "joan@salon.example"))], under: sent)
        chmod(sent.path, 0)
        defer { chmod(sent.path, 0o700) }
        said = []
        _ = try importMail { try Mailbox.readMaildir(path: maildir.path, unreadable: { said.append("\($0)") }, $0) }
        #expect(said.contains(".Sent: cannot read the folder: Permission denied"), "\(said)")
    }

    /// A draft was never sent and junk was never wanted: a maildir's Drafts, Junk and Trash
    /// folders (any provider's names), files flagged D (draft), a Drafts maildir given itself,
    /// and Gmail Takeout's messages labelled Drafts or Spam, or Trash unless sent or in the
    /// inbox, are left out, saying so. Before, an unsent draft to Joan was logged as an e-mail
    /// sent her, and spam forging her address as one from her. A message in the trash but sent
    /// is still mail; one marked deleted (T), as the README says, is not (it was logged).
    @Test func draftsAndJunkAreNoTouches() throws {
        let dir = try temporaryFolder("drafts")
        defer { try? FileManager.default.removeItem(at: dir) }
        func message(_ n: Int, from: String, to: String, labels: String? = nil) -> String { Self.message(n, "d", from: from, to: to, labels: labels) }
        let sent = (from: "me@example.com", to: "joan@salon.example")
        let received = (from: "joan@salon.example", to: "me@example.com")
        let files: [(String, String)] = [
            (".Drafts/cur/1773568800.M1P1.host:2,S", message(1, from: sent.from, to: sent.to)),
            (".INBOX.Junk E-mail/new/1773568801.M2P1.host", message(2, from: received.from, to: received.to)),
            (".Trash/cur/1773568802.M3P1.host:2,S", message(3, from: received.from, to: received.to)),
            ("cur/1773568803.M4P1.host:2,DS", message(4, from: sent.from, to: sent.to)),
            ("cur/1773568804.M5P1.host!2,ST", message(5, from: received.from, to: received.to)),
            (".Sent/cur/1773568805.M6P1.host:2,S", message(6, from: sent.from, to: sent.to)),
            ("new/1773568806.M7P1.host", message(7, from: received.from, to: received.to)),
            // mbsync's `InfoDelimiter ;` (b85 #4: a draft and a trashed message were logged).
            ("cur/1773568808.M8P1.host;2,DS", message(8, from: sent.from, to: sent.to)),
            ("cur/1773568809.M9P1.host;2,T", message(9, from: received.from, to: received.to)),
        ]
        let maildir = dir.appendingPathComponent("Maildir")
        try Self.write(files, under: maildir)
        let r = try importMail { try Mailbox.readMaildir(path: maildir.path, $0) }
        #expect(r.skipped == [.draft: 3, .junk: 4])
        #expect(Set(r.touches.map(\.sourceID)) == ["mail:d6@example.com", "mail:d7@example.com"])
        let drafts = try importMail { try Mailbox.readMaildir(path: maildir.appendingPathComponent(".Drafts").path, $0) }
        #expect(drafts.skipped == [.draft: 1] && drafts.touches.isEmpty)

        let takeout = [
            message(1, from: sent.from, to: sent.to, labels: "Drafts"), message(2, from: received.from, to: received.to, labels: "Spam"),
            message(3, from: received.from, to: received.to, labels: "Trash,\"Category: Updates\""),
            message(4, from: sent.from, to: sent.to, labels: "Sent,Opened"),
            message(5, from: sent.from, to: sent.to, labels: "Sent,Trash"),
            message(6, from: received.from, to: received.to, labels: "\"Clients, Drafts\",Inbox"),
        ].map { "From 1234@xxx Sun Mar 15 10:00:00 2026\n" + $0 }.joined(separator: "\n")
        let mbox = dir.appendingPathComponent("All mail Including Spam and Trash.mbox")
        try takeout.write(to: mbox, atomically: true, encoding: .utf8)
        let g = try importMail { try Mailbox.readMbox(path: mbox.path, $0) }
        #expect(g.skipped == [.draft: 1, .junk: 2])
        #expect(g.touches.map(\.sourceID) == ["mail:d4@example.com", "mail:d5@example.com", "mail:d6@example.com"])
    }

    /// Senders nobody reads, wherever the word is in the address's local part (Google's
    /// `drive-shares-noreply@` and `calendar-notification@` were offered as people to add),
    /// and people whose address only looks a little like one.
    @Test(arguments: [
        ("noreply@github.com", true), ("no-reply@accounts.google.com", true), ("drive-shares-noreply@google.com", true),
        ("calendar-notification@google.com", true), ("notifications@github.com", true), ("DoNotReply@bank.example", true),
        ("do_not_reply@x.example", true), ("mailer-daemon@googlemail.com", true), ("postmaster@example.org", true),
        ("bounce+abc@mg.example.com", true), ("info-noreply.team@x.example", true),
        ("real.person@else.org", false), ("noelle.reply@x.example", false), ("bouncer.jo@x.example", true), ("nora@x.example", false),
        ("notice@x.example", false), ("jo+noreply@x.example", false),
    ])
    func senderNobodyReads(_ address: String, _ noReply: Bool) {
        #expect(TouchImporter.isNoReply(address) == noReply, "\(address)")
    }

    /// mbsync's and offlineimap's folders are plain folders (`Sent/`, `Archive/2026/`,
    /// `[Gmail]/Spam/`), not Maildir++'s `.Sent`, and the top of their tree (`~/Mail`) is no
    /// maildir itself: each maildir in the tree is read, its Trash and Spam left out. The sent
    /// mail in `Sent/` went unread without a word, and `~/Mail` was refused as no maildir.
    @Test func maildirsInPlainFoldersAreRead() throws {
        let dir = try temporaryFolder("verbatim")
        defer { try? FileManager.default.removeItem(at: dir) }
        func message(_ n: Int, from: String, to: String) -> String { Self.message(n, "v", from: from, to: to) }
        let sent = (from: "me@example.com", to: "joan@salon.example")
        let received = (from: "joan@salon.example", to: "me@example.com")
        let files: [(String, String)] = [
            ("Mail/INBOX/cur/1773568801.M1P1.host:2,S", message(1, from: received.from, to: received.to)),
            ("Mail/Sent/cur/1773568802.M2P1.host:2,S", message(2, from: sent.from, to: sent.to)),
            ("Mail/Archive/2026/new/1773568803.M3P1.host", message(3, from: sent.from, to: sent.to)),
            ("Mail/Trash/cur/1773568804.M4P1.host:2,S", message(4, from: received.from, to: received.to)),
            ("Mail/[Gmail]/Spam/cur/1773568805.M5P1.host:2,S", message(5, from: received.from, to: received.to)),
            ("Mail/INBOX/Sent/cur/1773568806.M6P1.host:2,S", message(6, from: sent.from, to: sent.to)),
            ("Mail/Archive/Trash-2025/cur/1773568807.M7P1.host:2,S", message(7, from: received.from, to: received.to)),
            ("Mail/Draft-Contracts/cur/1773568808.M8P1.host:2,S", message(8, from: sent.from, to: sent.to)),
            // A folder of other files with a cur/ alone is no maildir below the one given.
            ("Mail/Notes/cur/1773568809.M9P1.host:2,S", message(9, from: sent.from, to: sent.to)),
        ]
        try Self.write(files, under: dir)
        for sub in ["Mail/INBOX/tmp", "Mail/Sent/tmp", "Mail/Empty/nothing", "Mail/INBOX/new", "Mail/Sent/new", "Mail/Archive/2026/cur",
            "Mail/Trash/new", "Mail/[Gmail]/Spam/new", "Mail/INBOX/Sent/new", "Mail/Archive/Trash-2025/new", "Mail/Draft-Contracts/new"]
        {
            try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
        }
        // A link back up the tree is not walked round and round.
        try FileManager.default.createSymbolicLink(atPath: dir.appendingPathComponent("Mail/Archive/up").path, withDestinationPath: "..")
        let r = try importMail { try Mailbox.readMaildir(path: dir.appendingPathComponent("Mail").path, $0) }
        #expect(
            Set(r.touches.map(\.sourceID)) == ["mail:v1@example.com", "mail:v2@example.com", "mail:v3@example.com", "mail:v6@example.com", "mail:v8@example.com"])
        #expect(r.skipped == [.junk: 3])
        // A Trash given itself: every maildir below it is junk too.
        let trash = try importMail { try Mailbox.readMaildir(path: dir.appendingPathComponent("Mail/Archive/Trash-2025").path, $0) }
        #expect(trash.touches.isEmpty && trash.skipped == [.junk: 1])
        // A maildir given itself reads the plain folders below it too (INBOX/Sent here).
        let inbox = try importMail { try Mailbox.readMaildir(path: dir.appendingPathComponent("Mail/INBOX").path, $0) }
        #expect(Set(inbox.touches.map(\.sourceID)) == ["mail:v1@example.com", "mail:v6@example.com"])
        // A folder with no maildir anywhere in it is still refused.
        #expect(throws: ImportError.self) { try Mailbox.readMaildir(path: dir.appendingPathComponent("Mail/Empty").path) { _ in } }
    }

    /// Vacation responders that write no Auto-Submitted mark their replies `X-Autoreply: yes`
    /// or `X-Autorespond`: such a reply is sent automatically, left out like Auto-Submitted's
    /// (each was logged as an inbound e-mail).
    @Test func automaticRepliesAreLeftOut() throws {
        let dir = try temporaryFolder("autoreply")
        defer { try? FileManager.default.removeItem(at: dir) }
        let script = #"""
            import mailbox, os, sys
            from email.message import EmailMessage
            box = mailbox.mbox(os.path.join(sys.argv[1], "replies.mbox"))
            for n, extra in enumerate([("X-Autoreply", "yes"), ("X-Autorespond", "Out of office"), ("Auto-Submitted", "auto-replied"), ("X-Autoreply", "no")]):
                m = EmailMessage()
                m["From"] = "Mike Chen <mike@green.example>"
                m["To"] = "me@example.com"
                m["Date"] = "Sun, 15 Mar 2026 10:0%d:00 +0000" % n
                m["Message-ID"] = "<r%d@green.example>" % n
                m[extra[0]] = extra[1]
                m.set_content("I am away until Monday.\n")
                box.add(mailbox.mboxMessage(m))
            box.flush()
            box.close()
            print("ok")
            """#
        #expect(try python(script, [dir.path]) == "ok\n")
        let r = try importMail { try Mailbox.readMbox(path: dir.appendingPathComponent("replies.mbox").path, $0) }
        #expect(r.skipped == [.automatic: 3])
        #expect(r.touches.map(\.sourceID) == ["mail:r3@green.example"])
    }

    @Test func badMailboxesAreWordedErrors() throws {
        for (bytes, message) in [
            (Array("hello\nworld\n".utf8), "file: this is not an mbox file (it does not start with a \"From \" line)"),
            (
                Array("From: someone@x.org\nTo: me@example.com\n\nhi\n".utf8),
                "file: this is not an mbox file (it does not start with a \"From \" line)"
            ),
            ([0, 0, 0, 1], "file: this is not an mbox file (it does not start with a \"From \" line)"),
        ] {
            do {
                try Mailbox.readMbox(bytes: bytes) { _ in }
                Issue.record("\(bytes.prefix(10)) was read")
            } catch {
                #expect("\(error)" == message)
            }
        }
        let dir = try temporaryFolder("notmaildir")
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(throws: ImportError.self) { try Mailbox.readMaildir(path: dir.path) { _ in } }
        #expect(throws: ImportError.self) { try Mailbox.readMbox(path: dir.appendingPathComponent("missing.mbox").path) { _ in } }
        #expect(throws: ImportError.self) { try Mailbox.readMbox(path: dir.path) { _ in } }
        // A FIFO is refused, not waited on.
        let fifo = dir.appendingPathComponent("pipe.mbox").path
        #expect(mkfifo(fifo, 0o600) == 0)
        do {
            try Mailbox.readMbox(path: fifo) { _ in }
            Issue.record("a FIFO was read")
        } catch {
            #expect("\(error)".hasSuffix("not a regular file (a folder, device or FIFO); it is not read"))
        }
        #expect(throws: ImportError.self) { try ICalendar.read(path: fifo) }
        #expect(throws: ImportError.self) { try ICalendar.read(path: "/dev/zero") }
    }

    /// Mailboxes as mail programs leave them (a sweep of real files): an empty mbox is an empty
    /// folder (Thunderbird and mutt write one; it was an error), Thunderbird's deleted messages
    /// wait in the file for compaction (X-Mozilla-Status 0x0008: they were logged),
    /// `Auto-Submitted: no (human)` is a person's mail (it was left out as automatic), a Date
    /// that cannot be read falls back to the From line's saying so, and a file cut inside a
    /// header leaves its cut line out and says so (`bob@exa` was counted as a candidate).
    @Test func mailboxesAsMailProgramsLeaveThem() throws {
        var none: [MailMessage] = []
        try Mailbox.readMbox(bytes: []) { none.append($0) }
        #expect(none.isEmpty)
        func box(_ messages: [String]) -> [UInt8] {
            Array(messages.map { "From x Sun Mar  8 10:00:00 2026\n" + $0 + "\nbody\n" }.joined(separator: "\n").utf8)
        }
        let bytes = box([
            "From: joan@salon.example\nTo: me@example.com\nDate: Sun, 8 Mar 2026 10:00:00 +0000\nMessage-ID: <a@x>\nX-Mozilla-Status: 0009\n",
            "From: joan@salon.example\nTo: me@example.com\nDate: Sun, 8 Mar 2026 11:00:00 +0000\nMessage-ID: <b@x>\nX-Mozilla-Status: 0001\n",
            "From: joan@salon.example\nTo: me@example.com\nDate: Sun, 8 Mar 2026 12:00:00 +0000\nMessage-ID: <c@x>\nAUTO-SUBMITTED: No (human)\n",
            "From: joan@salon.example\nTo: me@example.com\nDate: the eighth of March\nMessage-ID: <d@x>\n",
        ]) + Array("\nFrom x Sun Mar  8 10:00:00 2026\nFrom: me@example.com\nMessage-ID: <e@x>\nDate: Sun, 8 Mar 2026 13:00:00 +0000\nTo: dana@lee.example,\n bob@exa".utf8)
        let r = try importMail { try Mailbox.readMbox(bytes: bytes, $0) }
        #expect(r.skipped == [.junk: 1])
        #expect(r.touches.map(\.sourceID) == ["mail:b@x", "mail:c@x", "mail:d@x", "mail:e@x"])
        #expect(r.candidates.isEmpty, "\(r.candidates)")
        #expect(r.warnings.map(\.description) == [
            "message 4 (byte 487): its Date \"the eighth of March\" is not a date Tend reads; the date the mailbox gives it is used",
            "message 5 (byte 614): the file ends inside its header (a line cut short is left out)",
        ])
    }

    /// Trash and drafts folders nested (`.Trash.2025`) or named in another language, as Dovecot
    /// writes such names on disk (IMAP's modified UTF-7: `.Entw&APw-rfe`), are left out like
    /// `.Trash` (their mail was logged).
    @Test func trashAndDraftsInAnyLanguage() throws {
        for (folder, reason) in [
            (".Trash.2025", SkipReason.junk), (".Entw&APw-rfe", .draft), (".Papierkorb", .junk), (".INBOX.Corbeille", .junk),
            (".Gel&APY-schte Elemente", .junk), (".Borradores", .draft), (".Archive", nil), (".Clients&-Friends", nil),
            (".Kosz", .junk), (".Roskakori", .junk), (".&MLQw33ux-", .junk), (".&BCMENAQwBDsENQQ9BD0ESwQ1-", .junk), (".&g0l6Pw-", .draft),
        ] {
            #expect(Mailbox.leftOut(folder: folder, file: "1.M1.host:2,S") == reason, "\(folder)")
        }
        #expect(Mailbox.leftOut(folder: "Maildir", file: "1.M1.host:2,ST") == .junk)
        #expect(IMAPName.decoded("Entw&APw-rfe") == "Entwürfe" && IMAPName.decoded("A&-B") == "A&B" && IMAPName.decoded("&broken") == "&broken")
    }

    /// A header block larger than the limit is cut there, and the next message still reads.
    @Test func hugeHeadersStayBounded() throws {
        var text = "From a@x.org Tue Mar 10 09:15:00 2026\nFrom: Dana <dana@lee.example>\nTo: me@example.com\nX-Filler: "
        text += String(repeating: "y", count: 600_000) + "\n"
        text += String(repeating: "X-More: z\n", count: 40_000)
        text +=
            "Message-ID: <late@x.org>\n\nbody\n\nFrom b@x.org Tue Mar 10 09:15:00 2026\nFrom: joan@salon.example\nMessage-ID: <next@x.org>\n\nbody\n"
        var messages: [MailMessage] = []
        try Mailbox.readMbox(bytes: Array(text.utf8)) { messages.append($0) }
        #expect(messages.count == 2)
        #expect(messages[0].headers.from.first?.address == "dana@lee.example" && messages[0].headers.messageID == nil)
        #expect(messages[1].headers.messageID == "next@x.org")
    }

    @Test func randomBytesNeverCrash() throws {
        var noise = Noise(seed: 11)
        for _ in 0..<300 {
            let bytes = noise.bytes(
                after: "From x Tue Mar 10 09:15:00 2026\n", count: 300,
                tokens: ["\n", "\r\n", "From ", "From: a@b.c\n", "To: <", "=?utf-8?b?", "?=", "\n\n", ":", ",", "(", "\""])
            var importer = TouchImporter(
                addressBook: touchBook(), options: TouchOptions(today: day("2026-06-15"), timeZone: TimeZone(identifier: "UTC")!))
            try? Mailbox.readMbox(bytes: bytes) { importer.add($0) }
            _ = importer.finish()
        }
    }
}
