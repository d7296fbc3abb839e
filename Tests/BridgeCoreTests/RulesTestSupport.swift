import BridgeCore
import Foundation
import Testing

/// Loads one rules text as `rules.yaml`.
func loadRules(_ yaml: String, file: String = "rules.yaml") throws(RulesError) -> RuleSet {
    try RulesLoader.load(files: [(path: file, contents: yaml)])
}

/// The diagnostics of loading one rules text, as `file:line:column: message` lines; empty when it loads.
func diagnostics(_ yaml: String, file: String = "rules.yaml") -> [String] {
    do {
        _ = try loadRules(yaml, file: file)
        return []
    } catch {
        return error.diagnostics.map(\.description)
    }
}

/// A directory of its own under the system temporary directory, removed when the test is done with it.
struct TemporaryDirectory: ~Copyable {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("rules-tests-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    /// Writes `contents` to `name` inside the directory and returns the file's path.
    @discardableResult
    func write(_ name: String, _ contents: String) throws -> String {
        let file = (path as NSString).appendingPathComponent(name)
        try contents.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    deinit {
        try? FileManager.default.removeItem(atPath: path)
    }
}

/// The smallest valid rules file; tests append to it or vary it.
let minimalRules = """
    version: 1
    sources:
      shop:
        forge: github
        secret: env:SHOP_SECRET
    targets:
      api:
        provider: aws-apigateway
        region: eu-west-2
        rest_api_id: abc123
    rules:
      - name: main
        source: shop
        on: push
        branches: [main]
        deploy:
          - target: api
    """
