"""What the petition page and the dashboard show beyond the count: officials' responses,
thresholds with their deadlines and projections, and signatures by region and country."""

from django.utils.translation import gettext as _

from lib.charts import tile_map_svg

from .. import regions, thresholds
from ..models import Petition


def region_map(breakdown: regions.Breakdown, *, chart_id: str = "regions-map"):
    return tile_map_svg(
        [
            (*row.region.tile, row.region.name, row.region.short, row.count)
            for row in breakdown.regions
        ],
        title=_("Signatures by region in Korea"),
        chart_id=chart_id,
    )


def outcomes_context(petition: Petition) -> dict:
    """Responses, thresholds and regions for the petition page (and the dashboard)."""
    breakdown = regions.breakdown(petition)
    return {
        "responses": list(petition.responses.select_related("target")),
        "thresholds": thresholds.threshold_states(petition),
        "regions": breakdown,
        "region_map": region_map(breakdown) if breakdown.in_korea else "",
    }
