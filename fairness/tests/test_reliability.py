"""Intraclass correlations and Krippendorff's alpha against published examples and reference packages."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fairness.engine import reliability
from fairness.engine.reliability import icc_all, krippendorff_alpha

# Shrout & Fleiss (1979), Table 2: 6 targets rated by 4 judges.
SHROUT_FLEISS_TABLE_2 = np.array(
    [[9, 2, 5, 8], [6, 1, 3, 2], [8, 4, 6, 8], [7, 1, 2, 6], [10, 5, 6, 9], [6, 2, 4, 7]], dtype=float
)

# Krippendorff (2011), "Computing Krippendorff's Alpha-Reliability", section E: 4 coders x 12 units
# with missing values (also the example on Wikipedia's "Krippendorff's alpha" page).
KRIPPENDORFF_2011 = np.array(
    [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, np.nan, np.nan, np.nan],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, np.nan, 3],
        [np.nan, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, np.nan],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, np.nan],
    ]
)

ICC_NAMES = ("ICC1", "ICC2", "ICC3", "ICC1k", "ICC2k", "ICC3k")
PINGOUIN_TYPES = dict(
    zip(ICC_NAMES, ("ICC(1,1)", "ICC(A,1)", "ICC(C,1)", "ICC(1,k)", "ICC(A,k)", "ICC(C,k)"), strict=True)
)


def _missing(rng: np.random.Generator, shape: tuple[int, int], values: np.ndarray, share: float) -> np.ndarray:
    data = rng.choice(values, size=shape).astype(float)
    data[rng.random(shape) < share] = np.nan
    return data


def test_icc_reproduces_shrout_fleiss_1979_table_2():
    """The six ICCs round to the published .17, .29, .71, .44, .62 and .91."""
    result = icc_all(SHROUT_FLEISS_TABLE_2)

    published = {"ICC1": 0.17, "ICC2": 0.29, "ICC3": 0.71, "ICC1k": 0.44, "ICC2k": 0.62, "ICC3k": 0.91}
    assert {name: round(result[name]["value"], 2) for name in ICC_NAMES} == published
    for name in ICC_NAMES:
        lo, hi = result[name]["ci95"]
        assert lo < result[name]["value"] < hi


@pytest.mark.filterwarnings("ignore:The inplace keyword")  # inside pingouin, not this code
@pytest.mark.parametrize("seed", [0, 1, 2])
def test_icc_matches_pingouin_values_and_intervals(seed, monkeypatch):
    """Point estimates and 95 % intervals equal pingouin.intraclass_corr to 1e-9."""
    pd = pytest.importorskip("pandas")
    pg = pytest.importorskip("pingouin")
    rng = np.random.default_rng(seed)
    n, k = 40 + 10 * seed, 3 + seed
    table = rng.normal(size=(n, 1)) + rng.normal(0, 0.8, size=(n, k)) + rng.normal(0, 0.5, size=k)
    long = pd.DataFrame(
        {"target": np.repeat(np.arange(n), k), "rater": np.tile(np.arange(k), n), "score": table.ravel()}
    )
    # pingouin rounds its CI column to 2 decimals by default.
    monkeypatch.setitem(pg.options, "round.column.CI95", None)

    expected = pg.intraclass_corr(long, targets="target", raters="rater", ratings="score").set_index("Type")
    result = icc_all(table)

    for name, pg_type in PINGOUIN_TYPES.items():
        assert result[name]["value"] == pytest.approx(expected.at[pg_type, "ICC"], abs=1e-9)
        assert result[name]["ci95"] == pytest.approx(list(expected.at[pg_type, "CI95"]), abs=1e-9)


def test_icc_rejects_incomplete_or_too_small_tables():
    """Missing cells, a single rater or a single target raise ValueError."""
    table = SHROUT_FLEISS_TABLE_2.copy()
    table[0, 0] = np.nan
    with pytest.raises(ValueError, match="complete"):
        icc_all(table)
    with pytest.raises(ValueError, match="at least 2"):
        icc_all(SHROUT_FLEISS_TABLE_2[:, :1])
    with pytest.raises(ValueError, match="at least 2"):
        icc_all(SHROUT_FLEISS_TABLE_2[:1])


def test_icc_is_nan_when_residual_variance_vanishes():
    """Identical raters give ICC3 = 1 when targets vary, and NaN (not an exception) when nothing varies."""
    perfect = np.repeat(np.arange(5.0)[:, None], 3, axis=1)
    assert icc_all(perfect)["ICC3"]["value"] == pytest.approx(1.0)
    assert np.isnan(icc_all(np.ones((4, 3)))["ICC1"]["value"])


@pytest.mark.parametrize(
    ("level", "published"), [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_alpha_reproduces_krippendorff_2011_example(level, published):
    """The 4 coders x 12 units example gives the published alpha at every level of measurement."""
    assert round(krippendorff_alpha(KRIPPENDORFF_2011, level), 3) == published


@pytest.mark.parametrize("level", reliability.KRIPPENDORFF_LEVELS)
@pytest.mark.parametrize("seed", [0, 1])
def test_alpha_matches_krippendorff_package_on_random_data(level, seed):
    """Random 1-7 ratings with 30 % missing give the krippendorff package's alpha to 1e-9."""
    kd = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(seed)
    latent = rng.integers(1, 8, size=400)
    data = np.clip(latent + rng.integers(-1, 2, size=(6, 400)), 1, 7).astype(float)
    data[rng.random(data.shape) < 0.3] = np.nan

    assert krippendorff_alpha(data, level) == pytest.approx(
        kd.alpha(reliability_data=data, level_of_measurement=level), abs=1e-9
    )


