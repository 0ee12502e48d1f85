"""A synthesis of a recommendation's or a theme's ideas, for organisers: how many ideas, how
many people support them, which quarters they come from, their key words, the three ideas most
representative of them and the most supported one.

Built on the server from the similarity index (`index_for_app`), nothing sent anywhere:

- each idea is its vector in the index (words and civic concepts weighted by idf, the title
  over the description, unit length: what the search compares);
- the ideas' centre is the mean of their vectors; the most representative ideas are those
  whose vector is closest to it by the index's own likeness (the cosine);
- the key words are the centre's heaviest words (concepts left out, and a word form left out
  when one alike is already there: "скамейки" after "скамейка"), each shown as an idea that
  weighs it most writes it.

The public recommendation and theme pages, the moderators' theme page, the organisers'
dashboard and the discussion pack all read `synthesise`, so they say the same. It runs a
constant number of queries whatever the number of ideas or scopes: the index's marker, then
one each for the ideas, their supporters, their quarters and the ideas it names.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

import sqlalchemy as sa

from myalmaty.domain.ideas import Idea
from myalmaty.ideas.similarity import index_for_app, queries
from myalmaty.ideas.similarity.centres import Centre, centre, readable_words
from myalmaty.ideas.similarity.queries import (
    RECOMMENDATION,
    THEME,
    recommendation_members,
    theme_members,
)

__all__ = ["RECOMMENDATION", "THEME", "Scope", "Synthesis",
           "recommendation_members", "synthesise", "theme_members"]

KEY_WORDS = 8
REPRESENTATIVE = 3
Scope = tuple[str, int]  # (RECOMMENDATION or THEME, its id)


@dataclass(frozen=True)
class Synthesis:
    idea_count: int = 0
    supporters: int = 0
    quarters: tuple[str, ...] = ()  # names, in the reader's language, alphabetical
    outside_quarters: int = 0  # ideas in no quarter
    key_words: tuple[str, ...] = ()
    representative: tuple[Idea, ...] = ()  # the most representative first
    most_supported: Idea | None = None

    @property
    def is_empty(self) -> bool:
        return self.idea_count == 0


def synthesise(members: sa.Select | sa.CompoundSelect, scopes: Iterable[Scope]
               ) -> dict[Scope, Synthesis]:
    """A synthesis for each scope, from `members` (`recommendation_members`, `theme_members`,
    or their union): a scope without published ideas gets an empty one."""
    wanted = list(dict.fromkeys(scopes))
    index = index_for_app()
    # A CTE: the supporters' query reads the members twice, the database works them out once.
    read_once = members.cte("members")
    facts = queries.member_facts(read_once)
    if not facts:
        return {scope: Synthesis() for scope in wanted}
    ideas_of: dict[Scope, list[tuple[int, int, int | None]]] = defaultdict(list)
    for kind, key, idea_id, supports, quarter_id in facts:
        ideas_of[(kind, key)].append((idea_id, supports, quarter_id))
    for rows in ideas_of.values():
        rows.sort()  # by id: ties resolve the same way whatever order the database gave
    supporters = queries.member_supporters(read_once)
    quarters = queries.quarters_by_id({q for rows in ideas_of.values() for _i, _s, q in rows
                                       if q is not None})
    centres: dict[Scope, Centre] = {}
    top: dict[Scope, int] = {}
    for scope in wanted:
        if members_of := ideas_of.get(scope):
            centres[scope] = centre(index, [idea_id for idea_id, _s, _q in members_of],
                                    closest=REPRESENTATIVE, key_words=KEY_WORDS)
            top[scope] = min(members_of, key=lambda r: (-r[1], r[0]))[0]
    named = {i for c in centres.values() for i in c.closest} | set(top.values()) | {
        source for c in centres.values() for _t, source in c.terms}
    shown = queries.shown_ideas(named)

    result: dict[Scope, Synthesis] = {}
    for scope in wanted:
        rows = ideas_of.get(scope, [])
        if not rows:
            result[scope] = Synthesis()
            continue
        found = centres[scope]
        sources = [shown[source] for _t, source in found.terms if source in shown]
        key_words = readable_words([index.term(t) for t, _s in found.terms],
                                   [f"{idea.title} {idea.description}" for idea in sources],
                                   KEY_WORDS)
        in_quarters = {q for _i, _s, q in rows if q is not None}
        result[scope] = Synthesis(
            idea_count=len(rows),
            supporters=supporters.get(scope, 0),
            quarters=tuple(sorted((quarters[q].name for q in in_quarters if q in quarters),
                                  key=str.casefold)),
            outside_quarters=sum(1 for _i, _s, q in rows if q is None),
            key_words=tuple(key_words),
            representative=tuple(shown[i] for i in found.closest if i in shown),
            most_supported=shown.get(top[scope]),
        )
    return result


def recommendation_synthesis(recommendation_id: int) -> Synthesis:
    scope = (RECOMMENDATION, recommendation_id)
    return synthesise(recommendation_members([recommendation_id]), [scope])[scope]


def theme_synthesis(group_id: int) -> Synthesis:
    scope = (THEME, group_id)
    return synthesise(theme_members([group_id]), [scope])[scope]
