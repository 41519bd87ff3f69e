{#
  Invariant 6 across engines: the id macro gives the ids an independent sha256 gives. The
  expected values were computed outside the warehouse, with Python:
    hashlib.sha256('\x1f'.join(parts).encode('utf-8')).hexdigest()[:16]
  so a dispatched implementation that hashes other bytes (another encoding, another separator,
  upper-case hex, a dropped part) fails here, on any input, even an empty substrate.
#}
with

cases as (
    select
        'run_id with a non-ASCII sig_hash' as case_name,
        {{ distill.export_id('rag', ["'scrum:1776910485757:crates/vectord/src/playbook_memory.rs'", "'9f2cé'"]) }} as actual,
        'rag-8040bbbd798fe5bb' as expected
    union all
    select
        'four preference parts' as case_name,
        {{ distill.export_id('pref', ["'c-run'", "'sig-c'", "'r-run'", "'sig-r'"]) }} as actual,
        'pref-7861263f2b70efa4' as expected
    union all
    select
        'ingest quarantine key' as case_name,
        {{ distill.export_id('q', ["'ingest'", "'data/sample/evidence.jsonl:7'", "'schema_violation'"]) }} as actual,
        'q-3b75b09426dc99cd' as expected
)

select * from cases
where actual is null or actual <> expected
