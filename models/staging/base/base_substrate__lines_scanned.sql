{#
  Spark: every line of every input file as Spark's text source reads it, split on '\n' only
  (lineSep), bytes intact (cast to binary: nothing is decoded), a leading BOM dropped, gzip
  decompressed by its extension. One scan per file, so that each line carries its file; the
  scans run on the executors, split by block. `mid` (monotonically_increasing_id) is
  consecutive within a block, so base_substrate__lines numbers the lines from it by block
  prefix sums; it is stored here because it depends on how the scan was split.
#}
{{ config(materialized='table', enabled=(target.type == 'spark')) }}
{%- set files = distill.input_files() %}
{%- for file in files %}
select
    {{ loop.index0 }} as file_index,
    _metadata.file_block_start as block_start,
    monotonically_increasing_id() as mid,
    cast(value as binary) as raw
from text.`{{ distill.hadoop_path(file[2]) }}` with ('lineSep' = '\n')
{%- if not loop.last %}
union all
{%- endif %}
{%- endfor %}
{%- if not files %}
select
    cast(null as int) as file_index,
    cast(null as bigint) as block_start,
    cast(null as bigint) as mid,
    cast(null as binary) as raw
where false
{%- endif %}
