"""Moderators' decisions: plain functions, request-free, given the acting user.

Each checks the actor's role, the state of what it acts on and the version the moderator saw,
records one audit event per idea or theme it changes, flushes, and leaves the commit to the
caller. Wrong states raise DomainError; a stale version raises Conflict.
"""

from myalmaty.moderation.services.bulk import (
    BulkAction,
    BulkOutcome,
    BulkParams,
    BulkRefused,
    apply_bulk,
)
from myalmaty.moderation.services.common import get_group, get_idea, get_recommendation
from myalmaty.moderation.services.duplicates import (
    mark_duplicate,
    undo_duplicate,
)
from myalmaty.moderation.services.groups import (
    add_idea_to_group,
    answer_group,
    create_group,
    dissolve_group,
    remove_idea_from_group,
    restore_group,
    update_group,
)
from myalmaty.moderation.services.ideas import (
    answer_idea,
    edit_idea,
    hide_idea,
    publish_idea,
    reject_idea,
    restore_idea,
    set_idea_stage,
)
from myalmaty.moderation.services.links import link_group, link_idea, unlink
from myalmaty.moderation.services.reports import (
    dismiss_reports,
    hide_comment,
    restore_comment,
)

__all__ = [
    "BulkAction",
    "BulkOutcome",
    "BulkParams",
    "BulkRefused",
    "add_idea_to_group",
    "answer_group",
    "answer_idea",
    "apply_bulk",
    "create_group",
    "dismiss_reports",
    "dissolve_group",
    "edit_idea",
    "get_group",
    "get_idea",
    "get_recommendation",
    "hide_comment",
    "hide_idea",
    "link_group",
    "link_idea",
    "mark_duplicate",
    "publish_idea",
    "reject_idea",
    "remove_idea_from_group",
    "restore_comment",
    "restore_group",
    "restore_idea",
    "set_idea_stage",
    "undo_duplicate",
    "unlink",
    "update_group",
]
