import Foundation
import TendCore
import TendInterchange

/// How results are printed.
public enum OutputFormat: String, CaseIterable, Sendable {
    case table, json, csv, tsv
}

/// Draws outputs as text: aligned tables (bar charts for groups on a terminal), JSON (one document
/// per line, so that a run's output can be read line by line), CSV, TSV.
public struct Renderer {
    public var format: OutputFormat
    public var color: Bool
    /// The terminal's width, when printing to one; tables are fitted to it.
    public var width: Int?
    /// Show dates relative to today ("12d ago") where it helps; on a terminal only.
    public var today: Day?
    /// Output goes to a terminal: CSV and TSV fields are escaped too (JSON always escapes, and
    /// the table format, written for people, always shows control characters escaped).
    public var terminal: Bool
    /// CSV cells with blanks at their ends are quoted (`export csv`, which import reads back exactly).
    public var quotingBlanks = false

    public init(format: OutputFormat = .table, color: Bool = false, width: Int? = nil, today: Day? = nil, terminal: Bool = false) {
        self.format = format
        self.color = color
        self.width = width
        self.today = today
        self.terminal = terminal
    }

    /// Text for people: control characters escaped (see `TerminalText`), lines kept where the
    /// layout has room for them.
    static func shown(_ s: String, keep: TerminalText.Keep = .newline) -> String { TerminalText.escaped(s, keep: keep) }

    /// A CSV or TSV field: exact, unless it is bound for a terminal.
    func field(_ s: String) -> String { terminal ? TerminalText.escaped(s, keep: .newline) : s }

    // MARK: - Cells

    /// A value as a table or card shows it, control characters escaped.
    func cell(_ v: Value, _ t: Table) -> String {
        switch v {
        case .null: return ""
        case .contact(let id): return Renderer.shown(t.shownName(id))
        case .list(let items): return items.map { cell($0, t) }.joined(separator: ", ")
        case .record: return Renderer.shown(Renderer.text(v, t.people))
        case .date(let d):
            guard let today, format == .table else { return d.description }
            let n = today.ordinal - d.ordinal
            if n == 0 { return "\(d) (today)" }
            if abs(n) <= 60 { return n > 0 ? "\(d) (\(n)d ago)" : "\(d) (in \(-n)d)" }
            return d.description
        default: return Renderer.shown(plainText(v))
        }
    }

    func json(_ v: Value, _ t: Table?, days: Bool = false) -> String {
        switch v {
        case .duration(let d) where days && d.months == 0: return "\(d.days)"
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .number(let n): return n.exactText
        case .string(let s): return jsonStringLiteral(s)
        case .date(let d): return "\"\(d)\""
        case .duration(let d): return "\"\(d)\""
        case .stage(let s): return "\"\(s)\""
        case .list(let items): return "[" + items.map { json($0, t) }.joined(separator: ",") + "]"
        case .record(let r): return "{" + zip(r.keys, r.values).map { "\(jsonStringLiteral($0)):\(json($1, t))" }.joined(separator: ",") + "}"
        case .contact(let id):
            if let p = t?.people[id] { return "{\"handle\":\(jsonStringLiteral(p.handle)),\"name\":\(jsonStringLiteral(p.name))}" }
            return "{\"id\":\(id)}"
        case .row, .rows: return jsonStringLiteral(plainText(v))
        }
    }

