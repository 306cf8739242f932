"""Writes the inputs of Scripts/bench's touch cases (#20), the same every run (seeded).

  generate.py ics FILE    ten years of a busy calendar: 10,000 VEVENTs (2016-2026), one in seven
                          recurring (weekly, monthly by weekday or day, daily with COUNT, yearly)
                          with an EXDATE, 1-4 attendees each, 60% of them among 10,000 contacts
                          (p0@example.com ...), times in a VTIMEZONE zone, in UTC and all-day; folded
                          at 75 octets with long DESCRIPTIONs, as calendar programs write them.
  generate.py mbox FILE   100,000 messages (172 MB): 30% sent by me to 1-3 people, the rest to me
                          from encoded names, 15% from a mailing list; Received lines, 1.3 KB bodies,
                          some with quoted ">From " lines.
"""
import random, sys

kind, path = sys.argv[1], sys.argv[2]
r = random.Random(20)

def person():
    if r.random() < 0.6:
        return f"p{r.randrange(10000)}@example.com"
    return f"x{r.randrange(50000)}@else.example"

def fold(line):
    b = line.encode()
    parts = [b[:75]]
    b = b[75:]
    while b:
        parts.append(b[:74])
        b = b[74:]
    return b"\r\n ".join(parts)

def calendar():
    out = ["BEGIN:VCALENDAR", "PRODID:-//Tend bench//EN", "VERSION:2.0",
           "BEGIN:VTIMEZONE", "TZID:America/New_York", "BEGIN:DAYLIGHT", "TZOFFSETFROM:-0500", "TZOFFSETTO:-0400",
           "DTSTART:19700308T020000", "RRULE:FREQ=YEARLY;BYMONTH=3;BYDAY=2SU", "END:DAYLIGHT", "BEGIN:STANDARD",
           "TZOFFSETFROM:-0400", "TZOFFSETTO:-0500", "DTSTART:19701101T020000", "RRULE:FREQ=YEARLY;BYMONTH=11;BYDAY=1SU",
           "END:STANDARD", "END:VTIMEZONE"]
    for i in range(10000):
        y, m, d = 2016 + r.randrange(11), 1 + r.randrange(12), 1 + r.randrange(28)
        hh = 8 + r.randrange(10)
        zone = r.random()
        if zone < 0.7:
            start = f"DTSTART;TZID=America/New_York:{y:04d}{m:02d}{d:02d}T{hh:02d}0000"
        elif zone < 0.9:
            start = f"DTSTART:{y:04d}{m:02d}{d:02d}T{hh:02d}0000Z"
        else:
            start = f"DTSTART;VALUE=DATE:{y:04d}{m:02d}{d:02d}"
        ev = ["BEGIN:VEVENT", f"UID:bench-{i}@tend", "DTSTAMP:20261101T000000Z", start,
              f"SUMMARY:Meeting number {i} about the plan\\, the budget and more", "ORGANIZER;CN=Me:mailto:me@example.com"]
        for _ in range(1 + r.randrange(4)):
            ev.append(f"ATTENDEE;CUTYPE=INDIVIDUAL;ROLE=REQ-PARTICIPANT;PARTSTAT=ACCEPTED;CN=Someone;X-NUM-GUESTS=0:mailto:{person()}")
        if i % 7 == 0:
            f = r.choice(["WEEKLY;BYDAY=MO,WE", "WEEKLY", "MONTHLY;BYDAY=2TU", "DAILY;COUNT=30", "MONTHLY;BYMONTHDAY=15", "YEARLY"])
            until = "" if "COUNT" in f or "YEARLY" in f else f";UNTIL={min(y + 1, 2026):04d}{m:02d}{d:02d}T000000Z"
            ev.append(f"RRULE:FREQ={f}{until}")
            if "VALUE=DATE" not in start and "Z" not in start:
                ev.append(f"EXDATE;TZID=America/New_York:{y:04d}{m:02d}{d:02d}T{hh:02d}0000")
        ev.append("DESCRIPTION:" + "Some agenda text that is long enough to be folded and never read " * 3)
        ev.append("END:VEVENT")
        out += ev
    out.append("END:VCALENDAR")
    open(path, "wb").write(b"\r\n".join(fold(l) for l in out) + b"\r\n")

def mbox():
    days = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    body = "Lorem ipsum dolor sit amet, consectetur adipiscing elit, sed do eiusmod tempor incididunt.\n" * 14
    with open(path, "w") as f:
        for i in range(100000):
            y, m, d = 2016 + r.randrange(10), r.randrange(12), 1 + r.randrange(28)
            date = f"{days[r.randrange(7)]}, {d:02d} {months[m]} {y} {r.randrange(24):02d}:{r.randrange(60):02d}:00 -0500"
            sent = r.random() < 0.3
            frm = "Me <me@example.com>" if sent else f"=?utf-8?q?Some_P=C3=A9rson?= <{person()}>"
            to = ", ".join(f"Person {k} <{person()}>" for k in range(1 + r.randrange(3))) if sent else "me@example.com"
            extra = "List-Id: <news.example>\n" if r.random() < 0.15 else ""
            f.write(f"From MAILER-DAEMON {days[r.randrange(7)]} {months[m]} {d:2d} 12:00:00 {y}\n")
            f.write(f"Received: from mx{i % 7}.example.net (mx.example.net [192.0.2.{i % 250}])\n\tby mail.example.com with ESMTPS id abc{i}\n\tfor <me@example.com>; {date}\n")
            f.write(f"From: {frm}\nTo: {to}\nSubject: Message {i}\nDate: {date}\nMessage-ID: <msg{i}@bench.example>\n{extra}MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n")
            f.write(body)
            if i % 10 == 0:
                f.write(">From the quoted line\n")
            f.write("\n")

calendar() if kind == "ics" else mbox()
