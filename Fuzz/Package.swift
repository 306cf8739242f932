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
    ],
    swiftLanguageModes: [.v5]
)
