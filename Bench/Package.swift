// swift-tools-version: 6.0
// Release-built harnesses that Scripts/bench times, kept apart so that the main build stays as it is.
// TouchesBench runs the touch engine (#20) on a calendar or a mailbox until `import ics|mbox|maildir`
// is wired into the command line; Scripts/bench links `tendroot` to the repository.
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
