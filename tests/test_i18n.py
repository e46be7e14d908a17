"""The English catalogue: complete, well-formed, compiled, and reachable through the language switch.

Indonesian is the source language (every msgid is Indonesian); English comes from
``locale/en/LC_MESSAGES/django.po``. When a test here fails after you added or changed a UI
string, run ``make messages``, translate the new entries in that file, and commit both the
``.po`` and the compiled ``.mo``.
"""

import ast
import gettext
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DIR = ROOT / "locale" / "en" / "LC_MESSAGES"
PO_FILE = LOCALE_DIR / "django.po"
MO_FILE = LOCALE_DIR / "django.mo"

# Not scanned: the virtualenv, runtime data, benchmarks, VCS and build leftovers; everything else under the
# repo root is, as `terang makemessages -l en --ignore=.venv --ignore=var --ignore=bench` does.
IGNORED_DIRS = {".venv", "var", "bench", ".git", "node_modules", "__pycache__", "htmlcov", "staticfiles"}
SCANNED_SUFFIXES = {".py", ".html", ".txt"}

PLACEHOLDER = re.compile(r"%\((\w+)\)[sdifr]")
FIX_HINT = (
    "Run `make messages`, translate the listed entries in locale/en/LC_MESSAGES/django.po, and commit the .po and .mo."
)

_FIELD = re.compile(r'^(msgctxt|msgid_plural|msgid|msgstr(?:\[\d+\])?) (".*")$')


def parse_po(path: Path) -> list[dict]:
    """Entries of a .po file: msgctxt/msgid/msgid_plural/msgstr[...] as strings, plus their flags.

    Obsolete entries (``#~``) are skipped; the header (empty msgid) is included.
    """
    entries = []
    for block in re.split(r"\n\s*\n", path.read_text(encoding="utf-8")):
        entry: dict = {"flags": set()}
        key = None
        for line in block.splitlines():
            line = line.strip()
            if not line or line.startswith("#~"):
                continue
            if line.startswith("#,"):
                entry["flags"].update(flag.strip() for flag in line[2:].split(","))
            elif line.startswith("#"):
                continue
            elif match := _FIELD.match(line):
                key = match.group(1)
                entry[key] = ast.literal_eval(match.group(2))
            elif line.startswith('"') and key:
                entry[key] += ast.literal_eval(line)
            else:
                raise AssertionError(f"{path}: cannot parse line {line!r}")
        if "msgid" in entry:
            entries.append(entry)
    return entries


def translations(entry: dict) -> list[str]:
    if "msgid_plural" in entry:
        return [value for key, value in sorted(entry.items()) if key.startswith("msgstr[")]
    return [entry.get("msgstr", "")]


def key(entry: dict) -> tuple[str | None, str]:
    return entry.get("msgctxt"), entry["msgid"]


def describe(entry_key: tuple[str | None, str]) -> str:
    context, msgid = entry_key
    return f"  {msgid!r}" + (f" (context {context!r})" if context else "")


def test_catalogue_is_translated_and_keeps_placeholders():
    entries = [e for e in parse_po(PO_FILE) if e["msgid"]]
    assert len(entries) > 100, "the English catalogue looks truncated"

    fuzzy = [describe(key(e)) for e in entries if "fuzzy" in e["flags"]]
    assert not fuzzy, "Fuzzy (unchecked) translations:\n" + "\n".join(fuzzy) + "\n" + FIX_HINT

    untranslated = [describe(key(e)) for e in entries if not all(t.strip() for t in translations(e))]
    assert not untranslated, "Entries without an English translation:\n" + "\n".join(untranslated) + "\n" + FIX_HINT

    wrong_forms = [describe(key(e)) for e in entries if "msgid_plural" in e and len(translations(e)) != 2]
    assert not wrong_forms, "Plural entries without exactly two English forms:\n" + "\n".join(wrong_forms)

    mismatched = []
    for entry in entries:
        expected = set(PLACEHOLDER.findall(entry["msgid"] + entry.get("msgid_plural", "")))
        for text in translations(entry):
            found = set(PLACEHOLDER.findall(text))
            if found != expected:
                mismatched.append(
                    f"{describe(key(entry))}: expects {sorted(expected)}, translation has {sorted(found)}"
                )
    assert not mismatched, "Placeholders differ between Indonesian and English:\n" + "\n".join(mismatched)


