import BridgeCore
import BridgeProviders
import BridgeServer
import BridgeTestSupport
import Foundation
import Glibc

/// A rules file in a temporary directory, laid out as a file or as a Kubernetes ConfigMap volume mounts it: each key a
/// symlink into `..data`, itself a symlink to a timestamped directory that an update replaces by renaming a new `..data`
/// over it (kubernetes/pkg/volume/util/atomic_writer.go).
struct RulesFolder {
    let directory: URL
    let configMap: Bool
    /// What `--rules` names: the file, or the ConfigMap's mount directory.
    var path: String { configMap ? directory.appendingPathComponent("mount").path : directory.appendingPathComponent("rules.yaml").path }

    /// A rule that deploys pushes to `release`, which `TestBridge.rulesYAML` ignores.
    static let releaseRule = """

          - name: release-to-production
            source: shop-github
            on: push
            branches: [release]
            deploy:
              - target: smoke
        """

    /// A rule naming a target no rules define: refused with its file, line and column.
    static let brokenRule = """

          - name: broken
            source: shop-github
            on: push
            deploy:
              - target: nowhere
        """

    init(configMap: Bool = false, contents: String = TestBridge.rulesYAML) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("rules-\(UUID().uuidString)")
        self.configMap = configMap
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        if configMap {
            let mount = directory.appendingPathComponent("mount")
            try FileManager.default.createDirectory(at: mount, withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(
                atPath: mount.appendingPathComponent("rules.yaml").path, withDestinationPath: "..data/rules.yaml")
        }
        try write(contents)
    }

    /// Replaces the rules: in place for a file, by a `..data` swap for a ConfigMap.
    func write(_ contents: String) throws {
        guard configMap else {
            try contents.write(toFile: path, atomically: true, encoding: .utf8)
            return
        }
        let mount = directory.appendingPathComponent("mount")
        let version = "..\(UUID().uuidString)"
        try FileManager.default.createDirectory(at: mount.appendingPathComponent(version), withIntermediateDirectories: true)
        try contents.write(
            toFile: mount.appendingPathComponent(version).appendingPathComponent("rules.yaml").path, atomically: false, encoding: .utf8)
        let temporary = mount.appendingPathComponent("..data_tmp").path
        try FileManager.default.createSymbolicLink(atPath: temporary, withDestinationPath: version)
        guard rename(temporary, mount.appendingPathComponent("..data").path) == 0 else { throw CocoaError(.fileWriteUnknown) }
    }

    /// The digest the rules have now, as the bridge computes it.
    var digest: String? { RulesSnapshot.contentDigest(path: path) }

    func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}

extension RulesFolder {
    /// `gitops-bridge serve` on this folder's rules and a database beside them, on `port`, the watch off and no admin
    /// listener (plus `extra` arguments), its output in `log`; returned once it serves.
    func serve(port: Int, log: String, extra: [String] = []) async throws -> SpawnedProcess {
        let serve = try BridgeBinary.start(
            [
                "serve", "--rules", path, "--database", directory.appendingPathComponent("bridge.sqlite").path,
                "--listen", "127.0.0.1:\(port)", "--admin-listen", "off", "--rules-watch-interval", "0",
            ] + extra,
            environment: TestBridge.environment, log: log)
        do {
            try await BridgeBinary.waitUntilServing(port: port, process: serve)
        } catch {
            kill(serve.pid, SIGKILL)
            throw error
        }
        return serve
    }
}
