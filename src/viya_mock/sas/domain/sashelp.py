"""SASHELP.CLASS, the table every SAS example prints: 19 students, as SAS ships it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Column:
    name: str
    numeric: bool
    # Decimals a numeric value is written with (Height and Weight are stored as 69.0, 112.5).
    decimals: int = 0


@dataclass(frozen=True, slots=True)
class Table:
    library: str
    name: str
    columns: tuple[Column, ...]
    # A numeric cell is None where SAS holds a missing value (only tables a program read in have those).
    rows: tuple[tuple[str | float | None, ...], ...]


CLASS = Table(
    "SASHELP",
    "CLASS",
    (
        Column("Name", False),
        Column("Sex", False),
        Column("Age", True),
        Column("Height", True, 1),
        Column("Weight", True, 1),
    ),
    (
        ("Alfred", "M", 14, 69.0, 112.5),
        ("Alice", "F", 13, 56.5, 84.0),
        ("Barbara", "F", 13, 65.3, 98.0),
        ("Carol", "F", 14, 62.8, 102.5),
        ("Henry", "M", 14, 63.5, 102.5),
        ("James", "M", 12, 57.3, 83.0),
        ("Jane", "F", 12, 59.8, 84.5),
        ("Janet", "F", 15, 62.5, 112.5),
        ("Jeffrey", "M", 13, 62.5, 84.0),
        ("John", "M", 12, 59.0, 99.5),
        ("Joyce", "F", 11, 51.3, 50.5),
        ("Judy", "F", 14, 64.3, 90.0),
        ("Louise", "F", 12, 56.3, 77.0),
        ("Mary", "F", 15, 66.5, 112.0),
        ("Philip", "M", 16, 72.0, 150.0),
        ("Robert", "M", 12, 64.8, 128.0),
        ("Ronald", "M", 15, 67.0, 133.0),
        ("Thomas", "M", 11, 57.5, 85.0),
        ("William", "M", 15, 66.5, 112.0),
    ),
)

TABLES = {"SASHELP.CLASS": CLASS}


def find(member: str) -> Table | None:
    """The bundled table `LIB.NAME` (upper case), or None."""
    return TABLES.get(member)


def text(value: str | float | None, column: Column) -> str:
    """A value as SAS writes it unformatted (numbers with the table's decimals)."""
    if value is None:
        return "."
    if column.numeric and isinstance(value, int | float):
        return f"{value:.{column.decimals}f}"
    return str(value)
