"""After the panel: feedback, the hiring manager's decision, and the candidate-update clock."""
