import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif

/// One URLSession whose delegate hands each task's response and body chunks to closures, so a
/// download streams to disk (and through a hasher) instead of being held in memory.
///
/// The closures of one task run on the session's serial delegate queue, one at a time, and under
/// the delegate's lock, which ``perform(_:onResponse:onData:)`` takes again before it returns:
/// the queue may run successive callbacks on different threads, and ThreadSanitizer saw no
/// ordering between them (nor to the caller reading what they wrote) without the lock.
final class HTTPTransport: @unchecked Sendable {
    private let delegate = TransferDelegate()
    private let session: URLSession

    init(timeout: TimeInterval, maxConnectionsPerHost: Int) {
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = timeout
        configuration.requestCachePolicy = .reloadIgnoringLocalCacheData
        configuration.urlCache = nil
        configuration.httpMaximumConnectionsPerHost = maxConnectionsPerHost
        let queue = OperationQueue()
        queue.maxConcurrentOperationCount = 1
        session = URLSession(configuration: configuration, delegate: delegate, delegateQueue: queue)
    }

    deinit { session.finishTasksAndInvalidate() }

    /// Runs `request`. `onResponse` decides whether to take the body (false cancels the task);
    /// `onData` consumes each chunk (false cancels). Returns the transport error, if any; a task
    /// cancelled by a closure returns an error too, which the caller ignores in favour of the
    /// reason its closure recorded.
    func perform(_ request: URLRequest, onResponse: @escaping (HTTPURLResponse) -> Bool,
                 onData: @escaping (Data) -> Bool) async -> (any Error)? {
        let task = session.dataTask(with: request)
        let error = await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<(any Error)?, Never>) in
                delegate.register(TransferDelegate.Transfer(onResponse: onResponse, onData: onData,
                                                            continuation: continuation), for: task)
                task.resume()
            }
        } onCancel: {
            task.cancel()
        }
        delegate.synchronize()
        return error
    }

    /// GETs `url` into memory; throws for a transport failure or a status other than 200.
    func fetch(_ url: URL, maxBytes: Int) async throws(CollecTorError) -> [UInt8] {
        let box = FetchBox()
        let error = await perform(URLRequest(url: url), onResponse: { response in
            guard response.statusCode == 200 else {
                box.failure = CollecTorError(.httpStatus(response.statusCode), location: url.absoluteString)
                return false
            }
            return true
        }, onData: { chunk in
            box.bytes.append(contentsOf: chunk)
            guard box.bytes.count <= maxBytes else {
                box.failure = CollecTorError(.io("larger than \(maxBytes) bytes"), location: url.absoluteString)
                return false
            }
            return true
        })
        if let failure = box.failure { throw failure }
        if let error { throw CollecTorError(.transport(error.localizedDescription), location: url.absoluteString) }
        return box.bytes
    }

    /// Only touched from the delegate's callbacks, then read after the task completed.
    private final class FetchBox: @unchecked Sendable {
        var bytes: [UInt8] = []
        var failure: CollecTorError?
    }
}

/// Routes URLSession delegate calls to the ``Transfer`` registered for each task.
final class TransferDelegate: NSObject, URLSessionDataDelegate, @unchecked Sendable {
    struct Transfer {
        let onResponse: (HTTPURLResponse) -> Bool
        let onData: (Data) -> Bool
        let continuation: CheckedContinuation<(any Error)?, Never>
    }

    private let lock = NSLock()
    private var transfers: [Int: Transfer] = [:]

    func register(_ transfer: Transfer, for task: URLSessionTask) {
        lock.lock()
        transfers[task.taskIdentifier] = transfer
        lock.unlock()
    }

    /// Runs `body` with the task's transfer under the lock, so that callbacks on the delegate
    /// queue's threads, and the caller after them, see each other's writes.
    private func withTransfer<Result>(for task: URLSessionTask, _ body: (Transfer) -> Result) -> Result? {
        lock.lock()
        defer { lock.unlock() }
        return transfers[task.taskIdentifier].map(body)
    }

    /// Takes and releases the lock: after a transfer completed, its caller sees everything its
    /// callbacks wrote.
    func synchronize() {
        lock.lock()
        lock.unlock()
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive response: URLResponse,
                    completionHandler: @escaping (URLSession.ResponseDisposition) -> Void) {
        let take = withTransfer(for: dataTask) { transfer in (response as? HTTPURLResponse).map(transfer.onResponse) ?? false }
        completionHandler(take == true ? .allow : .cancel)
    }

    func urlSession(_ session: URLSession, dataTask: URLSessionDataTask, didReceive data: Data) {
        if withTransfer(for: dataTask, { $0.onData(data) }) == false { dataTask.cancel() }
    }

    func urlSession(_ session: URLSession, task: URLSessionTask, didCompleteWithError error: (any Error)?) {
        lock.lock()
        let transfer = transfers.removeValue(forKey: task.taskIdentifier)
        lock.unlock()
        transfer?.continuation.resume(returning: error)
    }
}
