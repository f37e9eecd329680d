"""The exact minimum-cost flow behind ``solve``, on plain arrays.

The network: each request sends one unit to the sink, either through one of
its allowed helpers or along its own "unmatched" arc; a helper's k-th visit
(k = 0, 1, ...) is its own arc to the sink, costing
``fairness_step * (load + k)``. Those increase with k, so a cheapest flow
uses a helper's cheapest visits first.

The objective is lexicographic, so it is solved in two phases, each a
minimum-cost flow, both exact and neither needing a large weight:

1. Most priority: the unmatched arc costs the request's priority, all
   others nothing.
2. Least cost among the flows of phase 1's optimum. Linear programming
   duality says which those are: with optimal potentials ``phi`` of phase 1,
   a flow is optimal exactly when it leaves empty every arc whose reduced
   cost (``cost + phi[head] - phi[tail]``) is positive and fills every arc
   whose reduced cost is negative (complementary slackness). So phase 2
   fixes those arcs and minimises the real cost (metres) over the rest.

A city has far more allowed pairs than a plan uses, so each phase is solved
on a few pairs and then proved optimal for all (column generation): each
request keeps its cheapest pairs; that smaller network is solved exactly
(requests whose kept helpers no other request shares are decided alone, the
rest by OR-Tools' min-cost flow); potentials come from shortest paths in the
residual network (Bellman-Ford), which proves that network optimal; then every
left-out pair is priced with them. If none has a negative reduced cost the
flow is optimal for the whole network; otherwise the most promising left-out
pairs join the kept ones and the phase runs again.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
from scipy.sparse import coo_matrix, csr_matrix
from scipy.sparse.csgraph import connected_components, maximum_flow

IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]

_INT64_MAX = int(np.iinfo(np.int64).max)
# The potential of a helper that can take nothing more: no pair prices below.
_LARGE = _INT64_MAX // 8
# Kept at first: a request's pairs within this many metres of its cheapest
# (pair cost plus the helper's first visit).
_KEEP_WITHIN_M = 300
# Left-out pairs added per request and round, the most negative first.
_ADD_PER_REQUEST = 16
# Up to this many pairs, all are kept from the start (no pricing rounds).
_KEEP_ALL_UP_TO = 4_000_000
# Parts of the network smaller than this go to OR-Tools together.
_BATCH_NODES = 2000


class FlowError(Exception):
    """The costs are too large for exact 64-bit arithmetic, or the flow
    solver failed."""


@dataclass(frozen=True, slots=True)
class FlowStats:
    """How the solution was found: pricing rounds of each phase and the
    pairs kept in the end."""

    priority_rounds: int
    cost_rounds: int
    kept_pairs: int


def _segments(counts: IntArray) -> tuple[IntArray, IntArray]:
    """For consecutive segments of ``counts`` items: (segment, position in
    it) of every item."""
    segment = np.repeat(np.arange(len(counts), dtype=np.int64), counts)
    starts = np.cumsum(counts) - counts
    within = np.arange(len(segment), dtype=np.int64) - np.repeat(starts, counts)
    return segment, within


def _first_per_group(group: IntArray, value: IntArray, size: int) -> IntArray:
    """For each group 0..size-1, the position of its smallest value (the
    first on ties), or -1 for an empty group."""
    best = np.full(size, _INT64_MAX, dtype=np.int64)
    np.minimum.at(best, group, value)
    at_best = np.flatnonzero(value == best[group])
    first = np.full(size, _INT64_MAX, dtype=np.int64)
    np.minimum.at(first, group[at_best], at_best)
    return np.where(first == _INT64_MAX, -1, first)


def _min_cost_flow(
    n_nodes: int,
    tails: IntArray,
    heads: IntArray,
    capacities: IntArray,
    costs: IntArray,
    supplies: IntArray,
) -> IntArray:
    """The flow on each arc of a cheapest flow; node ``n_nodes - 1`` is the
    sink. OR-Tools' cost scaling takes time growing faster than the network,
    so each connected part (apart from the sink) is solved on its own, small
    parts in batches."""
    flows = np.zeros(len(tails), dtype=np.int64)
    if len(tails) == 0:
        return flows
    sink = n_nodes - 1
    inner = (tails != sink) & (heads != sink)
    graph = coo_matrix(
        (np.ones(int(inner.sum()), dtype=np.int8), (tails[inner], heads[inner])),
        shape=(sink, sink),
    )
    _, part = connected_components(graph, directed=False)
    sizes = np.bincount(part)
    # Consecutive parts share a batch until it holds _BATCH_NODES nodes.
    batch_of_part = (np.cumsum(sizes) - sizes) // _BATCH_NODES
    node_batch = batch_of_part[part]
    arc_batch = node_batch[np.where(tails != sink, tails, heads)]
    node_order = np.argsort(node_batch, kind="stable")
    arc_order = np.argsort(arc_batch, kind="stable")
    n_batches = int(batch_of_part.max()) + 1
    node_edges = np.searchsorted(node_batch[node_order], np.arange(n_batches + 1))
    arc_edges = np.searchsorted(arc_batch[arc_order], np.arange(n_batches + 1))
    local = np.zeros(n_nodes, dtype=np.int64)
    for b in range(n_batches):
        nodes = node_order[node_edges[b] : node_edges[b + 1]]
        arcs = arc_order[arc_edges[b] : arc_edges[b + 1]]
        if len(arcs) == 0:
            continue
        local[nodes] = np.arange(len(nodes))
        local[sink] = len(nodes)
        node_supply = supplies[nodes]
        flows[arcs] = _solve_one(
            local[tails[arcs]],
            local[heads[arcs]],
            capacities[arcs],
            costs[arcs],
            np.append(node_supply, -node_supply.sum()),
        )
    return flows


def _solve_one(
    tails: IntArray,
    heads: IntArray,
    capacities: IntArray,
    costs: IntArray,
    supplies: IntArray,
) -> IntArray:
    from ortools.graph.python import min_cost_flow

    flow = min_cost_flow.SimpleMinCostFlow()
    arcs = flow.add_arcs_with_capacity_and_unit_cost(
        tails.astype(np.int32),
        heads.astype(np.int32),
        capacities.astype(np.int64),
        costs.astype(np.int64),
    )
    nodes = np.flatnonzero(supplies)
    flow.set_nodes_supplies(nodes.astype(np.int32), supplies[nodes].astype(np.int64))
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise FlowError(f"the flow solver stopped with status {status!r}")
    return np.asarray(flow.flows(arcs), dtype=np.int64)


def _shortest_paths(
    n_nodes: int, tails: IntArray, heads: IntArray, costs: IntArray
) -> IntArray:
    """Bellman-Ford distances from a virtual root joined to every node at
    cost 0 (so all are 0 or less), relaxing only from nodes that improved in
    the last round. Raises FlowError on a negative cycle, which an optimal
    flow's residual network never has."""
    order = np.argsort(tails, kind="stable")
    tails, heads, costs = tails[order], heads[order], costs[order]
    start = np.concatenate(([0], np.cumsum(np.bincount(tails, minlength=n_nodes))))
    dist = np.zeros(n_nodes, dtype=np.int64)
    frontier = np.unique(tails)
    improved = np.zeros(n_nodes, dtype=np.bool_)
    for _ in range(n_nodes + 1):
        counts = start[frontier + 1] - start[frontier]
        seg, within = _segments(counts)
        arc = start[frontier][seg] + within
        head = heads[arc]
        reach = dist[tails[arc]] + costs[arc]
        better = reach < dist[head]
        if not better.any():
            return dist
        head, reach = head[better], reach[better]
        np.minimum.at(dist, head, reach)
        improved[head] = True
        frontier = np.flatnonzero(improved)
        improved[frontier] = False
    raise FlowError("the residual network has a negative cycle")


