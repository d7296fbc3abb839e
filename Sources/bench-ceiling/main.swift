import BridgeCore
import Foundation
import Hummingbird

// The ceiling `bench/intake` measures gitops-bridge against (issue 14): a bare Hummingbird 2 route that reads a
// webhook's body and checks its GitHub HMAC with the bridge's own verifier, then answers 202. It records nothing, plans
// nothing and parses nothing: what the stack allows before the bridge does its work.
//
// Usage: BENCH_SECRET=… bench-ceiling PORT
//        bench-ceiling spawn SECONDS   (the spawn limit: posix_spawn + waitpid of /bin/true in a loop; prints runs/s)
let environment = ProcessInfo.processInfo.environment
if CommandLine.arguments.dropFirst().first == "spawn" {
    let seconds = CommandLine.arguments.dropFirst(2).first.flatMap { Double($0) } ?? 5
    print(String(format: "%.0f", spawnLoop(seconds: seconds)))
    exit(0)
}
guard let secret = environment["BENCH_SECRET"], !secret.isEmpty,
    let port = CommandLine.arguments.dropFirst().first.flatMap({ Int($0) })
else {
    FileHandle.standardError.write(Data("usage: BENCH_SECRET=… bench-ceiling PORT\n".utf8))
    exit(2)
}
let credentials = try SourceCredentials(secrets: [Secret(bytes: Array(secret.utf8), reference: .environment("BENCH_SECRET"))])
let router = Router()
router.post("/hooks/:source") { request, _ -> Response in
    let body = try await request.body.collect(upTo: 25 << 20)
    let headers = request.headers.map { (name: $0.name.canonicalName, value: $0.value) }
    do {
        try WebhookVerifier.verify(WebhookRequest(headers: headers, body: Array(buffer: body)), forge: .github, credentials: credentials, now: Date())
        return Response(status: .accepted)
    } catch {
        return Response(status: .unauthorized)
    }
}
router.get("/readyz") { _, _ in Response(status: .ok) }
let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: port), serverName: "bench-ceiling"))
try await app.runService()

/// Starts `/bin/true` and waits for it, again and again for `seconds`: the most runs of a command one core can execute
/// one after the other, which `bench/worker` compares the bridge's executed runs with. Returns runs per second.
func spawnLoop(seconds: Double) -> Double {
    let clock = ContinuousClock()
    let start = clock.now
    let end = start + .milliseconds(Int(seconds * 1000))
    var count = 0
    var argv: [UnsafeMutablePointer<CChar>?] = [strdup("/bin/true"), nil]
    defer { free(argv[0]) }
    while clock.now < end {
        var pid: pid_t = 0
        guard posix_spawn(&pid, "/bin/true", nil, nil, &argv, environ) == 0 else { fatalError("posix_spawn failed") }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        count += 1
    }
    let elapsed = (clock.now - start).components
    return Double(count) / (Double(elapsed.seconds) + Double(elapsed.attoseconds) / 1e18)
}
