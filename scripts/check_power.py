"""The power of the graded checks' statistical tests, computed (issue 31, item 4).

For every statistical test in Tests/Graded this prints
- the probability that a correct answer fails the check (the sum of its tests' rejection
  probabilities under the right distribution: exact for the binomial tests, the χ² tail for
  Pearson's tests), which must be ≤ 1e-6 per check, and
- for every mistake the test is there to catch, the probability that it does (exact binomial
  tails; the noncentral χ² for Pearson's tests, with the bin probabilities of the mistake's
  distribution integrated numerically), which must be ≥ 0.999.

The sample sizes, bins, probabilities and thresholds are those of the checks; when a check
changes, change its entry here. Pure Python (math only), a few seconds:

    python3 scripts/check_power.py          # exits 1 if a bound is not met
"""
import itertools
import math
import sys

ALPHA = 1e-7                       # StatisticalTest.defaultFalseFailureRate
NORMAL_EDGES = [-2.5, -1.5, -1, -0.5, -0.2, 0.2, 0.5, 1, 1.5, 2.5]


# ---------------------------------------------------------------- distributions

def log_binomial_pmf(k, n, p):
    if p <= 0:
        return 0.0 if k == 0 else -math.inf
    if p >= 1:
        return 0.0 if k == n else -math.inf
    return (math.lgamma(n + 1) - math.lgamma(k + 1) - math.lgamma(n - k + 1)
            + k * math.log(p) + (n - k) * math.log1p(-p))


def binomial_pmf(k, n, p):
    return math.exp(log_binomial_pmf(k, n, p))


def binomial_acceptance(n, p, alpha=ALPHA):
    """StatisticalTest.binomialAcceptance: the narrowest [lo, hi] with ≤ α/2 in each tail."""
    if p <= 0:
        return 0, 0
    if p >= 1:
        return n, n
    lo, below = 0, 0.0
    while lo < n:
        nxt = below + binomial_pmf(lo, n, p)
        if nxt > alpha / 2:
            break
        below, lo = nxt, lo + 1
    hi, above = n, 0.0
    while hi > 0:
        nxt = above + binomial_pmf(hi, n, p)
        if nxt > alpha / 2:
            break
        above, hi = nxt, hi - 1
    return lo, hi


def binomial_outside(n, p, lo, hi):
    """P(X < lo or X > hi) for X ~ Bin(n, p), summed from the far tails inwards."""
    inside = sum(binomial_pmf(k, n, p) for k in range(lo, hi + 1))
    if inside < 0.5:
        return 1 - inside
    return sum(binomial_pmf(k, n, p) for k in range(0, lo)) + sum(binomial_pmf(k, n, p) for k in range(hi + 1, n + 1))


def upper_gamma(a, x):
    """Q(a, x) = Γ(a, x)/Γ(a), as in StatisticalTests.swift."""
    if x <= 0:
        return 1.0
    log_prefactor = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1:
        term = total = 1 / a
        n = a
        for _ in range(100000):
            n += 1
            term *= x / n
            total += term
            if abs(term) < abs(total) * 1e-16:
                break
        return max(0.0, 1 - total * math.exp(log_prefactor))
    tiny = 1e-300
    b, c = x + 1 - a, 1 / tiny
    d = 1 / b
    h = d
    for i in range(1, 100000):
        an = -i * (i - a)
        b += 2
        d = an * d + b
        d = tiny if abs(d) < tiny else d
        c = b + an / c
        c = tiny if abs(c) < tiny else c
        d = 1 / d
        h *= d * c
        if abs(d * c - 1) < 1e-16:
            break
    return math.exp(log_prefactor) * h


def chi2_critical(df, alpha=ALPHA):
    lo, hi = 0.0, df + 200 + 40 * math.sqrt(df)
    for _ in range(200):
        mid = (lo + hi) / 2
        if upper_gamma(df / 2, mid / 2) > alpha:
            lo = mid
        else:
            hi = mid
    return hi


