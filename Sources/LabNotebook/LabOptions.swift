import ArgumentParser
import LabData

/// The flags every lab executable shares.
package struct LabOptions: ParsableArguments, Sendable {
    @Option(
        help:
            "Dataset: sample (embedded, default) or fashion-mnist (the full set; apt-get install dataset-fashion-mnist)."
    )
    package var dataset: String = "sample"

    @Option(
        name: .customLong("data-dir"),
        help: ArgumentHelp(
            "A folder with the four standard IDX files (MNIST, KMNIST, …), gzipped or not.", valueName: "dir"))
    package var dataDirectory: String?

    @Option(name: .customLong("train-size"), help: "Use the first N training images.")
    package var trainSize: Int?

    @Option(name: .customLong("test-size"), help: "Use the first N test images.")
    package var testSize: Int?

    @Option(help: "Training epochs (each lab has its own default).")
    package var epochs: Int?

    @Option(help: "Seed of every random draw (same seed, same numbers and figures).")
    package var seed: UInt64 = 1

    @Option(
        name: .customLong("out"),
        help: ArgumentHelp(
            "Output folder for figures, report.md and metrics.json (default out/labNN).", valueName: "dir"))
    package var outputDirectory: String?

    @Flag(
        help:
            "A fast run of a few seconds (small data, few epochs), for smoke tests; written to out/labNN-quick unless --out is given."
    )
    package var quick = false

    @Option(
        name: .customLong("from-section"),
        help: ArgumentHelp(
            "Re-run from section N: the sections before it run quietly and reuse the models the last run with the same flags saved (in OUT/models/), so nothing is retrained.",
            valueName: "N"))
    package var fromSection: Int?

    @Flag(help: "No progress display (the notebook's sections and tables still print).")
    package var quiet = false

    package init() {}

    /// The largest --epochs accepted (a run of a million epochs is a typo, not an experiment).
    package static let maximumEpochs = 100_000

    package func validate() throws {
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
    package func epochs(default normal: Int, quick quickEpochs: Int) -> Int { epochs ?? (quick ? quickEpochs : normal) }

    /// Loads the dataset the flags name, trimmed to --train-size / --test-size (or the quick sizes).
    package func loadDataset(quickTrain: Int = 1000, quickTest: Int = 500, maximumPixels: Int? = nil) throws -> Dataset
    {
        let train = trainSize ?? (quick ? quickTrain : nil), test = testSize ?? (quick ? quickTest : nil)
        return try DatasetSource.from(name: dataset, dataDirectory: dataDirectory).load(
            trainLimit: train, testLimit: test, maximumPixels: maximumPixels)
    }
}
