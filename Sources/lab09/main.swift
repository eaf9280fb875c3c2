// Lab 09 — Anomaly detection with reconstruction error.
//
// Sakurada & Yairi (2014); An & Cho (2015); Fawcett, "An introduction to ROC analysis" (2006).
//
// Read top to bottom: `notebook` lists the sections, each a function below that explains a
// step, then runs it. The student's code is in Labs/Lab09/Lab09Anomaly.swift (9.1–9.7).
//
//   swift run lab09 [--quick] [--dataset fashion-mnist] [--epochs N] [--seed S] [--out DIR] [--from-section N]
//   swift run lab09 --help        # every flag, and this lab's knobs with what to try
import ArgumentParser
import Foundation
import Lab09Exercises
import LabData
import LabKit
import LabNotebook
import LabPlot

enum Lab09: LabProgram {
    static let info = LabInfo(
        number: 9, sections: 5,
        reference: "Sakurada & Yairi (2014); An & Cho (2015); Fawcett (2006)",
        summary: """
            An autoencoder trained only on normal images reconstructs them well and anything else worse, so its \
            reconstruction error is an anomaly score. Each class in turn plays the anomaly: the models never see \
            it in training. We write the scores (mean and patch-max error, and PCA's as a baseline), the exact ROC \
            curve and its AUC with ties, a threshold chosen from normal images alone, and its precision, recall \
            and F1 — and find which classes hide among the others.
            """,
        requirements: (train: 10, test: 10, pixels: 64 * 64))

    static let defaultLearningRate: Float = 1e-3

    struct Knobs: LabKnobs {
        @Option(
            parsing: .upToNextOption,
            help: ArgumentHelp(
                "Classes to hold out as the anomaly, one at a time (default: every class). Try 6 0.",
                valueName: "C"))
        var anomalyClasses: [Int] = []
        @Option(help: "The autoencoders' code size, and PCA's number of components. Try 8.")
        var codeSize = 32
        @Option(help: "Masking noise of the denoising autoencoder. Try 0.5.")
        var maskingP: Float = 0.25
        @Option(help: "Side of the patch-max error's window, in pixels. Try 2 or 8.")
        var patch = 4
        @Option(help: "Quantile of the normal training scores used as the threshold. Try 0.99.")
        var quantile = 0.95

        func validate() throws {
            let distinct = Set(anomalyClasses).count == anomalyClasses.count
            try requireKnob(
                anomalyClasses.allSatisfy { (0..<100).contains($0) } && distinct,
                "--anomaly-classes takes distinct class numbers, got \(anomalyClasses)")
            try requireKnob((1...784).contains(codeSize), "--code-size must be between 1 and 784, got \(codeSize)")
            try requireKnob((0..<1).contains(maskingP), "--masking-p must be in [0, 1), got \(maskingP)")
            try requireKnob((1...16).contains(patch), "--patch must be between 1 and 16, got \(patch)")
            try requireKnob(quantile > 0 && quantile <= 1, "--quantile must be in (0, 1], got \(quantile)")
        }
    }

    static func notebook(_ run: LabRun<Lab09>) throws {
        let data = try run.dataSection(
            explanation: """
                Images x ∈ [0, 1]^D with their classes. For each held-out class, the training images of the other \
                classes are the normal data; the test set keeps every class, so the held-out one is the anomaly to find.
                """)
        try run.checkTheMetrics()
        let experiments = try run.holdOutEachClass(data)
        try run.thresholds(experiments, data)
        try run.figures(experiments, data)
    }
}

extension Lab09 {
    /// One piece per held-out class: two autoencoders trained on the other classes, and PCA
    /// (the covariance, n·D² multiply-adds, and its eigenvectors, about 4·D³ up to 1024 pixels).
    static func plannedWork(_ run: LabRun<Lab09>, _ data: Dataset) -> [PlannedWork] {
        let d = data.pixels, widths = [d, 128, run.knobs.codeSize, 128, d]
        return run.heldOutClasses(data).map { c in
            let n = data.train.labels.filter { $0 != c }.count
            let training = PlannedWork.dense("", widths, epochs: run.epochs, examples: n).weight
            let eigen = d <= 1024 ? 4 * pow(Double(d), 3) : 40 * Double(d * d * run.knobs.codeSize)
            return PlannedWork(LabRun<Lab09>.heldOutLabel(c), weight: 2 * training + Double(n * d * d) + eigen)
        }
    }
}