    /// Appends a CSV field (quoted when it holds a comma, a quote, a line break or another
    /// control character but a tab: a NUL outside quotes would make the file binary; with
    /// `quotingBlanks`, for `export csv`, when it starts or ends with a blank, which import keeps
    /// only in a quoted cell) or a TSV
    /// field (tabs and line breaks, CR or LF, as spaces) to a byte buffer: Foundation's `contains` and
    /// `replacingOccurrences` on strings go through NSString, and were a third of the time of a
    /// 10k-row CSV agenda.
    static func appendField(_ s: String, tsv: Bool, quotingBlanks: Bool = false, to out: inout [UInt8]) {
        // Any blank import trims (U+00A0, U+2028 too), not only a space or a tab.
        let blankEnds = quotingBlanks && (s.unicodeScalars.first?.properties.isWhitespace == true || s.unicodeScalars.last?.properties.isWhitespace == true)
        var s = s
        s.withUTF8 { bytes in
            if tsv {
                // A carriage return is a line break too (kept, it split the row in TSV readers).
                if bytes.contains(where: { $0 == 9 || $0 == 10 || $0 == 13 }) {
                    for b in bytes { out.append(b == 9 || b == 10 || b == 13 ? 32 : b) }
                } else {
                    out.append(contentsOf: bytes)
                }
            } else if bytes.contains(where: { $0 == 44 || $0 == 34 || ($0 < 32 && $0 != 9) })
                || blankEnds
            {
                out.append(34)
                for b in bytes {
                    out.append(b)
                    if b == 34 { out.append(34) }
                }
                out.append(34)
            } else {
                out.append(contentsOf: bytes)
            }
        }
    }

    // MARK: - Outputs

    /// The text for one output; nil when it prints nothing in this format.
    public func render(_ o: Output) -> String? {
        switch o {
        case .text(let s):
            // Confirmations and reports are for people in every format but JSON.
            return format == .json ? jsonStringLiteral(s) : Renderer.shown(s, keep: .lines)
        case .value(let v, let people):
            switch format {
            case .json: return json(v, Table(columns: [], rows: [], people: people))
            case .table: return Renderer.shown(Renderer.topLevelText(v, people), keep: .lines)
            case .csv, .tsv: return field(Renderer.topLevelText(v, people))
            }
        case .table(let t):
            return render(t)
        case .card(let c):
            return render(c)
        case .assertion, .warning:
            return nil
        }
    }

    /// A value printed on its own line: null is written out (an empty line would look like
    /// nothing happened), also inside a list; in strings it still renders as "".
    static func topLevelText(_ v: Value, _ people: [Int64: (name: String, handle: String)] = [:]) -> String {
        switch v {
        case .null: return "null"
        case .list(let items): return items.map { if case .null = $0 { "null" } else { text($0, people) } }.joined(separator: ", ")
        default: return text(v, people)
        }
    }

    /// `plainText`, with each contact in a list or record as its name.
    static func text(_ v: Value, _ people: [Int64: (name: String, handle: String)]) -> String { plainText(v, name: { people[$0]?.name }) }

    public func render(_ t: Table) -> String {
        // A streamed table drawn here is read whole (`render(streamed:)` draws one as it is read).
        if t.stream != nil {
            do { return render(try t.materialized()) } catch { return "error: \(error)" }
        }
        if format != .table, !t.drawnColumns.isEmpty {
            // A picture for the screen is no data for a program.
            var data = t
            let kept = t.columns.indices.filter { !t.drawnColumns.contains(t.columns[$0]) }
            data.columns = kept.map { t.columns[$0] }
            data.rows = t.rows.map { row in kept.map { $0 < row.count ? row[$0] : .null } }
            data.drawnColumns = []
            data.chartColumn = nil
            return render(data)
        }
        switch format {
        case .json:
            // A column of durations is in one unit, as in the other formats.
            let inDays = Renderer.spansInDays(t)
            return "[" + t.rows.map { jsonRow($0, t, inDays) }.joined(separator: ",") + "]"
        case .csv, .tsv:
            var out: [UInt8] = []
            out.reserveCapacity(64 * (t.rows.count + 1))
            appendLine(t.columns.map(field), to: &out)
            let inDays = Renderer.spansInDays(t)
            for row in t.rows {
                out.append(10)
                appendLine(csvCells(row, t, inDays), to: &out)
            }
            return String(decoding: out, as: UTF8.self)
        case .table:
            if let c = t.chartColumn, color || width != nil { return chart(t, c) }
            return grid(t)
        }
    }

