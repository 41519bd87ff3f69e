"""A planted substrate for SPEC §4.3's quality gates: near duplicates and eval contamination with
their ground truth (`distill synth --planted`).

``write_planted_substrate(out_dir, runs, seed, ...)`` writes what ``write_substrate`` writes, with
a share of the runs (``planted_count``) replaced by *planted* runs, and beside them

- ``eval_set.jsonl``: an eval set (one JSON object a line; every string value at any depth is an
  eval text),
- ``planted.json``: the ground truth, computed with this module's implementation of SPEC §4.3
  (``tokens``, ``shingles``, ``protected``).

Every planted run is ``accepted``, ``scrum_review``, with complete provenance, non-blank
instruction and text, file_refs from the manifest (or null/empty) and no secret: it passes RAG and
SFT gates 1-8, so it reaches the quality gates. Two kinds:

- *near-duplicate groups*: pairs, chains (each run a small edit of the previous one), exact
  threshold triples and tiny texts, written from a fresh vocabulary of pseudo-words that share no
  token with the normal runs' pools, so runs of different groups (and normal runs) share no
  shingle. Every pair within a group is recorded with its exact RAG and SFT Jaccard.
- *eval runs*: one eval text each, planted into ``title``, ``instruction`` or ``text`` as one of
  ``EVAL_KINDS``; their other words come from the near-duplicate vocabulary, the eval set from a
  second, disjoint one, and no 8 consecutive tokens occur in two eval texts: a planted run holds
  exactly the protected sequences its record says, and normal runs none.

Planted runs are appended after the normal runs' lines (their run_ids' timestamps follow the
normal runs'). Output depends only on the arguments, never on worker processes.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import combinations
from pathlib import Path
from typing import Any

from distill.synth import vocabulary as v
from distill.synth.chunk import BASE_MS, RUN_SPACING_MS
from distill.synth.clock import Clock
from distill.synth.texts import pools
from distill.synth.writer import write_substrate

EVAL_FILE = "eval_set.jsonl"
TRUTH_FILE = "planted.json"
DEFAULT_EVAL_ITEMS = 10_000
# Planted runs: one run in PLANTED_SHARE, at least MIN_PLANTED, at most half the runs.
PLANTED_SHARE = 20
MIN_PLANTED = 200
# Of the planted runs, at most this share (percent) are eval runs, and at most half the eval lines.
EVAL_RUN_PERCENT = 30

EVAL_KINDS = ("verbatim", "case_ws", "short_whole", "near_miss_12", "short_ignored", "unicode_case")
EVAL_FIELDS = ("title", "instruction", "text")
CONTAMINATING = ("verbatim", "case_ws", "short_whole")
# Edits from one run of a near-duplicate chain to the next.
EDITS = (
    "swap", "insert", "delete", "mixed", "reorder", "case_ws", "punct", "identical",
    "unicode_case",
)  # fmt: skip
EDIT_WEIGHTS = (24, 14, 14, 16, 8, 8, 6, 4, 6)

# --------------------------------------------------------------------------------------------
# SPEC §4.3
# --------------------------------------------------------------------------------------------

# Maximal runs of characters that are neither whitespace (SPEC §2) nor ASCII punctuation.
_TOKEN = re.compile(
    r"[^\t-\r \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000!-/:-@\[-`{-~]+"
)
_ASCII_UPPER = str.maketrans("abcdefghijklmnopqrstuvwxyz", "ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def tokens(text: str) -> list[str]:
    """SPEC §4.3's tokens of text: ASCII letters lowercased, every other character kept."""
    # bytes.lower() lowercases ASCII letters only; UTF-8 sequences of other characters are >= 0x80
    return _TOKEN.findall(text.encode().lower().decode())


def shingles(toks: list[str]) -> set[tuple[str, ...]]:
    """The set of 5-windows of toks (a window as a tuple), or the one window of all of them."""
    if len(toks) < 5:
        return {tuple(toks)}
    return set(zip(toks, toks[1:], toks[2:], toks[3:], toks[4:], strict=False))


def protected(text: str) -> list[tuple[str, ...]]:
    """The token sequences an eval text protects: none under 8 tokens, all of them up to 12,
    else each 13-window."""
    toks = tokens(text)
    if len(toks) < 8:
        return []
    if len(toks) <= 12:
        return [tuple(toks)]
    return [tuple(toks[i : i + 13]) for i in range(len(toks) - 12)]


def shared(field_tokens: list[str], seqs: list[tuple[str, ...]]) -> list[tuple[str, ...]]:
    """The sequences of seqs that occur as consecutive tokens of field_tokens, in seqs' order."""
    found: dict[int, set[tuple[str, ...]]] = {}
    out = []
    for seq in seqs:
        n = len(seq)
        if n not in found:
            found[n] = {tuple(field_tokens[i : i + n]) for i in range(len(field_tokens) - n + 1)}
        if seq in found[n]:
            out.append(seq)
    return out


def window(seq: tuple[str, ...] | list[str]) -> str:
    return " ".join(seq)


# --------------------------------------------------------------------------------------------
# Vocabularies: pseudo-words sharing no token with the normal runs
# --------------------------------------------------------------------------------------------

