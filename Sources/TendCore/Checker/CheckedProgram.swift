/// What checking hands to running: the statements the checker accepted, their names resolved,
/// and which of them change data or definitions. A host checks a program once and runs what
/// the check returned; nothing checks it again to learn what it does.
public struct CheckedProgram: Sendable {
    public let statements: [Statement]
    /// The statements that change the database or the definitions, in order.
    public let mutations: [Statement]
    /// What each name in the statements (and in the definitions they were checked against)
    /// turned out to be.
    public let resolutions: Resolutions

    public init(statements: [Statement], mutations: [Statement], resolutions: Resolutions = Resolutions()) {
        self.statements = statements
        self.mutations = mutations
        self.resolutions = resolutions
    }
}
