import Foundation
import Testing

@testable import BridgeCore

/// `ChangedPaths`: each path once, first seen first, whatever the table's size; the same bytes are the same path.
@Suite struct ChangedPathsTests {
    /// What it must equal: the list with repeats dropped by a `Set` of each path's bytes.
    static func reference(_ paths: [String]) -> [String] {
        var seen = Set<[UInt8]>()
        return paths.filter { seen.insert(Array($0.utf8)).inserted }
    }

    @Test func keepsEachPathOnceInTheOrderFirstSeen() {
        // Paths sharing long prefixes, each listed several times, in a scattered order (3,000 distinct: the table grows
        // from 64 slots several times); "é" precomposed and decomposed are two byte strings, so two files to git.
        var generator = SystemRandomNumberGenerator()
        let distinct = (0..<3000).map { "services/api/handlers/deep/module-\($0 % 97)/handler-\($0).swift" } + ["caf\u{E9}.md", "cafe\u{301}.md", ""]
        let listed = (0..<9000).map { _ in distinct.randomElement(using: &generator)! }
        let paths = ChangedPaths(listed)
        #expect(Array(paths) == Self.reference(listed))
        #expect(paths.contains("caf\u{E9}.md") && paths.contains("cafe\u{301}.md"))
        #expect(Set(paths.map { Array($0.utf8) }).count == paths.count)
    }

    @Test func equalWhenTheSamePathsAreInTheSameOrder() {
        let paths: ChangedPaths = ["b", "a", "b"]
        #expect(paths.count == 2)
        #expect(paths == ["b", "a"])
        #expect(paths != ["a", "b"])
        #expect(paths.hashValue == ChangedPaths(["b", "a"]).hashValue)
        #expect(ChangedPaths().isEmpty && ChangedPaths() == [])
    }

    /// A path filter tries each path's bytes first; what it answers is what `PatternList.matches` answers.
    @Test func theFirstPathAFilterPasses() throws {
        let document = try PushDocument(Array(#"{"commits": [{"added": ["README.md", "api\/x.go", "docs/a", "caf\u00e9/menu"]}]}"#.utf8))
        let cases: [([String], String?)] = [
            (["api/**"], "api/x.go"), (["**/*.go"], "api/x.go"), (["!README.md"], "api/x.go"), (["!api/**"], "README.md"),
            (["docs/**", "!docs/a"], nil), (["café/*"], "café/menu"), (["*"], "README.md"), ([], "README.md"), (["nothing/**"], nil),
        ]
        for (patterns, expected) in cases {
            let list = PatternList(patterns)
            #expect(document.paths.first(matching: list) == expected, "\(patterns)")
            #expect(document.paths.first(where: list.matches) == expected, "\(patterns)")
        }
    }

    @Test func storedAsAJSONArrayOfStrings() throws {
        let paths: ChangedPaths = ["api/a.go", "docs/\u{1F600}.md", "q\"uote"]
        let data = try JSONEncoder().encode(paths)
        #expect(try JSONDecoder().decode([String].self, from: data) == ["api/a.go", "docs/\u{1F600}.md", "q\"uote"])
        #expect(try JSONDecoder().decode(ChangedPaths.self, from: data) == paths)
    }
}
