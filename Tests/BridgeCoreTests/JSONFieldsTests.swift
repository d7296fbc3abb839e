import Foundation
import Testing

@testable import BridgeCore

/// `GitHubPayload` reads its fields with `JSONFields`; it must answer as `JSONDecoder` did with the `Decodable` struct
/// it replaced (kept here as `Reference`): the same values, and for a wrong document the same error.
@Suite("JSON fields")
struct JSONFieldsTests {
    /// The `Decodable` GitHubPayload as it was, read through `JSONPayload.decode`.
    struct Reference: Decodable, Equatable {
        enum CodingKeys: String, CodingKey {
            case ref, before, after, created, deleted, forced, headCommit = "head_commit", repository, pusher, sender
        }

        struct Commit: Decodable, Equatable { var id: String }
        struct Repository: Decodable, Equatable {
            enum CodingKeys: String, CodingKey { case id, fullName = "full_name", cloneUrl = "clone_url", htmlUrl = "html_url" }
            var id: LenientString?
            var fullName: String
            var cloneUrl: String?
            var htmlUrl: String?
        }
        struct Pusher: Decodable, Equatable { var name: String? }
        struct Sender: Decodable, Equatable { var login: String? }

        var ref: String
        var before: String?
        var after: String?
        var created: Bool?
        var deleted: Bool?
        var forced: Bool?
        var headCommit: Commit?
        var repository: Repository
        var pusher: Pusher?
        var sender: Sender?

        /// The fields as `GitHubPayload` holds them.
        var fields: [String?] {
            [
                ref, before, after, created.map(String.init), deleted.map(String.init), forced.map(String.init), headCommit?.id,
                repository.id?.value, repository.fullName, repository.cloneUrl, repository.htmlUrl, pusher?.name, sender?.login,
            ]
        }
    }

    static func fields(_ payload: GitHubPayload) -> [String?] {
        [
            payload.ref, payload.before, payload.after, payload.created.map(String.init), payload.deleted.map(String.init),
            payload.forced.map(String.init), payload.headCommit, payload.repositoryID, payload.fullName, payload.cloneURL,
            payload.htmlURL, payload.pusher, payload.sender,
        ]
    }

    /// Each answer as text: the fields, or the error.
    static func answers(_ json: String) -> (reference: String, fields: String) {
        let bytes = Array(json.utf8)
        let reference: String
        do {
            reference = "\(try JSONPayload.decode(Reference.self, from: bytes).fields)"
        } catch {
            reference = "\(error)"
        }
        let fields: String
        do {
            fields = "\(Self.fields(try GitHubPayload.read(bytes)))"
        } catch {
            fields = "\(error)"
        }
        return (reference, fields)
    }

    static let documents: [String] = [
        #"{"ref": "refs/heads/main", "repository": {"full_name": "acme/shop"}}"#,
        #"{"ref": "refs/heads/main", "before": "1", "after": "2", "created": true, "deleted": false, "forced": true,"#
            + #" "head_commit": {"id": "abc", "message": "m"}, "repository": {"id": 42, "full_name": "acme/shop","#
            + #" "clone_url": "https://x/acme/shop.git", "html_url": "https://x/acme/shop", "created_at": 1},"#
            + #" "pusher": {"name": "mona", "email": null}, "sender": {"login": "octo", "id": 7}, "extra": [1, {"a": []}]}"#,
        #"{"ref": "refs/heads/caf\u00e9 \"q\" \\ \ud83d\ude00", "repository": {"id": "R_1", "full_name": "a\/b"}}"#,
        #"  {"ref": "x", "repository": {"full_name": "a/b", "id": -5}}  "#,
        #"{"ref": "x", "repository": {"full_name": "a/b"}, "ref": "y"}"#,
        #"{"ref": "x", "repository": {"full_name": "a/b"}, "repository": {"full_name": "c/d"}}"#,
        #"{"ref": null, "repository": {"full_name": "a/b"}}"#,
        #"{"repository": {"full_name": "a/b"}}"#,
        #"{"ref": 5, "repository": {"full_name": "a/b"}}"#,
        #"{"ref": "x", "before": 5, "repository": {"full_name": "a/b"}}"#,
        #"{"ref": "x", "before": null, "after": null, "created": null, "repository": {"full_name": "a/b"}}"#,
        #"{"ref": "x", "created": "yes", "repository": {"full_name": "a/b"}}"#,
        #"{"ref": "x", "forced": 1, "repository": {"full_name": "a/b"}}"#,
        #"{"ref": "x", "head_commit": null, "repository": {"full_name": "a/b"}}"#,
        #"{"ref": "x", "head_commit": {}, "repository": {"full_name": "a/b"}}"#,
        #"{"ref": "x", "head_commit": "abc", "repository": {"full_name": "a/b"}}"#,
        #"{"ref": "x", "head_commit": {"id": 1}, "repository": {"full_name": "a/b"}}"#,
        #"{"ref": "x"}"#,
        #"{"ref": "x", "repository": null}"#,
        #"{"ref": "x", "repository": []}"#,
        #"{"ref": "x", "repository": {"id": 1}}"#,
        #"{"ref": "x", "repository": {"full_name": 42}}"#,
        #"{"ref": "x", "repository": {"full_name": "a/b", "id": true}}"#,
        #"{"ref": "x", "repository": {"full_name": "a/b", "id": null}}"#,
        #"{"ref": "x", "repository": {"full_name": "a/b", "clone_url": 1}}"#,
        #"{"ref": "x", "repository": {"full_name": "a/b"}, "pusher": {"name": 3}}"#,
        #"{"ref": "x", "repository": {"full_name": "a/b"}, "pusher": "mona"}"#,
        #"{"ref": "x", "repository": {"full_name": "a/b"}, "pusher": {}, "sender": {"login": null}}"#,
        #"{"ref": 1, "created": "no", "repository": {"id": 1}}"#,
        #"{"created": "no"}"#,
        #"[]"#,
        #""ref""#,
        #"{"ref": "x", "repository": {"full_name": "a/b"}"#,
        #"{"ref": "x", "repository": {"full_name": "a/b"}} trailing"#,
        #"{"ref": "x", "repository": {"full_name": "a/b",}}"#,
    ]

    @Test(arguments: documents)
    func readsAsJSONDecoderDid(_ json: String) {
        let answers = Self.answers(json)
        #expect(answers.fields == answers.reference, "\(json)")
    }
}
