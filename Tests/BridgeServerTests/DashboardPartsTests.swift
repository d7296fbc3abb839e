import BridgeCore
import Foundation
import NIOCore
import Testing

@testable import BridgeServer

/// The dashboard's parts on their own: trusted networks, sessions, console links, masking, and the event format.
@Suite struct DashboardPartsTests {
    @Test(arguments: [
        ("10.0.0.0/8", "10.200.3.4", true), ("10.0.0.0/8", "11.0.0.1", false), ("127.0.0.1", "127.0.0.1", true),
        ("127.0.0.1", "127.0.0.2", false), ("192.168.1.128/25", "192.168.1.200", true), ("192.168.1.128/25", "192.168.1.7", false),
        ("::1/128", "::1", true), ("fd00::/8", "fd12::5", true), ("fd00::/8", "fe80::1", false), ("10.0.0.0/8", "::ffff:10.1.2.3", true),
        ("0.0.0.0/0", "8.8.8.8", true),
    ])
    func aTrustedNetworkContainsItsAddressesOnly(network: String, peer: String, inside: Bool) throws {
        let net = try #require(AdminNetwork(network))
        #expect(net.contains(try SocketAddress(ipAddress: peer, port: 4000)) == inside)
        #expect(!net.contains(nil))
    }

    @Test(arguments: ["", "10.0.0.0/33", "example.com", "10.0.0.0/x", "::1/129", "10.0.0.0/8/1"])
    func aMalformedNetworkIsRefused(text: String) {
        #expect(AdminNetwork(text) == nil)
    }

    @Test func aSessionCookieIsSignedExpiresAndTiesItsCSRFToken() throws {
        let sessions = AdminSessions()
        let now = Date()
        let cookie = sessions.issue(name: "on call", role: .operator, now: now)
        let caller = try #require(sessions.caller(cookie: cookie, now: now))
        #expect(caller.name == "on call" && caller.role == .operator)
        #expect(sessions.caller(cookie: cookie, now: now + AdminSessions.lifetime + 1) == nil)
        #expect(sessions.caller(cookie: cookie.replacingOccurrences(of: ".operator.", with: ".viewer."), now: now) == nil)
        #expect(AdminSessions().caller(cookie: cookie, now: now) == nil)
        let token = sessions.csrfToken(for: caller)
        #expect(sessions.checkCSRF(token, for: caller))
        #expect(!sessions.checkCSRF(nil, for: caller))
        let other = try #require(sessions.caller(cookie: sessions.issue(name: "on call", role: .operator, now: now), now: now))
        #expect(!sessions.checkCSRF(token, for: other))
        sessions.end(cookie: cookie, now: now)
        #expect(sessions.caller(cookie: cookie, now: now) == nil)
    }

    @Test func replicasGivenTheSameTokensShareSessionsAndChangingATokenEndsThem() throws {
        let resolver = ProcessSecretResolver(environment: ["OPS": "ops-token-1", "VIEW": "view-token-1", "OPS2": "ops-token-2"])
        func access(_ operatorReference: String) throws -> AdminAccess {
            try AdminAccess(
                [
                    AdminTokenSetting(parsing: "ops=operator:\(operatorReference)"), AdminTokenSetting(parsing: "view=viewer:env:VIEW"),
                ], resolver: resolver)
        }
        let first = try #require(try access("env:OPS").sessionKey)
        #expect(try access("env:OPS").sessionKey == first)
        #expect(try access("env:OPS2").sessionKey != first)
        let viewerOnly = try AdminAccess([AdminTokenSetting(parsing: "view=viewer:env:VIEW")], resolver: resolver)
        #expect(viewerOnly.sessionKey != first && viewerOnly.role(named: "ops") == nil && viewerOnly.role(named: "view") == .viewer)
        #expect(try AdminAccess([], resolver: resolver).sessionKey == nil)
        // A cookie one replica issued is read by another with the same key.
        let now = Date()
        let cookie = AdminSessions(key: first).issue(name: "ops", role: .operator, now: now)
        #expect(AdminSessions(key: first).caller(cookie: cookie, now: now)?.role == .operator)
    }

