"""Self-contained HTML maps of campaign plans and inspection results.

Public API: :func:`campaign_map`, :func:`results_map`, :func:`write_html`, and the per-town
tables they draw, :func:`town_coverage` and :func:`town_results`.
"""

from inspectlib.maps.campaign import campaign_map, town_coverage
from inspectlib.maps.document import write_html
from inspectlib.maps.results import results_map, town_results

__all__ = ["campaign_map", "results_map", "town_coverage", "town_results", "write_html"]
