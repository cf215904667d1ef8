"""Floor on the dev set (../shared/gold/dev.jsonl): skips when ../shared is absent.

The floors are the foundation issue's acceptance figures; the measured values are printed
by `govie evaluate ../shared/gold/dev.jsonl`.
"""
from govie.evaluate import evaluate


def test_dev_floor_values_and_records(gold_path):
    scores = evaluate(str(gold_path))
    assert scores["entities"]["per_label"]["AMOUNT"]["f"] >= 0.95
    assert scores["entities"]["per_label"]["PERCENT"]["f"] >= 0.95
    assert scores["records_core"]["f"] >= 0.90
    assert scores["records"]["f"] >= 0.60