    @Test func consoleLinksAreBuiltForAWSAndPulumiOnly() {
        let codedeploy = ConsoleLink(
            provider: "aws-codedeploy", parameters: .object(["region": .string("us-east-1")]), externalID: "d-1")
        #expect(codedeploy?.url == "https://us-east-1.console.aws.amazon.com/codesuite/codedeploy/deployments/d-1?region=us-east-1")
        let api = ConsoleLink(
            provider: "aws-apigateway", parameters: .object(["region": .string("eu-west-2"), "rest_api_id": .string("z4675bid1j")]),
            externalID: "abc")
        #expect(api?.url == "https://eu-west-2.console.aws.amazon.com/apigateway/main/apis/z4675bid1j/stages?api=z4675bid1j&region=eu-west-2")
        let pulumi = ConsoleLink(
            provider: "pulumi",
            parameters: .object(["organization": .string("acme"), "project": .string("shop"), "stack": .string("prod")]),
            externalID: "dep-1")
        #expect(pulumi?.url == "https://app.pulumi.com/acme/shop/prod/deployments")
        let emulator = ConsoleLink(
            provider: "aws-codedeploy", parameters: .object(["region": .string("us-east-1"), "endpoint": .string("http://127.0.0.1:5000")]),
            externalID: "d-1")
        let template = ConsoleLink(
            provider: "pulumi",
            parameters: .object(["organization": .string("acme"), "project": .string("shop"), "stack": .string("${branch}")]),
            externalID: "dep-1")
        let selfHosted = ConsoleLink(
            provider: "pulumi",
            parameters: .object([
                "organization": .string("acme"), "project": .string("shop"), "stack": .string("prod"), "api_url": .string("https://pulumi.internal"),
            ]), externalID: "dep-1")
        #expect(emulator == nil && template == nil && selfHosted == nil)
        #expect(ConsoleLink(provider: "command", parameters: .object([:]), externalID: "1") == nil)
        #expect(ConsoleLink(provider: "aws-codedeploy", parameters: .object(["region": .string("us-east-1")]), externalID: nil) == nil)
    }

    @Test func secretParametersAreMaskedUnlessTheyAreReferences() {
        let masked = ParameterMask.masked(
            .object([
                "token": .string("env:PULUMI_TOKEN"), "db_password": .string("s3cret"), "stack": .string("prod"),
                "env": .object(["API_SECRET": .string("file:/run/secrets/api"), "OTHER_TOKEN": .string("abc")]),
                "list": .array([.object(["client_secret": .int(42)])]),
            ]))
        #expect(
            masked
                == .object([
                    "token": .string("env:PULUMI_TOKEN"), "db_password": .string("(masked)"), "stack": .string("prod"),
                    "env": .object(["API_SECRET": .string("file:/run/secrets/api"), "OTHER_TOKEN": .string("(masked)")]),
                    "list": .array([.object(["client_secret": .string("(masked)")])]),
                ]))
    }

    @Test func anEventCarriesItsDataLineByLine() {
        #expect(LogEventStream.event("log", "a\nb\n") == "event: log\ndata: a\ndata: b\ndata: \n\n")
        #expect(LogEventStream.event("log", "x\r\ny") == "event: log\ndata: x\ndata: y\n\n")
        #expect(LogEventStream.event("end", "succeeded") == "event: end\ndata: succeeded\n\n")
    }

    @Test func theAppendedPartIsFoundEvenWhenTheStoreDroppedTheLogsFront() {
        #expect(LogEventStream.appended(old: "one\n", new: "one\ntwo\n") == "two\n")
        #expect(LogEventStream.appended(old: "one\n", new: "one\n") == "")
        let old = String(repeating: "x", count: 2000) + "tail-marker\n"
        let new = String(old.dropFirst(500)) + "more\n"
        #expect(LogEventStream.appended(old: old, new: new) == "more\n")
    }

    @Test func theLogStreamsAreBounded() {
        let streams = LogStreams(limit: 2)
        var first: LogStreams.Slot? = streams.acquire()
        let second = streams.acquire()
        #expect(first != nil && second != nil)
        #expect(streams.acquire() == nil)
        first = nil
        #expect(streams.count == 1)
        #expect(streams.acquire() != nil)
    }
}
