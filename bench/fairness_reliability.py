"""Benchmarks of the reliability statistics and the many-facet Rasch fit (fairness.engine).

    .venv/bin/python bench/fairness_reliability.py [--quick]

1. icc_all versus pingouin.intraclass_corr on 2,000 targets x 5 raters: same six ICCs and 95 %
   intervals (to 1e-9) and the time ratio (target: ours >= 10x faster; pingouin works on long-form
   pandas and runs a two-way ANOVA);
2. krippendorff_alpha versus krippendorff.alpha on 20 coders x 50,000 units of a 1-5 scale with
   30 % missing, at all four levels: same value (to 1e-9) and the time ratio (target: ours no
   slower than 2x the package);
3. fit_mfrm on ~200,000 ratings (ratees x 7 criteria, 2-3 raters each, 1-5 scale): wall time,
   iterations and recovery of the simulated rater severities.

``--quick`` divides the sizes by 10. Timings are the best of several runs and exclude data
generation and building pingouin's DataFrame. Numbers are printed; nothing asserts on time.
Bench-only dependencies: pingouin, pandas, krippendorff.
"""

from __future__ import annotations

import argparse
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from fairness.engine.data import Ratings
from fairness.engine.rasch import fit_mfrm, simulate_mfrm
from fairness.engine.reliability import KRIPPENDORFF_LEVELS, icc_all, krippendorff_alpha

ICC_TYPES = {
    "ICC1": "ICC(1,1)",
    "ICC2": "ICC(A,1)",
    "ICC3": "ICC(C,1)",
    "ICC1k": "ICC(1,k)",
    "ICC2k": "ICC(A,k)",
    "ICC3k": "ICC(C,k)",
}


def _best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    """Best wall time of `repeat` calls and the last result."""
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = fn()
        best = min(best, time.perf_counter() - start)
    return best, result


def _ok(flag: bool) -> str:
    return "met" if flag else "NOT met"


def bench_icc(n_targets: int, k: int) -> None:
    import pandas as pd
    import pingouin as pg

    rng = np.random.default_rng(0)
    table = rng.normal(size=(n_targets, 1)) + rng.normal(0, 0.8, (n_targets, k)) + rng.normal(0, 0.4, k)
    long = pd.DataFrame(
        {
            "target": np.repeat(np.arange(n_targets), k),
            "rater": np.tile(np.arange(k), n_targets),
            "score": table.ravel(),
        }
    )
    pg.options["round.column.CI95"] = None  # compare full-precision intervals

    ours_t, ours = _best(lambda: icc_all(table), 20)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # pandas deprecation warnings raised inside pingouin
        ref_t, ref = _best(lambda: pg.intraclass_corr(long, "target", "rater", "score").set_index("Type"), 3)
    diff = max(
        max(
            abs(ours[name]["value"] - ref.at[t, "ICC"]),
            *np.abs(np.asarray(ours[name]["ci95"]) - np.asarray(ref.at[t, "CI95"], dtype=float)),
        )
        for name, t in ICC_TYPES.items()
    )
    ratio = ref_t / ours_t
    print(f"ICC, {n_targets} targets x {k} raters")
    print(f"  icc_all              {ours_t * 1e3:9.2f} ms")
    print(f"  pingouin             {ref_t * 1e3:9.2f} ms")
    print(f"  speed-up             {ratio:9.1f}x   (target >= 10x: {_ok(ratio >= 10)})")
    print(f"  max |difference|     {diff:9.1e}   (values and CIs; target <= 1e-9: {_ok(diff <= 1e-9)})")


def bench_alpha(n_coders: int, n_units: int) -> None:
    import krippendorff

    rng = np.random.default_rng(1)
    latent = rng.integers(1, 6, size=n_units)
    data = np.clip(latent + rng.integers(-1, 2, size=(n_coders, n_units)), 1, 5).astype(float)
    data[rng.random(data.shape) < 0.3] = np.nan
    print(f"Krippendorff's alpha, {n_coders} coders x {n_units} units, 1-5 scale, 30 % missing")
    all_met = True
    for level in KRIPPENDORFF_LEVELS:
        ours_t, ours = _best(lambda level=level: krippendorff_alpha(data, level), 5)
        ref_t, ref = _best(lambda level=level: krippendorff.alpha(reliability_data=data, level_of_measurement=level), 3)
        ratio = ours_t / ref_t
        same = abs(float(ours) - float(ref)) <= 1e-9
        all_met &= ratio <= 2.0 and same
        print(
            f"  {level:9s} alpha={ours:.6f}  |diff|={abs(float(ours) - float(ref)):.1e}  "
            f"ours {ours_t * 1e3:7.1f} ms  package {ref_t * 1e3:7.1f} ms  ours/package {ratio:5.2f}"
        )
    print(f"  target (same to 1e-9, ours/package <= 2 at every level): {_ok(all_met)}")


def bench_rasch(n_ratees: int, n_raters: int, n_criteria: int = 7) -> None:
    rng = np.random.default_rng(2)
    k = rng.integers(2, 4, size=n_ratees)
    pair_ratee = np.repeat(np.arange(n_ratees), k)
    pair_rater = np.concatenate([rng.choice(n_raters, size=kk, replace=False) for kk in k])
    ratee = np.repeat(pair_ratee, n_criteria)
    rater = np.repeat(pair_rater, n_criteria)
    criterion = np.tile(np.arange(n_criteria), pair_ratee.size)
    severity = rng.normal(0, 0.6, n_raters)
    score = simulate_mfrm(
        ratee,
        rater,
        criterion,
        ratee_measure=rng.normal(0, 1, n_ratees),
        rater_severity=severity,
        criterion_difficulty=rng.normal(0, 0.5, n_criteria),
        thresholds=np.array([-2.0, -0.7, 0.7, 2.0]),
        rng=rng,
        lowest=1,
    )
    r = Ratings.from_codes(ratee, rater, criterion, score)
    elapsed, res = _best(lambda: fit_mfrm(r), 3)
    recovery = np.corrcoef(res.rater_severity, severity)[0, 1]
    print(f"fit_mfrm, {score.size} ratings ({n_ratees} ratees, {n_raters} raters, {n_criteria} criteria)")
    print(f"  wall time            {elapsed:9.2f} s    (converged={res.converged}, {res.iterations} iterations)")
    print(f"  severity recovery r  {recovery:9.4f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="sizes divided by 10")
    args = parser.parse_args()
    scale = 10 if args.quick else 1
    bench_icc(2_000 // scale, 5)
    print()
    bench_alpha(20, 50_000 // scale)
    print()
    bench_rasch(11_500 // scale, 500 // scale)


if __name__ == "__main__":
    main()
