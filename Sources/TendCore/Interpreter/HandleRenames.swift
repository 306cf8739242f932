import Foundation

/// A contact's handle written in definitions and goal metrics: it follows the contact when the
/// handle changes (`set @x handle: …`) or the contact is merged into another, and a contact they
/// name cannot be removed. Otherwise a rename would leave a rule naming no one, the agenda would
/// stop at it, and a dump would no longer run.
extension Interpreter {
    /// Writes `new` for `@old` in every definition and goal metric that names it.
    func renameHandle(_ old: String, to new: String) throws {
        guard old != new else { return }
        handlesGone.insert(old)
        var ordered = definitions.ordered
        var changed = false
        for i in ordered.indices {
            guard let text = HandleText.replacing(old, with: new, in: ordered[i].source) else { continue }
            ordered[i].source = text
            changed = true
            if !readOnly { try apply(.setDefinition(ordered[i])) }
        }
        if changed {
            definitions = Definitions(parsing: ordered)
            invalidate()
        }
        for var goal in try view().net.goals {
            guard let metric = goal.metric, let text = HandleText.replacing(old, with: new, in: metric) else { continue }
            goal.metric = text
            try apply(.setGoal(goal))
        }
    }

    /// A definition or goal that names a contact is made only while the contact is there: one
    /// renamed or removed earlier in the run (after the script was checked) would leave it
    /// naming no one.
    func requireNamedContacts(_ s: Statement) throws {
        guard !handlesGone.isEmpty else { return }
        // A contact the script adds later is checked when the script is (HandleUses).
        for use in HandleUses([s]).uses where handlesGone.contains(use.handle) { _ = try contactID(use.handle, use.range) }
    }

    /// The definitions and goals that name `@handle`, in words (`rule "ana"`, `goal "Lunches"`).
    func namers(of handle: String) throws -> [String] {
        var names = definitions.ordered.filter { HandleText.names(handle, in: $0.source) }.map { Interpreter.spell(Definitions.key($0.kind, $0.name)) }
        for goal in try view().net.goals where goal.metric.map({ HandleText.names(handle, in: $0) }) == true {
            names.append("goal \(ScriptWriter.quote(goal.name))")
        }
        return names
    }
}

/// Finds and rewrites handles in source text, through the lexer (a handle inside a string's
/// interpolation counts; one in a comment or in plain text does not).
enum HandleText {
    /// The ranges of `@handle` in `text`.
    static func ranges(of handle: String, in text: String) -> [SourceRange] {
        guard text.contains("@" + handle) else { return [] }
        let source = Source(name: "<definition>", text: text)
        var found: [SourceRange] = []
        func scan(_ range: SourceRange?) {
            var lexer = Lexer(source, range: range)
            for token in lexer.tokenize() {
                switch token.kind {
                case .handle(let h) where h == handle: found.append(token.range)
                case .string(let pieces):
                    for case .code(let inner) in pieces { scan(inner) }
                default: break
                }
            }
        }
        scan(nil)
        return found
    }

    static func names(_ handle: String, in text: String) -> Bool { !ranges(of: handle, in: text).isEmpty }

    /// `text` with `@new` for each `@old`; nil when it names no `@old`.
    static func replacing(_ old: String, with new: String, in text: String) -> String? {
        let found = ranges(of: old, in: text)
        guard !found.isEmpty else { return nil }
        var bytes = Array(text.utf8)
        for r in found.sorted(by: { $0.start > $1.start }) {
            bytes.replaceSubrange(r.start..<r.end, with: Array(("@" + new).utf8))
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