_ONSETS = (
    "b", "d", "f", "g", "k", "l", "m", "n", "p", "r", "s", "t", "v", "z", "br", "dr", "gr", "kr",
    "pl", "tr", "th", "ch", "sh", "zv", "j", "w",
)  # fmt: skip
_VOWELS = ("a", "e", "i", "o", "u", "ai", "ei", "ou", "ia", "y")
_CODAS = ("n", "r", "s", "l", "k", "m", "x", "nd", "rt")
_ACCENTS = {"a": "áåä", "e": "éèê", "i": "ïí", "o": "öøó", "u": "üú", "y": "ÿ"}
_GREEK = ("κα", "λο", "με", "τι", "νυ", "ρα", "σο", "φι", "χω", "δε", "πα", "θη")  # noqa: RUF001
# Word starts that, upper- or lower-cased and joined by `-`, `_` or `.`, could begin a secret of
# seeds/secret_patterns.csv (sk-, xoxb-, glpat-, AIza, eyJ, SG., ghp_, hf_, npm_, ...).
_RISKY = (
    "sk", "rk", "xox", "gl", "key", "aiza", "eyj", "sg", "asia", "akia", "gh", "hf", "api",
    "npm", "dapi", "do", "pypi", "shp", "age", "gocspx", "account", "http", "postgres", "mysql",
    "mariadb", "mongo", "redis", "amqp",
)  # fmt: skip
ND_WORDS = 8000
EV_WORDS = 8000


def _normal_tokens() -> set[str]:
    """Every token the normal runs are made of (pools, instructions, titles, paths, ...)."""
    P = pools()
    texts: list[str] = [*P.section_raw, *P.intro_raw, *P.verdict_raw, *P.instr_raw, *P.paths]
    for name in dir(v):
        value = getattr(v, name)
        if name.startswith("_"):
            continue
        if isinstance(value, tuple):
            texts += [x for x in value if isinstance(x, str)]
        elif isinstance(value, dict):
            texts += [x for xs in value.values() for x in xs if isinstance(x, str)]
    out: set[str] = set()
    for t in texts:
        out.update(tokens(t))
    return out


def _vocabularies() -> tuple[list[str], list[str]]:
    """(near-duplicate words, eval words): lowercase pseudo-words, one token each, disjoint from
    each other and from every normal token. Seed-independent."""
    rnd = random.Random("distill-synth/planted-vocab/v1")
    taken = _normal_tokens()
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < ND_WORDS + EV_WORDS:
        if rnd.random() < 0.03:
            w = "".join(rnd.choice(_GREEK) for _ in range(rnd.randint(2, 3)))
        else:
            w = "".join(rnd.choice(_ONSETS) + rnd.choice(_VOWELS) for _ in range(rnd.randint(2, 4)))
            if rnd.random() < 0.3:
                w += rnd.choice(_CODAS)
            if rnd.random() < 0.14:  # one accented vowel (a cased non-ASCII letter)
                spots = [i for i, c in enumerate(w) if c in _ACCENTS]
                if spots:
                    i = rnd.choice(spots)
                    w = w[:i] + rnd.choice(_ACCENTS[w[i]]) + w[i + 1 :]
        if len(w) < 4 or len(w) > 14 or w in seen or w in taken or w.startswith(_RISKY):
            continue
        assert tokens(w) == [w], w
        seen.add(w)
        words.append(w)
    rnd.shuffle(words)
    return words[:ND_WORDS], words[ND_WORDS:]


def _cap(w: str) -> str:
    """w with its first letter upper-cased when that letter is ASCII (the token is unchanged)."""
    return w[0].upper() + w[1:] if "a" <= w[0] <= "z" else w


def _unicode_upper(w: str) -> str:
    """w with its non-ASCII letters upper-cased: a different SPEC token."""
    return "".join(c.upper() if ord(c) > 127 and len(c.upper()) == 1 else c for c in w)


def _has_cased_non_ascii(w: str) -> bool:
    return _unicode_upper(w) != w


# --------------------------------------------------------------------------------------------
# Near-duplicate documents
# --------------------------------------------------------------------------------------------

# Separators of a re-rendered text that keep its tokens: every kind of SPEC §2 whitespace, and
# (``punct``) ASCII punctuation, which also splits tokens.
_WS_SEPS = (
    "  ", "\t", "\n", " \n ", "\u00a0", " \u00a0", "\u3000", "\u2003", "\u202f", "\u205f",
    "\u1680", "\u2009", "\x0b", "\x0c", "\r\n", "\u2028", "\x85", "\u2029", "   ",
)  # fmt: skip
_PUNCT_SEPS = ("-", "/", ",", ";", "...", " - ", "|", "(", ")", "+", "*", "~", "^", "_", "!?", "&")
_PARA_SEPS = ("\n\n", "\n \n", "\r\n\r\n", "\n\u3000\n", "\n\n\n", "\n\t\n")