    /// A row as a JSON object, its columns as keys.
    func jsonRow(_ row: [Value], _ t: Table, _ inDays: Set<Int>) -> String {
        "{"
            + zip(t.columns, row).enumerated().map { i, cell in
                if inDays.contains(i), case .duration(let d) = cell.1, d.months == 0, !t.dayColumns.contains(cell.0) {
                    return "\(jsonStringLiteral(cell.0)):\(jsonStringLiteral("\(d.days)d"))"
                }
                return "\(jsonStringLiteral(cell.0)):\(json(cell.1, t, days: t.dayColumns.contains(cell.0)))"
            }.joined(separator: ",") + "}"
    }

    /// A row's CSV or TSV fields: a contact by handle, text neutralised for spreadsheets.
    func csvCells(_ row: [Value], _ t: Table, _ inDays: Set<Int>) -> [String] {
        row.enumerated().map { i, v -> String in
            switch v {
            case .duration(let d) where inDays.contains(i) && d.months == 0: return "\(d.days)d"
            case .contact(let id): return t.people[id]?.handle ?? ""
            case .null, .bool, .number, .date, .duration, .stage: return plainCell(v, t)
            // Text may be read by a spreadsheet: a formula-like cell is neutralised.
            default: return field(SpreadsheetCell.neutralised(plainCell(v, t)))
            }
        }
    }

    /// One CSV or TSV line, without its line break.
    func appendLine(_ cells: [String], to out: inout [UInt8]) {
        let tsv = format == .tsv
        for (i, cell) in cells.enumerated() {
            if i > 0 { out.append(tsv ? 9 : 44) }
            Renderer.appendField(cell, tsv: tsv, quotingBlanks: quotingBlanks, to: &out)
        }
    }

    func plainCell(_ v: Value, _ t: Table) -> String {
        switch v {
        case .contact(let id): return t.people[id]?.name ?? ""
        case .list(let items): return items.map { plainCell($0, t) }.joined(separator: "; ")
        case .record: return Renderer.text(v, t.people)
        default: return plainText(v)
        }
    }

