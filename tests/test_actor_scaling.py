"""Work the engine does once a month, not once per actor a month (issue 25: cost by number of actors)."""

from __future__ import annotations

from dataclasses import replace

import sim
from sim.results.runner import EntenteModel


def test_the_months_news_is_listed_once_for_every_actor():
    scenario = sim.load_scenario("s400_india")
    scenario = replace(scenario, months=24, runs=3)
    model = EntenteModel(scenario, collect=False)
    listed = []
    news = model.news

    def counted():
        listed.append(model.steps)
        return news()

    model.news = counted
    model.run()
    assert len(model.actor_list) == 7 and sorted(listed) == sorted(set(listed)), "once a month at most"
    reactions = [row for row in model.event_rows() if row[6] == "reaction"]
    assert reactions, "the S-400 sale provokes reactions: the news was read"
