"""Writes Tests/Mutants/nonfinite.json: for every exercise output that can hold a NaN or an
infinity, mutants whose output is right except for one non-finite entry — first, middle and
last for an array or a tensor, NaN and +∞ for a scalar.

Each mutant keeps the reference solution under another name and puts a wrapper with the
exercise's signature in front of it that poisons the result, so the edit's `find` is only the
signature (it survives any change to the body). Regenerate after a signature changes:

    python3 scripts/make_nonfinite_mutants.py
"""
import json
import os
import re

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


def tensor(path):
    """A Tensor (or a Variable's value): NaN at the first, middle and last entry."""
    return [(f"NaN in the first entry of {label(path)}", f"{path}[0] = .nan"),
            (f"NaN in the middle entry of {label(path)}", f"{path}[{path}.count / 2] = .nan"),
            (f"NaN in the last entry of {label(path)}", f"{path}[{path}.count - 1] = .nan")]


def scalar(path):
    """A Float, a Double or a scalar Variable's value: NaN, and +∞."""
    if path.endswith(".value"):
        return [(f"{label(path)} is NaN", f"{path}[0] = .nan"), (f"{label(path)} is +∞", f"{path}[0] = .infinity")]
    return [(f"{label(path)} is NaN", f"{path} = .nan"), (f"{label(path)} is +∞", f"{path} = .infinity")]


def label(path):
    name = path.replace(".value", "").replace("result.", "").replace("result", "the result")
    return name if name == "the result" else f"the result's {name}"


def gradient(path, parameter):
    """A Variable output whose value is right but whose backward pass gives `parameter` a NaN
    gradient: √u at u = 0 has an infinite derivative, and ∞ − ∞ = NaN (a norm taken at 0)."""
    return [(f"{label(path)}'s gradient for {parameter} is NaN (√0 in the backward pass), its value right",
             f"{path} = {path} + ({parameter} - {parameter}).sqrt().sum()")]


def pick(variants, *indices):
    return [variants[i] for i in indices]


