import BridgeCore
import Synchronization

/// The step each slot claimed in the same commit that recorded its previous step's end
/// (`WorkQueue.finishStep(…claimingNextFor:)`), held until the slot's loop takes it: one commit a step where a finish
/// and the next claim took two.
///
/// A slot holds at most one: while it holds one, its next finish claims nothing.
final class SlotHandoffs: Sendable {
    struct Handoff: Sendable {
        let step: ClaimedStep
        /// When the step was claimed, or its lease last renewed.
        let claimedAt: ContinuousClock.Instant
    }

    private let held = Mutex<[String: Handoff]>([:])

    init() {}

    /// Whether the slot `owner` holds a step claimed for it.
    func holds(_ owner: String) -> Bool {
        held.withLock { $0[owner] != nil }
    }

    /// The step held for the slot `owner`, still held.
    func peek(_ owner: String) -> Handoff? {
        held.withLock { $0[owner] }
    }

    /// Keeps `step` for the slot `owner`, as of now (claimed, or its lease renewed); nothing when nil.
    func keep(_ step: ClaimedStep?, for owner: String) {
        guard let step else { return }
        held.withLock { $0[owner] = Handoff(step: step, claimedAt: .now) }
    }

    /// The step claimed for the slot `owner`, no longer held.
    func take(_ owner: String) -> Handoff? {
        held.withLock { $0.removeValue(forKey: owner) }
    }
}
