"""Codebooks: frames, their definitions, coding instructions and cue lexicons, as data files.

A codebook is a YAML file. Three ship with the kit in ``registry/codebooks/`` (the header of each
explains the schema): ``policy_frames`` (Boydstun et al.'s 15 dimensions), ``semetko_valkenburg``
(the five generic news frames) and ``russia_dprk`` (frames of the Russia-North Korea coverage).
To adapt one, copy the file, edit it and load the copy by its path; the hand-coding sheets and
:class:`~analysis.frames.FrameScorer` read the same file, so people and the dictionary code the
same frames.

Schema (every key required)::

    id: my_frames                  # lower case, digits, underscores
    label: My frames
    citation: Who defined them, where
    description: What the codebook is for
    frames:
      - id: security_threat        # ^[a-z][a-z0-9_]*$, unique
        label: Security threat
        definition: What the frame is
        instructions: When to code it 1; borderline cases
        cues:                      # ISO 639-1 code -> list of cues (the actor registry's alias syntax)
          en: [threat*, missile*]
          ko: [위협, 미사일]

:func:`load_codebook` checks the whole file before anything uses it and raises one
:class:`CodebookError` that lists every problem with the file name and line number.

Examples
--------
>>> book = load_codebook("semetko_valkenburg")
>>> book.frame_ids
('attribution_of_responsibility', 'human_interest', 'conflict', 'morality', 'economic_consequences')
>>> book.frame("conflict").label
'Conflict'
>>> "russia_dprk" in available_codebooks()
True
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from . import config

CODEBOOK_DIR = config.REGISTRY_DIR / "codebooks"
#: The form of a codebook's and a frame's id (a column name in every table that follows).
ID_RE = re.compile(r"^[a-z][a-z0-9_]*$")
CODEBOOK_KEYS = ("id", "label", "citation", "description", "frames")
FRAME_KEYS = ("id", "label", "definition", "instructions", "cues")
#: Every ISO 639-1 language code (a cue lexicon's key), "bh" (withdrawn in 2021) kept for old files.
ISO_639_1 = frozenset("""
aa ab ae af ak am an ar as av ay az ba be bg bh bi bm bn bo br bs ca ce ch co cr cs cu cv cy da de dv dz ee el en
eo es et eu fa ff fi fj fo fr fy ga gd gl gn gu gv ha he hi ho hr ht hu hy hz ia id ie ig ii ik io is it iu ja jv
ka kg ki kj kk kl km kn ko kr ks ku kv kw ky la lb lg li ln lo lt lu lv mg mh mi mk ml mn mr ms mt my na nb nd ne
ng nl nn no nr nv ny oc oj om or os pa pi pl ps pt qu rm rn ro ru rw sa sc sd se sg si sk sl sm sn so sq sr ss st
su sv sw ta te tg th ti tk tl tn to tr ts tt tw ty ug uk ur uz ve vi vo wa wo xh yi yo za zh zu
""".split())
_STR_TAG = "tag:yaml.org,2002:str"


class CodebookError(ValueError):
    """A codebook file with problems; ``problems`` lists them as ``"file:line: message"``."""

    def __init__(self, path, problems: list[str]):
        self.path = Path(path)
        self.problems = list(problems)
        count = f"{len(self.problems)} problem{'s' if len(self.problems) != 1 else ''}"
        super().__init__(f"codebook {self.path} has {count}:\n" + "\n".join(f"  {p}" for p in self.problems))


@dataclass(frozen=True)
class Frame:
    """One frame of a codebook: what it is, how to code it, and its cues per language."""

    id: str
    label: str
    definition: str
    instructions: str
    cues: dict[str, tuple[str, ...]]


@dataclass(frozen=True)
class Codebook:
    """A codebook read from ``path``: its frames in the file's order."""

    id: str
    label: str
    citation: str
    description: str
    frames: tuple[Frame, ...]
    path: Path

    @property
    def frame_ids(self) -> tuple[str, ...]:
        """The frames' ids in the file's order (the columns of every frame table)."""
        return tuple(frame.id for frame in self.frames)

    @property
    def languages(self) -> tuple[str, ...]:
        """The language codes that have cues in some frame, sorted."""
        return tuple(sorted({lang for frame in self.frames for lang, cues in frame.cues.items() if cues}))

    def frame(self, id: str) -> Frame:
        """The frame with this id.

        Examples
        --------
        >>> load_codebook("russia_dprk").frame("legality").cues["ru"][:2]
        ('закон*', 'незаконн*')
        """
        for frame in self.frames:
            if frame.id == id:
                return frame
        raise KeyError(f"codebook {self.id} has no frame {id!r}; its frames are {', '.join(self.frame_ids)}")


