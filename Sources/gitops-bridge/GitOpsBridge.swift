import ArgumentParser

@main
struct GitOpsBridge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "gitops-bridge",
        abstract: "Deployments that follow merges: verified forge webhooks, routed by a rules file, recorded exactly once.",
        subcommands: [Serve.self, Check.self, Explain.self, Deliveries.self, Runs.self, Send.self, Migrate.self, Reconcile.self, Doctor.self]
    )
}