@pytest.mark.parametrize("level", reliability.KRIPPENDORFF_LEVELS)
def test_alpha_sparse_path_matches_dense_path_on_continuous_data(level, monkeypatch):
    """Continuous values (many distinct values) give the same alpha through the sparse coincidence matrix."""
    kd = pytest.importorskip("krippendorff")
    rng = np.random.default_rng(7)
    data = np.round(rng.gamma(4.0, 2.0, size=(4, 150)) + rng.gamma(4.0, 2.0, size=150), 2)
    data[rng.random(data.shape) < 0.2] = np.nan
    expected = kd.alpha(reliability_data=data, level_of_measurement=level)

    monkeypatch.setattr(reliability, "_DENSE_COUNT_CELLS", 0)

    assert krippendorff_alpha(data, level) == pytest.approx(expected, abs=1e-9)


def test_alpha_ignores_units_with_a_single_value():
    """Units coded by only one coder are not pairable and leave alpha unchanged."""
    extra = np.full((4, 3), np.nan)
    extra[0, 0], extra[2, 1], extra[3, 2] = 1.0, 5.0, 2.0

    widened = np.hstack([KRIPPENDORFF_2011, extra])

    for level in reliability.KRIPPENDORFF_LEVELS:
        assert krippendorff_alpha(widened, level) == pytest.approx(krippendorff_alpha(KRIPPENDORFF_2011, level))


def test_alpha_is_one_for_perfect_agreement_and_nan_when_undefined():
    """Perfect agreement gives 1; no pairable unit or a single value gives NaN."""
    agree = np.array([[1, 2, 3, np.nan], [1, 2, 3, 4.0]])
    assert krippendorff_alpha(agree, "interval") == pytest.approx(1.0)
    assert np.isnan(krippendorff_alpha(np.array([[1.0, np.nan], [np.nan, 2.0]])))
    assert np.isnan(krippendorff_alpha(np.full((3, 4), 2.0), "nominal"))


def test_alpha_rejects_unknown_level():
    """An unknown level of measurement raises ValueError naming the allowed levels."""
    with pytest.raises(ValueError, match="nominal"):
        krippendorff_alpha(KRIPPENDORFF_2011, "cardinal")


@settings(max_examples=30, deadline=None)
@given(seed=st.integers(0, 2**32 - 1), level=st.sampled_from(reliability.KRIPPENDORFF_LEVELS))
def test_alpha_does_not_depend_on_coder_or_unit_order(seed, level):
    """Permuting coders and units leaves alpha unchanged (it depends only on the coincidences)."""
    rng = np.random.default_rng(seed)
    data = _missing(rng, (4, 25), np.arange(1, 6), 0.25)
    data[:2, :3] = 3.0  # at least a few pairable units

    shuffled = data[rng.permutation(4)][:, rng.permutation(25)]

    a, b = krippendorff_alpha(data, level), krippendorff_alpha(shuffled, level)
    assert (np.isnan(a) and np.isnan(b)) or a == pytest.approx(b, abs=1e-12)