class _Pairs:
    """The whole problem: pairs (request r, helper h, cost c) and the rest.
    Nodes are numbered requests first, then helpers, then the sink."""

    def __init__(
        self,
        r: IntArray,
        h: IntArray,
        c: IntArray,
        priority: IntArray,
        capacity: IntArray,
        load: IntArray,
        fairness_step: int,
    ) -> None:
        self.r, self.h, self.c = r, h, c
        self.priority, self.capacity, self.load = priority, capacity, load
        self.step = fairness_step
        self.n_r, self.n_h = len(priority), len(capacity)
        self.sink = self.n_r + self.n_h
        self.first_visit = fairness_step * load
        self.lower = c + self.first_visit[h]
        self.requests = np.zeros(self.n_r, dtype=np.bool_)
        self.requests[r] = True
        largest = int(np.abs(c).max(initial=0)) + int(
            (fairness_step * (load + capacity)).max(initial=0)
        )
        # Potentials are sums of arc costs along paths of at most every node.
        if largest * (self.sink + 2) >= _INT64_MAX // 4:
            raise FlowError(
                "the distances, bonus, fairness step or loads in this problem "
                "are too large to solve exactly with 64-bit costs"
            )


def _add_most_negative(
    is_kept: BoolArray, pairs: _Pairs, add: IntArray, reduced: IntArray
) -> None:
    """Keep, for each request, its few left-out pairs ``add`` with the most
    negative ``reduced`` cost (the cheaper pair on ties)."""
    order = np.lexsort((pairs.lower[add], reduced, pairs.r[add]))
    add = add[order]
    group = pairs.r[add]
    first = np.concatenate(([True], group[1:] != group[:-1]))
    start = np.maximum.accumulate(np.where(first, np.arange(len(add)), 0))
    is_kept[add[np.arange(len(add)) - start < _ADD_PER_REQUEST]] = True


