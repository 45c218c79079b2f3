"""App Home's core: everything waiting on one person, as plain data (no Block Kit here).

:mod:`bot.home.agenda` holds the data, :mod:`bot.home.build` decides what goes where (pure),
:mod:`bot.home.service` loads it from the database in a fixed number of queries.
"""
