import ArgumentParser

@main
struct GitOpsBridge: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "gitops-bridge", abstract: "Deployments that follow merges.")
}