# --- Phase 1: most priority -------------------------------------------------


def _most_priority(
    pairs: _Pairs, kept: IntArray
) -> tuple[IntArray, IntArray, IntArray]:
    """A flow of most priority over the kept pairs (for each request the
    index of the pair it uses, or -1), and phase 1 potentials (requests',
    helpers') proving it optimal there.

    First the most requests, by maximum flow (scipy, Dinic). A request that
    flow leaves unmatched can only be matched at others' expense, along
    alternating paths through full helpers: only that contested region can
    change, so only it is solved for priority (OR-Tools). Everywhere else the
    potentials are 0."""
    n_h = pairs.n_h
    choice = _most_requests(pairs, kept)
    zero_h = np.zeros(n_h, dtype=np.int64)
    helper_phi = zero_h.copy()
    waiting = np.flatnonzero(pairs.requests & (choice < 0))
    if len(waiting):
        _contested(pairs, kept, choice, waiting, helper_phi)
    visits = np.bincount(pairs.h[choice[choice >= 0]], minlength=n_h)
    phi_r, phi_h = _tightened(
        pairs,
        choice,
        helper_phi,
        unmatched=pairs.priority,
        next_visit=zero_h,
        has_room=visits < pairs.capacity,
        priced=False,
    )
    return choice, phi_r, phi_h