# exercise, file under Solutions/, function, the poisoned variants (what, Swift statements on `result`).
# Integer outputs (7.1, 7.5, 6.2, 8.5) cannot hold a NaN and have no entry. Every differentiable
# output also has a mutant whose gradient is NaN while its value is right.
TABLE = [
    ("1.4", "Lab01/Lab01PCA.swift", "linearAutoencoderLoss", gradient("result", "encoder.weight")),
    ("1.5", "Lab01/Lab01PCA.swift", "tiedAutoencoderLoss", gradient("result", "weight")),
    ("2.1", "Lab02/Lab02Sparse.swift", "meanActivations", gradient("result", "hidden")),
    ("2.2", "Lab02/Lab02Sparse.swift", "klDivergence", gradient("result", "rhoHat")),
    ("2.3", "Lab02/Lab02Sparse.swift", "sparseLoss", gradient("result.total", "hidden")),
    ("3.4", "Lab03/Lab03Denoising.swift", "denoisingLoss", gradient("result", "model.parameters[0]")),
    ("4.1", "Lab04/Lab04Contractive.swift", "contractivePenalty", gradient("result", "w")),
    ("4.2", "Lab04/Lab04Contractive.swift", "contractiveLoss", gradient("result.total", "encoder.weight")),
    ("5.1", "Lab05/Lab05VAE.swift", "reparameterize", gradient("result", "logVariance")),
    ("5.2", "Lab05/Lab05VAE.swift", "gaussianKL", gradient("result", "mu")),
    ("5.3", "Lab05/Lab05VAE.swift", "negativeELBO", gradient("result.total", "logits")),
    ("7.6", "Lab07/Lab07Convolution.swift", "convAutoencoderLoss", gradient("result", "model.parameters[0]")),
    ("1.1", "Lab01/Lab01PCA.swift", "centred",
     pick(tensor("result.centred"), 0) + pick(tensor("result.mean"), 1) + pick(tensor("result.centred"), 2)),
    ("1.2", "Lab01/Lab01PCA.swift", "principalComponents",
     pick(tensor("result.components"), 0) + pick(tensor("result.variances"), 1) + pick(tensor("result.components"), 2)),
    ("1.3", "Lab01/Lab01PCA.swift", "pcaCodes", tensor("result")),
    ("1.3", "Lab01/Lab01PCA.swift", "pcaReconstruction", tensor("result")),
    ("1.4", "Lab01/Lab01PCA.swift", "linearAutoencoderLoss", scalar("result.value")),
    ("1.5", "Lab01/Lab01PCA.swift", "tiedAutoencoderLoss", scalar("result.value")),
    ("2.1", "Lab02/Lab02Sparse.swift", "meanActivations", tensor("result.value")),
    ("2.2", "Lab02/Lab02Sparse.swift", "klDivergence", scalar("result.value")),
    ("2.3", "Lab02/Lab02Sparse.swift", "sparseLoss",
     pick(scalar("result.total.value"), 0) + pick(scalar("result.reconstruction.value"), 1)
     + pick(scalar("result.penalty.value"), 0)),
    ("2.4", "Lab02/Lab02Sparse.swift", "klPenaltyGradient", tensor("result")),
    ("3.1", "Lab03/Lab03Denoising.swift", "gaussianNoise", tensor("result")),
    ("3.2", "Lab03/Lab03Denoising.swift", "maskingNoise", pick(tensor("result"), 0, 2)),
    ("3.3", "Lab03/Lab03Denoising.swift", "saltAndPepperNoise", tensor("result")),
    ("3.4", "Lab03/Lab03Denoising.swift", "denoisingLoss", scalar("result.value")),
    ("4.1", "Lab04/Lab04Contractive.swift", "contractivePenalty", scalar("result.value")),
    ("4.2", "Lab04/Lab04Contractive.swift", "contractiveLoss",
     pick(scalar("result.total.value"), 0) + pick(scalar("result.reconstruction.value"), 1)
     + pick(scalar("result.penalty.value"), 0)),
    ("4.3", "Lab04/Lab04Contractive.swift", "numericalJacobian", tensor("result")),
    ("5.1", "Lab05/Lab05VAE.swift", "reparameterize", tensor("result.value")),
    ("5.2", "Lab05/Lab05VAE.swift", "gaussianKL", scalar("result.value")),
    ("5.3", "Lab05/Lab05VAE.swift", "negativeELBO",
     pick(scalar("result.total.value"), 0) + pick(scalar("result.reconstruction.value"), 1)
     + pick(scalar("result.kl.value"), 0)),
    ("5.4", "Lab05/Lab05VAE.swift", "samplePrior", tensor("result")),
    ("5.5", "Lab05/Lab05VAE.swift", "interpolate", tensor("result")),
    ("6.1", "Lab06/Lab06Clustering.swift", "kMeansPlusPlusInit", tensor("result")),
    ("6.3", "Lab06/Lab06Clustering.swift", "updateCentroids", tensor("result")),
    ("6.4", "Lab06/Lab06Clustering.swift", "kMeans",
     pick(tensor("result.centroids"), 0) + pick(tensor("result.inertia"), 1, 2)),
    ("6.5", "Lab06/Lab06Clustering.swift", "clusteringAccuracy", scalar("result")),
    ("6.6", "Lab06/Lab06Clustering.swift", "normalizedMutualInformation", scalar("result")),
    ("6.7", "Lab06/Lab06Clustering.swift", "purity", scalar("result")),
    ("7.2", "Lab07/Lab07Convolution.swift", "im2col", tensor("result")),
    ("7.3", "Lab07/Lab07Convolution.swift", "col2im", tensor("result")),
    ("7.4", "Lab07/Lab07Convolution.swift", "convolution", tensor("result")),
    ("7.6", "Lab07/Lab07Convolution.swift", "convAutoencoderLoss", scalar("result.value")),
    ("8.1", "Lab08/Lab08Pretraining.swift", "logSoftmax", tensor("result")),
    ("8.2", "Lab08/Lab08Pretraining.swift", "softmaxCrossEntropy",
     pick(scalar("result.loss"), 0) + pick(tensor("result.gradient"), 1, 2)),
    # 8.3 trains the layers it is given: its output is their weights.
    ("8.3", "Lab08/Lab08Pretraining.swift", "greedyLayerwisePretraining",
     [("NaN in the first weight of the first layer after pretraining", "layers[0].weight.value[0] = .nan"),
      ("NaN in the middle weight of the last layer after pretraining",
       "layers[layers.count - 1].weight.value[layers[layers.count - 1].weight.value.count / 2] = .nan"),
      ("NaN in the last bias of the last layer after pretraining",
       "layers[layers.count - 1].bias.value[layers[layers.count - 1].bias.value.count - 1] = .nan")]),
    # 8.4 returns the loss and moves the parameters.
    ("8.4", "Lab08/Lab08Pretraining.swift", "fineTuningStep",
     scalar("result") + [("NaN in the last parameter's last entry after the step",
                          "classifier.parameters.last!.value[classifier.parameters.last!.value.count - 1] = .nan")]),
    ("9.1", "Lab09/Lab09Anomaly.swift", "reconstructionErrors", tensor("result")),
    ("9.2", "Lab09/Lab09Anomaly.swift", "patchMaxErrors", tensor("result")),
    ("9.3", "Lab09/Lab09Anomaly.swift", "rocCurve",
     [("NaN in the first point's false positive rate", "result[0].falsePositiveRate = .nan"),
      ("NaN in the middle point's true positive rate", "result[result.count / 2].truePositiveRate = .nan"),
      ("NaN in the last point's true positive rate", "result[result.count - 1].truePositiveRate = .nan")]),
    ("9.4", "Lab09/Lab09Anomaly.swift", "rocAUC", scalar("result")),
    ("9.5", "Lab09/Lab09Anomaly.swift", "anomalyThreshold", scalar("result")),
    ("9.6", "Lab09/Lab09Anomaly.swift", "precisionRecallF1",
     pick(scalar("result.precision"), 0) + pick(scalar("result.recall"), 1) + pick(scalar("result.f1"), 0)),
    ("9.7", "Lab09/Lab09Anomaly.swift", "pcaReconstructionErrors", tensor("result")),
]


