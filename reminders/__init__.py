"""Review reminders: one claimed row per learner and local day. Layer 7, beside newsletter
(neither imports the other).
"""
