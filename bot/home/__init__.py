"""App Home's core: everything waiting on one person, as plain data (no Block Kit here).

:mod:`bot.home.agenda` holds the data, :mod:`bot.home.build` decides what goes where (pure),
:mod:`bot.home.facts` loads the person's panels (only those changed since they were last
loaded), :mod:`bot.home.service` puts them together.
"""