def _contested(
    pairs: _Pairs,
    kept: IntArray,
    choice: IntArray,
    waiting: IntArray,
    helper_phi: IntArray,
) -> None:
    """Re-solve for priority the region that alternating paths reach from
    the ``waiting`` (unmatched) requests; update ``choice`` and put the
    region's helpers' potentials in ``helper_phi``."""
    n_r, n_h = pairs.n_r, pairs.n_h
    r, h = pairs.r[kept], pairs.h[kept]
    used = choice[r] == kept
    in_r = np.zeros(n_r, dtype=np.bool_)
    in_h = np.zeros(n_h, dtype=np.bool_)
    in_r[waiting] = True
    frontier = waiting
    by_request = np.argsort(r, kind="stable")
    r_start = np.searchsorted(r[by_request], np.arange(n_r + 1))
    while len(frontier):
        seg, within = _segments(r_start[frontier + 1] - r_start[frontier])
        arcs = by_request[r_start[frontier][seg] + within]
        reached = h[arcs[~used[arcs]]]
        new_h = np.unique(reached[~in_h[reached]])
        if len(new_h) == 0:
            break
        in_h[new_h] = True
        back = np.flatnonzero(used & in_h[h] & ~in_r[r])
        frontier = np.unique(r[back])
        in_r[frontier] = True

    region = np.flatnonzero(in_r[r])
    region_requests = np.flatnonzero(in_r)
    helpers, h_local = np.unique(h[region], return_inverse=True)
    local = np.full(n_r, -1, dtype=np.int64)
    local[region_requests] = np.arange(len(region_requests))
    n_rl, n_hl = len(region_requests), len(helpers)
    sink = n_rl + n_hl
    deg = np.bincount(h_local, minlength=n_hl)
    tails = np.concatenate((local[r[region]], n_rl + np.arange(n_hl), np.arange(n_rl)))
    heads = np.concatenate((n_rl + h_local, np.full(n_hl + n_rl, sink)))
    capacities = np.concatenate(
        (
            np.ones(len(region), dtype=np.int64),
            np.minimum(pairs.capacity[helpers], deg),
            np.ones(n_rl, dtype=np.int64),
        )
    )
    costs = np.concatenate(
        (
            np.zeros(len(region) + n_hl, dtype=np.int64),
            pairs.priority[region_requests],
        )
    )
    supplies = np.concatenate(
        (np.ones(n_rl, dtype=np.int64), np.zeros(n_hl, dtype=np.int64), [-n_rl])
    )
    flows = _min_cost_flow(sink + 1, tails, heads, capacities, costs, supplies)
    choice[region_requests] = -1
    chosen = region[flows[: len(region)] > 0]
    choice[r[chosen]] = kept[chosen]

    # The region's potentials, from shortest paths in its residual network.
    used = choice[r[region]] == kept[region]
    matched = choice >= 0
    visits = np.bincount(pairs.h[choice[matched]], minlength=n_h)[helpers]
    room = np.flatnonzero(visits < pairs.capacity[helpers])
    busy = np.flatnonzero(visits > 0)
    on = np.flatnonzero(matched[region_requests])
    off = np.flatnonzero(~matched[region_requests])
    rl, hl = local[r[region]], n_rl + h_local
    dist = _shortest_paths(
        sink + 1,
        np.concatenate(
            (
                np.where(used, hl, rl),
                n_rl + room,
                np.full(len(busy), sink),
                on,
                np.full(len(off), sink),
            )
        ),
        np.concatenate(
            (
                np.where(used, rl, hl),
                np.full(len(room), sink),
                n_rl + busy,
                np.full(len(on), sink),
                off,
            )
        ),
        np.concatenate(
            (
                np.zeros(len(region) + len(room) + len(busy), dtype=np.int64),
                pairs.priority[region_requests[on]],
                -pairs.priority[region_requests[off]],
            )
        ),
    )
    helper_phi[helpers] = (dist[sink] - dist)[n_rl:sink]


def _most_requests(pairs: _Pairs, kept: IntArray) -> IntArray:
    """A flow matching the most requests over the kept pairs (scipy's
    maximum flow): for each request the pair it uses, or -1."""
    n_r, n_h = pairs.n_r, pairs.n_h
    r, h = pairs.r[kept], pairs.h[kept]
    source, sink = n_r + n_h, n_r + n_h + 1
    requests = np.unique(r)
    helpers = np.unique(h)
    rows = np.concatenate((np.full(len(requests), source), r, n_r + helpers))
    cols = np.concatenate((requests, n_r + h, np.full(len(helpers), sink)))
    caps = np.concatenate(
        (
            np.ones(len(requests) + len(r), dtype=np.int32),
            pairs.capacity[helpers].astype(np.int32),
        )
    )
    graph = csr_matrix((caps, (rows, cols)), shape=(sink + 1, sink + 1))
    flow = maximum_flow(graph, source, sink).flow.tocoo()
    positive = (
        (flow.data > 0) & (flow.row < n_r) & (flow.col >= n_r) & (flow.col < n_r + n_h)
    )
    fr = flow.row[positive].astype(np.int64)
    fh = flow.col[positive].astype(np.int64) - n_r
    # Back from (request, helper) to the kept pair.
    keys = r * n_h + h
    order = np.argsort(keys, kind="stable")
    at = order[np.searchsorted(keys[order], fr * n_h + fh)]
    choice = np.full(n_r, -1, dtype=np.int64)
    choice[fr] = kept[at]
    return choice


