import GRDB

/// A bare SQLite connection for making files that are not Tend databases, and for damaging
/// Tend databases the way another program (or a bad disk) could: no foreign keys, no CHECKs.
struct GRDBQueue {
    let queue: DatabaseQueue
    static func make(_ path: String) throws -> GRDBQueue { GRDBQueue(queue: try DatabaseQueue(path: path)) }
    static func unchecked(_ path: String) throws -> GRDBQueue {
        var config = Configuration()
        config.foreignKeysEnabled = false
        config.prepareDatabase { try $0.execute(sql: "PRAGMA ignore_check_constraints = ON") }
        return GRDBQueue(queue: try DatabaseQueue(path: path, configuration: config))
    }
    func execute(_ sql: String) throws { try queue.write { try $0.execute(sql: sql) } }
}
