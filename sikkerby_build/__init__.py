"""sikkerby: static site generator for the City of Copenhagen's Sikker By programme.

Pipeline: load -> validate -> compute -> edition -> render -> engine -> audit -> publish.
Each stage is a module with one entry point; see README.md.
"""

__version__ = "0.1.0"
