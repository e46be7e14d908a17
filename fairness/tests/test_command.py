"""`terang fairness` management command: JSON/table output and translated input errors."""

import json
import re
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from bench.fairness_data import simulate, write_csv
from fairness.engine import data
from fairness.management.commands.fairness import ERROR_MESSAGES, input_error_message


def _run(*args: str) -> str:
    out = StringIO()
    call_command("fairness", *args, stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def ratings_csv(tmp_path_factory):
    sim = simulate(50, n_raters=6, rater_count_probs=(0.4, 0.6), categories=5, seed=3)
    path = tmp_path_factory.mktemp("fair") / "nilai.csv"
    write_csv(sim, str(path))
    ach = path.with_name("capaian.csv")
    ach.write_text(
        "ratee,achievement\n" + "".join(f"P{i:06d},{a:.2f}\n" for i, a in enumerate(sim.achievement)) + "X,1\n"
    )
    return path, ach


def test_analyse_writes_json_to_stdout(ratings_csv):
    path, ach = ratings_csv
    report = json.loads(_run("analyse", str(path), "--achievement", str(ach)))
    assert report["model"] == "additive"
    assert len(report["raters"]) == 6
    assert report["raters"][0]["id"] == "R00000"
    assert any("diabaikan" in n for n in report["notes"])


def test_analyse_table_is_plain_text(ratings_csv):
    path, _ = ratings_csv
    out = _run("analyse", str(path), "--format", "table")
    assert "Penilai" in out
    assert "R00000" in out
    assert "{" not in out


def test_adverse_impact_json_and_table(tmp_path):
    path = tmp_path / "seleksi.csv"
    path.write_text("group,applicants,selected\nA,100,60\nB,100,45\nC,3,1\n")
    result = json.loads(_run("adverse-impact", str(path)))
    assert [g["flag"] for g in result["groups"]] == [False, True, False]
    assert result["groups"][2]["suppressed"] is True
    table = _run("adverse-impact", str(path), "--format", "table", "--min-group-size", "2")
    assert "0.750" in table


def test_bad_input_raises_command_error_with_translated_message(tmp_path):
    path = tmp_path / "rusak.csv"
    path.write_text("ratee,rater,criterion,score\na,x,k,1\nb,y,k,baik\n")
    with pytest.raises(CommandError, match="Baris 3: nilai baik bukan angka"):
        _run("analyse", str(path))


def test_adverse_error_is_translated(tmp_path):
    path = tmp_path / "seleksi.csv"
    path.write_text("group,applicants,selected\nA,10,12\nB,5,1\n")
    with pytest.raises(CommandError, match="melebihi jumlah pelamar"):
        _run("adverse-impact", str(path))


def test_missing_file_is_a_command_error(tmp_path):
    with pytest.raises(CommandError, match="tidak ditemukan"):
        _run("analyse", str(tmp_path / "tidak-ada.csv"))


def test_every_engine_error_code_has_a_translatable_message():
    assert set(data._MESSAGES) <= set(ERROR_MESSAGES)
    # Codes raised with a message of their own (e.g. by the Rasch model) need a gettext entry too.
    engine = Path(data.__file__).parent
    raised = {
        code
        for source in engine.glob("*.py")
        for code in re.findall(r'InputError\(\s*"(\w+)"', source.read_text(encoding="utf-8"))
    }
    assert {"non_integer_score", "too_few_categories"} <= raised
    assert raised <= set(ERROR_MESSAGES)


def test_rasch_input_errors_are_translated():
    err = data.InputError("non_integer_score", {"index": 4, "value": 2.5}, message="engine text")
    with translation.override("id"):
        assert input_error_message(err) == (
            "Model Rasch memerlukan skor bilangan bulat (kategori skala); penilaian ke-5 bernilai 2.5."
        )
    with translation.override("en"):
        english = input_error_message(data.InputError("too_few_categories", {"n": 1}, message="engine text"))
        assert english != "engine text"
        assert "Model Rasch" not in english
        wrong = data.InputError("wrong_column_count", {"row": 2, "expected": 1, "found": 3})
        assert input_error_message(wrong) == "Row 2: expected 1 column, found 3."