extension LabRun where Lab == Lab09 {
    static func heldOutLabel(_ c: Int) -> String { "held-out class \(c)" }
    /// The classes held out in turn (the knob's, or every class).
    func heldOutClasses(_ data: Dataset) -> [Int] {
        knobs.anomalyClasses.isEmpty ? Array(0..<data.classCount) : knobs.anomalyClasses
    }

    var epochs: Int { options.epochs(default: 10, quick: 2) }

    func checkTheMetrics() throws {
        nb.section(
            "The ROC curve and its area, on five images (exercises 9.3, 9.4)",
            """
            A score ranks the images; the ROC curve shows every trade-off a threshold can make between false alarms \
            (normal images flagged) and detections (anomalies flagged), and its area is the chance that a random \
            anomaly outranks a random normal image. Five images, two of them anomalies, with a tie at 0.8:
            """)
        let scores: [Float] = [0.9, 0.8, 0.8, 0.3, 0.1], truth = [true, false, true, false, false]
        nb.table(["score", "anomaly?"], zip(scores, truth).map { ["\($0)", $1 ? "yes" : "no"] })
        let curve = try rocCurve(scores: scores, isAnomaly: truth)
        let auc = try rocAUC(scores: scores, isAnomaly: truth)
        nb.table(
            ["your ROC point", "FPR", "TPR"],
            curve.enumerated().map { i, point in
                ["\(i)", Format.fixed(point.falsePositiveRate, 3), Format.fixed(point.truePositiveRate, 3)]
            })
        nb.say(
            """
            Your AUC: \(Format.fixed(auc, 4)). By hand: of the 2 × 3 (anomaly, normal) pairs the anomaly scores higher \
            in 5 and ties in 1, so AUC = (5 + ½)/6 ≈ 0.9167, and the tied pair is the one diagonal step of the curve.
            """)
    }
}

/// The ways to score an image, compared for every held-out class.
enum Method: Int, CaseIterable {
    case meanError, patchMax, denoising, pca

    var name: String { ["AE, mean error", "AE, patch-max", "denoising AE", "PCA"][rawValue] }
    var key: String { ["ae_mean", "ae_patch_max", "denoising_ae", "pca"][rawValue] }
}

/// One held-out class: the scores of every method on the normal training and all test images.
struct Experiment {
    let anomalyClass: Int
    let testScores: [[Float]]  // [method][test image]
    let trainScores: [[Float]]  // [method][normal training image]
    let auc: [Double]  // [method]
    let isAnomaly: [Bool]  // per test image
}

extension LabRun where Lab == Lab09 {
    func holdOutEachClass(_ data: Dataset) throws -> [Experiment] {
        let classes = heldOutClasses(data)
        if let missing = classes.first(where: { $0 >= data.classCount }) {
            throw ValidationError(
                "--anomaly-classes: there is no class \(missing); this dataset has "
                    + "\(data.classCount)")
        }
        nb.section(
            "Each class in turn as the anomaly (exercises 9.1, 9.2, 9.4, 9.7)",
            """
            For each held-out class: a \(data.pixels)-128-\(knobs.codeSize)-128-\(data.pixels) autoencoder (ReLU, \
            sigmoid output, squared error, Adam, \(epochs) epochs) and a denoising one (masking noise p = \
            \(Format.number(knobs.maskingP))) trained on the other classes' training images, and PCA with \
            \(knobs.codeSize) components fitted to them. Every test image gets four scores: the autoencoder's mean \
            squared error (9.1) and its worst \(knobs.patch) × \(knobs.patch) patch (9.2), the denoising \
            autoencoder's mean error, and PCA's (9.7). AUC of each score at finding the held-out class (9.4):
            """)
        var experiments: [Experiment] = [], skipped: [String] = []
        for c in classes {
            let anomalies = data.test.labels.filter { $0 == c }.count, label = Self.heldOutLabel(c)
            if anomalies == 0 || anomalies == data.test.count || data.train.labels.allSatisfy({ $0 == c }) {
                skipped.append("\(c) (\(anomalies) of \(data.test.count) test images)")
                ProgressDisplay.shared.skip(label)
            } else {
                ProgressDisplay.shared.update(label, fraction: 0)
                experiments.append(try holdOut(c, data))
                let auc = Format.fixed(experiments.last!.auc[Method.meanError.rawValue], 3)
                ProgressDisplay.shared.finish(label, summary: "  class \(c) held out: AUC \(auc) (AE, mean error)")
            }
        }
        guard !experiments.isEmpty else {
            throw DataError.invalidArgument(
                "lab09 needs at least two classes, and one that has test images "
                    + "while other classes have training images; \(data.name) has none")
        }
        if !skipped.isEmpty {
            nb.say(
                "Left out, for lack of anomalies or of normal images to compare with: class "
                    + skipped.joined(separator: ", ") + ".")
        }
        try reportAUC(experiments, data)
        return experiments
    }

