"""Small helpers with no models, used by every app."""
