"""Synthetic long-form appraisal data with known rater effects, for tests and benchmarks.

Generating process (rating units)::

    latent = mu + ratee_i + criterion_k - severity_j
             + (1 - halo_j) * profile_ik        # ratee's criterion pattern, mean zero per ratee
             + favour_ij                         # planted rater x ratee favouritism
             + error,  error ~ N(0, (error_sd * noise_j)^2)
    score  = centre + (1 - central_j) * (latent - centre)   # central-tendency raters compress

Network: ratees are split into blocks of `ratees_per_rater` (uniform) and each block gets a primary
rater; extra raters (per `rater_count_probs`) come from the primary rater's unit of `unit_size`
raters, or with probability `cross_unit` from anywhere, which keeps one large connected network
with realistic local structure. `achievement` is an objective measure per ratee (e.g. target
attainment in percent) that tracks the true ratee effect.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True, eq=False)
class Simulated:
    """Rating rows as 0-based codes plus the true effects that generated them."""

    ratee: np.ndarray
    rater: np.ndarray
    criterion: np.ndarray
    score: np.ndarray
    severity: np.ndarray
    criterion_effect: np.ndarray
    ratee_effect: np.ndarray
    halo: np.ndarray
    central: np.ndarray
    noisy: np.ndarray
    favoured: np.ndarray  # (m, 2) array of (rater, ratee) codes
    favour_bias: np.ndarray  # (m,) planted bias in rating units
    achievement: np.ndarray

    @property
    def n(self) -> int:
        return int(self.score.shape[0])

    @property
    def n_ratees(self) -> int:
        return int(self.ratee_effect.shape[0])

    @property
    def n_raters(self) -> int:
        return int(self.severity.shape[0])

    def ratings(self):
        """The rows as `fairness.engine.data.Ratings` (codes kept, ids are the codes as text)."""
        from fairness.engine.data import Ratings

        return Ratings.from_codes(self.ratee, self.rater, self.criterion, self.score)


def simulate(
    n_ratees: int = 300,
    n_criteria: int = 7,
    *,
    ratees_per_rater: tuple[int, int] = (5, 15),
    rater_count_probs: tuple[float, ...] = (0.55, 0.40, 0.05),
    n_raters: int | None = None,
    unit_size: int = 20,
    cross_unit: float = 0.05,
    mu: float = 3.5,
    ratee_sd: float = 0.6,
    severity_sd: float = 0.4,
    criterion_sd: float = 0.3,
    profile_sd: float = 0.3,
    error_sd: float = 0.4,
    halo_frac: float = 0.0,
    halo_strength: float = 0.8,
    central_frac: float = 0.0,
    central_strength: float = 0.5,
    noisy_frac: float = 0.0,
    noisy_factor: float = 2.5,
    n_favoured: int = 0,
    favour_range: tuple[float, float] = (1.0, 1.5),
    achievement_noise: float = 0.15,
    categories: int | None = None,
    shuffle: bool = True,
    seed: int = 0,
) -> Simulated:
    """Draw one synthetic data set; see the module docstring for the generating process.

    `n_raters`, when given, overrides `ratees_per_rater`: primary raters are assigned round-robin
    so the data have exactly that many raters. `categories` rounds scores to 1..categories (for
    Rasch models); None keeps continuous scores. Favoured pairs are drawn among the realised
    (rater, ratee) pairs.
    """
    rng = np.random.default_rng(seed)
    if n_raters is None:
        sizes = rng.integers(ratees_per_rater[0], ratees_per_rater[1] + 1, size=n_ratees // ratees_per_rater[0] + 1)
        primary = np.repeat(np.arange(sizes.shape[0], dtype=np.int64), sizes)[:n_ratees]
        n_raters = int(primary[-1]) + 1
    else:
        primary = np.arange(n_ratees, dtype=np.int64) % n_raters
        rng.shuffle(primary)
    n_units = max(1, -(-n_raters // unit_size))

    probs = np.asarray(rater_count_probs, dtype=np.float64)
    n_per = rng.choice(np.arange(1, probs.shape[0] + 1), size=n_ratees, p=probs / probs.sum())
    max_k = int(n_per.max())
    raters = np.full((n_ratees, max_k), -1, dtype=np.int64)
    raters[:, 0] = primary
    unit = primary // unit_size
    for slot in range(1, max_k):
        need = n_per > slot
        m = int(need.sum())
        lo = unit[need] * unit_size
        hi = np.minimum(lo + unit_size, n_raters)
        within = lo + (rng.random(m) * (hi - lo)).astype(np.int64)
        anywhere = rng.integers(0, n_raters, size=m)
        cand = np.where(rng.random(m) < cross_unit, anywhere, within)
        # Redraw clashes with earlier slots a few times, then drop what still clashes.
        for _ in range(8):
            clash = (raters[need, :slot] == cand[:, None]).any(axis=1)
            if not clash.any():
                break
            cand[clash] = rng.integers(0, n_raters, size=int(clash.sum()))
        clash = (raters[need, :slot] == cand[:, None]).any(axis=1)
        cand[clash] = -1
        raters[need, slot] = cand
    _ = n_units

    pair_ratee, pair_slot = np.nonzero(raters >= 0)
    pair_rater = raters[pair_ratee, pair_slot]
    n_pairs = pair_ratee.shape[0]

    severity = rng.normal(0.0, severity_sd, n_raters)
    crit_eff = rng.normal(0.0, criterion_sd, n_criteria)
    crit_eff -= crit_eff.mean()
    ratee_eff = rng.normal(0.0, ratee_sd, n_ratees)
    profile = rng.normal(0.0, profile_sd, (n_ratees, n_criteria))
    profile -= profile.mean(axis=1, keepdims=True)

    def pick(frac: float) -> np.ndarray:
        mask = np.zeros(n_raters, dtype=bool)
        mask[rng.choice(n_raters, size=round(frac * n_raters), replace=False)] = True
        return mask

    halo = pick(halo_frac)
    central = pick(central_frac)
    noisy = pick(noisy_frac)

    fav_idx = rng.choice(n_pairs, size=n_favoured, replace=False) if n_favoured else np.zeros(0, np.int64)
    fav_bias = rng.uniform(favour_range[0], favour_range[1], size=n_favoured)
    pair_fav = np.zeros(n_pairs)
    pair_fav[fav_idx] = fav_bias

    # Long form: every pair rates every criterion.
    ratee = np.repeat(pair_ratee, n_criteria).astype(np.int32)
    rater = np.repeat(pair_rater, n_criteria).astype(np.int32)
    crit = np.tile(np.arange(n_criteria, dtype=np.int32), n_pairs)
    fav = np.repeat(pair_fav, n_criteria)
    noise_sd = error_sd * np.where(noisy, noisy_factor, 1.0)
    latent = mu + ratee_eff[ratee] + crit_eff[crit] - severity[rater]
    latent += np.where(halo[rater], 1.0 - halo_strength, 1.0) * profile[ratee, crit]
    latent += fav
    latent += rng.standard_normal(latent.shape[0]) * noise_sd[rater]
    centre = mu
    shrink = np.where(central[rater], 1.0 - central_strength, 1.0)
    score = centre + shrink * (latent - centre)
    if categories is not None:
        score = np.clip(np.rint(score), 1, categories)

    if shuffle:
        perm = rng.permutation(score.shape[0])
        ratee, rater, crit, score = ratee[perm], rater[perm], crit[perm], score[perm]

    achievement = 75.0 + 10.0 * (ratee_eff + rng.normal(0.0, achievement_noise, n_ratees))
    return Simulated(
        ratee=ratee,
        rater=rater,
        criterion=crit,
        score=score,
        severity=severity,
        criterion_effect=crit_eff,
        ratee_effect=ratee_eff,
        halo=halo,
        central=central,
        noisy=noisy,
        favoured=np.column_stack([pair_rater[fav_idx], pair_ratee[fav_idx]]).astype(np.int64),
        favour_bias=fav_bias,
        achievement=achievement,
    )


def write_csv(sim: Simulated, path: str) -> None:
    """Write the rows as the CLI's `ratee,rater,criterion,score` CSV with readable ids."""
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("ratee,rater,criterion,score\n")
        for i, j, k, s in zip(sim.ratee, sim.rater, sim.criterion, sim.score, strict=True):
            fh.write(f"P{i:06d},R{j:05d},K{k + 1},{s:.4g}\n")