    static func displayWidth(_ s: String) -> Int {
        var w = 0
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if v < 0x20 || (0x300...0x36F).contains(v) || v == 0x200D || (0xFE00...0xFE0F).contains(v) { continue }
            // East Asian wide characters and emoji take two columns.
            if (0x1100...0x115F).contains(v) || (0x2E80...0xA4CF).contains(v) || (0xAC00...0xD7A3).contains(v)
                || (0xF900...0xFAFF).contains(v) || (0xFF00...0xFF60).contains(v) || (0x1F300...0x1FAFF).contains(v)
            {
                w += 2
            } else {
                w += 1
            }
        }
        return w
    }

    static func pad(_ s: String, _ width: Int, right: Bool = false) -> String {
        let fill = String(repeating: " ", count: max(0, width - displayWidth(s)))
        return right ? fill + s : s + fill
    }

    static func truncate(_ s: String, _ width: Int) -> String {
        guard displayWidth(s) > width else { return s }
        var out = ""
        var w = 0
        for ch in s {
            let cw = displayWidth(String(ch))
            if w + cw > width - 1 { break }
            out.append(ch)
            w += cw
        }
        return out + "…"
    }

    /// The columns whose durations would print in weeks on some rows and in days on others
    /// (`9w` beside `62d`: a duration prints in weeks up to 10w): they print in days, so that a
    /// column such as `overdue` reads and sorts by eye in one unit.
    static func spansInDays(_ t: Table) -> Set<Int> {
        var units = DurationUnits(columns: t.columns.count)
        units.note(t.rows)
        return units.inDays
    }

    /// An aligned grid with a header rule; cells are cut to fit the terminal when there is one.
    func grid(_ t: Table) -> String {
        if t.rows.isEmpty { return paint("(no rows)", dim: true) }
        let inDays = Renderer.spansInDays(t)
        let text = t.rows.map { gridCells($0, t, inDays) }
        var layout = GridLayout(t.columns)
        layout.measure(t.rows, text)
        layout.fit(width)
        var lines = layout.header(self)
        for row in text { lines.append(layout.line(row)) }
        if let note = layout.leftOut(self) { lines.append(note) }
        lines.append(rowCount(t.rows.count))
        return lines.joined(separator: "\n")
    }

    /// A row's cells as a grid shows them, on one line each.
    func gridCells(_ row: [Value], _ t: Table, _ inDays: Set<Int>) -> [String] {
        row.enumerated().map { i, v in
            if inDays.contains(i), case .duration(let d) = v, d.months == 0 { return "\(d.days)d" }
            return Renderer.oneLine(cell(v, t))
        }
    }

    /// A cell's line breaks as spaces, in Swift: Foundation's `replacingOccurrences` goes
    /// through NSString, and was a third of the time of a million-row grid.
    static func oneLine(_ s: String) -> String {
        guard s.utf8.contains(10) else { return s }
        var out = String.UnicodeScalarView()
        for scalar in s.unicodeScalars { out.append(scalar == "\n" ? " " : scalar) }
        return String(out)
    }

    func rowCount(_ n: Int) -> String { paint("(\(n) row\(n == 1 ? "" : "s"))", dim: true) }

    /// `group by` on a terminal: one horizontal bar per group, labelled by its keys, under a
    /// line that names the keys and the value drawn.
    func chart(_ t: Table, _ column: Int) -> String {
        if t.rows.isEmpty { return paint("(no rows)", dim: true) }
        let labelColumns = t.labelColumns ?? Array(0..<column)
        let labels = t.rows.map { row in
            labelColumns.map { cell(row[$0], t) }.map { $0.isEmpty ? "(none)" : $0 }.joined(separator: " · ")
        }
        let values = t.rows.map { row -> Double in
            if case .number(let n) = row[column] { return NSDecimalNumber(decimal: n).doubleValue }
            return 0
        }
        let maxValue = max(values.max() ?? 0, 1)
        let heading = labelColumns.map { Renderer.shown(t.columns[$0], keep: []) }.joined(separator: " · ")
        let labelWidth = min((labels + [heading]).map(Renderer.displayWidth).max() ?? 0, 28)
        let numbers = t.rows.map { cell($0[column], t) }
        let numberWidth = numbers.map(Renderer.displayWidth).max() ?? 0
        let barSpace = max(10, (width ?? 80) - labelWidth - numberWidth - 4)
        var lines = [
            paint(Renderer.pad(Renderer.truncate(heading, labelWidth), labelWidth) + " │ " + Renderer.shown(t.columns[column], keep: []), dim: true)
        ]
        for (i, label) in labels.enumerated() {
            let cells = values[i] / maxValue * Double(barSpace)
            let full = Int(cells)
            let eighths = Int((cells - Double(full)) * 8)
            let partial = eighths > 0 ? String(["", "▏", "▎", "▍", "▌", "▋", "▊", "▉"][eighths]) : ""
            let bar = String(repeating: "█", count: full) + partial
            lines.append(Renderer.pad(Renderer.truncate(label, labelWidth), labelWidth) + " │" + paint(bar, bar: true) + " " + numbers[i])
        }
        let extra = t.columns.indices.filter { $0 != column && !labelColumns.contains($0) }
        if !extra.isEmpty {
            lines.append("")
            lines.append(grid(t))
        }
        return lines.joined(separator: "\n")
    }

    public func render(_ c: Card) -> String {
        if format == .json {
            let fields = c.fields.map { "\(jsonStringLiteral($0.0)):\(json($0.1, c.timeline))" }.joined(separator: ",")
            let timeline = Renderer(format: .json).render(c.timeline)
            return "{\(fields),\"timeline\":\(timeline)}"
        }
        if format == .csv || format == .tsv {
            let t = Table(columns: c.fields.map(\.0), rows: [c.fields.map(\.1)], people: c.timeline.people)
            return render(t)
        }
        var lines = [paint(Renderer.shown(c.name, keep: []), bold: true) + "  " + paint("@" + Renderer.shown(c.handle, keep: []), dim: true)]
        let labelWidth = c.fields.map { $0.0.count }.max() ?? 10
        for (label, value) in c.fields where label != "name" && label != "handle" && !c.brief.contains(label) {
            let name = Renderer.shown(label, keep: [])
            // A value of several lines (notes) keeps its later lines under its first.
            let text = cell(value, c.timeline).replacingOccurrences(of: "\n", with: "\n" + String(repeating: " ", count: labelWidth + 4))
            lines.append("  " + paint(Renderer.pad(name, labelWidth), dim: true) + "  " + (text.isEmpty ? paint("—", dim: true) : text))
        }
        lines.append(paint("Timeline", bold: true))
        if c.timeline.rows.isEmpty {
            lines.append(paint("  (nothing yet: log a touch with `log call with @\(c.handle)`)", dim: true))
        } else {
            // Indented, the table is made for the width left beside its indent, so that no row
            // reaches past the terminal's edge (where the terminal would wrap it).
            var indented = self
            indented.width = width.map { max($0 - 2, 20) }
            lines.append(indented.grid(c.timeline).split(separator: "\n").map { "  " + $0 }.joined(separator: "\n"))
        }
        return lines.joined(separator: "\n")
    }

    func paint(_ s: String, bold: Bool = false, dim: Bool = false, bar: Bool = false) -> String {
        guard color else { return s }
        if bold { return "\u{1B}[1m\(s)\u{1B}[0m" }
        if dim { return "\u{1B}[2m\(s)\u{1B}[0m" }
        if bar { return "\u{1B}[36m\(s)\u{1B}[0m" }
        return s
    }
}

