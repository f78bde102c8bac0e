"""The rules of play a teacher sets (sim/classroom/play_rules.py), pinned one by one with small games:
consent between teams, moves per turn, intensity range, orders in the mover's words, orders bound to their
team, team names; and the situation report each turn prints and writes."""

from __future__ import annotations

import re

import pandas as pd
import pytest
import yaml

from conftest import SCENARIOS
from sim.cli.main import main


def sim_ok(capsys, *args) -> str:
    code = main([*args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out


def sim_refused(capsys, *args) -> str:
    assert main([*args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and err.count("\n") == 1, err
    return err


def start(tmp_path, capsys, teams="India,Pakistan", scenario=SCENARIOS / "arms_sale_pakistan.yaml"):
    game = tmp_path / "game"
    sim_ok(capsys, "play", str(scenario), "--turn", "6", "--state", str(game), "--teams", teams)
    return game


def eager_copy(tmp_path):
    """The bundled scenario with reaction_ceiling 1: every concerned actor answers, so reports list reactions."""
    eager = tmp_path / "arms_sale_pakistan.yaml"
    eager.write_text((SCENARIOS / "arms_sale_pakistan.yaml").read_text(encoding="utf-8").replace(
        "\nevents:", "\nparameters: {reaction_ceiling: 1}\nevents:", 1), encoding="utf-8")
    return eager


def orders(game, team: str, *moves: str, extra: str = "") -> None:
    lines = [f"team: {team}", "moves:"] + [f"  - do: {m}\n    note: because" for m in moves]
    (game / "orders" / f"{team}.yaml").write_text("\n".join(lines) + "\n" + extra, encoding="utf-8")


def play(game, capsys) -> str:
    return sim_ok(capsys, "play", "--continue", "--state", str(game), "--no-plots")


def scheduled(game) -> set[tuple]:
    events = pd.read_csv(game / "result" / "events.csv")
    rows = events[events["origin"] == "scenario"]
    return set(map(tuple, rows[["month", "type", "source", "target"]].values.tolist()))


# -- consent ---------------------------------------------------------------------------------------------

def test_a_pact_offered_while_the_other_team_attacks_is_a_proposal_then_refused(tmp_path, capsys):
    """The review's case: India signs a pact 'with' Pakistan while Pakistan orders a clash. Now the pact is
    only proposed; Pakistan does not accept it next turn, so it is refused and never played."""
    game = start(tmp_path, capsys)
    orders(game, "India", "defence_pact with Pakistan")
    orders(game, "Pakistan", "border_clash on India")
    out = play(game, capsys)
    assert "proposed: India proposes to Pakistan: defence_pact with Pakistan (played only if" in out
    assert (1, "border_clash", "Pakistan", "India") in scheduled(game)
    assert not {row for row in scheduled(game) if row[1] == "defence_pact"}
    template = sim_ok(capsys, "play", "--template", "--team", "Pakistan", "--state", str(game))
    assert "India proposed 'defence_pact with Pakistan'" in template and "- do: defence_pact with India" in template
    orders(game, "Pakistan", "summit with US")  # does not accept
    out = play(game, capsys)
    assert "refused:  Pakistan did not accept India's proposal (defence_pact with Pakistan, turn 1): not played" in out
    assert not {row for row in scheduled(game) if row[1] == "defence_pact" and "India" in row[2:]}
    assert yaml.safe_load((game / "game.yaml").read_text())["proposals"] == []


def test_a_proposal_accepted_next_turn_is_played_once_as_both_teams_move(tmp_path, capsys):
    game = start(tmp_path, capsys)
    orders(game, "India", "defence_pact with Pakistan")
    play(game, capsys)
    template = sim_ok(capsys, "play", "--template", "--team", "Pakistan", "--state", str(game))
    (game / "orders" / "Pakistan.yaml").write_text(template, encoding="utf-8")
    out = play(game, capsys)
    assert "agreed:   Pakistan accepted India's proposal (defence_pact with Pakistan, turn 1): played in month 7" in out
    assert (7, "defence_pact", "India", "Pakistan") in scheduled(game)
    played = yaml.safe_load((game / "game.yaml").read_text())["played"]
    assert [e["by"] for e in played if e["type"] == "defence_pact"] == ["India and Pakistan"]


def test_both_teams_ordering_the_same_deal_in_one_turn_play_it_once(tmp_path, capsys):
    game = start(tmp_path, capsys)
    orders(game, "India", "economic_deal with Pakistan")
    orders(game, "Pakistan", "economic_deal with India")
    out = play(game, capsys)
    assert "agreed:   India and Pakistan both ordered economic_deal with Pakistan: played once, in month 1" in out
    assert [row for row in scheduled(game) if row[1] == "economic_deal"] == [(1, "economic_deal", "India", "Pakistan")]


def test_without_consent_in_the_rules_a_cooperative_move_is_played_at_once(tmp_path, capsys):
    game = start(tmp_path, capsys)
    text = (game / "game.yaml").read_text().replace("consent: true", "consent: false")
    (game / "game.yaml").write_text(text)
    orders(game, "India", "defence_pact with Pakistan")
    play(game, capsys)
    assert (1, "defence_pact", "India", "Pakistan") in scheduled(game)


def test_a_cooperative_move_towards_an_actor_no_team_plays_needs_no_consent(tmp_path, capsys):
    game = start(tmp_path, capsys)
    orders(game, "India", "defence_pact with US")
    play(game, capsys)
    assert (1, "defence_pact", "India", "US") in scheduled(game)


# -- budget and intensity --------------------------------------------------------------------------------

def test_moves_per_turn_is_a_rule_the_teacher_sets(tmp_path, capsys):
    game = start(tmp_path, capsys)
    four = ("summit with US", "sell_arms to Iran", "condemnation on Pakistan", "economic_deal with China")
    orders(game, "India", *four)
    err = sim_refused(capsys, "play", "--continue", "--state", str(game), "--no-plots")
    assert "India.yaml, line 9" in err and "field moves[3]" in err and "the rules allow 3 a turn" in err
    text = (game / "game.yaml").read_text().replace("moves_per_turn: 3", "moves_per_turn: 4")
    (game / "game.yaml").write_text(text)
    play(game, capsys)
    assert (1, "economic_deal", "India", "China") in scheduled(game)


@pytest.mark.parametrize("intensity, accepted", [(5, False), (2.5, False), (0.1, False), (2, True), (0.25, True)])
def test_intensity_stays_within_the_rules_range(tmp_path, capsys, intensity, accepted):
    game = start(tmp_path, capsys)
    orders(game, "India", "summit with US")
    path = game / "orders" / "India.yaml"
    path.write_text(path.read_text() + f"    intensity: {intensity}\n")
    if accepted:
        play(game, capsys)
    else:
        err = sim_refused(capsys, "play", "--continue", "--state", str(game), "--no-plots")
        assert "field moves[0].intensity" in err and "outside the rules' range 0.25 to 2" in err


def test_a_broken_rules_block_is_named_by_line(tmp_path, capsys):
    game = start(tmp_path, capsys)
    text = (game / "game.yaml").read_text().replace("consent: true", "consent: true\n  budget: 4")
    (game / "game.yaml").write_text(text)
    err = sim_refused(capsys, "play", "--continue", "--state", str(game), "--no-plots")
    assert "game.yaml, line" in err and "unknown rule 'budget'" in err and "moves_per_turn" in err


# -- the mover's words -----------------------------------------------------------------------------------

def test_buying_from_china_is_china_selling_to_pakistan(tmp_path, capsys):
    game = start(tmp_path, capsys)
    orders(game, "Pakistan", "buy_arms from China", "sanctions on India")
    orders(game, "India", "sell_arms to Iran")
    play(game, capsys)
    rows = scheduled(game)
    assert (1, "arms_sale", "China", "Pakistan") in rows and (1, "arms_sale", "Pakistan", "China") not in rows
    assert (1, "sanctions", "Pakistan", "India") in rows and (1, "arms_sale", "India", "Iran") in rows


@pytest.mark.parametrize("words, said", [
    ("buy_arms to China", "'buy_arms' takes 'from'"),
    ("arms_sale with China", "arms_sale goes one way"),
    ("border_clash from India", "hostile act"),
    ("summit from US", "summit is mutual"),
    ("buy_arms China", "'VERB to|from|with ACTOR'"),
    ("sumit with US", "'summit'"),
    ("summit with Pakistan's friend", "unknown actor"),
    ("summit with Pakistan", "cannot make a move towards itself"),
])
def test_words_that_would_make_a_move_ambiguous_are_refused(tmp_path, capsys, words, said):
    game = start(tmp_path, capsys)
    orders(game, "Pakistan", words)
    err = sim_refused(capsys, "play", "--continue", "--state", str(game), "--no-plots")
    assert "Pakistan.yaml, line 3" in err and "field moves[0].do" in err and said in err


# -- orders bound to their team, team names --------------------------------------------------------------

def test_orders_are_bound_to_their_team(tmp_path, capsys):
    game = start(tmp_path, capsys)
    orders(game, "India", "border_clash on India")
    (game / "orders" / "India.yaml").write_text(
        (game / "orders" / "India.yaml").read_text().replace("team: India", "team: Pakistan"))
    err = sim_refused(capsys, "play", "--continue", "--state", str(game), "--no-plots")
    assert "India.yaml, line 1" in err and "this is India's orders file, but it says team: Pakistan" in err


def test_old_orders_naming_another_actor_are_refused(tmp_path, capsys):
    game = start(tmp_path, capsys)
    (game / "orders" / "India.yaml").write_text(
        "actor: Pakistan\nevents:\n  - {type: border_clash, from: Pakistan, to: India, note: x}\n")
    err = sim_refused(capsys, "play", "--continue", "--state", str(game), "--no-plots")
    assert "this is India's orders file, but it gives moves for Pakistan" in err
    (game / "orders" / "India.yaml").write_text(
        "actor: India\nevents:\n  - {type: summit, from: India, to: US, note: x}\n")
    err = sim_refused(capsys, "play", "--continue", "--state", str(game), "--no-plots")
    assert "old form" in err and "python -m sim play --template" in err


def test_an_orders_file_not_named_after_a_team_is_refused(tmp_path, capsys):
    game = start(tmp_path, capsys)
    orders(game, "Bhutan", "summit with US")
    err = sim_refused(capsys, "play", "--continue", "--state", str(game), "--no-plots")
    assert "Bhutan.yaml is not named after a team" in err and "orders/India.yaml" in err


def test_a_typed_team_name_is_never_a_path(tmp_path, capsys, monkeypatch):
    game = tmp_path / "deep" / "er" / "game"
    sim_ok(capsys, "play", "arms_sale_pakistan", "--turn", "6", "--state", str(game))  # no --teams
    answers = iter(["../../../escaped"])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    err = sim_refused(capsys, "play", "--continue", "--interactive", "--state", str(game), "--no-plots")
    assert "'../../../escaped' is not an actor of this game" in err
    assert not list(tmp_path.rglob("escaped*"))
    assert yaml.safe_load((game / "game.yaml").read_text())["month"] == 0
    from sim.classroom import play

    with pytest.raises(Exception, match="no team"):
        play.write_orders(play.load_game(game), "../x", [])


def test_typed_moves_are_in_the_movers_words_and_within_the_budget(tmp_path, capsys, monkeypatch):
    game = start(tmp_path, capsys)
    answers = iter(["buy_arms from China", "", "for the border",   # India: one move, then Enter
                    "", "", ])                                     # Pakistan: none
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    sim_ok(capsys, "play", "--continue", "--interactive", "--state", str(game), "--no-plots")
    assert (1, "arms_sale", "China", "India") in scheduled(game)


# -- the situation report --------------------------------------------------------------------------------

def test_the_situation_report_lists_reactions_with_reasons_and_team_parts_that_add_up(tmp_path, capsys):
    game = start(tmp_path, capsys, scenario=eager_copy(tmp_path))
    orders(game, "Pakistan", "border_clash on India")
    orders(game, "India", "summit with US")
    out = play(game, capsys)
    events = pd.read_csv(game / "result" / "events.csv")
    reactions = events[(events["origin"] == "reaction") & (events["run"] == 1) & (events["month"] <= 6)]
    assert len(reactions) >= 1  # India answers Pakistan's clash (and then waits out its cooldown)
    page = (game / "situation.html").read_text(encoding="utf-8")
    assert page == (game / "turns" / "001" / "situation.html").read_text(encoding="utf-8")
    assert f"Reactions (the actors' own answers, run 1): {len(reactions)}" in out
    for reaction in reactions.to_dict("records"):
        assert reaction["reason"] in out
        assert reaction["reason"].replace("'", "&#x27;") in page
    assert "India: summit with US (month 1): because" in out and "Pakistan: border_clash on India" in out
    assert "<script" not in page and not re.search(r"(src|href)=\"?https?:", page)

    from sim.classroom.situation import group_matrices
    from sim.classroom.play import load_game

    loaded = load_game(game)
    after = group_matrices(loaded, 6)
    alignment = pd.read_csv(game / "result" / "alignment.csv")
    alignment = alignment[alignment["run"] == 1] if "run" in alignment else alignment
    names = list(dict.fromkeys(alignment["source"]))
    after.pop("__final__"), after.pop("__initial__")
    total = sum(after.values())
    score = alignment.set_index(["month", "source", "target"])["score"]
    for source in names:
        for target in names:
            if source == target:
                continue
            i, j = names.index(source), names.index(target)
            change = score[(6, source, target)] - score[(0, source, target)]
            assert abs(total[i, j] - change) < 2e-6  # the groups add up to the pair's change
    assert set(after) == {"India", "Pakistan", "scenario", "reactions", "the world's own pull"}
    row = next(line for line in out.splitlines() if line.startswith("  India → Pakistan"))
    before, after_, change, *parts = [float(v) for v in row.split()[3:]]
    assert abs(after_ - before - change) <= 0.011 and abs(sum(parts) - change) <= 0.03  # rounding only


def test_the_turn_report_takes_only_the_turns_months(tmp_path, capsys):
    game = start(tmp_path, capsys)
    orders(game, "India", "summit with US")
    play(game, capsys)
    out = play(game, capsys)  # turn 2: no orders
    assert "Moves as ordered\n  none" in out and "month 6 to 12" in out
    assert "India: summit" not in out  # turn 1's move is not listed again (its lasting part still counts)


# -- old folders -----------------------------------------------------------------------------------------

def test_a_game_folder_of_the_previous_format_continues(tmp_path, capsys):
    old = tmp_path / "old"
    (old / "orders").mkdir(parents=True)
    (old / "scenario.yaml").write_bytes((SCENARIOS / "arms_sale_pakistan.yaml").read_bytes())
    (old / "game.yaml").write_text("turn: 6\nmonth: 6\nhorizon: 36\nstart: 0\nteams: [India, Pakistan]\n"
                                   "relations_file: null\nseed: null\nturns_played: 1\n")
    (old / "played.yaml").write_text("events:\n- {type: summit, from: India, to: US, at: 2, "
                                     "note: 'India: reassure Washington'}\n")
    orders(old, "India", "summit with US")
    play(old, capsys)
    saved = yaml.safe_load((old / "game.yaml").read_text())
    assert saved["entente_game"] == 2 and saved["month"] == 12
    assert saved["played"][0]["by"] == "India" and saved["played"][0]["note"] == "reassure Washington"
    assert (2, "summit", "India", "US") in scheduled(old) and (7, "summit", "India", "US") in scheduled(old)


# -- the documented commands -----------------------------------------------------------------------------

def test_every_documented_play_command_runs(tmp_path, capsys, monkeypatch):
    """The `sim play` lines of README.md and exercises/README.md, run in the order a class would."""
    import shlex
    import shutil

    from conftest import ROOT

    commands = []
    for doc in ("README.md", "exercises/README.md"):
        text = (ROOT / doc).read_text(encoding="utf-8")
        commands += [line.split("#")[0].strip() for line in re.findall(r"python -m sim play[^`\n]*", text)]
    assert len(commands) >= 8
    monkeypatch.chdir(tmp_path)
    sim_ok(capsys, "run", str(ROOT / "exercises" / "files" / "arms_sale_audience.yaml"), "--out",
           "results/ex01/original", "--no-plots")
    for command in dict.fromkeys(commands):  # each once, in order
        args = shlex.split(command)[3:]
        if "--load" in args:
            shutil.copyfile("mywork/game/game.yaml", "saved.yaml")
        if "--continue" in args:
            state = args[args.index("--state") + 1]
            orders(tmp_path / state, "India", "summit with US")
        out = sim_ok(capsys, *args)
        if "--continue" in args:
            assert "Situation report" in out
    assert (tmp_path / "mywork" / "game" / "debrief.md").is_file()
    assert (tmp_path / "mywork" / "game3" / "game.yaml").is_file()
    assert (tmp_path / "games" / "crisis" / "situation.html").is_file()


@pytest.mark.parametrize("change, words", [
    (lambda d: d["played"][0].update(type="nuke"), ("field played[0].type", "unknown event type 'nuke'")),
    (lambda d: d.update(relations_file="/etc/passwd"), ("field relations_file", "its own copy")),
    (lambda d: d["scenario_data"].update(months="x"), ("field scenario_data.months", "whole number")),
    (lambda d: d.update(seed=1e400), ("field seed", "whole number")),
    (lambda d: d.update(teams=["India"]), ("field teams", "a mapping")),
    (lambda d: d["proposals"].append({"by": "India", "to_team": "Bhutan", "words": "x", "event": {}, "turn": 1}),
     ("field proposals[0]", "not in this game")),
])
def test_a_tampered_game_file_is_refused_before_anything_is_written(tmp_path, capsys, change, words):
    game = start(tmp_path, capsys)
    orders(game, "India", "summit with US")
    play(game, capsys)
    data = yaml.safe_load((game / "game.yaml").read_text())
    change(data)
    (game / "game.yaml").write_text(yaml.safe_dump(data))
    kept = {p: p.read_bytes() for p in game.rglob("*") if p.is_file()}
    orders(game, "India", "summit with US")
    err = sim_refused(capsys, "play", "--continue", "--state", str(game), "--no-plots")
    assert "game.yaml" in err and all(word in err for word in words), err
    kept[game / "orders" / "India.yaml"] = (game / "orders" / "India.yaml").read_bytes()
    assert {p: p.read_bytes() for p in game.rglob("*") if p.is_file()} == kept


def test_a_withdrawal_is_the_movers_own_act_and_needs_no_consent(tmp_path, capsys):
    game = start(tmp_path, capsys, teams="US,Taliban")
    orders(game, "US", "withdrawal from Taliban")
    play(game, capsys)
    assert (1, "withdrawal", "US", "Taliban") in scheduled(game)
    orders(game, "US", "withdrawal with Taliban")
    err = sim_refused(capsys, "play", "--continue", "--state", str(game), "--no-plots")
    assert "'withdrawal' takes 'from'" in err


def test_the_debrief_lists_every_reaction_and_each_teams_share(tmp_path, capsys):
    game = start(tmp_path, capsys, scenario=eager_copy(tmp_path))
    orders(game, "Pakistan", "border_clash on India")
    orders(game, "India", "summit with US")
    play(game, capsys)
    orders(game, "India", "sanctions on Pakistan")
    play(game, capsys)
    out = sim_ok(capsys, "play", "--debrief", "--state", str(game))
    markdown = (game / "debrief.md").read_text(encoding="utf-8")
    events = pd.read_csv(game / "result" / "events.csv")
    reactions = events[(events["origin"] == "reaction") & (events["run"] == 1)]
    assert len(reactions) >= 2
    assert f"## Every reaction ({len(reactions)}, run 1)" in markdown
    assert f"Every reaction since the game began (run 1): {len(reactions)}" in out
    for reaction in reactions.to_dict("records"):
        assert reaction["reason"] in out and reaction["reason"] in markdown
    shares = dict(re.findall(r"^\| (.+?) \| (\d+)% \|$", markdown, flags=re.M))
    assert {"India", "Pakistan", "reactions", "the world's own pull"} <= set(shares)
    assert 98 <= sum(int(v) for v in shares.values()) <= 102  # whole per cents of one total
    assert int(shares["India"]) > 0 and int(shares["Pakistan"]) > 0


@pytest.mark.parametrize("name", ["../../x", "a/b", "..", ".hidden", "news", "A and B", "x" * 41])
def test_a_team_name_from_a_saved_game_is_never_a_path(tmp_path, capsys, name):
    game = start(tmp_path, capsys)
    data = yaml.safe_load((game / "game.yaml").read_text())
    data["teams"] = {name: "India"}
    (game / "game.yaml").write_text(yaml.safe_dump(data))
    err = sim_refused(capsys, "play", "--continue", "--state", str(game), "--no-plots")
    assert "cannot be a team's name" in err and "field teams" in err


def test_without_declared_teams_no_move_waits_for_consent(tmp_path, capsys):
    game = tmp_path / "open"
    sim_ok(capsys, "play", "arms_sale_pakistan", "--turn", "6", "--state", str(game))
    orders(game, "India", "summit with US")
    out = play(game, capsys)
    assert (1, "summit", "India", "US") in scheduled(game) and "proposed" not in out


def test_an_offer_made_again_and_agreed_is_not_also_refused(tmp_path, capsys):
    game = start(tmp_path, capsys)
    orders(game, "India", "defence_pact with Pakistan")
    play(game, capsys)
    orders(game, "India", "defence_pact with Pakistan")
    orders(game, "Pakistan", "defence_pact with India")
    out = play(game, capsys)
    assert "agreed:" in out and "refused:" not in out
    assert [row for row in scheduled(game) if row[1] == "defence_pact" and "India" in row[2:]] == [
        (7, "defence_pact", "India", "Pakistan")]


@pytest.mark.parametrize("pakistan_first", [True, False])
def test_an_offer_answered_while_made_again_is_played_once_whatever_the_order(pakistan_first):
    from sim.classroom.play_rules import Order, Proposal, Rules, resolve

    india = {"type": "defence_pact", "from": "India", "to": "Pakistan", "intensity": 1.0, "at": 7, "note": "x"}
    pakistan = {**india, "from": "Pakistan", "to": "India", "note": "y"}
    orders = [Order("Pakistan", "Pakistan", "defence_pact with India", pakistan, "India"),
              Order("India", "India", "defence_pact with Pakistan", india, "Pakistan")]
    outcome = resolve(orders if pakistan_first else orders[::-1],
                      [Proposal("India", "Pakistan", "defence_pact with Pakistan", india, 1)],
                      {"India": "India", "Pakistan": "Pakistan"}, Rules(), 2)
    assert len(outcome.played) == 1 and outcome.proposed == () and outcome.refused == ()


def test_typed_orders_show_the_offers_waiting_for_the_team(tmp_path, capsys, monkeypatch):
    game = start(tmp_path, capsys)
    orders(game, "India", "defence_pact with Pakistan")
    play(game, capsys)
    answers = iter(["", "defence_pact with India", "", "we accept", ""])  # India: none; Pakistan accepts
    monkeypatch.setattr("builtins.input", lambda prompt="": next(answers))
    out = sim_ok(capsys, "play", "--continue", "--interactive", "--state", str(game), "--no-plots")
    assert "India proposed to Pakistan (turn 1): defence_pact with Pakistan. To accept, type: " \
           "defence_pact with India" in out
    assert (7, "defence_pact", "India", "Pakistan") in scheduled(game)
