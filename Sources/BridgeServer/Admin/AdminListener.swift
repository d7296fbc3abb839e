import Hummingbird
import NIOCore
import ServiceLifecycle

/// The admin application as a service of the bridge's group, telling its failed bind apart from the webhook listener's.
struct AdminListener<App: ApplicationProtocol>: Service {
    let application: App

    func run() async throws {
        do {
            try await application.run()
        } catch let error as IOError where error.description.hasPrefix("bind") {
            throw AdminListenError(underlying: error)
        }
    }
}

/// The admin listener could not bind its address.
public struct AdminListenError: Error, Sendable {
    /// The bind error, for `ListenFailure.describe`.
    public let underlying: IOError
}