    /// Trains the models without class `c` and scores the test images and the normal training images.
    func holdOut(_ c: Int, _ data: Dataset) throws -> Experiment {
        let normal = data.train.labels.indices.filter { data.train.labels[$0] != c }
        let isAnomaly = data.test.labels.map { $0 == c }
        let train = data.train.images.gatherRows(normal), test = data.test.images
        let plain = try trainAutoencoder(
            "ae-without-\(c)", on: train, maskingP: 0,
            seed: options.seed &+ UInt64(10 * c))
        let denoising = try trainAutoencoder(
            "denoising-ae-without-\(c)", on: train, maskingP: knobs.maskingP,
            seed: options.seed &+ UInt64(10 * c + 5))
        let (mean, components) = principalSubspace(of: train, k: Swift.min(knobs.codeSize, data.pixels))
        func scores(_ x: Tensor) throws -> [[Float]] {
            let reconstructions = plain.reconstruct(x)
            return [
                try reconstructionErrors(images: x, reconstructions: reconstructions),
                try patchMaxErrors(
                    images: x, reconstructions: reconstructions, height: data.height,
                    width: data.width, patch: Swift.min(knobs.patch, data.height, data.width)),
                try reconstructionErrors(images: x, reconstructions: denoising.reconstruct(x)),
                try pcaReconstructionErrors(images: x, mean: mean, components: components),
            ]
        }
        let testScores = try scores(test), trainScores = try scores(train)
        let complete =
            testScores.allSatisfy { $0.count == test.rowCount }
            && trainScores.allSatisfy { $0.count == train.rowCount }
        guard complete else {
            let counts = testScores.map(\.count)
            throw LabError.unusableResult(
                exercise: "9.1, 9.2 or 9.7",
                problem: "returned \(counts) scores for \(test.rowCount) test images")
        }
        let auc = try testScores.map { try rocAUC(scores: $0, isAnomaly: isAnomaly) }
        return Experiment(
            anomalyClass: c, testScores: testScores, trainScores: trainScores, auc: auc,
            isAnomaly: isAnomaly)
    }

    /// An autoencoder trained on normal images (with masking noise when p > 0), saved with the run.
    func trainAutoencoder(_ name: String, on train: Tensor, maskingP p: Float, seed: UInt64) throws -> Autoencoder {
        var rng = SeededGenerator(seed: seed)
        let model = Autoencoder(sizes: [train.columnCount, 128, knobs.codeSize], using: &rng)
        _ = try trainWithAdam(
            name, model.parameters, on: train, epochs: epochs, label: name,
            seed: seed &+ 1
        ) { batch, generator in
            let kept = p > 0 ? Tensor.randomUniform(batch.shape, using: &generator).map { $0 >= p ? 1 : 0 } : nil
            let input = kept.map { batch * $0 } ?? batch
            let reconstruction = model(Variable(input))
            return LossTerms(meanSquaredError(predictions: reconstruction, targets: batch))
        }
        return model
    }

    /// The mean and the top-k principal directions (columns) of the rows of x (only those k are
    /// computed: a 64×64-pixel covariance would take the full eigensolver a minute per class).
    func principalSubspace(of x: Tensor, k: Int) -> (mean: Tensor, components: Tensor) {
        let mean = x.mean(alongAxis: 0)
        let centred = x - mean
        let covariance = Tensor.matmul(centred, centred, transposeA: true) / Float(x.rowCount)
        return (mean, LeadingEigen(covariance, count: k).vectors)
    }
}