@dataclass
class Doc:
    """A text as paragraphs of units [word, capitalised, suffix]; each unit is one token."""

    paras: list[list[list[Any]]]
    case_seed: int | None = None  # re-render: ASCII case of each word
    sep_seed: int | None = None  # re-render: separators between words
    sep_kind: str = "ws"

    def copy(self) -> Doc:
        return Doc(
            [[u.copy() for u in p] for p in self.paras],
            self.case_seed,
            self.sep_seed,
            self.sep_kind,
        )

    def units(self) -> list[list[Any]]:
        return [u for p in self.paras for u in p]

    def render(self) -> str:
        if self.case_seed is None and self.sep_seed is None:
            return "\n\n".join(
                " ".join((_cap(w) if cap else w) + suffix for w, cap, suffix in p)
                for p in self.paras
            )
        case = random.Random(self.case_seed) if self.case_seed is not None else None
        seps = random.Random(self.sep_seed) if self.sep_seed is not None else None
        choices = _WS_SEPS if self.sep_kind == "ws" else _PUNCT_SEPS
        paras = []
        for p in self.paras:
            out = []
            for i, (word, cap, suffix) in enumerate(p):
                w = _cap(word) if cap else word
                if case is not None:
                    x = case.random()
                    if x < 0.3:
                        w = w.translate(_ASCII_UPPER)
                    elif x < 0.5:
                        w = _cap(w)
                    elif x < 0.6:
                        w = "".join(
                            c.translate(_ASCII_UPPER) if case.random() < 0.5 else c for c in w
                        )
                if i:
                    sep = " "
                    if seps is not None and seps.random() < 0.45:
                        sep = seps.choice(choices)
                    out.append(sep)
                out.append(w + suffix)
            paras.append("".join(out))
        if seps is None:
            return "\n\n".join(paras)
        joined = paras[0]
        for p in paras[1:]:
            joined += seps.choice(_PARA_SEPS) + p
        return joined


def _sentence_units(rnd: random.Random, words: list[str], n: int, dash: bool) -> list[list[Any]]:
    units = [[w, False, ""] for w in rnd.choices(words, k=n)]
    units[0][1] = True
    for u in units[1:-1]:
        if rnd.random() < 0.07:
            u[2] = ","
    units[-1][2] = "?" if rnd.random() < 0.12 else "."
    if dash and n > 6 and rnd.random() < 0.08:
        units.insert(rnd.randrange(2, n - 2), ["—", False, ""])  # a non-ASCII token
    return units


