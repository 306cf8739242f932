import TendCore

extension Renderer {
    /// Draws a streamed table (`Table.stream`) as `render` draws the same table held whole, byte
    /// for byte, followed by a line break, without holding its rows. A grid reads them three
    /// times: for every contact named and each column's unit of durations, for each column's
    /// width, then to write. JSON and CSV read them twice (units of durations, and a run-time
    /// error found before anything is written), or once when the stream is `plain`. The text
    /// goes through `write` a block at a time; what a read throws (Ctrl-C, a closed output)
    /// stops the drawing there.
    public func render(streamed t: Table, write: @escaping (String) throws -> Void) throws {
        guard let stream = t.stream else { return try write((render(t) ?? "") + "\n") }
        var units = DurationUnits(columns: t.columns.count)
        var whole = t
        whole.stream = nil
        var people = t.people
        var count = 0
        if format == .table || !stream.plain {
            try stream.read { batch in
                units.note(batch.rows)
                count += batch.rows.count
                if format == .table { people.merge(batch.people) { first, _ in first } }
            }
        }
        let inDays = units.inDays
        var out = Blocks(write: write)
        switch format {
        case .json:
            try out.add("[")
            var first = true
            try stream.read { batch in
                for row in batch.rows {
                    try out.add((first ? "" : ",") + jsonRow(row, batch, inDays))
                    first = false
                }
            }
            try out.add("]\n")
        case .csv, .tsv:
            var bytes: [UInt8] = []
            appendLine(t.columns.map(field), to: &bytes)
            try stream.read { batch in
                for row in batch.rows {
                    bytes.append(10)
                    appendLine(csvCells(row, batch, inDays), to: &bytes)
                }
                try out.add(String(decoding: bytes, as: UTF8.self))
                bytes.removeAll(keepingCapacity: true)
            }
            try out.add(String(decoding: bytes, as: UTF8.self) + "\n")
        case .table:
            guard count > 0 else { return try write(paint("(no rows)", dim: true) + "\n") }
            // Names two contacts of the whole table share are shown with their handles.
            whole.people = people
            var layout = GridLayout(t.columns)
            try stream.read { batch in
                var shell = whole
                shell.rows = batch.rows
                layout.measure(batch.rows, batch.rows.map { gridCells($0, shell, inDays) })
            }
            layout.fit(width)
            try out.add(layout.header(self).joined(separator: "\n") + "\n")
            try stream.read { batch in
                var shell = whole
                shell.rows = batch.rows
                for row in batch.rows { try out.add(layout.line(gridCells(row, shell, inDays)) + "\n") }
            }
            if let note = layout.leftOut(self) { try out.add(note + "\n") }
            try out.add(rowCount(count) + "\n")
        }
        try out.finish()
    }
}

/// Text gathered into blocks of about 64 KB, each handed to `write` whole.
private struct Blocks {
    let write: (String) throws -> Void
    var gathered = ""
    mutating func add(_ text: String) throws {
        gathered += text
        if gathered.utf8.count >= 1 << 16 {
            try write(gathered)
            gathered = ""
        }
    }

    mutating func finish() throws {
        if !gathered.isEmpty { try write(gathered) }
        gathered = ""
    }
}
