"""Applicant tracking systems: interviews become panels, résumés and earlier rounds reach the
packet, feedback goes back. ``connector`` is the interface the core sees; ``ashby`` and
``greenhouse`` are the only modules that know an ATS's types."""
