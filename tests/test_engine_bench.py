"""benchmarks/engine_bench.py section 4 measures what it says: each graded scenario's DPOR
search and first sampled search, in this interpreter and through the judge's workers, the same
executions each way (the section asserts it), and a total for each kind of search."""
from benchmarks.engine_bench import remote_throughput


def test_the_judge_section_measures_dpor_and_sampled_searches_both_ways(capsys):
    executions = remote_throughput(3)
    out = capsys.readouterr().out
    assert executions > 0
    totals = [line.strip() for line in out.splitlines() if line.strip().startswith(("dpor:", "sampled:"))]
    assert [line.split(":")[0] for line in totals] == ["dpor", "sampled"], out
    assert all("through the judge's workers" in line for line in totals), totals
