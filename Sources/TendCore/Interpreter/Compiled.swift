import Foundation

extension Interpreter {
    /// An expression made into closures once, with each name's resolution, each contact field's
    /// key, each `and`/`or`'s order and each function looked up when it is made instead of on
    /// every evaluation. It gives what `eval` gives, errors included: each closure does what
    /// `eval` does for its node, and the kinds it has nothing to gain on are handed to `eval`.
    /// The closures hold the interpreter `unowned(unsafe)`: they are kept in its own
    /// `compiledBodies` and called while it runs, never after, and a checked reference (which
    /// takes and drops a strong one on every call) was a twentieth of the agenda's time.
    typealias Compiled = (Ctx) throws -> Value

    /// Evaluates a definition's body (a rule's parts, a score, a fn) through its closures, made
    /// the first time and kept while the definitions and resolutions stand (`compiledBodies`).
    func evalCompiled(_ e: Expr, _ ctx: Ctx) throws -> Value {
        try compiled(e)(ctx)
    }

    func compiled(_ e: Expr) -> Compiled {
        let key = ObjectIdentifier(e)
        if let known = compiledBodies[key] { return known.run }
        let made = compile(e)
        compiledBodies[key] = (e, made)
        return made
    }

    private func compile(_ e: Expr) -> Compiled {
        switch e.kind {
        case .literal(let v):
            return { _ in v }
        case .name(let n):
            return compileName(e, n)
        case .tag(let t, let present):
            return compileTag(e, t, present)
        case .interpolated(let parts):
            return compileInterpolated(e, parts)
        case .unary(let op, let operand):
            let inner = compile(operand)
            return { [unowned(unsafe) self] ctx in
                try checkStack(e)
                return try negated(op, inner(ctx), e, operand)
            }
        case .binary(let op, let l, let r):
            return compileBinary(e, op, l, r)
        case .member(let base, let name):
            let b = compile(base)
            let key = ContactKey.byName[name]
            return { [unowned(unsafe) self] ctx in
                try checkStack(e)
                let v = try b(ctx)
                if v.isNull { return .null }
                if case .contact(let id) = v, let key { return try contactField(id, key) }
                return try field(v, name, e.range)
            }
        case .call(let name, let args):
            return compileCall(e, name, args)
        case .ifThen(let c, let y, let n):
            let cond = compile(c)
            let yes = compile(y)
            let no = n.map(compile)
            return { [unowned(unsafe) self] ctx in
                try checkStack(e)
                if try cond(ctx).isTrue { return try yes(ctx) }
                return try no?(ctx) ?? .null
            }
        case .handle, .me, .it, .list, .record, .query:
            return { [unowned(unsafe) self] ctx in try eval(e, ctx) }
        }
    }

    private func compileName(_ e: Expr, _ n: String) -> Compiled {
        let resolution = resolution(of: e)
        guard case .field(let name) = resolution else {
            return { [unowned(unsafe) self] ctx in try evalName(e, n, as: resolution, ctx) }
        }
        let key = ContactKey.byName[name]
        return { [unowned(unsafe) self] ctx in
            if let keys = ctx.groupKeys {
                if let v = keys[name] { return v }
                if name == "count" { return .int(groupSize(ctx)) }
            }
            guard let row = ctx.row else { throw fail("'\(name)' is a field, and no row is in view", e.range) }
            if case .contact(let id) = row, let key { return try contactField(id, key) }
            return try field(row, name, e.range)
        }
    }

    /// `+vip`: a contact's tags are read where they are, not made into a list first.
    private func compileTag(_ e: Expr, _ t: String, _ present: Bool) -> Compiled {
        { [unowned(unsafe) self] ctx in
            guard let row = ctx.row else { throw fail("+\(t) needs a contact in view", e.range) }
            let has: Bool
            if case .contact(let id) = row {
                let v = try view()
                guard let i = v.position(of: id) else { return .bool(!present) }
                has = v.contacts.withUnsafeBufferPointer { $0[i].tags.contains { sameText($0, t) } }
            } else {
                has = try field(row, "tags", e.range).listValue?.contains { $0.stringValue.map { sameText($0, t) } ?? false } ?? false
            }
            return .bool(present ? has : !has)
        }
    }

    private func compileInterpolated(_ e: Expr, _ parts: [Expr.Interpolation]) -> Compiled {
        enum Part {
            case text(String)
            case expr(Compiled, SourceRange)
        }
        let compiledParts: [Part] = parts.map {
            switch $0 {
            case .text(let t): return .text(t)
            case .expr(let inner): return .expr(compile(inner), inner.range)
            }
        }
        return { [unowned(unsafe) self] ctx in
            try checkStack(e)
            var s = ""
            for p in compiledParts {
                switch p {
                case .text(let t): s += t
                case .expr(let inner, let range): s += try display(inner(ctx), range)
                }
                try checkLength(s.utf8.count, e.range)
            }
            return try made(s, e.range)
        }
    }

