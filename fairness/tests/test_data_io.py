"""Ratings container and CSV readers: tolerated quirks and one InputError code per defect."""

import io

import numpy as np
import pytest

from fairness.engine.data import InputError, Ratings
from fairness.engine.io import read_achievement, read_adverse, read_ratings


def _csv(text: str) -> io.StringIO:
    return io.StringIO(text)


def test_from_columns_factorises_labels_in_sorted_order():
    r = Ratings.from_columns(["b", "a", "b"], ["x", "y", "x"], ["k2", "k1", "k1"], [1, 2, 3])
    assert r.ratee_ids == ["a", "b"]
    assert r.ratee.tolist() == [1, 0, 1]
    assert r.ratee.dtype == np.int32
    assert r.score.dtype == np.float64
    assert (r.n, r.n_ratees, r.n_raters, r.n_criteria) == (3, 2, 2, 2)


def test_from_columns_rejects_unequal_lengths():
    with pytest.raises(InputError) as exc:
        Ratings.from_columns(["a"], ["x", "y"], ["k"], [1])
    assert exc.value.code == "length_mismatch"


def test_input_error_has_code_params_and_indonesian_message():
    err = InputError("non_numeric_score", {"row": 7, "value": "abc"})
    assert err.code == "non_numeric_score"
    assert err.params == {"row": 7, "value": "abc"}
    assert str(err) == "Baris 7: nilai abc bukan angka."


def test_read_ratings_tolerates_bom_spaces_and_header_case():
    text = "\ufeff Ratee , RATER,Criterion , Score \n a , x , k1 , 3 \nb,y,k1,4.5\n\nb,x,k1,2\n"
    r = read_ratings(_csv(text))
    assert r.ratee_ids == ["a", "b"]
    assert r.rater_ids == ["x", "y"]
    assert r.score.tolist() == [3.0, 4.5, 2.0]


def test_read_ratings_accepts_semicolon_decimal_comma_and_indonesian_header(tmp_path):
    path = tmp_path / "nilai.csv"
    path.write_bytes("pegawai;penilai;kriteria;nilai\na;x;k;3,5\nb;y;k;4\n".encode("utf-8-sig"))
    r = read_ratings(path)
    assert r.score.tolist() == [3.5, 4.0]


@pytest.mark.parametrize(
    ("text", "code", "params"),
    [
        ("", "empty_file", {}),
        ("\n\n", "empty_file", {}),
        ("ratee,rater,criterion,score\n", "empty_file", {}),
        ("ratee,rater,score\na,x,1\n", "bad_header", {}),
        ("ratee,rater,criterion,score\na,x,k,1\na,y,k,tinggi\n", "non_numeric_score", {"row": 3, "value": "tinggi"}),
        ("ratee,rater,criterion,score\na,x,k,1\na,,k,2\n", "missing_value", {"row": 3, "column": "rater"}),
        ("ratee,rater,criterion,score\na,x,k,1\na,y,k\n", "wrong_column_count", {"row": 3}),
        ("ratee,rater,criterion,score\na,x,k,nan\n", "non_finite_score", {"row": 2}),
        ("ratee,rater,criterion,score\na,x,k,1\nb,x,k,2\n", "one_rater_only", {}),
        ("ratee,rater,criterion,score\na,x,k,1\nb,y,k,2\na,x,k,3\n", "duplicate_rating", {"row": 4, "first_row": 2}),
    ],
)
def test_read_ratings_reports_each_defect_with_its_code(text, code, params):
    with pytest.raises(InputError) as exc:
        read_ratings(_csv(text))
    assert exc.value.code == code
    for key, value in params.items():
        assert exc.value.params[key] == value
    assert str(exc.value)


def test_read_ratings_missing_file_is_an_input_error(tmp_path):
    with pytest.raises(InputError) as exc:
        read_ratings(tmp_path / "tidak-ada.csv")
    assert exc.value.code == "file_not_found"


def test_read_ratings_rejects_non_utf8(tmp_path):
    path = tmp_path / "latin1.csv"
    path.write_bytes("ratee,rater,criterion,score\nJos\xe9,x,k,1\n".encode("latin-1"))
    with pytest.raises(InputError) as exc:
        read_ratings(path)
    assert exc.value.code == "bad_encoding"


def test_read_adverse_aggregated():
    counts = read_adverse(_csv("Group,Applicants,Selected\nA,10,5\nB,8,2\n"))
    assert counts.groups == ["A", "B"]
    assert counts.applicants.tolist() == [10, 8]
    assert counts.selected.tolist() == [5, 2]


def test_read_adverse_one_row_per_person_accepts_indonesian_booleans():
    text = "group,selected\nA,ya\nA,tidak\nB,1\nB,0\nB,TRUE\nA,false\n"
    counts = read_adverse(_csv(text))
    assert dict(zip(counts.groups, counts.applicants.tolist(), strict=True)) == {"A": 3, "B": 3}
    assert dict(zip(counts.groups, counts.selected.tolist(), strict=True)) == {"A": 1, "B": 2}


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("group,applicants,selected\nA,10,11\nB,5,1\n", "selected_exceeds_applicants"),
        ("group,applicants,selected\nA,10,x\nB,5,1\n", "non_integer_count"),
        ("group,applicants,selected\nA,10,2.5\nB,5,1\n", "non_integer_count"),
        ("group,applicants,selected\nA,-1,0\nB,5,1\n", "non_integer_count"),
        ("group,applicants,selected\nA,10,1\nA,5,1\n", "duplicate_group"),
        ("group,applicants,selected\nA,10,1\n", "too_few_groups"),
        ("group,selected\nA,mungkin\n", "bad_selected_value"),
        ("group,selected\n,1\n", "missing_value"),
        ("kelompok\nA\n", "bad_header"),
        ("group,applicants,selected\n", "empty_file"),
    ],
)
def test_read_adverse_reports_each_defect_with_its_code(text, code):
    with pytest.raises(InputError) as exc:
        read_adverse(_csv(text))
    assert exc.value.code == code


def test_read_achievement_aligns_with_ratee_ids_and_reports_unknown_ids():
    values, unknown = read_achievement(_csv("ratee,achievement\nb,80\nzz,10\na,75.5\n"), ["a", "b", "c"])
    assert values[:2].tolist() == [75.5, 80.0]
    assert np.isnan(values[2])
    assert unknown == ["zz"]
