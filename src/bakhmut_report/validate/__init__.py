"""The validate layer: consistency rules the Table Schema cannot express.

``rules`` checks the dataset as a whole (a change's "before" holder is the holder
at that date, claims come from the gaining side, quotes are verbatim...) and
reports every problem at once with file, line, column and value.
``load_valid_dataset`` is what every command and the notebook use.
"""

from __future__ import annotations

from pathlib import Path

from ..load.dataset import load_dataset
from ..model.dataset import Dataset
from .rules import check_consistency


def load_valid_dataset(data_dir: Path | str | None = None) -> Dataset:
    """The dataset, read, typed and checked; raises DataError naming every problem."""
    dataset = load_dataset(data_dir)
    check_consistency(dataset)
    return dataset


__all__ = ["check_consistency", "load_valid_dataset"]
