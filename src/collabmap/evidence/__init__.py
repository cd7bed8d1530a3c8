"""Evidence: sources, segments and codings in memory, with no database.

``model`` (the dataclasses), ``segment`` (paragraphs, sentences, speaker turns),
``importers`` (files → sources), ``refi`` (REFI-QDA .qdpx/.qdc exchange) and ``agreement``
(inter-coder reliability). The store (:mod:`collabmap.store`) persists what these produce.
"""
