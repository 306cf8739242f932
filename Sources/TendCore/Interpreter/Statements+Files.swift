import Foundation

extension Interpreter {
    /// `load "FILE"`. The session inlines loaded files before checking; a load left in the
    /// program reads a file this run saved earlier.
    func performLoad(_ pathExpr: Expr, _ s: Statement, _ ctx: Ctx) throws -> [Output] {
        guard let host, case .string(let path) = try eval(pathExpr, ctx) else { return [] }
        return try host.loadSaved(path, from: s.source, into: self)
    }

    /// `save "FILE" [overwrite]`: the definitions and goals as a script.
    func performSave(_ pathExpr: Expr, overwrite: Bool, _ s: Statement, _ ctx: Ctx) throws -> [Output] {
        guard case .string(let path) = try eval(pathExpr, ctx) else { throw fail("save takes a file name", pathExpr.range) }
        guard let host else { throw fail("save is not available here", s.range) }
        let net = try view().net
        let text = ScriptWriter.definitions(of: net, definitions: definitions)
        do {
            try host.write(text, to: path, overwrite: overwrite, from: s.source)
        } catch let stop as StopsTheStatement {
            throw stop
        } catch {
            throw fail("\(error)", pathExpr.range)
        }
        // To standard output the script is all that is written: it loads as saved.
        // Each kind it wrote, counted.
        let counts = [(definitions.all.count, "definition"), (net.markets.count, "market"), (net.goals.count, "goal")]
        let said = counts.enumerated().filter { $0.offset == 0 || $0.element.0 > 0 }.map { "\($0.element.0) \($0.element.1)\($0.element.0 == 1 ? "" : "s")" }
        let list = said.count > 1 ? said.dropLast().joined(separator: ", ") + " and " + said.last! : said[0]
        return path == "-" ? [] : [.text("Saved \(list) to \(path).")]
    }

    /// `import FORMAT "FILE" options…`: the host reads the file; its options go as values.
    func performImport(_ format: String, _ pathExpr: Expr, _ options: [Option], _ s: Statement, _ ctx: Ctx) throws -> Output {
        guard case .string(let path) = try eval(pathExpr, ctx) else { throw fail("import takes a file name", pathExpr.range) }
        guard let host else { throw fail("import is not available here", s.range) }
        var opts: [String: Value] = [:]
        for o in options {
            switch o {
            case .pair(let n, let e, _): opts[n] = try eval(e, ctx)
            case .flag(let n, _): opts[n] = .bool(true)
            case .tag(let t, let adds, _): opts["+" + t] = .bool(adds)
            }
        }
        let report = try host.importFile(format: format, path: path, options: opts, from: s.source, into: self)
        invalidate()
        return .text(report)
    }

    /// `export FORMAT "FILE" [QUERY] [overwrite]`: the query's rows, or without one every
    /// contact (the agenda for `ics`).
    func performExport(_ format: String, _ pathExpr: Expr, query: Expr?, overwrite: Bool, _ s: Statement, _ ctx: Ctx) throws -> [Output] {
        guard case .string(let path) = try eval(pathExpr, ctx) else { throw fail("export takes a file name", pathExpr.range) }
        guard let host else { throw fail("export is not available here", s.range) }
        let set: RowSet
        if let query {
            guard case .rows(let r) = try eval(query, ctx) else { throw fail("export takes a query", query.range) }
            set = r
        } else if format == "ics" {
            set = try agendaRows(on: nil, s.range)
        } else {
            set = RowSet(collection: Schema.contacts, rows: try rows(of: Schema.contacts))
        }
        var ids: [Int64] = set.rows.compactMap {
            if case .contact(let id) = $0 { return id }
            if case .row(let r) = $0, case .contact(let id)? = r["contact"] { return id }
            return nil
        }
        // Rows that hold no contact (a named query with `show`) would write an empty file.
        if let query, ids.isEmpty, !set.rows.isEmpty, format != "ics" {
            throw fail("export writes whole contacts, and the rows of this query hold none (`show` makes records): leave out `show`", query.range)
        }
        // The whole agenda also takes every contact's next step due later (ics writes them).
        if format == "ics" && query == nil { ids = try view().contacts.map(\.id) }
        // Each contact once, where the rows were first with them (a contact in three rows of `spending`).
        var seen = Set<Int64>()
        ids = ids.filter { seen.insert($0).inserted }
        let done = try host.exportFile(
            format: format, path: path, overwrite: overwrite, table: try table(set), contacts: ids, from: s.source, interpreter: self)
        return done.map { [.text($0)] } ?? []
    }
}
