"""The sources of pain the options stand for (keys of course/content/sources.yaml).

A minimal stand-in with the agreed interface, until the content files carry their
sources: names are made from the keys, and no passage is known yet."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Source:
    key: str
    name: str


@dataclass(frozen=True)
class Passage:
    url: str  # the lesson's URL with the #anchor of the passage
    title: str  # the heading's text


SOURCES: dict[str, Source] = {}


def source_name(key: str) -> str:
    """The source's name for learners; a readable form of an unknown key."""
    source = SOURCES.get(key)
    return source.name if source else key.replace("-", " ").capitalize()


def passage_for(a: str, b: str) -> Passage | None:
    """The lesson passage that tells source `a` from source `b`, if one is known."""
    return None
