extension StandInRequest {
    /// The header fields by lowercased name, repeated fields joined with `,`.
    var headers: [String: String] {
        var headers: [String: String] = [:]
        for field in fields {
            let name = field.name.lowercased()
            headers[name] = headers[name].map { "\($0),\(field.value)" } ?? field.value
        }
        return headers
    }
}
