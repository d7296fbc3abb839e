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
