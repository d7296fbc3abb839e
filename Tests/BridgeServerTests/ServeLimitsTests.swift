import BridgeCore
import BridgeServer
import Foundation
import Hummingbird
import HummingbirdTesting
import Logging
import Testing

/// `serve`'s overload flags: how their values are read, which are refused (and how clearly), and that the header size
/// and drain limits reach the listener.
@Suite struct ServeLimitsTests {
    @Test(arguments: [
        ("50", 200, TokenBuckets.Rate(perSecond: 50, burst: 200)), ("0.5", 1, TokenBuckets.Rate(perSecond: 0.5, burst: 1)),
        ("0", 10, nil), ("off", 10, nil), (" OFF ", 10, nil),
    ])
    func ratesAreRequestsASecondOrOff(text: String, burst: Int, expected: TokenBuckets.Rate?) throws {
        #expect(try IntakeLimits.rate(text, flag: "--source-rate", burst: burst) == expected)
    }

    @Test(arguments: ["fast", "-1", "nan", "inf", "", "10/s", "1e-20", "0.0009"])
    func badRatesAreClearErrors(text: String) {
        #expect {
            try IntakeLimits.rate(text, flag: "--client-rate", burst: 10)
        } throws: { error in
            "\(error)" == "--client-rate must be requests per second (a number; 0 or 'off' for no limit), got '\(text)'"
        }
    }

    @Test func aBurstBelowOneIsRefused() {
        #expect(throws: IntakeLimits.ParseError.self) { try IntakeLimits.rate("5", flag: "--source-rate", burst: 0) }
    }

    @Test func inFlightCountsAndNetworks() throws {
        #expect(try IntakeLimits.count("256", flag: "--max-in-flight") == 256)
        #expect(try IntakeLimits.count("0", flag: "--max-in-flight") == nil)
        #expect(try IntakeLimits.count("off", flag: "--max-in-flight") == nil)
        #expect(throws: IntakeLimits.ParseError.self) { try IntakeLimits.count("many", flag: "--max-in-flight") }
        #expect(throws: IntakeLimits.ParseError.self) { try IntakeLimits.count("-3", flag: "--max-in-flight") }
        #expect(
            try IntakeLimits.networks(["10.0.0.0/8", "::1"], flag: "--trusted-proxy").map(\.description) == ["10.0.0.0/8", "0:0:0:0:0:0:0:1/128"])
        #expect {
            try IntakeLimits.networks(["10.0.0.0/33"], flag: "--trusted-proxy")
        } throws: { error in
            "\(error)" == "--trusted-proxy must be an IP address or CIDR network such as 10.0.0.0/8, got '10.0.0.0/33'"
        }
    }

    @Test func theDefaultsAreTheDocumentedOnes() {
        let limits = IntakeLimits()
        #expect(limits.sourceRate == TokenBuckets.Rate(perSecond: 50, burst: 200))
        #expect(limits.clientRate == TokenBuckets.Rate(perSecond: 20, burst: 100))
        #expect(limits.maxInFlight == 256)
        #expect(limits.trustedProxies.isEmpty)
        #expect(HTTPLimits.defaultMaxHeaderSize == 80 * 1024)
    }

    @Test(arguments: [
        (["--source-rate", "fast"], [String: String](), "--source-rate must be requests per second"),
        (["--client-burst", "0"], [:], "--client-burst must be a positive integer, got 0"),
        (["--max-in-flight", "lots"], [:], "--max-in-flight must be a positive integer, 0 or 'off' for no limit, got 'lots'"),
        (["--trusted-proxy", "proxy.internal"], [:], "--trusted-proxy must be an IP address or CIDR network"),
        ([], ["GITOPS_BRIDGE_CLIENT_RATE": "quick"], "--client-rate must be requests per second"),
        ([], ["GITOPS_BRIDGE_MAX_HEADER_SIZE": "big"], "GITOPS_BRIDGE_MAX_HEADER_SIZE must be a positive integer, got 'big'"),
        ([], ["GITOPS_BRIDGE_DRAIN_LIMIT": "-1"], "GITOPS_BRIDGE_DRAIN_LIMIT must be a positive integer, got '-1'"),
    ])
    func badOverloadSettingsStopServeBeforeItStarts(arguments: [String], environment: [String: String], message: String) async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        let (exitCode, output) = try await StartupTests.serveUntilExit(
            bridge, ["--listen", "127.0.0.1:0", "--admin-listen", "off"] + arguments,
            environment: TestBridge.environment.merging(environment) { $1 })
        #expect(exitCode.map { $0 != 0 } == true)
        #expect(output.contains(message), "\(output)")
        #expect(!output.contains("listening"), "\(output)")
    }

    @Test func headersOverTheConfiguredSizeAre431() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        try await bridge.application(limits: HTTPLimits(maxConnections: 64, maxHeaderSize: 4096)).test(.live) { client in
            let port = try #require(client.port)
            let small = [("X-Padding", String(repeating: "a", count: 2048))]
            #expect(try await IntakeHTTP.deliver(port: port, delivery: "small", headers: small).status == 202)
            let big = [("X-Padding", String(repeating: "a", count: 8192))]
            #expect(try await IntakeHTTP.deliver(port: port, delivery: "big", headers: big).status == 431)
        }
    }

    @Test func theConfiguredDrainLimitReachesTheListener() async throws {
        let bridge = try TestBridge()
        defer { bridge.removeFiles() }
        var configuration = ServeConfiguration(
            rulesPath: bridge.rulesPath, databasePath: bridge.databasePath, port: 0, maxBodySize: 64 * 1024, logLevel: .critical,
            environment: [:])
        configuration.drainLimit = 1 << 20
        let app = try await BridgeServerApp.make(configuration: configuration, resolver: ProcessSecretResolver(environment: TestBridge.environment))
        try await app.test(.live) { client in
            let port = try #require(client.port)
            let accepted = try await RawConnection.run {
                let connection = try RawConnection(port: port, timeout: .seconds(60))
                try connection.send(ConnectionGuardTests.head + "Content-Length: \(256 << 20)\r\n\r\n")
                let chunk = [UInt8](repeating: UInt8(ascii: "a"), count: 1 << 20)
                for sent in 0..<256 {
                    do { try connection.send(chunk) } catch { return sent }
                }
                return 256
            }
            // Without the setting, 64 MiB would be drained.
            #expect(accepted < 64)
        }
    }
}