extension LabRun where Lab == Lab09 {
    func reportAUC(_ experiments: [Experiment], _ data: Dataset) throws {
        let rows = experiments.map { e in
            ["\(e.anomalyClass) \(data.classNames[e.anomalyClass])"] + e.auc.map { Format.fixed($0, 3) }
        }
        let means = Method.allCases.map { m in
            experiments.map { $0.auc[m.rawValue] }.reduce(0, +) / Double(experiments.count)
        }
        nb.table(
            ["held-out class"] + Method.allCases.map(\.name),
            rows + [["mean"] + means.map { Format.fixed($0, 3) }])
        for e in experiments {
            for m in Method.allCases { nb.metric("auc_class\(e.anomalyClass)_\(m.key)", e.auc[m.rawValue]) }
        }
        for m in Method.allCases { nb.metric("auc_mean_\(m.key)", means[m.rawValue]) }
        let best = Method.allCases.max { means[$0.rawValue] < means[$1.rawValue] }!
        let byDifficulty = experiments.sorted { $0.auc[Method.meanError.rawValue] < $1.auc[Method.meanError.rawValue] }
        let hard = byDifficulty.prefix(2).filter { $0.auc[Method.meanError.rawValue] < 0.75 }
        var text =
            "Averaged over the held-out classes, \(best.name) scores best "
            + "(mean AUC \(Format.fixed(means[best.rawValue], 3))). "
        if hard.isEmpty {
            text += "Every class stands out with an AUC of at least 0.75 from the autoencoder's mean error."
        } else {
            text +=
                "The hardest to find: "
                + hard.map {
                    "\(data.classNames[$0.anomalyClass]) (AUC "
                        + Format.fixed($0.auc[Method.meanError.rawValue], 3) + ")"
                }.joined(separator: " and ")
                + " — the normal classes include look-alikes"
                + (data.classNames.contains("Shirt") ? " (shirts, T-shirts, pullovers and coats share a shape)" : "")
                + ", so the autoencoder reconstructs them nearly as well as the classes it was trained on."
        }
        if let easy = byDifficulty.last, experiments.count > 1 {
            let area = Format.fixed(easy.auc[Method.meanError.rawValue], 3)
            text += " The easiest: \(data.classNames[easy.anomalyClass]) (AUC \(area))."
        }
        nb.say(text)
    }
}

extension LabRun where Lab == Lab09 {
    /// The held-out classes the later sections look at: the hardest and the easiest for the
    /// autoencoder's mean error (one when only one class was held out).
    func detailed(_ experiments: [Experiment]) -> [Experiment] {
        let sorted = experiments.sorted { $0.auc[Method.meanError.rawValue] < $1.auc[Method.meanError.rawValue] }
        return sorted.count > 1 ? [sorted.first!, sorted.last!] : sorted
    }

    func thresholds(_ experiments: [Experiment], _ data: Dataset) throws {
        nb.section(
            "A threshold from normal images only (exercises 9.5, 9.6)",
            """
            In use there are no anomalies to tune on. The threshold is the \(Format.number(knobs.quantile)) quantile \
            of each score on the normal training images (9.5), aiming at \
            \(Format.percent(1 - knobs.quantile)) false alarms; test images above it are flagged. Precision, recall \
            and F1 of that rule (9.6), for the hardest and the easiest held-out class:
            """)
        var rows: [[String]] = []
        var meanF1 = [Double](repeating: 0, count: Method.allCases.count)
        let shown = Set(detailed(experiments).map(\.anomalyClass))
        for e in experiments {
            for m in Method.allCases {
                let threshold = try anomalyThreshold(normalScores: e.trainScores[m.rawValue], quantile: knobs.quantile)
                let result = try precisionRecallF1(
                    scores: e.testScores[m.rawValue], isAnomaly: e.isAnomaly,
                    threshold: threshold)
                meanF1[m.rawValue] += result.f1 / Double(experiments.count)
                guard shown.contains(e.anomalyClass) else { continue }
                let normals = zip(e.testScores[m.rawValue], e.isAnomaly).filter { !$0.1 }
                let falseAlarms =
                    Double(normals.filter { $0.0 > threshold }.count)
                    / Double(Swift.max(1, normals.count))
                rows.append([
                    data.classNames[e.anomalyClass], m.name, Format.number(threshold),
                    Format.percent(falseAlarms), Format.fixed(result.precision, 3),
                    Format.fixed(result.recall, 3), Format.fixed(result.f1, 3),
                ])
            }
        }
        nb.table(["held-out class", "score", "threshold", "false alarms (test)", "precision", "recall", "F1"], rows)
        for m in Method.allCases { nb.metric("f1_mean_\(m.key)", meanF1[m.rawValue]) }
        let f1s = Method.allCases.map { "\($0.name) \(Format.fixed(meanF1[$0.rawValue], 3))" }.joined(separator: ", ")
        nb.say(
            """
            Mean F1 over the held-out classes: \(f1s). The false alarm rate on normal test images lands near \
            \(Format.percent(1 - knobs.quantile)) when training and test images come from the same distribution; \
            recall is what the score's ranking allows at that rate, so a high AUC and a low recall can go together.
            """)
    }
}

