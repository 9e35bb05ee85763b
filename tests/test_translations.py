"""Every message the code and templates use has a Chinese translation."""
import subprocess
import sys

from babel.messages.pofile import read_po

from footprint.web.translations import TRANSLATIONS


def test_catalogue_is_complete_and_in_sync(tmp_path):
    template = tmp_path / "messages.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "extract", "-F",
                    "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-o", str(template), "."],
                   check=True, cwd=TRANSLATIONS.parents[1], capture_output=True)
    with template.open("rb") as handle:
        wanted = {m.id for m in read_po(handle) if m.id}
    with (TRANSLATIONS / "zh" / "LC_MESSAGES" / "messages.po").open("rb") as handle:
        chinese = {m.id: m.string for m in read_po(handle) if m.id}
    assert wanted - set(chinese) == set(), "run pybabel update and translate the new messages"
    assert [m for m in wanted if not chinese[m]] == []
