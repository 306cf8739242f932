/// The parts of a file's path, split on `/` as `dirname` and `basename` split it. Foundation's
/// `NSString` forms (`deletingLastPathComponent`, `lastPathComponent`) crashed the program on a
/// name of one character (`tend --db x`, `save "y"`, `tend run s`).
public enum PathName {
    /// The folder: "" for a bare name, "/" for a name at the root; slashes at the end of the
    /// path, and between the folder and the name, are not part of it.
    public static func folder(_ path: String) -> String {
        let trimmed = withoutTrailingSlashes(path)
        guard let slash = trimmed.lastIndex(of: "/") else { return path.hasPrefix("/") ? "/" : "" }
        let folder = withoutTrailingSlashes(String(trimmed[..<slash]))
        return folder.isEmpty ? "/" : folder
    }

    /// The last name: "b" for "a/b" and "a/b/"; "/" for the root; "" for "".
    public static func last(_ path: String) -> String {
        let trimmed = withoutTrailingSlashes(path)
        if trimmed.isEmpty { return path.isEmpty ? "" : "/" }
        guard let slash = trimmed.lastIndex(of: "/") else { return trimmed }
        return String(trimmed[trimmed.index(after: slash)...])
    }

    /// `name` inside `folder`.
    public static func joined(_ folder: String, _ name: String) -> String {
        if folder.isEmpty { return name }
        return folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    /// The name without its extension: "tend" for "tend.db"; a name that starts with its only
    /// dot keeps it (".tendrc").
    public static func withoutExtension(_ name: String) -> String {
        guard let dot = name.lastIndex(of: "."), dot != name.startIndex else { return name }
        return String(name[..<dot])
    }

    static func withoutTrailingSlashes(_ path: String) -> String {
        var s = Substring(path)
        while s.count > 1, s.hasSuffix("/") { s = s.dropLast() }
        return s == "/" ? "" : String(s)
    }
}
