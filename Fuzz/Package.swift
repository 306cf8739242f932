// swift-tools-version: 6.0
// libFuzzer targets for Tend, kept apart so that the main build never needs the fuzzer runtime.
// Scripts/fuzz builds them with -sanitize=fuzzer,address and runs each for a given time.
import PackageDescription

let package = Package(
    name: "TendFuzz",
    dependencies: [.package(path: "tendroot")],
    targets: [
        .target(name: "FuzzDriver"),
        .executableTarget(name: "FuzzLanguage", dependencies: ["FuzzDriver", .product(name: "TendCore", package: "tendroot")]),
        .executableTarget(
            name: "FuzzImport",
            dependencies: [
                "FuzzDriver", .product(name: "TendInterchange", package: "tendroot"), .product(name: "TendCore", package: "tendroot"),
            ]),
        .executableTarget(
            name: "FuzzStore",
            dependencies: [
                "FuzzDriver", .product(name: "TendStore", package: "tendroot"), .product(name: "TendREPL", package: "tendroot"),
                .product(name: "TendCore", package: "tendroot"),
            ]),
        // Touches from files (#20): the iCalendar reader and recurrences; the mail header reader and mbox scanner.
        .target(
            name: "TouchFixture",
            dependencies: [.product(name: "TendInterchange", package: "tendroot"), .product(name: "TendCore", package: "tendroot")]),
        .executableTarget(
            name: "FuzzCalendar",
            dependencies: [
                "FuzzDriver", "TouchFixture", .product(name: "TendInterchange", package: "tendroot"), .product(name: "TendCore", package: "tendroot"),
            ]),
        .executableTarget(
            name: "FuzzMail",
            dependencies: [
                "FuzzDriver", "TouchFixture", .product(name: "TendInterchange", package: "tendroot"), .product(name: "TendCore", package: "tendroot"),
            ]),
    ],
    swiftLanguageModes: [.v5]
)
