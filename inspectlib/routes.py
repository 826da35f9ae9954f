"""Day routes of one inspection team with OR-Tools' vehicle routing solver.

Formulation (one solve per team)
--------------------------------
* one "vehicle" per candidate workday of the team, all starting and ending at the office
  (the depot, node 0); capacity: ``firms_per_team_day`` visits per vehicle;
* the team's firms are the other nodes, every one mandatory;
* arc cost: straight-line metres between projected coordinates (:func:`to_metres`: the local
  UTM zone of :func:`inspectlib.geo.metre_crs`), rounded to whole metres;
* a fixed cost per used vehicle (a team-day), growing slightly with the date, so the solver
  fills few, early days unless a spare day saves more driving than the day costs;
* heat campaign: each firm and each day is "hot" or not; visiting a hot firm on a cool day, or
  another firm on a hot day, costs a penalty larger than any saving in metres, so hot firms go
  on hot days whenever capacity allows (a soft constraint: never infeasible).

Determinism
-----------
``inspectlib verify-draw`` re-derives the schedule bit for bit, so nothing here depends on the
clock, the machine's speed or its load: there is **no time limit**. Each start is a
deterministic first solution strategy improved by ``GREEDY_DESCENT`` (OR-Tools' fixed local
search, its operators in their fixed order, no randomness), which stops at the first local
optimum or after :func:`solution_limit` solutions, whichever comes first — a count, never a
duration. The starts are tried in a fixed order and the cheapest result kept (ties: the
first). Teams of more than :data:`LARGE_TEAM` firms try only :data:`LARGE_TEAM_STRATEGIES`,
so that a province-sized draw stays fast. ``GLOBAL_CHEAPEST_ARC`` is never used: with the
capacity dimension its first solution alone took over two minutes for 117 firms on 24 days.
A start stopped by its solution limit is flagged (:attr:`RouteResult.optimum_reached` is
False) but is just as reproducible.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, replace

import numpy as np
import numpy.typing as npt
from ortools.constraint_solver import pywrapcp, routing_enums_pb2
from pyproj import Transformer

from inspectlib.errors import Message, PlanningError
from inspectlib.geo import metre_crs

__all__ = [
    "DEFAULT_STRATEGIES",
    "LARGE_TEAM",
    "LARGE_TEAM_STRATEGIES",
    "RouteResult",
    "distance_matrix_m",
    "nearest_neighbour_days",
    "plan_routes",
    "route_length_m",
    "solution_limit",
    "strategies_for",
    "to_metres",
]

logger = logging.getLogger(__name__)

_FSS = routing_enums_pb2.FirstSolutionStrategy.Value
_STATUS = routing_enums_pb2.RoutingSearchStatus.Value

#: First solution strategies tried, in this order, each followed by a greedy descent.
DEFAULT_STRATEGIES: tuple[str, ...] = (
    "PATH_CHEAPEST_ARC",
    "SAVINGS",
    "PARALLEL_CHEAPEST_INSERTION",
    "LOCAL_CHEAPEST_INSERTION",
)
#: Teams with more firms than this try only :data:`LARGE_TEAM_STRATEGIES`.
LARGE_TEAM = 60
#: The two starts that were cheapest and quickest on teams of 100–165 firms.
LARGE_TEAM_STRATEGIES: tuple[str, ...] = ("SAVINGS", "PATH_CHEAPEST_ARC")
#: Greedy descent stops after this many solutions, plus :data:`SOLUTIONS_PER_FIRM` per firm.
BASE_SOLUTIONS = 100
SOLUTIONS_PER_FIRM = 10


@dataclass(frozen=True)
class RouteResult:
    """Routes of one team, one per candidate day (vehicle).

    Attributes
    ----------
    routes : tuple of tuple of int
        For each vehicle (in the order given), the firms visited (0-based positions in the
        ``points_m`` array), in visit order; empty for a day not used.
    length_m : tuple of int
        Length of each vehicle's route in metres, office → firms → office (0 when unused).
    total_m : int
        Sum of ``length_m``.
    mismatches : int
        Hot firms on cool days plus other firms on hot days (0 without heat preferences).
    strategy : str
        First solution strategy of the kept result.
    status : str
        OR-Tools search status of the kept result (``ROUTING_SUCCESS`` at a local optimum).
    optimum_reached : bool
        Every start reached its local optimum before its solution limit (the result is
        reproducible either way).
    solve_s : float
        Wall time spent in the solver, all starts together (for benchmarks only: it never
        decides anything).
    """

    routes: tuple[tuple[int, ...], ...]
    length_m: tuple[int, ...]
    total_m: int
    mismatches: int
    strategy: str
    status: str
    optimum_reached: bool
    solve_s: float


def to_metres(
    lon: npt.ArrayLike, lat: npt.ArrayLike, office_lon: float, office_lat: float
) -> tuple[np.ndarray, np.ndarray]:
    """Project WGS-84 firm and office coordinates to metres (local UTM zone).

    Parameters
    ----------
    lon, lat : array-like
        Firms' WGS-84 degrees.
    office_lon, office_lat : float
        The office (depot), WGS-84 degrees.

    Returns
    -------
    points : numpy.ndarray
        Shape ``(n, 2)``, easting/northing in metres.
    office : numpy.ndarray
        Shape ``(2,)``.

    Examples
    --------
    >>> pts, office = to_metres([120.01], [31.0], 120.0, 31.0)
    >>> round(float(np.hypot(*(pts[0] - office))))  # 0.01° of longitude at 31° N, UTM scale
    956
    """
    x = np.asarray(lon, dtype=np.float64).ravel()
    y = np.asarray(lat, dtype=np.float64).ravel()
    crs = metre_crs(np.r_[x, office_lon], np.r_[y, office_lat])
    transformer = Transformer.from_crs("EPSG:4326", crs, always_xy=True)
    px, py = transformer.transform(x, y)
    ox, oy = transformer.transform(office_lon, office_lat)
    return np.column_stack([px, py]), np.array([ox, oy], dtype=np.float64)


def distance_matrix_m(points_m: npt.ArrayLike, office_m: npt.ArrayLike) -> np.ndarray:
    """Whole-metre straight-line distances between the office (node 0) and the firms (1..n).

    Returns
    -------
    numpy.ndarray
        ``(n + 1, n + 1)`` int64, symmetric, zero diagonal.
    """
    pts = np.vstack(
        [
            np.asarray(office_m, dtype=np.float64).reshape(1, 2),
            np.asarray(points_m, dtype=np.float64).reshape(-1, 2),
        ]
    )
    diff = pts[:, None, :] - pts[None, :, :]
    return np.rint(np.hypot(diff[..., 0], diff[..., 1])).astype(np.int64)


def route_length_m(
    order: Sequence[int],
    points_m: npt.ArrayLike,
    office_m: npt.ArrayLike,
    firms_per_day: int | None = None,
) -> float:
    """Length of visiting firms in ``order``, cut into days of ``firms_per_day`` visits.

    Each day starts and ends at the office. Without ``firms_per_day`` the whole order is one
    day. Used by the benchmark for the draw-order and nearest-neighbour baselines.

    Examples
    --------
    >>> route_length_m([0, 1], [[1000, 0], [2000, 0]], [0, 0])
    4000.0
    >>> route_length_m([0, 1], [[1000, 0], [2000, 0]], [0, 0], firms_per_day=1)
    6000.0
    """
    pts = np.asarray(points_m, dtype=np.float64).reshape(-1, 2)
    office = np.asarray(office_m, dtype=np.float64).reshape(2)
    order = list(order)
    size = firms_per_day or max(len(order), 1)
    total = 0.0
    for i in range(0, len(order), size):
        stops = np.vstack([office, pts[order[i : i + size]], office])
        total += float(np.hypot(*np.diff(stops, axis=0).T).sum())
    return total


def nearest_neighbour_days(
    points_m: npt.ArrayLike, office_m: npt.ArrayLike, firms_per_day: int
) -> list[list[int]]:
    """Greedy baseline: each day leaves the office for the nearest unvisited firm, then the
    nearest to that, until the day is full, and returns (ties: the lower index)."""
    pts = np.asarray(points_m, dtype=np.float64).reshape(-1, 2)
    here_office = np.asarray(office_m, dtype=np.float64).reshape(2)
    left = list(range(len(pts)))
    days: list[list[int]] = []
    while left:
        here, day = here_office, []
        while left and len(day) < firms_per_day:
            d = np.hypot(*(pts[left] - here).T)
            k = left.pop(int(np.argmin(d)))
            day.append(k)
            here = pts[k]
        days.append(day)
    return days


def solution_limit(n_firms: int) -> int:
    """Solutions one start may find before its greedy descent stops (a count, not a time).

    Examples
    --------
    >>> solution_limit(0), solution_limit(164)
    (100, 1740)
    """
    return BASE_SOLUTIONS + SOLUTIONS_PER_FIRM * int(n_firms)


def strategies_for(n_firms: int) -> tuple[str, ...]:
    """First solution strategies tried for a team of ``n_firms`` firms, in order.

    Examples
    --------
    >>> strategies_for(30) == DEFAULT_STRATEGIES, strategies_for(61)
    (True, ('SAVINGS', 'PATH_CHEAPEST_ARC'))
    """
    return DEFAULT_STRATEGIES if n_firms <= LARGE_TEAM else LARGE_TEAM_STRATEGIES


def _search_parameters(strategy: str, max_solutions: int) -> object:
    """One start: ``strategy``, then greedy descent; no time limit (OR-Tools' default is
    none), at most ``max_solutions`` solutions."""
    params = pywrapcp.DefaultRoutingSearchParameters()
    params.first_solution_strategy = getattr(_FSS, strategy)
    params.local_search_metaheuristic = routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    params.solution_limit = int(max_solutions)
    params.log_search = False
    return params


def plan_routes(
    points_m: npt.ArrayLike,
    office_m: npt.ArrayLike,
    capacities: Sequence[int],
    *,
    firm_hot: Sequence[bool] | None = None,
    day_hot: Sequence[bool] | None = None,
    day_cost_m: Sequence[int] | None = None,
    strategies: Sequence[str] | None = None,
) -> RouteResult:
    """Order one team's visits into day routes from and back to the office.

    Parameters
    ----------
    points_m : array-like, shape (n, 2)
        The team's firms in metres (:func:`to_metres`).
    office_m : array-like, shape (2,)
        The office in the same CRS.
    capacities : sequence of int
        Visits allowed on each candidate day (vehicle), in date order.
    firm_hot, day_hot : sequence of bool, optional
        Heat campaign: which firms should be visited on hot days (≥35 °C) and which candidate
        days are hot. A mismatch costs more than any route saving, so hot firms take the hot
        days first when capacity allows, the other firms the cool days.
    day_cost_m : sequence of int, optional
        Fixed cost (in metres) of using each day; defaults to 0.
    strategies : sequence of str, optional
        OR-Tools ``FirstSolutionStrategy`` names tried in order; by default
        :func:`strategies_for` the number of firms.

    Returns
    -------
    RouteResult

    Raises
    ------
    inspectlib.errors.PlanningError
        When the days cannot hold the firms or the solver finds no solution.

    Examples
    --------
    >>> r = plan_routes([[1000, 0], [0, 1000], [2000, 0]], [0, 0], [2, 2])
    >>> sorted(len(route) for route in r.routes), r.mismatches
    ([1, 2], 0)
    """
    pts = np.asarray(points_m, dtype=np.float64).reshape(-1, 2)
    n, k = len(pts), len(capacities)
    if n == 0:
        return RouteResult(tuple(() for _ in range(k)), (0,) * k, 0, 0, "", "", True, 0.0)
    if sum(capacities) < n:
        raise PlanningError(Message("errors.routes.no_fit", n=n, k=k, visits=sum(capacities)))
    dist = distance_matrix_m(pts, office_m)
    costs = [int(c) for c in day_cost_m] if day_cost_m is not None else [0] * k
    matrices = [dist.tolist()]
    vehicle_matrix = [0] * k
    hot = np.zeros(n, dtype=bool)
    if firm_hot is not None and day_hot is not None:
        hot = np.asarray(firm_hot, dtype=bool)
        penalty = int(4 * dist.max() + 2 * max(costs, default=0) + 1000)
        on_hot = dist + penalty * np.r_[False, ~hot][None, :]  # another firm on a hot day
        on_cool = dist + penalty * np.r_[False, hot][None, :]  # a hot firm on a cool day
        matrices = [on_cool.tolist(), on_hot.tolist()]
        vehicle_matrix = [int(bool(h)) for h in day_hot]

    best: tuple[tuple[int, int], RouteResult] | None = None
    all_optimal, status = True, "ROUTING_NOT_SOLVED"
    started = time.perf_counter()
    strategies = tuple(strategies) if strategies is not None else strategies_for(n)
    max_solutions = solution_limit(n)
    for rank, strategy in enumerate(strategies):
        manager = pywrapcp.RoutingIndexManager(n + 1, k, 0)
        routing = pywrapcp.RoutingModel(manager)
        callbacks = [routing.RegisterTransitMatrix(m) for m in matrices]
        for v in range(k):
            routing.SetArcCostEvaluatorOfVehicle(callbacks[vehicle_matrix[v]], v)
            routing.SetFixedCostOfVehicle(costs[v], v)
        demand = routing.RegisterUnaryTransitVector([0] + [1] * n)
        routing.AddDimensionWithVehicleCapacity(
            demand, 0, [int(c) for c in capacities], True, "visits"
        )
        solution = routing.SolveWithParameters(_search_parameters(strategy, max_solutions))
        status = _STATUS.Name(routing.status())
        all_optimal &= status in ("ROUTING_SUCCESS", "ROUTING_OPTIMAL")
        if solution is None:
            logger.info("routing start %s found no solution (%s)", strategy, status)
            continue
        routes = []
        for v in range(k):
            index, route = solution.Value(routing.NextVar(routing.Start(v))), []
            while not routing.IsEnd(index):
                route.append(manager.IndexToNode(index) - 1)
                index = solution.Value(routing.NextVar(index))
            routes.append(tuple(route))
        lengths = tuple(_route_m(r, dist) for r in routes)
        mismatches = 0
        if day_hot is not None and firm_hot is not None:
            mismatches = sum(
                int(np.sum(hot[list(r)] != bool(day_hot[v]))) for v, r in enumerate(routes)
            )
        key = (solution.ObjectiveValue(), rank)
        if best is None or key < best[0]:
            result = RouteResult(
                tuple(routes), lengths, int(sum(lengths)), mismatches, strategy, status, True, 0.0
            )
            best = (key, result)
    if best is None:
        raise PlanningError(
            Message("errors.routes.no_solution", n=n, k=k, starts=list(strategies), status=status)
        )
    elapsed = time.perf_counter() - started
    return replace(best[1], optimum_reached=all_optimal, solve_s=elapsed)


def _route_m(route: Sequence[int], dist: np.ndarray) -> int:
    """Length in whole metres of office → route → office on the rounded matrix."""
    if not route:
        return 0
    nodes = [0, *(i + 1 for i in route), 0]
    return int(sum(dist[a, b] for a, b in zip(nodes[:-1], nodes[1:], strict=True)))