def noncentral_chi2_tail(df, noncentrality, c):
    """P(χ²_df(λ) > c): the Poisson(λ/2) mixture of central χ² tails."""
    half = noncentrality / 2
    if half > 1e5:
        return 1.0
    centre = int(half)
    total = 0.0
    width = int(12 * math.sqrt(half + 1)) + 20
    for j in range(max(0, centre - width), centre + width + 1):
        weight = math.exp(-half + j * math.log(half) - math.lgamma(j + 1)) if half > 0 else (1.0 if j == 0 else 0.0)
        if weight > 1e-18:
            total += weight * upper_gamma((df + 2 * j) / 2, c / 2)
    return min(1.0, total)


def chi2_power(n, null, alternative, alpha=ALPHA):
    """Pearson's test of n draws against `null` bin probabilities when they follow
    `alternative`: the noncentral χ² with λ = n Σ (p₁ − p₀)²/p₀ (p₁ = 0 in a bin: λ grows with n)."""
    df = len(null) - 1
    lam = n * sum((a - b) ** 2 / b for a, b in zip(alternative, null))
    return noncentral_chi2_tail(df, lam, chi2_critical(df, alpha))


def phi(x):
    return 0.5 * math.erfc(-x / math.sqrt(2))


def bins_of(cdf):
    points = [0.0] + [cdf(e) for e in NORMAL_EDGES] + [1.0]
    return [b - a for a, b in zip(points, points[1:])]


NORMAL_BINS = bins_of(phi)


def mixture_bins(cdf_given, low, high, steps=4000):
    """Bin probabilities of a value whose distribution function given u is cdf_given(u, t),
    with u uniform on [low, high] (midpoint rule)."""
    total = [0.0] * (len(NORMAL_EDGES) + 1)
    for i in range(steps):
        u = low + (high - low) * (i + 0.5) / steps
        for b, p in enumerate(bins_of(lambda t: cdf_given(u, t))):
            total[b] += p / steps
    return total


def uniform_cdf(a, b):
    return lambda t: min(1.0, max(0.0, (t - a) / (b - a)))


# ---------------------------------------------------------------- the checks

RESULTS = []      # (check, what, kind, probability, bound, ok)


def correct(check, what, probability):
    RESULTS.append((check, what, "a correct answer fails", probability, 1e-6, probability <= 1e-6))


def caught(check, mistake, probability):
    RESULTS.append((check, mistake, "the mistake is caught", probability, 0.999, probability >= 0.999))


def binomial_check(check, n, p, mistakes):
    """One exact binomial test; returns its rejection probability for a correct answer."""
    lo, hi = binomial_acceptance(n, p)
    for mistake, p1 in mistakes:
        caught(check, mistake, binomial_outside(n, p1, lo, hi))
    return binomial_outside(n, p, lo, hi)


def normal_check(check, n, mistakes):
    for mistake, bins in mistakes:
        caught(check, mistake, chi2_power(n, NORMAL_BINS, bins))
    return ALPHA


