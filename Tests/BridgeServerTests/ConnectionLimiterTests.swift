import NIOCore
import NIOEmbedded
import Testing

@testable import BridgeServer

/// Which connection makes room when one too many arrives.
@Suite struct ConnectionLimiterTests {
    @Test func theConnectionWaitingLongestForItsClientMakesRoom() {
        let limiter = ConnectionLimiter(maximum: 2)
        let first = EmbeddedChannel()
        let second = EmbeddedChannel()
        let third = EmbeddedChannel()
        #expect(limiter.opened(first) == nil)
        #expect(limiter.opened(second) == nil)
        #expect(limiter.opened(third) === first)
        #expect(limiter.count == 2)
    }

    @Test func aConnectionBeingAnsweredIsNeverClosedToMakeRoom() {
        let limiter = ConnectionLimiter(maximum: 2)
        let answering = EmbeddedChannel()
        let waiting = EmbeddedChannel()
        _ = limiter.opened(answering)
        _ = limiter.opened(waiting)
        limiter.setBusy(answering, true)
        #expect(limiter.opened(EmbeddedChannel()) === waiting)
    }

    @Test func whenEveryOtherConnectionIsBusyTheNewcomerIsRefused() {
        let limiter = ConnectionLimiter(maximum: 1)
        let busy = EmbeddedChannel()
        _ = limiter.opened(busy)
        limiter.setBusy(busy, true)
        let newcomer = EmbeddedChannel()
        #expect(limiter.opened(newcomer) === newcomer)
        #expect(limiter.count == 1)
    }

    @Test func anAnsweredConnectionWaitsAfreshAndAClosedOneIsForgotten() {
        let limiter = ConnectionLimiter(maximum: 2)
        let first = EmbeddedChannel()
        let second = EmbeddedChannel()
        _ = limiter.opened(first)
        _ = limiter.opened(second)
        // The first connection's request is answered: it now waits for its client since after the second.
        limiter.setBusy(first, true)
        limiter.setBusy(first, false)
        #expect(limiter.opened(EmbeddedChannel()) === second)
        limiter.closed(first)
        #expect(limiter.count == 1)
    }
}
