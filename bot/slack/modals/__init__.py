"""The modals, one module per flow; ``inputs`` holds the input elements several share and
``submissions`` reads what comes back."""
