import Testing

@testable import BridgeCore

/// `UniquePaths`, the changed paths' dedupe: each path once, first seen first, whatever the table's size.
@Suite struct UniquePathsTests {
    /// What it must equal: a `Set` beside the list, as `RefUpdate.changedPaths` was written before.
    static func reference(_ paths: [String]) -> [String] {
        var seen = Set<String>()
        return paths.filter { seen.insert($0).inserted }
    }

    @Test(arguments: [0, 7, 1000]) func keepsEachPathOnceInTheOrderFirstSeen(capacity: Int) {
        // Paths sharing long prefixes, each listed several times, in a scattered order; unicode that compares equal
        // only when canonically equivalent ("é" precomposed and decomposed are one path to Swift, as in a `Set`).
        var generator = SystemRandomNumberGenerator()
        let distinct = (0..<3000).map { "services/api/handlers/deep/module-\($0 % 97)/handler-\($0).swift" } + ["caf\u{E9}.md", "cafe\u{301}.md"]
        let listed = (0..<9000).map { _ in distinct.randomElement(using: &generator)! }
        var unique = UniquePaths(capacity: capacity)
        for path in listed { unique.insert(path) }
        #expect(unique.paths == Self.reference(listed))
    }

    @Test func aTableSizedForFewerPathsGrowsAndKeepsTheOrder() {
        var unique = UniquePaths(capacity: 1)
        unique.insert(contentsOf: ["b", "a", "b"])
        unique.insert(contentsOf: nil)
        unique.insert(contentsOf: (0..<100).map { "p\($0)" } + ["a"])
        #expect(unique.paths == ["b", "a"] + (0..<100).map { "p\($0)" })
    }
}
