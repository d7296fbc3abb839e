import BridgeCore
import BridgeProviders
import BridgeTestSupport
import Foundation
import Testing

@Suite struct CommandDeployerTests {
    @Test func passesEachArgumentVerbatimWithoutAShell() async throws {
        let directory = try TemporaryDirectory()
        let hostile = ["has spaces", "\"double\" 'single'", "$(touch pwned)", "a; touch pwned2", "`touch pwned3`", "*", "", "$HOME"]
        let request = CommandFixtures.request([
            "run": .array([.string("printf"), .string("[%s]\\n")] + hostile.map(ConfigValue.string)),
            "dir": .string(directory.path),
        ])
        let start = try await CommandFixtures.deployer().start(request)
        #expect(start.status == .succeeded)
        #expect(start.externalID == nil)
        #expect(start.log == hostile.map { "[\($0)]\n" }.joined())
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory.path).isEmpty)
    }

    @Test func setsTheStepVariablesAndTheTargetsEnvironment() async throws {
        let request = CommandFixtures.request([
            "run": CommandFixtures.run("env"),
            "env": .object(["DEPLOY_MODE": .string("blue green"), "GITOPS_TARGET": .string("overridden"), "EMPTY": .string("")]),
        ])
        let start = try await CommandFixtures.deployer().start(request)
        #expect(start.status == .succeeded)
        let variables = Set(start.log.split(separator: "\n").map(String.init))
        let expected: Set = [
            "GITOPS_SHA=\(CommandFixtures.sha)", "GITOPS_REF=refs/heads/main", "GITOPS_REPOSITORY=acme/shop",
            "GITOPS_ENVIRONMENT=staging", "GITOPS_RUN=17", "GITOPS_STEP=42", "GITOPS_ATTEMPT=2", "GITOPS_TARGET=overridden",
            "DEPLOY_MODE=blue green", "EMPTY=", "PATH=/usr/local/bin:/usr/bin:/bin", "HOME=/home/bridge", "LANG=C.UTF-8",
            "LC_TIME=C",
        ]
        #expect(variables == expected)
    }

    @Test func keepsTheBridgesOwnSecretsOutOfTheEnvironment() async throws {
        let request = CommandFixtures.request(["run": CommandFixtures.run("env")], environment: nil)
        let start = try await CommandFixtures.deployer().start(request)
        #expect(!start.log.contains("SHOP_GITHUB_SECRET"))
        #expect(!start.log.contains("AWS_SECRET_ACCESS_KEY"))
        #expect(!start.log.contains("bridge-own-secret"))
        #expect(!start.log.contains("GITOPS_ENVIRONMENT"))
    }

    @Test func resolvesSecretNamedVariablesAndMasksThemInTheLog() async throws {
        let request = CommandFixtures.request([
            "run": CommandFixtures.shell(#"[ "$API_TOKEN" = "s3cr3t-value" ] && echo matched; echo "token=$API_TOKEN"; exit 4"#),
            "env": .object(["API_TOKEN": .string("env:DEPLOY_TOKEN")]),
        ])
        let start = try await CommandFixtures.deployer(secrets: ["DEPLOY_TOKEN": "s3cr3t-value"]).start(request)
        #expect(start.log == "matched\ntoken=***\n")
        #expect(start.status == .failed(reason: "exit status 4"))
        #expect(!"\(start)".contains("s3cr3t"))
    }

    @Test func runsInTheWorkingDirectory() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("deploy.sh", "#!/bin/sh\necho \"deploying $1 from $(pwd)\"\n", executable: true)
        let request = CommandFixtures.request(["run": CommandFixtures.run("./deploy.sh", "v1"), "dir": .string(directory.path)])
        let start = try await CommandFixtures.deployer().start(request)
        let real = try #require(realpath(directory.path, nil))
        defer { free(real) }
        #expect(start.log == "deploying v1 from \(String(cString: real))\n")
        #expect(start.status == .succeeded)
    }

    @Test func interleavesStandardOutputAndErrorInOrder() async throws {
        let request = CommandFixtures.request(["run": CommandFixtures.shell("echo one; echo two >&2; echo three")])
        let start = try await CommandFixtures.deployer().start(request)
        #expect(start.log == "one\ntwo\nthree\n")
    }

    @Test func readsEndOfFileOnStandardInput() async throws {
        let request = CommandFixtures.request(["run": CommandFixtures.run("cat")])
        let start = try await CommandFixtures.deployer().start(request)
        #expect(start.status == .succeeded)
        #expect(start.log.isEmpty)
    }

    @Test(arguments: [
        ("exit 3", DeploymentStatus.failed(reason: "exit status 3")),
        ("exit 255", .failed(reason: "exit status 255")),
        ("kill -9 $$", .failed(reason: "killed by signal 9")),
        ("kill -PIPE $$", .failed(reason: "killed by signal 13")),
        ("true", .succeeded),
    ])
    func reportsTheExitStatus(script: String, status: DeploymentStatus) async throws {
        let start = try await CommandFixtures.deployer().start(CommandFixtures.request(["run": CommandFixtures.shell(script)]))
        #expect(start.status == status)
    }

    @Test func keepsOnlyTheEndOfALargeOutput() async throws {
        let megabyte = 1024 * 1024
        let request = CommandFixtures.request([
            "run": CommandFixtures.shell("head -c \(megabyte) /dev/zero | tr '\\0' x; echo; echo THE END >&2")
        ])
        let start = try await CommandFixtures.deployer().start(request)
        #expect(start.status == .succeeded)
        let total = megabyte + 1 + 8
        let header = "… (\(total - 64 * 1024) bytes omitted)\n"
        #expect(start.log.hasPrefix(header))
        #expect(start.log.utf8.count == header.utf8.count + 64 * 1024)
        #expect(start.log.hasSuffix(String(repeating: "x", count: 100) + "\nTHE END\n"))
    }

    @Test func dropsACharacterCutInHalfByTheBound() async throws {
        let request = CommandFixtures.request(["run": CommandFixtures.run("printf", "abcé-end")])
        let start = try await CommandFixtures.deployer(maximumLogBytes: 5).start(request)
        // "é" is two bytes; the last five bytes start with its second one.
        #expect(start.log == "… (5 bytes omitted)\n-end")
    }

    @Test func keepsShortOutputWhole() async throws {
        let request = CommandFixtures.request(["run": CommandFixtures.run("printf", "12345")])
        let start = try await CommandFixtures.deployer(maximumLogBytes: 5).start(request)
        #expect(start.log == "12345")
    }

    @Test func hasNothingToPollAndNothingToCancel() async throws {
        let deployer = CommandFixtures.deployer()
        let request = CommandFixtures.request(["run": CommandFixtures.run("true")])
        #expect(deployer.provider == "command")
        await #expect(throws: ProviderError.permanent("the command provider has no deployment to poll")) {
            try await deployer.poll(externalID: "x", request: request)
        }
        try await deployer.cancel(externalID: "x", request: request)
    }
}
