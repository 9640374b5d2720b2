"""What the scale dataset builds on: the demo's reference data as it stands
in the database (areas, supervising units, the industry and district party
committees, rating rounds with their frozen standard, pilot communities)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from engagement.models import PilotCommunity
from organizations import demo
from organizations.models import Area, PartyOrganization, SupervisingUnit
from ratings.models import Round

from .common import Weighted


@dataclass(frozen=True)
class RoundRef:
    pk: int
    year: int
    is_open: bool
    items: tuple[tuple[int, str, int], ...]  # (pk, code, maximum points), in the round's order
    thresholds: dict[int, int]  # stars -> lowest total


@dataclass(frozen=True)
class PilotRef:
    pk: int
    registration_path: str  # the path of the district, county or zone it lies in
    selected_on: dt.date
    place: str  # district, sub-district and community, as a plaque's place reads


@dataclass
class Reference:
    places: demo._Places
    registration: list[Area]
    city_division: str
    unit_ids: dict[str, int]
    unit_labels: dict[int, str]
    industry_committees: dict[int, int]  # supervising unit -> its industry party committee
    district_committees: dict[int, int]  # registration area -> its comprehensive committee (综合党委)
    rounds: list[RoundRef]
    pilots: list[PilotRef]
    profiles: dict[str, Weighted] = field(default_factory=dict)

    def area_choice(self, profile: str) -> Weighted:
        return self.profiles[profile]


class MissingReference(Exception):
    pass


def load_reference() -> Reference:
    areas = list(Area.objects.order_by("path"))
    registration = [a for a in areas if a.level in Area.REGISTRATION_LEVELS]
    if not registration:
        raise MissingReference("no registration areas (city, districts, counties, zones)")
    city = next((a for a in registration if a.level == Area.Level.CITY), None)
    units = list(SupervisingUnit.objects.order_by("name"))
    committees = PartyOrganization.objects.filter(kind=PartyOrganization.Kind.COMMITTEE).order_by("pk")
    industry = {}
    for unit in units:
        if unit.has_industry_committee:
            match = committees.filter(supervising_unit=unit, name=unit.industry_committee_name).first()
            if match is not None:
                industry[unit.pk] = match.pk
    district = {
        area_id: pk
        for pk, area_id in committees.filter(
            supervising_unit__isnull=True, name__startswith="中共", name__endswith="社会组织综合委员会"
        ).values_list("pk", "area_id")
    }
    ref = Reference(
        places=demo._Places(areas),
        registration=registration,
        city_division=(city.division_code if city else "") or "610100",
        unit_ids={u.name: u.pk for u in units},
        unit_labels={u.pk: demo._UNIT_LABELS[u.name] for u in units if u.name in demo._UNIT_LABELS},
        industry_committees=industry,
        district_committees=district,
        rounds=_rounds(),
        pilots=_pilots(areas),
    )
    for profile, table in demo.AREA_PROFILES.items():
        chosen = [a for a in registration if table.get(a.code)]
        if chosen:
            ref.profiles[profile] = Weighted(chosen, [table[a.code] for a in chosen])
        else:
            # A city other than the demo's: spread evenly over what there is.
            ref.profiles[profile] = Weighted(registration, [1] * len(registration))
    return ref


def _rounds() -> list[RoundRef]:
    rounds = []
    for round_ in Round.objects.prefetch_related("items", "thresholds").order_by("year"):
        items = tuple((i.pk, i.code, i.max_points) for i in sorted(round_.items.all(), key=lambda i: i.sort_order))
        thresholds = {t.stars: t.min_total for t in round_.thresholds.all()}
        if items and thresholds:
            rounds.append(RoundRef(round_.pk, round_.year, round_.is_open, items, thresholds))
    return rounds


def _pilots(areas: list[Area]) -> list[PilotRef]:
    by_path = {a.path: a for a in areas}
    pilots = []
    for pilot in PilotCommunity.objects.select_related("community").order_by("community__path"):
        segments = pilot.community.path.strip("/").split("/")
        ancestors = ["/" + "/".join(segments[: n + 1]) + "/" for n in range(len(segments))]
        names = [by_path[p].name for p in ancestors[1:] if p in by_path]
        registration_path = ancestors[1] if len(ancestors) > 1 else ancestors[0]
        pilots.append(PilotRef(pilot.pk, registration_path, pilot.selected_on, "".join(names)))
    return pilots
