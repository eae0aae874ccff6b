"""Modality: whether an event word reports something that happened, or a plan, prediction or denial.

The rule walks up from the event word through the verbs that govern it ("managed to impose",
"will lay siege", "refused to endorse", "plan to kick off imminent attack") and stops at a
reporting verb's complement, because "sources said that X happened" still reports X.
"""

from __future__ import annotations

from dataclasses import dataclass

from spacy.tokens import Token

CLIMB_DEPS = {"xcomp", "advcl", "pcomp", "pobj", "prep", "dobj", "conj", "acomp", "amod", "compound", "nsubj",
              "nsubjpass", "attr", "oprd", "agent", "npadvmod", "relcl"}


@dataclass(frozen=True)
class ModalityCues:
    predicted_aux: frozenset[str]
    hypothetical_aux: frozenset[str]
    planned_heads: frozenset[str]
    hypothetical_heads: frozenset[str]
    denied_heads: frozenset[str]
    implicative_heads: frozenset[str]
    planned_modifiers: frozenset[str]
    ongoing_heads: frozenset[str]
    assembly_heads: frozenset[str] = frozenset()
    assembly_events: frozenset[str] = frozenset()
    claim_nouns: frozenset[str] = frozenset()
    dismissals: frozenset[str] = frozenset()
    upcoming_phrases: frozenset[str] = frozenset()

    @classmethod
    def from_dict(cls, data: dict) -> ModalityCues:
        return cls(**{name: frozenset(data.get(name, [])) for name in cls.__dataclass_fields__})


def own_modality(token: Token, cues: ModalityCues) -> str | None:
    """What the token's own auxiliaries, negation and modifiers say, if anything."""
    children = list(token.children)
    lowered = {c.lower_ for c in children}
    if any(c.dep_ == "neg" for c in children) or (token.pos_ == "NOUN" and lowered & {"no"}):
        return "denied"
    if token.pos_ in ("VERB", "AUX", "ADJ"):
        aux = {c.lower_ for c in children if c.dep_ in ("aux", "auxpass")}
        if aux & cues.predicted_aux:
            return "predicted"
        if aux & cues.hypothetical_aux:
            return "hypothetical"
    if token.pos_ == "NOUN" and {c.lower_ for c in children if c.dep_ == "amod"} & cues.planned_modifiers:
        return "planned"
    return None


def is_infinitive(token: Token) -> bool:
    return token.pos_ in ("VERB", "AUX") and token.tag_ == "VB" and any(
        c.dep_ == "aux" and c.lower_ == "to" for c in token.children)


def is_dismissed(token: Token, cues: ModalityCues) -> bool:
    """'called the attack a fabrication', 'said the reports were fake': a clause that calls its subject or object
    untrue."""
    return any(c.dep_ in ("acomp", "attr", "oprd", "xcomp", "ccomp") and c.lemma_.lower() in cues.dismissals
               for c in token.children)


def is_denied_report(token: Token, cues: ModalityCues) -> bool:
    """'Turkey denied that its forces shelled the village', 'denied reports that jets struck the market': what a
    denial reports did not happen, as far as the speaker says."""
    head = token.head
    if head.lemma_.lower() in cues.denied_heads:
        return True
    return head.lemma_.lower() in cues.claim_nouns and head.head.lemma_.lower() in cues.denied_heads


def is_upcoming(token: Token, cues: ModalityCues) -> bool:
    """'violence continues ahead of the ceasefire', 'in the run-up to the offensive': what a phrase of looking
    ahead introduces lies after the time the clause tells."""
    if token.dep_ != "pobj" or token.head.dep_ != "prep":
        return False
    prep = token.head
    before = " " + " ".join(token.doc[max(prep.i - 5, token.sent.start):prep.i + 1].text.lower().split())
    return any(before.endswith(" " + phrase) for phrase in cues.upcoming_phrases)


def modality_of(trigger: Token, cues: ModalityCues) -> str:
    """occurred, ongoing, planned, predicted, denied or hypothetical for an event word."""
    token, ongoing = trigger, False
    for _ in range(8):
        found = own_modality(token, cues)
        if found:
            return found
        if is_dismissed(token, cues):
            return "denied"  # "the reports of the strike were fake"
        if is_upcoming(token, cues):
            return "planned"
        if any(c.dep_ == "aux" and c.tag_ == "VBP" for c in token.children) and token.tag_ == "VBG":
            ongoing = True
        if token.dep_ in ("ccomp", "acl") and token.head.i != token.i and is_denied_report(token, cues):
            return "denied"
        if token.dep_ in ("ROOT", "ccomp", "parataxis") or token.head.i == token.i:
            break
        head = token.head
        lemma = head.lemma_.lower()
        if lemma in cues.denied_heads or is_dismissed(head, cues):
            return "denied"
        if lemma in cues.hypothetical_heads:
            return "hypothetical"
        if lemma in cues.planned_heads:
            return "planned"
        if lemma in cues.implicative_heads:
            ongoing = ongoing or lemma in cues.ongoing_heads
        elif is_infinitive(token) and token.dep_ in ("advcl", "xcomp", "acl", "relcl"):
            if lemma in cues.assembly_heads and token.lemma_.lower() in cues.assembly_events:
                return "occurred"  # "took to the streets to protest": gathering to protest is protesting
            return "planned"  # purpose or intention: "to participate in offensives"
        if token.dep_ not in CLIMB_DEPS:
            break
        token = head
    return "ongoing" if ongoing else "occurred"
