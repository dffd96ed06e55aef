"""The route (回議ルート) as data: computed from the delegation rules and the org chart.

``plan_route`` is what the applicant sees before submitting and what submission
stores; ``resolve_assignee`` answers "who holds this step now?" when a step is reached
(so a 人事異動 mid-flow goes to the new post holder).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from directory.models import Membership, OrgUnit, Person, Post
from directory.org import VacantPostError, post_holder

from .errors import RouteError
from .models import (
    DelegationRule,
    Document,
    RouteAddition,
    RouteStep,
    RuleBook,
    RuleCirculation,
)

SECTION_KINDS = (OrgUnit.Kind.SECTION, OrgUnit.Kind.OFFICE)


def owner_section(unit: OrgUnit) -> OrgUnit:
    """The 課 (or 室) a unit belongs to: the series its documents are numbered in."""
    for candidate in unit.ancestors():
        if candidate.kind in SECTION_KINDS:
            return candidate
    return unit


def unit_head(unit: OrgUnit, day: datetime.date) -> Membership:
    """The membership holding the most senior unit-heading post in ``unit`` itself."""
    membership = (
        Membership.objects.on(day)
        .active_people()
        .filter(unit=unit, post__heads_unit=True)
        .select_related("person", "post")
        .order_by("post__rank", "-is_primary", "valid_from", "pk")
        .first()
    )
    if membership is None:
        raise VacantPostError(Post(name=_("組織の長")), unit, day)
    return membership


@dataclass
class PlannedStep:
    kind: str
    position: int
    label: str
    unit: OrgUnit
    post: Post | None = None
    person: Person | None = None
    seal_unit: str = ""
    vacant: bool = False
    added: bool = False
    timing: str = ""

    @property
    def is_consultation(self) -> bool:
        return self.kind == RouteStep.Kind.CONSULTATION


@dataclass
class RoutePlan:
    rule: DelegationRule
    steps: list[PlannedStep] = field(default_factory=list)
    circulation: list[PlannedStep] = field(default_factory=list)
    consultation_policy: str = DelegationRule.ConsultationPolicy.ALL
    consultation_quorum: int = 1
    warnings: list[str] = field(default_factory=list)

    @property
    def consultations(self) -> list[PlannedStep]:
        return [step for step in self.steps if step.is_consultation]

    @property
    def decider(self) -> PlannedStep:
        return self.steps[-1]


def find_rule(
    *,
    document_type,
    amount: int | None,
    day: datetime.date | None = None,
    rulebook: RuleBook | None = None,
) -> DelegationRule:
    """The rule for a document type and amount, from the version in force (or given)."""
    day = day or timezone.localdate()
    if document_type.requires_amount and amount is None:
        raise RouteError(_("この文書分類では金額の入力が必要です。"))
    rules = DelegationRule.objects.filter(document_type=document_type).select_related(
        "decider_post", "rulebook"
    )
    if rulebook is None:
        # The version in force (latest 施行日 up to ``day``), in the same query.
        in_force = (
            RuleBook.objects.published()
            .filter(valid_from__lte=day)
            .order_by("-valid_from", "-number")
            .values("pk")[:1]
        )
        candidates = list(
            rules.filter(rulebook=Subquery(in_force)).order_by("amount_from")
        )
        if candidates:
            rulebook = candidates[0].rulebook
        else:
            rulebook = RuleBook.objects.in_force(day)
            if rulebook is None:
                raise RouteError(
                    _(
                        "施行中の専決規程がありません。文書管理担当者に連絡してください。"
                    )
                )
    else:
        candidates = list(rules.filter(rulebook=rulebook).order_by("amount_from"))
    for rule in candidates:
        if rule.covers(amount):
            return rule
    raise RouteError(
        _("「%(type)s」のこの金額に当てはまる専決区分がありません（%(book)s）。")
        % {"type": document_type, "book": rulebook}
    )


def _holder(post: Post | None, unit: OrgUnit, day: datetime.date) -> Membership:
    if post is None:
        return unit_head(unit, day)
    return post_holder(post, unit, day)


def _holders(
    posts: list[Post], unit: OrgUnit, day: datetime.date
) -> dict[int, Membership]:
    """``post_holder`` for several posts in one query, by the same rule: the nearest
    unit upwards wins, then a primary (本務) membership, then the earliest appointment."""
    ancestor_ids = unit.ancestor_ids()
    depth = {pk: index for index, pk in enumerate(ancestor_ids)}
    best: dict[int, tuple] = {}
    for membership in (
        Membership.objects.on(day)
        .active_people()
        .filter(post__in=posts, unit_id__in=ancestor_ids)
        .select_related("person", "unit", "post")
    ):
        key = (
            depth[membership.unit_id],
            membership.is_primary,
            -membership.valid_from.toordinal(),
            -membership.pk,
        )
        if membership.post_id not in best or key > best[membership.post_id][0]:
            best[membership.post_id] = (key, membership)
    return {post_id: membership for post_id, (_key, membership) in best.items()}


def resolve_holder(step: RouteStep, day: datetime.date | None = None) -> Membership:
    """The membership holding ``step`` on ``day``. Raises VacantPostError, never
    returns nobody."""
    day = day or timezone.localdate()
    return _holder(step.post, step.unit, day)


def resolve_assignee(step: RouteStep, day: datetime.date | None = None) -> Person:
    return resolve_holder(step, day).person


def _decision_label(post: Post) -> str:
    return _("%(post)s（決裁）") % {"post": post.name}


def consultation_label(unit: OrgUnit) -> str:
    return _("合議 %(unit)s") % {"unit": unit.name}


def plan_route(
    *,
    document: Document,
    day: datetime.date | None = None,
    rulebook: RuleBook | None = None,
    membership: Membership | None = None,
) -> RoutePlan:
    """Compute the route for ``document`` as of ``day`` (showing today's post holders).

    Approvers come from the rule's posts, resolved upwards from the applicant's unit,
    junior first, leaving out posts at or below the applicant's own and the applicant
    themself; then the consulted sections (rule and applicant's additions); then the
    decider. Vacant posts are kept in the plan, marked, with a warning.
    """
    day = day or timezone.localdate()
    rule = find_rule(
        document_type=document.document_type,
        amount=document.amount,
        day=day,
        rulebook=rulebook,
    )
    membership = membership or document.applicant.primary_membership(day)
    if membership is None:
        raise RouteError(
            _("起案者（%(name)s）の所属と職位が職員名簿にありません。")
            % {"name": document.applicant}
        )
    unit = membership.unit
    own_rank = membership.post.rank
    plan = RoutePlan(
        rule=rule,
        consultation_policy=rule.consultation_policy,
        consultation_quorum=rule.consultation_quorum,
    )
    position = 0
    seen_people: set[int] = {document.applicant_id}
    decider_post = rule.decider_post
    approver_posts = sorted(
        (
            post
            for post in rule.approver_posts.all()
            if post.rank < own_rank and post.rank > decider_post.rank
        ),
        key=lambda post: -post.rank,
    )
    holders = _holders([*approver_posts, decider_post], unit, day)
    for post in approver_posts:
        holder = holders.get(post.pk)
        if holder is None:
            position += 1
            plan.steps.append(
                PlannedStep(
                    RouteStep.Kind.APPROVAL,
                    position,
                    post.name,
                    unit,
                    post,
                    vacant=True,
                )
            )
            plan.warnings.append(
                _(
                    "%(post)sに在任者がいません。この段階で止まり、文書管理担当者に通知されます。"
                )
                % {"post": post.name}
            )
            continue
        person = holder.person
        if person.pk in seen_people:
            continue
        seen_people.add(person.pk)
        position += 1
        plan.steps.append(
            PlannedStep(
                RouteStep.Kind.APPROVAL,
                position,
                post.name,
                unit,
                post,
                person,
                seal_unit=holder.unit.seal_name,
            )
        )

    consulted: list[tuple[OrgUnit, Post | None, bool]] = [
        (consultation.unit, consultation.post, False)
        for consultation in rule.consultations.select_related("unit", "post")
    ]
    additions = document.route_additions.select_related("unit", "person")
    for addition in additions:
        if addition.kind == RouteAddition.Kind.CONSULTATION:
            consulted.append((addition.unit, None, True))
    own_section = document.owner_section
    seen_units: set[int] = set()
    consultation_position = position + 1
    for consulted_unit, post, added in consulted:
        if consulted_unit.pk in seen_units or consulted_unit.pk == own_section.pk:
            continue
        seen_units.add(consulted_unit.pk)
        try:
            holder = _holder(post, consulted_unit, day)
            person, seal_unit = holder.person, holder.unit.seal_name
        except VacantPostError:
            person, seal_unit = None, ""
            plan.warnings.append(
                _("合議先の%(unit)sに在任者がいません。")
                % {"unit": consulted_unit.name}
            )
        plan.steps.append(
            PlannedStep(
                RouteStep.Kind.CONSULTATION,
                consultation_position,
                consultation_label(consulted_unit),
                consulted_unit,
                post,
                person,
                seal_unit=seal_unit,
                vacant=person is None,
                added=added,
            )
        )
    if plan.consultations:
        position = consultation_position
        count = len(plan.consultations)
        if rule.consultation_policy == DelegationRule.ConsultationPolicy.COUNT:
            plan.consultation_quorum = max(1, min(rule.consultation_quorum, count))
    position += 1
    decider_holder = holders.get(decider_post.pk)
    decider = decider_holder.person if decider_holder else None
    if decider is None:
        plan.warnings.append(
            _("決裁権者（%(post)s）に在任者がいません。") % {"post": decider_post.name}
        )
    plan.steps.append(
        PlannedStep(
            RouteStep.Kind.DECISION,
            position,
            _decision_label(decider_post),
            unit,
            decider_post,
            decider,
            seal_unit=decider_holder.unit.seal_name if decider_holder else "",
            vacant=decider is None,
        )
    )

    route_people = {step.person.pk for step in plan.steps if step.person}
    route_people.add(document.applicant_id)
    circulation_targets: list[tuple[OrgUnit, Post | None, Person | None, str, bool]] = [
        (c.unit or unit, c.post, None, c.timing, False)
        for c in rule.circulations.select_related("unit", "post")
    ]
    for addition in additions:
        if addition.kind == RouteAddition.Kind.CIRCULATION:
            circulation_targets.append(
                (unit, None, addition.person, RuleCirculation.Timing.AFTER, True)
            )
    seen_readers: set[int] = set()
    for target_unit, post, person, timing, added in circulation_targets:
        if person is None:
            try:
                person = _holder(post, target_unit, day).person
            except VacantPostError:
                plan.warnings.append(
                    _("供覧先（%(unit)s %(post)s）に在任者がいないため、供覧しません。")
                    % {"unit": target_unit.name, "post": post.name if post else ""}
                )
                continue
        if person.pk in route_people or person.pk in seen_readers:
            continue
        seen_readers.add(person.pk)
        plan.circulation.append(
            PlannedStep(
                RouteStep.Kind.CIRCULATION,
                0,
                _("供覧"),
                target_unit,
                post,
                person,
                added=added,
                timing=timing,
            )
        )
    return plan
