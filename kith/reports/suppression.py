"""Small-number suppression for published tables of counts of people.

A pure rule over plain numbers (ADR 0037). A table is a grid of counts with,
optionally, a total for each row (the last column) and a total for each
column (the last row), the grand total where the two meet. Every count under
``THRESHOLD`` is suppressed (primary suppression). Then, so that no
suppressed count can be worked out from what is published, more cells are
suppressed (secondary suppression) until every suppressed cell can change
without changing any published figure.

Why that is the test: with the totals, the published figures fix the table
up to changes that keep every row and column sum. Multiply each total by -1
(and the grand total by +1) and every line of the grid sums to zero; a
change that keeps that is a flow around a cycle of suppressed cells,
alternating between rows and columns. So a suppressed cell can be worked
out exactly when no cycle of suppressed cells passes through it: when it is
a *bridge* of the graph whose nodes are the grid's rows and columns and
whose edges are the suppressed cells. Without row totals only the columns
constrain: a cell is then safe when another cell of its column is
suppressed too (and the same the other way round).

The fix for an unsafe cell (r, c) is the cheapest rectangle through it:
suppress (r, c2), (r2, c) and (r2, c2) for the row r2 and column c2 that add
the fewest people to what is hidden. Adding cells never makes a safe cell
unsafe, so this ends.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass

THRESHOLD = 5


@dataclass(frozen=True)
class Suppressed:
    """The table with its totals, and which cells are hidden."""

    values: tuple[tuple[float, ...], ...]
    hidden: frozenset[tuple[int, int]]
    row_totals: bool
    column_totals: bool

    def shown(self, row: int, column: int) -> float | None:
        """The published value, or None where it is suppressed."""
        if (row, column) in self.hidden:
            return None
        return self.values[row][column]


def with_totals(
    cells: Sequence[Sequence[int]], *, row_totals: bool, column_totals: bool
) -> list[list[int]]:
    """``cells`` with a total column (each row's sum) and a total row (each
    column's sum, and the grand total) added as asked."""
    grid = [list(row) for row in cells]
    if row_totals:
        for row in grid:
            row.append(sum(row))
    if column_totals and grid:
        grid.append([sum(column) for column in zip(*grid, strict=True)])
    return grid


def _bridges_free(
    hidden: set[tuple[int, int]], rows: int, columns: int
) -> list[tuple[int, int]]:
    """The hidden cells no cycle of hidden cells passes through (both
    totals given): each could be worked out from the published figures.
    These are the bridges of the graph of rows and columns joined by hidden
    cells, found in one depth-first pass (Tarjan's low-link), without
    recursion."""
    adjacency: dict[int, list[tuple[int, tuple[int, int]]]] = {}
    for r, c in hidden:
        row_node, column_node = r, rows + c
        adjacency.setdefault(row_node, []).append((column_node, (r, c)))
        adjacency.setdefault(column_node, []).append((row_node, (r, c)))
    order: dict[int, int] = {}
    low: dict[int, int] = {}
    bridges: list[tuple[int, int]] = []
    counter = 0
    for root in sorted(adjacency):
        if root in order:
            continue
        order[root] = low[root] = counter
        counter += 1
        # Each frame: node, the cell used to reach it, its neighbours' iterator.
        stack: list[
            tuple[int, tuple[int, int] | None, Iterator[tuple[int, tuple[int, int]]]]
        ] = [(root, None, iter(adjacency[root]))]
        while stack:
            node, via, neighbours = stack[-1]
            advanced = False
            for other, cell in neighbours:
                if cell == via:
                    continue
                if other in order:
                    low[node] = min(low[node], order[other])
                    continue
                order[other] = low[other] = counter
                counter += 1
                stack.append((other, cell, iter(adjacency[other])))
                advanced = True
                break
            if advanced:
                continue
            stack.pop()
            if stack:
                parent = stack[-1][0]
                low[parent] = min(low[parent], low[node])
                if low[node] > order[parent]:
                    assert via is not None  # noqa: S101 - only the root has none
                    bridges.append(via)
    return sorted(bridges)


def _alone_in_line(
    hidden: set[tuple[int, int]], *, by_column: bool
) -> list[tuple[int, int]]:
    """Hidden cells that are the only hidden cell of their column (or row)."""
    counts: dict[int, int] = {}
    for r, c in hidden:
        key = c if by_column else r
        counts[key] = counts.get(key, 0) + 1
    return sorted((r, c) for r, c in hidden if counts[c if by_column else r] == 1)


def suppress(
    cells: Sequence[Sequence[int]],
    *,
    row_totals: bool = True,
    column_totals: bool = True,
    threshold: int = THRESHOLD,
) -> Suppressed:
    """Add the totals asked for to ``cells`` and decide which cells to hide.

    Every count under ``threshold`` is hidden, totals included; then more
    cells are hidden until none that is hidden can be recovered from the
    published ones (see the module's docstring). Raises ValueError for a
    ragged grid or a negative count.
    """
    if not cells or not cells[0]:
        return Suppressed((), frozenset(), row_totals, column_totals)
    if any(len(row) != len(cells[0]) for row in cells):
        raise ValueError("Every row needs the same number of cells.")
    if any(value < 0 for row in cells for value in row):
        raise ValueError("Counts cannot be negative.")
    grid = with_totals(cells, row_totals=row_totals, column_totals=column_totals)
    values = tuple(tuple(row) for row in grid)
    rows = len(grid)
    columns = len(grid[0]) if grid else 0
    hidden = {
        (r, c) for r in range(rows) for c in range(columns) if grid[r][c] < threshold
    }
    while True:
        if row_totals and column_totals:
            unsafe = _bridges_free(hidden, rows, columns)
        elif column_totals:
            unsafe = _alone_in_line(hidden, by_column=True)
        elif row_totals:
            unsafe = _alone_in_line(hidden, by_column=False)
        else:
            unsafe = []
        if not unsafe:
            break
        r, c = unsafe[0]
        hidden |= _cheapest_partners(
            grid, hidden, r, c, row_totals=row_totals, column_totals=column_totals
        )
    return Suppressed(
        values=values,
        hidden=frozenset(hidden),
        row_totals=row_totals,
        column_totals=column_totals,
    )


def _cheapest_partners(
    grid: list[list[int]],
    hidden: set[tuple[int, int]],
    r: int,
    c: int,
    *,
    row_totals: bool,
    column_totals: bool,
) -> set[tuple[int, int]]:
    """The cells to hide with (r, c) so that it is no longer alone: a
    rectangle when both totals are given, else one more cell in its line.
    Cheapest first: the fewest people newly hidden, then the fewest cells."""
    rows, columns = len(grid), len(grid[0])

    def cost(cells: set[tuple[int, int]]) -> tuple[int, int]:
        new = cells - hidden
        return (sum(grid[a][b] for a, b in new), len(new))

    options: list[set[tuple[int, int]]] = []
    if row_totals and column_totals:
        for r2 in range(rows):
            for c2 in range(columns):
                if r2 != r and c2 != c:
                    options.append({(r, c2), (r2, c), (r2, c2)})
    elif column_totals:
        options = [{(r2, c)} for r2 in range(rows) if (r2, c) not in hidden]
    else:
        options = [{(r, c2)} for c2 in range(columns) if (r, c2) not in hidden]
    if not options:
        # A table of one line: nothing published can reveal the cell but
        # the line's total, so hide the whole line.
        if column_totals:
            return {(r2, c) for r2 in range(rows)}
        return {(r, c2) for c2 in range(columns)}
    return min(options, key=cost)
