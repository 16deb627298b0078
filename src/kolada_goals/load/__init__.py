"""Land what Kolada answered in raw_ first, build core_ and hist_ from it, and publish."""