def _tightened(
    pairs: _Pairs,
    choice: IntArray,
    helper_phi: IntArray,
    *,
    unmatched: IntArray,
    next_visit: IntArray,
    has_room: BoolArray,
    priced: bool,
) -> tuple[IntArray, IntArray]:
    """From shortest-path potentials (of which only the helpers' with a
    visit are used; pairs cost ``c`` if ``priced``, else nothing), the
    potentials that price left-out pairs most tightly:
    each request as low as its arc in allows (its helper's potential plus
    the pair's cost, or ``unmatched`` if it has none), then each helper as
    high as its arcs out allow (its next visit if it has room, and what each
    of its requests allows). Both steps keep every reduced cost in the
    residual network at 0 or more, so the result still proves optimality;
    and they make left-out pairs look as expensive as they can."""
    matched = choice >= 0
    used = choice[matched]
    cost = pairs.c[used] if priced else np.zeros(len(used), dtype=np.int64)
    phi_r = np.where(pairs.requests, unmatched, 0)
    phi_r[matched] = helper_phi[pairs.h[used]] + cost
    phi_h = np.where(has_room, next_visit, _LARGE)
    np.minimum.at(phi_h, pairs.h[used], phi_r[matched] - cost)
    return phi_r, phi_h


# --- Phase 2: least cost at that priority -----------------------------------


@dataclass(frozen=True, slots=True)
class _Fixed:
    """What phase 1's potentials fix for phase 2."""

    phi_r: IntArray
    phi_h: IntArray
    must_match: BoolArray  # per request: its unmatched arc stays empty
    never: BoolArray  # per request: unmatched in every best plan
    full: BoolArray  # per helper: every visit used in every best plan

    def reduced(self, pairs: _Pairs, which: IntArray) -> IntArray:
        """Phase 1 reduced cost of the pairs ``which``."""
        return self.phi_h[pairs.h[which]] - self.phi_r[pairs.r[which]]


def _fixed(pairs: _Pairs, phi_r: IntArray, phi_h: IntArray) -> _Fixed:
    unmatched_reduced = pairs.priority - phi_r
    return _Fixed(
        phi_r=phi_r,
        phi_h=phi_h,
        must_match=pairs.requests & (unmatched_reduced > 0),
        never=pairs.requests & (unmatched_reduced < 0),
        full=phi_h > 0,
    )


@dataclass(slots=True)
class _CostNetwork:
    """Phase 2 over the kept pairs, once the fixed arcs are taken out."""

    choice: IntArray  # the answer: pair per request, or -1
    free: IntArray  # kept pairs whose arcs phase 2 may use
    alive: BoolArray  # per request: not fixed by phase 1
    forced_visits: IntArray  # per helper: visits fixed by phase 1
    visits: IntArray  # per helper: visits in the answer


def _least_cost(pairs: _Pairs, kept: IntArray, fixed: _Fixed) -> _CostNetwork:
    """The cheapest flow over the kept pairs among those phase 1 allows."""
    n_r, n_h = pairs.n_r, pairs.n_h
    reduced = fixed.reduced(pairs, kept)
    choice = np.full(n_r, -1, dtype=np.int64)
    forced = kept[reduced < 0]
    choice[pairs.r[forced]] = forced
    forced_visits = np.bincount(pairs.h[forced], minlength=n_h)
    alive = pairs.requests & ~fixed.never & (choice < 0)
    free = kept[(reduced == 0) & alive[pairs.r[kept]]]
    # A helper whose fixed visits fill it can take no more.
    free = free[pairs.capacity[pairs.h[free]] > forced_visits[pairs.h[free]]]
    r, h, c = pairs.r[free], pairs.h[free], pairs.c[free]

    # Helpers phase 1 fills need exactly their remaining visits; the others
    # offer their remaining visits at increasing cost.
    deg = np.bincount(h, minlength=n_h)
    need = np.where(fixed.full, pairs.capacity - forced_visits, 0)
    shared = (deg[h] >= 2) | fixed.full[h]
    has_shared = np.zeros(n_r, dtype=np.bool_)
    has_shared[r[shared]] = True
    # Alone: a helper only this request may use, at its next visit's cost.
    direct = np.flatnonzero(~shared)
    direct_cost = c[direct] + pairs.step * (pairs.load + forced_visits)[h[direct]]
    best = _first_per_group(r[direct], direct_cost, n_r)
    lonely = np.flatnonzero(alive & ~has_shared)
    take = best[lonely] >= 0
    lonely_cost = np.zeros(len(lonely), dtype=np.int64)
    lonely_cost[take] = direct_cost[best[lonely[take]]]
    # Staying unmatched costs nothing here, when phase 1 allows it.
    stay = ~fixed.must_match[lonely] & (~take | (lonely_cost > 0))
    go = lonely[take & ~stay]
    choice[go] = free[direct[best[go]]]

    together = np.flatnonzero(alive & has_shared)
    if len(together):
        _least_cost_together(
            pairs, fixed, free, together, deg, need, forced_visits, choice
        )
    matched = choice >= 0
    visits = np.bincount(pairs.h[choice[matched]], minlength=n_h)
    return _CostNetwork(choice, free, alive, forced_visits, visits)


