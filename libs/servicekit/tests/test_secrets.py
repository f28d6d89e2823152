"""Secrets from a value or a file, and key files written once."""

import base64
import stat

from servicekit.secrets import ensure_key_file, main, read_secret


def test_a_value_wins_over_its_file_and_the_file_is_read_without_its_newline(tmp_path):
    path = tmp_path / "key"
    path.write_text("from-the-file\n")
    assert read_secret("from-the-value", str(path)) == "from-the-value"
    assert read_secret("", str(path)) == "from-the-file"
    assert read_secret("", "") == ""


def test_a_key_file_is_written_once_for_its_owner_alone(tmp_path):
    path = tmp_path / "secrets" / "contact_keys"
    assert ensure_key_file(path) is True
    first = path.read_text()
    assert len(base64.urlsafe_b64decode(first.strip())) == 32  # a Fernet key: 32 bytes, urlsafe base64
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert ensure_key_file(path) is False
    assert path.read_text() == first  # a restart never replaces a key that sealed data


def test_the_command_writes_what_is_missing_and_keeps_the_rest(tmp_path, capsys):
    (tmp_path / "kept").write_text("old\n")
    assert main([str(tmp_path), "kept", "new"]) == 0
    assert (tmp_path / "kept").read_text() == "old\n"
    assert len(read_secret("", str(tmp_path / "new"))) == 44
    assert capsys.readouterr().out.splitlines() == [f"kept {tmp_path / 'kept'}", f"wrote {tmp_path / 'new'}"]
    assert main([]) == 2
