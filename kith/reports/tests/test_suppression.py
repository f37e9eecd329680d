"""Suppression: no hidden count can be recovered from what is published.

The check here is independent of the rule's own graph reasoning: it writes
the published table as linear equations (each row and column adds up to its
total) and asks, with exact fractions, whether a hidden cell's value is
fixed by them: it is when its unit vector lies in the row space of the
equations over the hidden cells.
"""

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kith.reports.suppression import THRESHOLD, Suppressed, suppress


def _rank(rows: list[list[Fraction]]) -> int:
    matrix = [row[:] for row in rows]
    rank = 0
    columns = len(matrix[0]) if matrix else 0
    for column in range(columns):
        pivot = next(
            (i for i in range(rank, len(matrix)) if matrix[i][column] != 0), None
        )
        if pivot is None:
            continue
        matrix[rank], matrix[pivot] = matrix[pivot], matrix[rank]
        for i in range(len(matrix)):
            if i != rank and matrix[i][column] != 0:
                factor = matrix[i][column] / matrix[rank][column]
                matrix[i] = [
                    a - factor * b for a, b in zip(matrix[i], matrix[rank], strict=True)
                ]
        rank += 1
    return rank


def recoverable(table: Suppressed) -> list[tuple[int, int]]:
    """Hidden cells whose value the published figures fix."""
    values = table.values
    rows, columns = len(values), len(values[0])
    hidden = sorted(table.hidden)
    index = {cell: i for i, cell in enumerate(hidden)}
    data_rows = rows - 1 if table.column_totals else rows
    data_columns = columns - 1 if table.row_totals else columns
    equations: list[list[Fraction]] = []

    def equation(cells: list[tuple[int, int]], total: tuple[int, int]) -> None:
        row = [Fraction(0)] * len(hidden)
        for cell in cells:
            if cell in index:
                row[index[cell]] += 1
        if total in index:
            row[index[total]] -= 1
        equations.append(row)

    if table.row_totals:
        for r in range(rows):
            equation([(r, c) for c in range(data_columns)], (r, columns - 1))
    if table.column_totals:
        for c in range(columns):
            equation([(r, c) for r in range(data_rows)], (rows - 1, c))
    if not hidden:
        return []
    base = _rank(equations) if equations else 0
    found = []
    for cell, i in index.items():
        unit = [Fraction(0)] * len(hidden)
        unit[i] = Fraction(1)
        if _rank([*equations, unit]) == base:
            found.append(cell)
    return found


tables = st.integers(min_value=1, max_value=5).flatmap(
    lambda rows: st.integers(min_value=1, max_value=5).flatmap(
        lambda columns: st.lists(
            st.lists(
                st.one_of(st.integers(0, 6), st.integers(0, 60)),
                min_size=columns,
                max_size=columns,
            ),
            min_size=rows,
            max_size=rows,
        )
    )
)


@settings(max_examples=300, deadline=None)
@given(cells=tables)
def test_no_hidden_count_can_be_recovered_with_both_totals(cells):
    table = suppress(cells)
    assert recoverable(table) == []
    for r, row in enumerate(table.values):
        for c, value in enumerate(row):
            if value < THRESHOLD:
                assert table.shown(r, c) is None


@settings(max_examples=200, deadline=None)
@given(cells=tables, by_rows=st.booleans())
def test_no_hidden_count_can_be_recovered_with_one_kind_of_total(cells, by_rows):
    table = suppress(cells, row_totals=by_rows, column_totals=not by_rows)
    assert recoverable(table) == []


@settings(max_examples=200, deadline=None)
@given(cells=tables)
def test_counts_of_five_or_more_are_shown_when_nothing_needs_hiding(cells):
    big = [[value + THRESHOLD for value in row] for row in cells]
    table = suppress(big)
    assert table.hidden == frozenset()


@pytest.mark.parametrize(("value", "hidden"), [(0, True), (4, True), (5, False)])
def test_the_threshold_is_five(value, hidden):
    table = suppress([[value, 50], [50, 50]])
    assert ((0, 0) in table.hidden) is hidden


def test_a_single_small_cell_takes_a_rectangle_with_it():
    table = suppress([[3, 20, 30], [40, 50, 60]])
    assert (0, 0) in table.hidden
    assert len(table.hidden) == 4
    assert recoverable(table) == []
    # The cheapest partners: the row's and column's smallest other counts.
    assert table.hidden == {(0, 0), (0, 1), (1, 0), (1, 1)}


def test_ragged_and_negative_tables_are_refused():
    with pytest.raises(ValueError, match="same number"):
        suppress([[1, 2], [3]])
    with pytest.raises(ValueError, match="negative"):
        suppress([[-1]])


def test_an_empty_table_hides_nothing():
    assert suppress([]).hidden == frozenset()