def test_header_declares_english_plurals():
    header = next(e for e in parse_po(PO_FILE) if e["msgid"] == "")
    assert "fuzzy" not in header["flags"]
    assert "Language: en\n" in header["msgstr"]
    assert "charset=UTF-8" in header["msgstr"]
    assert "Plural-Forms: nplurals=2; plural=(n != 1);" in header["msgstr"]


@pytest.mark.skipif(shutil.which("msgfmt") is None, reason="GNU gettext (msgfmt) is not installed")
def test_compiled_catalogue_matches_the_po(tmp_path):
    assert MO_FILE.exists(), f"{MO_FILE} is missing. {FIX_HINT}"
    fresh = tmp_path / "django.mo"
    result = subprocess.run(
        ["msgfmt", "--check-format", "-o", str(fresh), str(PO_FILE)], capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, f"msgfmt rejects the catalogue:\n{result.stderr}"

    with fresh.open("rb") as f:
        expected = gettext.GNUTranslations(f)._catalog
    with MO_FILE.open("rb") as f:
        committed = gettext.GNUTranslations(f)._catalog
    stale = sorted(str(k) for k in expected.keys() | committed.keys() if expected.get(k) != committed.get(k))
    assert not stale, (
        f"{MO_FILE.name} is out of date with {PO_FILE.name} ({len(stale)} entries differ, e.g. {stale[:5]}). "
        "Run `make messages` (or `terang compilemessages --ignore=.venv`) and commit the .mo."
    )


def _copy_sources(dest: Path) -> None:
    """Copy only what makemessages reads (and what Django needs to start) into ``dest``."""

    def ignore(directory: str, names: list[str]) -> set[str]:
        skipped = set()
        for name in names:
            path = Path(directory) / name
            if path.is_dir():
                if name in IGNORED_DIRS or name.startswith(".") or name == "locale":
                    skipped.add(name)
            elif path.suffix not in SCANNED_SUFFIXES:
                skipped.add(name)
        return skipped

    shutil.copytree(ROOT, dest, ignore=ignore, symlinks=False)


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext (xgettext) is not installed")
def test_catalogue_covers_every_string_in_the_code(tmp_path):
    """Extract the strings afresh from a copy of the sources; each must be translated in the committed .po."""
    copy = tmp_path / "src"
    _copy_sources(copy)
    env = {
        **os.environ,
        "DJANGO_DEBUG": "true",
        "DJANGO_SETTINGS_MODULE": "terang.settings",
        "PYTHONPATH": str(copy),
    }
    env.pop("TERANG_TESTING", None)
    result = subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "en", "--no-obsolete", "--no-location", "-v", "0"]
        + [f"--ignore={name}" for name in ("var", "bench", ".venv")],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, f"makemessages failed:\n{result.stdout}\n{result.stderr}"
    regenerated = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    assert regenerated.exists(), f"makemessages wrote no catalogue:\n{result.stdout}\n{result.stderr}"

    needed = {key(e) for e in parse_po(regenerated) if e["msgid"]}
    assert len(needed) > 100, "extraction found suspiciously few strings"
    committed = {key(e): e for e in parse_po(PO_FILE)}
    missing = sorted(
        k
        for k in needed
        if k not in committed
        or "fuzzy" in committed[k]["flags"]
        or not all(t.strip() for t in translations(committed[k]))
    )
    assert not missing, (
        f"{len(missing)} UI string(s) in the code have no English translation:\n"
        + "\n".join(describe(k) for k in missing)
        + "\n"
        + FIX_HINT
    )


@pytest.fixture
def restore_language():
    """Requests activate their language for the whole thread; put the previous one back afterwards."""
    from django.utils import translation

    with translation.override(translation.get_language()):
        yield


def test_set_language_switches_the_login_page_to_english(client, restore_language):
    from django.utils import translation

    with translation.override("en"):
        english_heading = translation.gettext("Masuk ke Terang")
    assert english_heading != "Masuk ke Terang", "the English catalogue is not loaded (is the .mo compiled?)"

    default = client.get("/akun/masuk/")
    assert default.status_code == 200
    assert "Masuk ke Terang" in default.content.decode()
    assert english_heading not in default.content.decode()

    response = client.post("/bahasa/", {"language": "en", "next": "/akun/masuk/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/akun/masuk/"
    page = response.content.decode()
    assert english_heading in page
    assert "Masuk ke Terang" not in page
    assert 'lang="en"' in page

    # The choice is remembered for the next request.
    again = client.get("/akun/masuk/").content.decode()
    assert english_heading in again