def lab03():
    n, pairs = 200 * 150, 200 * 75                        # Lab03Checks.image, its disjoint neighbour pairs
    check = "test_3_1_standardisedNoiseIsStandardNormal"
    sigma = 0.3

    def clipped(x, t):                                    # (clamp(x + σε, 0, 1) − x)/σ ≤ t
        lower, upper = -x / sigma, (1 - x) / sigma
        return 0.0 if t < lower else 1.0 if t >= upper else phi(t)
    alpha = normal_check(check, n, [
        ("noise scaled by σ² instead of σ", bins_of(lambda t: phi(t / sigma))),
        ("unit noise (σ ignored)", bins_of(lambda t: phi(t * sigma))),
        ("uniform noise on [−σ, σ]", bins_of(uniform_cdf(-1, 1))),
        ("uniform noise with the variance σ²", bins_of(uniform_cdf(-math.sqrt(3), math.sqrt(3)))),
        ("clipped to [0, 1] although clip is false", mixture_bins(clipped, 0.1, 0.9)),
    ])
    correct(check, "χ² over 11 bins", alpha)
    check = "test_3_1_everyEntryGetsItsOwnNoise"
    correct(check, "two binomial tests", binomial_check(check, pairs, 0.25, [("one ε per image, shared by its pixels", 0.5)])
            + binomial_check(check, pairs, 0.25, [("one ε per pixel, shared by all images", 0.5)]))

    check = "test_3_2_eachEntryIsZeroedIndependentlyWithProbabilityP"
    correct(check, "three binomial tests",
            binomial_check(check, n, 0.3, [("p and 1 − p swapped", 0.7), ("probability ½ whatever p is", 0.5),
                                           ("zeroed with probability p²", 0.09)])
            + binomial_check(check, pairs, 0.09, [("one draw per image", 0.3)])
            + binomial_check(check, pairs, 0.09, [("one mask row shared by all images", 0.3)]))

    check = "test_3_3_aFractionPIsReplacedHalfByZeroHalfByOne"
    correct(check, "four binomial tests",
            binomial_check(check, n, 0.2, [("replaced with probability p/2", 0.1),
                                           ("salt with probability p and pepper with probability p", 0.36)])
            + binomial_check(check, n, 0.1, [("always salt", 0.2), ("the same uniform decides both (u < p < ½: never salt)", 0.0),
                                             ("salt with probability p/4", 0.05)])
            + binomial_check(check, pairs, 0.04, [("one decision per image", 0.2)])
            + binomial_check(check, pairs, 0.04, [("one decision row shared by all images", 0.2)]))
    check = "test_3_3_probabilitiesZeroAndOne"
    correct(check, "one binomial test", binomial_check(check, n, 0.5, [("always pepper at p = 1", 0.0),
                                                                      ("salt with probability p/2 of p at p = 1 (¼)", 0.25)]))


def lab05():
    check = "test_5_1_standardisedCodesAreIndependentStandardNormals"
    n = 3000 * 4                                          # log σ² ~ U(−2, 2) in Lab05Checks.heterogeneous
    alpha = normal_check(check, n, [
        ("σ = exp(log σ²), the variance", mixture_bins(lambda v, t: phi(t / math.exp(v / 2)), -2, 2)),
        ("σ = exp(−½ log σ²)", mixture_bins(lambda v, t: phi(t / math.exp(-v)), -2, 2)),
        ("σ = log σ² (no exponential)",
         mixture_bins(lambda v, t: phi(t / max(1e-9, abs(v) / math.exp(v / 2))), -2, 2)),
        ("ε uniform on [0, 1)", bins_of(uniform_cdf(0, 1))),
        ("ε uniform on [−1, 1)", bins_of(uniform_cdf(-1, 1))),
    ])
    correct(check, "χ² and two binomial tests", alpha
            + binomial_check(check, 3000, 0.25, [("one ε per image, shared by its latent dimensions", 0.5)])
            + binomial_check(check, 1500, 0.25, [("one ε per latent dimension, shared by all images", 0.5)]))
    check = "test_5_4_codesAreIndependentStandardNormalsAndShapesFollowTheArguments"
    alpha = normal_check(check, n, [("codes uniform on [0, 1)", bins_of(uniform_cdf(0, 1))),
                                    ("codes uniform on [−1, 1)", bins_of(uniform_cdf(-1, 1))),
                                    ("codes N(0, 2) (the variance taken for the deviation of √2)",
                                     bins_of(lambda t: phi(t / math.sqrt(2))))])
    correct(check, "χ² and a binomial test",
            alpha + binomial_check(check, 3000, 0.25, [("one code value per sample, shared by its dimensions", 0.5)]))


