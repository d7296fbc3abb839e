import ServiceLifecycle
import Synchronization

/// Runs a service only once the HTTP listener is bound and serving.
///
/// A second `serve` on a port already in use must fail before it does anything to the shared database: the
/// worker would otherwise claim steps in the moment before the bind fails. If the server never comes up (its
/// bind failed, or shutdown began first), the service never starts.
final class StartWhenServing: Service, Sendable {
    private let service: any Service
    private let serving = Mutex<State>(.waiting([]))

    private enum State {
        case waiting([CheckedContinuation<Bool, Never>])
        case serving
        case abandoned
    }

    init(_ service: any Service) {
        self.service = service
    }

    /// Called from the server's `onServerRunning`: the listener is bound.
    func serverIsRunning() {
        finishWaiting(serving: true)
    }

    func run() async throws {
        let start = await cancelWhenGracefulShutdown { await self.waitForServer() }
        guard start else { return }
        try await service.run()
    }

    /// True once the server runs; false when the wait was cancelled (the group is ending) first.
    private func waitForServer() async -> Bool {
        await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let answer: Bool? = serving.withLock { state in
                    switch state {
                    case .waiting(let waiting):
                        state = .waiting(waiting + [continuation])
                        return nil
                    case .serving: return true
                    case .abandoned: return false
                    }
                }
                if let answer { continuation.resume(returning: answer) }
            }
        } onCancel: {
            finishWaiting(serving: false)
        }
    }

    /// Settles the wait once, either way, and wakes whoever waits.
    private func finishWaiting(serving isServing: Bool) {
        let waiting = serving.withLock { state -> [CheckedContinuation<Bool, Never>] in
            guard case .waiting(let waiting) = state else { return [] }
            state = isServing ? .serving : .abandoned
            return waiting
        }
        for continuation in waiting { continuation.resume(returning: isServing) }
    }
}
