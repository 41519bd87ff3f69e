"""Every line of every input file, framed exactly (SPEC §2): one row per line, bytes intact.

The framing is Python because no DuckDB reader frames JSON Lines losslessly (see
distill/lines.py); everything after it (UTF-8, blank, JSON, schema) is SQL downstream.
"""

from distill.lines import Input, frame_inputs


def model(dbt, session):
    dbt.config(materialized="table")
    inputs = [
        Input("evidence", dbt.config.get("evidence_path")),
        Input("scored", dbt.config.get("scored_path")),
    ]
    manifest = dbt.config.get("manifest_path")
    if manifest:
        inputs.append(Input("manifest", manifest))
    eval_set = dbt.config.get("eval_set_path")
    if eval_set:
        inputs.append(Input("eval", eval_set))
    reader = frame_inputs(inputs)
    return session.from_arrow(reader)