/// The last step before standard output or error: text bound for a terminal passes through
/// `TerminalText` once more, keeping only lines, tabs and Tend's own colours, so that no path
/// (a message that forgot to escape, CSV printed to the screen) can drive the terminal.
///
/// Standard output that is not a terminal (a file, a pipe) is gathered and written in blocks: a
/// restore prints a line for each of its statements. What is gathered goes out before anything
/// is written to standard error (so the two keep their order when they share a file), before a
/// prompt, before a statement that is not a plain change and before a commit (`Session`), at
/// the end of every run, when the process exits, and whenever a block is full or its first
/// line has waited a fifth of a second.
public enum TerminalOutput {
    /// Whether standard output and standard error are terminals, asked once. Two flags: the first
    /// use of a dictionary keyed by Int32 costs a run half a million instructions, the runtime
    /// looking up Int32's Hashable conformance among the binary's.
    static let stdoutIsTerminal = isatty(STDOUT_FILENO) == 1
    static let stderrIsTerminal = isatty(STDERR_FILENO) == 1
    static func isTerminal(_ fd: Int32) -> Bool {
        switch fd {
        case STDOUT_FILENO: return stdoutIsTerminal
        case STDERR_FILENO: return stderrIsTerminal
        default: return isatty(fd) == 1
        }
    }
    static let blockSize = 1 << 16
    private static let lock = NSLock()
    nonisolated(unsafe) private static var gathered: [UInt8] = []
    nonisolated(unsafe) private static var flushesAtExit = false
    /// When the first line now gathered was written (DispatchTime's nanoseconds).
    nonisolated(unsafe) private static var gatheredSince: UInt64 = 0
    static let longestWait: UInt64 = 200_000_000

