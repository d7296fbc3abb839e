import PostgresNIO

/// A value to bind to a named parameter: any PostgresNIO-encodable value, or nil for NULL.
typealias PostgresValue = (any PostgresEncodable & Sendable)?

extension PostgresQuery {
    /// A query from SQL written with `:name` parameters (as the SQLite store binds them, so both stores run the same
    /// text, `StoreSQL`), each replaced by a positional `$n` bound to `values[name]`. A `::` cast and text inside single
    /// quotes are left alone. A name missing from `values` binds NULL.
    static func named(_ sql: String, _ values: [String: PostgresValue] = [:]) throws -> PostgresQuery {
        var text = ""
        var bindings = PostgresBindings()
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
                positions[name] = positions.count + 1
                if let value = values[name] ?? nil { try bindings.append(value) } else { bindings.appendNull() }
            }
            text += "$\(positions[name] ?? 0)"
            index = end
        }
        return PostgresQuery(unsafeSQL: text, binds: bindings)
    }
}
