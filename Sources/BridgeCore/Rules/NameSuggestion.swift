/// "Did you mean …?" for misspelt keys, names and variables.
enum NameSuggestion {
    /// The candidate closest to `name` by edit distance, when it is close enough to be a likely typo; failing that,
    /// the only candidate `name` abbreviates (`repos` → `repositories`).
    static func closest(to name: String, in candidates: [String]) -> String? {
        let limit = max(1, name.count / 3)
        var best: (name: String, distance: Int)?
        for candidate in candidates {
            let distance = editDistance(Array(name.lowercased()), Array(candidate.lowercased()))
            if distance <= limit, distance < (best?.distance ?? Int.max) {
                best = (candidate, distance)
            }
        }
        if let best { return best.name }
        let expansions = candidates.filter { name.count >= 3 && $0.lowercased().hasPrefix(name.lowercased()) }
        return expansions.count == 1 ? expansions.first : nil
    }

    /// " (did you mean x?)" or "".
    static func hint(for name: String, in candidates: [String]) -> String {
        closest(to: name, in: candidates).map { " (did you mean \($0)?)" } ?? ""
    }

    /// Edit distance where swapping two adjacent characters counts as one edit (optimal string alignment), since
    /// transpositions (`shpo`, `secrte`) are the commonest typos.
    static func editDistance(_ a: [Character], _ b: [Character]) -> Int {
        if a.isEmpty { return b.count }
        if b.isEmpty { return a.count }
        var beforePrevious = [Int](repeating: 0, count: b.count + 1)
        var previous = Array(0...b.count)
        var current = [Int](repeating: 0, count: b.count + 1)
        for i in 1...a.count {
            current[0] = i
            for j in 1...b.count {
                let substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)
                current[j] = min(previous[j] + 1, current[j - 1] + 1, substitution)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] {
                    current[j] = min(current[j], beforePrevious[j - 2] + 1)
                }
            }
            (beforePrevious, previous, current) = (previous, current, beforePrevious)
        }
        return previous[b.count]
    }
}
