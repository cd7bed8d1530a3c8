"""Comparison across partnerships: cross-case tables, the framework matrix, networks,
similarity, consensus between respondents and crisp-set QCA. Pure: no I/O."""
