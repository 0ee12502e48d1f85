"""One decision on many ideas at once, all or nothing.

Each idea goes through the same service as a single decision (same rules, its own audit event),
inside a savepoint. If any idea refuses (wrong state, changed since the page loaded, missing),
the savepoint is rolled back: no idea changes and no event stays. Every refusal is reported, not
only the first, so the moderator can fix the selection in one go.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm.exc import StaleDataError

from myalmaty.core.errors import Conflict, DomainError
from myalmaty.core.models import LabelledEnum
from myalmaty.domain.audit import ModerationEvent
from myalmaty.domain.ideas import Idea, IdeaStage, RejectionReason
from myalmaty.domain.themes import IdeaGroup
from myalmaty.extensions import db
from myalmaty.moderation.services.common import require_moderator
from myalmaty.moderation.services.groups import add_idea_to_group
from myalmaty.moderation.services.ideas import publish_idea, reject_idea, set_idea_stage
from myalmaty.moderation.services.links import link_idea

if TYPE_CHECKING:
    from myalmaty.domain.accounts import User
    from myalmaty.domain.reference import Recommendation


class BulkAction(LabelledEnum):
    PUBLISH = "publish"
    REJECT = "reject"
    GROUP = "group"
    LINK = "link"
    STAGE = "stage"

    @classmethod
    def _labels(cls) -> dict:
        return {
            cls.PUBLISH: _l("Publish"),
            cls.REJECT: _l("Reject"),
            cls.GROUP: _l("Add to a theme"),
            cls.LINK: _l("Link to a recommendation"),
            cls.STAGE: _l("Set the stage"),
        }


class BulkRefused(DomainError):
    """Nothing was applied; `problems` says, idea by idea, why."""

    def __init__(self, problems: list[str], *, conflict: bool) -> None:
        super().__init__(_l("Nothing was changed: %(count)s of the chosen ideas could not take "
                            "this decision."), count=len(problems))
        self.problems = problems
        self.status_code = 409 if conflict else 400


@dataclass(frozen=True)
class BulkParams:
    reason: RejectionReason | None = None
    note: str = ""
    group: IdeaGroup | None = None
    move: bool = False
    recommendation: Recommendation | None = None
    rationale: str = ""
    stage: IdeaStage | None = None


@dataclass(frozen=True)
class BulkOutcome:
    events: list[ModerationEvent]
    # Ideas already as asked (same theme, stage or link): nothing to do, no event.
    unchanged: int


MISSING_PARAMETER = {
    BulkAction.REJECT: ("reason", _l("Choose a reason for rejecting.")),
    BulkAction.GROUP: ("group", _l("Choose a theme.")),
    BulkAction.LINK: ("recommendation", _l("Choose a recommendation.")),
    BulkAction.STAGE: ("stage", _l("Choose a stage.")),
}


T = TypeVar("T")


def _given(action: BulkAction, value: T | None) -> T:
    """The action's parameter; apply_bulk has refused a missing one before touching any idea."""
    if value is None:
        raise DomainError(MISSING_PARAMETER[action][1])
    return value


def _apply_one(actor: User, action: BulkAction, idea: Idea, version: int,
               params: BulkParams) -> ModerationEvent | None:
    if action is BulkAction.PUBLISH:
        return publish_idea(actor, idea, version=version)
    if action is BulkAction.REJECT:
        return reject_idea(actor, idea, version=version, reason=_given(action, params.reason),
                           note=params.note)
    if action is BulkAction.GROUP:
        return add_idea_to_group(actor, _given(action, params.group), idea, version=version,
                                 move=params.move)
    if action is BulkAction.LINK:
        return link_idea(actor, idea, _given(action, params.recommendation), version=version,
                         rationale=params.rationale, skip_existing=True)
    return set_idea_stage(actor, idea, version=version, stage=_given(action, params.stage))


def apply_bulk(
    actor: User, action: BulkAction, items: list[tuple[int, int]], params: BulkParams
) -> BulkOutcome:
    """`items` are (idea id, version the moderator saw) pairs."""
    require_moderator(actor)
    if not items:
        raise DomainError(_l("Choose at least one idea."))
    if action in MISSING_PARAMETER:
        name, message = MISSING_PARAMETER[action]
        if getattr(params, name) is None:
            raise DomainError(message)
    wanted = dict(items)  # one decision per idea, even if the form repeats it
    ideas = {idea.id: idea for idea in db.session.scalars(
        sa.select(Idea).where(Idea.id.in_(wanted)).order_by(Idea.id)
    )}
    problems: list[str] = []
    conflict = False
    events: list[ModerationEvent] = []
    unchanged = 0
    savepoint = db.session.begin_nested()
    try:
        for idea_id, version in wanted.items():
            idea = ideas.get(idea_id)
            if idea is None:
                problems.append(str(_l("There is no idea number %(id)s.") % {"id": idea_id}))
                continue
            try:
                event = _apply_one(actor, action, idea, version, params)
            except Conflict as error:
                conflict = True
                problems.append(str(error))
                if isinstance(error.__cause__, StaleDataError):
                    break  # the savepoint is unusable after a failed flush
                continue
            except DomainError as error:
                problems.append(str(error))
                continue
            if event is None:
                unchanged += 1
            else:
                events.append(event)
        if problems:
            raise BulkRefused(problems, conflict=conflict)
    except BaseException:
        savepoint.rollback()
        raise
    savepoint.commit()
    return BulkOutcome(events, unchanged)
