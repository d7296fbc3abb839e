import BridgeCore
import Foundation
import Hummingbird

// The ceiling `bench/intake` measures gitops-bridge against (issue 14): a bare Hummingbird 2 route that reads a
// webhook's body and checks its GitHub HMAC with the bridge's own verifier, then answers 202. It records nothing, plans
// nothing and parses nothing: what the stack allows before the bridge does its work.
//
// Usage: BENCH_SECRET=… bench-ceiling PORT
let environment = ProcessInfo.processInfo.environment
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
