/// The records of a CSV file (RFC 4180), each with the line it starts on, in one pass over the
/// bytes. Neither CSV library on the mirror says where a record starts or that a quote is
/// never closed (both read the rest of the file into one cell), and an import must say both.
///
///     name,notes                  record 1, line 1
///     Ana,"two                    record 2, line 2: the cell holds a line break
///     lines, and a ""quote"""
///     Ben,"5" tall                record 3, line 4: text after a closing quote is kept (5 tall)
///
/// Records end at CR, LF or CRLF outside quotes; a cell is quoted only when its first byte is
/// the quote. Every delimiter is ASCII, so cutting the UTF-8 bytes never splits a character.
struct CSVRecords {
    struct Record {
        var cells: [String]
        var line: Int
        /// Whether each cell was quoted whole (`"…"` and nothing after): read exactly as written,
        /// blanks at its ends too (`export csv` quotes a cell that has them).
        var quoted: [Bool] = []
    }

    var records: [Record] = []
    /// A quote that is never closed: the line of its record, and its own line.
    var unclosed: (recordLine: Int, quoteLine: Int)?

    init(_ bytes: [UInt8], delimiter: UInt8) {
        let quote = UInt8(ascii: "\"")
        let cr = UInt8(ascii: "\r")
        let lf = UInt8(ascii: "\n")
        var cells: [String] = []
        var quotedCells: [Bool] = []
        var cellQuoted = false
        var cell: [UInt8] = []
        var atCellStart = true
        var line = 1
        var recordLine = 1
        var i = 0
        // How the file ends its records, once one has ended: a file written with LF alone (as
        // `export csv` writes) keeps a CR inside a cell as data; one with CRLF or CR (Windows,
        // classic Mac) means a line break by it.
        var crEndsLines: Bool?
        func endCell() {
            cells.append(String(decoding: cell, as: UTF8.self))
            quotedCells.append(cellQuoted)
            cell.removeAll(keepingCapacity: true)
            atCellStart = true
            cellQuoted = false
        }
        while i < bytes.count {
            let b = bytes[i]
            if b == quote && atCellStart {
                let opened = line
                i += 1
                var closed = false
                while i < bytes.count {
                    let c = bytes[i]
                    if c == quote {
                        // A doubled quote is one quote; a single one closes the cell.
                        if i + 1 < bytes.count && bytes[i + 1] == quote {
                            cell.append(quote)
                            i += 2
                            continue
                        }
                        i += 1
                        closed = true
                        break
                    }
                    if c == lf || (c == cr && (i + 1 == bytes.count || bytes[i + 1] != lf)) { line += 1 }
                    // A line break inside a cell is kept as one `\n`, whatever wrote it (CRLF, CR),
                    // unless the file's own lines end in LF alone.
                    if c == cr && crEndsLines != false {
                        if i + 1 == bytes.count || bytes[i + 1] != lf { cell.append(lf) }
                    } else {
                        cell.append(c)
                    }
                    i += 1
                }
                guard closed else {
                    unclosed = (recordLine, opened)
                    return
                }
                atCellStart = false
                cellQuoted = true
            } else if b == delimiter {
                endCell()
                i += 1
            } else if b == cr || b == lf {
                if crEndsLines == nil { crEndsLines = b == cr }
                endCell()
                records.append(Record(cells: cells, line: recordLine, quoted: quotedCells))
                cells.removeAll()
                quotedCells.removeAll()
                i += b == cr && i + 1 < bytes.count && bytes[i + 1] == lf ? 2 : 1
                line += 1
                recordLine = line
            } else {
                cell.append(b)
                atCellStart = false
                cellQuoted = false
                i += 1
            }
        }
        if !cells.isEmpty || !cell.isEmpty || !atCellStart {
            endCell()
            records.append(Record(cells: cells, line: recordLine, quoted: quotedCells))
        }
    }

    /// The delimiter a first line `sep=X` names (Excel writes it, and reads it back), if any.
    static func namedDelimiter(_ bytes: [UInt8]) -> UInt8? {
        guard bytes.count >= 5, String(decoding: bytes.prefix(4), as: UTF8.self).lowercased() == "sep=" else { return nil }
        let x = bytes[4]
        let endsLine = bytes.count == 5 || bytes[5] == UInt8(ascii: "\n") || bytes[5] == UInt8(ascii: "\r")
        guard x >= 0x20 || x == UInt8(ascii: "\t"), x != UInt8(ascii: "\""), endsLine else { return nil }
        return x
    }

    /// The delimiter of the file: the one of `,` `;` and tab that its first line (outside
    /// quotes) holds most of, commas when none. Outlook writes `;` where the comma is the
    /// decimal separator, and Excel's "Unicode text" is tab-separated.
    static func delimiter(of bytes: [UInt8]) -> UInt8 {
        var counts: [UInt8: Int] = [:]
        var inQuotes = false
        for b in bytes.prefix(65_536) {
            if b == UInt8(ascii: "\"") { inQuotes.toggle() }
            if inQuotes { continue }
            if b == UInt8(ascii: "\n") || b == UInt8(ascii: "\r") {
                if !counts.isEmpty { break } else { continue }
            }
            if b == UInt8(ascii: ",") || b == UInt8(ascii: ";") || b == UInt8(ascii: "\t") { counts[b, default: 0] += 1 }
        }
        let comma = counts[UInt8(ascii: ","), default: 0]
        let best = counts.max { $0.value < $1.value || ($0.value == $1.value && $0.key > $1.key) }
        return best.map { $0.value > comma ? $0.key : UInt8(ascii: ",") } ?? UInt8(ascii: ",")
    }
}