def _least_cost_together(
    pairs: _Pairs,
    fixed: _Fixed,
    free: IntArray,
    together: IntArray,
    deg: IntArray,
    need: IntArray,
    forced_visits: IntArray,
    choice: IntArray,
) -> None:
    """Phase 2 for the requests that share helpers, by OR-Tools; fills in
    ``choice``."""
    n_r = pairs.n_r
    r, h, c = pairs.r[free], pairs.h[free], pairs.c[free]
    local = np.full(n_r, -1, dtype=np.int64)
    local[together] = np.arange(len(together))
    arcs = np.flatnonzero(local[r] >= 0)
    helpers, h_local = np.unique(h[arcs], return_inverse=True)
    n_rl, n_hl = len(together), len(helpers)
    sink = n_rl + n_hl
    is_full = fixed.full[helpers]
    # Visits on offer: from the first not fixed, as many as may be used.
    offered = np.where(
        is_full,
        0,
        np.minimum(pairs.capacity[helpers] - forced_visits[helpers], deg[helpers]),
    )
    slot_helper, slot_k = _segments(np.maximum(offered, 0))
    first_k = pairs.load[helpers] + forced_visits[helpers]
    slot_cost = pairs.step * (first_k[slot_helper] + slot_k)
    may_stay = together[~fixed.must_match[together]]
    tails = np.concatenate((local[r[arcs]], n_rl + slot_helper, local[may_stay]))
    heads = np.concatenate(
        (n_rl + h_local, np.full(len(slot_helper) + len(may_stay), sink))
    )
    costs = np.concatenate(
        (c[arcs], slot_cost, np.zeros(len(may_stay), dtype=np.int64))
    )
    demand = need[helpers]
    supplies = np.concatenate(
        (
            np.ones(n_rl, dtype=np.int64),
            -demand,
            [-(n_rl - int(demand.sum()))],
        )
    )
    flows = _min_cost_flow(
        sink + 1, tails, heads, np.ones(len(tails), dtype=np.int64), costs, supplies
    )
    used = arcs[flows[: len(arcs)] > 0]
    choice[r[used]] = free[used]


