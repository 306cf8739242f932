import GRDB

/// A bare SQLite connection for making files that are not Tend databases.
struct GRDBQueue {
    let queue: DatabaseQueue
    static func make(_ path: String) throws -> GRDBQueue { GRDBQueue(queue: try DatabaseQueue(path: path)) }
    func execute(_ sql: String) throws { try queue.write { try $0.execute(sql: sql) } }
}
