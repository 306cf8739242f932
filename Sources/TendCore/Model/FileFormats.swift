/// The file formats `import` and `export` take: the checker, the error messages and the REPL's
/// completion read them from here.
public enum FileFormats {
    /// Formats `import FORMAT "file"` reads.
    public static let imports = ["vcard", "vdir", "csv", "linkedin", "google", "json"]
    /// Formats `export FORMAT "file"` writes.
    public static let exports = ["vcard", "vdir", "csv", "json", "ics", "dot"]
}
