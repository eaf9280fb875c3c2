// swift-tools-version: 6.0
//
// AutoencoderLabs — nine notebook-style labs on one small tensor + autodiff core.
//
// The exercise modules (`Lab01Exercises`, …) compile from `Labs/LabNN/` — the student's stubs.
// instructor-only: begin
// With the environment variable `LABKIT_SOLUTIONS=1` they compile from `Solutions/LabNN/`,
// the reference implementation with the same API:
//
//     swift run lab01                          # the student's code
//     LABKIT_SOLUTIONS=1 swift test            # verify the kit with the reference solutions
//
// Lines between "instructor-only: begin" and "instructor-only: end" (here and in every file)
// are left out of the student release, and so are the instructor's targets below.
// instructor-only: end
//
// `LABKIT_LABS_DIR=/path/to/Labs` points the exercise modules at another folder (the
// grader uses it to build one student's submission against the shared, compiled core).
import Foundation
import PackageDescription

let environment = Context.environment
/// The folder the exercise modules compile from, and the define that tells the labs which.
let (exercisesRoot, exercisesDefine): (String, String) = {
    if let folder = environment["LABKIT_LABS_DIR"] {
        return (folder, folder == "Labs" ? "LABKIT_EXERCISES_LABS" : "LABKIT_EXERCISES_OTHER")
    }
    // instructor-only: begin
    if ["1", "true", "yes"].contains(environment["LABKIT_SOLUTIONS"]?.lowercased() ?? "") {
        return ("Solutions", "LABKIT_EXERCISES_SOLUTIONS")
    }
    // instructor-only: end
    return ("Labs", "LABKIT_EXERCISES_LABS")
}()

/// The core is compiled with optimisation even in debug builds, so that `swift run lab03`
/// and `swift test` train at nearly release speed (students never pass `-c release`).
let optimizedSwift: [SwiftSetting] = [.unsafeFlags(["-O"], .when(configuration: .debug))]
let optimizedC: [CSetting] = [.unsafeFlags(["-O3", "-fno-math-errno"])]

/// The type checker gives up on one expression after 20 s with an error on its line (a
/// type-checker bomb in a submission costs its lab, not a whole class's grading).
let typeCheckerLimit: [SwiftSetting] = [.unsafeFlags(["-Xfrontend", "-solver-expression-time-threshold=20"])]

let argumentParser: Target.Dependency = .product(name: "ArgumentParser", package: "swift-argument-parser")

/// Every lab that exists. Each brings three targets below — the exercises (Labs/LabNN), the
/// notebook executable (Sources/labNN) and the graded checks (Tests/Graded/LabNNChecks). A test
/// fails when this list and the lab registry (Sources/LabRegistry/labs.json) disagree: SwiftPM
/// caches the manifest, so the list is written out rather than read from the registry.
let labs = ["01", "02", "03", "04", "05", "06", "07", "08", "09"]

var targets: [Target] = [
    // C: the few hot kernels (packed SIMD matrix multiply), and the system libraries.
    .target(name: "CKernels", cSettings: optimizedC),
    // C: starting an untrusted child (new session, only the given descriptors, rlimits, a dropped user).
    .target(name: "CSandbox"),
    .systemLibrary(
        name: "CPNG", pkgConfig: "libpng",
        providers: [.apt(["libpng-dev"]), .brew(["libpng"])]),
    .systemLibrary(
        name: "CZlib", pkgConfig: "zlib",
        providers: [.apt(["zlib1g-dev"]), .brew(["zlib"])]),

    // Swift: the lab registry (every lab's title, exercises, points, figures: Sources/LabRegistry/labs.json) …
    .target(name: "LabRegistry", resources: [.copy("labs.json")]),
    // … the core (tensors, autodiff, layers, optimizers, linear algebra) …
    .target(name: "LabKit", dependencies: ["CKernels"], swiftSettings: optimizedSwift),
    // … PNG files and plots (no tensors: plots take plain arrays) …
    .target(
        name: "LabPlot", dependencies: ["CPNG"],
        resources: [.copy("Resources/font")], swiftSettings: optimizedSwift),
    // … IDX datasets (system Fashion-MNIST, any folder, the embedded sample) …
    .target(
        name: "LabData", dependencies: ["CZlib", "LabKit"],
        resources: [.copy("Resources/fashion-sample")], swiftSettings: optimizedSwift),
    // … the notebook runtime every lab runs on: flags and knobs, numbered sections, reports,
    // all-or-nothing output folders, saved models, evaluation and figure helpers …
    .target(
        name: "LabNotebook",
        dependencies: [
            "LabKit", "LabPlot", "LabData", "LabRegistry", "CSandbox",
            argumentParser,
        ],
        // Which exercises the labs are built with, for each run's report.
        swiftSettings: optimizedSwift + [.define(exercisesDefine)]),
    // … and the grading: point table, sandboxed grader, Gradescope output.
    // Optimised too: the grader drains every byte a check prints (a hostile one prints GiBs).
    .target(
        name: "LabGrading", dependencies: ["LabData", "LabRegistry", "CSandbox", "ExerciseChannel"],
        swiftSettings: optimizedSwift),

    // The channel between the checks and the exercise process: the wire format, the checks'
    // session, the exercise process's loop, crash reports.
    .target(name: "ExerciseChannel", dependencies: ["LabKit", "CSandbox"], swiftSettings: optimizedSwift),
    // The exercises as the checks call them: the stubs' signatures, run in the exercise process.
    .target(name: "ExerciseCalls", dependencies: ["ExerciseChannel", "LabKit"]),
    // The exercise process: the student's code behind the channel, and nothing that grades.
    .executableTarget(
        name: "exercise-server",
        dependencies: ["ExerciseChannel", "LabKit"] + labs.map { .target(name: "Lab\($0)Exercises") },
        swiftSettings: optimizedSwift),

    // Helpers for the graded checks (XCTest): stub detection and teaching failure messages.
    .target(name: "LabTesting", dependencies: ["LabKit", "ExerciseChannel"]),

    // The grader's command line, shared by `grade` and the instructor's class grader.
    .target(
        name: "GradeCommandLine",
        dependencies: ["LabGrading", "LabNotebook", "LabRegistry", argumentParser]),
    .executableTarget(
        name: "grade",
        dependencies: ["GradeCommandLine", "LabGrading", "LabRegistry", argumentParser]),

    .testTarget(name: "LabKitTests", dependencies: ["LabKit"]),
    .testTarget(name: "LabPlotTests", dependencies: ["LabPlot"]),
    .testTarget(name: "LabDataTests", dependencies: ["LabData"]),
    .testTarget(name: "LabNotebookTests", dependencies: ["LabNotebook", "LabKit", "LabPlot", "LabData"]),
    .testTarget(name: "LabTestingTests", dependencies: ["LabTesting"]),
    .testTarget(name: "ExerciseChannelTests", dependencies: ["ExerciseChannel", "LabKit"]),
]

