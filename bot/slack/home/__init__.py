"""App Home: the view of someone's agenda (``view``) and publishing it (``publish``)."""
