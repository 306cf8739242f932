// swift-tools-version: 6.0
// Release-built harnesses that Scripts/bench times, kept apart so that the main build stays as it is.
// TouchesBench runs the touch engine (#20) alone, with no database, on a calendar or a mailbox (to
// profile the readers); Scripts/bench times `tend import ics|mbox` itself. Link `tendroot` to the
// repository (`ln -sfn .. tendroot`) before building it.
import PackageDescription

let package = Package(
    name: "TendBench",
    dependencies: [.package(path: "tendroot")],
    targets: [
        .executableTarget(
            name: "TouchesBench",
            dependencies: [.product(name: "TendInterchange", package: "tendroot"), .product(name: "TendCore", package: "tendroot")])
    ],
    swiftLanguageModes: [.v5]
)
