"""The Store: ids, near-duplicates, search in Chinese and English, briefs, migrations, writers."""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

import numpy as np
import pytest

from brieflow.errors import InputError, NotFound, StoreError
from brieflow.models import Article, Brief, KeyPoint, Theme, Viewpoint, content_id
from brieflow.store import Store, options_key
from brieflow.store.migrations import LATEST, MIGRATIONS, migrate
from brieflow.store.open import open_store

from .conftest import backend
from .storedata import article_record, edited

ZH = Article.from_texts(
    [
        "中国人民银行2月5日宣布，下调金融机构存款准备金率0.5个百分点，释放长期资金约1万亿元。",
        "分析人士认为，此次降准有助于稳定市场预期，支持实体经济融资。",
        "多家券商预计，后续货币政策仍有进一步宽松的空间。",
    ],
    title="央行宣布降准0.5个百分点",
    source="测试财经",
    published="2024-02-05 10:00",
    language="zh",
)
EN = Article.from_texts(
    [
        "Harbor Bank said on Monday that it would cut lending rates for small firms by half a "
        "percentage point, following the central bank's move.",
        "Tariffs on imported chips weighed on Apex Semiconductors, whose shares fell 4 percent.",
        "Analysts expect further rate cuts later this year.",
    ],
    title="Harbor Bank cuts rates",
    source="Test Wire",
    published="2024-03-10 08:30",
    language="en",
)
OPTS = options_key({"language": None, "max_groups": 4, "max_points": 4})


def a_brief(article: Article, engine: str = "extractive") -> Brief:
    return Brief(
        viewpoint=Viewpoint(article.paragraphs[0].text[:20], (1,)),
        themes=(Theme("t", (KeyPoint(article.paragraphs[1].text[:10], (2,)),)),),
        language=article.language or "en",
        engine=engine,
        engine_version="1.0",
        article_id=article.id,
    )


@pytest.fixture
def store(db: Path | str) -> Store:
    """The same verbs on both backends (`db` in tests/conftest.py)."""
    with open_store(db) as s:
        assert s.backend == backend(db)
        yield s


def test_same_text_is_same_article_and_external_id_is_kept(store: Store) -> None:
    first = store.add_article(ZH, origin="a.txt")
    again = store.add_article(Article.from_texts([p.text for p in ZH.paragraphs], id="zh-7"))
    assert first.new and not again.new
    assert first.id == again.id == content_id(ZH.paragraphs)
    external = store.add_article(Article.from_texts(["独立的一篇文章，内容完全不同。"], id="zh-8"))
    stored = store.article("zh-8")
    assert stored.id == external.id and stored.external_id == "zh-8"
    assert stored.article.id == "zh-8"  # the input's id is the article's id outward
    assert store.article(external.id[:8]).external_id == "zh-8"  # a prefix names it too
    assert store.article(first.id).external_id is None
    assert store.counts()["articles"] == 2


def test_unknown_article_is_not_found(store: Store) -> None:
    with pytest.raises(NotFound, match="no article with id 'nope'"):
        store.article("nope")


def test_near_duplicate_is_linked_to_its_original(store: Store) -> None:
    rec = article_record(4, "zh")
    original = store.add_article(Article.from_texts(rec["paragraphs"]))
    copy = store.add_article(Article.from_texts(edited(rec["paragraphs"]), source="转载网"))
    other = store.add_article(Article.from_texts(article_record(5, "zh")["paragraphs"]))
    en = article_record(6, "en")
    en_original = store.add_article(Article.from_texts(en["paragraphs"]))
    en_copy = store.add_article(Article.from_texts(edited(en["paragraphs"])))
    assert copy.new and copy.duplicate_of == original.id and copy.similarity >= 0.8
    assert en_copy.duplicate_of == en_original.id
    assert other.duplicate_of is None and original.duplicate_of is None
    # a copy of the copy points at the first original
    copy2 = store.add_article(Article.from_texts(edited(edited(rec["paragraphs"]))))
    assert copy2.duplicate_of == original.id
    assert store.counts()["duplicates"] == 3
    listed = [a.id for a in store.articles(duplicates=False)]
    assert copy.id not in listed and original.id in listed


