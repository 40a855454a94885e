"""Email: recorded in the database, sent by a worker under one leased protocol. Layer 1,
above lib; imports no other app.
"""