def _cost_potentials(
    pairs: _Pairs, fixed: _Fixed, net: _CostNetwork
) -> tuple[IntArray, IntArray]:
    """Potentials (requests', helpers') of phase 2 proving its answer optimal
    on the kept pairs it may use."""
    n_r, sink = pairs.n_r, pairs.sink
    choice, free = net.choice, net.free
    r, h, c = pairs.r[free], pairs.h[free], pairs.c[free]
    used = choice[r] == free
    own = net.visits - net.forced_visits  # visits phase 2 decided
    in_free = np.zeros(pairs.n_h, dtype=np.bool_)
    in_free[h] = True
    open_ = in_free & ~fixed.full
    room = np.flatnonzero(open_ & (net.visits < pairs.capacity))
    busy = np.flatnonzero(open_ & (own > 0))
    may_stay = net.alive & ~fixed.must_match
    on = np.flatnonzero(may_stay & (choice >= 0))
    off = np.flatnonzero(may_stay & (choice < 0))
    step, load = pairs.step, pairs.load
    tails = np.concatenate(
        (
            np.where(used, n_r + h, r),
            n_r + room,
            np.full(len(busy), sink),
            on,
            np.full(len(off), sink),
        )
    )
    heads = np.concatenate(
        (
            np.where(used, r, n_r + h),
            np.full(len(room), sink),
            n_r + busy,
            np.full(len(on), sink),
            off,
        )
    )
    costs = np.concatenate(
        (
            np.where(used, -c, c),
            step * (load[room] + net.visits[room]),
            -step * (load[busy] + net.visits[busy] - 1),
            np.zeros(len(on) + len(off), dtype=np.int64),
        )
    )
    dist = _shortest_paths(sink + 1, tails, heads, costs)
    busy_phi = (dist[sink] - dist)[n_r:sink]
    psi_r, psi_h = _tightened(
        pairs,
        np.where(net.alive, choice, -1),
        busy_phi,
        unmatched=np.zeros(n_r, dtype=np.int64),
        next_visit=step * (load + net.visits),
        has_room=~fixed.full & (net.visits < pairs.capacity),
        priced=True,
    )
    return psi_r, psi_h


# --- Both phases ------------------------------------------------------------


def best_flow(
    r: IntArray,
    h: IntArray,
    c: IntArray,
    *,
    priority: IntArray,
    capacity: IntArray,
    load: IntArray,
    fairness_step: int,
) -> tuple[IntArray, FlowStats]:
    """The lexicographically best plan over pairs (``r[i]``, ``h[i]``) of
    cost ``c[i]``: for each request, the index of the pair it uses, or -1.

    Every helper in ``h`` must have capacity above 0; ``fairness_step`` must
    not be negative. Raises FlowError when the numbers are too large for
    exact 64-bit costs.
    """
    pairs = _Pairs(r, h, c, priority, capacity, load, fairness_step)
    if len(r) == 0:
        return np.full(pairs.n_r, -1, dtype=np.int64), FlowStats(0, 0, 0)
    cheapest = np.full(pairs.n_r, _INT64_MAX, dtype=np.int64)
    np.minimum.at(cheapest, r, pairs.lower)
    is_kept = pairs.lower <= cheapest[r] + _KEEP_WITHIN_M
    if len(r) <= _KEEP_ALL_UP_TO:
        is_kept[:] = True

    priority_rounds = 0
    while True:
        priority_rounds += 1
        kept = np.flatnonzero(is_kept)
        _, phi_r, phi_h = _most_priority(pairs, kept)
        # Reduced cost phi_h - phi_r, and phi_h is never below 0: only pairs
        # of requests with a positive potential can be negative.
        left_out = np.flatnonzero(~is_kept & (phi_r[r] > 0))
        reduced = phi_h[h[left_out]] - phi_r[r[left_out]]
        negative = reduced < 0
        if not negative.any():
            break
        _add_most_negative(is_kept, pairs, left_out[negative], reduced[negative])

    fixed = _fixed(pairs, phi_r, phi_h)
    to_full = fixed.full[h]
    cost_rounds = 0
    while True:
        cost_rounds += 1
        kept = np.flatnonzero(is_kept)
        net = _least_cost(pairs, kept, fixed)
        if len(kept) == len(r):
            return net.choice, FlowStats(priority_rounds, cost_rounds, len(kept))
        psi_r, psi_h = _cost_potentials(pairs, fixed, net)
        # Every open helper's potential is at least its next visit's cost, so
        # a pair's reduced cost is at least lower - psi_r, unless its helper
        # is one phase 1 fills.
        maybe = ~is_kept & net.alive[r] & ((pairs.lower < psi_r[r]) | to_full)
        left_out = np.flatnonzero(maybe)
        left_out = left_out[fixed.reduced(pairs, left_out) == 0]
        reduced = c[left_out] + psi_h[h[left_out]] - psi_r[r[left_out]]
        negative = reduced < 0
        if not negative.any():
            return net.choice, FlowStats(priority_rounds, cost_rounds, len(kept))
        _add_most_negative(is_kept, pairs, left_out[negative], reduced[negative])
