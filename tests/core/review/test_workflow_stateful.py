"""Random action sequences against the review machine (hypothesis stateful testing).

A simple model says what each action should do; after every step the database must agree
with it, and the invariants must hold for every item:
- published ⇒ every step of the current round approved, and not 不予公开;
- every decision was made by one of its step's people; nobody approved what they drafted;
- a wrong password or a stale version changes nothing but the failed-attempt count.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, event, settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, initialize, invariant, rule
from sqlalchemy import select, update

from deskapp.core.accounts import hashing
from deskapp.core.audit.chain import Actor, verify_chain
from deskapp.core.desk import open_database
from deskapp.core.errors import ConcurrentEditError, ValidationError
from deskapp.core.review import passwords, workflow
from deskapp.core.store.models import Item, ItemStepPerson, Person, ReviewDecision
from tests.review_support import TODAY, Staff, make_item, make_staff

PW = "state-pw-1"
ACTOR = Actor(None, "信息员")
_DESK: dict[str, object] = {}


def _desk():
    """One database for all examples (opening one takes a second); items are per example."""
    if not _DESK:
        folder = Path(tempfile.mkdtemp()) / "状态 测试"
        folder.mkdir()
        db = open_database(folder / "desk.db")
        saved = hashing.PBKDF2_ITERATIONS
        hashing.PBKDF2_ITERATIONS = 1000  # cheap hashes: hundreds of sign-offs per run
        fast = passwords.hash_password(PW, method="pbkdf2_sha256")
        hashing.PBKDF2_ITERATIONS = saved
        with db.session() as s:
            staff = make_staff(s)
            s.execute(update(Person).values(password_hash=fast))
        _DESK.update(db=db, staff=staff)
    return _DESK["db"], _DESK["staff"]


class ReviewMachine(RuleBasedStateMachine):
    items = Bundle("items")

    def __init__(self) -> None:
        super().__init__()
        self.db, self.staff = _desk()
        assert isinstance(self.staff, Staff)
        self.people = [self.staff.drafter, *self.staff.chain]
        self.model: dict[int, dict] = {}

    # --- helpers ---------------------------------------------------------------------------
    def version(self, item_id: int) -> int:
        with self.db.session() as s:
            return s.get(Item, item_id).version

    def attempt(self, fn, *args, **kw):
        try:
            with self.db.session() as s:
                return fn(s, *args, **kw), None
        except (ValidationError, ConcurrentEditError, passwords.WrongPasswordError) as exc:
            return None, exc

    def expected_decision(self, m: dict, person: int, decision: str) -> bool:
        if m["status"] != "in_review":
            return False
        if person != self.staff.chain[m["pos"]]:
            return False
        if decision == "approve" and person == m["drafter"]:
            return False
        if decision == "withhold" and m["pos"] != 1:  # only 保密审查 may
            return False
        return True

    # --- rules -----------------------------------------------------------------------------
    @initialize(target=items, drafter=st.sampled_from(["drafter", "head", "secrecy", "chief"]))
    def first_item(self, drafter):
        return self.new_item(drafter)

    @rule(target=items, drafter=st.sampled_from(["drafter", "head", "secrecy", "chief"]))
    def new_item(self, drafter):
        pid = getattr(self.staff, drafter)
        with self.db.session() as s:
            item_id = make_item(s, ACTOR, self.staff, title=f"随机事项{len(self.model)}")
            s.get(Item, item_id).drafter_id = pid
        self.model[item_id] = {"status": "draft", "pos": None, "drafter": pid, "withheld": False,
                               "of": None}
        return item_id

    @rule(item=items)
    def submit(self, item):
        m = self.model[item]
        _, err = self.attempt(workflow.submit, ACTOR, item, self.version(item), today=TODAY)
        if m["status"] in ("draft", "returned"):
            assert err is None, err
            m.update(status="in_review", pos=0)
        else:
            assert isinstance(err, ValidationError)

    @rule(item=items, who=st.integers(0, 4), decision=st.sampled_from(["approve", "return", "withhold"]),
          paper=st.booleans(), right_pw=st.booleans(), stale=st.booleans())
    def decide(self, item, who, decision, paper, right_pw, stale):
        m = self.model[item]
        person = self.people[who]
        v = self.version(item) - (1 if stale else 0)
        opinion = "意见：请修改" if decision != "approve" else ""
        if paper:
            _, err = self.attempt(workflow.record_paper_decision, ACTOR, item, v, person, decision,
                                  opinion, TODAY, today=TODAY)
        else:
            fn = {"approve": workflow.approve, "return": workflow.return_item, "withhold": workflow.withhold}[decision]
            args = (ACTOR, item, v, person, PW if right_pw else "wrong-pw")
            _, err = self.attempt(fn, *args, **({"today": TODAY} if decision == "approve" else
                                                 {"opinion" if decision == "return" else "reason": opinion,
                                                  "today": TODAY}))
            if not right_pw:
                assert isinstance(err, passwords.WrongPasswordError)
                with self.db.session() as s:  # the maintainer resets the count between runs
                    s.execute(update(Person).where(Person.id == person).values(failed_logins=0))
                return
        if stale:
            assert isinstance(err, ConcurrentEditError), err
            return
        if not self.expected_decision(m, person, decision):
            assert isinstance(err, ValidationError), err
            return
        assert err is None, err
        if decision == "return":
            m.update(status="returned", pos=None)
        elif decision == "withhold":
            event("withheld")
            m.update(status="approved", pos=None, withheld=True)
        elif m["pos"] == 3:
            m.update(status="approved", pos=None)
        else:
            m["pos"] += 1

    @rule(item=items, paper=st.booleans(), times=st.integers(1, 4))
    def advance(self, item, paper, times):
        """The right people approve (random choices alone rarely get through four steps)."""
        for _ in range(times):
            m = self.model[item]
            if m["status"] != "in_review":
                return
            self.decide(item, self.people.index(self.staff.chain[m["pos"]]), "approve", paper, True, False)

    @rule(item=items, paper=st.booleans())
    def secrecy_withholds(self, item, paper):
        m = self.model[item]
        if m["status"] == "in_review" and m["pos"] == 1:
            self.decide(item, self.people.index(self.staff.secrecy), "withhold", paper, True, False)

    @rule(item=items)
    def through_to_publication(self, item):
        self.submit(item)
        self.advance(item, False, 4)
        self.publish(item)

    @rule(item=items)
    def publish(self, item):
        m = self.model[item]
        _, err = self.attempt(workflow.publish, ACTOR, item, self.version(item), TODAY, ["政府网站"], today=TODAY)
        if m["status"] == "approved" and not m["withheld"]:
            assert err is None, err
            event("published")
            m["status"] = "published"
            old = m["of"]
            if old is not None and self.model[old]["status"] == "published":
                self.model[old]["status"] = "withdrawn"
        else:
            assert isinstance(err, ValidationError)

    @rule(item=items)
    def withdraw(self, item):
        m = self.model[item]
        _, err = self.attempt(workflow.withdraw, ACTOR, item, self.version(item), "已过时效", today=TODAY)
        if m["status"] == "published":
            assert err is None, err
            m["status"] = "withdrawn"
        else:
            assert isinstance(err, ValidationError)

    @rule(target=items, item=items)
    def revise(self, item):
        m = self.model[item]
        open_rev = any(v["of"] == item and v["status"] in ("draft", "in_review", "returned", "approved")
                       for v in self.model.values())
        new, err = self.attempt(workflow.revise, ACTOR, item, self.version(item), TODAY, today=TODAY)
        if m["status"] == "published" and not open_rev:
            assert err is None, err
            new_id = new.id
            self.model[new_id] = {"status": "draft", "pos": None, "drafter": m["drafter"],
                                  "withheld": False, "of": item}
            event("revised")
            return new_id
        assert isinstance(err, ValidationError)
        return item

    # --- invariants ------------------------------------------------------------------------
    @invariant()
    def database_agrees_with_model(self):
        if not self.model:
            return
        with self.db.session() as s:
            rows = dict(s.execute(select(Item.id, Item.status).where(Item.id.in_(list(self.model)))).all())
        assert rows == {i: m["status"] for i, m in self.model.items()}

    @invariant()
    def published_means_fully_approved(self):
        with self.db.session() as s:
            for item in s.scalars(select(Item).where(Item.status == "published")):
                assert item.attribute != "withheld"
                assert workflow.fully_approved(s, item)

    @invariant()
    def decisions_by_allowed_people_only(self):
        with self.db.session() as s:
            for d in s.scalars(select(ReviewDecision).where(ReviewDecision.item_id.in_(list(self.model)))):
                step = next(x for x in workflow.steps_of(s, d.item_id) if x.position == d.position)
                allowed = set(s.scalars(select(ItemStepPerson.person_id)
                                        .where(ItemStepPerson.item_step_id == step.id)))
                assert d.person_id in allowed
                if d.decision == "approve":
                    assert d.person_id != s.get(Item, d.item_id).drafter_id

    def teardown(self):
        with self.db.session() as s:
            assert verify_chain(s) is None


TestReviewMachine = ReviewMachine.TestCase
TestReviewMachine.settings = settings(max_examples=40, stateful_step_count=40, deadline=None,
                                      suppress_health_check=[HealthCheck.too_slow])