def d2_sampling_triples(points, rule):
    """The probability of every set of 3 centres from 5 points when the first is uniform and the
    next are drawn ∝ weight(rule, point, chosen)."""
    def d2(a, b):
        return sum((u - v) ** 2 for u, v in zip(points[a], points[b]))
    n = len(points)
    probabilities = {}
    for a in range(n):
        w2 = [rule(i, [a], d2) for i in range(n)]
        for b in range(n):
            if w2[b] == 0:
                continue
            w3 = [rule(i, [a, b], d2) for i in range(n)]
            for c in range(n):
                if w3[c] == 0:
                    continue
                key = tuple(sorted((a, b, c)))
                probabilities[key] = probabilities.get(key, 0) + (1 / n) * w2[b] / sum(w2) * w3[c] / sum(w3)
    return probabilities


def lab06():
    check = "test_6_1_theFirstCentreIsAUniformlyRandomPoint"
    uniform = [0.1] * 10
    xs = [(i * i, 10 - i) for i in range(10)]
    norms = [a * a + b * b for a, b in xs]
    for mistake, bins in [("the first centre ∝ ‖x‖² (D² from the origin)", [v / sum(norms) for v in norms]),
                          ("nextInt(below: n − 1): the last point is never first", [1 / 9] * 9 + [0.0]),
                          ("the first centre is x[0]", [1.0] + [0.0] * 9)]:
        caught(check, mistake, chi2_power(4000, uniform, bins))
    correct(check, "χ² over 10 points", ALPHA)

    check = "test_6_1_centresFollowExactDSquaredProbabilities"
    points = [(0, 0), (1, 0), (0, 2), (3, 1), (4, 4)]

    def nearest(i, chosen, d2):
        return min(d2(i, c) for c in chosen)
    exact = d2_sampling_triples(points, nearest)
    keys = sorted(exact)
    null = [exact[k] for k in keys]
    rules = [("D instead of D²", lambda i, chosen, d2: math.sqrt(nearest(i, chosen, d2))),
             ("D² to the newest centre only, not the nearest", lambda i, chosen, d2: 0 if i in chosen else d2(i, chosen[-1])),
             ("D² to the first centre only", lambda i, chosen, d2: 0 if i in chosen else d2(i, chosen[0])),
             ("each next centre uniform among the points not chosen", lambda i, chosen, d2: 0 if i in chosen else 1),
             ("D⁴ (the squared distance squared again)", lambda i, chosen, d2: nearest(i, chosen, d2) ** 2),
             # The pick loop one off: the weight of point i − 1 (cyclically) lands on point i.
             ("the point after the one D² sampling drew",
              lambda i, chosen, d2: 0 if i in chosen else nearest((i - 1) % 5, chosen, d2))]
    for mistake, rule in rules:
        alternative = d2_sampling_triples(points, rule)
        caught(check, mistake, chi2_power(20000, null, [alternative.get(k, 0.0) for k in keys]))
    correct(check, "χ² over the 10 sets of centres", ALPHA)

    check = "test_6_1_secondCentreIsDrawnByDSquaredNotUniformly"
    values = [i * 1e-3 for i in range(99)] + [100.0]

    def covered(weight):
        p = 0.01                                           # the far point first: any second centre covers both groups
        for j in range(99):
            w = [0 if i == j else weight(abs(values[i] - values[j])) for i in range(100)]
            p += 0.01 * w[99] / sum(w)
        return p
    lo_ok = 190                                           # covered ≥ 190 of 200 runs
    p_correct = covered(lambda d: d * d)
    correct(check, "covered in ≥ 190 of 200 runs", sum(binomial_pmf(k, 200, p_correct) for k in range(lo_ok)))
    p_uniform = covered(lambda d: 1.0)
    caught(check, "the second centre uniform", sum(binomial_pmf(k, 200, p_uniform) for k in range(lo_ok)))

    # test_6_4_randomnessComesFromTheCallersGenerator: four blobs (±0.01) at the corners of a
    # 1 × 1.05 rectangle, k = 2, the centroids compared in order. k-means++ picks a corner
    # uniformly, then another ∝ D²; Lloyd's steps keep the pairing the two seeds make. A correct
    # answer fails part 2 or 3 when `variety` = 30 further results all equal the first.
    corners = [(0, 0), (1, 0), (0, 1.05), (1, 1.05)]
    outcomes = {}
    for a in range(4):
        w = [sum((u - v) ** 2 for u, v in zip(corners[a], corners[b])) for b in range(4)]
        for b in range(4):
            if b == a:
                continue
            pairing = tuple(sorted(tuple(sorted(i for i in range(4)
                                                if (sum((u - v) ** 2 for u, v in zip(corners[i], corners[s])) <
                                                    sum((u - v) ** 2 for u, v in zip(corners[i], corners[t]))) == (s == a)))
                                   for s, t in [(a, b), (b, a)]))
            first_cluster = tuple(sorted(i for i in range(4) if sum((u - v) ** 2 for u, v in zip(corners[i], corners[a]))
                                         <= sum((u - v) ** 2 for u, v in zip(corners[i], corners[b]))))
            key = (pairing, first_cluster)
            outcomes[key] = outcomes.get(key, 0) + 0.25 * w[b] / sum(w)
    repeat = sum(q ** 31 for q in outcomes.values())      # Σ_a q_a · q_a^30
    correct("test_6_4_randomnessComesFromTheCallersGenerator",
            f"30 more results all equal the first ({len(outcomes)} outcomes, the likeliest {max(outcomes.values()):.3f}), parts 2 and 3",
            2 * repeat)
    caught("test_6_4_randomnessComesFromTheCallersGenerator", "seeded with the first k points (never varies)", 1.0)