// instructor-only: begin
// The instructor's tools: class grading, the similarity report, the release, the reference figures, the bench.
targets += [
    .executableTarget(
        name: "grade-class",
        dependencies: [
            "GradeCommandLine", "LabGrading", "LabNotebook", "LabRegistry",
            argumentParser,
        ]),
    .executableTarget(
        name: "bench", dependencies: ["LabKit", "LabData", "Lab06Exercises", "Lab08Exercises"],
        swiftSettings: optimizedSwift),
    .executableTarget(
        name: "figure-gallery", dependencies: ["LabPlot", "LabKit"], swiftSettings: optimizedSwift),
    .executableTarget(
        name: "figures",
        dependencies: ["LabNotebook", "LabGrading", "LabPlot", "LabRegistry", argumentParser]),
    .executableTarget(
        name: "release",
        dependencies: ["LabGrading", "LabNotebook", "LabRegistry", argumentParser]),
    .testTarget(name: "LabGradingTests", dependencies: ["LabGrading", "LabRegistry"]),
    // The similarity report of a graded class: token fingerprints, an index, the report.
    .target(name: "LabSimilarity", dependencies: ["LabGrading", "LabRegistry"], swiftSettings: optimizedSwift),
    .executableTarget(
        name: "similarity", dependencies: ["LabSimilarity", "LabRegistry", "LabKit", argumentParser],
        swiftSettings: optimizedSwift),
    .testTarget(name: "LabSimilarityTests", dependencies: ["LabSimilarity", "LabRegistry"], exclude: ["Class"]),
]
// instructor-only: end

for number in labs {
    let exercises = "Lab\(number)Exercises"
    targets += [
        .target(
            name: exercises, dependencies: ["LabKit"],
            path: "\(exercisesRoot)/Lab\(number)", swiftSettings: optimizedSwift + typeCheckerLimit),
        .executableTarget(
            name: "lab\(number)",
            dependencies: [
                .target(name: exercises), "LabNotebook", "LabKit", "LabPlot", "LabData",
                argumentParser,
            ],
            swiftSettings: optimizedSwift),
        .testTarget(
            name: "Lab\(number)Checks", dependencies: ["ExerciseCalls", "LabKit", "LabTesting"],
            path: "Tests/Graded/Lab\(number)Checks"),
    ]
    // Instructors' hidden checks, left out of the student release (Tests/Hidden/LabNNHiddenChecks).
    let hidden = "Tests/Hidden/Lab\(number)HiddenChecks"
    if FileManager.default.fileExists(atPath: Context.packageDirectory + "/" + hidden) {
        targets.append(
            .testTarget(
                name: "Lab\(number)HiddenChecks", dependencies: ["ExerciseCalls", "LabKit", "LabTesting"], path: hidden)
        )
    }
}

let package = Package(
    name: "AutoencoderLabs",
    platforms: [.macOS(.v13)],
    products: [.library(name: "LabKit", targets: ["LabKit"])],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0")
    ],
    targets: targets
)
