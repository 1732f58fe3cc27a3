import Dispatch

/// A value computed on another thread from now on and waited for at its first use: work a report may need
/// (kernel symbols) overlaps the reading of the recording on a second CPU.
final class Prefetch<T: Sendable>: @unchecked Sendable {
    private var value: T?
    private let group = DispatchGroup()

    init(_ make: @escaping @Sendable () -> T) {
        group.enter()
        DispatchQueue.global().async {
            self.value = make()
            self.group.leave()
        }
    }

    /// The value (waits for the computation; nil only if it never finished, which cannot happen).
    var result: T? {
        group.wait()
        return value
    }
}
