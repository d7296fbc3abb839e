import Foundation
import Testing

@testable import BridgeCore

/// `PushDocument`, the one-pass reader of a push payload's commits: checked against Foundation's JSON readers on
/// generated payloads (random key order, spacing, escapes, unicode, nesting) and on broken copies of them.
@Suite struct PushDocumentTests {
    /// A seeded generator, so a failure can be replayed from the seed in its message.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Writes random JSON text, and says what the commits' paths are.
    struct Writer {
        var random: SplitMix

        mutating func space() -> String {
            ["", "", " ", "\n  ", "\t", "\r\n"].randomElement(using: &random)!
        }

        /// A string's JSON text and its value.
        mutating func string() -> (text: String, value: String) {
            let pieces: [(String, String)] = [
                ("api/", "api/"), ("handler.go", "handler.go"), ("a", "a"), ("é", "é"), ("😀", "😀"), (#"\/"#, "/"),
                (#"\""#, "\""), (#"\\"#, "\\"), (#"\n"#, "\n"), (#"\t"#, "\t"), (#"\u00e9"#, "é"), (#"\ud83d\ude00"#, "😀"),
                ("services/long/shared/prefix/", "services/long/shared/prefix/"),
            ]
            var text = "\"", value = ""
            for _ in 0..<Int.random(in: 0...4, using: &random) {
                let piece = pieces.randomElement(using: &random)!
                text += piece.0
                value += piece.1
            }
            return (text + "\"", value)
        }

        mutating func scalar() -> String {
            ["0", "-1", "12.5e-3", "1E+2", "true", "false", "null", "\"x\"", "123456789012"].randomElement(using: &random)!
        }

        mutating func value(depth: Int) -> String {
            switch Int.random(in: 0..<(depth > 3 ? 2 : 4), using: &random) {
            case 0: return scalar()
            case 1: return string().text
            case 2: return "[" + space() + (0..<Int.random(in: 0...3, using: &random)).map { _ in value(depth: depth + 1) }.joined(separator: "," + space()) + "]"
            default:
                return "{" + (0..<Int.random(in: 0...3, using: &random)).map { n in "\"k\(n)\":" + space() + value(depth: depth + 1) }.joined(separator: ",") + space() + "}"
            }
        }

        /// A payload, and the changed paths a commit-by-commit union (added, modified, removed) gives.
        mutating func payload() -> (text: String, paths: [String], commits: Int?) {
            var members = [#""ref": "refs/heads/main""#, #""after":"2222""#, #""repository":{"full_name":"acme/shop"}"#]
            for n in 0..<Int.random(in: 0...3, using: &random) { members.append("\"extra\(n)\":" + space() + value(depth: 0)) }
            var paths: [String] = []
            var commits: Int?
            if Bool.random(using: &random) {
                var texts: [String] = []
                for _ in 0..<Int.random(in: 0...5, using: &random) {
                    var fields = [#""id":"c""#, "\"message\":" + string().text, "\"author\":" + value(depth: 1)]
                    var lists: [String: [String]] = [:]
                    for name in ["added", "modified", "removed"] {
                        switch Int.random(in: 0..<4, using: &random) {
                        case 0: break
                        case 1: fields.append("\"\(name)\":" + space() + "null")
                        default:
                            let strings = (0..<Int.random(in: 0...4, using: &random)).map { _ in string() }
                            lists[name] = strings.map(\.value)
                            fields.append("\"\(name)\":" + space() + "[" + strings.map(\.text).joined(separator: "," + space()) + space() + "]")
                        }
                    }
                    paths += (lists["added"] ?? []) + (lists["modified"] ?? []) + (lists["removed"] ?? [])
                    fields.shuffle(using: &random)
                    texts.append("{" + space() + fields.joined(separator: "," + space()) + "}")
                }
                commits = texts.count
                members.append("\"commits\":" + space() + "[" + texts.joined(separator: ",") + "]")
            } else if Bool.random(using: &random) {
                members.append(#""commits": null"#)
            }
            members.shuffle(using: &random)
            return (space() + "{" + space() + members.joined(separator: "," + space()) + space() + "}" + space(), paths, commits)
        }
    }

    static func reference(_ paths: [String]) -> [String] {
        var seen = Set<[UInt8]>()
        return paths.filter { seen.insert(Array($0.utf8)).inserted }
    }

    /// Foundation's reading of a document, as a dictionary (nil when it is not JSON).
    static func foundation(_ bytes: [UInt8]) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }


    @Test(arguments: 0..<8) func readsWhatFoundationReads(seed: UInt64) throws {
        var writer = Writer(random: SplitMix(state: seed))
        for _ in 0..<250 {
            let (text, paths, commits) = writer.payload()
            let document = try PushDocument(Array(text.utf8))
            #expect(Array(document.paths) == Self.reference(paths), "seed \(seed): \(text)")
            #expect(document.commitCount == commits ?? 0, "seed \(seed): \(text)")
            var whole = try #require(Self.foundation(Array(text.utf8)) as? [String: Any])
            whole["commits"] = nil
            let rest = try #require(Self.foundation(document.rest) as? [String: Any], "seed \(seed): \(text)")
            let sorted = { (object: Any) in try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) }
            #expect(try sorted(rest) == sorted(whole), "seed \(seed): \(text)")
        }
    }

    /// A broken copy (cut short, a byte dropped, a byte inserted) is malformed exactly when `JSONSerialization` says so
    /// (not `JSONDecoder`, which checks only what it decodes: see `JSONBytes`). No `e` or digit is inserted: `1e999` is
    /// JSON, which `JSONSerialization` refuses for not fitting a `Double`.
    @Test(arguments: 0..<8) func brokenCopiesAreMalformedWhenJSONSerializationSaysSo(seed: UInt64) throws {
        var writer = Writer(random: SplitMix(state: seed &+ 1000))
        let inserted = Array("{}[]\",:\\ a-.u".utf8) + [0x01, 0xC3, 0xFF]
        for _ in 0..<250 {
            var bytes = Array(writer.payload().text.utf8)
            let at = Int.random(in: 0..<bytes.count, using: &writer.random)
            switch Int.random(in: 0..<3, using: &writer.random) {
            case 0: bytes.removeSubrange(at...)
            case 1: bytes.remove(at: at)
            default: bytes.insert(inserted.randomElement(using: &writer.random)!, at: at)
            }
            let shown = bytes.map { $0 < 0x20 && $0 != 0x0A || $0 > 0x7E ? "\\x" + String($0, radix: 16) : String(UnicodeScalar($0)) }.joined()
            if bytes.drop(while: { [0x20, 0x0A, 0x0D, 0x09].contains($0) }).first != UInt8(ascii: "{") {
                // Not an object: left whole for `JSONDecoder` to name what is wrong.
                #expect(try PushDocument(bytes).rest == bytes, "seed \(seed): \(shown)")
                continue
            }
            let valid = Self.foundation(bytes) != nil
            do {
                _ = try PushDocument(bytes).checked()
                #expect(valid, "seed \(seed): accepted \(shown)")
            } catch .malformedJSON {
                #expect(!valid, "seed \(seed): refused \(shown)")
            } catch {
                #expect(valid, "seed \(seed): \(error) for \(shown)")
            }
        }
    }

    @Test func eachCommitAddsAddedThenModifiedThenRemovedWhateverTheKeyOrder() throws {
        let text = #"{"commits": [{"removed": ["r"], "modified": ["m"], "added": ["a", "r"]}, {"modified": ["n", "a"]}]}"#
        let document = try PushDocument(Array(text.utf8))
        #expect(document.paths == ["a", "r", "m", "n"])
        #expect(document.commitCount == 2)
        #expect(document.rest == Array("{}".utf8))
    }

    @Test func escapedPathsAreTheirValuesAndEscapedKeysAreTheirNames() throws {
        let text = #"{"comm\u0069ts": [{"added": ["a\/b", "a/b", "\ud83d\ude00.md", "caf\u00e9"], "modif\u0069ed": ["c"]}], "ref": "x"}"#
        let document = try PushDocument(Array(text.utf8))
        #expect(document.paths == ["a/b", "😀.md", "café", "c"])
        #expect(String(decoding: document.rest, as: UTF8.self) == #"{"ref": "x"}"#)
    }

    /// A field of the wrong type is kept, not thrown, until `checked()`: the document is still read to its end.
    @Test func theCommitsShapeIsCheckedAndNamedInErrors() throws {
        #expect(try PushDocument(Array(#"{"commits": [1]}"#.utf8)).fault == .invalidField("commits[0]"))
        let cases: [(String, PayloadError)] = [
            (#"{"commits": "x"}"#, .invalidField("commits")),
            (#"{"commits": [1]}"#, .invalidField("commits[0]")),
            (#"{"commits": [{}, {"added": "x"}]}"#, .invalidField("commits[1].added")),
            (#"{"commits": [{"removed": ["a", 2]}]}"#, .invalidField("commits[0].removed[1]")),
            (#"{"commits": [], "commits": []}"#, .invalidField("commits")),
            (#"{"commits": [1], "ref": ]}"#, .malformedJSON),
            // Stricter than `JSONDecoder` in fields the bridge does not read (RFC 8259, as `JSONSerialization`).
            (#"{"id": 01}"#, .malformedJSON),
            (#"{"id": "\q"}"#, .malformedJSON),
            (#"{"id": "\udc00"}"#, .malformedJSON),
            (#"{"commits": [{"added": ["\ud83d"]}]}"#, .malformedJSON),
            (#"{"commits": []} x"#, .malformedJSON),
            (#"{"commits": [{"message": "a\u0001"}]}"#.replacingOccurrences(of: "\\u0001", with: "\u{01}"), .malformedJSON),
            ("{\"commits\": [" + String(repeating: "[", count: 600) + String(repeating: "]", count: 600) + "]}", .malformedJSON),
        ]
        for (text, error) in cases {
            #expect(throws: error, "\(text)") { try PushDocument(Array(text.utf8)).checked() }
        }
        #expect(throws: PayloadError.malformedJSON) { try PushDocument(Array(#"{"commits": [{"added": ["caf"#.utf8) + [0xC3, 0x28] + Array(#""]}]}"#.utf8)) }
    }

    /// Paths read from a payload are ranges of it; equal to, and hashed as, the same paths given as strings.
    @Test func pathsKeptAsRangesOfThePayloadEqualThePathsAsStrings() throws {
        let document = try PushDocument(Array(#"{"commits": [{"added": ["a\/b", "c"], "removed": ["a/b", "d"]}]}"#.utf8))
        let strings: ChangedPaths = ["a/b", "c", "d"]
        #expect(document.paths == strings)
        #expect(document.paths.hashValue == strings.hashValue)
        #expect(Set([document.paths, strings]).count == 1)
        #expect(document.paths != ["a/b", "c"])
    }

    @Test func aPathLongerThanSixteenMebibytesIsRefused() {
        let long = String(repeating: "a", count: ChangedPaths.maxPathLength + 1)
        #expect(throws: PayloadError.invalidField("commits[0].added[1]")) {
            try PushDocument(Array(#"{"commits": [{"added": ["ok", "\#(long)"]}]}"#.utf8)).checked()
        }
    }

    @Test func trailingCommasAreTakenAsFoundationTakesThem() throws {
        let document = try PushDocument(Array(#"{"commits": [{"added": ["a",],},], "ref": "x",}"#.utf8))
        #expect(document.paths == ["a"])
        #expect(document.commitCount == 1)
        #expect(String(decoding: document.rest, as: UTF8.self) == #"{"ref": "x"}"#)
        #expect(throws: PayloadError.malformedJSON) { try PushDocument(Array(#"{"commits": [,]}"#.utf8)) }
    }

    @Test func aTopLevelThatIsNotAnObjectIsLeftForTheDecoder() throws {
        for text in ["[]", " 42", "\"s\"", ""] {
            #expect(try PushDocument(Array(text.utf8)).rest == Array(text.utf8))
        }
    }
}
