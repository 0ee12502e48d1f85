from myalmaty.extensions import db
from myalmaty.ideas.models import IdeaStatus
from tests.factories import *

def test_smoke(app, as_moderator, moderator, recommendation):
    q = make_quarter()
    p = make_idea(status=IdeaStatus.PENDING, quarter=q, photo_key="abc")
    pub = make_idea(quarter=q, title="Летний кинотеатр во дворе")
    pub2 = make_idea(quarter=q, title="Летний кинотеатр во дворе у парка")
    g = make_group()
    pub.group = g
    make_link(recommendation, idea=pub)
    make_link(recommendation, group=g)
    c = make_comment(pub)
    make_report(idea=pub); make_report(comment=c)
    db.session.commit()
    for url in ["/moderation/", "/moderation/published", f"/moderation/ideas/{p.id}", f"/moderation/ideas/{pub.id}",
                "/moderation/groups", f"/moderation/groups/{g.id}", "/moderation/reports", "/moderation/log",
                f"/groups/{g.id}", f"/recommendations/{recommendation.id}", "/"]:
        r = as_moderator.get(url)
        assert r.status_code == 200, (url, r.get_data(as_text=True)[:3000])
