"""Data shipped with the desk (catalogue, fonts, icons); installed as deskapp.resources."""
