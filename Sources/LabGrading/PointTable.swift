/// One graded exercise.
public struct Exercise: Sendable, Equatable {
    public let lab: Int
    /// "1.2": lab 1, exercise 2. Graded checks are named test_1_2_… after it.
    public let id: String
    public let title: String
    public let points: Double

    /// The prefix of the graded checks' names: "test_1_2_".
    public var testPrefix: String { "test_" + id.replacingOccurrences(of: ".", with: "_") + "_" }
}

/// The points of every exercise — the one place they are defined. A check earns its
/// exercise's points divided by the number of checks of that exercise.
public enum PointTable {
    public static let exercises: [Exercise] = [
        Exercise(lab: 1, id: "1.1", title: "Centre the data", points: 2),
        Exercise(lab: 1, id: "1.2", title: "Principal components", points: 4),
        Exercise(lab: 1, id: "1.3", title: "PCA codes and reconstruction", points: 2),
        Exercise(lab: 1, id: "1.4", title: "Linear autoencoder loss", points: 3),
        Exercise(lab: 1, id: "1.5", title: "Tied-weights autoencoder", points: 2),
        Exercise(lab: 2, id: "2.1", title: "Mean activations ρ̂", points: 2),
        Exercise(lab: 2, id: "2.2", title: "KL sparsity penalty", points: 4),
        Exercise(lab: 2, id: "2.3", title: "Sparse loss", points: 2),
        Exercise(lab: 2, id: "2.4", title: "Hand-derived penalty gradient", points: 3),
        Exercise(lab: 3, id: "3.1", title: "Gaussian noise", points: 2),
        Exercise(lab: 3, id: "3.2", title: "Masking noise", points: 2),
        Exercise(lab: 3, id: "3.3", title: "Salt-and-pepper noise", points: 2),
        Exercise(lab: 3, id: "3.4", title: "Denoising objective", points: 3),
        Exercise(lab: 4, id: "4.1", title: "Closed-form contractive penalty", points: 4),
        Exercise(lab: 4, id: "4.2", title: "Contractive loss", points: 2),
        Exercise(lab: 4, id: "4.3", title: "Numerical Jacobian", points: 3),
        Exercise(lab: 5, id: "5.1", title: "Reparameterization trick", points: 3),
        Exercise(lab: 5, id: "5.2", title: "Gaussian KL", points: 3),
        Exercise(lab: 5, id: "5.3", title: "Negative ELBO", points: 2),
        Exercise(lab: 5, id: "5.4", title: "Sampling from the prior", points: 2),
        Exercise(lab: 5, id: "5.5", title: "Interpolation", points: 1),
        Exercise(lab: 6, id: "6.1", title: "k-means++ seeding", points: 3),
        Exercise(lab: 6, id: "6.2", title: "Assignment step", points: 1),
        Exercise(lab: 6, id: "6.3", title: "Centroid update", points: 2),
        Exercise(lab: 6, id: "6.4", title: "The k-means loop", points: 2),
        Exercise(lab: 6, id: "6.5", title: "Clustering accuracy", points: 2),
        Exercise(lab: 6, id: "6.6", title: "Normalised mutual information", points: 2),
        Exercise(lab: 6, id: "6.7", title: "Purity", points: 1),
        Exercise(lab: 7, id: "7.1", title: "Convolution output size", points: 2),
        Exercise(lab: 7, id: "7.2", title: "im2col", points: 3),
        Exercise(lab: 7, id: "7.3", title: "col2im, the adjoint", points: 3),
        Exercise(lab: 7, id: "7.4", title: "Convolution as a matrix product", points: 2),
        Exercise(lab: 7, id: "7.5", title: "Transposed output sizes", points: 2),
        Exercise(lab: 7, id: "7.6", title: "Convolutional autoencoder loss", points: 2),
        Exercise(lab: 8, id: "8.1", title: "Stable log-softmax", points: 2),
        Exercise(lab: 8, id: "8.2", title: "Softmax cross-entropy and its gradient", points: 3),
        Exercise(lab: 8, id: "8.3", title: "Greedy layer-wise pretraining", points: 3),
        Exercise(lab: 8, id: "8.4", title: "Fine-tuning step", points: 3),
        Exercise(lab: 8, id: "8.5", title: "Class-balanced labelled subset", points: 3),
        Exercise(lab: 9, id: "9.1", title: "Reconstruction error scores", points: 1),
        Exercise(lab: 9, id: "9.2", title: "Patch-max error scores", points: 2),
        Exercise(lab: 9, id: "9.3", title: "Exact ROC curve", points: 3),
        Exercise(lab: 9, id: "9.4", title: "Area under the ROC curve", points: 2),
        Exercise(lab: 9, id: "9.5", title: "Threshold from normal scores", points: 2),
        Exercise(lab: 9, id: "9.6", title: "Precision, recall and F1", points: 2),
        Exercise(lab: 9, id: "9.7", title: "PCA baseline scores", points: 2),
    ]

    /// The labs that have exercises.
    public static var labs: [Int] { Array(Set(exercises.map(\.lab))).sorted() }

    /// The exercise a graded check belongs to, from its name ("test_1_2_componentsAreOrthonormal").
    public static func exercise(forTest name: String) -> Exercise? {
        let method = name.split(separator: "/").last.map(String.init) ?? name
        return exercises.first { method.hasPrefix($0.testPrefix) }
    }

    public static func exercises(inLab lab: Int) -> [Exercise] { exercises.filter { $0.lab == lab } }
}
