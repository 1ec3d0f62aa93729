"""Where the shipped data files are: network descriptions, published figures, device profiles
and examples (read only; data files are never written by the library)."""

from __future__ import annotations

from pathlib import Path


def data_dir() -> Path:
    """The folder of the shipped CSV files: ``costmodel/data`` in an installed wheel, the
    repository's ``data/`` in a source checkout or an editable install."""
    package = Path(__file__).resolve().parents[1]  # costmodel/, above costmodel/base/
    for candidate in (package / "data", package.parent / "data"):
        if (candidate / "networks" / "mobilenet_v1.csv").is_file():
            return candidate
    raise FileNotFoundError(f"costmodel's data files are missing (looked beside {package})")


def read_data_text(filename: str) -> str:
    """The text of a shipped data file (read only; data files are never written)."""
    return (data_dir() / filename).read_text(encoding="utf-8")


__all__ = ["data_dir", "read_data_text"]
