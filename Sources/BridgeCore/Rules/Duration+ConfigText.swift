extension Duration {
    /// Parses a rules-file duration: one or more `<integer><unit>` with unit `ms`, `s`, `m` or `h`
    /// (`250ms`, `30s`, `5m`, `1h30m`). Nil for anything else, including a bare number or a zero duration.
    public init?(configText text: String) {
        var total = Duration.zero
        var rest = Substring(text)
        guard !rest.isEmpty else { return nil }
        while !rest.isEmpty {
            let digits = rest.prefix { $0.isASCII && $0.isNumber }
            guard !digits.isEmpty, digits.count <= 9, let amount = Int64(digits) else { return nil }
            rest = rest.dropFirst(digits.count)
            let unit = rest.prefix { $0.isASCII && $0.isLetter }
            rest = rest.dropFirst(unit.count)
            switch unit {
            case "ms": total += .milliseconds(amount)
            case "s": total += .seconds(amount)
            case "m": total += .seconds(amount * 60)
            case "h": total += .seconds(amount * 3600)
            default: return nil
            }
        }
        guard total > .zero else { return nil }
        self = total
    }
}

extension Duration {
    /// The duration as a rules file writes it: `3h`, `1h30m`, `45s`, `250ms` (`Duration(configText:)` reads it back).
    public var configText: String {
        let (seconds, attoseconds) = components
        let milliseconds = seconds * 1000 + attoseconds / 1_000_000_000_000_000
        guard milliseconds % 1000 == 0 else { return "\(milliseconds)ms" }
        let total = milliseconds / 1000
        let parts = [(total / 3600, "h"), (total % 3600 / 60, "m"), (total % 60, "s")].filter { $0.0 > 0 }
        return parts.isEmpty ? "0s" : parts.map { "\($0.0)\($0.1)" }.joined()
    }
}
