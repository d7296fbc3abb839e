import BridgeCore
import BridgeProviders
import BridgeTestSupport
import Foundation
import Testing

/// Bad parameters and programs that cannot run: permanent errors with a message a user can act on.
@Suite struct CommandParameterTests {
    static let invalid: [(parameters: [String: ConfigValue], message: String)] = [
        ([:], "run is required: a non-empty list of strings, the program and its arguments"),
        (["run": .array([])], "run must be a non-empty list of strings (one argument each, no shell), found []"),
        (["run": .string("./deploy.sh --now")], "run must be a non-empty list of strings (one argument each, no shell), found \"./deploy.sh --now\""),
        (["run": .array([.string("echo"), .int(1)])], "run[1] must be a string, found 1"),
        (["run": CommandFixtures.run("")], "run[0], the program, must not be empty"),
        (["run": CommandFixtures.run("echo", "a\0b")], "run[1] contains a NUL character"),
        (["run": CommandFixtures.run("true"), "timeout": .string("30")], "timeout must be a duration such as 30s, 5m, 1h or 1h30m, found \"30\""),
        (["run": CommandFixtures.run("true"), "timeout": .int(30)], "timeout must be a duration such as 30s, 5m, 1h or 1h30m, found 30"),
        (["run": CommandFixtures.run("true"), "dir": .int(3)], "dir must be a directory path, found 3"),
        (["run": CommandFixtures.run("true"), "env": .array([])], "env must be a map of variable name to string, found []"),
        (["run": CommandFixtures.run("true"), "env": .object(["MODE": .bool(true)])], "env.MODE must be a string, found true"),
        (
            ["run": CommandFixtures.run("true"), "env": .object(["BAD-NAME": .string("x")])],
            "env: 'BAD-NAME' is not a valid environment variable name ([A-Za-z_][A-Za-z0-9_]*)"
        ),
        (
            ["run": CommandFixtures.run("true"), "env": .object(["API_TOKEN": .string("literal-hunter2")])],
            "env.API_TOKEN must be a secret reference (env:NAME or file:/path); the value is not shown"
        ),
        (
            ["run": CommandFixtures.run("true"), "env": .object(["DB_PASSWORD": .string("env:UNSET_VARIABLE")])],
            "env.DB_PASSWORD: environment variable env:UNSET_VARIABLE is not set"
        ),
    ]

    @Test(arguments: invalid)
    func rejectsInvalidParameters(parameters: [String: ConfigValue], message: String) async throws {
        let error = await startError(CommandFixtures.deployer(), CommandFixtures.request(parameters))
        #expect(error == .permanent(message))
        #expect(error?.description.contains("hunter2") == false)
    }

    @Test func rejectsParametersThatAreNotAMap() async throws {
        var request = CommandFixtures.request([:])
        request.parameters = .array([.string("true")])
        let error = await startError(CommandFixtures.deployer(), request)
        #expect(error == .permanent("the parameters of a command target must be a map, found [\"true\"]"))
    }

    @Test func failsPermanentlyWhenTheProgramIsMissing() async throws {
        let directory = try TemporaryDirectory()
        let request = CommandFixtures.request(["run": CommandFixtures.run("./deploy.sh"), "dir": .string(directory.path)])
        let error = await startError(CommandFixtures.deployer(), request)
        #expect(error == .permanent("cannot run ./deploy.sh: No such file or directory"))
    }

    @Test func failsPermanentlyWhenTheProgramIsNotInPath() async throws {
        let error = await startError(CommandFixtures.deployer(), CommandFixtures.request(["run": CommandFixtures.run("no-such-deploy-tool")]))
        #expect(error == .permanent("cannot run no-such-deploy-tool: not found in PATH"))
    }

    @Test func looksProgramsUpInThePathTheTargetSets() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("only-here", "#!/bin/sh\necho found\n", executable: true)
        let request = CommandFixtures.request([
            "run": CommandFixtures.run("only-here"), "env": .object(["PATH": .string("relative/bin:\(directory.path):/usr/bin:/bin")]),
        ])
        let start = try await CommandFixtures.deployer().start(request)
        #expect(start.log == "found\n")
    }

    @Test func failsPermanentlyWhenTheProgramIsNotExecutable() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("deploy.sh", "#!/bin/sh\necho hi\n")
        let relative = CommandFixtures.request(["run": CommandFixtures.run("./deploy.sh"), "dir": .string(directory.path)])
        #expect(await startError(CommandFixtures.deployer(), relative) == .permanent("cannot run ./deploy.sh: Permission denied"))
        let searched = CommandFixtures.request(["run": CommandFixtures.run("deploy.sh"), "env": .object(["PATH": .string(directory.path)])])
        #expect(await startError(CommandFixtures.deployer(), searched) == .permanent("cannot run deploy.sh: Permission denied"))
    }

    @Test func neverFallsBackToAShellForAScriptWithoutInterpreter() async throws {
        let directory = try TemporaryDirectory()
        try directory.write("deploy", "echo ran by a shell > ran\n", executable: true)
        let request = CommandFixtures.request(["run": CommandFixtures.run("./deploy"), "dir": .string(directory.path)])
        let error = await startError(CommandFixtures.deployer(), request)
        #expect(error == .permanent("cannot run ./deploy: Exec format error"))
        #expect(!FileManager.default.fileExists(atPath: directory.file("ran")))
    }

    @Test func failsPermanentlyWhenTheDirectoryIsMissing() async throws {
        let directory = try TemporaryDirectory()
        let missing = directory.file("checkout")
        let request = CommandFixtures.request(["run": CommandFixtures.run("true"), "dir": .string(missing)])
        let error = await startError(CommandFixtures.deployer(), request)
        #expect(error == .permanent("working directory \(missing) does not exist"))
    }

    @Test func failsPermanentlyWhenTheDirectoryIsAFile() async throws {
        let directory = try TemporaryDirectory()
        let file = try directory.write("file", "")
        let request = CommandFixtures.request(["run": CommandFixtures.run("true"), "dir": .string(file)])
        let error = await startError(CommandFixtures.deployer(), request)
        #expect(error == .permanent("working directory \(file) is not a directory"))
    }

    @Test func resolvesSecretsOnlyForSecretNames() async throws {
        // A value that looks like a reference under an ordinary name is passed as written.
        let request = CommandFixtures.request([
            "run": CommandFixtures.shell(#"echo "$SOURCE $GITHUB_TOKEN""#),
            "env": .object(["SOURCE": .string("env:DEPLOY_TOKEN"), "GITHUB_TOKEN": .string("env:DEPLOY_TOKEN")]),
        ])
        let start = try await CommandFixtures.deployer(secrets: ["DEPLOY_TOKEN": "tok-123456"]).start(request)
        #expect(start.log == "env:DEPLOY_TOKEN ***\n")
    }
}
