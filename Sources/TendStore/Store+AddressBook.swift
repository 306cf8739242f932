import TendCore

/// A contact's e-mails, phones and addresses, each kept as one JSON array of text in its
/// column (`emails`, `phones`, `addresses`), flat so that `JSONList` reads it as it reads every
/// other list: a kind then a value for each e-mail or phone, a kind then the five parts for
/// each address, "" for what is missing. The preferred one is first. The `email`, `phone` and
/// `city` columns hold the preferred values again, for the conditions SQLite checks itself.
///
///     emails     ["work","ana@work.example","","ana@home.example"]
///     addresses  ["home","12 Main St","Irvine","CA","92630","USA"]
package enum ContactLists {
    /// Fills the lists from the single-value columns (a database before v3, the sample network).
    static let fromSingleValues = """
        UPDATE contacts SET emails = json_array('', email) WHERE email IS NOT NULL AND email != '' AND emails = '[]';
        UPDATE contacts SET phones = json_array('', phone) WHERE phone IS NOT NULL AND phone != '' AND phones = '[]';
        UPDATE contacts SET addresses = json_array('', '', city, '', '', '') WHERE city IS NOT NULL AND city != '' AND addresses = '[]';
        """

    package static func encode(_ points: [ContactPoint]) -> String {
        JSONList.encode(points.flatMap { [$0.type ?? "", $0.value] })
    }

    package static func encode(_ addresses: [PostalAddress]) -> String {
        JSONList.encode(addresses.flatMap { a in [a.type ?? ""] + PostalAddress.parts.map { a[part: $0] ?? "" } })
    }

    /// The points, or a worded problem when the items are not what `encode` writes.
    package static func points(_ items: [String]) -> Result<[ContactPoint], Problem> {
        guard items.count % 2 == 0 else { return .failure(Problem("has an odd number of items")) }
        var out: [ContactPoint] = []
        out.reserveCapacity(items.count / 2)
        for i in stride(from: 0, to: items.count, by: 2) {
            guard let type = kind(items[i]) else { return .failure(Problem("has the kind \(items[i].debugDescription)")) }
            guard !items[i + 1].isEmpty else { return .failure(Problem("has an empty value")) }
            out.append(ContactPoint(items[i + 1], type: type))
        }
        return .success(out)
    }

    package static func addresses(_ items: [String]) -> Result<[PostalAddress], Problem> {
        let width = 1 + PostalAddress.parts.count
        guard items.count % width == 0 else { return .failure(Problem("does not hold whole addresses")) }
        var out: [PostalAddress] = []
        for i in stride(from: 0, to: items.count, by: width) {
            guard let type = kind(items[i]) else { return .failure(Problem("has the kind \(items[i].debugDescription)")) }
            var a = PostalAddress(type: type)
            for (k, part) in PostalAddress.parts.enumerated() { a[part: part] = items[i + 1 + k] }
            guard !a.isEmpty else { return .failure(Problem("has an empty address")) }
            out.append(a)
        }
        return .success(out)
    }

    /// nil for a kind Tend does not write; `.some(nil)` for none.
    static func kind(_ s: String) -> String?? {
        if s.isEmpty { return .some(nil) }
        return ContactPoint.types.contains(s) ? .some(s) : nil
    }

    /// Named dates, flat: a label then the date for each.
    ///
    ///     dates  ["kids' birthday","2019-05-02","name day","--07-26"]
    static func encode(_ dates: [NamedDate]) -> String {
        JSONList.encode(dates.flatMap { [$0.label, $0.date.description] })
    }

    package static func namedDates(_ items: [String]) -> Result<[NamedDate], Problem> {
        guard items.count % 2 == 0 else { return .failure(Problem("has an odd number of items")) }
        var out: [NamedDate] = []
        for i in stride(from: 0, to: items.count, by: 2) {
            guard !items[i].isEmpty else { return .failure(Problem("has a date without a label")) }
            guard let d = Day(iso: items[i + 1]) else { return .failure(Problem("has \(items[i + 1].debugDescription), not a date")) }
            out.append(NamedDate(items[i], d))
        }
        return .success(out)
    }

    package struct Problem: Error {
        package let text: String
        init(_ text: String) { self.text = text }
    }
}

extension StoredRow {
    package func points(_ i: Int32) throws -> [ContactPoint] {
        switch ContactLists.points(try list(i)) {
        case .success(let p): return p
        case .failure(let p): throw damaged(i, p.text)
        }
    }

    package func namedDates(_ i: Int32) throws -> [NamedDate] {
        switch ContactLists.namedDates(try list(i)) {
        case .success(let d): return d
        case .failure(let p): throw damaged(i, p.text)
        }
    }

    package func addresses(_ i: Int32) throws -> [PostalAddress] {
        switch ContactLists.addresses(try list(i)) {
        case .success(let a): return a
        case .failure(let p): throw damaged(i, p.text)
        }
    }
}
