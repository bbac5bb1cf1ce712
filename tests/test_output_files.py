"""What `-o` writes to (`cli.common.write_output`): a regular file atomically, keeping its permissions;
through a symbolic link to the file it names, the link kept; a FIFO (or a device) straight, never
replaced by a regular file (issue 20: `export -o /dev/full` as root turned the device into a file)."""

import os
import stat
import threading


def test_a_fifo_given_to_o_is_written_to_and_stays_a_fifo(cli, db, tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)  # (never left waiting)
    reader.start()
    result = cli("export", "-o", fifo, "--store", db)
    reader.join(timeout=60)
    assert result.exit_code == 0, result.stderr
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert got == [cli("export", "--store", db).stdout.encode("utf-8")]


def test_a_symbolic_link_given_to_o_is_kept_and_its_file_written(cli, db, tmp_path):
    target, link = tmp_path / "real.dot", tmp_path / "chart.dot"
    target.write_text("old", encoding="utf-8")
    link.symlink_to(target)
    result = cli("render", "--at", "2024-10-15", "-o", link, "--store", db)
    assert result.exit_code == 0, result.stderr
    assert link.is_symlink() and os.readlink(link) == str(target)
    assert target.read_text(encoding="utf-8").startswith("digraph")
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary file left


def test_a_file_replaced_by_o_keeps_its_permissions(cli, db, tmp_path):
    backup = tmp_path / "backup.jsonl"
    backup.write_text("", encoding="utf-8")
    backup.chmod(0o600)
    assert cli("export", "-o", backup, "--store", db).exit_code == 0
    assert stat.S_IMODE(backup.stat().st_mode) == 0o600 and backup.read_text(encoding="utf-8")
