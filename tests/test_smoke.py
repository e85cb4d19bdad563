from conftest import codes


def test_voicemail_compiles_clean(compile_flow):
    build = compile_flow(
        """
        flow voicemail

        step start:
            say "Leave a message."
            record voicemail max 20s finish "*" -> GET handle

        step handle:
            hangup
        """
    )
    assert codes(build) == []
    assert [s.name for s in build.flows[0].steps] == ["start", "handle"]
