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

{#-
  Spark: the same groups; make_timestamp builds the local time in UTC (null for a date that does
  not exist), the fraction truncated to microseconds is added as a decimal, and the offset is
  subtracted as an interval (a zone offset beyond ±18:00 would raise as a time zone). The UTC
  year is checked on the microseconds since the epoch.
-#}
{% macro spark__parse_iso8601(expr) -%}
  element_at(transform(
    array(named_struct(
      'y', regexp_extract({{ expr }}, {{ distill._iso8601_pattern() }}, 1),
      'mo', regexp_extract({{ expr }}, {{ distill._iso8601_pattern() }}, 2),
      'd', regexp_extract({{ expr }}, {{ distill._iso8601_pattern() }}, 3),
      'h', regexp_extract({{ expr }}, {{ distill._iso8601_pattern() }}, 4),
      'mi', regexp_extract({{ expr }}, {{ distill._iso8601_pattern() }}, 5),
      's', regexp_extract({{ expr }}, {{ distill._iso8601_pattern() }}, 6),
      'f', regexp_extract({{ expr }}, {{ distill._iso8601_pattern() }}, 7),
      'tz', regexp_extract({{ expr }}, {{ distill._iso8601_pattern() }}, 8))),
    p -> case
      when {{ expr }} is null or p.y = '' then null
      when cast(p.h as int) > 23 or cast(p.mi as int) > 59 or cast(p.s as int) > 59 then null
      when p.tz not in ('', 'Z')
        and (cast(substr(p.tz, 2, 2) as int) > 23 or cast(substr(p.tz, 5, 2) as int) > 59) then null
      else element_at(transform(
        array(
          make_timestamp(
            cast(p.y as int), cast(p.mo as int), cast(p.d as int), cast(p.h as int), cast(p.mi as int),
            cast(p.s as decimal(8, 6)) + cast(rpad(left(p.f, 6), 6, '0') as decimal(8, 0)) / 1000000, 'UTC')
          - case
              when p.tz in ('', 'Z') then make_interval(0, 0, 0, 0, 0, 0, 0)
              else make_interval(0, 0, 0, 0,
                (case when left(p.tz, 1) = '-' then -1 else 1 end) * cast(substr(p.tz, 2, 2) as int),
                (case when left(p.tz, 1) = '-' then -1 else 1 end) * cast(substr(p.tz, 5, 2) as int), 0)
            end
        ),
        u -> case when unix_micros(u) between -62135596800000000 and 253402300799999999 then u end), 1)
    end), 1)
{%- endmacro %}

{% macro _iso8601_pattern() -%}
  {{ distill.java_regex("'^(\\d{4})-(\\d{2})-(\\d{2})T(\\d{2}):(\\d{2}):(\\d{2})(?:\\.(\\d{1,9}))?(Z|[+-]\\d{2}:\\d{2})?$'") }}
{%- endmacro %}

{#- SPEC §2.4 output form: UTC, seconds, fraction dropped. -#}
{% macro format_utc(expr) %}{{ return(adapter.dispatch('format_utc', 'distill')(expr)) }}{% endmacro %}
{% macro default__format_utc(expr) %}{{ distill._unsupported('format_utc') }}{% endmacro %}
{% macro duckdb__format_utc(expr) %}strftime({{ expr }}, '%Y-%m-%dT%H:%M:%SZ'){% endmacro %}
{#- the session time zone is UTC (profiles.yml) -#}
{% macro spark__format_utc(expr) %}date_format({{ expr }}, "yyyy-MM-dd'T'HH:mm:ss'Z'"){% endmacro %}
