"""Following the newsroom's feeds: which feeds (:mod:`.newsroom`), reading them (:mod:`.parse`), fetching
politely (:mod:`.fetch`) and storing what is new with its provenance (:mod:`.follow`). docs/feeds.md."""