    public static func write(_ text: String, to fd: Int32) {
        let terminal = isTerminal(fd)
        if fd == STDOUT_FILENO, !terminal {
            lock.lock()
            if !flushesAtExit {
                flushesAtExit = true
                atexit { TerminalOutput.flush() }
            }
            let now = DispatchTime.now().uptimeNanoseconds
            if gathered.isEmpty { gatheredSince = now }
            gathered.append(contentsOf: text.utf8)
            let full = gathered.count >= blockSize || now - gatheredSince >= longestWait
            lock.unlock()
            if full { flush() }
            return
        }
        flush()
        let safe = terminal ? TerminalText.escaped(text, keep: [.lines, .colors]) : text
        if let failed = writeAll(Array(safe.utf8), to: fd), fd == STDOUT_FILENO { noteLost(failed) }
    }

    /// The error number of the first write to standard output that failed where no run could
    /// stop for it (a dump, a block of a large result, the last block at exit): the process then
    /// ends with exit 3, not a success with nothing written (`tend dump > /dev/full`).
    nonisolated(unsafe) public private(set) static var lost: Int32?

    /// Keeps the first error of standard output in `lost`.
    private static func noteLost(_ code: Int32) {
        lock.lock()
        if lost == nil { lost = code }
        lock.unlock()
    }

    /// Writes out what standard output has gathered; what cannot be written is dropped, and `lost` says so.
    public static func flush() {
        do { try flushOrThrow() } catch let e as OutputError { noteLost(e.code) } catch {}
    }

    /// Writes out what standard output has gathered, or says why it could not (a closed pipe
    /// with SIGPIPE ignored, a full disk): a run then stops before it commits.
    public static func flushOrThrow() throws {
        lock.lock()
        defer { lock.unlock() }
        // A block written before failed: the run's output is not whole, whatever is left.
        if let lost { throw OutputError(code: lost) }
        guard !gathered.isEmpty else { return }
        let failed = writeAll(gathered, to: STDOUT_FILENO)
        gathered.removeAll(keepingCapacity: true)
        if let failed { throw OutputError(code: failed) }
    }

    /// Standard output could not be written.
    public struct OutputError: Error, CustomStringConvertible {
        var code: Int32
        public var description: String {
            if code == EINTR && Interruption.requested != 0 { return "\(Interruption.message); nothing was changed" }
            return "cannot write the output: \(String(cString: strerror(code))); nothing was changed"
        }
    }

    /// Writes every byte (a write may take only some); the error number when one fails.
    static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Int32? {
        bytes.withUnsafeBytes { buffer in
            var done = 0
            // A pipe that takes nothing (a reader that stopped reading) is waited for a fifth of
            // a second at a time, and written a page at a time once it has room, so that a signal
            // that stops the run (SIGTERM, caught on whichever thread) stops the writing too: it
            // waited for ever. Files and terminals are written as they come.
            var st = stat()
            let pipe = fstat(fd, &st) == 0 && ((st.st_mode & S_IFMT) == S_IFIFO || (st.st_mode & S_IFMT) == S_IFSOCK)
            while done < buffer.count {
                var size = buffer.count - done
                if pipe {
                    var ready = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                    let polled = poll(&ready, 1, 200)
                    if polled == 0 || polled < 0 && errno == EINTR {
                        if Interruption.requested != 0 { return EINTR }
                        continue
                    }
                    size = min(size, Int(PIPE_BUF))
                }
                let n = Glibc.write(fd, buffer.baseAddress! + done, size)
                if n < 0 {
                    if errno == EINTR && Interruption.requested == 0 { continue }
                    return errno
                }
                done += n
            }
            return nil
        }
    }
}

/// Which units a table's columns of durations print in, learned row by row.
struct DurationUnits {
    var weeks: [Bool]
    var days: [Bool]
    init(columns: Int) {
        weeks = Array(repeating: false, count: columns)
        days = weeks
    }

    mutating func note(_ rows: [[Value]]) {
        for row in rows {
            for i in 0..<min(row.count, weeks.count) {
                guard case .duration(let d) = row[i], d.months == 0, d.days != 0 else { continue }
                if d.printsInWeeks { weeks[i] = true } else { days[i] = true }
            }
        }
    }

    /// The columns that print in days: those with durations of both kinds.
    var inDays: Set<Int> { Set(weeks.indices.filter { weeks[$0] && days[$0] }) }
}

