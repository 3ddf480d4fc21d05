import Foundation

/// Runs blocking work (libcurl transfers, libav muxing) on a thread of its own, off Swift's cooperative pool.
///
/// The cooperative pool has one thread per core; a blocking call there stalls every task. Each call here gets
/// a dedicated `Thread` that ends when `body` returns. Cancelling the awaiting task does not interrupt `body`:
/// pair it with a ``StopSignal`` that `body` checks.
public func runOnDedicatedThread<Result: Sendable>(
    name: String,
    _ body: @escaping @Sendable () throws -> Result
) async throws -> Result {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Result, any Error>) in
        let thread = Thread {
            continuation.resume(with: Swift.Result { try body() })
        }
        thread.name = name
        thread.stackSize = 1 << 20
        thread.start()
    }
}
