"""The annotate command: what the kit sees in each document, as text or JSON lines."""
from __future__ import annotations

import json
import subprocess
import sys

from analysis.config import SAMPLE_DIR


def run(*args):
    return subprocess.run([sys.executable, "-m", "analysis", "annotate", *map(str, args)],
                          capture_output=True, text=True, timeout=600)


def test_json_lines_have_the_documented_keys():
    done = run(SAMPLE_DIR, "--json")
    assert done.returncode == 0, done.stderr
    records = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(records) == 22
    for record in records:
        assert {"doc_id", "language", "actors", "relevance", "dup_group", "wire_origin"} <= set(record)
        assert set(record["relevance"]) == {"score", "relevant", "evidence"}
        assert set(record["actors_where"]) == set(record["actors"])
        assert all(set(f) <= {"title", "lead", "text"} for f in record["actors_where"].values())
        assert 0 <= record["relevance"]["score"] <= 1
        assert record["wire_origin"] is None or {"id", "confidence", "evidence"} <= set(record["wire_origin"])
    kcna = [r for r in records if r["outlet"] == "Korean Central News Agency"]
    assert all(r["wire_origin"]["id"] == "kcna" for r in kcna)
    riau = next(r for r in records if r["outlet"] == "Riau24")
    cnn = next(r for r in records if r["outlet"] == "CNN Indonesia")
    assert riau["dup_group"] == cnn["dup_group"]  # the syndicated copy joins its source
    assert riau["wire_origin"]["id"] == "reuters"


def test_a_single_pasted_article(tmp_path):
    article = tmp_path / "pasted.txt"
    article.write_text("Duma Rusia ratifikasi pakta dengan Korut\n\nMajelis rendah parlemen Rusia meratifikasi "
                       "perjanjian kemitraan strategis dengan Korea Utara, menurut laporan Reuters. Juru bicara "
                       "Kremlin Dmitry Peskov mengatakan perjanjian itu tidak ditujukan kepada negara ketiga.",
                       encoding="utf-8")
    done = run(article)
    assert done.returncode == 0, done.stderr
    assert "relevance  1.00 (relevant)" in done.stdout
    assert "wire       reuters" in done.stdout and "[id]" in done.stdout
    assert "PESKOV 1 (text)" in done.stdout and "RUS 2 (title/text)" in done.stdout


def test_annotate_a_store_with_a_query(tmp_path):
    store = tmp_path / "s"
    assert subprocess.run([sys.executable, "-m", "analysis", "ingest", str(SAMPLE_DIR), "--out", str(store), "--quiet"],
                          capture_output=True, timeout=300).returncode == 0
    done = run(store, "--json", "--query", "language:ko")
    records = [json.loads(line) for line in done.stdout.splitlines() if line.strip()]
    assert len(records) == 2 and {r["language"] for r in records} == {"ko"}