extension LabRun where Lab == Lab09 {
    func figures(_ experiments: [Experiment], _ data: Dataset) throws {
        nb.section(
            "Figures",
            """
            AUC per held-out class; for the hardest and the easiest class, the ROC curves, the score histograms with \
            the threshold, and the test images the autoencoder finds most and least anomalous.
            """)
        let auc = Figure(
            title: "How well each score finds the held-out class",
            subtitle: "AUC on the test set; 0.5 is chance, 1 a perfect ranking")
        auc.add(
            BarChart(
                title: "", xLabel: "held-out class", yLabel: "AUC",
                categories: experiments.map { data.shortClassName($0.anomalyClass) },
                series: Method.allCases.map { m in (m.name, experiments.map { $0.auc[m.rawValue] }) },
                yRange: (0, 1), references: [(0.5, "chance (AUC 0.5)")]))
        try nb.figure(auc, name: "auc", caption: "AUC of the four scores for every held-out class")
        let shown = detailed(experiments)
        let roc = Figure(title: "ROC curves", rows: 1, columns: shown.count)
        let histograms = Figure(
            title: "Autoencoder mean error of normal and anomalous test images",
            subtitle: "each group's histogram has area 1; dashed: the threshold, the "
                + "\(Format.number(knobs.quantile)) quantile of normal training images",
            rows: 1, columns: shown.count)
        for (column, e) in shown.enumerated() {
            let curves =
                try Method.allCases.map { m in
                    let points = try rocCurve(scores: e.testScores[m.rawValue], isAnomaly: e.isAnomaly)
                    return LinePlot.Series(
                        "\(m.name) (\(Format.fixed(e.auc[m.rawValue], 3)))",
                        x: points.map(\.falsePositiveRate), y: points.map(\.truePositiveRate))
                } + [LinePlot.Series("chance", x: [0, 1], y: [0, 1], color: .lightText, dashed: true)]
            roc.add(
                LinePlot(
                    title: "\(data.classNames[e.anomalyClass]) held out", xLabel: "false positive rate",
                    yLabel: "true positive rate", series: curves, includeZero: true, legend: .bottomRight),
                column: column)
            let scores = e.testScores[Method.meanError.rawValue]
            let threshold = try anomalyThreshold(
                normalScores: e.trainScores[Method.meanError.rawValue],
                quantile: knobs.quantile)
            func logs(_ anomalous: Bool) -> [Double] {
                zip(scores, e.isAnomaly).filter { $0.1 == anomalous }.map { log10(Swift.max(Double($0.0), 1e-12)) }
            }
            histograms.add(
                Histogram(
                    title: "\(data.classNames[e.anomalyClass]) held out",
                    xLabel: "log₁₀ mean squared error",
                    samples: [("normal", logs(false)), ("anomalous", logs(true))],
                    markers: [(log10(Swift.max(Double(threshold), 1e-12)), "threshold", .text)],
                    density: true),
                column: column)
        }
        try nb.figure(roc, name: "roc", caption: "ROC curves of the four scores, hardest and easiest held-out class")
        try nb.figure(histograms, name: "histograms", caption: "Score histograms of normal and anomalous test images")
        try extremes(shown[0], data)
    }

    /// The test images the autoencoder without the hardest class finds most and least anomalous.
    func extremes(_ e: Experiment, _ data: Dataset) throws {
        let scores = e.testScores[Method.meanError.rawValue]
        let order = scores.indices.sorted { scores[$0] > scores[$1] || (scores[$0] == scores[$1] && $0 < $1) }
        let count = Swift.min(10, order.count / 2)
        let most = Array(order.prefix(count)), least = Array(order.suffix(count).reversed())
        func labels(_ indices: [Int]) -> [String] {
            indices.map { data.shortClassName(data.test.labels[$0]) + (e.isAnomaly[$0] ? "*" : "") }
        }
        let figure = Figure(
            title: "Most and least anomalous test images, \(data.classNames[e.anomalyClass]) held out",
            subtitle: "by the autoencoder's mean error; * marks the held-out class",
            rows: 2, columns: 1)
        figure.add(
            ImageGrid(
                title: "most anomalous", imageShape: data.imageShape, images: data.test.images.gatherRows(most),
                columns: count,
                columnLabels: labels(most)), row: 0)
        figure.add(
            ImageGrid(
                title: "least anomalous", imageShape: data.imageShape, images: data.test.images.gatherRows(least),
                columns: count,
                columnLabels: labels(least)), row: 1)
        try nb.figure(figure, name: "extremes", caption: "The test images with the highest and lowest scores")
    }
}

LabCommand<Lab09>.main()
