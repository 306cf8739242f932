/// The default definitions every new database starts with (`Prelude/prelude.tend`, embedded).
public enum Prelude {
    public static let text = String(decoding: PackageResources.prelude_tend, as: UTF8.self)
    public static let source = Source(name: "prelude.tend", text: text)

    /// The prelude's statements and definitions, parsed and checked once, on their own (the
    /// prelude reads nothing but itself).
    private static let checked: (statements: [Statement], definitions: Definitions) = {
        let statements = Parser.parse(source).statements
        var checker = Checker(definitions: Definitions())
        checker.check(statements)
        return (statements, checker.definitions)
    }()

    /// The prelude's statements, parsed and checked.
    public static var statements: [Statement] { checked.statements }

    /// The prelude's definitions on their own, checked.
    public static var definitions: Definitions { checked.definitions }
}
