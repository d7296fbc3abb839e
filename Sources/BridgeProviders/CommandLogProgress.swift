import BridgeCore
import Synchronization

/// What of a running command's output has gone to its step's log already (`StepJournal.appendLog`), so the log can be
/// followed live and nothing is logged twice.
///
/// Only whole lines are added while the command runs, each with the resolved secrets masked: a secret is never split
/// between two additions, where masking could not see it. The rest (a last line without its newline, or what could
/// not be added) goes with the outcome.
final class CommandLogProgress: Sendable {
    private let journal: any StepJournal
    private let secrets: [String]
    /// How many bytes of the output the journal has.
    private let added = Atomic(0)

    init(journal: any StepJournal, secrets: [String]) {
        self.journal = journal
        self.secrets = secrets
    }

    /// How many bytes of the output the journal has.
    var addedBytes: Int { added.load(ordering: .acquiring) }

    /// Adds the whole lines of `output` the journal does not have yet.
    func add(_ output: BoundedOutput) async {
        let start = addedBytes
        guard let end = output.lastLineEnd, end > start else { return }
        let text = CommandDeployer.masking(secrets, in: output.text(after: start, upTo: end))
        if await journal.appendLog(text) { added.store(end, ordering: .releasing) }
    }

    /// The masked text of the output the journal does not have yet.
    func rest(of output: BoundedOutput, after taken: Int? = nil) -> String {
        CommandDeployer.masking(secrets, in: output.text(after: taken ?? addedBytes))
    }
}
