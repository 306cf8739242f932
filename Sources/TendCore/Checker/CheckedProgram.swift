/// What checking hands to running: the statements the checker accepted, their names resolved,
/// and which of them change data or definitions. A host checks a program once and runs what
/// the check returned; nothing checks it again to learn what it does.
public struct CheckedProgram: Sendable {
    public let statements: [Statement]
    /// The statements that change the database or the definitions, in order.
    public let mutations: [Statement]

    public init(statements: [Statement], mutations: [Statement]) {
        self.statements = statements
        self.mutations = mutations
    }
}
