"""Realistic, removable demo data for every feature: ``generate.generate`` and
``generate.remove_demo``; the plan, people, words, rows and review histories it is made of.
"""