def test_search_chinese_and_english_with_filters(store: Store) -> None:
    zh = store.add_article(ZH)
    en = store.add_article(EN)
    # two-character Chinese words (scan) and longer ones (trigram index)
    assert [h.article.id for h in store.search("降准")] == [zh.id]
    assert [h.article.id for h in store.search("存款准备金率")] == [zh.id]
    hit = store.search("货币政策")[0]
    assert [p.number for p in hit.paragraphs] == [3]
    assert store.search("准备金 降息") == []  # every term must be there
    assert [h.article.id for h in store.search("TARIFFS")] == [en.id]  # case-insensitive
    assert [h.article.id for h in store.search("rate cuts")] == [en.id]
    assert [h.article.id for h in store.search("Harbor")] == [en.id]
    assert store.search("tariffs", source="测试财经") == []
    assert [h.article.id for h in store.search("tariffs", source="test wire")] == [en.id]
    assert store.search("降准", since="2024-03-01") == []
    assert [h.article.id for h in store.search("降准", until="2024-02-05")] == [zh.id]
    assert [h.article.id for h in store.search('"quoted" 100%_x')] == []  # no injection
    with pytest.raises(InputError, match="empty"):  # the query's fault: 400, exit 3
        store.search("   ")


def test_article_listing_filters(store: Store) -> None:
    zh = store.add_article(ZH)
    en = store.add_article(EN)
    assert [a.id for a in store.articles()] == [en.id, zh.id]  # newest first
    assert [a.id for a in store.articles(source="测试财经")] == [zh.id]
    assert [a.id for a in store.articles(since="2024-03-01")] == [en.id]
    assert [a.id for a in store.articles(until="2024-02-05")] == [zh.id]
    assert [a.id for a in store.articles(limit=1)] == [en.id]


def test_a_brief_is_kept_once_per_engine_version_and_options(store: Store) -> None:
    added = store.add_article(ZH)
    assert not store.has_brief(added.id, "extractive", "1.0", OPTS)
    assert store.add_brief(added.id, a_brief(ZH), options=OPTS)
    assert not store.add_brief(added.id, a_brief(ZH), options=OPTS)
    assert store.has_brief(added.id, "extractive", "1.0", OPTS)
    other = options_key({"language": "en", "max_groups": 4, "max_points": 4})
    assert not store.has_brief(added.id, "extractive", "1.0", other)
    assert store.add_brief(added.id, a_brief(ZH), options=other)
    assert store.counts()["briefs"] == 2
    found = store.brief(added.id)
    assert found.brief.viewpoint == a_brief(ZH).viewpoint
    assert found.brief.article_id == added.id
    with pytest.raises(NotFound):
        store.add_brief("0" * 16, a_brief(ZH), options=OPTS)


def test_options_key_is_canonical() -> None:
    assert (
        options_key({"b": 1, "a": "中"}) == options_key({"a": "中", "b": 1}) == '{"a":"中","b":1}'
    )


def test_old_database_is_migrated_on_open(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=1) == 0  # a database as the first release left it
    conn.execute(
        "INSERT INTO articles (id, external_id, title, source, published, language, origin, "
        "paragraph_count, added_at) VALUES (?, 'old-1', ?, ?, ?, 'zh', 'old.jsonl:1', 3, 'x')",
        (content_id(ZH.paragraphs), ZH.title, ZH.source, ZH.published),
    )
    conn.executemany(
        "INSERT INTO paragraphs (article, number, text) VALUES (1, ?, ?)",
        [(p.number, p.text) for p in ZH.paragraphs],
    )
    conn.close()
    with Store(path) as store:
        assert store.schema_version == LATEST == MIGRATIONS[-1].number
        assert store.article("old-1").article.paragraphs == ZH.paragraphs
        assert [h.article.external_id for h in store.search("降准")] == ["old-1"]
        assert [h.article.external_id for h in store.search("存款准备金率")] == ["old-1"]
        copy = store.add_article(Article.from_texts([p.text + "。" for p in ZH.paragraphs]))
        assert copy.duplicate_of == content_id(ZH.paragraphs)  # signatures were backfilled
    with Store(path) as store:  # opening again changes nothing
        assert store.schema_version == LATEST and store.counts()["articles"] == 2


def test_newer_or_foreign_databases_are_refused(tmp_path: Path) -> None:
    newer = tmp_path / "newer.db"
    Store(newer).close()
    conn = sqlite3.connect(newer)
    conn.execute(f"PRAGMA user_version = {LATEST + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer than this brieflow"):
        Store(newer)
    foreign = tmp_path / "foreign.db"
    conn = sqlite3.connect(foreign)
    conn.execute("CREATE TABLE t (x)")
    conn.execute("PRAGMA user_version = 3")
    conn.close()
    with pytest.raises(StoreError, match="not a brieflow database"):
        Store(foreign)
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError):
        Store(junk)


