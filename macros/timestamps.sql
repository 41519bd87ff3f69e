{#
  SPEC §2.4 timestamps. Accepted: YYYY-MM-DDTHH:MM:SS, optional .f (1-9 digits, truncated to
  microseconds), optional Z or ±HH:MM (none means UTC); uppercase T and Z only; a real calendar
  date; hour 00-23, minute and second 00-59 (no leap second), offset at most ±23:59; the UTC
  instant's year 0001-9999. Anything else is null (unparseable). Result: a UTC TIMESTAMP.
#}

{% macro parse_iso8601(expr) %}{{ return(adapter.dispatch('parse_iso8601', 'distill')(expr)) }}{% endmacro %}
{% macro default__parse_iso8601(expr) %}{{ distill._unsupported('parse_iso8601') }}{% endmacro %}

{#-
  One regexp_extract per value, its groups bound to `p` by a one-element list_transform (a
  correlated subquery here cost a join per model), the UTC instant bound to `u` likewise.
-#}
{% macro duckdb__parse_iso8601(expr) -%}
  list_transform(
    [regexp_extract(
      {{ expr }},
      '^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})?$',
      ['y', 'mo', 'd', 'h', 'mi', 's', 'f', 'tz']
    )],
    lambda p: case
      when p.y is null or p.y = '' then null
      when cast(p.h as integer) > 23 or cast(p.mi as integer) > 59 or cast(p.s as integer) > 59 then null
      when p.tz not in ('', 'Z')
        and (cast(substr(p.tz, 2, 2) as integer) > 23 or cast(substr(p.tz, 5, 2) as integer) > 59) then null
      else list_transform(
        [
          try_cast(p.y || '-' || p.mo || '-' || p.d || ' ' || p.h || ':' || p.mi || ':' || p.s as timestamp)
          + to_microseconds(cast(rpad(left(p.f, 6), 6, '0') as bigint))
          - case
              when p.tz in ('', 'Z') then interval 0 minute
              else (case when left(p.tz, 1) = '-' then -1 else 1 end)
                   * (cast(substr(p.tz, 2, 2) as integer) * interval 1 hour
                      + cast(substr(p.tz, 5, 2) as integer) * interval 1 minute)
            end
        ],
        lambda u: case when year(u) between 1 and 9999 then u end
      )[1]
    end
  )[1]
{%- endmacro %}

{#- SPEC §2.4 output form: UTC, seconds, fraction dropped. -#}
{% macro format_utc(expr) %}{{ return(adapter.dispatch('format_utc', 'distill')(expr)) }}{% endmacro %}
{% macro default__format_utc(expr) %}{{ distill._unsupported('format_utc') }}{% endmacro %}
{% macro duckdb__format_utc(expr) %}strftime({{ expr }}, '%Y-%m-%dT%H:%M:%SZ'){% endmacro %}
