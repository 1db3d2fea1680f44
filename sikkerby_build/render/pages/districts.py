""""Min bydel": one page per city district and an overview.

A district page lists the activities working in the district, then the city-wide ones (marked
as such), the district's safety-index areas over the years and its key figures. Districts come
from the ``districts`` vocabulary that the activity explorer's area filter also uses.
"""

from __future__ import annotations

from collections.abc import Iterator

from ... import keyfigures, records, urls
from ...keyfigures import KeyFigures
from ..contexts import DistrictContext, DistrictRow, DistrictsContext, UnplacedWording
from ..page import Page
from ..site import Site
from .keyfigures import comparison_chart, comparison_table, quarter_label


def generate(site: Site) -> Iterator[Page]:
    vocabulary = site.model.figures.district_vocabulary
    districts = [d for d in vocabulary if d["kind"] == "bydel"]
    for d in districts:
        yield district_page(site, d)
    yield overview_page(site, districts)


def wordings_of(site: Site, district_id: str) -> list[records.DistrictWordingsRow]:
    """The source wordings placed in a district, each with its basis ('kilde'/'redaktionel') and note."""
    rows = site.data.records.get("district_wordings", [])
    return sorted((w for w in rows if w.get("district_id") == district_id), key=lambda w: w["wording"].lower())


def district_page(site: Site, district: records.DistrictsRow) -> Page:
    did = district["id"]
    acts = site.model.activities
    kf: KeyFigures = site.model.figures.key_figures
    comparison = kf.district_comparisons.get(did)
    source = "; ".join(kf.reports_sources) or "Københavns Politi"
    chart = comparison_chart(f"chart-bydel-{did}", f"Anmeldelser i {district['name']}, år til dato", comparison, "Type", source)
    areas = [a for a in kf.safety_areas if a["district_id"] == did]
    return Page(
        path=urls.district(did),
        template="district.md.j2",
        meta={"title": district["name"], "description": f"Sikker By i {district['name']}: aktiviteterne i bydelen, Tryghedsindekset og nøgletal for kriminalitet."},
        context=DistrictContext(
            d=district,
            local=[a for a in acts if did in a["district_ids"]],
            # one definition everywhere: every activity the sources give as city-wide ("Bydækkende")
            citywide=[a for a in acts if a["citywide"]],
            also_local=[a for a in acts if a["citywide"] and did in a["district_ids"]],
            reaching=[a for a in acts if keyfigures.in_district(a, did)],  # = the explorer's district filter
            wordings=wordings_of(site, did),
            areas=areas,
            years=kf.safety_years,
            table=comparison_table(comparison, "Type"),
            chart=chart,
            latest_label=quarter_label(kf.latest),
        ),
        charts=[chart] if chart else [],
        card=[f"Sikker By aktiviteterne i {district['name']}"],
    )


def overview_page(site: Site, districts: list[records.DistrictsRow]) -> Page:
    acts = site.model.activities
    unmapped = site.model.figures.district_wordings_unmapped
    names = {a["id"]: a for a in acts}
    rows: list[DistrictRow] = [
        {"d": d, "local": sum(1 for a in acts if d["id"] in a["district_ids"]), "areas": sum(1 for a in site.model.figures.key_figures.safety_areas if a["district_id"] == d["id"])}
        for d in districts
    ]
    notes = {w["wording"]: w.get("note") for w in site.data.records.get("district_wordings", [])}
    unplaced: list[UnplacedWording] = [
        {"wording": w, "note": notes.get(w), "activities": [names[i] for i in ids if i in names]}
        for w, ids in sorted(unmapped.items(), key=lambda item: item[0].lower())
    ]
    return Page(
        path=urls.DISTRICTS,
        template="districts.md.j2",
        meta={"title": "Min bydel", "description": "Find Sikker By aktiviteterne, Tryghedsindekset og nøgletallene for din bydel i København."},
        context=DistrictsContext(
            rows=rows,
            citywide=[a for a in acts if a["citywide"]],
            unplaced=[u for u in unplaced if u["activities"]],
        ),
    )
