"""The run sheet's hand-laid table: widths, wrapping, justification, never wider than asked."""

from __future__ import annotations

from rich.cells import cell_len

from moderator.commands.columns import Column, lay_out


def test_fixed_columns_fit_their_widest_cell_and_flexible_ones_wrap_within_the_width() -> None:
    columns = [Column("#", right=True), Column("Dur."), Column("Title", ratio=2), Column("Who", ratio=1)]
    rows = [["1", "10m", "a title long enough to need wrapping in a narrow table " * 2, "Young Kim"],
            ["12", "5m", "short", "한국어 이름 사용자"]]
    lines = lay_out(columns, rows, 60).plain.splitlines()
    assert all(cell_len(line) <= 60 for line in lines)
    assert lines[0].startswith(" # ┃ Dur. ┃ Title")
    assert lines[2].startswith(" 1 │ 10m  │ a title long")
    assert len(lines) > 4  # the long title took several lines
    second = next(n for n, line in enumerate(lines) if line.startswith("12 │ 5m   │ short"))
    assert " ".join(line.split("│")[2].strip() for line in lines[2:second]) == rows[0][2].strip()
    assert " ".join(line.split("│")[3].strip() for line in lines[second:]) == rows[1][3]  # wide characters


def test_a_word_longer_than_its_column_is_cut_not_lost() -> None:
    text = lay_out([Column("T", ratio=1)], [["x" * 25]], 10).plain.splitlines()
    assert [line.strip() for line in text[2:]] == ["x" * 10, "x" * 10, "x" * 5]
