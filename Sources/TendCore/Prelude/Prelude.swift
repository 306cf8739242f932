/// The default definitions every new database starts with (`Prelude/prelude.tend`, embedded).
public enum Prelude {
    public static let text = String(decoding: PackageResources.prelude_tend, as: UTF8.self)
    public static let source = Source(name: "prelude.tend", text: text)

    /// The prelude's statements, parsed.
    public static let statements: [Statement] = Parser.parse(source).statements

    /// The prelude's definitions on their own.
    public static let definitions: Definitions = {
        var d = Definitions()
        for s in statements { d.define(s) }
        return d
    }()
}