def test_missing_database_is_not_created_for_readers(tmp_path: Path) -> None:
    with pytest.raises(NotFound, match="no database here"):
        Store(tmp_path / "none.db", create=False)
    assert not (tmp_path / "none.db").exists()


def test_concurrent_writers_lose_nothing(db: Path | str) -> None:
    open_store(db).close()
    records = [article_record(i) for i in range(40)]
    errors: list[BaseException] = []

    def writer(offset: int) -> None:
        try:
            with open_store(db) as s:
                assert s.backend == backend(db)
                # both writers add all 40 articles (in different orders) and brief each
                order = records[offset:] + records[:offset]
                for rec in order:
                    art = Article.from_texts(rec["paragraphs"], id=rec["id"], language=rec["lang"])
                    added = s.add_article(art)
                    s.add_brief(added.id, a_brief(art), options=OPTS)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k * 13,)) for k in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with open_store(db) as s:
        assert s.counts()["articles"] == 40
        assert s.counts()["briefs"] == 40
        assert s.counts()["duplicates"] == 0
        assert {a.external_id for a in s.articles()} == {r["id"] for r in records}


def test_a_store_refuses_use_from_another_thread(db: Path | str) -> None:
    """A sqlite3 (or psycopg) connection must not be used by two threads at once: a Store
    belongs to the thread that opened it, and says so, instead of corrupting a transaction now
    and then."""
    store = open_store(db)
    assert store.backend == backend(db)
    store.add_article(ZH, origin="a")
    caught: list[BaseException] = []

    def other() -> None:
        try:
            store.counts()
        except BaseException as exc:  # noqa: BLE001
            caught.append(exc)

    thread = threading.Thread(target=other)
    thread.start()
    thread.join()
    assert len(caught) == 1 and isinstance(caught[0], StoreError)
    assert caught[0].line() == (
        f"{db}: this Store was opened by another thread "
        "(open one Store per thread: a database connection must not be shared)"
    )
    assert store.counts()["articles"] == 1  # the owner still can
    closer = threading.Thread(target=store.close)  # closing from anywhere is fine
    closer.start()
    closer.join()
    assert store.closed


PINNED_SIGNATURE = [92751220, 116757043, 92352804, 79154909, 56812768, 12234002]
PINNED_BUCKETS = [8050965489701716175, 2730331058711598999]


def test_minhash_signatures_are_pinned() -> None:
    """The permutations come from a fixed hash, not numpy's random stream (which numpy does not
    promise to keep): these values are stored in databases and must never drift."""
    from brieflow.store import dedupe

    sig = dedupe.signature(["锂价跌回三年前，电池厂商加速洗牌。", "Prices fell by a third."])
    assert sig.dtype == np.uint32 and sig.shape == (64,)
    assert sig[:6].tolist() == PINNED_SIGNATURE
    assert dedupe.buckets(sig)[:2] == PINNED_BUCKETS


def test_migration_6_recomputes_signatures_made_with_the_old_permutations(tmp_path: Path) -> None:
    from brieflow.store import dedupe

    db = tmp_path / "old.db"
    with Store(db) as store:
        store.add_article(ZH, origin="a")
    conn = sqlite3.connect(db)
    conn.execute("UPDATE articles SET signature = ?", (b"\0" * 256,))  # as if made differently
    conn.execute("DELETE FROM lsh")
    conn.execute("DROP TABLE claims")  # a database of version 5 had no claims (migration 7)
    conn.execute("PRAGMA user_version = 5")  # before the MinHash rehash (migration 6)
    conn.execute("DROP TABLE token_limits")  # and before the migrations after it (8)
    conn.commit()
    conn.close()
    with Store(db) as store:
        assert store.schema_version == LATEST >= 6
        copy = store.add_article(
            Article.from_texts([p.text + "。" for p in ZH.paragraphs]), origin="b"
        )
        assert copy.duplicate_of == content_id(ZH.paragraphs)  # found through the new buckets
    conn = sqlite3.connect(db)
    (stored,) = conn.execute("SELECT signature FROM articles ORDER BY pk LIMIT 1").fetchone()
    assert stored == dedupe.signature_bytes(dedupe.signature(p.text for p in ZH.paragraphs))
    conn.close()
