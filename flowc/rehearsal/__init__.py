"""Call rehearsal: run calls against the flows before a phone ever rings.

- :mod:`.engine` plays Twilio's part on TwiML (one handler per verb in ``VERBS``);
- :mod:`.servers` answers its requests (static folder, flows in memory, WSGI app, loopback URL);
- :mod:`.scenario` reads ``*.calls`` files; :mod:`.runner` rehearses and judges them;
- :mod:`.paths` lists every way through a flow; :mod:`.coverage` counts what ran;
- :mod:`.pytest_plugin` offers the ``flow_call`` fixture; :mod:`.interactive` is ``flowc call``.

See docs/rehearsal.md.
"""
