{#
  Every line of every input file (SPEC §2), framed exactly, bytes intact, and one marker row
  per file (input_line 0, no bytes) so that an empty file is still accounted for. What every
  staging model reads. DuckDB frames in Python (base_substrate__lines_framed), Spark with its
  text source (base_substrate__lines_scanned); see macros/framing.sql.
#}
{{ config(materialized=('table' if target.type == 'spark' else 'view')) }}
{{ distill.framed_lines() }}