def available_codebooks() -> tuple[str, ...]:
    """The names of the packaged codebooks (each loads with :func:`load_codebook`).

    Examples
    --------
    >>> available_codebooks()
    ('policy_frames', 'russia_dprk', 'semetko_valkenburg')
    """
    return tuple(sorted(p.stem for p in CODEBOOK_DIR.glob("*.yaml")))


def codebook_path(name_or_path) -> Path:
    """The file of a packaged codebook's name, or the path given (a user's copy)."""
    text = str(name_or_path)
    if ID_RE.match(text) and not text.endswith((".yaml", ".yml")):
        path = CODEBOOK_DIR / f"{text}.yaml"
        if not path.exists():
            raise ValueError(f"no packaged codebook {text!r}; use one of {', '.join(available_codebooks())} "
                             "or the path of a YAML file")
        return path
    path = Path(name_or_path).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"codebook file {path} not found")
    return path


def load_codebook(name_or_path) -> Codebook:
    """A codebook, checked: a packaged name (see :func:`available_codebooks`), a path to a YAML file
    or a :class:`Codebook` (returned as it is).

    Raises :class:`CodebookError` listing every problem of the file with its line number.

    Examples
    --------
    >>> book = load_codebook("russia_dprk")
    >>> book.frame_ids[:4]
    ('security_threat', 'strategic_partnership', 'legality', 'human_cost')
    >>> book.path.name
    'russia_dprk.yaml'
    """
    if isinstance(name_or_path, Codebook):
        return name_or_path
    path = codebook_path(name_or_path)
    stat = path.stat()
    return _load(str(path.resolve()), stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=16)
def _load(path: str, mtime_ns: int, size: int) -> Codebook:
    """The codebook at ``path``; the file's time and size key the cache, so an edited file is read again."""
    text = Path(path).read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else 1
        raise CodebookError(path, [f"{path}:{line}: not valid YAML: {getattr(error, 'problem', None) or error}"]) from None
    checker = _Checker(path)
    book = checker.codebook(root)
    if checker.problems:
        raise CodebookError(path, checker.problems)
    return book


def _peek_id(node) -> str | None:
    """The ``id`` of a frame's mapping node, if it has a plain one (to name the frame in problems)."""
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            if getattr(key, "value", None) == "id" and isinstance(value, yaml.ScalarNode) and value.value:
                return value.value
    return None


