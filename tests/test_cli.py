"""The command line, run as a user runs it."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from analysis.config import PROJECT_ROOT, SAMPLE_DIR


def run(*args, cwd=None):
    return subprocess.run([sys.executable, "-m", "analysis", *map(str, args)], capture_output=True, text=True,
                          cwd=cwd or PROJECT_ROOT, timeout=600)


def test_ingest_json_last_line_has_the_figures(tmp_path):
    out = tmp_path / "store"
    result = run("ingest", SAMPLE_DIR, "--out", out, "--json")
    assert result.returncode == 0, result.stderr
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    for key in ("rows_read", "rows_accepted", "rows_rejected", "exact_duplicates", "rejects_path", "store"):
        assert key in figures
    assert figures["rows_read"] == figures["rows_accepted"] + figures["rows_rejected"]
    assert (out / "rejects.csv").exists() and figures["store"] == str(out)


def test_ingest_prints_a_readable_summary(tmp_path):
    result = run("ingest", SAMPLE_DIR / "wire_rewrites_id.csv", "--out", tmp_path / "s", "--quiet", "--dayfirst")
    assert result.returncode == 0, result.stderr
    result = run("ingest", SAMPLE_DIR / "wire_rewrites_id.csv", "--out", tmp_path / "s")
    assert "rows read" in result.stdout and "rejects by reason: empty_row 1" in result.stdout


@pytest.mark.parametrize("args, needle", [
    (["ingest", "no/such/file.csv", "--out", "{tmp}/s"], "no/such/file.csv"),
    (["ingest", "{tmp}/numbers.csv", "--out", "{tmp}/s"], "numbers.csv"),
    (["ingest", "{tmp}/numbers.csv", "--out", "{tmp}/s", "--map", "title=nope"], "'nope'"),
    (["ingest", "{tmp}/ru.csv", "--out", "{tmp}/s", "--encoding", "utf-8"], "ru.csv"),
    (["counts", "{tmp}"], "not a corpus store"),
])
def test_user_errors_exit_nonzero_with_one_clear_line(tmp_path, args, needle):
    (tmp_path / "numbers.csv").write_text("a,b\n1,2\n", encoding="utf-8")
    (tmp_path / "ru.csv").write_bytes("title\nПутин\n".encode("cp1251"))
    result = run(*[a.replace("{tmp}", str(tmp_path)) for a in args])
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.startswith("error: ") and needle in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_unknown_format_is_refused_by_the_parser(tmp_path):
    result = run("ingest", SAMPLE_DIR, "--out", tmp_path / "s", "--format", "docx")
    assert result.returncode == 2 and "invalid choice" in result.stderr


def test_counts_and_search_commands(tmp_path):
    store = tmp_path / "store"
    assert run("ingest", SAMPLE_DIR, "--out", store, "--quiet").returncode == 0
    counts = run("counts", store, "--by", "language", "--json")
    rows = json.loads(counts.stdout)
    assert {r["language"] for r in rows} == {"en", "id", "ko", "ru"}
    search = run("search", store, "pyongyang", "--kwic", "--json")
    assert search.returncode == 0 and all(r["match"].lower() == "pyongyang" for r in json.loads(search.stdout))


def test_report_command_writes_page_tables_and_run_record(tmp_path):
    out = tmp_path / "report"
    result = run("report", "--out", out)  # as the README's main job runs it, progress bar included
    assert result.returncode == 0, result.stderr
    page = (out / "index.html").read_text(encoding="utf-8")
    assert "SIMULATED" in page and "<script" not in page
    assert 'href="notebooks/03-vectorise-and-cluster.html"' in page  # the notebooks ran and are linked
    assert "IPKernelApp" not in result.stderr  # no kernel chatter in the user's terminal
    run_record = json.loads((out / "run.json").read_text(encoding="utf-8"))
    assert run_record["simulated_demo"] is True
    assert all(len(i["sha256"]) == 64 for i in run_record["inputs"])
    assert {"parameters", "seeds", "versions", "threads", "wall_seconds"} <= set(run_record)
    first = {p.name: p.read_bytes() for p in (out / "tables").glob("*.csv")}
    assert run("report", "--out", out, "--quiet").returncode == 0
    second = {p.name: p.read_bytes() for p in (out / "tables").glob("*.csv")}
    assert first == second and len(first) >= 20  # ingest tables and every notebook's tables, byte for byte


def test_cluster_command_writes_the_tables(tmp_path):
    demo = tmp_path / "demo.jsonl"
    assert run("demo", "--out", str(demo), "--articles", "600").returncode == 0
    done = run("cluster", str(demo), "--out", str(tmp_path / "clusters"), "-k", "12", "--stability-runs", "1")
    assert done.returncode == 0, done.stderr
    assert "600 documents in 12 clusters" in done.stdout
    written = {p.name for p in (tmp_path / "clusters").iterdir()}
    assert {"clusters.csv", "assignments.csv", "cluster_terms.csv", "stability.csv", "clusters_over_time.csv"} <= written
    import pandas as pd

    assignments = pd.read_csv(tmp_path / "clusters" / "assignments.csv")
    assert len(assignments) == 600 and assignments["cluster"].nunique() == 12
    bad = run("cluster", str(demo), "--out", str(tmp_path / "x"), "-k", "many")
    assert bad.returncode == 2 and "-k must be a whole number" in bad.stderr


def test_module_docstring_names_every_command():
    import analysis.__main__ as cli

    commands = cli.build_parser()._subparsers._group_actions[0].choices
    listed = cli.__doc__.split("Commands\n--------\n", 1)[1].split("\n\n", 1)[0]
    assert [line.split()[0] for line in listed.splitlines()] == list(commands)
