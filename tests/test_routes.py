"""OR-Tools day routes of one team."""

from __future__ import annotations

import numpy as np
import pytest

from inspectlib.errors import PlanningError
from inspectlib.routes import (
    distance_matrix_m,
    nearest_neighbour_days,
    plan_routes,
    route_length_m,
    to_metres,
)


def clustered(n: int, seed: int = 3, clusters: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Firms in clusters over a 40 × 30 km county, office in the middle (metres)."""
    rng = np.random.default_rng(seed)
    centres = rng.uniform([0, 0], [40_000, 30_000], (clusters, 2))
    points = centres[rng.integers(0, clusters, n)] + rng.normal(0, 1_500, (n, 2))
    return points, np.array([20_000.0, 15_000.0])


def visited(result) -> list[int]:
    return sorted(i for route in result.routes for i in route)


def test_to_metres_matches_known_distance() -> None:
    # 0.1° of latitude is about 11.1 km anywhere; 0.1° of longitude at 31° N about 9.55 km.
    pts, office = to_metres([120.0, 120.1], [31.1, 31.0], 120.0, 31.0)
    north, east = np.hypot(*(pts - office).T)
    assert north == pytest.approx(11_090, rel=0.005)
    assert east == pytest.approx(9_545, rel=0.005)


def test_distance_matrix_is_symmetric_whole_metres() -> None:
    dist = distance_matrix_m([[3, 4], [6, 8]], [0, 0])
    assert dist.tolist() == [[0, 5, 10], [5, 0, 5], [10, 5, 0]]


def test_route_length_and_nearest_neighbour() -> None:
    pts = [[1_000, 0], [5_000, 0], [2_000, 0], [6_000, 0]]
    assert route_length_m([0, 2], pts, [0, 0]) == 4_000
    assert route_length_m([0, 1, 2, 3], pts, [0, 0], firms_per_day=2) == 10_000 + 12_000
    assert nearest_neighbour_days(pts, [0, 0], 2) == [[0, 2], [1, 3]]
    assert route_length_m([], pts, [0, 0]) == 0


def test_every_firm_once_and_capacity_respected() -> None:
    points, office = clustered(37)
    caps = [4] * 11
    result = plan_routes(points, office, caps, day_cost_m=[20_000] * 11)
    assert visited(result) == list(range(37))
    assert all(len(r) <= 4 for r in result.routes)
    assert result.optimum_reached and result.status == "ROUTING_SUCCESS"
    assert result.total_m == sum(result.length_m)
    for route, length in zip(result.routes, result.length_m, strict=True):
        assert length == pytest.approx(route_length_m(route, points, office), abs=len(route) + 1)


def test_uneven_capacities() -> None:
    points, office = clustered(10)
    result = plan_routes(points, office, [1, 5, 4])
    assert [len(r) <= c for r, c in zip(result.routes, [1, 5, 4], strict=True)] == [True] * 3
    assert visited(result) == list(range(10))


def test_deterministic() -> None:
    points, office = clustered(40, seed=11)
    runs = [
        plan_routes(points, office, [5] * 9, day_cost_m=[20_000 + i for i in range(9)])
        for _ in range(3)
    ]
    assert runs[0].routes == runs[1].routes == runs[2].routes
    assert runs[0].total_m == runs[1].total_m


def test_fixed_day_cost_uses_few_days() -> None:
    points, office = clustered(12)
    result = plan_routes(points, office, [4] * 5, day_cost_m=[50_000 + i for i in range(5)])
    assert sum(1 for r in result.routes if r) == 3


def test_beats_draw_order_and_nearest_neighbour() -> None:
    points, office = clustered(40, seed=5)
    result = plan_routes(points, office, [4] * 11, day_cost_m=[20_000] * 11)
    draw = route_length_m(range(40), points, office, firms_per_day=4)
    nn = sum(route_length_m(d, points, office) for d in nearest_neighbour_days(points, office, 4))
    assert result.total_m <= 0.75 * draw
    assert result.total_m <= nn


def test_hot_firms_on_hot_days_when_capacity_allows() -> None:
    points, office = clustered(16, seed=7)
    firm_hot = [i % 3 == 0 for i in range(16)]  # 6 hot firms
    day_hot = [False, True, False, True, False]
    result = plan_routes(points, office, [4] * 5, firm_hot=firm_hot, day_hot=day_hot)
    assert result.mismatches == 0
    for route, hot_day in zip(result.routes, day_hot, strict=True):
        assert all(firm_hot[i] == hot_day for i in route)


def test_hot_days_fill_up_when_short() -> None:
    points, office = clustered(12, seed=8)
    firm_hot = [True] * 7 + [False] * 5
    day_hot = [True, False, False, False]  # 4 hot places for 7 hot firms
    result = plan_routes(points, office, [4] * 4, firm_hot=firm_hot, day_hot=day_hot)
    assert len(result.routes[0]) == 4 and all(firm_hot[i] for i in result.routes[0])
    assert result.mismatches == 3
    assert visited(result) == list(range(12))


def test_errors_and_empty() -> None:
    points, office = clustered(9)
    with pytest.raises(PlanningError, match="do not fit"):
        plan_routes(points, office, [4, 4])
    empty = plan_routes(np.empty((0, 2)), office, [4, 4])
    assert empty.routes == ((), ()) and empty.total_m == 0


def _solver_limited_to(monkeypatch, solutions: int) -> None:
    """Stop every OR-Tools search after ``solutions`` solutions instead of the solution limit
    the module sets (0: refused parameters, so no plan at all)."""
    from inspectlib import routes

    search_parameters = routes._search_parameters

    def limited(strategy: str, max_solutions: int) -> object:
        params = search_parameters(strategy, max_solutions)
        params.solution_limit = solutions
        return params

    monkeypatch.setattr(routes, "_search_parameters", limited)


def test_search_stopped_early_is_flagged_not_silent(monkeypatch) -> None:
    _solver_limited_to(monkeypatch, 1)
    points = np.random.default_rng(0).uniform(0, 40_000, (300, 2))
    result = plan_routes(points, [20_000, 20_000], [4] * 80, strategies=("PATH_CHEAPEST_ARC",))
    assert not result.optimum_reached
    assert result.status == "ROUTING_PARTIAL_SUCCESS_LOCAL_OPTIMUM_NOT_REACHED"
    assert visited(result) == list(range(300))


def test_a_search_that_finds_no_plan_is_an_error(monkeypatch) -> None:
    _solver_limited_to(monkeypatch, 0)
    points = np.random.default_rng(0).uniform(0, 40_000, (30, 2))
    with pytest.raises(PlanningError, match="found no plan for 30 firms on 10 days with"):
        plan_routes(points, [20_000, 20_000], [4] * 10)


def test_search_stops_on_a_solution_count_never_the_clock() -> None:
    from inspectlib import routes

    params = routes._search_parameters("SAVINGS", routes.solution_limit(120))
    assert not params.HasField("time_limit")  # OR-Tools' default: no time limit at all
    assert params.solution_limit == 100 + 10 * 120
    assert params.local_search_metaheuristic == (
        routes.routing_enums_pb2.LocalSearchMetaheuristic.GREEDY_DESCENT
    )
    # the only operators that run under a time limit (lns_time_limit) stay off
    from ortools.util.optional_boolean_pb2 import BOOL_FALSE

    for name in ("path_lns", "full_path_lns", "tsp_lns", "inactive_lns"):
        assert getattr(params.local_search_operators, f"use_{name}") == BOOL_FALSE


def test_strategies_by_team_size_edge() -> None:
    from inspectlib.routes import DEFAULT_STRATEGIES, LARGE_TEAM, strategies_for

    assert strategies_for(LARGE_TEAM) == DEFAULT_STRATEGIES
    assert strategies_for(LARGE_TEAM + 1) == ("SAVINGS", "PATH_CHEAPEST_ARC")
    assert "GLOBAL_CHEAPEST_ARC" not in DEFAULT_STRATEGIES


def test_large_team_is_solved_quickly_and_reproducibly() -> None:
    """A team of 130 firms on 34 days (a draw of 800+ firms has such teams): every start
    reaches its local optimum, and two runs agree to the metre."""
    points, office = clustered(130, seed=21)
    runs = [
        plan_routes(points, office, [4] * 34, day_cost_m=[20_000 + 10 * i for i in range(34)])
        for _ in range(2)
    ]
    assert runs[0].routes == runs[1].routes and runs[0].total_m == runs[1].total_m
    assert runs[0].strategy in ("SAVINGS", "PATH_CHEAPEST_ARC")
    assert runs[0].optimum_reached
    assert visited(runs[0]) == list(range(130))


def test_a_start_stopped_by_its_solution_limit_is_still_reproducible(monkeypatch) -> None:
    _solver_limited_to(monkeypatch, 5)
    points = np.random.default_rng(4).uniform(0, 40_000, (120, 2))
    runs = [plan_routes(points, [20_000, 20_000], [4] * 32) for _ in range(2)]
    assert not runs[0].optimum_reached
    assert runs[0].routes == runs[1].routes