/// A grid's columns, learned from every row before the first is drawn: how wide each is, and
/// whether it holds numbers alone (drawn flush right).
struct GridLayout {
    var columns: [String]
    var widths: [Int]
    var numeric: [Bool]
    /// Each column's widest word: narrowed to it and no further while another column can give
    /// room, a handle, a date or a stage is not broken in the middle.
    var words: [Int]
    /// Whether a column's text has blanks to wrap at (a name, a company): narrowed before a
    /// column of single words once every word cannot stay whole.
    var prose: [Bool]
    /// How many columns, from the left, fit the terminal at all; the rest are left out, and
    /// said under the grid (`leftOut`).
    var shown: Int
    init(_ columns: [String]) {
        self.columns = columns.map { Renderer.shown($0, keep: []) }
        widths = self.columns.map(Renderer.displayWidth)
        numeric = Array(repeating: true, count: columns.count)
        words = Array(repeating: 0, count: columns.count)
        prose = Array(repeating: false, count: columns.count)
        shown = columns.count
    }

    mutating func measure(_ rows: [[Value]], _ text: [[String]]) {
        for row in text {
            for (i, c) in row.enumerated() where i < widths.count {
                if !prose[i], c.utf8.contains(32) { prose[i] = true }
                let w = Renderer.displayWidth(c)
                guard w > words[i] else { continue }
                widths[i] = max(widths[i], w)
                words[i] = c.contains(" ") ? max(words[i], c.split(separator: " ").map { Renderer.displayWidth(String($0)) }.max() ?? 0) : w
            }
        }
        for row in rows {
            for i in numeric.indices where numeric[i] {
                if case .number = row[i] { continue }
                numeric[i] = row[i].isNull
            }
        }
    }

    /// Shrinks the widest columns until the grid fits the terminal's width: first those whose
    /// widest text still wraps whole onto its lines (`wrappedLines`), so that a long text keeps
    /// its end where a shorter one can wrap instead.
    mutating func fit(_ width: Int?) {
        guard let width else { return }
        // The columns that fit at six characters each (fewer for a narrower one), from the left.
        shown = 1
        while shown < widths.count, widths.prefix(shown + 1).reduce(0) { $0 + min($1, 6) } + 2 * shown <= width { shown += 1 }
        let gap = 2 * (shown - 1)
        let whole = widths
        // A fifth of each line is left for where the text breaks at blanks.
        func wrapsWhole(_ i: Int) -> Bool { !numeric[i] && whole[i] * 5 <= (widths[i] - 1) * 4 * GridLayout.wrappedLines }
        // Words kept whole first; then the words of text that wraps at blanks (a name, a
        // company) break; then, if the grid is still too wide, a handle's or a date's too.
        let floors = [words.map { max(6, $0) }, words.indices.map { prose[$0] ? 6 : max(6, words[$0]) }, words.map { _ in 6 }]
        for floors in floors {
            while widths.prefix(shown).reduce(0, +) + gap > width {
                let narrowable = widths.indices.prefix(shown).filter { widths[$0] > floors[$0] }
                guard let i = narrowable.filter(wrapsWhole).max(by: { widths[$0] < widths[$1] }) ?? narrowable.max(by: { widths[$0] < widths[$1] })
                else { break }
                widths[i] -= 1
            }
        }
    }

    /// The column names and the rule under them.
    func header(_ r: Renderer) -> [String] {
        [
            r.paint(
                zip(columns, widths).prefix(shown).map { Renderer.pad(Renderer.truncate($0, $1), $1) }.joined(separator: "  ").trimmingTrailing(),
                bold: true),
            r.paint(widths.prefix(shown).map { String(repeating: "─", count: $0) }.joined(separator: "  "), dim: true),
        ]
    }

