"""Half-typed text gets its syntax error and nothing more (issue 15): a reference whose string is
not closed yet is not judged, and a table header whose `]` is missing is not a second table."""

from __future__ import annotations

from jetls_fixture import check_fixture

EXP = "jetstream/exp.toml"


def test_a_reference_being_typed_gets_only_the_syntax_error(tmp_path):
    check_fixture(tmp_path, EXP, """
        [experiment]
        segments = ["
        #           ^ error JET001 unterminated string
        #          ^ error JET001 unclosed array
        [metrics]
        weekly = ["act
        #         ^^^^ error JET001 unterminated string
        #        ^ error JET001 unclosed array
    """)


def test_a_header_being_typed_is_not_a_duplicate_table(tmp_path):
    check_fixture(tmp_path, EXP, """
        [metrics]
        weekly = ["active_hours"]
        [metrics.
        #^^^^^^^^ error JET001 missing its closing
        #       ^ error JET001 expected a key
        [experiment]
        enrollment_period = 7
    """)
