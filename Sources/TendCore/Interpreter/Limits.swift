#if canImport(Glibc)
    import Glibc

    // glibc's pthread_getattr_np (a GNU extension the Glibc module leaves out): the attributes,
    // stack bounds included, of a running thread.
    @_silgen_name("pthread_getattr_np")
    private func getThreadAttributes(_ thread: pthread_t, _ attr: UnsafeMutablePointer<pthread_attr_t>) -> CInt
#elseif canImport(Darwin)
    import Darwin
#endif

/// How deep evaluation may go on the thread running it. Nesting in the text is limited by the
/// parser, but definitions nest through one another (a fn calling a fn, a let reading a let, a
/// stored rule reading `why`), and a debug build's frames are several KB: the stack itself is
/// the measure, so that no input reaches the end of it, whatever the thread.
struct StackGuard {
    /// Bytes kept free below the limit: one more level of evaluation between two checks, the
    /// error's formatting and the runtime fit in it with room to spare.
    static let reserve: UInt = 512 * 1024

    /// The lowest address evaluation may reach on this thread (stacks grow down); 0 when the
    /// stack's bounds cannot be read (no check then).
    private(set) var limit: UInt = 0
    private var thread: pthread_t?

    /// Reads the current thread's stack bounds, once per thread.
    mutating func prepare() {
        let me = pthread_self()
        if let thread, pthread_equal(thread, me) != 0 { return }
        thread = me
        limit = StackGuard.lowestAddress().map { $0 + StackGuard.reserve } ?? 0
    }

    /// True when the stack is nearly used up.
    @inline(__always) var exhausted: Bool {
        var marker: UInt8 = 0
        return withUnsafeMutablePointer(to: &marker) { UInt(bitPattern: $0) } < limit
    }

    private static func lowestAddress() -> UInt? {
        #if os(Linux)
            var attr = pthread_attr_t()
            guard getThreadAttributes(pthread_self(), &attr) == 0 else { return nil }
            defer { pthread_attr_destroy(&attr) }
            var base: UnsafeMutableRawPointer?
            var size = 0
            guard pthread_attr_getstack(&attr, &base, &size) == 0, let base, size > Int(reserve) * 2 else { return nil }
            return UInt(bitPattern: base)
        #elseif canImport(Darwin)
            let top = UInt(bitPattern: pthread_get_stackaddr_np(pthread_self()))
            let size = UInt(pthread_get_stacksize_np(pthread_self()))
            guard size > reserve * 2 else { return nil }
            return top - size
        #else
            return nil
        #endif
    }
}