def split_parameters(text):
    """The parameters of a signature, split at the commas outside brackets."""
    parts, depth, current = [], 0, ""
    for ch in text:
        if ch in "([<":
            depth += 1
        elif ch in ")]>" and not (ch == ">" and current.endswith("-")):
            depth -= 1
        if ch == "," and depth == 0:
            parts.append(current.strip())
            current = ""
        else:
            current += ch
    if current.strip():
        parts.append(current.strip())
    return parts


def argument(parameter):
    names, type_ = parameter.split(":", 1)
    words = names.split()
    label, name = (words[0], words[1]) if len(words) == 2 else (words[0], words[0])
    value = ("&" if type_.strip().startswith("inout") else "") + name
    return value if label == "_" else f"{label}: {value}"


def find_signature(source, function, file):
    """The text from `public func NAME(` to the `{` that opens the body, the parameter list, and
    whether the function returns a value."""
    start = source.find(f"public func {function}(")
    assert start >= 0, f"{function} not found in Solutions/{file}"
    open_paren = source.index("(", start)
    depth, i = 0, open_paren
    while True:
        depth += {"(": 1, ")": -1}.get(source[i], 0)
        if depth == 0:
            break
        i += 1
    body = source.index("{\n", i)
    signature = source[start:body + 2]
    assert source.count(signature) == 1, f"the signature of {function} is not unique"
    return signature, source[open_paren + 1:i], "->" in source[i:body]


def mutants():
    entries = []
    for exercise, file, function, variants in TABLE:
        source = open(os.path.join(ROOT, "Solutions", file)).read()
        signature, parameters, returns = find_signature(source, function, file)
        arguments = ", ".join(argument(p) for p in split_parameters(parameters))
        original = f"mutantOriginal{function[0].upper()}{function[1:]}"
        for what, poison in variants:
            mutates_binding = re.match(r"result(\.\w+)?(\[|\s*=)", poison) is not None and ".value" not in poison
            call = f"try {original}({arguments})"
            body = (f"    {'var' if mutates_binding else 'let'} result = {call}\n    {poison}\n    return result\n"
                    if returns else f"    {call}\n    {poison}\n")
            wrapper = signature + body + "}\n\n"
            renamed = signature.replace(f"public func {function}(", f"func {original}(", 1)
            entries.append({"exercise": exercise, "mistake": f"{function}: {what}", "file": file, "find": signature,
                            "replace": wrapper + renamed})
    return entries


if __name__ == "__main__":
    path = os.path.join(ROOT, "Tests", "Mutants", "nonfinite.json")
    entries = mutants()
    with open(path, "w") as out:        # one entry a line, like the other files of Tests/Mutants
        out.write("[\n" + ",\n".join("  " + json.dumps(e, ensure_ascii=False) for e in entries) + "\n]\n")
    print(f"Tests/Mutants/nonfinite.json: {len(entries)} mutants")
