import Testing
import TorArchives

/// The queue between the reading thread and the parser.
@Suite struct BoundedQueueTests {
    final class Payload: Sendable {}

    /// A popped element belongs to the consumer alone: when the consumer drops it, it is gone,
    /// even though fewer than the 64 pops that trigger compaction have happened. (It used to stay
    /// in the queue's storage until then, so an archive's members piled up in memory.)
    @Test func poppedElementsAreReleasedAtOnce() {
        let queue = BoundedQueue<Payload>(capacity: 4)
        weak var first: Payload?
        weak var second: Payload?
        do {
            let a = Payload(), b = Payload()
            first = a
            second = b
            #expect(queue.push(a))
            #expect(queue.push(b))
        }
        #expect(first != nil && second != nil)   // still queued
        _ = queue.pop()
        #expect(first == nil)
        #expect(second != nil)
        _ = queue.pop()
        #expect(second == nil)
    }

    /// Order is kept across the compaction of popped slots, and the queue ends when closed.
    @Test func firstInFirstOutAcrossCompaction() {
        let queue = BoundedQueue<Int>(capacity: 3)
        var popped: [Int] = []
        for value in 0..<500 {
            #expect(queue.push(value))
            if value % 3 == 2 { while popped.count <= value, let next = queue.pop() { popped.append(next) } }
        }
        queue.close()
        while let next = queue.pop() { popped.append(next) }
        #expect(popped == Array(0..<500))
        #expect(queue.pop() == nil)
    }
}
