// swift-tools-version: 6.0
import Foundation
import PackageDescription

// No library target carries an unsafe flag: a package that depends on TendCore, TendStore or
// TendREPL (the fuzz targets) builds them as they are. Only the executable's link is special.
// The release executable on Linux is linked statically when the system's static archives are
// there (libsqlite3-dev, libedit-dev and what it depends on; the Scripts install them): a
// one-line query then starts in half the time, without the dynamic loader binding the C++
// runtime's symbols that the Swift runtime brings (Scripts/bench, start-up). Without them, the
// usual dynamic executable.
let staticArchives = ["libsqlite3.a", "libedit.a", "libtinfo.a", "libbsd.a", "libmd.a"]
let staticExecutable: [LinkerSetting] =
    ["x86_64", "aarch64"].contains { arch in
        staticArchives.allSatisfy { FileManager.default.fileExists(atPath: "/usr/lib/\(arch)-linux-gnu/\($0)") }
    }
    ? [
        .unsafeFlags(
            ["-static-executable", "-Xlinker", "-ltinfo", "-Xlinker", "-lbsd", "-Xlinker", "-lmd"],
            .when(platforms: [.linux], configuration: .release))
    ] : []

let package = Package(
    name: "Tend",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "tend", targets: ["tend"]),
        .library(name: "TendCore", targets: ["TendCore"]),
        .library(name: "TendInterchange", targets: ["TendInterchange"]),
        // For the fuzz targets (Fuzz/), which open databases and run sessions.
        .library(name: "TendStore", targets: ["TendStore"]),
        .library(name: "TendREPL", targets: ["TendREPL"]),
    ],
    dependencies: [
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    ],
    targets: [
        // The language: lexer, parser, checker, interpreter. No I/O, no database.
        .target(name: "TendCore", resources: [.embedInCode("Prelude/prelude.tend")]),
        // SQLite storage through GRDB; the only importer of GRDB.
        .target(
            name: "TendStore", dependencies: ["TendCore", .product(name: "GRDB", package: "GRDB.swift")]),
        // PostgreSQL storage through postgres-nio; the only importer of PostgresNIO.
        .target(
            name: "TendPostgres",
            dependencies: ["TendCore", "TendStore", .product(name: "PostgresNIO", package: "postgres-nio")]),
        // Reading and writing other programs' files: vCard, CSV, iCalendar, DOT.
        .target(name: "TendInterchange", dependencies: ["TendCore"]),
        // libedit, found through pkg-config; Debian ships it in libedit-dev.
        .systemLibrary(
            name: "CEditLine", pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"]), .brew(["libedit"])]),
        // Sessions, output, the REPL; the only importer of CEditLine.
        .target(name: "TendREPL", dependencies: ["TendCore", "TendStore", "TendInterchange", "CEditLine"]),
        // The command line; the only importer of ArgumentParser.
        .executableTarget(
            name: "tend",
            dependencies: ["TendCore", "TendStore", "TendPostgres", "TendREPL", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            linkerSettings: staticExecutable),
        // Running programs from the tests (tend, python3) with a deadline.
        .target(name: "TendTestSupport", dependencies: ["TendCore"], path: "Tests/TendTestSupport"),
        .testTarget(name: "TendCoreTests", dependencies: ["TendCore", "TendTestSupport"]),
        .testTarget(name: "TendStoreTests", dependencies: ["TendStore", "TendCore", "TendTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "TendPostgresTests", dependencies: ["TendPostgres", "TendREPL", "TendStore", "TendCore", "TendTestSupport"]),
        .testTarget(name: "TendInterchangeTests", dependencies: ["TendInterchange", "TendCore", "TendTestSupport"], exclude: ["Fixtures"]),
        .testTarget(
            name: "TendREPLTests", dependencies: ["TendREPL", "TendStore", "TendCore", "TendTestSupport", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(
            name: "TendCLITests", dependencies: ["TendStore", "TendPostgres", "TendTestSupport", .product(name: "GRDB", package: "GRDB.swift")], exclude: ["Golden"]),
    ],
    swiftLanguageModes: [.v6]
)