def lab08():
    check = "test_8_5_everySubsetOfAClassIsEquallyLikely"
    pairs = list(itertools.combinations(range(6), 2))
    null = [1 / 15] * 15
    runs = [1 / 5 if b == a + 1 else 0.0 for a, b in pairs]
    cyclic = [1 / 6 if (b - a) % 6 in (1, 5) else 0.0 for a, b in pairs]
    first = [1.0 if (a, b) == (0, 1) else 0.0 for a, b in pairs]
    # Drawing 2 with replacement and moving a repeat to the next index (wrapping): P{a, b} is not uniform.
    with_repeat = {}
    for i in range(6):
        for j in range(6):
            k = j if j != i else (i + 1) % 6
            key = tuple(sorted((i, k)))
            with_repeat[key] = with_repeat.get(key, 0) + 1 / 36
    for mistake, bins in [("a random run of two neighbours", runs), ("neighbours, wrapping around", cyclic),
                          ("the first examples in data order", first),
                          ("two draws with replacement, a repeat moved to the next index", [with_repeat.get(p, 0) for p in pairs])]:
        caught(check, mistake, chi2_power(3000, null, bins))
    lo, hi = binomial_acceptance(3000, 1 / 15)
    caught(check, "one random order reused for every class", binomial_outside(3000, 1.0, lo, hi))
    correct(check, "χ² over 15 pairs and a binomial test", ALPHA + binomial_outside(3000, 1 / 15, lo, hi))
    # test_8_5_drawsOnlyFromTheGivenGenerator: another seed repeats 3 of 20 in each of 10 classes.
    correct("test_8_5_drawsOnlyFromTheGivenGenerator", "another seed gives the same subset", math.comb(20, 3) ** -10)


def main():
    lab03()
    lab05()
    lab06()
    lab08()
    failed = 0
    current = None
    for check, what, kind, probability, bound, ok in RESULTS:
        if check != current:
            print(f"\n{check}")
            current = check
        sign = "≤" if kind.startswith("a correct") else "≥"
        shown = "> 1 − 1e-9" if sign == "≥" and probability > 1 - 1e-9 else f"{probability:.3g}"
        print(f"  {'ok  ' if ok else 'FAIL'} {kind:22} {shown:>10}  (needs {sign} {bound:g})  {what}")
        failed += not ok
    print(f"\n{len(RESULTS)} bounds, {failed} not met.")
    print("Not statistical, so not here: the randomness contract's parts 1 (same seed, also in a new process) and 4 "
          "(the generator advances) are deterministic for a correct answer; parts 2 and 3 with variety 1 compare "
          "continuous draws, which repeat with probability 0.")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
