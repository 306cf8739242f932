/// The file formats `import` and `export` take: the checker, the error messages and the REPL's
/// completion read them from here.
public enum FileFormats {
    /// Formats `import FORMAT "file"` reads.
    public static let imports = contactImports + touchImports
    /// Formats `import` reads contacts from.
    public static let contactImports = ["vcard", "vdir", "csv", "linkedin", "google", "json"]
    /// Formats `import` reads touches from (meetings and e-mails), not contacts.
    public static let touchImports = ["ics", "mbox", "maildir"]
    /// Formats `export FORMAT "file"` writes.
    public static let exports = ["vcard", "vdir", "csv", "json", "ics", "dot"]
    /// The format a file's name ends in, by its extension in lowercase (`tend import c.vcf`
    /// is told the format it left out).
    public static let byExtension = ["vcf": "vcard", "vcard": "vcard", "ics": "ics", "ical": "ics", "mbox": "mbox", "csv": "csv", "json": "json", "dot": "dot", "gv": "dot"]
}
