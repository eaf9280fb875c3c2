import ArgumentParser
import LabData

/// The flags every lab executable shares.
public struct LabOptions: ParsableArguments, Sendable {
    @Option(
        help:
            "Dataset: sample (embedded, default) or fashion-mnist (the full set; apt-get install dataset-fashion-mnist)."
    )
    public var dataset: String = "sample"

    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "A folder with the four standard IDX files (MNIST, KMNIST, …), gzipped or not.", valueName: "dir"))
    public var dataDirectory: String?

    @Option(name: .customLong("train-size"), help: "Use the first N training images.")
    public var trainSize: Int?

    @Option(name: .customLong("test-size"), help: "Use the first N test images.")
    public var testSize: Int?

    @Option(help: "Training epochs (each lab has its own default).")
    public var epochs: Int?

    @Option(help: "Seed of every random draw (same seed, same numbers and figures).")
    public var seed: UInt64 = 1

    @Option(
        name: .customLong("out"),
        help: ArgumentHelp(
            "Output folder for figures, report.md and metrics.json (default out/labNN).", valueName: "dir"))
    public var outputDirectory: String?

    @Flag(
        help:
            "A fast run of a few seconds (small data, few epochs), for smoke tests; written to out/labNN-quick unless --out is given."
    )
    public var quick = false

    @Option(
        name: .customLong("from-section"),
        help: ArgumentHelp(
            "Re-run from section N: the sections before it run quietly and reuse the models the last run with the same flags saved (in OUT/models/), so nothing is retrained.",
            valueName: "N"))
    public var fromSection: Int?

    @Flag(help: "No progress display (the notebook's sections and tables still print).")
    public var quiet = false

    public init() {}

    /// The largest --epochs accepted (a run of a million epochs is a typo, not an experiment).
    public static let maximumEpochs = 100_000

    public func validate() throws {
        if let trainSize, trainSize < 10 { throw ValidationError("--train-size must be at least 10, got \(trainSize)") }
        if let testSize, testSize < 10 { throw ValidationError("--test-size must be at least 10, got \(testSize)") }
        if let epochs, !(1...Self.maximumEpochs).contains(epochs) {
            throw ValidationError("--epochs must be between 1 and \(Self.maximumEpochs), got \(epochs)")
        }
        if let fromSection, fromSection < 1 {
            throw ValidationError("--from-section must be at least 1, got \(fromSection)")
        }
        if let outputDirectory, outputDirectory.isEmpty { throw ValidationError("--out needs a folder name") }
        _ = try DatasetSource.from(name: dataset, dataDirectory: dataDirectory)
    }

    /// The epochs to train: --epochs, else the lab's default (or its quick default).
    public func epochs(default normal: Int, quick quickEpochs: Int) -> Int { epochs ?? (quick ? quickEpochs : normal) }

    /// Loads the dataset the flags name, trimmed to --train-size / --test-size (or the quick sizes).
    public func loadDataset(quickTrain: Int = 1000, quickTest: Int = 500, maximumPixels: Int? = nil) throws -> Dataset {
        let train = trainSize ?? (quick ? quickTrain : nil), test = testSize ?? (quick ? quickTest : nil)
        return try DatasetSource.from(name: dataset, dataDirectory: dataDirectory).load(
            trainLimit: train, testLimit: test, maximumPixels: maximumPixels)
    }
}