class _Checker:
    """Reads a composed YAML tree into a :class:`Codebook`, noting every problem with its line."""

    def __init__(self, path: str):
        self.path = path
        self.problems: list[str] = []

    def problem(self, node, message: str) -> None:
        mark = getattr(node, "start_mark", None)
        line = mark.line + 1 if mark is not None else 1
        self.problems.append(f"{self.path}:{line}: {message}")

    def mapping(self, node, where: str, required=(), allowed=None) -> dict:
        """``{key: value node}`` of a mapping node; duplicate, missing and unknown keys are problems."""
        if not isinstance(node, yaml.MappingNode):
            self.problem(node, f"{where} must be a mapping of keys to values")
            return {}
        found: dict = {}
        for key, value in node.value:
            name = key.value if isinstance(key, yaml.ScalarNode) else None
            if name in found:
                self.problem(key, f"{where}: key {name!r} appears twice")
            found[name] = value
        for name in required:
            if name not in found:
                self.problem(node, f"{where}: missing key {name!r}")
        if allowed is not None:
            for key, _ in node.value:
                if isinstance(key, yaml.ScalarNode) and key.value not in allowed:
                    self.problem(key, f"{where}: unknown key {key.value!r}; the keys are {', '.join(allowed)}")
        return found

    def text(self, node, where: str) -> str:
        """A non-empty string value ("" after noting the problem)."""
        if node is None:
            return ""
        if not isinstance(node, yaml.ScalarNode) or node.tag != _STR_TAG or not node.value.strip():
            self.problem(node, f"{where} must be a non-empty text")
            return ""
        return node.value.strip()

    def identifier(self, node, where: str) -> str:
        value = self.text(node, where)
        if value and not ID_RE.match(value):
            self.problem(node, f"{where} {value!r} must match {ID_RE.pattern} (lower case letters, digits, "
                               "underscores; a letter first)")
        return value

    def codebook(self, root) -> Codebook:
        if root is None:
            self.problem(None, "the file is empty")
            return Codebook(id="", label="", citation="", description="", frames=(), path=Path(self.path))
        top = self.mapping(root, "the codebook", CODEBOOK_KEYS, CODEBOOK_KEYS)
        values = {key: self.text(top.get(key), key) for key in ("label", "citation", "description")}
        frames = self.frames(top.get("frames")) if "frames" in top else ()
        return Codebook(id=self.identifier(top.get("id"), "id"), frames=frames, path=Path(self.path), **values)

    def frames(self, node) -> tuple[Frame, ...]:
        if not isinstance(node, yaml.SequenceNode) or not node.value:
            self.problem(node, "frames must be a non-empty list of frames (each starting with '- id:')")
            return ()
        frames, seen = [], {}
        for i, item in enumerate(node.value, 1):
            where = f"frame {_peek_id(item) or i}"
            keys = self.mapping(item, where, FRAME_KEYS, FRAME_KEYS)
            frame_id = self.identifier(keys.get("id"), f"{where}: id")
            if frame_id in seen:
                self.problem(keys["id"], f"{where}: duplicate frame id (first at line {seen[frame_id]})")
            elif frame_id:
                seen[frame_id] = keys["id"].start_mark.line + 1
            values = {key: self.text(keys.get(key), f"{where}: {key}") for key in ("label", "definition", "instructions")}
            cues = self.cues(keys.get("cues"), where) if "cues" in keys else {}
            frames.append(Frame(id=frame_id, cues=cues, **values))
        return tuple(frames)

    def cues(self, node, where: str) -> dict[str, tuple[str, ...]]:
        """``{language: cues}``; an empty mapping (``cues: {}``) is allowed for a residual frame."""
        out = {}
        for lang, value in self.mapping(node, f"{where}: cues").items():
            key_node = next(k for k, v in node.value if v is value)
            if not isinstance(lang, str) or lang not in ISO_639_1:
                self.problem(key_node, f"{where}: cues: {lang!r} is not an ISO 639-1 language code (en, id, ru, ko, pl...)")
                continue
            if not isinstance(value, yaml.SequenceNode):
                self.problem(value, f"{where}: cues: {lang} must be a list of strings such as [threat*, missile*]")
                continue
            out[lang] = self.cue_list(value, f"{where}: cues: {lang}")
        return out

    def cue_list(self, node, where: str) -> tuple[str, ...]:
        cues: dict[str, int] = {}
        for item in node.value:
            if not isinstance(item, yaml.ScalarNode) or item.tag != _STR_TAG:
                shown = item.value if isinstance(item, yaml.ScalarNode) else "a list or mapping"
                self.problem(item, f"{where}: cue {shown!r} is not a string (YAML reads it as "
                                   f"{item.tag.rsplit(':', 1)[-1]}); put it in quotes")
                continue
            cue = item.value.strip()
            if not re.search(r"\w", cue):
                self.problem(item, f"{where}: cue {item.value!r} has no letter or digit")
            elif cue in cues:
                self.problem(item, f"{where}: cue {cue!r} is listed twice (first at line {cues[cue]})")
            else:
                cues[cue] = item.start_mark.line + 1
        return tuple(cues)