    private func compileBinary(_ e: Expr, _ op: BinaryOperator, _ l: Expr, _ r: Expr) -> Compiled {
        // What `evalBinary` and `evalSides` decide on every evaluation, decided here once.
        let swapped = (op == .and || op == .or) && isCostly(l) && !isCostly(r)
        let first = compile(swapped ? r : l)
        let second = compile(swapped ? l : r)
        let guarded: (@escaping Compiled) -> Compiled = { body in
            { [unowned(unsafe) self] ctx in
                try checkStack(e)
                return try body(ctx)
            }
        }
        switch op {
        case .and:
            return guarded { ctx in
                let a = try first(ctx)
                if case .bool(false) = a { return .bool(false) }
                let b = try second(ctx)
                if case .bool(false) = b { return .bool(false) }
                if a.isNull || b.isNull { return .null }
                return .bool(a.isTrue && b.isTrue)
            }
        case .or:
            return guarded { ctx in
                let a = try first(ctx)
                if a.isTrue { return .bool(true) }
                let b = try second(ctx)
                if b.isTrue { return .bool(true) }
                if a.isNull || b.isNull { return .null }
                return .bool(false)
            }
        case .coalesce:
            return guarded { ctx in
                let a = try first(ctx)
                return a.isNull ? try second(ctx) : a
            }
        case .equal, .notEqual:
            // `by == me`: the member's name, as `evalSides` reads it.
            if memberSide(l, r) != nil { return { [unowned(unsafe) self] ctx in try eval(e, ctx) } }
        case .isIn, .notIn:
            guard let owner = tagsOwner(r) else { break }
            // `"weekly" in c.tags`: the contact's tags are read where they are, not made a list.
            return guarded { [unowned(unsafe) self] ctx in
                let a = try first(ctx)
                if case .string = a, let id = try owner(ctx), let found = try contact(id, hasTag: a) {
                    return .bool(op == .isIn ? found : !found)
                }
                return try binary(op, a, second(ctx), e)
            }
        default:
            break
        }
        return guarded { [unowned(unsafe) self] ctx in try binary(op, first(ctx), second(ctx), e) }
    }

    /// The contact whose `tags` an expression reads (`c.tags`, or `tags` of a contact row), or
    /// nil when it reads something else; what `contactHasTag` works out, made once.
    private func tagsOwner(_ e: Expr) -> ((Ctx) throws -> Int64?)? {
        switch e.kind {
        case .member(let base, let name) where ContactKey.byName[name] == .tags:
            let b = compile(base)
            return { ctx in
                if case .contact(let c) = try b(ctx) { return c }
                return nil
            }
        case .name(let name) where ContactKey.byName[name] == .tags:
            guard case .field = resolution(of: e) else { return nil }
            return { ctx in
                guard ctx.groupKeys == nil, case .contact(let c)? = ctx.row else { return nil }
                return c
            }
        default:
            return nil
        }
    }


    private func compileCall(_ e: Expr, _ name: String, _ args: [Expr]) -> Compiled {
        if let b = Builtin.byName[name] {
            guard let run = b.run, name != "round" else {
                // Aggregates read their arguments row by row; `round` has its fused quotient.
                return { [unowned(unsafe) self] ctx in
                    try checkStack(e)
                    return try call(e, name, args, ctx)
                }
            }
            let values: [Compiled] = args.map { a in
                // `start_of(week)`: the period's name, which the checker resolved.
                if case .period = b.typing, a === args.first, case .constant(let p) = resolution(of: a) { return { _ in .string(p) } }
                return compile(a)
            }
            return { [unowned(unsafe) self] ctx in
                try checkStack(e)
                return try run(self, Builtin.Call(args: values.map { try $0(ctx) }, expr: e))
            }
        }
        guard let f = definitions.fns[name], args.count == f.params.count else {
            return { [unowned(unsafe) self] ctx in try eval(e, ctx) }
        }
        let values = args.map(compile)
        return { [unowned(unsafe) self] ctx in
            try checkStack(e)
            var locals: [String: Value] = [:]
            for (p, a) in zip(f.params, values) { locals[p] = try a(ctx) }
            // The body is made when first called: a fn may call itself.
            return try enter(f, e, locals) { try evalCompiled(f.body, $0) }
        }
    }
}