    /// The columns the terminal has no room for, said under the grid; nil when all are shown.
    func leftOut(_ r: Renderer) -> String? {
        guard shown < columns.count else { return nil }
        let n = columns.count - shown
        let said = "(\(n) column\(n == 1 ? "" : "s") left out for the terminal's width: \(columns.dropFirst(shown).joined(separator: ", ")))"
        return GridLayout.wrapped(said, max(8, r.width ?? .max), lines: .max).map { r.paint($0, dim: true) }.joined(separator: "\n")
    }

    /// The most lines a text cell wraps onto when its column was narrowed to fit the terminal;
    /// the last is cut with `…` if the text goes on.
    static let wrappedLines = 4

    /// A row's cells, each padded to its column (numbers to the right), without the blanks at
    /// the line's end. A text wider than its column (narrowed to fit the terminal) wraps at its
    /// blanks onto further lines, as Taskwarrior's descriptions do: an agenda's message cut to
    /// its first twenty characters said nothing.
    func line(_ cells: [String]) -> String {
        // Each piece with its width, measured once (a grid of a million rows measures every cell).
        let parts = cells.prefix(shown).enumerated().map { i, c -> [(text: String, width: Int)] in
            let w = Renderer.displayWidth(c)
            guard w > widths[i] else { return [(c, w)] }
            let cut = numeric[i] ? [Renderer.truncate(c, widths[i])] : GridLayout.wrapped(c, widths[i], lines: GridLayout.wrappedLines)
            return cut.map { ($0, Renderer.displayWidth($0)) }
        }
        let height = parts.map(\.count).max() ?? 1
        var out = ""
        for k in 0..<height {
            if k > 0 { out = out.trimmingTrailing() + "\n" }
            for (i, lines) in parts.enumerated() {
                if i > 0 { out += "  " }
                let (text, width) = k < lines.count ? lines[k] : ("", 0)
                let fill = String(repeating: " ", count: max(0, widths[i] - width))
                if numeric[i] { out += fill + text } else { out += text + fill }
            }
        }
        return out.trimmingTrailing()
    }

    /// Text broken into lines of at most `width` columns, at blanks where it can be (a word wider
    /// than the column is cut), onto at most `lines` lines.
    static func wrapped(_ text: String, _ width: Int, lines: Int) -> [String] {
        var out: [String] = []
        var rest = Substring(text)
        while !rest.isEmpty {
            if out.count == lines - 1 || Renderer.displayWidth(String(rest)) <= width {
                out.append(Renderer.truncate(String(rest), width))
                break
            }
            var used = 0
            var end = rest.startIndex
            var blank: Substring.Index?
            while end < rest.endIndex {
                let w = Renderer.displayWidth(String(rest[end]))
                if used + w > width { break }
                if rest[end] == " " { blank = end }
                used += w
                end = rest.index(after: end)
            }
            // At the last blank that fits (a line that ends just before a blank is full); a word
            // longer than the line is cut where the line ends.
            if end < rest.endIndex && rest[end] == " " { blank = end }
            let cut = blank.map { $0 > rest.startIndex ? $0 : end } ?? end
            // A character wider than the column is cut, as before wrapping: on a line of its
            // own it pushed the next column out.
            if cut == rest.startIndex {
                out.append(Renderer.truncate(String(rest), width))
                break
            }
            out.append(String(rest[..<cut]).trimmingTrailing())
            rest = rest[cut...].drop { $0 == " " }
        }
        return out
    }
}

extension String {
    func trimmingTrailing() -> String {
        let bytes = utf8
        var end = bytes.endIndex
        while end > bytes.startIndex, bytes[bytes.index(before: end)] == 0x20 { end = bytes.index(before: end) }
        if end == bytes.endIndex { return self }
        // After ASCII, a space is a character of its own; after anything else it may belong to
        // the character before (U+0600 and the other prepended marks take the next one in).
        if end > bytes.startIndex, bytes[bytes.index(before: end)] >= 0x80 {
            var s = self
            while s.last == " " { s.removeLast() }
            return s
        }
        return String(self[..<end])
    }
}
