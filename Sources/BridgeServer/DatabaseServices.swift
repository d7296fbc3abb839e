import BridgeStore
import ServiceLifecycle

/// Wakes the worker when another replica (or `gitops-bridge runs retry` on another machine) may have given it work:
/// PostgreSQL's `NOTIFY`, listened for on a connection of its own until shutdown begins.
struct WorkNotifications: Service {
    let database: any BridgeDatabase
    let worker: DeploymentWorker

    func run() async {
        await cancelWhenGracefulShutdown {
            await database.listenForWork { worker.workArrived() }
        }
    }
}

/// Closes the database once everything that uses it has stopped: the first service of the group, so it shuts down last.
struct DatabaseCloser: Service {
    let database: any BridgeDatabase

    func run() async {
        try? await gracefulShutdown()
        await database.shutDown()
    }
}
