import PostgresNIO

/// A value to bind to a named parameter: any PostgresNIO-encodable value, or nil for NULL.
typealias PostgresValue = (any PostgresEncodable & Sendable)?

/// SQL written with `:name` parameters (as the SQLite store binds them, so both stores run the same text, `StoreSQL`),
/// each replaced by a positional `$n`, and the names in their positions. A `::` cast and text inside single quotes are
/// left alone.
struct PositionalSQL: Sendable {
    /// The text with `$n` parameters.
    let text: String
    /// The name bound at each position.
    let names: [String]

    init(_ sql: String) {
        var text = ""
        var names: [String] = []
        var positions: [String: Int] = [:]
        let characters = Array(sql)
        var index = 0
        var quoted = false
        while index < characters.count {
            let character = characters[index]
            if character == "'" { quoted.toggle() }
            let startsName =
                !quoted && character == ":" && index + 1 < characters.count
                && (characters[index + 1].isLetter || characters[index + 1] == "_")
                && (index == 0 || characters[index - 1] != ":")
            guard startsName else {
                text.append(character)
                index += 1
                continue
            }
            var end = index + 1
            while end < characters.count, characters[end].isLetter || characters[end].isNumber || characters[end] == "_" { end += 1 }
            let name = String(characters[(index + 1)..<end])
            if positions[name] == nil {
                names.append(name)
                positions[name] = names.count
            }
            text += "$\(positions[name] ?? 0)"
            index = end
        }
        self.text = text
        self.names = names
    }

    /// `values` in the parameters' positions; a name missing from `values` binds NULL.
    func bindings(_ values: [String: PostgresValue]) throws -> PostgresBindings {
        var bindings = PostgresBindings(capacity: names.count)
        for name in names {
            if let value = values[name] ?? nil { try bindings.append(value) } else { bindings.appendNull() }
        }
        return bindings
    }
}

extension PostgresQuery {
    /// A query from SQL written with `:name` parameters (`PositionalSQL`).
    static func named(_ sql: String, _ values: [String: PostgresValue] = [:]) throws -> PostgresQuery {
        let positional = PositionalSQL(sql)
        return PostgresQuery(unsafeSQL: positional.text, binds: try positional.bindings(values))
    }
}