def _doc(rnd: random.Random, words: list[str], n_tokens: int) -> Doc:
    """A text of about n_tokens tokens in 2-6 paragraphs of sentences."""
    n_paras = max(1, min(6, n_tokens // 50 + rnd.randint(-1, 1)))
    paras = []
    left = n_tokens
    for i in range(n_paras):
        size = left if i == n_paras - 1 else max(8, left // (n_paras - i) + rnd.randint(-10, 10))
        left -= size
        para: list[list[Any]] = []
        while size > 0:
            n = min(size, rnd.randint(6, 18))
            para += _sentence_units(rnd, words, n, True)
            size -= n
        paras.append(para)
    return Doc([p for p in paras if p])


def _distinct_doc(words: list[str], n_paras: int) -> Doc:
    """A text whose tokens (the given distinct words) are all different: exact Jaccards."""
    paras = []
    size = -(-len(words) // n_paras)
    for i in range(0, len(words), size):
        para = [[w, False, ""] for w in words[i : i + size]]
        para[0][1] = True
        para[-1][2] = "."
        paras.append(para)
    return Doc(paras)


def _edit_size(n: int, target: float, per_new: int, per_old: int) -> int:
    """How many single-token edits bring a text of n tokens to about Jaccard `target`, when each
    edit removes about per_old shingles and adds per_new."""
    return max(1, round(n * (1 - target) / (per_old + per_new * target)))


class _Editor:
    def __init__(self, rnd: random.Random, words: list[str]) -> None:
        self.rnd = rnd
        self.words = words

    def target(self) -> float:
        x = self.rnd.random()
        if x < 0.1:
            return self.rnd.uniform(0.3, 0.5)
        if x < 0.25:
            return self.rnd.uniform(0.5, 0.6)
        if x < 0.85:
            return self.rnd.uniform(0.6, 0.9)
        return self.rnd.uniform(0.9, 0.99)

    def apply(self, kind: str, doc: Doc) -> Doc:
        rnd, d = self.rnd, doc.copy()
        n = len(d.units())
        if kind == "swap":
            self.swap(d, _edit_size(n, self.target(), 5, 5))
        elif kind == "insert":
            self.insert(d, _edit_size(n, self.target(), 5, 4))
        elif kind == "delete":
            self.delete(d, _edit_size(n, self.target(), 4, 5))
        elif kind == "mixed":
            k = _edit_size(n, self.target(), 5, 5)
            self.swap(d, max(1, k // 3))
            self.insert(d, max(1, k // 3))
            self.delete(d, max(1, k - 2 * (k // 3)))
            if rnd.random() < 0.3:
                self.reorder(d)
        elif kind == "reorder":
            self.reorder(d)
        elif kind == "case_ws":
            d.case_seed = rnd.getrandbits(32)
            d.sep_seed, d.sep_kind = rnd.getrandbits(32), "ws"
        elif kind == "punct":
            d.sep_seed, d.sep_kind = rnd.getrandbits(32), "punct"
        elif kind == "unicode_case":
            cased = [u for u in d.units() if _has_cased_non_ascii(u[0])]
            for u in rnd.sample(cased, min(len(cased), rnd.randint(1, 12))):
                u[0] = _unicode_upper(u[0])
        else:
            assert kind == "identical", kind
        return d

    def swap(self, d: Doc, k: int) -> None:
        units = [u for u in d.units() if u[0] != "—"]
        for u in self.rnd.sample(units, min(k, len(units))):
            u[0] = self.rnd.choice(self.words)

    def insert(self, d: Doc, k: int) -> None:
        rnd = self.rnd
        for _ in range(k):
            p = d.paras[rnd.randrange(len(d.paras))]
            p.insert(rnd.randrange(len(p) + 1), [rnd.choice(self.words), False, ""])

    def delete(self, d: Doc, k: int) -> None:
        spots = [(i, j) for i, p in enumerate(d.paras) for j in range(len(p))]
        k = min(k, len(spots) - 8)
        gone = set(self.rnd.sample(spots, max(0, k)))
        d.paras = [
            kept
            for i, p in enumerate(d.paras)
            if (kept := [u for j, u in enumerate(p) if (i, j) not in gone])
        ]

    def reorder(self, d: Doc) -> None:
        if len(d.paras) < 2:  # split the paragraph in two, then swap the halves
            p = d.paras[0]
            cut = self.rnd.randrange(1, len(p))
            d.paras = [p[cut:], p[:cut]]
            return
        order = list(range(len(d.paras)))
        while order == sorted(order):
            self.rnd.shuffle(order)
        d.paras = [d.paras[i] for i in order]


# --------------------------------------------------------------------------------------------
# Planted runs
# --------------------------------------------------------------------------------------------


@dataclass
class _Planted:
    """One planted run's free-text fields and where it belongs."""

    instruction: str
    text: str
    title: str | None
    task_key: int | None = None  # runs with one task_key share a task_id
    run_id: str = ""


@dataclass
class _Group:
    shape: str
    runs: list[_Planted]
    shared_instruction: bool
    pairs: list[dict] = field(default_factory=list)  # with local indices "a", "b"


def _pair_truth(runs: list[_Planted], edits: dict[tuple[int, int], str]) -> list[dict]:
    """Every pair of a group, with the exact RAG and SFT Jaccard of its shingle sets."""
    rag, sft = [], []
    for r in runs:
        t = tokens(r.text)
        rag.append(shingles(t))
        sft.append(shingles(tokens(r.instruction) + t))
    out = []
    for a, b in combinations(range(len(runs)), 2):
        ri = len(rag[a] & rag[b])
        ru = len(rag[a]) + len(rag[b]) - ri
        si = len(sft[a] & sft[b])
        su = len(sft[a]) + len(sft[b]) - si
        out.append(
            {
                "a": a,
                "b": b,
                "rag_jaccard": ri / ru,
                "sft_jaccard": si / su,
                "rag_inter": ri,
                "rag_union": ru,
                "sft_inter": si,
                "sft_union": su,
                "edit": edits[(a, b)],
                "steps": b - a,
            }
        )
    return out


# Exact thresholds: a tail of d of L distinct tokens replaced gives Jaccard (L-d-4)/(L-4+d), which
# is p/q when L - 4 = d (q+p)/(q-p). T: (p, q, range of d).
THRESHOLDS = {"0.5": (1, 2, (50, 120)), "0.8": (4, 5, (17, 43)), "0.9": (9, 10, (8, 20))}


class _NearDups:
    """Groups of near-duplicate runs from the near-duplicate vocabulary."""

    def __init__(self, rnd: random.Random, words: list[str]) -> None:
        self.rnd = rnd
        self.words = words
        self.editor = _Editor(rnd, words)
        self.instructions: set[str] = set()
        self.edit_cursor = 0
        self.groups = 0

    def instruction(self) -> str:
        while True:
            d = Doc([_sentence_units(self.rnd, self.words, self.rnd.randint(10, 20), False)])
            text = d.render()
            if text not in self.instructions:
                self.instructions.add(text)
                return text

    def title(self) -> str | None:
        rnd = self.rnd
        if rnd.random() < 0.45:
            return None
        return " ".join(_cap(rnd.choice(self.words)) for _ in range(rnd.randint(2, 6)))

    def runs(self, texts: list[str], one_instruction: bool) -> list[_Planted]:
        """Runs of one group: each with its own instruction, or all with one (and one task)."""
        self.groups += 1
        if one_instruction:
            instr = self.instruction()
            return [_Planted(instr, t, self.title(), self.groups) for t in texts]
        return [_Planted(self.instruction(), t, self.title()) for t in texts]

    def next_edit(self) -> str:
        if self.edit_cursor < 2 * len(EDITS):  # every kind early, so small substrates have all
            kind = EDITS[self.edit_cursor % len(EDITS)]
            self.edit_cursor += 1
            return kind
        return self.rnd.choices(EDITS, EDIT_WEIGHTS)[0]

    def chain(self, size: int) -> _Group:
        """A chain of `size` runs, each an edit of the previous one (a pair when size is 2)."""
        rnd = self.rnd
        doc = _doc(rnd, self.words, rnd.randint(150, 400))
        docs, kinds = [doc], []
        for _ in range(size - 1):
            kind = self.next_edit()
            doc = self.editor.apply(kind, doc)
            docs.append(doc)
            kinds.append(kind)
        shared = rnd.random() < 0.25
        runs = self.runs([d.render() for d in docs], shared)
        edits = {
            (a, b): "+".join(kinds[a:b]) for a, b in combinations(range(size), 2)
        }  # fmt: skip
        g = _Group("pair" if size == 2 else "chain", runs, shared)
        g.pairs = _pair_truth(runs, edits)
        for p in g.pairs:
            if p["steps"] == 1 and p["edit"] in ("case_ws", "punct", "identical"):
                assert p["rag_inter"] == p["rag_union"], p
        return g

    def threshold(self, t: str, side: str) -> _Group:
        """Three runs of distinct tokens: B's Jaccard to A is exactly T (of the RAG shingles,
        or of the SFT ones with a shared instruction), C's just below (one more token replaced).
        """
        rnd = self.rnd
        p, q, (lo, hi) = THRESHOLDS[t]
        d = rnd.randint(lo, hi)
        total = 4 + d * (q + p) // (q - p)
        m = rnd.randint(10, 20) if side == "sft" else 0
        fresh = rnd.sample(self.words, total + 2 * d + 1)
        instr_words, text_words = fresh[:m], fresh[m:total]
        tail_b, tail_c = fresh[total : total + d], fresh[total + d :]
        n_paras = rnd.randint(1, 4)
        texts = [
            _distinct_doc(w, n_paras).render()
            for w in (
                text_words,
                text_words[:-d] + tail_b,
                text_words[: -(d + 1)] + tail_c,
            )
        ]
        if side == "sft":
            instr = _distinct_doc(instr_words, 1).render()
            self.instructions.add(instr)
            self.groups += 1
            runs = [_Planted(instr, x, self.title(), self.groups) for x in texts]
        else:
            runs = self.runs(texts, False)
        edits = {
            (0, 1): f"tail_exact_{t}_{side}",
            (0, 2): f"tail_below_{t}_{side}",
            (1, 2): "tail_siblings",
        }
        g = _Group(f"threshold_{side}", runs, side == "sft")
        g.pairs = _pair_truth(runs, edits)
        exact = g.pairs[0]
        inter, union = (
            (exact["sft_inter"], exact["sft_union"])
            if side == "sft"
            else (exact["rag_inter"], exact["rag_union"])
        )
        assert inter * q == union * p, (t, side, exact)
        return g

    def tiny(self) -> _Group:
        """A text of 1-4 tokens (its one shingle is all of them), a case/whitespace variant of it
        (RAG Jaccard 1.0), and the text with one token appended (0.0: another single shingle)."""
        rnd = self.rnd
        n = rnd.randint(1, 4)
        d = Doc([_sentence_units(rnd, self.words, n, False)])
        variant = self.editor.apply("case_ws", d)
        longer = d.copy()
        longer.paras[0].append([rnd.choice(self.words), False, "!"])
        runs = self.runs([d.render(), variant.render(), longer.render()], True)
        edits = {(0, 1): "tiny_case_ws", (0, 2): "tiny_append", (1, 2): "tiny_case_ws+append"}
        g = _Group("tiny", runs, True)
        g.pairs = _pair_truth(runs, edits)
        assert [p["rag_inter"] == p["rag_union"] for p in g.pairs] == [True, False, False]
        return g

    def groups_of(self, budget: int) -> Iterator[_Group]:
        """Groups holding exactly `budget` runs: threshold and tiny groups (a few percent, every
        variant at least once when there is room), then pairs and chains of 3-6."""
        rnd = self.rnd
        specials: list[tuple[str, ...]] = [(t, side) for t in THRESHOLDS for side in ("rag", "sft")]
        n_threshold = max(len(specials), budget * 6 // 100 // 3)
        n_tiny = max(2, budget * 3 // 100 // 3)
        for i in range(n_threshold):
            if budget < 3:
                break
            budget -= 3
            yield self.threshold(*specials[i % len(specials)])
        for _ in range(n_tiny):
            if budget < 3:
                break
            budget -= 3
            yield self.tiny()
        while budget >= 2:
            size = 2 if rnd.random() < 0.45 else rnd.randint(3, 6)
            size = min(size, budget)
            if budget - size == 1:
                size += 1
            budget -= size
            yield self.chain(size)
        if budget == 1:  # a lone planted run: near no other
            yield _Group("single", self.runs([_doc(rnd, self.words, 200).render()], False), False)


# --------------------------------------------------------------------------------------------
# The eval set and eval runs
# --------------------------------------------------------------------------------------------


@dataclass
class _EvalText:
    line: int  # 1-based
    key: str  # where in the line: question, choices[2], conversation[0].content, ...
    words: list[str]  # rendered words, one token each
    text: str

    @property
    def toks(self) -> list[str]:
        return tokens(self.text)


class _EvalSet:
    """Eval lines of pseudo-words from the eval vocabulary; no 8-gram in two eval texts."""

    def __init__(self, rnd: random.Random, words: list[str], n: int) -> None:
        self.rnd = rnd
        self.words = words
        self.grams: set[tuple[str, ...]] = set()
        self.seen: set[tuple[str, ...]] = set()
        self.texts: list[_EvalText] = []
        self.lines: list[bytes] = []
        for i in range(1, n + 1):
            self.lines.append(self.line(i))

    def phrase(self, line: int, key: str, n: int, end: str = ".") -> str:
        """A unique text of n tokens sharing no 8 consecutive tokens with another eval text."""
        rnd = self.rnd
        while True:
            words = rnd.choices(self.words, k=n)
            toks = tuple(words)
            grams = {toks[i : i + 8] for i in range(n - 7)}
            if toks in self.seen or grams & self.grams or len(grams) < n - 7:
                continue
            self.seen.add(toks)
            self.grams |= grams
            rendered = [_cap(w) if rnd.random() < 0.15 else w for w in words]
            rendered[0] = _cap(rendered[0])
            for j in range(1, n - 1):
                if rnd.random() < 0.08:
                    rendered[j] += rnd.choice((",", ";", ":"))
            rendered[-1] += end
            text = " ".join(rendered)
            self.texts.append(_EvalText(line, key, rendered, text))
            return text

    def question_length(self) -> int:
        rnd = self.rnd
        x = rnd.random()
        if x < 0.6:  # protected by 13-windows; 13 itself often
            return 13 if rnd.random() < 0.15 else rnd.randint(14, 40)
        if x < 0.85:  # protected whole; the bounds often
            return rnd.choice((8, 12)) if rnd.random() < 0.3 else rnd.randint(9, 11)
        return 7 if rnd.random() < 0.3 else rnd.randint(3, 6)  # ignored

    def line(self, i: int) -> bytes:
        rnd = self.rnd
        x = rnd.random()
        obj: dict[str, Any] = {"id": f"planted-eval-{i:06d}"}
        if x < 0.6:
            obj["question"] = self.phrase(i, "question", self.question_length(), "?")
            obj["answer"] = self.phrase(i, "answer", rnd.randint(1, 12))
        elif x < 0.8:
            obj["question"] = self.phrase(i, "question", self.question_length(), "?")
            obj["choices"] = [self.phrase(i, f"choices[{j}]", rnd.randint(2, 12)) for j in range(4)]
            obj["answer"] = "ABCD"[rnd.randrange(4)]
        elif x < 0.9:
            obj["conversation"] = [
                {"role": "user", "content": self.phrase(
                    i, "conversation[0].content", self.question_length(), "?"
                )},
                {"role": "assistant", "content": self.phrase(
                    i, "conversation[1].content", rnd.randint(2, 12)
                )},
            ]  # fmt: skip
            obj["difficulty"] = rnd.randint(1, 5)
        else:
            obj["question"] = self.phrase(i, "question", self.question_length(), "?")
            obj["answer"] = self.phrase(i, "answer", rnd.randint(1, 6))
            obj["meta"] = {
                "aliases": [
                    self.phrase(i, f"meta.aliases[{j}]", rnd.randint(3, 12)) for j in (0, 1)
                ],
                "source": {"note": self.phrase(i, "meta.source.note", rnd.randint(8, 16))},
                "verified": rnd.random() < 0.5,
            }  # fmt: skip
        # a few lines escape non-ASCII characters: the same strings, other bytes
        return json.dumps(obj, ensure_ascii=i % 13 == 7).encode() + b"\n"


def _case_ws(rnd: random.Random, text: str) -> str:
    """text with the ASCII case of its letters and its whitespace changed: the same tokens."""
    out = []
    for c in text:
        if c == " ":
            out.append(rnd.choice(_WS_SEPS) if rnd.random() < 0.6 else " ")
        elif "a" <= c <= "z" and rnd.random() < 0.5:
            out.append(c.upper())
        elif "A" <= c <= "Z" and rnd.random() < 0.5:
            out.append(c.lower())
        else:
            out.append(c)
    return "".join(out)


class _EvalRuns:
    """Runs with one eval text planted into one field each, as one of EVAL_KINDS."""

    def __init__(
        self, rnd: random.Random, nd_words: list[str], eval_set: _EvalSet, nd: _NearDups
    ) -> None:
        self.rnd = rnd
        self.words = nd_words
        self.nd = nd
        buckets: dict[str, list[_EvalText]] = {"long": [], "mid": [], "mid_cased": [], "short": []}
        for t in eval_set.texts:
            n = len(t.words)
            if n >= 13:
                buckets["long"].append(t)
            elif n >= 8:
                cased = any(_has_cased_non_ascii(w) for w in t.toks)
                buckets["mid_cased" if cased else "mid"].append(t)
            elif n >= 2:
                buckets["short"].append(t)
        for b in buckets.values():
            rnd.shuffle(b)
        self.buckets = buckets

    def bucket(self, kind: str) -> list[_EvalText]:
        if kind in ("verbatim", "case_ws", "near_miss_12"):
            return self.buckets["long"]
        if kind == "unicode_case":
            return self.buckets["mid_cased"]
        if kind == "short_whole":  # mid first, then the cased ones unicode_case may not need
            return self.buckets["mid"] or self.buckets["mid_cased"]
        return self.buckets["short"]

    def plan(self, n: int) -> list[tuple[str, str, _EvalText]]:
        """n (kind, field, eval text), every combination in turn while eval texts last."""
        combos = [(k, f) for k in EVAL_KINDS for f in EVAL_FIELDS]
        out = []
        i = 0
        misses = 0
        while len(out) < n and misses < len(combos):
            kind, fld = combos[i % len(combos)]
            i += 1
            bucket = self.bucket(kind)
            if not bucket:
                misses += 1
                continue
            misses = 0
            out.append((kind, fld, bucket.pop()))
        return out

    def filler(self, n: int) -> list[str]:
        return self.rnd.choices(self.words, k=n)

    def span(self, kind: str, t: _EvalText) -> tuple[str, tuple[str, ...]]:
        """(the text planted, the protected sequence shared or, when clean, the nearest one)."""
        toks = t.toks
        if kind in ("verbatim", "short_whole"):
            return t.text, tuple(toks[:13])
        if kind == "case_ws":
            while True:
                s = _case_ws(self.rnd, t.text)
                if s != t.text:
                    return s, tuple(toks[:13])
        if kind == "near_miss_12":
            i = self.rnd.randint(0, len(toks) - 12)
            near = toks[i : i + 13] if i + 13 <= len(toks) else toks[i - 1 : i + 12]
            return " ".join(t.words[i : i + 12]), tuple(near)
        if kind == "unicode_case":
            cased = [j for j, w in enumerate(t.words) if _has_cased_non_ascii(w)]
            words = list(t.words)
            for j in self.rnd.sample(cased, self.rnd.randint(1, len(cased))):
                words[j] = _unicode_upper(words[j])
            return " ".join(words), tuple(toks)
        assert kind == "short_ignored", kind
        return t.text, tuple(toks)

    def run(self, kind: str, fld: str, t: _EvalText) -> tuple[_Planted, dict]:
        rnd = self.rnd
        span, seq = self.span(kind, t)
        where = rnd.choice(("start", "middle", "middle", "end"))
        pre = 0 if where == "start" else rnd.randint(1, 6)
        post = 0 if where == "end" else rnd.randint(1, 6)
        title = self.nd.title()
        instruction = self.nd.instruction()
        doc = _doc(rnd, self.words, rnd.randint(150, 300))
        if fld == "title":
            title = " ".join([*self.filler(pre), span, *self.filler(post)])
        elif fld == "instruction":
            before = " ".join(_cap(w) if j == 0 else w for j, w in enumerate(self.filler(pre)))
            instruction = " ".join(x for x in (before, span, " ".join(self.filler(post))) if x)
            instruction += rnd.choice(("?", ".", ""))
        if fld == "text":
            rendered = doc.render().split("\n\n")
            if where == "start":
                rendered[0] = span + " " + rendered[0]
            elif where == "end":
                rendered[-1] = rendered[-1] + " " + span
            else:
                j = rnd.randrange(len(rendered))
                words = rendered[j].split(" ")
                cut = rnd.randrange(1, len(words))
                rendered[j] = " ".join([*words[:cut], span, *words[cut:]])
            text = "\n\n".join(rendered)
        else:
            text = doc.render()
        fields = {"title": title, "instruction": instruction, "text": text}
        expect = "contaminated" if kind in CONTAMINATING else "clean"
        hits = shared(tokens(fields[fld] or ""), protected(t.text))
        assert bool(hits) == (expect == "contaminated"), (kind, fld, t.text)
        record = {
            "run_id": "",
            "field": fld,
            "kind": kind,
            "eval_file": EVAL_FILE,
            "eval_line": t.line,
            "eval_key": t.key,
            "expect": expect,
            "rag_expect": expect if fld in ("title", "text") else "clean",
            "sft_expect": expect if fld in ("instruction", "text") else "clean",
            "window": window(hits[0] if hits else seq),
        }
        return _Planted(instruction, text, title), record


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def planted_count(runs: int) -> int:
    """Planted runs among `runs`: one in PLANTED_SHARE, at least MIN_PLANTED, at most half."""
    return min(runs // 2, max(MIN_PLANTED, runs // PLANTED_SHARE))


def eval_item_count(runs: int, eval_items: int = DEFAULT_EVAL_ITEMS) -> int:
    """Eval lines written: `eval_items`, at most one per ten runs."""
    return max(0, min(eval_items, runs // 10))


# JSON escapes for the characters some line readers (str.splitlines) take for line breaks:
# the inputs stay one record per `\n`-terminated line for every reader.
_LINE_BREAKS = {"\u2028": "\\u2028", "\u2029": "\\u2029", "\x85": "\\u0085"}
_LINE_BREAK_RE = re.compile("[\u2028\u2029\x85]")


def _dumps(obj: dict) -> str:
    s = json.dumps(obj, ensure_ascii=False)
    return _LINE_BREAK_RE.sub(lambda m: _LINE_BREAKS[m.group()], s)


def _lines(rnd: random.Random, seed: int, first: int, runs: list[_Planted]) -> tuple[bytes, bytes]:
    """Evidence and scored-run lines of planted runs g = first, first + 1, ... (run_ids set)."""
    P = pools()
    clock = Clock()
    ev, sc = [], []
    source = "data/_kb/scrum_reviews.jsonl"
    for k, r in enumerate(runs):
        g = first + k
        ms = BASE_MS + g * RUN_SPACING_MS + int(rnd.random() * 900)
        p = int(rnd.random() * len(P.paths))
        path = P.paths[p]
        r.run_id = f"scrum:{ms}:{path}"
        y = rnd.random()
        refs: list[str] | None = [path]
        if y < 0.08:
            refs = None
        elif y < 0.14:
            refs = []
        elif y < 0.4:
            group = P.group_of[p]
            refs = sorted({path, group[int(rnd.random() * len(group))]})
        recorded_ms = ms + 4_000 + int(rnd.random() * 240_000)
        scored_ms = recorded_ms + 60_000 + int(rnd.random() * 3_600_000)
        first_matrix = int(rnd.random() * (len(v.MATRIX) - 1))
        rec = {
            "run_id": r.run_id,
            "task_id": None if r.task_key is None else f"scrum-task-planted-{r.task_key:06d}",
            "task_type": "scrum_review",
            "role": "executor",
            "model": v.MODELS[int(rnd.random() * len(v.MODELS))],
            "instruction": r.instruction,
            "context": {"matrix": list(v.MATRIX[first_matrix : first_matrix + 2])},
            "text": r.text,
            "title": r.title,
            "file_refs": refs,
            "provenance": {
                "source_file": source,
                "line": g + 1,
                "sig_hash": hashlib.sha256(
                    f"distill-synth/planted/{seed}/{g}".encode()
                ).hexdigest(),
                "recorded_at": clock.iso(recorded_ms, rnd.random()),
            },
        }
        score = {
            "run_id": r.run_id,
            "category": "accepted",
            "rationale": rnd.choice(v.RATIONALES["accepted"]),
            "scorer_version": rnd.choice(v.SCORERS),
            "scored_at": clock.iso(scored_ms, rnd.random()),
        }
        ev.append(_dumps(rec) + "\n")
        sc.append(_dumps(score) + "\n")
    return "".join(ev).encode(), "".join(sc).encode()


def _truth_json(truth: dict) -> bytes:
    """planted.json: one JSON object, one list element a line."""
    parts = ["{\n"]
    items = list(truth.items())
    for n, (key, value) in enumerate(items):
        parts.append(f"{json.dumps(key)}: ")
        if isinstance(value, list) and value and isinstance(value[0], dict):
            parts.append("[\n")
            parts.append(",\n".join(json.dumps(x, ensure_ascii=False) for x in value))
            parts.append("\n]")
        else:
            parts.append(json.dumps(value, ensure_ascii=False))
        parts.append(",\n" if n < len(items) - 1 else "\n")
    parts.append("}\n")
    return "".join(parts).encode()


def write_planted_substrate(
    out_dir: Path,
    runs: int,
    seed: int = 0,
    defect_rate: float = 0.02,
    short_texts: bool = False,
    eval_items: int = DEFAULT_EVAL_ITEMS,
) -> dict:
    """``write_substrate``'s files for `runs` runs, `planted_count(runs)` of them planted, plus
    eval_set.jsonl and planted.json. Returns write_substrate's counts (for all the runs) and
    ``planted``: what was planted. Same arguments, same bytes."""
    if runs < 0:
        raise ValueError("runs must be >= 0")
    if eval_items < 0:
        raise ValueError("eval_items must be >= 0")
    out_dir = Path(out_dir)
    n_planted = planted_count(runs)
    n_items = eval_item_count(runs, eval_items)
    counts = write_substrate(out_dir, runs - n_planted, seed, defect_rate, short_texts)

    rnd = random.Random(f"distill-synth/planted/{seed}/{runs}/{n_items}")
    nd_words, ev_words = _vocabularies()
    eval_set = _EvalSet(rnd, ev_words, n_items)
    nd = _NearDups(rnd, nd_words)
    eval_runs = _EvalRuns(rnd, nd_words, eval_set, nd)
    n_eval = min(n_planted * EVAL_RUN_PERCENT // 100, n_items // 2)
    plan = eval_runs.plan(n_eval)
    groups = list(nd.groups_of(n_planted - len(plan)))
    evals = [eval_runs.run(*p) for p in plan]

    # Positions: planted runs in a random order after the normal runs.
    everything: list[_Planted] = [r for g in groups for r in g.runs] + [r for r, _ in evals]
    order = list(range(len(everything)))
    rnd.shuffle(order)
    placed = [everything[i] for i in order]
    ev_bytes, sc_bytes = _lines(rnd, seed, runs - n_planted, placed)
    with open(out_dir / "evidence.jsonl", "ab") as f:
        f.write(ev_bytes)
    with open(out_dir / "scored_runs.jsonl", "ab") as f:
        f.write(sc_bytes)
    (out_dir / EVAL_FILE).write_bytes(b"".join(eval_set.lines))

    pairs, group_rows = [], []
    for n, g in enumerate(groups, 1):
        ids = [r.run_id for r in g.runs]
        group_rows.append(
            {"group": n, "shape": g.shape, "shared_instruction": g.shared_instruction, "runs": ids}
        )
        for p in g.pairs:
            pairs.append({**p, "a": ids[p["a"]], "b": ids[p["b"]], "group": n})
    items = []
    for r, rec in evals:
        rec["run_id"] = r.run_id
        items.append(rec)
    truth = {
        "version": 1,
        "runs": runs,
        "seed": seed,
        "eval_lines": n_items,
        "eval_file": EVAL_FILE,
        "planted_runs": [r.run_id for r in placed],
        "near_dup_groups": group_rows,
        "near_dup_pairs": pairs,
        "eval_items": items,
    }
    (out_dir / TRUTH_FILE).write_bytes(_truth_json(truth))

    counts["runs"] = runs
    counts["tasks"] += len(placed) - sum(len(g.runs) - 1 for g in groups if g.shared_instruction)
    counts["evidence_lines"] += len(placed)
    counts["scored_lines"] += len(placed)
    counts["evidence_bytes"] += len(ev_bytes)
    counts["scored_bytes"] += len(sc_bytes)
    counts["planted"] = {
        "runs": len(placed),
        "near_dup_runs": len(placed) - len(items),
        "near_dup_groups": len(groups),
        "near_dup_pairs": len(pairs),
        "eval_runs": len(items),
        "eval_items": n_items,
        "eval_set_bytes": (out_dir / EVAL_FILE).stat().st_size,
    }
    return counts
